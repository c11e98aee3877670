"""Forms for meetings, messages, documents and handovers. The services check the rules again (people of
this family, workers on its team); their refusals are shown on the fields they name."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional, StopValidation

from app.cases.forms import GovDateField, PeopleField, choices, extra_sensitive_field, text_limit
from app.common.uploads import upload_field
from app.framework.categories import DataCategory
from app.teamwork import services
from app.teamwork.models import MeetingKind


def _code(value):
    return getattr(value, "value", value)


def _id_or_none(value):
    return int(value) if str(value or "").isdigit() else None


def _category_field(description="Decides who may see this", default=None):
    return SelectField("Data category", widget=GovSelect(), coerce=_code, default=default,
                       choices=choices([("", "Select a category"), *DataCategory.choices()]),
                       validators=[InputRequired("Select the data category")], description=description)


class TeamField(SelectMultipleField):
    """Checkboxes of workers on the team; ids are checked against the choices, never trusted."""

    widget = GovCheckboxesInput()

    def __init__(self, label, description="", **kwargs):
        super().__init__(label, coerce=int, description=description, validate_choice=True, **kwargs)

    def pre_validate(self, form):
        if self.data and any(d not in {c.value for c in self.choices} for d in self.data):
            raise StopValidation("Select people from the team around this family")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []


class MessageForm(FlaskForm):
    body = TextAreaField("Message", widget=GovCharacterCount(), validators=[
        InputRequired("Enter your message"), text_limit("Your message", services.MESSAGE_LIMIT)])
    person_ids = PeopleField()
    category = _category_field("Decides which agencies may read this message")
    mention_user_ids = TeamField("Tell these people (optional)",
                                 description="They get a notification that there is a new message to read")
    extra_sensitive = extra_sensitive_field()
    submit = SubmitField("Send message", widget=GovSubmitInput())
    form_token = HiddenField()


class ThreadForm(MessageForm):
    subject = StringField("Subject", widget=GovTextInput(), validators=[
        InputRequired("Enter a subject"), text_limit("The subject", services.SUBJECT_LIMIT)])
    submit = SubmitField("Start discussion", widget=GovSubmitInput())


class MeetingForm(FlaskForm):
    kind = RadioField("Kind of meeting", widget=GovRadioInput(), choices=choices(MeetingKind.choices()), coerce=_code,
                      validators=[InputRequired("Select the kind of meeting")],
                      invalid_choice_message="Select the kind of meeting")
    held_on = GovDateField("Date of the meeting", required_message="Enter the date of the meeting",
                           description="For example, 27 3 2026")
    attendee_user_ids = TeamField("Workers who attend")
    attendee_person_ids = PeopleField("Family members who attend")  # description replaced in the route
    agenda = TextAreaField("Agenda (optional)", widget=GovTextArea(), validators=[
        Optional(), text_limit("The agenda", services.MEETING_TEXT_LIMIT)])
    minutes = TextAreaField("Minutes (optional)", widget=GovTextArea(), validators=[
        Optional(), text_limit("The minutes", services.MEETING_TEXT_LIMIT)])
    family_views = TextAreaField("The family's views, in their own words (optional)", widget=GovTextArea(),
                                 validators=[Optional(), text_limit("The family's views", services.MEETING_TEXT_LIMIT)])
    decisions = TextAreaField("Decisions (optional)", widget=GovTextArea(), validators=[
        Optional(), text_limit("The decisions", services.MEETING_TEXT_LIMIT)])
    person_ids = PeopleField()
    category = _category_field("Decides which agencies may read the minutes", default=DataCategory.CASE_NOTE.value)
    extra_sensitive = extra_sensitive_field()
    submit = SubmitField("Save meeting", widget=GovSubmitInput())
    form_token = HiddenField()


class MeetingActionForm(FlaskForm):
    action = TextAreaField("Action", widget=GovTextArea(), validators=[
        InputRequired("Enter the action"), text_limit("The action", 500)],
        description="It is added to the family plan")
    owner_user_id = SelectField("Who owns it", widget=GovSelect(), coerce=_id_or_none, choices=[],
                                validators=[InputRequired("Select who owns the action")])
    due_on = GovDateField("Due date", required_message="Enter the due date")
    submit = SubmitField("Add action", widget=GovSubmitInput())
    form_token = HiddenField()


class DocumentForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput(), validators=[
        InputRequired("Enter a title for the document"), text_limit("The title", services.TITLE_LIMIT)])
    description = TextAreaField("Description (optional)", widget=GovTextArea(), validators=[
        Optional(), text_limit("The description", services.DESCRIPTION_LIMIT)])
    person_ids = PeopleField()
    category = _category_field("Decides which agencies may open the document")
    extra_sensitive = extra_sensitive_field()
    upload = upload_field("File", hint="A PDF, PNG, JPEG or Word document")
    submit = SubmitField("Upload document", widget=GovSubmitInput())
    form_token = HiddenField()


class VersionForm(FlaskForm):
    upload = upload_field("New version", hint="A PDF, PNG, JPEG or Word document. The earlier versions are kept.")
    submit = SubmitField("Upload new version", widget=GovSubmitInput())
    form_token = HiddenField()


class HandoverForm(FlaskForm):
    open_actions = TextAreaField("Open actions", widget=GovTextArea(), validators=[
        InputRequired("Enter the open actions, or write none"), text_limit("Open actions", services.HANDOVER_LIMIT)],
        description="What is still to be done, and who is doing it")
    risks = TextAreaField("Risks", widget=GovTextArea(), validators=[
        InputRequired("Enter the risks, or write none"), text_limit("Risks", services.HANDOVER_LIMIT)])
    next_meeting = TextAreaField("Next meeting", widget=GovTextArea(), validators=[
        InputRequired("Enter when the next meeting is, or write none booked"),
        text_limit("Next meeting", services.HANDOVER_LIMIT)])
    other_notes = TextAreaField("Anything else (optional)", widget=GovTextArea(), validators=[
        Optional(), text_limit("Other notes", services.HANDOVER_LIMIT)])
    extra_sensitive = extra_sensitive_field()
    submit = SubmitField("Send handover", widget=GovSubmitInput())


class AcknowledgeForm(FlaskForm):
    submit = SubmitField("I have read this handover", widget=GovSubmitInput())


class MarkReadForm(FlaskForm):
    submit = SubmitField("Mark all as read", widget=GovSubmitInput())

"""Forms of the family record. Messages follow the GOV.UK Design System; the services check the
rules again (people of this family, active types and agencies), and their refusals are shown on the
fields they name. Forms that create a record carry a one-time `form_token`, so submitting twice
creates one record."""
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from app.cases import services
from app.cases.models import ClosureReason, Gender, GoalStatus, Relationship
from app.common.widgets import GovLongSelect
from app.framework.categories import DataCategory


class GovDateField(DateField):
    """Day, month and year boxes. Refuses impossible dates (31 February) and part-dates with a clear
    message, and keeps what was typed for the page to show again."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, *, required_message=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.required_message = required_message
        self.problem = None

    def process_formdata(self, valuelist):
        self.problem = None
        if not valuelist:
            self.raw_data = None  # nothing sent: the widget shows the field's data instead
            return
        parts = [str(v or "").strip() for v in valuelist][:3]
        self.raw_data = ([*parts, "", "", ""])[:3]  # what was typed, shown again as typed
        if not any(parts):
            self.data = None
            return
        words = self.label.text
        if len(parts) != 3 or not all(parts):
            self.data, self.problem = None, f"{words} must include a day, month and year"
            return
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            self.data, self.problem = None, f"{words} must be a real date, with a 4-digit year"
            return
        day, month, year = (int(p) for p in parts)
        try:
            self.data = date(year, month, day)
        except ValueError:
            self.data, self.problem = None, f"{words} must be a real date"
            return
        if year < 1900:
            self.data, self.problem = None, f"{words} must be after 1900"

    def pre_validate(self, form):
        if self.problem:
            raise StopValidation(self.problem)
        if self.data is None and self.required_message:
            raise StopValidation(self.required_message)


def choices(pairs):
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def _code(value):
    return getattr(value, "value", value)


def _id_or_none(value):
    return int(value) if str(value or "").isdigit() else None


def text_limit(words, limit):
    return Length(max=limit, message=f"{words} must be {limit:,} characters or fewer")


class TokenForm(FlaskForm):
    form_token = HiddenField()


class PersonForm(FlaskForm):
    given_name = StringField("First name", widget=GovTextInput(), validators=[
        InputRequired("Enter the person's first name"), text_limit("First name", 100)])
    family_name = StringField("Last name", widget=GovTextInput(), validators=[
        InputRequired("Enter the person's last name"), text_limit("Last name", 100)])
    other_names = StringField("Other names (optional)", widget=GovTextInput(), validators=[
        Optional(), text_limit("Other names", 200)])
    date_of_birth = GovDateField("Date of birth", description="For example, 27 3 2012")
    relationship_to_family = SelectField(
        "Relationship to the family", widget=GovSelect(), coerce=_code,
        choices=choices([("", "Select a relationship"), *Relationship.choices()]),
        validators=[InputRequired("Select the person's relationship to the family")],
        validate_choice=True)
    gender = RadioField("Gender", widget=GovRadioInput(), choices=choices(Gender.choices()), coerce=_code,
                        default=Gender.NOT_KNOWN.value, invalid_choice_message="Select the person's gender")
    expectant = BooleanField("Expecting a baby", widget=GovCheckboxInput())
    nhs_number = StringField("NHS number (optional)", widget=GovTextInput(), validators=[Optional()],
                             description="10 digits, for example 943 476 5919")
    upn = StringField("Unique pupil number (optional)", widget=GovTextInput(), validators=[Optional()])
    school_urn = StringField("School URN (optional)", widget=GovTextInput(), validators=[Optional()])
    ni_number = StringField("National Insurance number (optional)", widget=GovTextInput(), validators=[Optional()])
    pnc_number = StringField("Police National Computer number (optional)", widget=GovTextInput(),
                             validators=[Optional()])
    submit = SubmitField("Save person", widget=GovSubmitInput())
    form_token = HiddenField()

    FIELDS = ("given_name", "family_name", "other_names", "date_of_birth", "relationship_to_family", "gender",
              "expectant", "nhs_number", "upn", "school_urn", "ni_number", "pnc_number")

    def person_data(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class LeftHouseholdForm(FlaskForm):
    left_household_on = GovDateField("Date they left the household",
                                     required_message="Enter the date they left the household")
    submit = SubmitField("Mark as left the household", widget=GovSubmitInput())


class SafeAddressForm(FlaskForm):
    at_risk = RadioField("Is this person at risk of domestic abuse?", widget=GovRadioInput(), choices=choices([
        ("yes", "Yes: their address is a safe address"), ("no", "No, or no longer")]),
        validators=[InputRequired("Select whether the person is at risk of domestic abuse")])
    since = GovDateField("Date they were found to be at risk", description="For example, 27 3 2026")
    submit = SubmitField("Save", widget=GovSubmitInput())


class AddressForm(FlaskForm):
    address_line_1 = StringField("Address line 1", widget=GovTextInput(), validators=[
        InputRequired("Enter the first line of the address"), text_limit("Address line 1", 120)])
    address_line_2 = StringField("Address line 2 (optional)", widget=GovTextInput(), validators=[
        Optional(), text_limit("Address line 2", 120)])
    town = StringField("Town or city", widget=GovTextInput(), validators=[
        InputRequired("Enter the town or city"), text_limit("Town or city", 80)])
    postcode = StringField("Postcode", widget=GovTextInput(), validators=[InputRequired("Enter the postcode")])
    moved_in_on = GovDateField("Date they moved in", required_message="Enter the date they moved in")
    submit = SubmitField("Save address", widget=GovSubmitInput())


class LeadForm(FlaskForm):
    lead_practitioner_id = SelectField("Lead practitioner", widget=GovLongSelect(), coerce=_id_or_none, choices=[],
                                       validators=[InputRequired("Select the lead practitioner")])
    submit = SubmitField("Save lead practitioner", widget=GovSubmitInput())


class TeamMemberForm(FlaskForm):
    agency_id = SelectField("Agency", widget=GovLongSelect(), coerce=_id_or_none, choices=[],
                            validators=[InputRequired("Select an agency")])
    user_id = SelectField("Named worker (optional)", widget=GovLongSelect(), coerce=_id_or_none, choices=[],
                          description="Leave as 'No named worker' to add the agency only")
    role_description = StringField("Their role in the team", widget=GovTextInput(), validators=[
        InputRequired("Enter their role in the team"), text_limit("Role", 120)],
        description="For example, attendance officer")
    joined_on = GovDateField("Date they joined", required_message="Enter the date they joined")
    submit = SubmitField("Add to the team", widget=GovSubmitInput())
    form_token = HiddenField()


class TeamLeftForm(FlaskForm):
    left_on = GovDateField("Date they left the team", required_message="Enter the date they left the team")
    submit = SubmitField("Mark as left the team", widget=GovSubmitInput())


class PeopleField(SelectMultipleField):
    widget = GovCheckboxesInput()

    def __init__(self, label="Who it concerns", **kwargs):
        super().__init__(label, coerce=int, description="Select nobody if it concerns the whole family",
                         validate_choice=True, **kwargs)

    def pre_validate(self, form):
        if self.data:
            values = {c.value for c in self.choices}
            if any(d not in values for d in self.data):
                raise StopValidation("Select people from this family")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []
            raise


class NeedForm(FlaskForm):
    descriptor_id = SelectField("The need", widget=GovSelect(), coerce=_id_or_none, choices=[],
                                validators=[InputRequired("Select the need from the outcome framework")])
    identified_on = GovDateField("Date identified", required_message="Enter the date the need was identified")
    source_agency_id = SelectField("Agency that identified it", widget=GovLongSelect(), coerce=_id_or_none, choices=[])
    person_ids = PeopleField()
    at_attachment = BooleanField("Identified at attachment", widget=GovCheckboxInput())
    submit = SubmitField("Add need", widget=GovSubmitInput())
    form_token = HiddenField()


class AssessmentForm(FlaskForm):
    narrative = TextAreaField("Analysis and summary", widget=GovCharacterCount(), validators=[
        Optional(), text_limit("The analysis", services.NARRATIVE_LIMIT)],
        description="What the family's situation means for the children, and what needs to change")
    completed_on = GovDateField("Date completed (optional)",
                                description="Leave empty until the assessment is complete")
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit = SubmitField("Save assessment", widget=GovSubmitInput())

    def section_data(self):
        return {key: self[key].data for key, _ in services.ASSESSMENT_SECTIONS}


for _key, _label in services.ASSESSMENT_SECTIONS:
    setattr(AssessmentForm, _key, TextAreaField(_label, widget=GovTextArea(), validators=[
        Optional(), text_limit(_label, services.SECTION_LIMIT)]))


class PlanGoalForm(FlaskForm):
    need_id = SelectField("The need it answers (optional)", widget=GovSelect(), coerce=_id_or_none, choices=[])
    action = TextAreaField("Action", widget=GovTextArea(), validators=[
        InputRequired("Enter the action"), text_limit("The action", services.ACTION_LIMIT)],
        description="What will be done, and by whom")
    owner_agency_id = SelectField("Agency that owns the action", widget=GovLongSelect(), coerce=_id_or_none, choices=[],
                                  validators=[InputRequired("Select the agency that owns the action")])
    due_on = GovDateField("Due date", required_message="Enter the due date")
    status = RadioField("Status", widget=GovRadioInput(), choices=choices(GoalStatus.choices()), coerce=_code,
                        default=GoalStatus.NOT_STARTED.value, invalid_choice_message="Select the status of the goal")
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit = SubmitField("Save goal", widget=GovSubmitInput())
    form_token = HiddenField()


class PlanReviewForm(FlaskForm):
    due_on = GovDateField("Review date", required_message="Enter the date of the review")
    submit = SubmitField("Add review date", widget=GovSubmitInput())
    form_token = HiddenField()


class ReviewHeldForm(FlaskForm):
    held_on = GovDateField("Date held", required_message="Enter the date the review was held")
    submit = SubmitField("Record review held", widget=GovSubmitInput())


def _category_choices():
    return choices([("", "Select a category"), *DataCategory.choices()])


def extra_sensitive_field():
    return BooleanField(
        "Extra-sensitive: police intelligence or a third-party statement", widget=GovCheckboxInput(),
        description="Only your agency, the lead practitioner and information governance officers will see what it "
                    "says. It is never put in a printed document or an export, and break-glass access does not "
                    "open it.")


class InterventionForm(FlaskForm):
    type_id = SelectField("Type of work", widget=GovSelect(), coerce=_id_or_none, choices=[],
                          validators=[InputRequired("Select the type of work")])
    agency_id = SelectField("Agency that did the work", widget=GovLongSelect(), coerce=_id_or_none, choices=[],
                            validators=[InputRequired("Select the agency that did the work")])
    person_ids = PeopleField()
    occurred_on = GovDateField("Date of the work", required_message="Enter the date of the work")
    duration_minutes = IntegerField("How long it took, in minutes", widget=GovTextInput(), validators=[
        InputRequired("Enter how long it took, in minutes"),
        NumberRange(0, services.MAX_DURATION_MINUTES,
                    f"How long it took must be between 0 and {services.MAX_DURATION_MINUTES} minutes")],
        invalid_value_message="How long it took must be a whole number of minutes, for example 45")
    summary = TextAreaField("Summary", widget=GovCharacterCount(), validators=[
        InputRequired("Enter a summary of the work"), text_limit("The summary", services.SUMMARY_LIMIT)])
    category = SelectField("Data category", widget=GovSelect(), coerce=_code, choices=_category_choices(),
                           validators=[InputRequired("Select the data category")],
                           description="Decides who may see this record")
    extra_sensitive = extra_sensitive_field()
    submit = SubmitField("Save intervention", widget=GovSubmitInput())
    form_token = HiddenField()

    def record_data(self) -> dict:
        return {name: self[name].data for name in (
            "type_id", "occurred_on", "duration_minutes", "summary", "category", "person_ids", "extra_sensitive")}


class DeleteInterventionForm(FlaskForm):
    reason = TextAreaField("Why are you deleting it?", widget=GovTextArea(), validators=[
        InputRequired("Enter why the intervention is being deleted"), text_limit("The reason", services.REASON_LIMIT)],
        description="Managers can still see the intervention and this reason")
    submit = SubmitField("Delete intervention", widget=GovSubmitInput())


class CaseNoteForm(FlaskForm):
    body = TextAreaField("Note", widget=GovCharacterCount(), validators=[
        InputRequired("Enter the note"), text_limit("The note", services.SUMMARY_LIMIT)])
    person_ids = PeopleField()
    category = SelectField("Data category", widget=GovSelect(), coerce=_code, choices=_category_choices(),
                           validators=[InputRequired("Select the data category")],
                           description="Decides who may see this note")
    extra_sensitive = extra_sensitive_field()
    submit = SubmitField("Save note", widget=GovSubmitInput())
    form_token = HiddenField()


class StatusForm(FlaskForm):
    to_status = RadioField("What happens next?", widget=GovRadioInput(), choices=[], coerce=_code,
                           invalid_choice_message="Select what happens next")
    closure_reason = RadioField("Why is the case closing?", widget=GovRadioInput(),
                                choices=choices(ClosureReason.choices()), coerce=_code,
                                validators=[Optional()], validate_choice=False)
    changed_on = GovDateField("Date", required_message="Enter the date")
    submit = SubmitField("Change status", widget=GovSubmitInput())


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Name, family reference, NHS number or postcode", widget=GovTextInput(), validators=[
        Optional(), text_limit("The search", 100)])
    date_of_birth = GovDateField("Date of birth (optional)")
    submit = SubmitField("Search", widget=GovSubmitInput())

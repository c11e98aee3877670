"""Forms of the rights pages. The services check every rule again."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.cases.forms import GovDateField, choices, text_limit
from app.rights.models import RequesterKind, VerificationMethod
from app.rights.services import NAME_MAX, NOTE_MAX, REASON_MAX


class RequestForm(FlaskForm):
    person_id = HiddenField()
    requester_kind = RadioField("Who made the request", widget=GovRadioInput(),
                                choices=choices(RequesterKind.choices()),
                                validators=[InputRequired("Select who made the request")])
    requester_name = StringField("Name of the person who asked", widget=GovTextInput(), validators=[
        InputRequired("Enter the name of the person who asked"), text_limit("The requester's name", NAME_MAX)])
    received_on = GovDateField("Date the request was received", description="For example, 27 3 2026",
                               required_message="Enter the date the request was received")
    verification = RadioField("How their identity was checked", widget=GovRadioInput(),
                              choices=choices(VerificationMethod.choices()),
                              validators=[InputRequired("Select how their identity was checked")])
    verification_note = TextAreaField("Note on the check (optional)", widget=GovTextArea(), validators=[
        Optional(), text_limit("The note", NOTE_MAX)])
    submit = SubmitField("Record request", widget=GovSubmitInput())


class ExtendForm(FlaskForm):
    months = RadioField("Extend by", widget=GovRadioInput(), coerce=int,
                        choices=choices([(1, "One further month"), (2, "Two further months")]),
                        validators=[InputRequired("Select how long to extend by")])
    reason = TextAreaField("Why the request needs longer", widget=GovTextArea(),
                           description="For example, the request is complex or the person made several requests",
                           validators=[InputRequired("Enter why the request needs longer"),
                                       text_limit("The reason", REASON_MAX)])
    submit = SubmitField("Extend the due date", widget=GovSubmitInput())


class CompleteForm(FlaskForm):
    released_on = GovDateField("Date the response was released", description="For example, 27 4 2026",
                               required_message="Enter the date the response was released")
    submit = SubmitField("Mark as completed", widget=GovSubmitInput())


class ExportForm(FlaskForm):
    """A button: an export is a deliberate act, so it is a POST with a CSRF token, never a link."""


class HoldForm(FlaskForm):
    reason = TextAreaField("Why the records must be kept", widget=GovTextArea(),
                           description="For example, a claim has been made or an inquiry has asked for the records",
                           validators=[InputRequired("Enter why the records must be kept"),
                                       text_limit("The reason", REASON_MAX)])
    submit = SubmitField("Place a legal hold", widget=GovSubmitInput())


class ClearHoldForm(FlaskForm):
    reason = TextAreaField("Why the hold is no longer needed", widget=GovTextArea(), validators=[
        InputRequired("Enter why the hold is no longer needed"), text_limit("The reason", REASON_MAX)])
    submit = SubmitField("Clear the legal hold", widget=GovSubmitInput(), render_kw={})

"""Forms of the consent and sharing pages. The services check every rule again."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from app.auth.models import AgencyKind
from app.cases.forms import GovDateField, choices, text_limit
from app.common.uploads import upload_field
from app.framework.categories import DataCategory
from app.sharing.models import AlertOutcome, BreakGlassReason, ConsentMethod, GivenBy, SharingPurpose
from app.sharing.services import ANSWERS


class Checkboxes(SelectMultipleField):
    widget = GovCheckboxesInput()

    def __init__(self, label, message, **kwargs):
        super().__init__(label, validators=[InputRequired(message)], validate_choice=True, **kwargs)


class ConsentForm(FlaskForm):
    person_ids = Checkboxes("Who gave their agreement", "Select who gave their agreement", coerce=int)
    given_by = RadioField("Who gave it", widget=GovRadioInput(), choices=choices(GivenBy.choices()),
                          validators=[InputRequired("Select who gave the agreement")])
    given_by_name = StringField("Name of the parent or carer (if a parent or carer agreed)", widget=GovTextInput(),
                                validators=[Optional(), text_limit("The name", 120)])
    child_competent = BooleanField("The child was judged competent to decide for themselves",
                                   widget=GovCheckboxInput())
    given_on = GovDateField("Date agreement was given", description="For example, 27 3 2026",
                            required_message="Enter the date agreement was given")
    method = RadioField("How it was given", widget=GovRadioInput(), choices=choices(ConsentMethod.choices()),
                        validators=[InputRequired("Select how agreement was given")])
    signed_form = upload_field("Signed form (if agreement was signed)", required=False,
                               hint="A PDF, photo (PNG or JPEG) or Word document of the signed form")
    witness_name = StringField("Witness (for verbal agreement)", widget=GovTextInput(),
                               validators=[Optional(), text_limit("The witness's name", 120)])
    categories = Checkboxes("What may be shared", "Select what may be shared",
                            choices=choices(DataCategory.choices()))
    recipient_kinds = Checkboxes("With which kinds of agency", "Select who it may be shared with",
                                 choices=choices(AgencyKind.choices()))
    purposes = Checkboxes("For what", "Select what it may be used for", choices=choices(SharingPurpose.choices()))
    review_on = GovDateField("Review or expiry date (optional)", description="For example, 27 3 2027")
    submit = SubmitField("Record agreement", widget=GovSubmitInput())
    form_token = HiddenField()

    FIELDS = ("person_ids", "given_by", "given_by_name", "child_competent", "given_on", "method", "witness_name",
              "categories", "recipient_kinds", "purposes", "review_on")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Withdraw", widget=GovSubmitInput())


class AskForm(FlaskForm):
    why = TextAreaField("Why you need it (optional)", widget=GovTextArea(),
                        validators=[Optional(), text_limit("Why you need it", 2000)])
    submit = SubmitField("Send request", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    answer = RadioField("Your answer", widget=GovRadioInput(),
                        choices=choices((k, label) for k, (label, _) in ANSWERS.items()),
                        validators=[InputRequired("Select your answer")])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[
        InputRequired("Enter the reason for your answer"), text_limit("The reason", 2000)])
    review_on = GovDateField("Review date (optional: 6 months if left empty)", description="For example, 27 9 2026")
    submit = SubmitField("Record answer", widget=GovSubmitInput())


class SafeguardingForm(FlaskForm):
    recipient_agency_id = SelectField("Share with", widget=GovSelect(), coerce=int,
                                      validators=[InputRequired("Select the agency to share with")])
    category = SelectField("What", widget=GovSelect(), choices=choices(DataCategory.choices()),
                           validators=[InputRequired("Select what to share")])
    person_ids = Checkboxes("About whom", "Select the people the information is about", coerce=int)
    reason = TextAreaField("Why sharing without agreement is needed", widget=GovTextArea(), validators=[
        InputRequired("Enter the reason for the decision"), text_limit("The reason", 2000)])
    review_on = GovDateField("Review date (optional: 6 months if left empty)", description="For example, 27 9 2026")
    submit = SubmitField("Record decision", widget=GovSubmitInput())
    form_token = HiddenField()


class AgreementForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(), validators=[
        InputRequired("Enter the agreement's name"), text_limit("The name", 120)])
    from_kinds = Checkboxes("From which kinds of agency", "Select the kinds of agency that share",
                            choices=choices(AgencyKind.choices()))
    to_kinds = Checkboxes("To which kinds of agency", "Select the kinds of agency that receive",
                          choices=choices(AgencyKind.choices()))
    categories = Checkboxes("Which categories", "Select the categories", choices=choices(DataCategory.choices()))
    purposes = Checkboxes("For which purposes", "Select the purposes", choices=choices(SharingPurpose.choices()))
    starts_on = GovDateField("Start date", required_message="Enter the start date")
    review_on = GovDateField("Review date", required_message="Enter the review date")
    submit = SubmitField("Save agreement", widget=GovSubmitInput())
    form_token = HiddenField()


class BreakGlassSearchForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name", widget=GovTextInput(), validators=[Optional(), text_limit("The name", 100)])
    reference = StringField("Family reference", widget=GovTextInput(),
                            validators=[Optional(), text_limit("The reference", 20)])
    date_of_birth = GovDateField("Date of birth", description="For example, 27 3 2012")
    submit = SubmitField("Search", widget=GovSubmitInput())


class BreakGlassForm(FlaskForm):
    reason = RadioField("Reason", widget=GovRadioInput(), choices=choices(BreakGlassReason.choices()),
                        validators=[InputRequired("Select the reason you need emergency access")])
    justification = TextAreaField("Justification", widget=GovTextArea(), validators=[
        InputRequired("Explain why you need emergency access"), text_limit("The justification", 2000)])
    submit = SubmitField("Open the family record", widget=GovSubmitInput(), )


class ReviewForm(FlaskForm):
    outcome = RadioField("Was the access justified?", widget=GovRadioInput(), choices=choices(AlertOutcome.choices()),
                         validators=[InputRequired("Select whether the access was justified")])
    note = TextAreaField("Note", widget=GovTextArea(), validators=[
        InputRequired("Enter a note about your review"), text_limit("The note", 2000)])
    submit = SubmitField("Record review", widget=GovSubmitInput())

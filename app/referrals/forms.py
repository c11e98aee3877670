"""Forms of the referral pages. Each form names the fields it accepts; routes pass them to the services
by name (no populate_obj), so nothing else can be set. Messages follow the GOV.UK patterns."""
from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from app.cases.identifiers import UPN, NHSNumber, NINumber, PNCNumber, Postcode
from app.cases.models import Gender, Relationship
from app.common.time import today_london
from app.referrals.models import (
    REASON_TEXT_MAX,
    SUMMARY_MAX,
    ConsentPosition,
    DeclineReason,
    WithoutAgreementBasis,
)

EARLIEST_BIRTH = date(1900, 1, 1)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def parse_date_parts(parts, words="Date of birth", *, today=None) -> date | None:
    """A date from day, month and year as typed, or None when all are blank; ValueError with a GOV.UK message."""
    day, month, year = ((p or "").strip() for p in ([*list(parts), "", "", ""])[:3])
    if not (day or month or year):
        return None
    missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
    if missing:
        raise ValueError(f"{words} must include a {' and a '.join(missing)}")
    if not (day.isdigit() and month.isdigit() and year.isdigit()):
        raise ValueError(f"{words} must be a real date")
    if len(year) != 4:
        raise ValueError("Year must include 4 numbers")
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"{words} must be a real date") from None
    if value > (today or today_london()):
        raise ValueError(f"{words} must be today or in the past")
    if value < EARLIEST_BIRTH:
        raise ValueError(f"{words} must be after 1 January 1900")
    return value


class GovDateField(Field):
    """Day, month and year inputs (GOV.UK date input) with GOV.UK messages for missing parts,
    impossible dates and dates in the future. `raw_data` keeps what was typed."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, words="Date of birth", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.words = words
        self._problem = None

    def process_formdata(self, valuelist):
        self.raw_data = ([*list(valuelist), "", "", ""])[:3] if valuelist else None
        self.data = None
        if valuelist:
            try:
                self.data = parse_date_parts(self.raw_data, self.words)
            except ValueError as exc:
                self._problem = str(exc)

    def pre_validate(self, form):
        if self._problem:
            raise ValidationError(self._problem)

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""


class AddressForm(FlaskForm):
    address_line_1 = StringField("Address line 1", widget=GovTextInput(), filters=[_strip],
                                 validators=[Length(max=120, message="Address line 1 must be 120 characters or fewer")])
    address_line_2 = StringField("Address line 2 (optional)", widget=GovTextInput(), filters=[_strip],
                                 validators=[Length(max=120, message="Address line 2 must be 120 characters or fewer")])
    town = StringField("Town or city (optional)", widget=GovTextInput(), filters=[_strip],
                       validators=[Length(max=80, message="Town or city must be 80 characters or fewer")])
    postcode = StringField("Postcode", widget=GovTextInput(), filters=[_strip], validators=[Postcode()])
    no_fixed_address = BooleanField("The family has no fixed address", widget=GovCheckboxInput())
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def validate_address_line_1(self, field):
        if not self.no_fixed_address.data and not field.data:
            raise ValidationError("Enter the first line of the family's address")

    def validate_postcode(self, field):
        if not self.no_fixed_address.data and not field.data:
            raise ValidationError("Enter the family's postcode")


def _one_of(choices, message):
    allowed = {c[0] for c in choices}

    def check(form, field):
        if field.data not in allowed:
            raise ValidationError(message)

    return check


GENDER_CHOICES = [(g.value, g.label) for g in Gender]
RELATIONSHIP_CHOICES = [(r.value, r.label) for r in Relationship]


class PersonForm(FlaskForm):
    given_name = StringField("First name", widget=GovTextInput(), filters=[_strip], validators=[
        InputRequired(message="Enter the person's first name"),
        Length(max=100, message="First name must be 100 characters or fewer")])
    family_name = StringField("Last name", widget=GovTextInput(), filters=[_strip], validators=[
        InputRequired(message="Enter the person's last name"),
        Length(max=100, message="Last name must be 100 characters or fewer")])
    other_names = StringField("Other names (optional)", widget=GovTextInput(), filters=[_strip],
                              description="Middle names, or names they have been known by",
                              validators=[Length(max=200, message="Other names must be 200 characters or fewer")])
    date_of_birth = GovDateField("Date of birth (optional if not known)", description="For example, 27 3 2015")
    gender = SelectField("Gender", widget=GovRadioInput(), choices=[SelectChoice(*c) for c in GENDER_CHOICES],
                         validate_choice=False,
                         validators=[InputRequired(message="Select the person's gender"),
                                     _one_of(GENDER_CHOICES, "Select the person's gender")])
    relationship_to_family = SelectField(
        "Relationship to the family", widget=GovSelect(),
        choices=[SelectChoice("", "Choose a relationship"), *(SelectChoice(*c) for c in RELATIONSHIP_CHOICES)],
        validate_choice=False,
        validators=[InputRequired(message="Select the person's relationship to the family"),
                    _one_of(RELATIONSHIP_CHOICES, "Select the person's relationship to the family")])
    nhs_number = StringField("NHS number (optional)", widget=GovTextInput(), filters=[_strip],
                             description="10 digits, like 999 123 4567", validators=[NHSNumber()])
    upn = StringField("Unique pupil number (UPN) (optional)", widget=GovTextInput(), filters=[_strip],
                      validators=[UPN()])
    ni_number = StringField("National Insurance number (optional)", widget=GovTextInput(), filters=[_strip],
                            validators=[NINumber()])
    pnc_number = StringField("Police National Computer (PNC) number (optional)", widget=GovTextInput(),
                             filters=[_strip], validators=[PNCNumber()])
    submit = SubmitField("Save person", widget=GovSubmitInput())

    FIELDS = ("given_name", "family_name", "other_names", "gender", "relationship_to_family", "nhs_number", "upn",
              "ni_number", "pnc_number")

    def raw(self) -> dict:
        """What was typed (normalised where valid), for the draft."""
        values = {name: getattr(self, name).data or "" for name in self.FIELDS}
        values["date_of_birth"] = self.date_of_birth.raw_data or ["", "", ""]
        return values


class ReasonsForm(FlaskForm):
    """The reasons are checkboxes grouped by headline outcome (the template renders the groups)."""

    reasons = SelectMultipleField("Reasons for the referral", validate_choice=False)
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args, valid_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.valid_codes = set(valid_codes)

    def validate_reasons(self, field):
        chosen = [code.strip() for code in field.data or [] if code and code.strip()]
        if any(code not in self.valid_codes for code in chosen):
            raise ValidationError("Select reasons from the list: one of them is not in the outcome framework")
        if not chosen:
            raise ValidationError("Select at least one reason for the referral")
        field.data = chosen


CONSENT_CHOICES = [(c.value, c.label) for c in ConsentPosition]
BASIS_CHOICES = [(b.value, b.label) for b in WithoutAgreementBasis]


class DetailsForm(FlaskForm):
    summary = TextAreaField(
        "Summary of the family's situation", widget=GovCharacterCount(), filters=[_strip],
        description="What is happening for the family, what has been tried, and what you hope the programme can do",
        validators=[InputRequired(message="Enter a summary of the family's situation"),
                    Length(max=SUMMARY_MAX, message=f"Summary must be {SUMMARY_MAX:,} characters or fewer")])
    consent_position = SelectField(
        "Did the family agree to this referral?", widget=GovRadioInput(),
        choices=[SelectChoice(*c) for c in CONSENT_CHOICES], validate_choice=False,
        validators=[InputRequired(message="Select whether the family agreed to the referral"),
                    _one_of(CONSENT_CHOICES, "Select whether the family agreed to the referral")])
    without_agreement_basis = SelectField(
        "Basis for referring without agreement", widget=GovRadioInput(),
        choices=[SelectChoice(*c) for c in BASIS_CHOICES], validate_choice=False)
    without_agreement_reason = TextAreaField(
        "Why are you referring without the family's agreement?", widget=GovTextArea(), filters=[_strip],
        validators=[Length(max=REASON_TEXT_MAX,
                           message=f"Explanation must be {REASON_TEXT_MAX:,} characters or fewer")])
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    FIELDS = ("summary", "consent_position", "without_agreement_basis", "without_agreement_reason")

    def _without(self):
        return self.consent_position.data == ConsentPosition.WITHOUT_AGREEMENT.value

    def validate_without_agreement_basis(self, field):
        if self._without() and field.data not in {c[0] for c in BASIS_CHOICES}:
            raise ValidationError("Select the basis for referring without the family's agreement")

    def validate_without_agreement_reason(self, field):
        if self._without() and not field.data:
            raise ValidationError("Explain why you are referring without the family's agreement")


class SendForm(FlaskForm):
    token = HiddenField()
    submit = SubmitField("Send referral", widget=GovSubmitInput())


class DiscardForm(FlaskForm):
    submit = SubmitField("Delete this draft", widget=GovSubmitInput())


class RemovePersonForm(FlaskForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())


DECLINE_CHOICES = [(r.value, r.label) for r in DeclineReason]


class DeclineForm(FlaskForm):
    decline_reason = SelectField(
        "Why is the referral declined?", widget=GovRadioInput(), choices=[SelectChoice(*c) for c in DECLINE_CHOICES],
        validate_choice=False,
        validators=[InputRequired(message="Select a reason for declining the referral"),
                    _one_of(DECLINE_CHOICES, "Select a reason for declining the referral")])
    triage_note = TextAreaField(
        "Explanation (shown to the referrer)", widget=GovTextArea(), filters=[_strip],
        validators=[Length(max=REASON_TEXT_MAX,
                           message=f"Explanation must be {REASON_TEXT_MAX:,} characters or fewer")])
    submit = SubmitField("Decline referral", widget=GovSubmitInput())

    def validate_triage_note(self, field):
        if self.decline_reason.data == DeclineReason.OTHER.value and not field.data:
            raise ValidationError("Explain why the referral is declined")


class DuplicateForm(FlaskForm):
    duplicate_of = StringField("Reference of the referral it duplicates", widget=GovTextInput(), filters=[_strip],
                               description="For example, RF-000123",
                               validators=[InputRequired(message="Enter the reference of the referral it duplicates"),
                                           Length(max=16, message="Enter a reference like RF-000123")])
    submit = SubmitField("Mark as duplicate", widget=GovSubmitInput())


class AcceptNewFamilyForm(FlaskForm):
    submit = SubmitField("Accept and create a new family", widget=GovSubmitInput())


class AcceptExistingForm(FlaskForm):
    """Links each referred person to a member of the chosen family, or none (added as new). The
    `person_<position>` fields are read from the request by the route and checked by the service."""

    submit = SubmitField("Accept into this family", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    file = FileField("Upload a CSV file", widget=GovFileInput(),
                     description="Comma-separated, UTF-8, one row per person; see the column layout below")
    submit = SubmitField("Check and import", widget=GovSubmitInput())


class MergeForm(FlaskForm):
    submit = SubmitField("Merge", widget=GovSubmitInput())


class UndoMergeForm(FlaskForm):
    submit = SubmitField("Undo this merge", widget=GovSubmitInput())

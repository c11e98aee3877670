"""Forms of the claims pages. Each names the fields it accepts; routes hand them to the services one by one."""
import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from app.cases.forms import GovDateField
from app.claims import rounds
from app.claims.models import RejectionReason, SampleResult
from app.outcomes.facts import ClaimType

_AMOUNT = re.compile(r"^£?\s*(\d{1,9}(?:,\d{3})*|\d+)(?:\.(\d{1,2}))?$")


def _choices(enum_cls):
    return [SelectChoice(value, label) for value, label in enum_cls.choices()]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def parse_amount(text) -> int | None:
    """'£9,600.00' -> 960000 pence; None when it is not an amount of money."""
    match = _AMOUNT.match((text or "").strip())
    if not match:
        return None
    pounds = int(match.group(1).replace(",", ""))
    pence = int((match.group(2) or "0").ljust(2, "0"))
    return pounds * 100 + pence


def _round_code(form, field):
    try:
        rounds.parse_round(field.data or "")
    except rounds.RoundCodeInvalid as exc:
        raise ValidationError(str(exc)) from exc


def _amount(form, field):
    if parse_amount(field.data) is None:
        raise ValidationError(f"Enter the {field.label.text.lower()} in pounds and pence, like 9600.00")


def _date_check(form, field):
    if field.problem:
        raise ValidationError(field.problem)
    if field.data is None:
        raise ValidationError(field.required_message or f"Enter the {field.label.text.lower()}")


class BuildRoundForm(FlaskForm):
    month = StringField("Round", widget=GovTextInput(), filters=[_strip],
                        description="The processing month as a year and month, for example 2026-05",
                        validators=[InputRequired("Enter the round as a year and month, like 2026-05"),
                                    Length(max=7, message="Enter the round as a year and month, like 2026-05"),
                                    _round_code])
    submit = SubmitField("Build the round's claims", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that changes a round's state (approve, draw the sample)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class SampleDecisionForm(FlaskForm):
    result = RadioField("Internal audit decision", widget=GovRadioInput(), choices=_choices(SampleResult),
                        validators=[InputRequired("Select whether the claim is signed off or rejected")])
    reason = RadioField("Reason the claim is rejected", widget=GovRadioInput(), choices=_choices(RejectionReason),
                        validate_choice=False)
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_reason(self, field):
        if self.result.data == SampleResult.REJECTED.value:
            if field.data not in {r.value for r in RejectionReason}:
                raise ValidationError("Select the reason the claim is rejected")
        else:
            field.data = None


class SubmittedForm(FlaskForm):
    submitted_on = GovDateField("Date submitted", required_message="Enter the date the round was submitted",
                                validators=[_date_check])
    reference = StringField("Submission reference", widget=GovTextInput(), filters=[_strip],
                            validators=[InputRequired("Enter the submission reference"),
                                        Length(max=40, message="The reference must be 40 characters or fewer")])
    amount = StringField("Amount submitted", widget=GovTextInput(), filters=[_strip],
                         validators=[InputRequired("Enter the amount submitted"), _amount])
    submit = SubmitField("Mark as submitted", widget=GovSubmitInput())


class PaidForm(FlaskForm):
    paid_on = GovDateField("Date paid", required_message="Enter the date the payment was received",
                           validators=[_date_check])
    amount = StringField("Amount received", widget=GovTextInput(), filters=[_strip],
                         validators=[InputRequired("Enter the amount received"), _amount])
    submit = SubmitField("Mark as paid", widget=GovSubmitInput())


class TargetForm(FlaskForm):
    target = StringField("Target of successful outcomes this financial year", widget=GovTextInput(),
                         filters=[_strip], validators=[InputRequired("Enter the target as a whole number")])
    submit = SubmitField("Save target", widget=GovSubmitInput())

    def validate_target(self, field):
        if not (field.data or "").isdigit() or len(field.data) > 7:
            raise ValidationError("Enter the target as a whole number, like 250")


class OverrideForm(FlaskForm):
    form_token = HiddenField()
    family = StringField("Family reference", widget=GovTextInput(), filters=[_strip],
                         validators=[InputRequired("Enter the family reference, like HF-000123"),
                                     Length(max=16, message="Enter the family reference, like HF-000123")])
    claim_type = RadioField("Claim type", widget=GovRadioInput(), choices=_choices(ClaimType),
                            validators=[InputRequired("Select the claim type")])
    reason = TextAreaField("Reason for the override", widget=GovCharacterCount(), filters=[_strip],
                           validators=[InputRequired("Enter the reason for the override"),
                                       Length(max=500, message="The reason must be 500 characters or fewer")])
    submit = SubmitField("Record the override", widget=GovSubmitInput())

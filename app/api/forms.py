"""Forms of the API client administration pages. Routes pass each field to the services by name."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from app.api.services import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, NAME_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class NewClientForm(FlaskForm):
    token = HiddenField()  # one-time form token: a second submission creates nothing
    agency_id = SelectField("Agency", widget=GovSelect(), coerce=str, validate_choice=False,
                            description="The client acts as a designated lead of this agency")
    name = StringField("Name of the client", widget=GovTextInput(), filters=[_strip],
                       description="The partner system, for example 'Police case system'",
                       validators=[InputRequired(message="Enter a name for the client"),
                                   Length(max=NAME_MAX, message=f"Name must be {NAME_MAX} characters or fewer")])
    lifetime_days = StringField(
        "Days until the token expires", widget=GovTextInput(), default=str(DEFAULT_LIFETIME_DAYS), filters=[_strip],
        description=f"Up to {MAX_LIFETIME_DAYS} days. Give the partner a new token before it expires.",
        validators=[InputRequired(message="Enter how many days the token works for")])
    submit = SubmitField("Create client", widget=GovSubmitInput())

    def validate_lifetime_days(self, field):
        if not (field.data or "").isdigit() or not 1 <= int(field.data) <= MAX_LIFETIME_DAYS:
            raise ValidationError(f"Days until it expires must be a whole number between 1 and {MAX_LIFETIME_DAYS}")

    def validate_agency_id(self, field):
        if field.data not in {str(value) for value, _ in field.choices if value}:
            raise ValidationError("Select the agency the client belongs to")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke token", widget=GovSubmitInput())

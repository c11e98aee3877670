"""Forms for the administration of users and agencies. Each form names the fields it accepts; the
routes pass them to the services one by one (no populate_obj), so nothing else can be set."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from app.auth.models import AgencyKind

STATUS_CHOICES = [SelectChoice("active", "Active"), SelectChoice("disabled", "Disabled")]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _one_of_choices(message):
    """Like WTForms' choice check, with a GOV.UK message (the built-in says "Not a valid choice")."""

    def check(form, field):
        offered = {str(choice[0]) for choice in field.iter_choices() if choice[0] not in ("", None)}
        if str(field.data) not in offered:
            raise ValidationError(message)

    return check


# Unbound fields shared by the new and edit forms; defined in page order, which WTForms keeps, so the
# error summary lists problems in the order the page shows them.
_email = StringField(
    "Email address",
    widget=GovTextInput(),
    filters=[lambda v: v.strip() if isinstance(v, str) else v],
    validators=[
        InputRequired(message="Enter the user's email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
               message="Enter an email address in the correct format, like name@example.com"),
    ],
)
_name = StringField(
    "Full name",
    widget=GovTextInput(),
    filters=[lambda v: v.strip() if isinstance(v, str) else v],
    validators=[
        InputRequired(message="Enter the user's full name"),
        Length(max=120, message="Full name must be 120 characters or fewer"),
    ],
)
_role = SelectField(
    "Role",
    widget=GovRadioInput(),
    validate_choice=False,
    validators=[InputRequired(message="Select the user's role"), _one_of_choices("Select the user's role")],
)
_agency = SelectField(
    "Agency",
    widget=GovSelect(),
    coerce=_int_or_none,
    validate_choice=False,
    validators=[InputRequired(message="Select the user's agency"), _one_of_choices("Select the user's agency")],
)
_designated_lead = BooleanField(
    "Designated lead for their agency",
    widget=GovCheckboxInput(),
    description="Designated leads may use break-glass access to a family in an emergency.",
)
_status = SelectField(
    "Status",
    widget=GovRadioInput(),
    choices=STATUS_CHOICES,
    validate_choice=False,
    validators=[InputRequired(message="Select whether the account is active or disabled"),
                _one_of_choices("Select whether the account is active or disabled")],
)
_password = PasswordField(
    "Initial password",
    widget=GovPasswordInput(),
    description="At least 12 characters. Give it to the user in person or by phone, never by email.",
    validators=[InputRequired(message="Enter an initial password"),
                Length(max=1024, message="Password must be 128 characters or fewer")],
)


class _UserFormBase(FlaskForm):
    def __init__(self, *args, roles, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(role.value, role.label) for role in roles]
        self.agency.choices = [SelectChoice("", "Choose an agency"),
                               *(SelectChoice(agency.id, agency.name) for agency in agencies)]


class NewUserForm(_UserFormBase):
    email = _email
    name = _name
    role = _role
    agency = _agency
    is_designated_lead = _designated_lead
    password = _password
    submit = SubmitField("Save", widget=GovSubmitInput())


class EditUserForm(_UserFormBase):
    name = _name
    role = _role
    agency = _agency
    is_designated_lead = _designated_lead
    status = _status
    submit = SubmitField("Save", widget=GovSubmitInput())


class EndSessionsForm(FlaskForm):
    """Only the CSRF token: the action is in the URL."""


_agency_name = StringField(
    "Agency name",
    widget=GovTextInput(),
    filters=[lambda v: v.strip() if isinstance(v, str) else v],
    validators=[InputRequired(message="Enter the agency's name"),
                Length(max=120, message="Agency name must be 120 characters or fewer")],
)
_kind = SelectField(
    "Kind of agency",
    widget=GovSelect(),
    choices=[SelectChoice("", "Choose a kind of agency"),
             *(SelectChoice(code, label) for code, label in AgencyKind.choices())],
    validate_choice=False,
    validators=[InputRequired(message="Select the kind of agency"), _one_of_choices("Select the kind of agency")],
)

_agency_status = SelectField(
    "Status",
    widget=GovRadioInput(),
    choices=STATUS_CHOICES,
    validate_choice=False,
    validators=[InputRequired(message="Select whether the agency is active or disabled"),
                _one_of_choices("Select whether the agency is active or disabled")],
)


class NewAgencyForm(FlaskForm):
    name = _agency_name
    kind = _kind
    submit = SubmitField("Save", widget=GovSubmitInput())


class EditAgencyForm(FlaskForm):
    name = _agency_name
    kind = _kind
    status = _agency_status
    submit = SubmitField("Save", widget=GovSubmitInput())

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, Regexp


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=1024)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class TotpForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        filters=[lambda v: "".join(v.split()) if isinstance(v, str) else v],
        validators=[
            InputRequired(message="Enter the 6-digit code from your authenticator app"),
            Regexp(r"^\d{6}$", message="Enter the code as 6 digits, like 123456"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        "Recovery code",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter one of your recovery codes"),
            Length(max=40, message="Recovery codes are 12 letters and numbers, like ABCD-EFGH-JK23"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="At least 12 characters. A few unrelated words together are easy to remember and hard to guess.",
        validators=[InputRequired(message="Enter a new password"),
                    Length(max=1024, message="Password must be 128 characters or fewer")],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter the new password again"),
                    EqualTo("password", message="The passwords do not match. Enter the same password twice")],
    )
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """Only the CSRF token: the action is in the URL."""

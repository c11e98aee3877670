"""Forms for editing the outcome framework. Field checks that need the headline or the database
(allowed categories, rule consistency, unique codes) are the service's, reported back on the fields."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import DecimalField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.framework.rules import TEXT_LIMITS, Comparison, MeasureKind, PeriodUnit, descriptor_problems


def _choices(members):
    return [SelectChoice(m.value, m.label) for m in members]


def _code(value):
    """Radio values are codes; a stored enum member becomes its code (str() would give its name)."""
    return getattr(value, "value", value)


class ThresholdField(DecimalField):
    """Shows 90 rather than 90.00 or 90.0 when the form is filled from a stored value."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{float(self.data):g}"


class DescriptorForm(FlaskForm):
    description = StringField(
        "The need",
        description="For example, school attendance below 90%",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the need"),
                    Length(max=TEXT_LIMITS["description"],
                           message=f"The need must be {TEXT_LIMITS['description']} characters or fewer")],
    )
    measure = StringField(
        "How the need is measured",
        description="For example, attendance percentage over a school term",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter how the need is measured"),
                    Length(max=TEXT_LIMITS["measure"],
                           message=f"How the need is measured must be {TEXT_LIMITS['measure']} characters or fewer")],
    )
    resolved_when = TextAreaField(
        "What counts as resolved",
        description="For example, attendance at or above 90% over three consecutive terms",
        widget=GovTextArea(),
        validators=[InputRequired(message="Enter what counts as resolved"),
                    Length(max=TEXT_LIMITS["resolved_when"],
                           message=f"What counts as resolved must be {TEXT_LIMITS['resolved_when']} characters or "
                                   "fewer")],
    )
    measure_kind = RadioField(
        "Kind of measure", choices=_choices(MeasureKind), widget=GovRadioInput(), coerce=_code,
        description="A percentage (such as attendance), a count (such as incidents in the period), or yes or no "
                    "(whether the resolved condition held in the period)",
        invalid_choice_message="Select the kind of measure",
    )
    comparison = RadioField(
        "Resolved when the measure is", choices=_choices(Comparison), widget=GovRadioInput(), coerce=_code,
        description="For a yes or no measure, select 'Exactly': resolved when the answer is yes",
        invalid_choice_message="Select how the measure is compared with the threshold",
    )
    threshold = ThresholdField(
        "Threshold",
        description="A number, for example 90 for 90%. Leave empty for a yes or no measure",
        widget=GovTextInput(),
        validators=[Optional()],
        invalid_value_message="The threshold must be a number, for example 90",
    )
    consecutive_periods = IntegerField(
        "Periods in a row",
        description="How many periods in a row the measure must show the need resolved, for example 3",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter how many periods in a row the need must stay resolved")],
        invalid_value_message="The number of periods must be a whole number, for example 3",
    )
    period_unit = RadioField(
        "Period", choices=_choices(PeriodUnit), widget=GovRadioInput(), coerce=_code,
        description="The period each value of the measure covers",
        invalid_choice_message="Select the period the measure is taken over",
    )
    category = RadioField(
        "Data category", widget=GovRadioInput(), choices=[], coerce=_code,
        description="Decides who may see needs recorded against this descriptor",
        invalid_choice_message="Select the data category",
    )
    submit = SubmitField("Save descriptor", widget=GovSubmitInput())

    checks_code = False

    def for_headline(self, headline_code, categories):
        """Offer only the categories a need under this headline may carry, and check the rule for it."""
        self.headline_code = headline_code
        self.category.choices = _choices(categories)
        return self

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # The framework's own checks too, so every problem is shown at once; fields that already
        # failed keep their first message.
        problems = descriptor_problems(self.descriptor_data(), self.headline_code, check_code=self.checks_code)
        problems = {f: m for f, m in problems.items() if f in self._fields and not self[f].errors}
        self.show_problems(problems)
        return valid and not problems

    def descriptor_data(self) -> dict:
        return {name: self[name].data for name in (
            "description", "measure", "resolved_when", "measure_kind", "comparison", "threshold",
            "consecutive_periods", "period_unit", "category")}

    def show_problems(self, problems):
        """Put a service's refusal on the fields it names, so the error summary links to them."""
        for field, message in problems.items():
            target = self._fields.get(field, self.description)
            target.errors = [*target.errors, message]


class NewDescriptorForm(DescriptorForm):
    code = StringField(
        "Code",
        description="Used in data, the API and exports, and cannot be changed later. Lower-case letters, numbers "
                    "and underscores, for example school_attendance_below_90",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter a code for the descriptor"), Length(max=60, message=(
            "The code must be 60 characters or fewer"))],
    )
    submit = SubmitField("Add descriptor", widget=GovSubmitInput())
    checks_code = True

    def descriptor_data(self) -> dict:
        return {**super().descriptor_data(), "code": (self.code.data or "").strip()}


class ConfirmForm(FlaskForm):
    """An empty form for buttons that change state: it carries the CSRF token."""

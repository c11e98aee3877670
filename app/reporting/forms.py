"""Forms of the reporting pages. Each names the fields it accepts; routes pass them to the services one
by one, so nothing else can be set."""
from apscheduler.triggers.cron import CronTrigger
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from app.auth.models import Role
from app.cases.forms import GovDateField
from app.common.time import LONDON
from app.common.widgets import GovLongSelect
from app.reporting.periods import InvalidPeriod, PeriodRule, parse_period


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _period_check(form, field):
    try:
        parse_period(field.data or "")
    except InvalidPeriod as exc:
        raise ValidationError(str(exc)) from exc


class DashboardFilterForm(FlaskForm):
    """GET filters: no CSRF (nothing changes), and what was typed stays in the address bar."""

    class Meta:
        csrf = False

    period = StringField("Period", widget=GovTextInput(), filters=[_strip],
                         description="A month, like 2026-10, or a quarter of a financial year, like 2026-Q3 "
                                     "(October to December 2026)",
                         validators=[InputRequired(message="Enter a period, like 2026-10"),
                                     Length(max=7, message="Enter a period, like 2026-10 or 2026-Q3"), _period_check])
    key_worker = SelectField("Key worker", widget=GovLongSelect(), coerce=_int_or_none, validate_choice=False)
    agency = SelectField("Agency", widget=GovLongSelect(), coerce=_int_or_none, validate_choice=False)
    submit = SubmitField("Show figures", widget=GovSubmitInput())

    def __init__(self, *args, key_workers, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_worker.choices = [SelectChoice("", "All key workers"),
                                   *(SelectChoice(i, name) for i, name in key_workers)]
        self.agency.choices = [SelectChoice("", "All agencies"), *(SelectChoice(i, name) for i, name in agencies)]
        self._known = ({i for i, _ in key_workers}, {i for i, _ in agencies})

    def validate_key_worker(self, field):
        if field.data is not None and field.data not in self._known[0]:
            raise ValidationError("Select a key worker from the list")

    def validate_agency(self, field):
        if field.data is not None and field.data not in self._known[1]:
            raise ValidationError("Select an agency from the list")


class RequestReportForm(FlaskForm):
    report_type = RadioField("Report", widget=GovRadioInput(), validate_choice=False,
                             validators=[InputRequired(message="Select the report to make")])
    period = StringField("Period", widget=GovTextInput(), filters=[_strip],
                         description="A month for the monthly report (2026-10); a quarter for the quarterly return "
                                     "(financial year quarters: 2026-Q1 is April to June 2026); either for the "
                                     "National Impact Study extract",
                         validators=[InputRequired(message="Enter the period the report covers"),
                                     Length(max=7, message="Enter a period, like 2026-10 or 2026-Q3"), _period_check])
    submit = SubmitField("Make the report", widget=GovSubmitInput())

    def __init__(self, *args, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.report_type.choices = [SelectChoice(t.value, t.label) for t in types]

    def validate_report_type(self, field):
        if field.data not in {c.value for c in self.report_type.choices}:
            raise ValidationError("Select the report to make")


def _cron_check(form, field):
    try:
        CronTrigger.from_crontab(field.data or "", timezone=LONDON)
    except ValueError as exc:
        raise ValidationError("Enter how often in cron form: minute, hour, day of month, month and day of week, "
                              "like 0 7 1 * * for 7am on the 1st of each month") from exc


class ScheduleForm(FlaskForm):
    form_token = HiddenField()
    name = StringField("Name", widget=GovTextInput(), filters=[_strip],
                       validators=[InputRequired(message="Enter a name for the schedule"),
                                   Length(max=120, message="Name must be 120 characters or fewer")])
    report_type = RadioField("Report", widget=GovRadioInput(), validate_choice=False,
                             validators=[InputRequired(message="Select the report to make")])
    cron = StringField("How often", widget=GovTextInput(), filters=[_strip],
                       description="In cron form (London time): minute, hour, day of month, month, day of week. "
                                   "0 7 1 * * is 7am on the 1st of each month; 0 7 1 1,4,7,10 * is quarterly.",
                       validators=[InputRequired(message="Enter how often to make the report"),
                                   Length(max=100, message="How often must be 100 characters or fewer"), _cron_check])
    period_rule = RadioField("Period the report covers", widget=GovRadioInput(), validate_choice=False,
                             choices=[SelectChoice(r.value, r.label) for r in PeriodRule],
                             validators=[InputRequired(message="Select the period the report covers")])
    recipient_roles = SelectMultipleField("Who is told when it is ready", widget=GovCheckboxesInput(),
                                          validate_choice=False,
                                          description="Only roles that may read this report are told")
    submit = SubmitField("Save schedule", widget=GovSubmitInput())

    def __init__(self, *args, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.report_type.choices = [SelectChoice(t.value, t.label) for t in types]
        self.recipient_roles.choices = [SelectChoice(r.value, r.label) for r in Role]

    def validate_report_type(self, field):
        if field.data not in {c.value for c in self.report_type.choices}:
            raise ValidationError("Select the report to make")

    def validate_period_rule(self, field):
        if field.data not in {r.value for r in PeriodRule}:
            raise ValidationError("Select the period the report covers")

    def validate_recipient_roles(self, field):
        if any(code not in {r.value for r in Role} for code in field.data or []):
            raise ValidationError("Select roles from the list")


class FindFamilyForm(FlaskForm):
    class Meta:
        csrf = False

    family = StringField("Family reference", widget=GovTextInput(), filters=[_strip],
                         description="For example, HF-000123",
                         validators=[InputRequired(message="Enter the family reference, like HF-000123"),
                                     Length(max=16, message="Enter the family reference, like HF-000123")])
    submit = SubmitField("Find the family", widget=GovSubmitInput())


class OptOutForm(FlaskForm):
    person = RadioField("Who has opted out", widget=GovRadioInput(), coerce=_int_or_none, validate_choice=False,
                        validators=[InputRequired(message="Select the person who has opted out")])
    opted_out_on = GovDateField("Date they opted out", description="For example, 27 3 2026",
                                required_message="Enter the date they opted out")
    reason = TextAreaField("How they told us", widget=GovCharacterCount(), filters=[_strip],
                           description="For example, by letter to the information governance team. Do not record "
                                       "anything about their circumstances.",
                           validators=[InputRequired(message="Enter how they told us"),
                                       Length(max=500, message="How they told us must be 500 characters or fewer")])
    submit = SubmitField("Record the opt-out", widget=GovSubmitInput())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.person.choices = [SelectChoice(p.id, p.full_name) for p in people]
        self._ids = {p.id for p in people}

    def validate_person(self, field):
        if field.data not in self._ids:
            raise ValidationError("Select the person who has opted out")


__all__ = ["DashboardFilterForm", "FindFamilyForm", "OptOutForm", "RequestReportForm", "ScheduleForm"]

"""Forms of the outcome pages. The services check every rule again; their refusals are shown on the
fields they name. The evidence form carries a one-time `form_token`, so submitting twice records once."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.cases.forms import GovDateField, PeopleField, choices, text_limit
from app.common.uploads import upload_field
from app.framework.categories import DataCategory
from app.outcomes import services


def _id_or_none(value):
    return int(value) if str(value or "").isdigit() else None


def _code(value):
    return getattr(value, "value", value)


def _yes_no(value):
    return {"yes": True, "no": False, True: True, False: False}.get(value)


class EvidenceForm(FlaskForm):
    need_id = SelectField("The need", widget=GovSelect(), coerce=_id_or_none, choices=[],
                          validators=[InputRequired("Select the need the evidence is for")])
    value = StringField("Value for the period", widget=GovTextInput(), validators=[Optional(),
                                                                                   text_limit("The value", 20)],
                        description="For a percentage or a count, for example 92.5 or 0. Leave empty for a yes or "
                                    "no measure")
    answer = RadioField("For a yes or no measure: did the resolved condition hold in the period?",
                        widget=GovRadioInput(), coerce=_yes_no, choices=choices([("yes", "Yes"), ("no", "No")]),
                        validators=[Optional()], validate_choice=False)
    period_start = GovDateField("First day of the period", required_message="Enter the first day of the period",
                                description="For example, 1 9 2025")
    period_end = GovDateField("Last day of the period", required_message="Enter the last day of the period",
                              description="For example, 19 12 2025")
    source = StringField("Source", widget=GovTextInput(), validators=[
        InputRequired("Enter where the evidence comes from, for example the school's attendance return"),
        text_limit("The source", services.SOURCE_LIMIT)],
        description="Where the figure comes from, for example the school's attendance return")
    person_ids = PeopleField()
    category = SelectField("Data category (optional)", widget=GovSelect(), coerce=_code,
                           choices=choices([("", "The need's category"), *DataCategory.choices()]),
                           validate_choice=False,  # "" means the need's own; the service refuses unknown codes
                           description="Decides who may see this evidence")
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[
        Optional(), text_limit("The note", services.NOTE_LIMIT)])
    document = upload_field("Document (optional)", required=False,
                            hint="A PDF, PNG, JPEG or Word document, for example the attendance letter")
    submit = SubmitField("Save evidence", widget=GovSubmitInput())
    form_token = HiddenField()

    def evidence_data(self) -> dict:
        return {"value": self.value.data, "answer": self.answer.data, "period_start": self.period_start.data,
                "period_end": self.period_end.data, "source": self.source.data, "note": self.note.data,
                "person_ids": self.person_ids.data, "category": self.category.data or None}


class DeleteEvidenceForm(FlaskForm):
    reason = TextAreaField("Why are you deleting it?", widget=GovTextArea(), validators=[
        InputRequired("Enter why the evidence is being deleted"), text_limit("The reason", services.REASON_LIMIT)])
    submit = SubmitField("Delete evidence", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    agency_id = SelectField("Agency the data comes from", widget=GovSelect(), coerce=_id_or_none, choices=[],
                            validators=[InputRequired("Select the agency the data comes from")])
    descriptor_id = SelectField("What the file measures", widget=GovSelect(), coerce=_id_or_none, choices=[],
                                validators=[InputRequired("Select the need the file measures")])
    # The CSV is read and checked by the importer, never stored: the upload service is for documents.
    file = FileField("Upload a CSV file", widget=GovFileInput(),
                     description="Comma-separated, UTF-8, one row per person and period; see the columns below")
    submit = SubmitField("Import evidence", widget=GovSubmitInput())


class ResolveRowForm(FlaskForm):
    person_id = RadioField("Who is this row about?", widget=GovRadioInput(), coerce=str, choices=[],
                           validators=[InputRequired("Select the person this row is about, or none of them")],
                           validate_choice=False)
    submit = SubmitField("Save", widget=GovSubmitInput())

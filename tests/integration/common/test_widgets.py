"""GovLongSelect writes the same markup as govuk-frontend-wtf's GovSelect, only faster."""
import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.common.widgets import GovLongSelect

CHOICES = [SelectChoice(value, label) for value, label in
           [("", "All key workers"), (3, "Aisha O'Brien"), (7, "Tom <b>& Jerry</b>"), (12, 'Quote "me"')]]


def _normalised(html) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


def _form(widget, data):
    class Form(FlaskForm):
        class Meta:
            csrf = False

        worker = SelectField("Key worker", widget=widget, description="Who leads the family",
                             choices=CHOICES, coerce=str, validators=[InputRequired(message="Choose a key worker")])

    form = Form(data=data)
    form.validate()
    return form


def test_the_same_markup_as_the_gov_uk_macro(app):
    with app.test_request_context():
        for data in ({"worker": "7"}, {"worker": ""}, {}):
            plain, long = _form(GovSelect(), data), _form(GovLongSelect(), data)
            expected = _normalised(plain.worker(params={"classes": "govuk-!-width-full"}))
            assert _normalised(long.worker(params={"classes": "govuk-!-width-full"})) == expected
            assert expected.count("<option") == len(CHOICES)
        assert 'value="7" selected>Tom &lt;b&gt;&amp; Jerry&lt;/b&gt;</option>' in _normalised(
            _form(GovLongSelect(), {"worker": "7"}).worker())
        assert "govuk-error-message" in _normalised(_form(GovLongSelect(), {"worker": ""}).worker())

"""The API's request and response shapes. These marshmallow schemas both check what comes in (unknown
fields are refused, never stored) and generate the OpenAPI document, so the two cannot drift apart.

Structure and types are checked here; the business rules (identifier check digits, reason codes of the
framework in force, consent positions) are checked by the same services the web forms call."""
from marshmallow import RAISE, Schema, fields, validate

from app.cases.models import Gender, Relationship
from app.framework.categories import DataCategory
from app.framework.rules import MeasureKind
from app.referrals.models import REASON_TEXT_MAX, SUMMARY_MAX, ConsentPosition, ReferralStatus, WithoutAgreementBasis

EXTERNAL_REFERENCE_MAX = 64
EXTRA_SENSITIVE_IN = ("Police intelligence or a third-party statement: only your agency, the family's lead "
                      "practitioner and information governance officers will read it; it is never put in a printed "
                      "document or an export, and break-glass access does not open it")
EXTRA_SENSITIVE_OUT = "Marked extra-sensitive by the agency that holds it (shown only to those the rule names)"


def _codes(enum):
    return [member.value for member in enum]


def _text(max_length, *, required=False, min_length=None, **kwargs):
    if required and min_length is None:
        min_length = 1
    return fields.String(required=required, validate=validate.Length(min=min_length, max=max_length),
                         allow_none=not required, **kwargs)


class StrictBoolean(fields.Boolean):
    """true or false only: marshmallow's Boolean would also take "yes", 1 or "on"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE  # an unknown field is a 422, never silently dropped


# --- Requests ---------------------------------------------------------------------------------------------

class ReferralPersonIn(StrictSchema):
    given_name = _text(100, required=True)
    family_name = _text(100, required=True)
    other_names = _text(200)
    date_of_birth = fields.Date(allow_none=True, metadata={"description": "YYYY-MM-DD; omit if not known"})
    gender = fields.String(validate=validate.OneOf(_codes(Gender)), load_default=Gender.NOT_KNOWN.value)
    relationship_to_family = fields.String(required=True, validate=validate.OneOf(_codes(Relationship)))
    nhs_number = _text(12, metadata={"description": "10 digits with a valid check digit"})
    upn = _text(13, metadata={"description": "Unique pupil number"})
    ni_number = _text(11, metadata={"description": "National Insurance number"})
    pnc_number = _text(14, metadata={"description": "Police National Computer number"})


class AddressIn(StrictSchema):
    address_line_1 = _text(120)
    address_line_2 = _text(120)
    town = _text(80)
    postcode = _text(16)


class ReasonIn(StrictSchema):
    headline = fields.String(required=True, validate=validate.Length(min=1, max=40),
                             metadata={"description": "Headline outcome code of the framework in force"})
    descriptor = fields.String(required=True, validate=validate.Length(min=1, max=60),
                               metadata={"description": "Descriptor code under that headline"})


class ReferralIn(StrictSchema):
    people = fields.List(fields.Nested(ReferralPersonIn), required=True, validate=validate.Length(min=1, max=15))
    address = fields.Nested(AddressIn, load_default=dict)
    no_fixed_address = StrictBoolean(load_default=False)
    reasons = fields.List(fields.Nested(ReasonIn), required=True, validate=validate.Length(min=1, max=50))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=SUMMARY_MAX))
    consent_position = fields.String(required=True, validate=validate.OneOf(_codes(ConsentPosition)))
    without_agreement_basis = fields.String(allow_none=True, validate=validate.OneOf(_codes(WithoutAgreementBasis)))
    without_agreement_reason = _text(REASON_TEXT_MAX)
    external_reference = _text(EXTERNAL_REFERENCE_MAX, metadata={"description": "Your own system's reference"})


class EvidenceIn(StrictSchema):
    headline = fields.String(required=True, validate=validate.Length(min=1, max=40))
    descriptor = fields.String(required=True, validate=validate.Length(min=1, max=60))
    measure = fields.String(required=True, validate=validate.OneOf(_codes(MeasureKind)),
                            metadata={"description": "The descriptor's kind of measure"})
    value = fields.String(required=True, validate=validate.Length(min=1, max=40),
                          metadata={"description": "A number (92.5 for a percentage, 2 for a count), or yes or no"})
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    people = fields.List(fields.String(validate=validate.Length(min=1, max=14)), load_default=list,
                         validate=validate.Length(max=15),
                         metadata={"description": "NHS numbers (or UPNs) of the family members concerned; "
                                                  "empty for the whole family"})
    note = _text(2000)


class InterventionIn(StrictSchema):
    type = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"description": "Code of an intervention type, for example home_visit"})
    occurred_on = fields.Date(required=True)
    duration_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=24 * 60))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    category = fields.String(required=True, validate=validate.OneOf(_codes(DataCategory)))
    people = fields.List(fields.String(validate=validate.Length(min=1, max=14)), load_default=list,
                         validate=validate.Length(max=15),
                         metadata={"description": "NHS numbers (or UPNs) of the family members concerned"})
    extra_sensitive = StrictBoolean(load_default=False, metadata={"description": EXTRA_SENSITIVE_IN})


# --- Responses --------------------------------------------------------------------------------------------

class ReferralOut(StrictSchema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(_codes(ReferralStatus)))
    received_on = fields.Date(required=True)
    triaged_on = fields.Date(required=True, allow_none=True)
    external_reference = fields.String(required=True, allow_none=True)


class RecordOut(StrictSchema):
    """Shared by every record that the policy may withhold: without content when withheld."""

    withheld = fields.Boolean(required=True)
    holding_agency = fields.String(required=True)
    reason = fields.String(required=True, allow_none=True,
                           metadata={"description": "Why the content is withheld; null when it is shown"})


class PersonOut(StrictSchema):
    id = fields.Integer(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    date_of_birth = fields.Date(required=True, allow_none=True)
    relationship_to_family = fields.String(required=True)
    nhs_number = fields.String(required=True, allow_none=True)
    in_household = fields.Boolean(required=True)


class NeedOut(RecordOut):
    id = fields.Integer(required=True)
    headline = fields.String(allow_none=True)
    descriptor = fields.String(allow_none=True)
    identified_on = fields.Date(allow_none=True)
    people = fields.List(fields.Integer())


class InterventionOut(RecordOut):
    id = fields.Integer(required=True)
    occurred_on = fields.Date()
    type = fields.String(allow_none=True)
    agency = fields.String(allow_none=True)
    duration_minutes = fields.Integer(allow_none=True)
    summary = fields.String(allow_none=True)
    category = fields.String()
    extra_sensitive = fields.Boolean(metadata={"description": EXTRA_SENSITIVE_OUT})
    people = fields.List(fields.Integer())


class NoteOut(RecordOut):
    id = fields.Integer(required=True)
    recorded_at = fields.DateTime()
    category = fields.String()
    extra_sensitive = fields.Boolean(metadata={"description": EXTRA_SENSITIVE_OUT})
    body = fields.String(allow_none=True)


class FamilyOut(StrictSchema):
    reference = fields.String(required=True)
    status = fields.String(required=True)
    attached_on = fields.Date(required=True, allow_none=True)
    closed_on = fields.Date(required=True, allow_none=True)
    relationship = fields.String(required=True, metadata={"description": "Why your agency may see the family"})
    people = fields.List(fields.Nested(PersonOut), required=True)
    needs = fields.List(fields.Nested(NeedOut), required=True)
    interventions = fields.List(fields.Nested(InterventionOut), required=True)
    interventions_total = fields.Integer(required=True)
    case_notes = fields.List(fields.Nested(NoteOut), required=True)
    case_notes_total = fields.Integer(required=True)


class CreatedOut(StrictSchema):
    id = fields.Integer(required=True)
    family_reference = fields.String(required=True)


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    class Meta:
        unknown = RAISE

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    request_id = fields.String(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Field-level messages (422): a field path to its messages"})

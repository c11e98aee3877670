"""Outcome evidence sent through the API, recorded by the outcomes package's own service.

The API names the need by its framework codes (headline and descriptor of the framework in force) and
the people by identifier; here those become the descriptor, the family's need for it (if it has one)
and person ids, and `app.outcomes.services.record_evidence` checks and records the rest, exactly as
for the evidence form."""
from sqlalchemy import select

from app.cases.models import Need
from app.common.time import today_london
from app.extensions import db
from app.framework import queries as framework_queries
from app.framework.services import version_in_force
from app.outcomes import services as outcome_services

YES = frozenset({"yes", "true", "1"})
NO = frozenset({"no", "false", "0"})
# The outcome service's field names, as the API's request calls them.
FIELD_NAMES = {"need_id": "descriptor", "answer": "value", "person_ids": "people", "source": "body",
               "holding_agency_id": "body", "category": "body", "document": "body"}


class InvalidEvidence(ValueError):
    """`errors` maps a field of the request to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _descriptor(data, errors):
    version = version_in_force(today_london())
    if version is None:
        errors["descriptor"] = "No outcome framework is in force today"
        return None
    descriptor = framework_queries.descriptor_by_code(version, data["descriptor"])
    if descriptor is None:
        errors["descriptor"] = "Unknown descriptor code. Use the codes of the outcome framework in force"
    elif descriptor.headline.code != data["headline"]:
        errors["headline"] = "This descriptor is not under that headline outcome"
    elif descriptor.measure_kind.value != data["measure"]:
        errors["measure"] = f"This descriptor is measured as {descriptor.measure_kind.value}"
    return descriptor


def record(family, data: dict, person_ids: list[int], *, actor, source: str):
    errors: dict[str, str] = {}
    descriptor = _descriptor(data, errors)
    if errors:
        raise InvalidEvidence(errors)
    value, answer = data["value"], None
    if descriptor.measure_kind.value == "yes_no":
        word = value.strip().lower()
        if word not in YES | NO:
            raise InvalidEvidence({"value": "The value must be yes or no"})
        value, answer = None, word in YES
    need = db.session.scalar(select(Need).where(Need.family_id == family.id, Need.descriptor_id == descriptor.id)
                             .order_by(Need.id).limit(1))
    try:
        return outcome_services.record_evidence(
            family, need=need, descriptor=descriptor, value=value, answer=answer,
            period_start=data["period_start"], period_end=data["period_end"], source=source,
            note=data.get("note"), person_ids=person_ids, actor=actor)
    except outcome_services.InvalidEvidence as invalid:
        raise InvalidEvidence({FIELD_NAMES.get(name, name): message
                               for name, message in invalid.errors.items()}) from None

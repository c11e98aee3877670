"""A family as one agency's client may see it: every record is put to the sharing policy, and a record
it may not see is listed as withheld (holding agency and reason, no content), as on the web pages.
`facts_of` carries a record's extra-sensitive mark, so the policy shows such a record to its own agency's
client alone (a client's service account is never a lead practitioner nor an IG officer)."""
from app.cases import queries
from app.cases.visibility import content_decision, facts_of, withheld_text

RECORDS_PER_LIST = 50


def _agency_name(record):
    agency = getattr(record, "holding_agency", None)
    return agency.name if agency is not None else "another agency"


def _record(what, record, viewer, ties, content):
    decision = content_decision(viewer, facts_of(ties, record))
    if not decision:
        return {"id": record.id, "withheld": True, "holding_agency": _agency_name(record),
                "reason": withheld_text(what, _agency_name(record), record.category, decision)}
    return {"id": record.id, "withheld": False, "holding_agency": _agency_name(record), "reason": None,
            **content(record)}


def family(family, ties, decision, viewer) -> dict:
    interventions = queries.interventions_page(family, page=1)
    notes = queries.notes_page(family, page=1)
    return {
        "reference": family.reference,
        "status": family.status.value,
        "attached_on": family.attached_on,
        "closed_on": family.closed_on,
        "relationship": decision.tie.value,
        "people": [{"id": p.id, "given_name": p.given_name, "family_name": p.family_name,
                    "date_of_birth": p.date_of_birth, "relationship_to_family": p.relationship_to_family.value,
                    "nhs_number": p.nhs_number, "in_household": p.in_household}
                   for p in queries.family_people(family)],
        "needs": [_record("Need", need, viewer, ties, lambda n: {
            "headline": n.headline_code, "descriptor": n.descriptor.code, "identified_on": n.identified_on,
            "people": [p.id for p in n.people]}) for need in queries.needs(family)],
        "interventions": [_record("Intervention", item, viewer, ties, lambda i: {
            "occurred_on": i.occurred_on, "type": i.type.code, "agency": i.agency.name,
            "duration_minutes": i.duration_minutes, "summary": i.summary, "category": i.category.value,
            "extra_sensitive": i.extra_sensitive, "people": [p.id for p in i.people]})
            for item in interventions.items],
        "interventions_total": interventions.total or 0,
        "case_notes": [_record("Case note", note, viewer, ties, lambda n: {
            "recorded_at": n.created_at_utc, "category": n.category.value, "extra_sensitive": n.extra_sensitive,
            "body": n.body})
            for note in notes.items],
        "case_notes_total": notes.total or 0,
    }

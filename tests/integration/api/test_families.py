"""Contract tests for the family endpoints, and the sharing policy applied to the API: a client sees a
family only through its agency's place on the team, and each record only as the policy allows."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases import services as case_services
from app.cases.access import family_ties
from app.cases.models import Intervention, TeamMember
from app.cases.visibility import content_decision, facts_of
from app.common.time import today_london
from app.extensions import db
from app.sharing.policy import Viewer
from tests.integration.api.conftest import make_partner
from tests.integration.cases.conftest import intervention_type_id


def _url(casework, tail=""):
    return f"/api/v1/families/{casework.family.reference}{tail}"


def _intervention_body(**overrides):
    body = {"type": "home_visit", "occurred_on": (today_london() - timedelta(days=1)).isoformat(),
            "duration_minutes": 45, "summary": "Visited with the neighbourhood team.", "category": "crime",
            "people": ["943 476 5919"]}
    body.update(overrides)
    return body


def _council_records(casework):
    """What the council's key worker recorded: an intervention and a case note, held by the council."""
    kw = casework.key_worker
    intervention = case_services.record_intervention(
        casework.family, type_id=intervention_type_id(), agency=kw.agency, occurred_on=date.today() - timedelta(3),
        duration_minutes=30, summary="Council home visit, private detail", category="case_note",
        person_ids=[casework.mother.id], actor=kw)
    note = case_services.add_case_note(casework.family, body="Council note, private detail", category="health",
                                       actor=kw)
    db.session.commit()
    return intervention, note


def test_a_team_agency_sees_the_family_with_other_agencies_records_withheld(client, partner, casework):
    own = client.post(_url(casework, "/interventions"), json=_intervention_body(), headers=partner.headers)
    assert own.status_code == 201, own.get_json()
    council_intervention, _ = _council_records(casework)

    response = client.get(_url(casework), headers=partner.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["reference"] == casework.family.reference
    assert body["relationship"] == "designated_lead"
    assert {p["nhs_number"] for p in body["people"]} >= {"9434765919"}
    by_id = {item["id"]: item for item in body["interventions"]}
    mine = by_id[own.get_json()["id"]]
    assert mine["withheld"] is False and mine["summary"] == "Visited with the neighbourhood team."
    assert mine["people"] == [casework.mother.id]
    theirs = by_id[council_intervention.id]
    assert theirs["withheld"] is True
    assert set(theirs) == {"id", "withheld", "holding_agency", "reason"}
    assert theirs["holding_agency"] == casework.key_worker.agency.name
    assert "withheld" in theirs["reason"]
    [note] = body["case_notes"]
    assert note["withheld"] is True and "body" not in note
    assert "private detail" not in response.get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "FamilyViewed",
                                                         AuditEvent.family_id == casework.family.id)).all()
    assert events and events[-1].actor_user_id == partner.client.service_user_id


def test_every_record_in_the_answer_is_as_the_policy_decides(client, partner, casework):
    _council_records(casework)
    client.post(_url(casework, "/interventions"), json=_intervention_body(), headers=partner.headers)
    body = client.get(_url(casework), headers=partner.headers).get_json()
    viewer = Viewer.of(partner.client.service_user)
    ties = family_ties(casework.family)
    interventions = {i.id: i for i in db.session.scalars(select(Intervention))}
    assert body["interventions"]
    for item in body["interventions"]:
        decision = content_decision(viewer, facts_of(ties, interventions[item["id"]]))
        assert item["withheld"] is (not decision)


@pytest.mark.parametrize("place", ["not_on_team", "left_team", "other_agency_on_team"])
def test_without_a_legitimate_relationship_the_family_is_404(client, factory, casework, partner, place):
    if place == "left_team":
        member = db.session.scalar(select(TeamMember).where(TeamMember.family_id == casework.family.id))
        case_services.end_team_membership(member, today_london())
        db.session.commit()
        caller = partner
    elif place == "other_agency_on_team":
        caller = make_partner(factory, "health")  # police is on the team; health is not
    else:
        caller = make_partner(factory, "police")  # the same kind of agency, but not this one
    for method, tail, body in (("get", "", None), ("post", "/interventions", _intervention_body())):
        response = getattr(client, method)(_url(casework, tail), json=body, headers=caller.headers)
        assert response.status_code == 404, (place, tail)
        assert response.mimetype == "application/problem+json"
    refusals = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "FamilyAccessRefused")).all()
    assert refusals and all(e.actor_user_id == caller.client.service_user_id for e in refusals)
    assert db.session.scalar(select(Intervention.id)) is None


def test_an_unknown_reference_is_404(client, partner):
    response = client.get("/api/v1/families/HF-999999", headers=partner.headers)
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_an_intervention_goes_through_the_case_service(client, partner, casework):
    response = client.post(_url(casework, "/interventions"), json=_intervention_body(), headers=partner.headers)
    assert response.status_code == 201
    assert response.get_json()["family_reference"] == casework.family.reference
    intervention = db.session.get(Intervention, response.get_json()["id"])
    assert intervention.holding_agency_id == partner.agency.id and intervention.agency_id == partner.agency.id
    assert intervention.recorded_by_id == partner.client.service_user_id
    assert [p.id for p in intervention.people] == [casework.mother.id]
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "InterventionRecorded"))


@pytest.mark.parametrize(("change", "field"), [
    ({"type": "no_such_type"}, "type"),
    ({"occurred_on": (date.today() + timedelta(days=30)).isoformat()}, "occurred_on"),
    ({"occurred_on": "2026-02-30"}, "occurred_on"),
    ({"duration_minutes": 5000}, "duration_minutes"),
    ({"duration_minutes": "45"}, "duration_minutes"),
    ({"category": "gossip"}, "category"),
    ({"summary": "x" * 5001}, "summary"),
    ({"people": ["9999999999"]}, "people.0"),
    ({"agency_id": 1}, "agency_id"),
    ({"extra_sensitive": "yes"}, "extra_sensitive"),
])
def test_a_refused_intervention_names_its_field(client, partner, casework, change, field):
    response = client.post(_url(casework, "/interventions"), json=_intervention_body(**change),
                           headers=partner.headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert db.session.scalar(select(Intervention.id)) is None


def test_an_extra_sensitive_intervention_reaches_only_its_own_agency(client, factory, partner, casework):
    marked = client.post(_url(casework, "/interventions"), headers=partner.headers,
                         json=_intervention_body(summary="MARKERAPISECRET informant", extra_sensitive=True))
    plain = client.post(_url(casework, "/interventions"), json=_intervention_body(), headers=partner.headers)
    assert marked.status_code == plain.status_code == 201, marked.get_json()
    assert db.session.get(Intervention, marked.get_json()["id"]).extra_sensitive is True
    assert db.session.get(Intervention, plain.get_json()["id"]).extra_sensitive is False  # left out: not marked
    own = {i["id"]: i for i in client.get(_url(casework), headers=partner.headers).get_json()["interventions"]}
    assert own[marked.get_json()["id"]]["extra_sensitive"] is True
    assert own[marked.get_json()["id"]]["summary"] == "MARKERAPISECRET informant"
    assert own[plain.get_json()["id"]]["extra_sensitive"] is False
    health = make_partner(factory, "health")
    case_services.add_team_member(casework.family, role_description="Health visitor", agency=health.agency,
                                  joined_on=today_london() - timedelta(days=1))
    db.session.commit()
    answer = client.get(_url(casework), headers=health.headers)
    assert answer.status_code == 200 and "MARKERAPISECRET" not in answer.get_data(as_text=True)
    theirs = {i["id"]: i for i in answer.get_json()["interventions"]}[marked.get_json()["id"]]
    assert theirs["withheld"] is True and "extra-sensitive" in theirs["reason"] and "extra_sensitive" not in theirs


def test_the_document_describes_the_extra_sensitive_mark(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    field = schemas["InterventionIn"]["properties"]["extra_sensitive"]
    assert field["type"] == "boolean" and "never put in a printed document" in field["description"]
    assert "extra_sensitive" not in schemas["InterventionIn"].get("required", [])
    assert {"extra_sensitive"} <= set(schemas["InterventionOut"]["properties"]) & set(schemas["NoteOut"]["properties"])


def test_an_intervention_s_idempotency_key(client, partner, casework):
    headers = {**partner.headers, "Idempotency-Key": "visit-1"}
    first = client.post(_url(casework, "/interventions"), json=_intervention_body(), headers=headers)
    again = client.post(_url(casework, "/interventions"), json=_intervention_body(), headers=headers)
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    other = client.post(_url(casework, "/interventions"), json=_intervention_body(duration_minutes=5),
                        headers=headers)
    assert other.status_code == 409
    assert len(db.session.scalars(select(Intervention.id)).all()) == 1


def _evidence_body(**overrides):
    body = {"headline": "education", "descriptor": "school_attendance_below_90", "measure": "percentage",
            "value": "92.5", "period_start": "2026-09-01", "period_end": "2026-10-31", "people": ["A123456789012"],
            "note": "From the school's register"}
    body.update(overrides)
    return body


def test_evidence_goes_through_the_outcomes_service(client, partner, casework):
    from app.outcomes.models import Evidence

    response = client.post(_url(casework, "/evidence"), json=_evidence_body(), headers=partner.headers)
    assert response.status_code == 201, response.get_json()
    evidence = db.session.get(Evidence, response.get_json()["id"])
    assert evidence.family_id == casework.family.id and evidence.holding_agency_id == partner.agency.id
    assert evidence.value_number == 92.5 and [p.id for p in evidence.people] == [casework.child.id]
    assert evidence.recorded_by_id == partner.client.service_user_id
    assert "partner API" in evidence.source
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "EvidenceRecorded"))
    yes_no = client.post(_url(casework, "/evidence"), headers=partner.headers, json=_evidence_body(
        descriptor="neet_16_to_18", measure="yes_no", value="no"))
    assert yes_no.status_code == 201, yes_no.get_json()
    assert db.session.get(Evidence, yes_no.get_json()["id"]).value_yes is False


@pytest.mark.parametrize(("change", "fields"), [
    ({"colour": "red"}, {"colour"}),
    ({"period_end": "2026-08-01", "people": ["9999999999"]}, {"period_end", "people.0"}),
    ({"descriptor": "no_such_descriptor"}, {"descriptor"}),
    ({"headline": "health"}, {"headline"}),
    ({"measure": "count"}, {"measure"}),
    ({"measure": "furlongs"}, {"measure"}),
    ({"value": "lots"}, {"value"}),
    ({"value": "150"}, {"value"}),
    ({"descriptor": "neet_16_to_18", "measure": "yes_no", "value": "maybe"}, {"value"}),
    ({"period_end": (date.today() + timedelta(days=40)).isoformat()}, {"period_end"}),
])
def test_refused_evidence_names_its_fields(client, partner, casework, change, fields):
    from app.outcomes.models import Evidence

    response = client.post(_url(casework, "/evidence"), json=_evidence_body(**change), headers=partner.headers)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert fields <= set(response.get_json()["errors"])
    assert db.session.scalar(select(Evidence.id)) is None


def test_evidence_needs_a_legitimate_relationship(client, factory, casework):
    stranger = make_partner(factory, "health")
    response = client.post(_url(casework, "/evidence"), json=_evidence_body(), headers=stranger.headers)
    assert response.status_code == 404


@pytest.mark.parametrize("reference", ["%00", "HF-0000001234567890", "HF%2F1", "%F0%9F%98%80", "a b"])
def test_odd_references_are_404_not_errors(client, partner, reference):
    response = client.get(f"/api/v1/families/{reference}", headers=partner.headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_the_api_loads_families_as_the_pages_do_403_where_it_may_look_but_not_work(client, factory, casework, partner):
    """Through the pages' loader: a change is audited like a page's (`FamilyRecordRequested`), and a tie that
    only lets the agency look (a live break-glass grant) answers 403 to a change, audited with the client."""
    from app.common.time import utcnow
    from app.sharing.models import BreakGlassGrant

    posted = client.post(_url(casework, "/interventions"), json=_intervention_body(), headers=partner.headers)
    assert posted.status_code == 201
    requested = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "FamilyRecordRequested",
                                                            AuditEvent.family_id == casework.family.id)).all()
    assert [(e.actor_user_id, e.details["api_client_id"]) for e in requested] == [
        (partner.client.service_user_id, partner.client.id)]

    glass = make_partner(factory, "health")
    db.session.add(BreakGlassGrant(user_id=glass.client.service_user_id, family_id=casework.family.id,
                                   reason="risk_of_harm", justification="j" * 20,
                                   starts_at_utc=utcnow() - timedelta(minutes=5),
                                   expires_at_utc=utcnow() + timedelta(hours=1)))
    db.session.commit()
    assert client.get(_url(casework), headers=glass.headers).get_json()["relationship"] == "break_glass"
    refused = client.post(_url(casework, "/interventions"), json=_intervention_body(), headers=glass.headers)
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["detail"] == "Your agency may see this family but not do this"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "FamilyAccessRefused")
                               .order_by(AuditEvent.seq.desc())).first()
    assert (event.actor_user_id, event.details["api_client_id"], event.details["reason"]) == (
        glass.client.service_user_id, glass.client.id, "break_glass_read_only")

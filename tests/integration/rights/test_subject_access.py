"""Subject access requests: IG officers only; due dates; one extension; the export of everything held about
the person (PDF and JSON) with third-party items marked, nothing from another family, and an audit event."""
import json
import subprocess
import time
from datetime import date

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.extensions import db
from app.rights import services
from app.rights.models import RequestState, SubjectAccessRequest
from tests.conftest import post_form, signed_in_client

BASE = "/information-governance/subject-access"


def ig_client(app, world, mfa=True):
    client = signed_in_client(app, world.ig)
    if mfa:
        with client.session_transaction() as session:
            session["mfa_at"] = time.time()
    return client


def make_request(world, received_on=date(2026, 1, 31)):
    sar = services.record_request(world.child, requester_kind="parent_carer", requester_name="Natalie Smith",
                                  received_on=received_on, verification="photo_id", actor=world.ig,
                                  today=date(2026, 11, 1))
    db.session.commit()
    return sar


def pdf_text(content: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


@pytest.mark.parametrize("role", ["key_worker", "practitioner", "programme_manager", "admin", "finance_officer",
                                  "internal_auditor"])
def test_only_ig_officers_reach_the_rights_pages(app, factory, world, role):
    sar = make_request(world)
    client = signed_in_client(app, factory.user(role))
    for url in (BASE, f"{BASE}/new", f"{BASE}/{sar.id}", f"{BASE}/{sar.id}/extend", "/information-governance/retention",
                f"/information-governance/families/{world.family.id}/legal-hold"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{BASE}/{sar.id}/export.json").status_code in (400, 403)
    refused = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "AccessRefused"))
    assert refused >= 6


def test_recording_a_request_finds_the_person_and_shows_the_due_date(app, world):
    client = ig_client(app, world)
    found = client.get(f"{BASE}/new?q=isla smith").get_data(as_text=True)
    assert "Isla Smith" in found and world.family.reference in found and "Otherfamily" not in found
    url = f"{BASE}/new?person_id={world.child.id}"
    response = post_form(client, url, {"person_id": world.child.id, "requester_kind": "parent_carer",
                                       "requester_name": "Natalie Smith", "received_on": ["31", "1", "2026"],
                                       "verification": "photo_id"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    # 31 January + one calendar month is 28 February 2026, a Saturday: due the next working day.
    assert response.status_code == 200 and "Request recorded: due 2 March 2026" in page
    sar = db.session.scalar(sa.select(SubjectAccessRequest).where(SubjectAccessRequest.person_id == world.child.id))
    assert (sar.due_on, sar.family_id, sar.state) == (date(2026, 3, 2), world.family.id, RequestState.OPEN)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "SubjectAccessRequestRecorded"))
    assert (event.person_id, event.purpose) == (world.child.id, "information_governance")


def test_bad_input_is_shown_with_what_was_typed(app, world):
    client = ig_client(app, world)
    url = f"{BASE}/new?person_id={world.child.id}"
    response = post_form(client, url, {"person_id": world.child.id, "requester_kind": "subject",
                                       "requester_name": "", "received_on": ["31", "2", "2026"],
                                       "verification": "photo_id"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Enter the name of the person who asked" in page and "must be a real date" in page
    assert 'value="31"' in page and 'value="2"' in page
    assert db.session.scalar(sa.select(sa.func.count(SubjectAccessRequest.id))) == 0


def test_open_requests_are_listed_with_the_overdue_marked(app, world):
    make_request(world, received_on=date(2025, 1, 6))
    page = ig_client(app, world).get(BASE).get_data(as_text=True)
    assert "Isla Smith" in page and "6 February 2025" in page and "Overdue" in page


def test_a_request_is_extended_once_with_a_reason(app, world):
    sar = make_request(world)
    client = ig_client(app, world)
    url = f"{BASE}/{sar.id}/extend"
    missing = post_form(client, url, {"months": "2", "reason": ""}).get_data(as_text=True)
    assert "Enter why the request needs longer" in missing
    response = post_form(client, url, {"months": "2", "reason": "Records from four agencies"}, follow_redirects=True)
    assert "Due date extended to 30 April 2026" in response.get_data(as_text=True)
    db.session.refresh(sar)
    assert (sar.extension_months, sar.due_on) == (2, date(2026, 4, 30))
    with pytest.raises(services.RightsError, match="only once"):
        services.extend_request(sar, months=1, reason="Again", actor=world.ig)


def test_the_json_export_holds_everything_about_the_person_and_nothing_about_others(app, world):
    sar = make_request(world)
    client = ig_client(app, world)
    response = post_form(client, f"{BASE}/{sar.id}/export.json", {}, form_url=f"{BASE}/{sar.id}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    for marker in ("MARKER-CHILD-NOTE", "MARKER-POLICE-NOTE", "MARKER-INTERVENTION", "MARKER-MESSAGE",
                   "MARKER-MINUTES", "MARKER-DOC", "MARKER-SUBJECT", "Isla"):
        assert marker in text, marker
    for absent in ("MARKER-MOTHER-ONLY", "MARKER-OTHER-FAMILY", "Otherfamily", "Elsewhere"):
        assert absent not in text, absent
    data = json.loads(text)
    assert data["marking"] == "OFFICIAL-SENSITIVE" and data["person_id"] == world.child.id
    sections = data["sections"]
    assert sections["person"][0]["date_of_birth"] == "1994-03-02"
    assert sections["family"][0]["address"] == "7 Marker Row, Northfield, LS2 7HY"
    notes = {n["text"]: n for n in sections["case_notes"]}
    assert notes["MARKER-CHILD-NOTE"]["for_redaction_review"] is False
    assert notes["MARKER-POLICE-NOTE"]["review_reasons"] == ["other_people", "other_agency"]
    [intervention] = sections["interventions"]
    assert intervention["review_reasons"] == ["other_people"]  # about the whole household, the mother too
    assert [m["review_reasons"] for m in sections["family"] if "household_member" in m] == [["other_people"]]
    assert [c["witness_name"] if "witness_name" in c else c["given_by_name"] for c in sections["consents"]]
    assert [c["claim_type"] for c in sections["claims"]] == ["Results payment"]
    assert sections["claims"][0]["snapshot_sha256"] == world.snapshot.sha256
    actions = {e["action"] for e in sections["access_log"]}
    assert {"CaseNoteAdded", "SubjectAccessRequestRecorded"} <= actions
    assert data["items_for_redaction_review"] == sum(
        1 for items in sections.values() for item in items if item["for_redaction_review"])
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "SubjectAccessExported"))
    assert (event.person_id, event.family_id, event.purpose, event.details["format"]) == (
        world.child.id, world.family.id, "information_governance", "json")
    assert "MARKER" not in json.dumps(event.details)
    db.session.refresh(sar)
    assert sar.last_exported_at_utc is not None


def test_the_pdf_export_is_marked_and_tagged(app, world):
    sar = make_request(world)
    response = post_form(ig_client(app, world), f"{BASE}/{sar.id}/export.pdf", {}, form_url=f"{BASE}/{sar.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = response.get_data()
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert "Tagged:          yes" in info  # PDF/UA-1
    text = pdf_text(content)
    assert "OFFICIAL-SENSITIVE" in text and "MARKER-POLICE-NOTE" in text and "Everything held about Isla Smith" in text
    assert "For redaction review before release" in text and "It was written by another agency" in text
    assert "MARKER-MOTHER-ONLY" not in text and "MARKER-OTHER-FAMILY" not in text


def test_an_export_needs_a_recent_second_factor(app, world):
    sar = make_request(world)
    client = ig_client(app, world, mfa=False)
    response = post_form(client, f"{BASE}/{sar.id}/export.json", {}, form_url=f"{BASE}/{sar.id}")
    assert response.status_code == 302 and "/mfa" in response.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))
                             .where(AuditEvent.action == "SubjectAccessExported")) == 0


def test_a_request_is_completed_with_its_release_date_after_an_export(app, world):
    sar = make_request(world)
    client = ig_client(app, world)
    url = f"{BASE}/{sar.id}/complete"
    fields = {"released_on": ["20", "2", "2026"]}
    refused = post_form(client, url, fields).get_data(as_text=True)
    assert "Export what is held about the person before completing the request" in refused
    post_form(client, f"{BASE}/{sar.id}/export.json", {}, form_url=f"{BASE}/{sar.id}")
    response = post_form(client, url, fields, follow_redirects=True)
    assert "Request completed" in response.get_data(as_text=True)
    db.session.refresh(sar)
    assert (sar.state, sar.released_on, sar.completed_by_id) == (RequestState.COMPLETED, date(2026, 2, 20), world.ig.id)
    assert "Isla Smith" in client.get(f"{BASE}?show=completed").get_data(as_text=True)
    assert "Isla Smith" not in client.get(BASE).get_data(as_text=True)


def test_exports_count_towards_the_daily_limit(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_LIMIT_PER_DAY", 1)
    sar = make_request(world)
    client = ig_client(app, world)
    url = f"{BASE}/{sar.id}/export.json"
    assert post_form(client, url, {}, form_url=f"{BASE}/{sar.id}").status_code == 200
    assert post_form(client, url, {}, form_url=f"{BASE}/{sar.id}").status_code == 429
    assert len(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "SubjectAccessExported")).all()) == 1


def test_a_safe_address_is_withheld_from_the_export_and_marked(app, world):
    from app.cases.safe_addresses import record_at_risk

    record_at_risk(world.mother, since=date(2014, 9, 1), actor=world.key_worker)
    sar = make_request(world)
    response = post_form(ig_client(app, world), f"{BASE}/{sar.id}/export.json", {}, form_url=f"{BASE}/{sar.id}")
    text = response.get_data(as_text=True)
    assert "Marker Row" not in text and "LS2 7HY" not in text
    family = json.loads(text)["sections"]["family"][0]
    assert family["address"] == "Address withheld: safe address" and family["review_reasons"] == ["safe_address"]

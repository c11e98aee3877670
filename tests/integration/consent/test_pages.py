"""The consent and sharing pages end to end: recording and withdrawing agreement, asking and
answering, agreements ending, and break-glass (who may, step-up, banner, alert, ending on time)."""
import time
from datetime import timedelta

import sqlalchemy as sa

from app.common.time import today_london, utcnow
from app.extensions import db
from app.sharing.models import (
    Agreement,
    BreakGlassGrant,
    Consent,
    IgAlert,
    RequestStatus,
    SharingBasis,
    SharingRequest,
)
from tests.conftest import post_form, signed_in_client


def _stepped_up(client):
    with client.session_transaction() as session:
        session["mfa_at"] = time.time()
    return client


def test_recording_agreement_takes_one_form_and_submitting_twice_records_once(app, scenario):
    kw = signed_in_client(app, scenario.users["key_worker"])
    family, dad = scenario.family, scenario.people["dad"]
    url = f"/families/{family.id}/consent/new"
    page = kw.get(url).get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(page)
    form_token = page.split('name="form_token"')[1].split('value="')[1].split('"')[0]
    day = today_london()
    data = {"csrf_token": token, "form_token": form_token, "person_ids": [str(dad.id)], "given_by": "person",
            "given_on": [str(day.day), str(day.month), str(day.year)], "method": "verbal",
            "witness_name": "Bea Witness", "categories": ["health"], "recipient_kinds": ["early_help"],
            "purposes": ["case_coordination"]}
    assert kw.post(url, data=data).status_code == 302
    assert kw.post(url, data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Consent.id)).where(
        Consent.person_id == dad.id, Consent.witness_name == "Bea Witness")) == 1
    # dad's agreement now covers the health note about mum and dad
    assert "MARKER-HEALTH-MUM-DAD" in kw.get(f"/families/{family.id}/notes").get_data(as_text=True)


def test_bad_input_is_refused_with_clear_messages_and_kept(app, scenario):
    kw = signed_in_client(app, scenario.users["key_worker"])
    url = f"/families/{scenario.family.id}/consent/new"
    response = post_form(kw, url, {"given_by": "person", "given_on": ["31", "2", "2026"], "method": "verbal",
                                   "witness_name": "Kept Witness"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in body
    assert "Select who gave their agreement" in body and "Kept Witness" in body


def test_withdrawing_is_one_button_and_counts_at_once(app, scenario):
    kw = signed_in_client(app, scenario.users["key_worker"])
    family, mum = scenario.family, scenario.people["mum"]
    consent = db.session.scalar(sa.select(Consent).where(Consent.person_id == mum.id))
    notes = f"/families/{family.id}/notes"
    assert "MARKER-HEALTH-MUM-CONSENT" in kw.get(notes).get_data(as_text=True)
    response = post_form(kw, f"/families/{family.id}/consent/{consent.id}/withdraw", {},
                         form_url=f"/families/{family.id}/consent")
    assert response.status_code == 302
    assert "MARKER-HEALTH-MUM-CONSENT" not in kw.get(notes).get_data(as_text=True)


def _ask_police(scenario, kw, person, why=""):
    """The key worker asks the police to share what they hold about `person` (crime); the open request."""
    family = scenario.family
    ask = f"/families/{family.id}/ask?agency_id={scenario.users['police'].agency_id}&category=crime&people={person.id}"
    response = post_form(kw, ask, {"why": why} if why else {})
    return response, db.session.scalar(sa.select(SharingRequest).where(SharingRequest.family_id == family.id))


def test_asking_and_the_holding_agency_answering_with_a_real_basis(app, scenario):
    kw = signed_in_client(app, scenario.users["key_worker"])
    police = signed_in_client(app, scenario.users["police"])
    family, mum = scenario.family, scenario.people["mum"]
    notes = f"/families/{family.id}/notes"
    assert "MARKER-POLICE-MUM-NOBASIS" not in kw.get(notes).get_data(as_text=True)
    assert _ask_police(scenario, kw, mum, "Planning a joint visit")[0].status_code == 302
    response, req = _ask_police(scenario, kw, mum, "Again")  # asking twice keeps one open request
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(SharingRequest.id))) == 1
    # another agency cannot see or answer it
    assert signed_in_client(app, scenario.users["health"]).get(f"/sharing/requests/{req.id}").status_code == 404
    assert "Sharing requests (1)" in police.get("/sharing/requests").get_data(as_text=True)
    response = post_form(police, f"/sharing/requests/{req.id}", {"answer": "share", "reason": "Mum agreed to us"})
    assert response.status_code == 302
    db.session.refresh(req)
    assert req.status == RequestStatus.SHARED
    assert db.session.scalar(sa.select(SharingBasis).where(SharingBasis.request_id == req.id)).kind.value == \
        "answered_request"
    assert "MARKER-POLICE-MUM-NOBASIS" in kw.get(notes).get_data(as_text=True)


def test_a_refusal_is_recorded_and_shares_nothing(app, scenario):
    kw = signed_in_client(app, scenario.users["key_worker"])
    police = signed_in_client(app, scenario.users["police"])
    family, mum = scenario.family, scenario.people["mum"]
    _, req = _ask_police(scenario, kw, mum)
    missing_reason = post_form(police, f"/sharing/requests/{req.id}", {"answer": "refused", "reason": ""})
    assert "Enter the reason for your answer" in missing_reason.get_data(as_text=True)
    post_form(police, f"/sharing/requests/{req.id}", {"answer": "refused", "reason": "Investigation open"})
    db.session.refresh(req)
    assert req.status == RequestStatus.REFUSED and req.answer_reason == "Investigation open"
    assert "MARKER-POLICE-MUM-NOBASIS" not in kw.get(f"/families/{family.id}/notes").get_data(as_text=True)
    assert "Investigation open" in signed_in_client(app, scenario.users["ig"]).get(
        "/information-governance/decisions").get_data(as_text=True)


def test_the_duty_to_share_is_refused_while_not_in_force(app, scenario):
    police = signed_in_client(app, scenario.users["police"])
    kw = signed_in_client(app, scenario.users["key_worker"])
    child = scenario.people["child"]
    _, req = _ask_police(scenario, kw, child)
    response = post_form(police, f"/sharing/requests/{req.id}", {"answer": "duty_to_share", "reason": "Relevant"})
    assert "not in force" in response.get_data(as_text=True)
    db.session.refresh(req)
    assert req.status == RequestStatus.OPEN


def test_an_ended_agreement_denies_from_the_next_request(app, scenario):
    kw = signed_in_client(app, scenario.users["key_worker"])
    notes = f"/families/{scenario.family.id}/notes"
    assert "MARKER-HEALTH-MUM-CONSENT" in kw.get(notes).get_data(as_text=True)
    agreement = db.session.scalar(sa.select(Agreement))
    admin = signed_in_client(app, scenario.users["admin"])
    assert post_form(admin, f"/sharing/agreements/{agreement.id}/end", {}, form_url="/sharing/agreements"
                     ).status_code == 302
    assert "MARKER-HEALTH-MUM-CONSENT" not in kw.get(notes).get_data(as_text=True)
    assert "MARKER-POLICE-CHILD-SG" not in kw.get(notes).get_data(as_text=True)  # no basis widens an agreement


def test_break_glass_needs_the_permission_even_by_hand(app, scenario, factory):
    teacher = signed_in_client(app, scenario.users["teacher"])  # a practitioner, not a designated lead
    _stepped_up(teacher)
    family = scenario.family
    assert teacher.get("/emergency-access").status_code == 403
    response = post_form(teacher, f"/emergency-access/families/{family.id}",
                         {"reason": "risk_of_harm", "justification": "x" * 40}, form_url="/")
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(BreakGlassGrant.id))) == 0
    assert teacher.get(f"/families/{family.id}").status_code == 404


def test_break_glass_opens_for_a_limited_time_with_a_banner_and_an_alert(app, scenario, factory):
    outsider = factory.user("key_worker", agency=scenario.users["key_worker"].agency)
    client = signed_in_client(app, outsider)
    family = scenario.family
    assert client.get(f"/families/{family.id}").status_code == 404
    found = client.get("/emergency-access?name=Quill&submit=Search").get_data(as_text=True)
    assert family.reference in found and "MARKER" not in found
    # the grant needs a recent second factor
    assert client.get(f"/emergency-access/families/{family.id}").status_code == 302
    _stepped_up(client)
    too_short = post_form(client, f"/emergency-access/families/{family.id}",
                          {"reason": "risk_of_harm", "justification": "because"})
    assert "at least 20 characters" in too_short.get_data(as_text=True)
    response = post_form(client, f"/emergency-access/families/{family.id}",
                         {"reason": "risk_of_harm", "justification": "Police report a child at risk tonight"})
    assert response.status_code == 302
    summary = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Emergency access" in summary and family.reference in summary
    assert "You are using emergency access" in client.get("/").get_data(as_text=True)
    notes = client.get(f"/families/{family.id}/notes").get_data(as_text=True)
    assert "MARKER-HEALTH-MUM-DAD" in notes  # stands in for the basis where an agreement allows
    assert db.session.scalar(sa.select(sa.func.count(IgAlert.id)).where(IgAlert.kind == "break_glass")) == 1
    ig = signed_in_client(app, scenario.users["ig"])
    assert "Break-glass access" in ig.get("/information-governance/alerts").get_data(as_text=True)
    # time runs out
    grant = db.session.scalar(sa.select(BreakGlassGrant))
    grant.starts_at_utc, grant.expires_at_utc = utcnow() - timedelta(hours=5), utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/families/{family.id}").status_code == 404
    assert "You are using emergency access" not in client.get("/").get_data(as_text=True)


def test_ig_officer_reviews_alerts_and_sees_who_accessed_the_family(app, scenario):
    ig = signed_in_client(app, scenario.users["ig"])
    kw = signed_in_client(app, scenario.users["key_worker"])
    kw.get(f"/families/{scenario.family.id}")
    log = ig.get(f"/information-governance/families/{scenario.family.id}/access").get_data(as_text=True)
    assert "FamilyViewed" in log and scenario.users["key_worker"].name in log
    alert = db.session.scalar(sa.select(IgAlert).where(IgAlert.kind == "safeguarding"))
    assert alert is not None
    post_form(ig, f"/information-governance/alerts/{alert.id}", {"outcome": "justified", "note": "Proportionate"})
    db.session.refresh(alert)
    assert alert.outcome.value == "justified"
    assert ig.get(f"/families/{scenario.family.id}").status_code == 404  # IG pages, not the case record
    for url in ("/information-governance/alerts", "/information-governance/decisions", "/information-governance/due"):
        assert ig.get(url).status_code == 200
        assert kw.get(url).status_code == 403


def test_decisions_are_audited_with_their_basis(app, scenario):
    from app.audit.models import AuditEvent

    kw = signed_in_client(app, scenario.users["key_worker"])
    kw.get(f"/families/{scenario.family.id}/notes")
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "SharingDecided")
                               .order_by(AuditEvent.seq.desc())).first()
    rows = event.details["decisions"]
    assert any(r.endswith(":shown:consent") for r in rows) and any(r.endswith(":shown:safeguarding") for r in rows)
    assert any(":withheld:" in r for r in rows) and event.details["withheld"] >= 1
    assert not any("MARKER" in str(r) for r in rows)


def test_a_page_with_many_decisions_audits_every_one(app, scenario):
    from flask_login import login_user

    from app.audit.models import AuditEvent
    from app.cases.access import family_ties
    from app.cases.visibility import DECISIONS_PER_EVENT, content_decision
    from app.sharing.policy import RecordFacts, Viewer

    kw, police = scenario.users["key_worker"], scenario.users["police"]
    many = DECISIONS_PER_EVENT * 2 + 50
    with app.test_request_context(f"/families/{scenario.family.id}/notes"):
        login_user(kw)
        ties = family_ties(scenario.family)
        for n in range(many):
            content_decision(Viewer.of(kw), RecordFacts(ties, police.agency_id, "crime", ref=("case_notes", n)))
        app.process_response(app.response_class("ok"))
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "SharingDecided",
                                                            AuditEvent.family_id == scenario.family.id)).all()
    rows = [r for e in events for r in e.details["decisions"]]
    assert len(events) == 3 and len(rows) == many
    assert {r.split(":")[1] for r in rows} == {str(n) for n in range(many)}


def test_the_ig_access_log_is_read_through_the_policys_governance_tie(app, scenario):
    from app.audit.models import AuditEvent

    ig = signed_in_client(app, scenario.users["ig"])
    url = f"/information-governance/families/{scenario.family.id}/access"
    assert ig.get(url).status_code == 200
    viewed = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "FamilyAccessLogViewed")).one()
    assert (viewed.purpose, viewed.basis) == ("information_governance", "public_task")
    assert ig.get("/information-governance/families/999999/access").status_code == 404
    assert signed_in_client(app, scenario.users["key_worker"]).get(url).status_code == 403  # IG officers only

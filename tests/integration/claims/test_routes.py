"""The claims pages: who may reach them, four eyes against a hand-crafted request, step-up before approving
and exporting, the audited export, the audit sample decision and the evidence pack."""
import time
from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.claims import services
from app.claims.models import Claim, RoundStatus, SampleResult
from app.extensions import db
from tests.conftest import csrf_token_from, post_form, signed_in_client
from tests.integration.claims.conftest import make_family


def stepped_up(client):
    with client.session_transaction() as session:
        session["mfa_at"] = time.time()
    return client


@pytest.fixture
def draft(eligible_everywhere, lead, finance_officer_client):
    for n in range(3):
        make_family(lead, date(2025, 2 + n, 11))
    result = services.build_round(date(2026, 5, 1), actor=finance_officer_client.user, today=date(2026, 5, 30))
    db.session.commit()
    return result.round


@pytest.mark.parametrize("role_client", ["key_worker_client", "practitioner_client", "programme_manager_client",
                                         "ig_officer_client"])
def test_other_roles_are_refused(request, role_client, draft):
    client = request.getfixturevalue(role_client)
    for url in ("/claims/", f"/claims/rounds/{draft.code}", f"/claims/rounds/{draft.code}/export.csv"):
        assert client.get(url).status_code == 403


def test_finance_and_audit_see_the_pages(draft, finance_officer_client, internal_auditor_client):
    page = finance_officer_client.get("/claims/")
    assert page.status_code == 200 and "May 2026" in page.get_data(as_text=True)
    detail = finance_officer_client.get(f"/claims/rounds/{draft.code}").get_data(as_text=True)
    assert "You prepared this round" in detail and "Approve the round" not in detail
    assert internal_auditor_client.get(f"/claims/rounds/{draft.code}").status_code == 200


def test_the_preparer_is_refused_even_with_a_hand_crafted_request(draft, finance_officer_client, factory):
    client = stepped_up(finance_officer_client)
    token = csrf_token_from(client.get("/claims/").get_data(as_text=True))
    response = client.post(f"/claims/rounds/{draft.code}/approve", data={"csrf_token": token})
    assert response.status_code == 403
    assert "someone else must approve it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert draft.status == RoundStatus.DRAFT
    refusal = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ClaimRoundApprovalRefused"))
    assert refusal is not None


def test_another_finance_officer_approves_after_step_up(app, draft, factory):
    approver = factory.user("finance_officer")
    client = signed_in_client(app, approver)
    token = csrf_token_from(client.get(f"/claims/rounds/{draft.code}").get_data(as_text=True))
    response = client.post(f"/claims/rounds/{draft.code}/approve", data={"csrf_token": token})
    assert response.status_code == 302 and "/mfa" in response.headers["Location"]  # step-up first
    stepped_up(client)
    response = client.post(f"/claims/rounds/{draft.code}/approve", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert draft.status == RoundStatus.APPROVED and draft.approved_by_user_id == approver.id


def test_export_needs_step_up_and_is_audited(draft, finance_officer_client):
    url = f"/claims/rounds/{draft.code}/export.csv"
    assert finance_officer_client.get(url).status_code == 302
    response = stepped_up(finance_officer_client).get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "family_reference,rule_set,claim_type,amount_gbp" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ClaimRoundExported")) is not None
    assert finance_officer_client.get(f"/claims/rounds/{draft.code}/export.pdf").status_code == 404


def test_auditor_samples_decides_and_reads_the_pack(draft, factory, internal_auditor_client):
    services.approve_round(draft, factory.user("finance_officer"))
    db.session.commit()
    response = post_form(internal_auditor_client, f"/claims/rounds/{draft.code}/sample", {},
                         form_url=f"/claims/rounds/{draft.code}")
    assert response.status_code == 302
    sampled = db.session.scalar(select(Claim).where(Claim.round_id == draft.id, Claim.sampled))
    bad = post_form(internal_auditor_client, f"/claims/claims/{sampled.id}/decision", {"result": "rejected"},
                    form_url=f"/claims/claims/{sampled.id}")
    assert bad.status_code == 400 and "Select the reason the claim is rejected" in bad.get_data(as_text=True)
    pack = internal_auditor_client.get(f"/claims/claims/{sampled.id}/evidence-pack.pdf")
    assert pack.status_code == 200 and pack.data.startswith(b"%PDF")
    viewed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "EvidencePackViewed"))
    assert viewed is not None and viewed.purpose == "claim_assurance"
    ok = post_form(internal_auditor_client, f"/claims/claims/{sampled.id}/decision", {"result": "signed_off"},
                   form_url=f"/claims/claims/{sampled.id}")
    assert ok.status_code == 302
    db.session.expire_all()
    assert sampled.sample_result == SampleResult.SIGNED_OFF and draft.status == RoundStatus.SIGNED_OFF


def test_build_button_queues_one_job(draft, finance_officer_client, monkeypatch):
    import app.claims.routes as routes

    monkeypatch.setattr(routes, "today_london", lambda: date(2026, 5, 31))
    first = post_form(finance_officer_client, "/claims/build", {"month": "2026-05"}, form_url="/claims/")
    second = post_form(finance_officer_client, "/claims/build", {"month": "2026-05"}, form_url="/claims/")
    assert first.status_code == 302 and first.headers["Location"] == second.headers["Location"]
    assert "/jobs/" in first.headers["Location"]
    progress = finance_officer_client.get(first.headers["Location"])
    assert progress.status_code == 200 and "Claim round 2026-05" in progress.get_data(as_text=True)
    bad = post_form(finance_officer_client, "/claims/build", {"month": "May"}, form_url="/claims/")
    assert bad.status_code == 400 and "like 2026-05" in bad.get_data(as_text=True)


def test_admin_records_an_override_once(admin_client, lead):
    from app.claims.models import ClaimOverride

    family = make_family(lead, date(2025, 3, 1))
    page = admin_client.get("/claims/overrides/new").get_data(as_text=True)
    token = csrf_token_from(page)
    import re

    form_token = re.search(r'name="form_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "form_token": form_token, "family": family.reference.lower(),
            "claim_type": "results", "reason": "Agreed with the department after a second episode"}
    assert admin_client.post("/claims/overrides/new", data=data).status_code == 302
    assert admin_client.post("/claims/overrides/new", data=data).status_code == 302  # a double submit
    assert db.session.scalar(select(ClaimOverride.id).where(ClaimOverride.family_id == family.id)) is not None
    assert len(db.session.scalars(select(ClaimOverride).where(ClaimOverride.family_id == family.id)).all()) == 1
    bad = admin_client.post("/claims/overrides/new", data={**data, "family": "HF-999999", "form_token": "x"})
    assert bad.status_code == 400 and "No family has that reference" in bad.get_data(as_text=True)


def test_finance_cannot_record_overrides(finance_officer_client):
    assert finance_officer_client.get("/claims/overrides/new").status_code == 403


def test_submission_with_a_wrong_amount_keeps_what_was_typed(draft, factory, finance_officer_client):
    services.approve_round(draft, factory.user("finance_officer"))
    auditor = factory.user("internal_auditor")
    for claim_id in services.draw_sample(draft, auditor, seed=5):
        services.decide_sampled_claim(db.session.get(Claim, claim_id), auditor, result=SampleResult.SIGNED_OFF)
    db.session.commit()
    url = f"/claims/rounds/{draft.code}/submitted"
    data = {"submitted_on": ["5", "6", "2026"], "reference": "DFE-77", "amount": "100.00"}
    response = post_form(finance_officer_client, url, data, form_url=f"/claims/rounds/{draft.code}")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "must equal the round" in text
    assert 'value="DFE-77"' in text
    impossible = post_form(finance_officer_client, url, {**data, "submitted_on": ["31", "2", "2026"]},
                           form_url=f"/claims/rounds/{draft.code}")
    assert impossible.status_code == 400
    ok = post_form(finance_officer_client, url, {**data, "amount": "£2,400.00"},
                   form_url=f"/claims/rounds/{draft.code}")
    assert ok.status_code == 302
    db.session.expire_all()
    assert draft.status == RoundStatus.SUBMITTED and draft.submitted_amount_pence == 240000

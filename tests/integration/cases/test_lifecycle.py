from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases import lifecycle, services
from app.cases.models import FamilyStatus, FamilyStatusChange, InterventionType
from app.common.time import today_london
from app.extensions import db
from tests.conftest import post_form


def _history(family):
    return db.session.scalars(select(FamilyStatusChange).where(FamilyStatusChange.family_id == family.id)
                              .order_by(FamilyStatusChange.id)).all()


def _ready_for_plan(cw):
    services.save_assessment(cw.family, sections={"strengths": "Close family"}, narrative="Analysis",
                             completed_on=today_london(), actor=cw.key_worker)


def test_a_case_goes_through_its_lifecycle_and_reopens(casework):
    cw, kw = casework, casework.key_worker
    lifecycle.change_status(cw.family, "assessment", actor=kw)
    with pytest.raises(lifecycle.AssessmentNotCompleted):
        lifecycle.change_status(cw.family, "plan", actor=kw)
    _ready_for_plan(cw)
    lifecycle.change_status(cw.family, "plan", actor=kw)
    with pytest.raises(lifecycle.PlanHasNoGoals):
        lifecycle.change_status(cw.family, "active", actor=kw)
    services.add_plan_goal(cw.family, action="Attend school daily", owner_agency=kw.agency,
                           due_on=today_london() + timedelta(days=30), actor=kw)
    lifecycle.change_status(cw.family, "active", actor=kw)
    with pytest.raises(lifecycle.ClosureReasonRequired):
        lifecycle.change_status(cw.family, "closed", actor=kw)
    lifecycle.change_status(cw.family, "closed", closure_reason="needs_met", actor=kw)
    assert (cw.family.status, cw.family.closed_on, cw.family.closure_reason) == (
        FamilyStatus.CLOSED, today_london(), "needs_met")
    with pytest.raises(lifecycle.TransitionNotAllowed):
        lifecycle.change_status(cw.family, "plan", actor=kw)

    lifecycle.change_status(cw.family, "active", actor=kw)
    assert cw.family.status == FamilyStatus.ACTIVE
    assert (cw.family.closed_on, cw.family.closure_reason, cw.family.reopened_on) == (None, None, today_london())
    steps = [(c.from_status and c.from_status.value, c.to_status.value, c.event.value) for c in _history(cw.family)]
    assert steps == [(None, "attached", "changed"), ("attached", "assessment", "changed"),
                     ("assessment", "plan", "changed"), ("plan", "active", "changed"),
                     ("active", "closed", "closed"), ("closed", "active", "reopened")]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.family_id == cw.family.id)
                                 .order_by(AuditEvent.seq)).all()
    assert actions.count("FamilyStatusChanged") == 3
    assert "FamilyClosed" in actions and "FamilyReopened" in actions


def test_an_active_case_offers_to_revise_its_plan_not_to_agree_it(casework):
    cw, kw = casework, casework.key_worker
    _ready_for_plan(cw)
    lifecycle.change_status(cw.family, "assessment", actor=kw)
    lifecycle.change_status(cw.family, "plan", actor=kw)
    services.add_plan_goal(cw.family, action="Attend school daily", owner_agency=kw.agency,
                           due_on=today_london() + timedelta(days=30), actor=kw)
    lifecycle.change_status(cw.family, "active", actor=kw)
    summary = cw.kw_client.get(f"/families/{cw.family.id}").get_data(as_text=True)
    status_page = cw.kw_client.get(f"/families/{cw.family.id}/status").get_data(as_text=True)
    for html in (summary, status_page):
        assert "Revise the plan" in html and "Agree the plan" not in html


def test_a_refused_transition_changes_nothing(casework):
    with pytest.raises(lifecycle.TransitionNotAllowed):
        lifecycle.change_status(casework.family, "active", actor=casework.key_worker)
    assert casework.family.status == FamilyStatus.ATTACHED
    assert len(_history(casework.family)) == 1


def test_status_page_shows_the_refusal_and_keeps_the_choice(casework):
    url = f"/families/{casework.family.id}/status"
    response = post_form(casework.kw_client, url, {"to_status": "closed", "changed_on": ["1", "2", "2026"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and "Select why the case is closing" in html
    assert 'value="closed" checked' in html
    assert casework.family.status == FamilyStatus.ATTACHED


def test_status_page_closes_with_a_reason(casework):
    url = f"/families/{casework.family.id}/status"
    day = today_london()
    response = post_form(casework.kw_client, url, {"to_status": "closed", "closure_reason": "stepped_up",
                                                   "changed_on": [str(day.day), str(day.month), str(day.year)]})
    assert response.status_code == 302
    db.session.refresh(casework.family)
    assert casework.family.closure_reason == "stepped_up"
    pack = casework.kw_client.get(f"/families/{casework.family.id}/step-up-pack.pdf")
    assert pack.status_code == 200
    assert pack.data.startswith(b"%PDF")
    assert pack.headers["Content-Disposition"].startswith("attachment")


def test_no_step_up_pack_unless_stepped_up(casework):
    assert casework.kw_client.get(f"/families/{casework.family.id}/step-up-pack.pdf").status_code == 404


def test_programme_managers_oversee_but_do_not_change_status(casework, programme_manager_client):
    url = f"/families/{casework.family.id}/status"
    assert programme_manager_client.get(url).status_code == 403
    assert programme_manager_client.get(f"/families/{casework.family.id}").status_code == 200


def test_the_intervention_catalogue_is_seeded_once(casework):
    before = db.session.query(InterventionType).count()
    assert services.seed_intervention_types() == 0
    assert before >= 8


def test_the_step_up_pack_holds_only_what_the_requester_may_see(casework, monkeypatch):
    from app.cases import routes
    from tests.integration.cases.conftest import intervention_type_id

    services.record_intervention(casework.family, type_id=intervention_type_id(), agency=casework.police.agency,
                                 occurred_on=today_london(), duration_minutes=30, summary="Police intelligence",
                                 category="crime", actor=casework.police)
    services.record_intervention(casework.family, type_id=intervention_type_id(), agency=casework.key_worker.agency,
                                 occurred_on=today_london(), duration_minutes=30, summary="Our own visit",
                                 category="case_note", actor=casework.key_worker)
    lifecycle.change_status(casework.family, "closed", closure_reason="stepped_up", actor=casework.key_worker)
    db.session.commit()
    seen = {}
    monkeypatch.setattr(routes, "render_pdf", lambda html, base_url=None: seen.setdefault("html", html).encode())
    assert casework.kw_client.get(f"/families/{casework.family.id}/step-up-pack.pdf").status_code == 200
    assert "Our own visit" in seen["html"] and "Police intelligence" not in seen["html"]
    assert f"Intervention by {casework.police.agency.name} withheld: no basis to share crime information yet" \
        in seen["html"]

"""Every family page per role; an outsider gets 404 for the family and for every URL nested under it."""
from datetime import timedelta

import pytest

from app.cases import services
from app.common.time import today_london
from app.extensions import db
from tests.conftest import signed_in_client
from tests.integration.cases.conftest import intervention_type_id

READ_TABS = ["", "/members", "/addresses", "/team", "/needs", "/assessment", "/plan", "/interventions", "/notes",
             "/timeline"]
WRITE_PAGES = ["/status", "/members/new", "/addresses/new", "/lead", "/team/new", "/needs/new", "/assessment/edit",
               "/plan/goals/new", "/interventions/new", "/notes/new"]


@pytest.fixture
def records(casework):
    kw = casework.key_worker
    intervention = services.record_intervention(
        casework.family, type_id=intervention_type_id(), agency=kw.agency, occurred_on=today_london(),
        duration_minutes=30, summary="Visit", category="case_note", actor=kw)
    goal = services.add_plan_goal(casework.family, action="Act", owner_agency=kw.agency,
                                  due_on=today_london() + timedelta(days=9), actor=kw)
    review = services.add_plan_review(casework.family, due_on=today_london() + timedelta(days=20), actor=kw)
    member = casework.family.team[0]
    db.session.commit()
    return {"intervention_id": intervention.id, "goal_id": goal.id, "review_id": review.id,
            "person_id": casework.mother.id, "member_id": member.id}


def _nested_urls(app, family_id, ids):
    """Every cases URL that takes a family id, built with real ids of that family's records."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("cases.") and "family_id" in rule.arguments:
            values = {"family_id": family_id, **{k: v for k, v in ids.items() if k in rule.arguments}}
            with app.test_request_context():
                from flask import url_for

                urls.append((url_for(rule.endpoint, **values), sorted(rule.methods - {"HEAD", "OPTIONS"})))
    return urls


def test_key_worker_opens_every_tab_and_form(casework, records):
    base = f"/families/{casework.family.id}"
    for path in READ_TABS + WRITE_PAGES:
        response = casework.kw_client.get(base + path)
        assert response.status_code == 200, path


def test_team_member_practitioner_reads_but_sees_withheld(casework, records):
    base = f"/families/{casework.family.id}"
    for path in READ_TABS:
        assert casework.police_client.get(base + path).status_code == 200, path


def test_programme_manager_sees_every_tab_and_no_form_but_allocation(casework, records, programme_manager_client):
    base = f"/families/{casework.family.id}"
    for path in READ_TABS:
        assert programme_manager_client.get(base + path).status_code == 200, path
    for path in WRITE_PAGES:
        # Managers allocate the lead practitioner (key worker); they record no work on the family.
        expected = 200 if path == "/lead" else 403
        assert programme_manager_client.get(base + path).status_code == expected, path


@pytest.mark.parametrize("role", ["finance_officer", "internal_auditor", "ig_officer", "admin", "agency_admin"])
def test_roles_without_case_work_get_404(casework, records, factory, app, role):
    client = signed_in_client(app, factory.user(role))
    assert client.get(f"/families/{casework.family.id}").status_code == 404


def test_practitioner_of_an_agency_not_on_the_team_gets_404_everywhere(casework, records, factory, app):
    outsider = signed_in_client(app, factory.user("practitioner", agency_kind="health", is_designated_lead=True))
    urls = _nested_urls(app, casework.family.id, records)
    assert len(urls) >= 25
    for url, methods in urls:
        if "GET" in methods:
            assert outsider.get(url).status_code == 404, url
        if "POST" in methods:
            assert outsider.post(url, data={}).status_code in (400, 404), url  # CSRF refuses first, or 404


def test_outsider_posts_with_a_valid_token_are_404_and_create_nothing(casework, records, factory, app):
    from app.cases.models import CaseNote
    from tests.conftest import csrf_token_from

    outsider = signed_in_client(app, factory.user("practitioner", agency_kind="health"))
    page = outsider.get("/families/mine").get_data(as_text=True)
    assert "You have no open families" in page
    token = csrf_token_from(page)  # the sign-out form's token is the session's
    response = outsider.post(f"/families/{casework.family.id}/notes/new",
                             data={"csrf_token": token, "body": "Hello", "category": "health"})
    assert response.status_code == 404
    assert db.session.query(CaseNote).count() == 0


def test_nested_record_of_another_family_is_404(casework, records, factory):
    other = services.create_family(postcode="LS1 4AP", lead_practitioner=casework.key_worker)
    db.session.commit()
    base = f"/families/{other.id}"
    for path in [f"/interventions/{records['intervention_id']}", f"/members/{records['person_id']}/edit",
                 f"/plan/goals/{records['goal_id']}/edit", f"/team/{records['member_id']}/left",
                 f"/plan/reviews/{records['review_id']}/held"]:
        assert casework.kw_client.get(base + path).status_code == 404, path


def test_every_view_of_a_family_is_audited(casework, records):
    from sqlalchemy import func, select

    from app.audit.models import AuditEvent

    def views():
        return db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "FamilyViewed", AuditEvent.family_id == casework.family.id))

    before = views()
    casework.kw_client.get(f"/families/{casework.family.id}/plan")
    assert views() == before + 1

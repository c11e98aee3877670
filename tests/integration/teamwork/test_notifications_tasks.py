"""The notifications service (dedupe, unread counts, a generic outbox), the task registry and the
triggers in other packages: each fires once."""
from datetime import timedelta

from sqlalchemy import func, select

from app.cases import services as case_services
from app.common import notifications
from app.common.notification_models import Notification
from app.common.outbox_models import OutboxMessage
from app.common.tasks import Task, register_task_provider, tasks_for
from app.common.time import today_london
from app.extensions import db
from tests.integration.teamwork.conftest import client_for


def _count(model, **where):
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def test_notify_once_per_key_and_outbox_says_nothing_personal(factory):
    user = factory.user("key_worker")
    first = notifications.notify(user.id, "mentioned", ("message", 1), "Family HF-000001 MARKER-NOTIFY",
                                 dedupe_key="k1")
    again = notifications.notify(user.id, "mentioned", ("message", 1), "Family HF-000001 MARKER-NOTIFY",
                                 dedupe_key="k1")
    assert first is not None and again is None
    assert notifications.unread_count(user.id) == 1
    outbox = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == user.email)).all()
    assert len(outbox) == 1
    assert "MARKER" not in outbox[0].subject + outbox[0].body and "HF-" not in outbox[0].body
    assert notifications.mark_read(user.id) == 1
    assert notifications.unread_count(user.id) == 0


def test_nav_shows_counts(app, factory):
    user = factory.user("key_worker")
    notifications.notify(user.id, "test", None, "Something new", dedupe_key="nav")
    db.session.commit()
    page = client_for(app, user).get("/notifications").get_data(as_text=True)
    assert "Notifications (1)" in page
    assert "Something new" in page


def test_mark_all_read(app, factory):
    from tests.conftest import post_form

    user = factory.user("key_worker")
    notifications.notify(user.id, "test", None, "Something new", dedupe_key="read")
    db.session.commit()
    response = post_form(client_for(app, user), "/notifications/read", {}, form_url="/notifications")
    assert response.status_code == 302
    assert notifications.unread_count(user.id) == 0


def test_family_allocated_fires_once_per_allocation(team, factory):
    other = factory.user("key_worker")
    case_services.set_lead_practitioner(team.family, other, actor=team.key_worker)
    rows = db.session.scalars(select(Notification).where(Notification.user_id == other.id,
                                                         Notification.kind == "family_allocated")).all()
    assert len(rows) == 1 and team.family.reference in rows[0].text


def test_referral_received_notifies_triage_once(app, factory):
    from tests.integration.referrals import helpers

    manager = factory.user("programme_manager")
    referrer = factory.user("practitioner", agency_kind="school")
    made = helpers.referral(referrer)
    rows = db.session.scalars(select(Notification).where(Notification.user_id == manager.id,
                                                         Notification.kind == "referral_received")).all()
    assert [r.object_id for r in rows] == [made.id]
    assert _count(Notification, user_id=referrer.id, kind="referral_received") == 0


def test_task_registry_merges_providers_soonest_first(app, factory):
    user = factory.user("key_worker")
    today = today_london()

    def provider(u):
        if u.id != user.id:
            return []
        return [Task("x", "Later", "/a", today + timedelta(days=5)), Task("x", "Undated", "/b"),
                Task("x", "Sooner", "/c", today)]

    register_task_provider(provider)
    try:
        with app.test_request_context():
            assert [t.title for t in tasks_for(user)][:3] == ["Sooner", "Later", "Undated"]
    finally:
        from app.common import tasks

        tasks._PROVIDERS.remove(provider)


def test_tasks_page_for_every_role(app, factory):
    for role in ("key_worker", "practitioner", "programme_manager", "finance_officer", "internal_auditor",
                 "ig_officer", "agency_admin", "admin"):
        response = client_for(app, factory.user(role)).get("/tasks")
        assert response.status_code == 200, role
        assert "My tasks" in response.get_data(as_text=True)


def test_referrals_to_triage_are_programme_managers_tasks(app, factory):
    from tests.integration.referrals import helpers

    manager = factory.user("programme_manager")
    made = helpers.referral(factory.user("practitioner", agency_kind="school"))
    page = client_for(app, manager).get("/tasks").get_data(as_text=True)
    assert f"Triage referral {made.reference}" in page
    assert "Triage referral" not in client_for(app, factory.user("key_worker")).get("/tasks").get_data(as_text=True)


def test_overdue_check_is_a_system_job():
    from app.scheduler.schedule import system_job

    assert system_job("notify_overdue_actions").ref == "app.teamwork.services:notify_overdue_actions"


def test_family_team_audience_is_the_lead_and_the_named_team(team):
    made = notifications.notify_audience("family_team", "consent_withdrawn", ("family", team.family.id),
                                         f"Consent withdrawn for family {team.family.reference}",
                                         dedupe_key="consent_withdrawn:1", family_id=team.family.id)
    assert sorted(n.user_id for n in made) == sorted([team.key_worker.id, team.police.id, team.health.id])


def _kinds(user_id, kind):
    return db.session.scalars(select(Notification).where(Notification.user_id == user_id,
                                                         Notification.kind == kind)).all()


def test_consent_withdrawn_tells_the_team_once(team):
    from app.sharing import services as sharing

    [consent] = sharing.record_consent(team.family, person_ids=[team.mother.id], given_by="person",
                                       given_on=today_london(), method="signed_form",
                                       scope=[("health", team.police.agency_id, None, "case_coordination")],
                                       actor=team.key_worker)
    sharing.withdraw_consent(consent, actor=team.key_worker)
    sharing.withdraw_consent(consent, actor=team.key_worker)
    for user in (team.key_worker, team.police, team.health):
        assert len(_kinds(user.id, "consent_withdrawn")) == 1
    assert _kinds(team.manager.id, "consent_withdrawn") == []


def test_sharing_request_answered_tells_the_requester_once(team):
    from app.sharing import services as sharing

    team.health.is_designated_lead = True
    db.session.commit()
    req = sharing.request_sharing(team.family, holding_agency_id=team.health.agency_id, category="health",
                                  person_ids=[team.mother.id], why="To plan the next meeting", actor=team.police)
    assert "Answer a request to share" in " ".join(t.title for t in _tasks(team.health))
    sharing.answer_request(req, team.family, answer="refused", reason="Not needed for the meeting",
                           actor=team.health)
    sharing.answer_request(req, team.family, answer="refused", reason="Again", actor=team.health)
    [note] = _kinds(team.police.id, "sharing_request_answered")
    assert team.family.reference in note.text and "meeting" not in note.text


def _tasks(user):
    from app.teamwork.tasks import sharing_request_tasks

    return sharing_request_tasks(user)

"""Meetings: refused without attendees or in an impossible past; actions become plan goals that show in
the plan and in the owner's tasks; the minutes PDF is built through the policy for whoever prints it."""
from datetime import timedelta

from sqlalchemy import func, select

from app.cases.models import PlanGoal
from app.common.notification_models import Notification
from app.common.time import today_london
from app.extensions import db
from app.teamwork import services
from app.teamwork.models import Meeting
from tests.conftest import post_form
from tests.integration.teamwork.conftest import client_for


def _date(prefix, day):
    return {prefix: [str(day.day), str(day.month), str(day.year)]}


def _meetings():
    return db.session.scalar(select(func.count(Meeting.id)))


def _meeting(team, actor=None, category="case_note", minutes="Minutes", **kwargs):
    return services.record_meeting(
        team.family, kind="team_around_family", held_on=today_london() - timedelta(days=2), minutes=minutes,
        category=category, attendee_user_ids=[team.key_worker.id, team.police.id],
        attendee_person_ids=[team.mother.id], actor=actor or team.key_worker, **kwargs)


def test_record_a_meeting_through_the_form(app, team):
    kw = client_for(app, team.key_worker)
    response = post_form(kw, f"/families/{team.family.id}/meetings/new", {
        "kind": "family_network", **_date("held_on", today_london() - timedelta(days=1)),
        "attendee_user_ids": [str(team.key_worker.id)], "attendee_person_ids": [str(team.mother.id)],
        "family_views": "We want to stay together", "category": "case_note"})
    assert response.status_code == 302
    page = kw.get(response.headers["Location"]).get_data(as_text=True)
    assert "We want to stay together" in page and "Natalie Smith (family)" in page


def test_no_attendees_and_impossible_dates_are_refused_keeping_what_was_typed(app, team):
    kw = client_for(app, team.key_worker)
    url = f"/families/{team.family.id}/meetings/new"
    before = _meetings()
    nobody = post_form(kw, url, {"kind": "team_around_family", **_date("held_on", today_london()),
                                 "agenda": "Typed agenda", "category": "case_note"})
    text = nobody.get_data(as_text=True)
    assert nobody.status_code == 200
    assert "Select at least one person who attends the meeting" in text and "Typed agenda" in text
    long_ago = post_form(kw, url, {"kind": "team_around_family", **_date("held_on", today_london().replace(
        year=2001)), "attendee_user_ids": [str(team.key_worker.id)], "category": "case_note"})
    assert "when the family was referred" in long_ago.get_data(as_text=True)
    impossible = post_form(kw, url, {"kind": "team_around_family", "held_on": ["31", "2", "2026"],
                                     "attendee_user_ids": [str(team.key_worker.id)],
                                     "category": "case_note"})
    assert "must be a real date" in impossible.get_data(as_text=True)
    future_minutes = post_form(kw, url, {"kind": "team_around_family", **_date("held_on", today_london() + timedelta(
        days=7)), "minutes": "Not yet", "attendee_user_ids": [str(team.key_worker.id)], "category": "case_note"})
    assert "only be recorded for a meeting that has taken place" in future_minutes.get_data(as_text=True)
    assert _meetings() == before


def test_actions_appear_in_the_plan_and_the_owners_tasks(app, team):
    meeting = _meeting(team)
    db.session.commit()
    kw = client_for(app, team.key_worker)
    due = today_london() + timedelta(days=14)
    response = post_form(kw, f"/families/{team.family.id}/meetings/{meeting.id}/actions/new", {
        "action": "Book the attendance panel", "owner_user_id": str(team.police.id), **_date("due_on", due)})
    assert response.status_code == 302
    goal = db.session.scalar(select(PlanGoal).where(PlanGoal.action == "Book the attendance panel"))
    assert goal.owner_agency_id == team.police.agency_id and goal.due_on == due
    assert "Book the attendance panel" in kw.get(f"/families/{team.family.id}/plan").get_data(as_text=True)
    tasks = client_for(app, team.police).get("/tasks").get_data(as_text=True)
    assert f"Meeting action for family {team.family.reference}" in tasks
    assert "My tasks (1)" in tasks
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == team.police.id, Notification.kind == "action_assigned")) == 1


def test_overdue_actions_notify_their_owner_once(team):
    meeting = _meeting(team)
    services.add_meeting_action(meeting, action="Late one", owner_user_id=team.police.id,
                                due_on=today_london() - timedelta(days=1), actor=team.key_worker)
    assert services.notify_overdue_actions() == 1
    assert services.notify_overdue_actions() == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == team.police.id, Notification.kind == "action_overdue")) == 1


def test_action_owner_must_be_on_the_team(team, factory):
    import pytest

    stranger = factory.user("practitioner", agency_kind="housing")
    meeting = _meeting(team)
    with pytest.raises(services.InvalidTeamworkRecord) as refused:
        services.add_meeting_action(meeting, action="X", owner_user_id=stranger.id, due_on=today_london(),
                                    actor=team.key_worker)
    assert "owner_user_id" in refused.value.errors


def test_minutes_pdf_is_built_through_the_policy(app, team, monkeypatch):
    meeting = _meeting(team, actor=team.health, category="health", minutes="MARKER-MINUTES")
    db.session.commit()
    seen = []
    monkeypatch.setattr("app.teamwork.routes.render_pdf", lambda html, **_: seen.append(html) or b"%PDF-fake")
    url = f"/families/{team.family.id}/meetings/{meeting.id}/minutes.pdf"
    assert client_for(app, team.police).get(url).status_code == 200
    assert client_for(app, team.health).get(url).status_code == 200
    assert "MARKER-MINUTES" not in seen[0] and "withheld" in seen[0]
    assert "MARKER-MINUTES" in seen[1]


def test_minutes_pdf_renders(app, team):
    meeting = _meeting(team)
    db.session.commit()
    response = client_for(app, team.key_worker).get(f"/families/{team.family.id}/meetings/{meeting.id}/minutes.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_an_overdue_plan_action_notifies_the_lead_practitioner_once(team):
    """A plan action from no meeting is the lead practitioner's when their agency owns it (as in My tasks)."""
    from app.cases import services as case_services

    late = today_london() - timedelta(days=2)
    case_services.add_plan_goal(team.family, action="Ours, late", owner_agency=team.key_worker.agency, due_on=late,
                                actor=team.key_worker)
    case_services.add_plan_goal(team.family, action="Police's, late", owner_agency=team.police.agency, due_on=late,
                                actor=team.key_worker)
    case_services.add_plan_goal(team.family, action="Ours, not due", owner_agency=team.key_worker.agency,
                                due_on=today_london(), actor=team.key_worker)
    assert services.notify_overdue_actions() == 1
    assert services.notify_overdue_actions() == 0
    [note] = db.session.scalars(select(Notification).where(Notification.kind == "action_overdue")).all()
    assert note.user_id == team.key_worker.id and "Ours" not in note.text and note.object_type == "plan_goal"

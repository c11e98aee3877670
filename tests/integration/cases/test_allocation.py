"""Allocating a family's lead practitioner (key worker): programme managers allocate a referred family that
no one works on yet, and change the lead of one that has one (which starts the handover); the key worker is
told once; the allocation is audited. Pages offer only the actions the policy allows."""
from datetime import timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.cases import services
from app.cases.models import FamilyStatus, LeadAssignment
from app.common.notification_models import Notification
from app.common.time import today_london, utcnow
from app.extensions import db
from app.sharing.models import BreakGlassGrant
from tests.conftest import post_form, signed_in_client


def _referred_family():
    family = services.create_family(address_line_1="3 Dale Road", town="Northfield", postcode="LS2 7HY")
    services.add_person(family, given_name="Jo", family_name="Dale", relationship_to_family="parent")
    db.session.commit()
    return family


def _allocations(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                         Notification.kind == "family_allocated")).all()


def test_a_manager_allocates_a_referred_family_and_the_key_worker_is_told_once(app, factory, programme_manager_client):
    family = _referred_family()
    key_worker = factory.user("key_worker", name="Kerry Walsh")
    url = f"/families/{family.id}/lead"

    summary = programme_manager_client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "None named" in summary and f'href="{url}"' in summary and "Allocate" in summary
    page = programme_manager_client.get(url)
    assert page.status_code == 200 and "Allocate a lead practitioner" in page.get_data(as_text=True)

    missing = post_form(programme_manager_client, url, {"lead_practitioner_id": ""})
    assert missing.status_code == 200 and "Select the lead practitioner" in missing.get_data(as_text=True)
    done = post_form(programme_manager_client, url, {"lead_practitioner_id": str(key_worker.id)})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/families/{family.id}")
    db.session.expire_all()
    assert family.lead_practitioner_id == key_worker.id
    assignment = db.session.scalar(select(LeadAssignment).where(LeadAssignment.family_id == family.id))
    assert (assignment.user_id, assignment.assigned_by_id) == (key_worker.id, programme_manager_client.user.id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "LeadPractitionerAssigned")
                              .order_by(AuditEvent.seq.desc()))
    assert event.actor_user_id == programme_manager_client.user.id and event.family_id == family.id
    [told] = _allocations(key_worker)
    assert told.text == f"Family {family.reference} has been allocated to you"
    assert told.url == f"/families/{family.id}"
    # The key worker now leads: the family is theirs to open and work on.
    assert signed_in_client(app, key_worker).get(f"/families/{family.id}/status").status_code == 200
    # Sending the same form again changes nothing and tells nobody twice.
    again = post_form(programme_manager_client, url, {"lead_practitioner_id": str(key_worker.id)})
    assert again.status_code == 200 and "already the lead practitioner" in again.get_data(as_text=True)
    assert len(_allocations(key_worker)) == 1


def test_a_manager_changes_the_lead_and_the_outgoing_lead_is_asked_for_a_handover(app, casework, factory,
                                                                                  programme_manager_client):
    incoming = factory.user("key_worker", agency=casework.key_worker.agency)
    url = f"/families/{casework.family.id}/lead"
    page = programme_manager_client.get(url).get_data(as_text=True)
    assert "Change the lead practitioner" in page and "handover note" in page
    assert post_form(programme_manager_client, url, {"lead_practitioner_id": str(incoming.id)}).status_code == 302
    db.session.expire_all()
    assert casework.family.lead_practitioner_id == incoming.id and len(_allocations(incoming)) == 1
    tasks = casework.kw_client.get("/tasks").get_data(as_text=True)
    assert f"Write a handover note for family {casework.family.reference}" in tasks


def test_only_those_the_policy_allows_reach_the_allocation(app, casework, factory):
    url = f"/families/{casework.family.id}/lead"
    referred = _referred_family()
    stranger = signed_in_client(app, factory.user("key_worker"))
    assert stranger.get(f"/families/{referred.id}/lead").status_code == 404  # no tie: a key worker cannot take one
    assert casework.kw_client.get(url).status_code == 200  # the lead may hand the case on
    for role in ("finance_officer", "ig_officer", "admin"):
        assert signed_in_client(app, factory.user(role)).get(url).status_code == 404, role
    # An emergency grant only looks: 403, and no allocation control on the page.
    glass_user = factory.user("key_worker")
    _grant(glass_user, casework.family)
    glass = signed_in_client(app, glass_user)
    assert glass.get(url).status_code == 403
    assert f'href="{url}"' not in glass.get(f"/families/{casework.family.id}").get_data(as_text=True)


def _grant(user, family):
    now = utcnow()
    db.session.add(BreakGlassGrant(user_id=user.id, family_id=family.id, reason="risk_of_harm",
                                   justification="Police report a child at risk tonight", starts_at_utc=now,
                                   expires_at_utc=now + timedelta(hours=4)))
    db.session.commit()


def test_a_manager_under_emergency_access_is_not_offered_work_they_cannot_do(app, factory):
    key_worker = factory.user("key_worker")
    family = services.create_family(address_line_1="4 Dale Road", town="Northfield", postcode="LS2 7HY",
                                    lead_practitioner=key_worker, status=FamilyStatus.ASSESSMENT,
                                    attached_on=today_london() - timedelta(days=20), actor=key_worker)
    manager = factory.user("programme_manager")
    _grant(manager, family)
    client = signed_in_client(app, manager)
    summary = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Emergency access" in summary
    # The lifecycle buttons answer 403 to a reader, so they are not shown ...
    assert "Agree the plan" not in summary and "Close the case" not in summary
    assert client.get(f"/families/{family.id}/status?to=plan").status_code == 403
    for tab, button in (("/needs", "Add a need"), ("/plan", "Add a goal"), ("/notes", "Add a note"),
                        ("/messages", "Start a discussion"), ("/consent", "Record agreement")):
        page = client.get(f"/families/{family.id}{tab}")
        assert page.status_code == 200 and button not in page.get_data(as_text=True), tab
    # ... but allocating is a manager's job, grant or no grant.
    assert f'href="/families/{family.id}/lead"' in summary
    # The lead practitioner still sees the buttons.
    lead_summary = signed_in_client(app, key_worker).get(f"/families/{family.id}").get_data(as_text=True)
    assert "Agree the plan" in lead_summary and "Close the case" in lead_summary
    assert db.session.scalar(select(func.count(LeadAssignment.id)).where(LeadAssignment.family_id == family.id)) == 1

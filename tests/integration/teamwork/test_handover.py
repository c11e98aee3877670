"""Handover: a change of lead gives the outgoing worker a task to write the note against the checklist;
the incoming worker is told, acknowledges it, and the tasks clear."""
from sqlalchemy import func, select

from app.cases import services as case_services
from app.common.notification_models import Notification
from app.extensions import db
from app.teamwork.models import HandoverNote
from tests.conftest import post_form
from tests.integration.teamwork.conftest import client_for


def test_handover_from_outgoing_to_incoming(app, team, factory):
    incoming = factory.user("key_worker", agency=team.key_worker.agency)
    case_services.set_lead_practitioner(team.family, incoming, actor=team.manager)
    db.session.commit()
    outgoing = client_for(app, team.key_worker)
    tasks = outgoing.get("/tasks").get_data(as_text=True)
    assert f"Write a handover note for family {team.family.reference}" in tasks
    url = f"/families/{team.family.id}/handover/new"
    empty = post_form(outgoing, url, {"open_actions": "Two actions open", "risks": "", "next_meeting": ""})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "Enter the risks, or write none" in text and "Two actions open" in text
    sent = post_form(outgoing, url, {"open_actions": "Two actions open", "risks": "None known",
                                     "next_meeting": "TAF on the 3rd"})
    assert sent.status_code == 302
    assert "Write a handover note" not in outgoing.get("/tasks").get_data(as_text=True)
    assert outgoing.get(url).status_code == 404  # written once
    note = db.session.scalar(select(HandoverNote))
    assert note.incoming_user_id == incoming.id
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == incoming.id, Notification.kind == "handover_written")) == 1
    reader = client_for(app, incoming)
    assert "Read and acknowledge the handover" in reader.get("/tasks").get_data(as_text=True)
    page_url = f"/families/{team.family.id}/handover/{note.id}"
    assert "TAF on the 3rd" in reader.get(page_url).get_data(as_text=True)
    assert post_form(reader, page_url, {}).status_code == 302
    assert note.acknowledged_at_utc is not None
    assert "Read and acknowledge" not in reader.get("/tasks").get_data(as_text=True)


def test_only_the_outgoing_lead_writes_and_only_the_incoming_acknowledges(app, team, factory):
    incoming = factory.user("key_worker", agency=team.key_worker.agency)
    case_services.set_lead_practitioner(team.family, incoming, actor=team.manager)
    db.session.commit()
    # Both know the family (team member, new lead), so the refusal says "not for you" rather than "no such family".
    assert client_for(app, team.police).get(f"/families/{team.family.id}/handover/new").status_code == 403
    assert client_for(app, incoming).get(f"/families/{team.family.id}/handover/new").status_code == 403
    post_form(client_for(app, team.key_worker), f"/families/{team.family.id}/handover/new",
              {"open_actions": "A", "risks": "B", "next_meeting": "C"})
    note = db.session.scalar(select(HandoverNote))
    police = client_for(app, team.police)
    assert post_form(police, f"/families/{team.family.id}/handover/{note.id}", {}).status_code == 403
    assert note.acknowledged_at_utc is None


def test_the_outgoing_lead_tie_opens_the_handover_form_and_nothing_else(app, team, factory):
    from app.audit.models import AuditEvent

    incoming = factory.user("key_worker", agency=team.key_worker.agency)
    case_services.set_lead_practitioner(team.family, incoming, actor=team.manager)
    db.session.commit()
    outgoing = client_for(app, team.key_worker)
    assert outgoing.get(f"/families/{team.family.id}/handover/new").status_code == 200
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "FamilyViewed",
                                                         AuditEvent.family_id == team.family.id)
                                .order_by(AuditEvent.seq.desc())).first()
    assert viewed.basis == "outgoing_lead" and viewed.actor_user_id == team.key_worker.id
    for page in ("", "/notes", "/timeline", "/meetings"):
        assert outgoing.get(f"/families/{team.family.id}{page}").status_code == 404, page

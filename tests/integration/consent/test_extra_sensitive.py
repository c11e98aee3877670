"""Extra-sensitive records (police intelligence, third-party statements): the named (holding agency, lead
practitioner) read them on screen; break-glass never opens them, even for the holding agency's own officer;
the form that writes a case note sets the marker."""
from sqlalchemy import select

from app.cases.models import CaseNote
from app.extensions import db
from app.sharing import services as sharing
from tests.conftest import post_form, signed_in_client


def test_break_glass_does_not_open_an_extra_sensitive_record(app, scenario, factory):
    police = scenario.users["police"]
    # of the holding agency, but neither on the team nor a designated lead: only the grant opens the family
    officer = factory.user("key_worker", agency=police.agency)
    sharing.open_break_glass(scenario.family, reason="risk_of_harm", justification="Call from the hospital tonight",
                             actor=officer)
    db.session.commit()
    page = signed_in_client(app, officer).get(f"/families/{scenario.family.id}/notes").get_data(as_text=True)
    assert "MARKER-POLICE-MUM-NOBASIS" in page  # the officer's own agency's note, opened by the grant
    assert "MARKER-POLICE-SECRET" not in page
    assert "withheld: it holds extra-sensitive information" in page
    # the officer on the team, of the same agency, reads it
    assert "MARKER-POLICE-SECRET" in signed_in_client(app, police).get(
        f"/families/{scenario.family.id}/notes").get_data(as_text=True)


def test_the_note_form_marks_a_note_extra_sensitive(app, scenario):
    police = scenario.users["police"]
    url = f"/families/{scenario.family.id}/notes/new"
    client = signed_in_client(app, police)
    assert "Extra-sensitive: police intelligence or a third-party statement" in client.get(url).get_data(as_text=True)
    response = post_form(client, url, {"body": "MARKERFORMSECRET informant says", "category": "crime",
                                       "person_ids": [scenario.people["child"].id], "extra_sensitive": "y"})
    assert response.status_code == 302
    note = db.session.scalar(select(CaseNote).where(CaseNote.body.startswith("MARKERFORMSECRET")))
    assert note.extra_sensitive is True
    manager = signed_in_client(app, scenario.users["manager"]).get(f"/families/{scenario.family.id}/notes")
    assert "MARKERFORMSECRET" not in manager.get_data(as_text=True)  # the council has a basis, but is not named
    lead = signed_in_client(app, scenario.users["key_worker"]).get(f"/families/{scenario.family.id}/notes")
    assert "MARKERFORMSECRET" in lead.get_data(as_text=True)


def _thread_of(subject_start):
    from app.teamwork.models import MessageThread

    return db.session.scalar(select(MessageThread).where(MessageThread.subject.startswith(subject_start)))


def test_the_message_form_marks_a_discussion_and_its_messages_extra_sensitive(app, scenario):
    family, police = scenario.family, scenario.users["police"]
    client = signed_in_client(app, police)
    url = f"/families/{family.id}/messages/new"
    assert "Extra-sensitive: police intelligence or a third-party statement" in client.get(url).get_data(as_text=True)
    response = post_form(client, url, {"subject": "MARKERFORMSUBJECT", "body": "MARKERFORMBODY informant says",
                                       "category": "crime", "person_ids": [scenario.people["child"].id],
                                       "extra_sensitive": "y"})
    assert response.status_code == 302
    thread = _thread_of("MARKERFORMSUBJECT")
    assert thread.extra_sensitive is True and [m.extra_sensitive for m in thread.messages] == [True]
    thread_url = f"/families/{family.id}/messages/{thread.id}"
    page = client.get(thread_url).get_data(as_text=True)
    assert "MARKERFORMBODY" in page and "Extra-sensitive</strong>" in page
    assert 'name="extra_sensitive" type="checkbox" value="y" checked' in page  # the reply starts marked too
    # The council has the safeguarding basis for crime about the child, but its manager is not named.
    manager = signed_in_client(app, scenario.users["manager"])
    for shown in (manager.get(f"/families/{family.id}/messages"), manager.get(thread_url),
                  manager.get(f"/families/{family.id}/timeline")):
        text = shown.get_data(as_text=True)
        assert "MARKERFORM" not in text and "withheld: it holds extra-sensitive information" in text
    assert "MARKERFORMBODY" in signed_in_client(app, scenario.users["key_worker"]).get(thread_url).get_data(
        as_text=True)  # the lead practitioner is named


def test_an_extra_sensitive_reply_is_withheld_in_a_shared_discussion(app, scenario):
    thread = _thread_of("MARKERSUBJECTSHARED")
    url = f"/families/{scenario.family.id}/messages/{thread.id}"
    page = signed_in_client(app, scenario.users["manager"]).get(url).get_data(as_text=True)
    assert "MARKERSUBJECTSHARED" in page and "MARKERMESSAGESHARED" in page  # under the safeguarding basis
    assert "MARKERREPLYSECRET" not in page and "withheld: it holds extra-sensitive information" in page
    reply_form = signed_in_client(app, scenario.users["police"]).get(url).get_data(as_text=True)
    assert 'name="extra_sensitive" type="checkbox" value="y" checked' not in reply_form


def test_break_glass_does_not_open_an_extra_sensitive_message(app, scenario, factory):
    officer = factory.user("key_worker", agency=scenario.users["police"].agency)
    sharing.open_break_glass(scenario.family, reason="risk_of_harm", justification="Call from the hospital tonight",
                             actor=officer)
    db.session.commit()
    client = signed_in_client(app, officer)
    bodies = "".join(client.get(f"/families/{scenario.family.id}/{tail}").get_data(as_text=True)
                     for tail in ("messages", *(f"messages/{t}" for t in scenario.ids["threads"]), "timeline"))
    assert "MARKERMESSAGESHARED" in bodies  # its own agency's ordinary message, opened by the grant
    for marker in ("MARKERSUBJECTSECRET", "MARKERMESSAGESECRET", "MARKERREPLYSECRET"):
        assert marker not in bodies


def test_the_mention_tells_without_the_content(app, scenario):
    from app.common.notification_models import Notification

    texts = [n.text for n in db.session.scalars(select(Notification).where(
        Notification.user_id == scenario.users["key_worker"].id, Notification.kind == "mentioned"))]
    assert len(texts) == 3 and not any("MARKER" in text for text in texts)


def test_an_extra_sensitive_handover_is_read_by_the_new_lead_and_not_by_other_agencies(app, scenario, factory):
    from app.cases import services as cases
    from app.teamwork.models import HandoverNote

    family, outgoing = scenario.family, scenario.users["key_worker"]
    incoming = factory.user("key_worker", agency=outgoing.agency)
    cases.set_lead_practitioner(family, incoming, actor=scenario.users["manager"])
    db.session.commit()
    url = f"/families/{family.id}/handover/new"
    response = post_form(signed_in_client(app, outgoing), url, {
        "open_actions": "Two actions open", "risks": "MARKERHANDOVERSECRET what the informant said",
        "next_meeting": "None booked", "extra_sensitive": "y"})
    assert response.status_code == 302
    note = db.session.scalar(select(HandoverNote).where(HandoverNote.family_id == family.id))
    assert note.extra_sensitive is True
    page_url = f"/families/{family.id}/handover/{note.id}"
    assert "MARKERHANDOVERSECRET" in signed_in_client(app, incoming).get(page_url).get_data(as_text=True)
    police = signed_in_client(app, scenario.users["police"]).get(page_url).get_data(as_text=True)
    assert "MARKERHANDOVERSECRET" not in police and "withheld: it holds extra-sensitive information" in police

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

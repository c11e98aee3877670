"""A subject access export is a document leaving Hearth for the person: an extra-sensitive record (police
intelligence, a third-party statement) is listed, with its text withheld and marked for review."""
import json
from datetime import timedelta

from app.cases import services as case_services
from app.teamwork import services as teamwork
from tests.conftest import post_form
from tests.integration.cases.conftest import intervention_type_id
from tests.integration.consent.test_no_leaks_in_pdfs import pdf_text
from tests.integration.rights.conftest import CLOSED_ON, Upload
from tests.integration.rights.test_subject_access import BASE, ig_client, make_request


def test_extra_sensitive_records_are_withheld_from_the_export_and_marked(app, world):
    day = CLOSED_ON - timedelta(days=100)
    case_services.add_case_note(world.family, body="MARKERSECRETNOTE informant", category="crime",
                                person_ids=[world.child.id], extra_sensitive=True, actor=world.police)
    case_services.record_intervention(world.family, type_id=intervention_type_id(), agency=world.police.agency,
                                      occurred_on=day, duration_minutes=15, summary="MARKERSECRETVISIT neighbour",
                                      category="crime", person_ids=[world.child.id], extra_sensitive=True,
                                      actor=world.police)
    teamwork.record_meeting(world.family, kind="team_around_family", held_on=day, minutes="MARKERSECRETMINUTES",
                            person_ids=[world.child.id], attendee_person_ids=[world.child.id], extra_sensitive=True,
                            actor=world.police)
    teamwork.add_document(world.family, title="MARKERSECRETDOC statement", description="MARKERSECRETDESC",
                          category="crime", person_ids=[world.child.id], upload=Upload(), extra_sensitive=True,
                          actor=world.police)
    sar = make_request(world)
    client = ig_client(app, world)
    text = post_form(client, f"{BASE}/{sar.id}/export.json", {}, form_url=f"{BASE}/{sar.id}").get_data(as_text=True)
    for marker in ("MARKERSECRETNOTE", "MARKERSECRETVISIT", "MARKERSECRETMINUTES", "MARKERSECRETDOC",
                   "MARKERSECRETDESC"):
        assert marker not in text
    sections = json.loads(text)["sections"]
    withheld = [item for name in ("case_notes", "interventions", "meetings", "documents") for item in sections[name]
                if "extra_sensitive" in item["review_reasons"]]
    assert len(withheld) == 4
    assert "MARKER-CHILD-NOTE" in text  # the ordinary records are still there
    pdf = post_form(client, f"{BASE}/{sar.id}/export.pdf", {}, form_url=f"{BASE}/{sar.id}")
    assert pdf.status_code == 200
    printed = pdf_text(pdf.data)
    assert "MARKER-CHILD-NOTE" in printed and "MARKERSECRET" not in printed

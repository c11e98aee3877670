"""The leak matrix over the subject access export, the one export of a person's family records: the JSON and
the PDF an IG officer makes for the child list every extra-sensitive record (notes, interventions, meetings,
documents, messages and a handover) with its text withheld and marked for review, and carry the ordinary ones
(so the check cannot pass by exporting nothing). The other roles cannot reach the export at all."""
import json
import time

import pytest

from app.cases import services as cases
from app.common.time import today_london
from app.extensions import db
from app.rights import services as rights
from app.teamwork import services as teamwork
from tests.conftest import post_form, signed_in_client
from tests.integration.consent.test_no_leaks_in_pdfs import ROLES, pdf_text

BASE = "/information-governance/subject-access"


def _handover(scenario, factory, risks, *, extra_sensitive):
    """A change of lead and the outgoing lead's handover note."""
    incoming = factory.user("key_worker", agency=scenario.users["key_worker"].agency)
    cases.set_lead_practitioner(scenario.family, incoming, actor=scenario.users["manager"])
    return teamwork.write_handover(scenario.family, open_actions="Two actions open", risks=risks,
                                   next_meeting="None booked", extra_sensitive=extra_sensitive,
                                   actor=scenario.users["key_worker"])


def _request(scenario):
    sar = rights.record_request(scenario.people["child"], requester_kind="parent_carer", requester_name="Mara Quill",
                                received_on=today_london(), verification="photo_id", actor=scenario.users["ig"])
    db.session.commit()
    return sar


def _ig_client(app, scenario):
    client = signed_in_client(app, scenario.users["ig"])
    with client.session_transaction() as session:
        session["mfa_at"] = time.time()
    return client


def test_the_subject_access_export_withholds_every_extra_sensitive_record(app, scenario, factory):
    _handover(scenario, factory, "MARKERHANDOVERSECRET what the informant said", extra_sensitive=True)
    db.session.commit()
    sar = _request(scenario)
    client = _ig_client(app, scenario)
    url = f"{BASE}/{sar.id}"
    text = post_form(client, f"{url}/export.json", {}, form_url=url).get_data(as_text=True)
    printed = pdf_text(post_form(client, f"{url}/export.pdf", {}, form_url=url).data)
    secrets = scenario.extra_sensitive | {"MARKERHANDOVERSECRET"}
    for marker in secrets:
        assert marker not in text and marker.replace(" ", "") not in printed, marker
    for marker in ("MARKERSUBJECTSHARED", "MARKERMESSAGESHARED", "MARKER-POLICE-CHILD-SG"):
        assert marker in text and marker in printed, marker
    sections = json.loads(text)["sections"]
    marked = {name: [item for item in sections[name] if "extra_sensitive" in item["review_reasons"]]
              for name in ("case_notes", "interventions", "meetings", "documents", "messages", "handovers")}
    assert {name: len(items) for name, items in marked.items()} == {
        "case_notes": 1, "interventions": 1, "meetings": 1, "documents": 1, "messages": 2, "handovers": 1}
    assert all(item["for_redaction_review"] and item["text"].startswith("Withheld") for items in marked.values()
               for item in items)
    # The discussion opened with intelligence: its subject is withheld with its messages.
    subjects = [m["thread"] for m in sections["messages"]]
    assert sum(subject.startswith("Withheld") for subject in subjects) == 1  # MARKERSUBJECTSECRET's one message


def test_an_ordinary_handover_is_exported_with_its_text(app, scenario, factory):
    _handover(scenario, factory, "MARKERHANDOVERPLAIN no new risks", extra_sensitive=False)
    db.session.commit()
    sar = _request(scenario)
    client = _ig_client(app, scenario)
    text = post_form(client, f"{BASE}/{sar.id}/export.json", {}, form_url=f"{BASE}/{sar.id}").get_data(as_text=True)
    [handover] = json.loads(text)["sections"]["handovers"]
    assert "MARKERHANDOVERPLAIN" in handover["text"] and "extra_sensitive" not in handover["review_reasons"]


@pytest.mark.parametrize("who", [r for r in ROLES if r != "ig"])
def test_no_other_role_reaches_the_export(app, scenario, who):
    sar = _request(scenario)
    client = signed_in_client(app, scenario.users[who])
    for tail in ("", "/export.json", "/export.pdf"):
        response = client.post(f"{BASE}/{sar.id}{tail}") if tail else client.get(f"{BASE}/{sar.id}")
        assert response.status_code in (400, 403), (who, tail, response.status_code)
        assert not any(marker in response.get_data(as_text=True) for marker in scenario.markers)

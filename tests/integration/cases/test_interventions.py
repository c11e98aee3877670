import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.cases import services
from app.cases.models import Intervention, InterventionVersion
from app.common.time import today_london
from app.extensions import db
from tests.conftest import csrf_token_from, post_form, signed_in_client
from tests.integration.cases.conftest import intervention_type_id


def _record(cw, actor=None, **overrides):
    actor = actor or cw.key_worker
    fields = {"type_id": intervention_type_id(), "agency": actor.agency, "occurred_on": today_london(),
                  "duration_minutes": 45, "summary": "Home visit: routines", "category": "case_note",
                  "person_ids": [cw.mother.id], "actor": actor}
    return services.record_intervention(cw.family, **{**fields, **overrides})


def _day(d):
    return [str(d.day), str(d.month), str(d.year)]


def test_an_edit_keeps_the_previous_version(casework):
    intervention = _record(casework)
    services.edit_intervention(intervention, type_id=intervention_type_id("phone_call"),
                               agency=casework.key_worker.agency, occurred_on=today_london(), duration_minutes=10,
                               summary="Phone call instead", category="case_note", person_ids=[],
                               actor=casework.key_worker)
    assert (intervention.version, intervention.summary, intervention.people) == (2, "Phone call instead", [])
    [old] = db.session.scalars(select(InterventionVersion)).all()
    assert (old.version, old.summary, old.duration_minutes, old.person_ids) == (
        1, "Home visit: routines", 45, [casework.mother.id])


def test_delete_is_soft_with_a_reason_and_managers_still_see_it(casework, programme_manager_client):
    intervention = _record(casework)
    with pytest.raises(services.InvalidRecord):
        services.delete_intervention(intervention, reason="  ", actor=casework.key_worker)
    services.delete_intervention(intervention, reason="Recorded on the wrong family", actor=casework.key_worker)
    db.session.commit()
    assert db.session.get(Intervention, intervention.id).deletion_reason == "Recorded on the wrong family"
    with pytest.raises(services.InterventionDeleted):
        services.delete_intervention(intervention, reason="again", actor=casework.key_worker)
    url = f"/families/{casework.family.id}/interventions"
    assert "Home visit: routines" not in casework.kw_client.get(url).get_data(as_text=True)
    assert casework.kw_client.get(f"{url}/{intervention.id}").status_code == 404
    # The manager sees it is deleted and why (content of the council's own agency).
    manager = programme_manager_client
    manager.user.agency_id = casework.key_worker.agency_id
    db.session.commit()
    page = manager.get(url).get_data(as_text=True)
    assert "Deleted" in page and "Recorded on the wrong family" in page


def test_another_agency_sees_it_withheld_and_cannot_change_it(casework):
    intervention = _record(casework)
    db.session.commit()
    url = f"/families/{casework.family.id}/interventions/{intervention.id}"
    page = casework.police_client.get(url).get_data(as_text=True)
    assert "Home visit: routines" not in page
    assert f"Intervention by {casework.key_worker.agency.name} withheld: no basis to share case note information" \
           in page
    assert casework.police_client.get(url + "/edit").status_code == 403
    police_record = _record(casework, actor=casework.police, category="crime", summary="Officer visit")
    db.session.commit()
    page = casework.kw_client.get(f"/families/{casework.family.id}/interventions").get_data(as_text=True)
    assert "Officer visit" not in page
    assert f"Intervention by {casework.police.agency.name} withheld: no basis to share crime information yet" in page
    assert casework.kw_client.get(f"/families/{casework.family.id}/interventions/{police_record.id}/delete"
                                  ).status_code == 403


def test_the_form_refuses_bad_input_and_keeps_what_was_typed(casework):
    url = f"/families/{casework.family.id}/interventions/new"
    response = post_form(casework.kw_client, url, {
        "type_id": "99999", "agency_id": str(casework.key_worker.agency_id), "occurred_on": ["31", "2", "2025"],
        "duration_minutes": "45", "summary": "x" * 5001, "category": "gossip", "person_ids": [str(casework.mother.id)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Date of the work must be a real date" in html
    assert "The summary must be 5,000 characters or fewer" in html
    assert "Not a valid choice" in html or "Select" in html
    assert 'value="31"' in html  # the impossible date is shown as typed
    assert db.session.query(Intervention).count() == 0


def test_the_form_refuses_people_of_another_family(casework, factory):
    other = services.create_family(postcode="LS1 4AP")
    stranger = services.add_person(other, given_name="Zed", family_name="Other", relationship_to_family="parent")
    db.session.commit()
    response = post_form(casework.kw_client, f"/families/{casework.family.id}/interventions/new", {
        "type_id": str(intervention_type_id()), "agency_id": str(casework.key_worker.agency_id),
        "occurred_on": _day(today_london()), "duration_minutes": "30", "summary": "Visit", "category": "case_note",
        "person_ids": [str(stranger.id)]})
    assert response.status_code == 200
    assert db.session.query(Intervention).count() == 0


def test_submitting_twice_creates_one_record(casework):
    url = f"/families/{casework.family.id}/interventions/new"
    html = casework.kw_client.get(url).get_data(as_text=True)
    token = re.search(r'name="form_token"[^>]*value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf_token_from(html), "form_token": token, "type_id": str(intervention_type_id()),
            "agency_id": str(casework.key_worker.agency_id), "occurred_on": _day(today_london() - timedelta(days=1)),
            "duration_minutes": "30", "summary": "Visit", "category": "case_note"}
    assert casework.kw_client.post(url, data=data).status_code == 302
    assert casework.kw_client.post(url, data=data).status_code == 302
    assert db.session.query(Intervention).count() == 1


def test_programme_managers_cannot_record_work(casework, programme_manager_client):
    assert programme_manager_client.get(f"/families/{casework.family.id}/interventions/new").status_code == 403


def test_case_notes_name_people_and_carry_a_category(casework):
    url = f"/families/{casework.family.id}/notes/new"
    response = post_form(casework.kw_client, url, {"body": "Spoke with Natalie", "category": "housing",
                                                   "person_ids": [str(casework.mother.id)]})
    assert response.status_code == 302
    page = casework.police_client.get(f"/families/{casework.family.id}/notes").get_data(as_text=True)
    assert "Spoke with Natalie" not in page
    assert "withheld: no basis to share housing information yet" in page
    page = casework.kw_client.get(f"/families/{casework.family.id}/notes").get_data(as_text=True)
    assert "Spoke with Natalie" in page and "Natalie Smith" in page


def test_assessment_draft_is_kept_and_restored(casework):
    url = f"/families/{casework.family.id}/assessment/edit"
    response = post_form(casework.kw_client, url, {"strengths": "Warm and close", "narrative": "Half written",
                                                   "save_draft": "Save as draft"})
    assert response.status_code == 302
    # A new session (after a time-out) finds the draft.
    again = signed_in_client(casework.kw_client.application, casework.key_worker)
    html = again.get(url).get_data(as_text=True)
    assert "Warm and close" in html and "Half written" in html
    response = post_form(again, url, {"strengths": "Warm and close", "narrative": "Done",
                                      "completed_on": _day(today_london())})
    assert response.status_code == 302
    assert "Your draft" not in again.get(f"/families/{casework.family.id}/assessment").get_data(as_text=True)
    # The assessment is a whole-family record: the team sees it.
    page = casework.police_client.get(f"/families/{casework.family.id}/assessment").get_data(as_text=True)
    assert "Warm and close" in page

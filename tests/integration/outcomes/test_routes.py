"""The Outcomes tab and the evidence pages, per role, with withheld evidence and bad input."""
import io
import re

from sqlalchemy import func, select

from app.extensions import db
from app.outcomes import services
from app.outcomes.models import Evidence
from tests.conftest import csrf_token_from, post_form
from tests.integration.outcomes.conftest import attendance, term
from tests.unit.common import test_uploads_samples as samples


def _day(d):
    return [str(d.day), str(d.month), str(d.year)]


def _form(o, index=0, **changes):
    begin, end = term(index)
    return {"need_id": str(o.attendance.id), "value": "93.5", "period_start": _day(begin), "period_end": _day(end),
            "source": "Northfield Academy attendance return", "person_ids": [str(o.child.id)], **changes}


def _count():
    return db.session.scalar(select(func.count(Evidence.id)))


def test_the_lead_practitioner_sees_needs_judgement_and_claim_conditions(outcomes):
    attendance(outcomes, 0, 95)
    page = outcomes.kw_client.get(f"/families/{outcomes.family.id}/outcomes")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "School attendance below 90%" in html and "Attendance return" in html
    assert "Claim conditions: Supporting Families 2022-25" in html
    assert "The case is still open" in html  # the sustained condition's reason


def test_adding_evidence_records_it_once_and_judges_the_need(outcomes):
    url = f"/families/{outcomes.family.id}/outcomes/evidence/new"
    html = outcomes.kw_client.get(url).get_data(as_text=True)
    token = re.search(r'name="form_token"[^>]*value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf_token_from(html), "form_token": token, **_form(outcomes)}
    first = outcomes.kw_client.post(url, data=data)
    assert first.status_code == 302
    assert outcomes.kw_client.post(url, data=data).status_code == 302  # the same form sent again
    assert _count() == 1
    evidence = db.session.scalar(select(Evidence))
    assert (evidence.value_number, evidence.holding_agency_id, evidence.category.value) == (
        93.5, outcomes.key_worker.agency_id, "education")
    assert [p.id for p in evidence.people] == [outcomes.child.id]


def test_bad_evidence_is_refused_with_clear_messages_and_what_was_typed_kept(outcomes):
    url = f"/families/{outcomes.family.id}/outcomes/evidence/new"
    response = post_form(outcomes.kw_client, url, _form(outcomes, value="150", period_end=["31", "2", "2025"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Last day of the period must be a real date" in html
    assert "Northfield Academy attendance return" in html  # kept as typed
    response = post_form(outcomes.kw_client, url, _form(outcomes, value="150"))
    assert "The percentage must be between 0 and 100" in response.get_data(as_text=True)
    response = post_form(outcomes.kw_client, url, _form(outcomes, source="x" * 201))
    assert "The source must be 200 characters or fewer" in response.get_data(as_text=True)
    assert _count() == 0


def test_an_agency_off_the_team_gets_404_everywhere(outcomes):
    evidence = attendance(outcomes, 0, 95)
    base = f"/families/{outcomes.family.id}/outcomes"
    for url in (base, f"{base}/evidence/new", f"{base}/evidence/{evidence.id}/document",
                f"{base}/evidence/{evidence.id}/delete"):
        assert outcomes.school_client.get(url).status_code == 404, url
    assert post_form(outcomes.kw_client, f"{base}/evidence/new", _form(outcomes), form_url=f"{base}/evidence/new")
    response = outcomes.school_client.post(f"{base}/evidence/new", data=_form(outcomes))
    assert response.status_code in (400, 404)
    assert _count() == 2  # the key worker's second record only


def test_programme_managers_oversee_but_do_not_record(outcomes, programme_manager_client):
    base = f"/families/{outcomes.family.id}/outcomes"
    assert programme_manager_client.get(base).status_code == 200
    assert programme_manager_client.get(f"{base}/evidence/new").status_code == 403


def test_evidence_another_agency_holds_is_withheld_with_who_and_why(outcomes):
    services.record_evidence(outcomes.family, need=outcomes.crime, value="0", period_start=term(0)[0],
                             period_end=term(0)[1], source="Police incidents extract", actor=outcomes.police)
    db.session.commit()
    police_agency = outcomes.police.agency.name
    html = outcomes.kw_client.get(f"/families/{outcomes.family.id}/outcomes").get_data(as_text=True)
    assert f"Need by {police_agency} withheld: no basis to share crime information yet" in html
    assert "Police incidents extract" not in html
    timeline = outcomes.kw_client.get(f"/families/{outcomes.family.id}/timeline").get_data(as_text=True)
    assert f"Outcome evidence by {police_agency} withheld" in timeline
    assert "Police incidents extract" not in timeline
    own = outcomes.police_client.get(f"/families/{outcomes.family.id}/outcomes").get_data(as_text=True)
    assert "Police incidents extract" in own


def test_a_document_goes_through_the_upload_service_and_the_policy(outcomes):
    url = f"/families/{outcomes.family.id}/outcomes/evidence/new"
    data = {**_form(outcomes), "document": (io.BytesIO(samples.pdf()), "letter.pdf", "application/pdf")}
    response = post_form(outcomes.kw_client, url, data, content_type="multipart/form-data")
    assert response.status_code == 302
    evidence = db.session.scalar(select(Evidence))
    assert evidence.stored_file is not None and evidence.stored_file.content_type == "application/pdf"
    download = f"/families/{outcomes.family.id}/outcomes/evidence/{evidence.id}/document"
    got = outcomes.kw_client.get(download)
    assert got.status_code == 200 and got.headers["Content-Disposition"].startswith("attachment")
    assert outcomes.police_client.get(download).status_code == 404  # on the team, but no basis for it


def test_a_bad_document_is_refused_and_nothing_saved(outcomes):
    url = f"/families/{outcomes.family.id}/outcomes/evidence/new"
    data = {**_form(outcomes), "document": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "letter.pdf", "application/pdf")}
    response = post_form(outcomes.kw_client, url, data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "must be a PDF, PNG, JPEG or Word document" in response.get_data(as_text=True)
    assert _count() == 0


def test_only_the_holding_agency_deletes_with_a_reason(outcomes):
    evidence = attendance(outcomes, 0, 95)
    url = f"/families/{outcomes.family.id}/outcomes/evidence/{evidence.id}/delete"
    assert outcomes.police_client.get(url).status_code == 403
    response = post_form(outcomes.kw_client, url, {"reason": ""})
    assert "Enter why the evidence is being deleted" in response.get_data(as_text=True)
    assert post_form(outcomes.kw_client, url, {"reason": "Typed against the wrong term"}).status_code == 302
    db.session.refresh(evidence)
    assert evidence.deleted_at_utc is not None and evidence.deletion_reason == "Typed against the wrong term"
    assert outcomes.kw_client.get(url).status_code == 404


def test_evidence_of_another_family_is_404(outcomes, factory):
    from app.cases import services as case_services

    evidence = attendance(outcomes, 0, 95)
    other = case_services.create_family(postcode="LS1 4AP", lead_practitioner=outcomes.key_worker,
                                        actor=outcomes.key_worker)
    db.session.commit()
    url = f"/families/{other.id}/outcomes/evidence/{evidence.id}/document"
    assert outcomes.kw_client.get(url).status_code == 404


def test_lists_for_key_workers_and_managers(outcomes, programme_manager_client, practitioner_client):
    for client in (outcomes.kw_client, programme_manager_client):
        assert client.get("/outcomes/near-misses").status_code == 200
        assert client.get("/outcomes/sustainment?state=came_back").status_code == 200
    assert practitioner_client.get("/outcomes/near-misses").status_code == 403
    assert outcomes.kw_client.get("/outcomes/imports").status_code == 403

"""The framework pages: everyone signed in reads, administrators change descriptors, and every change
is audited."""
import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.framework import queries, services
from tests.conftest import csrf_token_from, post_form


@pytest.fixture
def sf(app):
    services.seed_default_framework()
    return queries.version_by_code("sf2022")


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def _form_data(descriptor, **changes):
    data = {"description": descriptor.description, "measure": descriptor.measure,
            "resolved_when": descriptor.resolved_when, "measure_kind": descriptor.measure_kind.value,
            "comparison": descriptor.comparison.value,
            "threshold": "" if descriptor.threshold is None else f"{descriptor.threshold:g}",
            "consecutive_periods": str(descriptor.consecutive_periods), "period_unit": descriptor.period_unit.value,
            "category": descriptor.category.value}
    return {**data, **changes}


NEW = {"code": "school_transition_support", "description": "A child struggling with the move to secondary school",
       "measure": "Whether the child settled at the termly review", "resolved_when": "Settled at two reviews",
       "measure_kind": "yes_no", "comparison": "==", "threshold": "", "consecutive_periods": "2",
       "period_unit": "term", "category": "education"}


def test_any_signed_in_user_reads_the_framework_in_force(key_worker_client, sf):
    page = key_worker_client.get("/framework")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Supporting Families 2022-25" in body and "Getting a good education" in body
    assert "School attendance below 90%" in body and "at least 90% for 3 terms in a row" in body
    assert "Outcome framework" in body  # the navigation entry
    assert "Change" not in body and "Add a descriptor" not in body  # links only for those allowed


def test_the_phase_2_version_can_be_read_and_an_unknown_one_is_404(practitioner_client, sf):
    body = practitioner_client.get("/framework?version=tf2015").get_data(as_text=True)
    assert "Troubled Families Phase 2" in body and "p2_children_in_need" in body
    assert "Getting a good education" not in body
    assert practitioner_client.get("/framework?version=nope").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, sf):
    response = client.get("/framework")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_page_says_when_nothing_is_loaded(key_worker_client):
    assert "flask framework seed" in key_worker_client.get("/framework").get_data(as_text=True)


def test_admin_sees_change_and_add_links(admin_client, sf):
    descriptor = queries.descriptor_by_code(sf, "rent_arrears")
    body = admin_client.get("/framework").get_data(as_text=True)
    assert f"/framework/descriptors/{descriptor.id}/edit" in body
    assert f"/framework/headlines/{descriptor.headline_id}/descriptors/new" in body


@pytest.mark.parametrize("role_client", ["key_worker_client", "practitioner_client", "programme_manager_client",
                                         "agency_admin_client", "ig_officer_client"])
def test_only_administrators_may_change_the_framework(request, role_client, sf):
    client = request.getfixturevalue(role_client)
    descriptor = queries.descriptor_by_code(sf, "rent_arrears")
    token = csrf_token_from(client.get("/framework").get_data(as_text=True))  # the sign-out form carries one
    for url in (f"/framework/descriptors/{descriptor.id}/edit",
                f"/framework/headlines/{descriptor.headline_id}/descriptors/new"):
        assert client.get(url).status_code == 403
        data = {"csrf_token": token, **_form_data(descriptor, description="Hacked"), "code": "hacked"}
        assert client.post(url, data=data).status_code == 403
    for action in ("retire", "reinstate"):
        assert client.post(f"/framework/descriptors/{descriptor.id}/{action}",
                           data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert queries.descriptor_by_code(sf, "rent_arrears").description == "Rent arrears"
    assert queries.descriptor_by_code(sf, "rent_arrears").active


def test_admin_changes_a_descriptor_and_the_change_is_audited(admin_client, sf):
    descriptor = queries.descriptor_by_code(sf, "school_attendance_below_90")
    url = f"/framework/descriptors/{descriptor.id}/edit"
    form_page = admin_client.get(url).get_data(as_text=True)
    assert 'value="90"' in form_page and "School attendance below 90%" in form_page
    response = post_form(admin_client, url, _form_data(descriptor, threshold="95", consecutive_periods="2"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/framework?version=sf2022#headline-education")
    db.session.expire_all()
    changed = queries.descriptor_by_code(sf, "school_attendance_below_90")
    assert (changed.threshold, changed.consecutive_periods) == (95, 2)
    (event,) = _events("FrameworkDescriptorUpdated")
    assert event.actor_user_id == admin_client.user.id
    assert event.object_id == str(descriptor.id)
    assert event.details["fields"] == ["consecutive_periods", "threshold"]
    assert "Descriptor school_attendance_below_90 saved" in admin_client.get("/framework").get_data(as_text=True)


def test_bad_input_is_shown_with_the_error_summary_and_what_was_typed_is_kept(admin_client, sf):
    descriptor = queries.descriptor_by_code(sf, "school_attendance_below_90")
    url = f"/framework/descriptors/{descriptor.id}/edit"
    response = post_form(admin_client, url, _form_data(descriptor, description="Attendance under 92 percent",
                                                       threshold="", category="crime"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body and "govuk-error-summary" in body
    assert "Enter the threshold, for example 90" in body
    assert 'value="Attendance under 92 percent"' in body
    db.session.expire_all()
    assert queries.descriptor_by_code(sf, "school_attendance_below_90").threshold == 90
    assert _events("FrameworkDescriptorUpdated") == []


def test_a_threshold_that_is_not_a_number_is_refused_in_govuk_words(admin_client, sf):
    descriptor = queries.descriptor_by_code(sf, "school_attendance_below_90")
    body = post_form(admin_client, f"/framework/descriptors/{descriptor.id}/edit",
                     _form_data(descriptor, threshold="ninety", consecutive_periods="")).get_data(as_text=True)
    assert "The threshold must be a number, for example 90" in body
    assert "Enter how many periods in a row the need must stay resolved" in body
    assert 'value="ninety"' in body


def test_a_category_outside_the_headline_is_refused(admin_client, sf):
    descriptor = queries.descriptor_by_code(sf, "school_attendance_below_90")
    body = post_form(admin_client, f"/framework/descriptors/{descriptor.id}/edit",
                     _form_data(descriptor, category="crime")).get_data(as_text=True)
    assert "Select the data category" in body


def test_admin_adds_a_descriptor_to_a_headline(admin_client, sf):
    education = next(h for h in sf.headlines if h.code == "education")
    url = f"/framework/headlines/{education.id}/descriptors/new"
    form_page = admin_client.get(url).get_data(as_text=True)
    # Education needs can only be education data: the one choice is already selected.
    assert re.search(r'name="category" type="radio" value="education" checked', form_page)
    assert 'value="crime"' not in form_page
    response = post_form(admin_client, url, NEW)
    assert response.status_code == 302
    added = queries.descriptor_by_code(sf, "school_transition_support")
    assert (added.headline_id, added.measure_kind.value, added.threshold, added.active) == (
        education.id, "yes_no", None, True)
    assert [e.object_id for e in _events("FrameworkDescriptorAdded")] == [str(added.id)]
    assert "school_transition_support" in queries.valid_reason_codes(sf)


def test_adding_a_code_already_used_keeps_what_was_typed(admin_client, sf):
    education = next(h for h in sf.headlines if h.code == "education")
    response = post_form(admin_client, f"/framework/headlines/{education.id}/descriptors/new",
                         {**NEW, "code": "rent_arrears"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A descriptor with that code already exists in this version of the framework" in body
    assert 'value="rent_arrears"' in body and 'value="A child struggling with the move to secondary school"' in body
    assert _events("FrameworkDescriptorAdded") == []


def test_admin_retires_and_reinstates_a_descriptor(admin_client, sf):
    descriptor = queries.descriptor_by_code(sf, "rent_arrears")
    edit_url = f"/framework/descriptors/{descriptor.id}/edit"
    response = post_form(admin_client, f"/framework/descriptors/{descriptor.id}/retire", {}, form_url=edit_url)
    assert response.status_code == 302
    db.session.expire_all()
    assert not queries.descriptor_by_code(sf, "rent_arrears").active
    assert "Retired" in admin_client.get("/framework").get_data(as_text=True)
    assert "rent_arrears" not in queries.valid_reason_codes(sf)
    again = post_form(admin_client, f"/framework/descriptors/{descriptor.id}/retire", {}, form_url=edit_url)
    assert again.status_code == 302  # refused with a message, nothing changed
    assert len(_events("FrameworkDescriptorRetired")) == 1
    post_form(admin_client, f"/framework/descriptors/{descriptor.id}/reinstate", {}, form_url=edit_url)
    db.session.expire_all()
    assert queries.descriptor_by_code(sf, "rent_arrears").active


def test_missing_descriptors_and_headlines_are_404_for_admins(admin_client, sf):
    assert admin_client.get("/framework/descriptors/999999/edit").status_code == 404
    assert admin_client.get("/framework/headlines/999999/descriptors/new").status_code == 404


def test_edit_form_offers_health_needs_health_or_mental_health(admin_client, sf):
    descriptor = queries.descriptor_by_code(sf, "adult_mental_health_need")
    page = admin_client.get(f"/framework/descriptors/{descriptor.id}/edit").get_data(as_text=True)
    assert re.search(r'value="mental_health" checked', page)
    assert 'value="health"' in page and 'value="education"' not in page
    assert "<legend" in page and "Data category" in page

"""Administration of users: admins manage everyone, agency admins only their own agency's front line."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth import services
from app.auth.models import Role, User
from app.extensions import db
from tests.conftest import post_form, signed_in_client

NEW_PASSWORD = "a-long-enough-initial-phrase-7"


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _new_user_data(agency, **overrides):
    data = {"email": "new.person@test.example", "name": "New Person", "role": "key_worker",
            "agency": str(agency.id), "password": NEW_PASSWORD}
    data.update(overrides)
    return data


def _edit_data(user, **overrides):
    data = {"name": user.name, "role": user.role.value, "agency": str(user.agency_id),
            "status": "active" if user.active else "disabled"}
    if user.is_designated_lead:
        data["is_designated_lead"] = "y"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Admins -------------------------------------------------------------------------------------

def test_admin_creates_a_user_who_can_sign_in_and_it_is_audited(app, admin_client, factory):
    agency = factory.agency("health")
    response = post_form(admin_client, "/admin/users/new",
                         _new_user_data(agency, email=" New.Person@Test.example ", role="practitioner",
                                        is_designated_lead="y"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    user = _user("new.person@test.example")
    assert (user.name, user.role, user.agency_id, user.is_designated_lead, user.active) == (
        "New Person", Role.PRACTITIONER, agency.id, True, True)
    event = _events("UserCreated")[-1]
    assert (event.object_id, event.actor_user_id) == (str(user.id), admin_client.user.id)
    assert event.details["role"] == "practitioner" and event.details["agency_id"] == agency.id
    assert "New Person" in admin_client.get("/admin/users").get_data(as_text=True)  # flash and list
    # The password set here is the one that works.
    fresh = app.test_client()
    signed = post_form(fresh, "/sign-in", {"email": "new.person@test.example", "password": NEW_PASSWORD})
    assert signed.status_code == 302 and signed.headers["Location"] == "/"


def test_admin_edits_and_disables_a_user_which_ends_their_sessions(app, admin_client, factory):
    user = factory.user(role="key_worker", name="Alex Before")
    other_agency = factory.agency("housing")
    user_client = signed_in_client(app, user)
    assert user_client.get("/").status_code == 200

    response = post_form(admin_client, f"/admin/users/{user.id}/edit",
                         _edit_data(user, name="Alex After", role="practitioner", agency=str(other_agency.id),
                                    is_designated_lead="y", status="disabled"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.role, user.agency_id, user.is_designated_lead, user.active) == (
        "Alex After", Role.PRACTITIONER, other_agency.id, True, False)
    event = _events("UserUpdated")[-1]
    assert event.object_id == str(user.id) and event.actor_user_id == admin_client.user.id
    assert event.details["active"] is False and event.details["sessions_ended"] is True
    assert user_client.get("/").status_code == 302  # signed out at the next request


def test_admin_re_enables_a_disabled_user(admin_client, factory):
    user = factory.user(active=False)
    response = post_form(admin_client, f"/admin/users/{user.id}/edit", _edit_data(user, status="active"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.active is True
    assert _events("UserUpdated")[-1].details["active"] is True


def test_edit_form_starts_with_the_current_values(admin_client, factory):
    user = factory.user(role="practitioner", agency_kind="police", name="Sam Current", is_designated_lead=True)
    body = admin_client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert 'value="Sam Current"' in body
    assert 'value="practitioner" checked' in body
    assert f'value="{user.agency_id}" selected' in body
    assert 'name="is_designated_lead" type="checkbox" value="y" checked' in body
    assert body.count('<legend class="govuk-fieldset__legend') == 2  # role and status are labelled fieldsets
    assert body.count('id="csrf_token"') <= 1  # two forms on the page, no duplicate ids


def test_changing_only_the_name_keeps_sessions(app, admin_client, factory):
    user = factory.user()
    user_client = signed_in_client(app, user)
    post_form(admin_client, f"/admin/users/{user.id}/edit", _edit_data(user, name="Renamed Person"))
    assert user_client.get("/").status_code == 200
    assert _events("UserUpdated")[-1].details["sessions_ended"] is False


def test_end_sessions_signs_the_user_out_and_is_audited(app, admin_client, factory):
    user = factory.user()
    user_client = signed_in_client(app, user)
    generation = user.session_generation
    response = post_form(admin_client, f"/admin/users/{user.id}/end-sessions", {},
                         form_url=f"/admin/users/{user.id}/edit")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.session_generation == generation + 1
    assert user_client.get("/").status_code == 302
    assert [e.object_id for e in _events("UserSessionsEnded")] == [str(user.id)]


def test_end_sessions_needs_post_and_a_csrf_token(app, admin_client, factory):
    user = factory.user()
    assert admin_client.get(f"/admin/users/{user.id}/end-sessions").status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    assert admin_client.post(f"/admin/users/{user.id}/end-sessions").status_code == 400
    db.session.refresh(user)
    assert user.session_generation == 1


def test_admin_cannot_disable_or_demote_themselves(admin_client):
    me = admin_client.user
    response = post_form(admin_client, f"/admin/users/{me.id}/edit", _edit_data(me, status="disabled"))
    assert response.status_code == 200
    assert "You cannot change your own role, agency or status" in response.get_data(as_text=True)
    db.session.refresh(me)
    assert me.active is True and me.role == Role.ADMIN


def test_list_is_ordered_by_name_filtered_by_agency_and_shows_status(admin_client, factory):
    police = factory.agency("police", name="Zeta Police")
    factory.user(agency=police, name="Bea Zed", is_designated_lead=True)
    factory.user(agency=police, name="Abe Zed", active=False)
    factory.user(name="Cat Elsewhere")
    body = admin_client.get(f"/admin/users?agency={police.id}").get_data(as_text=True)
    assert body.index("Abe Zed") < body.index("Bea Zed")
    assert "Cat Elsewhere" not in body
    assert "Disabled" in body and "Active" in body and "2 users" in body
    assert "Cat Elsewhere" in admin_client.get("/admin/users").get_data(as_text=True)


def test_list_is_paginated(admin_client, factory):
    agency = factory.agency("school")
    for n in range(services.USERS_PER_PAGE + 2):
        factory.user(agency=agency, name=f"Pupil Teacher {n:02d}")
    first = admin_client.get(f"/admin/users?agency={agency.id}").get_data(as_text=True)
    second = admin_client.get(f"/admin/users?agency={agency.id}&page=2").get_data(as_text=True)
    assert "Pupil Teacher 00" in first and "Pupil Teacher 26" not in first
    assert "Pupil Teacher 26" in second and "Pupil Teacher 00" not in second
    assert f"agency={agency.id}" in first and "page=2" in first  # the next link keeps the filter


# --- Bad input ----------------------------------------------------------------------------------

def test_bad_input_shows_the_error_summary_and_keeps_what_was_typed(admin_client, factory):
    agency = factory.agency()
    response = post_form(admin_client, "/admin/users/new",
                         _new_user_data(agency, email="not-an-email", name="Kept Name", role="", password=""))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body and "govuk-error-summary" in body
    assert "Enter an email address in the correct format, like name@example.com" in body
    assert "Select the user&#39;s role" in body and "Enter an initial password" in body
    assert 'value="not-an-email"' in body and 'value="Kept Name"' in body
    assert f'value="{agency.id}" selected' in body
    assert _user("not-an-email") is None


def test_weak_password_is_refused_against_the_password_field(admin_client, factory):
    agency = factory.agency()
    response = post_form(admin_client, "/admin/users/new", _new_user_data(agency, password="short"))
    body = response.get_data(as_text=True)
    assert "Password must be 12 characters or more" in body and 'href="#password"' in body
    assert _user("new.person@test.example") is None


def test_duplicate_email_is_refused(admin_client, factory):
    existing = factory.user(email="taken@test.example")
    response = post_form(admin_client, "/admin/users/new",
                         _new_user_data(existing.agency, email="TAKEN@test.example", name="Someone Else"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A user with that email address already exists" in body and 'value="Someone Else"' in body
    assert db.session.scalars(select(User).where(User.email == "taken@test.example")).all() == [existing]
    assert _events("UserCreated") == []


def test_unknown_role_or_agency_in_a_crafted_post_is_a_form_error(admin_client, factory):
    agency = factory.agency()
    body = post_form(admin_client, "/admin/users/new", _new_user_data(agency, role="overlord")).get_data(as_text=True)
    assert "Select the user&#39;s role" in body
    data = {**_new_user_data(agency), "agency": "999999"}
    body = post_form(admin_client, "/admin/users/new", data).get_data(as_text=True)
    assert "Select the user&#39;s agency" in body
    assert _user("new.person@test.example") is None


def test_missing_user_is_404(admin_client):
    assert admin_client.get("/admin/users/999999/edit").status_code == 404


# --- Agency admins ------------------------------------------------------------------------------

def test_agency_admin_sees_only_their_own_agency(agency_admin_client, factory):
    mine = agency_admin_client.user.agency
    factory.user(agency=mine, name="Mine Colleague", role="practitioner")
    factory.user(name="Other Agency Person")
    response = agency_admin_client.get("/admin/users")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mine Colleague" in body and "Other Agency Person" not in body
    # A filter for another agency in the URL is ignored, not obeyed.
    other = factory.user(name="Filtered Person")
    assert "Filtered Person" not in agency_admin_client.get(f"/admin/users?agency={other.agency_id}").get_data(
        as_text=True)


def test_agency_admin_gets_404_for_another_agencys_user_and_it_is_audited(agency_admin_client, factory):
    outsider = factory.user(name="Outsider")
    assert agency_admin_client.get(f"/admin/users/{outsider.id}/edit").status_code == 404
    response = post_form(agency_admin_client, f"/admin/users/{outsider.id}/edit",
                         _edit_data(outsider, status="disabled"), form_url="/admin/users/new")
    assert response.status_code == 404
    response = post_form(agency_admin_client, f"/admin/users/{outsider.id}/end-sessions", {},
                         form_url="/admin/users/new")
    assert response.status_code == 404
    db.session.refresh(outsider)
    assert outsider.active is True and outsider.session_generation == 1
    refusals = _events("UserAccessRefused")
    assert [(e.object_id, e.outcome) for e in refusals] == [(str(outsider.id), "refused")] * 3
    assert _events("UserUpdated") == [] and _events("UserSessionsEnded") == []


def test_agency_admin_creates_a_practitioner_in_their_agency(agency_admin_client, factory):
    mine = agency_admin_client.user.agency
    form = agency_admin_client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="practitioner"' in form and 'value="admin"' not in form and 'value="programme_manager"' not in form
    response = post_form(agency_admin_client, "/admin/users/new", _new_user_data(mine, role="practitioner"))
    assert response.status_code == 302
    assert _user("new.person@test.example").agency_id == mine.id


@pytest.mark.parametrize("role", ["admin", "agency_admin", "programme_manager", "finance_officer",
                                  "internal_auditor", "ig_officer"])
def test_agency_admin_cannot_grant_a_central_role_even_by_crafted_post(agency_admin_client, role):
    mine = agency_admin_client.user.agency
    response = post_form(agency_admin_client, "/admin/users/new", _new_user_data(mine, role=role))
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert "There is a problem" in response.get_data(as_text=True)
    assert _user("new.person@test.example") is None
    assert _events("UserCreated") == []


def test_agency_admin_cannot_promote_a_colleague_or_move_them_out(agency_admin_client, factory):
    mine = agency_admin_client.user.agency
    colleague = factory.user(agency=mine, role="practitioner")
    other = factory.agency("health")
    for change in ({"role": "admin"}, {"agency": str(other.id)}):
        response = post_form(agency_admin_client, f"/admin/users/{colleague.id}/edit", _edit_data(colleague, **change))
        assert response.status_code in (200, 403)
        db.session.refresh(colleague)
        assert colleague.role == Role.PRACTITIONER and colleague.agency_id == mine.id
    assert _events("UserUpdated") == []


def test_agency_admin_cannot_create_a_user_in_another_agency(agency_admin_client, factory):
    other = factory.agency("health")
    response = post_form(agency_admin_client, "/admin/users/new", _new_user_data(other, role="practitioner"))
    assert response.status_code in (200, 403)
    assert _user("new.person@test.example") is None


def test_agency_admin_disables_a_colleague(agency_admin_client, factory):
    colleague = factory.user(agency=agency_admin_client.user.agency, role="practitioner")
    response = post_form(agency_admin_client, f"/admin/users/{colleague.id}/edit",
                         _edit_data(colleague, status="disabled"))
    assert response.status_code == 302
    db.session.refresh(colleague)
    assert colleague.active is False


def test_agency_admin_cannot_change_a_manager_in_their_own_agency(agency_admin_client, factory):
    manager = factory.user(agency=agency_admin_client.user.agency, role="programme_manager")
    assert agency_admin_client.get(f"/admin/users/{manager.id}/edit").status_code == 403
    response = post_form(agency_admin_client, f"/admin/users/{manager.id}/edit", _edit_data(manager, status="disabled"),
                         form_url="/admin/users/new")
    assert response.status_code == 403
    db.session.refresh(manager)
    assert manager.active is True


# --- The service enforces scope on its own, whatever the form offers ---------------------------------

def test_service_refuses_an_agency_admin_granting_admin(factory):
    agency_admin = factory.user(role="agency_admin")
    with pytest.raises(services.RoleNotGrantable):
        services.admin_create_user(agency_admin, email="x@test.example", name="X", role="admin",
                                   agency=agency_admin.agency, password=NEW_PASSWORD)
    with pytest.raises(services.AgencyNotPermitted):
        services.admin_create_user(agency_admin, email="x@test.example", name="X", role="key_worker",
                                   agency=factory.agency(), password=NEW_PASSWORD)
    colleague = factory.user(agency=agency_admin.agency, role="key_worker")
    with pytest.raises(services.RoleNotGrantable):
        services.admin_update_user(agency_admin, colleague, name="X", role="agency_admin",
                                   agency=colleague.agency, is_designated_lead=False, active=True)
    assert _user("x@test.example") is None and colleague.role == Role.KEY_WORKER


def test_users_in_a_disabled_agency_keep_it_but_new_users_cannot_join(admin_client, factory):
    closed = factory.agency("voluntary")
    member = factory.user(agency=closed)
    closed.active = False
    db.session.flush()
    response = post_form(admin_client, "/admin/users/new", _new_user_data(closed))
    assert "Select the user&#39;s agency" in response.get_data(as_text=True)
    response = post_form(admin_client, f"/admin/users/{member.id}/edit", _edit_data(member, name="Still Here"))
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.name == "Still Here" and member.agency_id == closed.id

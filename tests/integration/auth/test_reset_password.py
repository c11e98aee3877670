"""Password reset through an admin-issued link: single-use, expiring, stored hashed, scoped to the
admin's agency, recorded in the outbox; the page never says whether an account exists."""
import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import PasswordResetToken
from app.common.outbox_models import OutboxMessage, OutboxStatus
from app.common.time import utcnow
from app.extensions import db
from tests.conftest import post_form, signed_in_client
from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "lantern ferry orchard 77"


def _issue(admin_client, user):
    response = post_form(admin_client, f"/admin/users/{user.id}/reset-password", {},
                         form_url=f"/admin/users/{user.id}/edit")
    assert response.status_code == 200, response.status_code
    link = re.search(r"http://localhost(/password-reset/[A-Za-z0-9_-]+)", response.get_data(as_text=True))
    return link.group(1)


def test_an_admin_gets_a_link_that_is_stored_hashed_and_put_in_the_outbox(admin_client, factory):
    user = factory.user(email="forgot@test.example")
    path = _issue(admin_client, user)
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalars(select(PasswordResetToken).where(PasswordResetToken.user_id == user.id)).all()
    assert [row.token_hash for row in stored] == [hashlib.sha256(token.encode()).hexdigest()]
    assert len(token) >= 40  # 256 random bits
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")).one()
    assert message.recipient == "forgot@test.example" and message.status == OutboxStatus.QUEUED
    assert path in message.body
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "PasswordResetIssued")).one()
    assert event.object_id == str(user.id) and token not in str(event.details)


def test_the_link_sets_a_new_password_once_and_ends_open_sessions(app, admin_client, factory):
    user = factory.user(email="once@test.example")
    open_session = signed_in_client(app, user)
    path = _issue(admin_client, user)
    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    response = post_form(visitor, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/sign-in"
    assert open_session.get("/").status_code == 302  # signed out everywhere
    assert post_form(app.test_client(), "/sign-in", {"email": "once@test.example",
                                                      "password": NEW_PASSWORD}).headers["Location"] == "/"
    # Used once: the same link now fails, with the same page as a made-up one.
    again = visitor.get(path)
    made_up = visitor.get("/password-reset/" + "x" * 43)
    assert again.status_code == made_up.status_code == 404
    assert again.get_data(as_text=True).count("This link has expired or has already been used") == 1
    assert "This link has expired or has already been used" in made_up.get_data(as_text=True)


def test_an_expired_link_is_refused(app, admin_client, factory):
    user = factory.user()
    path = _issue(admin_client, user)
    row = db.session.scalars(select(PasswordResetToken).where(PasswordResetToken.user_id == user.id)).one()
    row.expires_at_utc = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_a_new_link_stops_the_earlier_one(app, admin_client, factory):
    user = factory.user()
    first = _issue(admin_client, user)
    second = _issue(admin_client, user)
    client = app.test_client()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_bad_new_passwords_are_refused_with_what_was_typed_kept_out(app, admin_client, factory):
    user = factory.user(email="jo.bloggs@test.example")
    path = _issue(admin_client, user)
    client = app.test_client()
    for password, confirm, message in [
        ("short", "short", "Password must be 12 characters or more"),
        ("qwerty123456", "qwerty123456", "Password is too easy to guess"),
        ("jo.bloggs2026!", "jo.bloggs2026!", "Password is too easy to guess"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The passwords do not match"),
    ]:
        response = post_form(client, path, {"password": password, "confirm": confirm})
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "There is a problem" in body and message in body
    assert client.get(path).status_code == 200  # a refused attempt does not spend the link
    assert post_form(app.test_client(), "/sign-in", {"email": "jo.bloggs@test.example",
                                                      "password": TEST_PASSWORD}).headers["Location"] == "/"


def test_agency_admins_reset_only_their_own_agencys_users(agency_admin_client, factory):
    mine = factory.user(role="practitioner", agency=agency_admin_client.user.agency)
    theirs = factory.user(role="practitioner")
    manager_here = factory.user(role="programme_manager", agency=agency_admin_client.user.agency)
    assert _issue(agency_admin_client, mine).startswith("/password-reset/")
    for user, status in ((theirs, 404), (manager_here, 403)):
        response = post_form(agency_admin_client, f"/admin/users/{user.id}/reset-password", {},
                             form_url="/admin/users")
        assert response.status_code == status
    assert db.session.scalars(select(PasswordResetToken.user_id)).all() == [mine.id]


def test_other_roles_cannot_issue_links(key_worker_client, factory):
    user = factory.user()
    response = post_form(key_worker_client, f"/admin/users/{user.id}/reset-password", {}, form_url="/")
    assert response.status_code == 403

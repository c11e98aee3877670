"""Sessions: idle and absolute limits enforced on the server, the keep-alive behind the timeout warning,
a fresh session at sign-in, revocation on every instance, and dormant accounts."""
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth import services
from app.auth.models import User
from app.extensions import db
from tests.conftest import csrf_token_from, make_app_on_own_database, post_form, signed_in_client
from tests.databases import ThrowawayDatabase
from tests.factories import TEST_PASSWORD


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def _age(client, *, idle_seconds=0, signed_in_seconds=0):
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - idle_seconds
        session["signed_in_at"] = (datetime.now(UTC) - timedelta(seconds=signed_in_seconds)).isoformat()


def test_an_idle_session_ends_and_sign_in_brings_the_user_back(app, factory):
    user = factory.user(email="idle@test.example")
    client = signed_in_client(app, user)
    _age(client, idle_seconds=29 * 60, signed_in_seconds=3600)
    assert client.get("/admin/users").status_code in (200, 403)  # still signed in at 29 minutes
    _age(client, idle_seconds=30 * 60 + 1, signed_in_seconds=3600)
    response = client.get("/framework?page=2")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/framework?page%3D2"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you had not used Hearth for a while" in page
    assert client.get("/").status_code == 302  # the session is gone, not only refused once
    assert _events("SessionExpired")[-1].details == {"reason": "idle"}
    back = post_form(client, "/sign-in?next=/framework?page%3D2", {"email": "idle@test.example",
                                                                   "password": TEST_PASSWORD})
    assert back.headers["Location"] == "/framework?page=2"


def test_a_form_sent_after_the_session_ended_returns_to_the_form_after_sign_in(app, factory):
    client = signed_in_client(app, factory.user(role="admin"))
    token = csrf_token_from(client.get("/admin/users/new").get_data(as_text=True))
    _age(client, idle_seconds=31 * 60, signed_in_seconds=3600)
    response = client.post("/admin/users/new", data={"csrf_token": token, "name": "Typed"},
                           headers={"Referer": "http://localhost/admin/users/new"})
    assert response.headers["Location"] == "/sign-in?next=/admin/users/new"


def test_twelve_hours_after_sign_in_the_session_ends_however_active(app, factory):
    client = signed_in_client(app, factory.user())
    _age(client, idle_seconds=0, signed_in_seconds=12 * 3600 + 1)
    response = client.get("/")
    assert response.headers["Location"].startswith("/sign-in")
    assert "signed in for a long time" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _events("SessionExpired")[-1].details == {"reason": "absolute"}


def test_keep_alive_extends_the_session_and_status_does_not(app, factory):
    client = signed_in_client(app, factory.user())
    _age(client, idle_seconds=25 * 60, signed_in_seconds=3600)
    status = client.get("/session/status", headers={"Accept": "application/json"})
    assert status.status_code == 200
    assert 4 * 60 <= status.json["seconds_left"] <= 5 * 60 and status.json["csrf_token"]
    assert status.headers["Cache-Control"] == "no-store"
    with client.session_transaction() as session:
        assert int(time.time()) - session["last_seen"] >= 25 * 60  # asking did not count as activity

    refused = client.post("/session/keep-alive")
    assert refused.status_code == 400  # no CSRF token
    alive = client.post("/session/keep-alive", headers={"X-CSRFToken": status.json["csrf_token"],
                                                        "Accept": "application/json"})
    assert alive.status_code == 200 and alive.json["seconds_left"] >= 29 * 60
    _age_keep = client.get("/session/status", headers={"Accept": "application/json"}).json
    assert _age_keep["seconds_left"] >= 29 * 60


def test_status_answers_401_json_once_the_session_has_ended(app, factory):
    client = signed_in_client(app, factory.user())
    _age(client, idle_seconds=31 * 60, signed_in_seconds=3600)
    response = client.get("/session/status", headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.json == {"signed_in": False}


def test_the_timeout_warning_is_on_every_signed_in_page(app, factory):
    client = signed_in_client(app, factory.user())
    body = client.get("/").get_data(as_text=True)
    assert 'id="hearth-timeout"' in body and 'data-idle-seconds="1800"' in body
    assert 'aria-live="polite"' in body
    assert '<script type="module" src="/assets/js/session-timeout.js"' in body
    assert 'id="hearth-timeout"' not in app.test_client().get("/sign-in").get_data(as_text=True)


def test_sign_in_starts_a_fresh_session(app, factory):
    factory.user(email="fresh@test.example")
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    post_form(client, "/sign-in", {"email": "fresh@test.example", "password": TEST_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].endswith(".1") and isinstance(session["last_seen"], int)


# --- Revocation across two instances of the app (two processes behind a load balancer, say). ---

@pytest.fixture(scope="module")
def two_instances(db_kind):
    with ThrowawayDatabase(db_kind) as url:
        first, second = make_app_on_own_database(url), make_app_on_own_database(url)
        yield first, second
        for flask_app in (first, second):
            with flask_app.app_context():
                db.session.remove()
                db.engine.dispose()


def _committed_user(flask_app, email, role="key_worker"):
    with flask_app.app_context():
        agency = services.find_agency_by_name("Instances") or services.create_agency("Instances", "early_help")
        user = services.create_user(email=email, name="Two Instances", role=role, agency=agency,
                                    password=TEST_PASSWORD)
        db.session.commit()
        return user.id


def _signed_in_on(flask_app, email):
    client = flask_app.test_client()
    response = post_form(client, "/sign-in", {"email": email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"
    return client


def _same_browser_on(flask_app, client):
    """The same browser's cookie sent to another instance (as a load balancer would)."""
    other = flask_app.test_client()
    cookie = client.get_cookie("session")
    other.set_cookie("session", cookie.value)
    return other


@pytest.mark.own_database
def test_a_disabled_users_open_session_ends_on_every_instance(two_instances):
    first, second = two_instances
    user_id = _committed_user(first, "disable-me@test.example")
    on_first = _signed_in_on(first, "disable-me@test.example")
    on_second = _same_browser_on(second, on_first)
    assert on_second.get("/").status_code == 200
    with second.app_context():
        services.disable_user(db.session.get(User, user_id))
        db.session.commit()
    assert on_first.get("/").status_code == 302
    assert on_second.get("/").status_code == 302


@pytest.mark.own_database
def test_a_role_change_by_an_admin_on_one_instance_ends_the_session_on_the_other(two_instances):
    first, second = two_instances
    user_id = _committed_user(first, "rerole@test.example")
    _committed_user(first, "boss@test.example", role="admin")
    user_browser = _signed_in_on(first, "rerole@test.example")
    admin_browser = _signed_in_on(second, "boss@test.example")
    with second.app_context():
        agency_id = db.session.get(User, user_id).agency_id
    response = post_form(admin_browser, f"/admin/users/{user_id}/edit", {
        "name": "Two Instances", "role": "practitioner", "agency": agency_id, "status": "active",
    })
    assert response.status_code == 302
    assert user_browser.get("/").headers["Location"].startswith("/sign-in")
    # "Sign out everywhere" on the second instance ends a fresh session made on the first.
    user_browser = _signed_in_on(first, "rerole@test.example")
    post_form(admin_browser, f"/admin/users/{user_id}/end-sessions", {}, form_url=f"/admin/users/{user_id}/edit")
    assert user_browser.get("/").status_code == 302


# --- Dormant accounts. ---

def test_accounts_unused_for_90_days_are_disabled_and_audited(app, factory):
    today = date(2026, 11, 28)
    stale = factory.user(email="stale@test.example")
    recent = factory.user(email="recent@test.example")
    never = factory.user(email="never@test.example")
    gone = factory.user(email="gone-already@test.example", active=False)
    stale.last_signed_in_at_utc = datetime(2026, 8, 29, 22, 59, tzinfo=UTC)  # 91 days before, London time
    recent.last_signed_in_at_utc = datetime(2026, 8, 30, 9, 0, tzinfo=UTC)  # 90 days before: still in use
    never.created_at_utc = datetime(2026, 1, 5, tzinfo=UTC)
    gone.last_signed_in_at_utc = datetime(2025, 1, 1, tzinfo=UTC)
    db.session.commit()
    client = signed_in_client(app, stale)

    disabled = services.disable_dormant_accounts(today)
    assert {user.email for user in disabled} == {"stale@test.example", "never@test.example"}
    db.session.commit()
    assert not stale.active and recent.active and not never.active
    assert client.get("/").status_code == 302  # an open session ends too
    events = _events("UserDisabledAsDormant")
    assert sorted(e.object_id for e in events) == sorted([str(stale.id), str(never.id)])
    assert services.disable_dormant_accounts(today) == []  # running again changes nothing


def test_the_disable_dormant_command(app, factory):
    user = factory.user(email="cli-stale@test.example")
    user.last_signed_in_at_utc = datetime(2026, 1, 1, tzinfo=UTC)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "disable-dormant", "--today", "2026-06-01"])
    assert result.exit_code == 0, result.output
    assert f"Disabled user {user.id} <cli-stale@test.example>" in result.output
    assert db.session.get(User, user.id).active is False

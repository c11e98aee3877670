"""Two-factor authentication: enforced when MFA_REQUIRED is on, a code works once, recovery codes
work once, step-up before sensitive actions."""
import re
import time

import pyotp
import pytest
from flask import Blueprint
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.access import require_recent_mfa, roles_required, signed_in
from app.auth.models import RecoveryCode, Role
from app.extensions import db
from tests.conftest import csrf_token_from, post_form, signed_in_client
from tests.factories import TEST_PASSWORD


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def _code(secret, offset_steps=0):
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


@pytest.fixture
def mfa_app(app, database_url):
    """A second app on the same database with MFA_REQUIRED on (the test configuration has it off)."""
    from app import create_app

    strict = create_app("test", SQLALCHEMY_DATABASE_URI=database_url, MFA_REQUIRED=True)
    return strict


def _sign_in(client, email, next_url=None):
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return post_form(client, url, {"email": email, "password": TEST_PASSWORD})


def test_mfa_required_sends_a_user_without_an_app_to_set_it_up_before_signing_in(mfa_app, factory):
    user = factory.user(email="new@test.example")
    client = mfa_app.test_client()
    response = _sign_in(client, "new@test.example", next_url="/admin/users")
    assert response.headers["Location"] == "/mfa/set-up"
    assert client.get("/").status_code == 302  # not signed in yet: the password alone is not enough

    page = client.get("/mfa/set-up").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, inline as the CSP allows
    secret = re.search(r'class="hearth-reference">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")

    wrong = post_form(client, "/mfa/set-up", {"code": "000000" if _code(secret) != "000000" else "111111"})
    assert "Enter the 6-digit code shown in your authenticator app" in wrong.get_data(as_text=True)
    assert db.session.get(type(user), user.id).mfa_secret is None

    done = post_form(client, "/mfa/set-up", {"code": _code(secret)})
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and "Save your recovery codes" in body
    codes = re.findall(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b", body)
    assert len(codes) == 10
    assert 'href="/admin/users"' in body  # "next" survives set-up
    db.session.refresh(user)
    assert user.mfa_secret == secret
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in h for code in codes for h in stored)
    assert client.get("/").status_code == 200  # now signed in
    assert [e.object_id for e in _events("MfaEnrolled")] == [str(user.id)]


def test_mfa_required_asks_an_enrolled_user_for_a_code(mfa_app, factory):
    user = factory.user(email="enrolled@test.example")
    secret = factory.enrol_mfa(user)
    client = mfa_app.test_client()
    assert _sign_in(client, "enrolled@test.example").headers["Location"] == "/sign-in/code"
    assert client.get("/").status_code == 302
    refused = post_form(client, "/sign-in/code", {"code": "12345"})
    assert "Enter the code as 6 digits" in refused.get_data(as_text=True)
    response = post_form(client, "/sign-in/code", {"code": _code(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert _events("SignedIn")[-1].details == {"mfa": "totp"}


def test_a_session_that_skipped_mfa_is_refused_when_mfa_is_required(mfa_app, factory):
    user = factory.user()
    client = signed_in_client(mfa_app, user)  # a session with no record of a second factor
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_a_reused_totp_code_is_refused(app, factory):
    user = factory.user(email="reuse@test.example")
    secret = factory.enrol_mfa(user)
    code = _code(secret)
    first = app.test_client()
    _sign_in(first, "reuse@test.example")
    assert post_form(first, "/sign-in/code", {"code": code}).status_code == 302

    second = app.test_client()  # an attacker who watched the code being typed, within its 30 seconds
    _sign_in(second, "reuse@test.example")
    refused = post_form(second, "/sign-in/code", {"code": code})
    assert refused.status_code == 200
    assert "Each code works once" in refused.get_data(as_text=True)
    assert second.get("/").status_code == 302
    assert _events("MfaCodeRefused")[-1].details == {"reason": "reused_code"}
    # The next code from the app works.
    assert post_form(second, "/sign-in/code", {"code": _code(secret, 1)}).status_code == 302


def test_enrolled_users_give_a_code_even_when_mfa_is_not_required(app, factory):
    user = factory.user(email="opted@test.example")
    factory.enrol_mfa(user)
    client = app.test_client()
    assert _sign_in(client, "opted@test.example").headers["Location"] == "/sign-in/code"


def _enrol_with_codes(app, factory, email):
    """Enrol through the pages and return (user, secret, recovery codes)."""
    user = factory.user(email=email)
    client = signed_in_client(app, user)
    page = client.get("/mfa/set-up").get_data(as_text=True)
    secret = re.search(r'class="hearth-reference">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    body = post_form(client, "/mfa/set-up", {"code": _code(secret)}).get_data(as_text=True)
    return user, secret, re.findall(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b", body)


def test_recovery_codes_work_once(app, factory):
    user, _secret, codes = _enrol_with_codes(app, factory, "lostphone@test.example")
    client = app.test_client()
    _sign_in(client, "lostphone@test.example")
    response = post_form(client, "/sign-in/recovery-code", {"code": codes[3].lower().replace("-", " ")})
    assert response.status_code == 302
    assert "You have 9 recovery codes left" in client.get("/").get_data(as_text=True)
    assert _events("SignedIn")[-1].details == {"mfa": "recovery_code"}

    again = app.test_client()
    _sign_in(again, "lostphone@test.example")
    refused = post_form(again, "/sign-in/recovery-code", {"code": codes[3]})
    assert "Enter one of your recovery codes. Each code works once" in refused.get_data(as_text=True)
    assert again.get("/").status_code == 302
    assert post_form(again, "/sign-in/recovery-code", {"code": codes[4]}).status_code == 302
    used = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                         RecoveryCode.used_at_utc.is_not(None))).all()
    assert len(used) == 2


def test_the_code_step_expires_and_cannot_be_reached_without_the_password(app, factory):
    client = app.test_client()
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"
    user = factory.user(email="slow@test.example")
    factory.enrol_mfa(user)
    _sign_in(client, "slow@test.example")
    with client.session_transaction() as session:
        pending = session["sign_in_pending"]
        session["sign_in_pending"] = {**pending, "at": pending["at"] - 11 * 60}
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"


# --- Step-up: require_recent_mfa, for break-glass and claims (which add it to their own routes). ---

@pytest.fixture
def step_up_app(database_url):
    from app import create_app

    flask_app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url)
    bp = Blueprint("step_up_probe", __name__)

    @bp.route("/probe/sensitive", methods=["GET", "POST"])
    @roles_required(Role.FINANCE_OFFICER)
    @require_recent_mfa(15)
    def sensitive():
        return "approved"

    @bp.route("/probe/form")
    @signed_in
    def form_page():
        return "form"

    flask_app.register_blueprint(bp)
    return flask_app


def test_step_up_asks_for_a_fresh_code_then_returns(step_up_app, factory):
    user = factory.user(role="finance_officer")
    secret = factory.enrol_mfa(user)
    client = signed_in_client(step_up_app, user)
    response = client.get("/probe/sensitive?round=4")
    assert response.headers["Location"] == "/mfa/confirm?next=/probe/sensitive?round%3D4"
    done = post_form(client, "/mfa/confirm?next=/probe/sensitive?round%3D4", {"code": _code(secret)})
    assert done.headers["Location"] == "/probe/sensitive?round=4"
    assert client.get("/probe/sensitive?round=4").get_data(as_text=True) == "approved"

    with client.session_transaction() as session:
        session["mfa_at"] -= 16 * 60  # the step-up was 16 minutes ago
    assert client.get("/probe/sensitive").status_code == 302


def test_step_up_after_a_form_post_returns_to_the_form(step_up_app, factory):
    user = factory.user(role="finance_officer")
    factory.enrol_mfa(user)
    client = signed_in_client(step_up_app, user)
    token = csrf_token_from(client.get("/mfa").get_data(as_text=True))
    response = client.post("/probe/sensitive", data={"csrf_token": token},
                           headers={"Referer": "http://localhost/probe/form"})
    assert response.headers["Location"] == "/mfa/confirm?next=/probe/form"


def test_step_up_keeps_the_role_check_and_sends_users_without_an_app_to_set_one_up(step_up_app, factory):
    key_worker = signed_in_client(step_up_app, factory.user(role="key_worker"))
    assert key_worker.get("/probe/sensitive").status_code == 403
    finance = signed_in_client(step_up_app, factory.user(role="finance_officer"))
    confirm = finance.get("/probe/sensitive").headers["Location"]
    assert finance.get(confirm).headers["Location"] == "/mfa/set-up?next=/probe/sensitive"


def test_new_recovery_codes_need_a_recent_code_and_replace_the_old(app, factory):
    user, secret, codes = _enrol_with_codes(app, factory, "renew@test.example")
    client = signed_in_client(app, user)
    assert post_form(client, "/mfa/recovery-codes", {}, form_url="/mfa").headers["Location"].startswith(
        "/mfa/confirm")
    post_form(client, "/mfa/confirm", {"code": _code(secret, 1)})
    body = post_form(client, "/mfa/recovery-codes", {}, form_url="/mfa").get_data(as_text=True)
    new_codes = re.findall(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b", body)
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert db.session.scalar(select(db.func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id)) == 10


def test_an_admin_can_reset_a_users_mfa_within_their_scope(admin_client, agency_admin_client, factory):
    user = factory.user()
    factory.enrol_mfa(user)
    url = f"/admin/users/{user.id}/reset-mfa"
    assert post_form(agency_admin_client, url, {}, form_url="/admin/users").status_code == 404  # other agency
    response = post_form(admin_client, url, {}, form_url=f"/admin/users/{user.id}/edit")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.mfa_secret is None and user.session_generation == 2
    assert [e.object_id for e in _events("MfaReset")] == [str(user.id)]

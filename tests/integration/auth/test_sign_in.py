from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import post_form, signed_in_client
from tests.factories import TEST_PASSWORD


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_sign_in_with_the_right_password_reaches_home(client, factory):
    user = factory.user(email="kw@test.example")
    response = post_form(client, "/sign-in", {"email": "KW@test.example ", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.name in home.get_data(as_text=True)
    assert [e.actor_user_id for e in _events("SignedIn")] == [user.id]


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, factory):
    user = factory.user(email="kw2@test.example")
    response = post_form(client, "/sign-in", {"email": "kw2@test.example", "password": "wrong-password-123"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body and "Enter a correct email address and password" in body
    assert 'value="kw2@test.example"' in body  # what was typed is kept
    failed = _events("SignInFailed")
    assert [(e.object_id, e.outcome) for e in failed] == [(str(user.id), "refused")]
    assert client.get("/").status_code == 302


def test_unknown_account_gets_the_same_answer(client):
    response = post_form(client, "/sign-in", {"email": "nobody@test.example", "password": "whatever-it-is-1"})
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert len(_events("SignInFailed")) == 1


def test_disabled_user_cannot_sign_in(client, factory):
    factory.user(email="gone@test.example", active=False)
    response = post_form(client, "/sign-in", {"email": "gone@test.example", "password": TEST_PASSWORD})
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert _events("SignInFailed")[0].details == {"reason": "disabled"}


def test_disabled_user_open_session_ends_at_next_request(app, factory):
    user = factory.user()
    test_client = signed_in_client(app, user)
    assert test_client.get("/").status_code == 200
    user.active = False
    db.session.flush()
    assert test_client.get("/").status_code == 302


def test_raised_session_generation_ends_open_sessions(app, factory):
    user = factory.user()
    test_client = signed_in_client(app, user)
    user.end_sessions()
    db.session.flush()
    assert test_client.get("/").status_code == 302


def test_sign_out_needs_post_and_ends_the_session(key_worker_client):
    assert key_worker_client.get("/sign-out").status_code == 405
    response = post_form(key_worker_client, "/sign-out", {}, form_url="/")
    assert response.status_code == 302
    assert key_worker_client.get("/").status_code == 302


def test_sign_in_does_not_redirect_off_site(client, factory):
    factory.user(email="kw3@test.example")
    response = post_form(client, "/sign-in?next=//evil.example/x", {"email": "kw3@test.example",
                                                                     "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"

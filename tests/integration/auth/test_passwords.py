"""The password rule where passwords are set: the admin's new-user form."""
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from tests.conftest import post_form


def _new_user(admin_client, password):
    agency = admin_client.user.agency
    return post_form(admin_client, "/admin/users/new", {
        "email": "fresh@test.example", "name": "Fresh Person", "role": "key_worker", "agency": agency.id,
        "password": password,
    })


def test_a_common_password_is_refused_with_the_form_kept(admin_client):
    response = _new_user(admin_client, "Password2026!")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Password is too easy to guess" in body and 'value="fresh@test.example"' in body
    assert db.session.scalar(select(User).where(User.email == "fresh@test.example")) is None


def test_a_long_passphrase_without_symbols_is_accepted(admin_client):
    assert _new_user(admin_client, "marmalade tractor nebula " * 2).status_code == 302
    assert db.session.scalar(select(User).where(User.email == "fresh@test.example")) is not None

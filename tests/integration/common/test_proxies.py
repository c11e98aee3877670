"""The client's address comes from X-Forwarded-For only when a trusted proxy count is configured."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import make_app_on_own_database, post_form
from tests.databases import ThrowawayDatabase

pytestmark = pytest.mark.own_database


def _failed_sign_in_address(flask_app, forwarded_for):
    client = flask_app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    post_form(client, "/sign-in", {"email": "nobody@test.example", "password": "not-the-password-1"})
    with flask_app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        return event.action, event.source_address


@pytest.mark.parametrize("proxies, expected", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_source_address_behind_a_trusted_proxy(db_kind, proxies, expected):
    with ThrowawayDatabase(db_kind) as url:
        flask_app = make_app_on_own_database(url, TRUSTED_PROXIES=proxies)
        # The proxy appends the address it saw; only the last `proxies` entries are trusted.
        action, address = _failed_sign_in_address(flask_app, "198.51.100.1, 203.0.113.9")
        with flask_app.app_context():
            db.engine.dispose()
    assert (action, address) == ("SignInFailed", expected)

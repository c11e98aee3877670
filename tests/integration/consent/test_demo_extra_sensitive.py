"""The demo council holds police intelligence marked extra-sensitive, as a case note and as a discussion: the
police officer and the family's lead practitioner read them; the programme manager sees that they exist,
who holds them and why they are withheld, and not what they say."""
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.teamwork.models import MessageThread
from tests.conftest import signed_in_client

SECRET = "places the associate at the address"


def test_the_demo_shows_an_extra_sensitive_discussion_to_the_named_only(app):
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    [thread] = db.session.scalars(sa.select(MessageThread).where(MessageThread.extra_sensitive.is_(True))).all()
    assert [m.extra_sensitive for m in thread.messages] == [True]
    url = f"/families/{thread.family_id}/messages/{thread.id}"

    def page(email):
        user = db.session.scalar(sa.select(User).where(User.email == email))
        return signed_in_client(app, user).get(url).get_data(as_text=True)

    assert SECRET in page("police@demo.test") and SECRET in page("keyworker@demo.test")
    manager = page("manager@demo.test")
    assert SECRET not in manager and thread.subject not in manager
    assert "withheld: it holds extra-sensitive information" in manager

"""The demo council has one open subject access request and one family under a legal hold, which the IG
officer's pages show."""
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.rights.dates import sar_due_on
from app.rights.models import LegalHold, RequestState, SubjectAccessRequest
from tests.conftest import signed_in_client


def test_the_demo_has_an_open_request_and_a_legal_hold(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    [sar] = db.session.scalars(sa.select(SubjectAccessRequest)).all()
    assert sar.state == RequestState.OPEN and sar.due_on == sar_due_on(sar.received_on)
    [hold] = db.session.scalars(sa.select(LegalHold).where(LegalHold.cleared_on.is_(None))).all()
    ig = db.session.scalar(sa.select(User).where(User.email == "ig@demo.test"))
    client = signed_in_client(app, ig)
    assert sar.person.full_name in client.get("/information-governance/subject-access").get_data(as_text=True)
    retention = client.get("/information-governance/retention").get_data(as_text=True)
    assert hold.family.reference in retention
    home = client.get("/").get_data(as_text=True)
    assert "Subject access" in home and "Retention" in home  # in the IG officer's navigation

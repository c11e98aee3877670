"""One commit per successful request; refusals survive the rollback; deny by default; error pages."""
import pytest
from flask import abort
from sqlalchemy import select

from app import audit
from app.audit.integrity import verify
from app.audit.models import AuditEvent
from app.auth.access import public
from app.auth.models import Agency, AgencyKind
from app.extensions import db
from tests.conftest import make_app_on_own_database
from tests.databases import ThrowawayDatabase

pytestmark = pytest.mark.own_database


@pytest.fixture(scope="module")
def boundary_app(db_kind):
    with ThrowawayDatabase(db_kind) as url:
        flask_app = make_app_on_own_database(url)

        def _make_agency(name):
            db.session.add(Agency(name=name, kind=AgencyKind.SCHOOL))
            db.session.flush()
            audit.record("AgencyCreated", object_type="agency", object_id=name)

        @public
        def change_then_succeed():
            _make_agency("Kept School")
            return "ok"

        @public
        def change_then_refuse():
            _make_agency("Lost School")
            audit.record_refusal("AccessRefused", object_type="family", object_id=42)
            abort(403)

        @public
        def change_then_crash():
            _make_agency("Crashed School")
            raise RuntimeError("secret stack detail")

        def undeclared():
            return "should never be served"

        for view in (change_then_succeed, change_then_refuse, change_then_crash, undeclared):
            flask_app.add_url_rule(f"/_test/{view.__name__}", view.__name__, view)
        yield flask_app
        with flask_app.app_context():
            db.session.remove()
            db.engine.dispose()


def _agency_names():
    return set(db.session.scalars(select(Agency.name)))


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_a_successful_request_commits_its_change_and_event(boundary_app):
    assert boundary_app.test_client().get("/_test/change_then_succeed").status_code == 200
    with boundary_app.app_context():
        assert "Kept School" in _agency_names()
        assert "AgencyCreated" in _actions()


def test_a_refused_request_rolls_back_but_keeps_the_refusal_event(boundary_app):
    with boundary_app.app_context():
        before = _actions()
    response = boundary_app.test_client().get("/_test/change_then_refuse")
    assert response.status_code == 403
    with boundary_app.app_context():
        assert "Lost School" not in _agency_names()
        after = _actions()
        assert after[len(before):] == ["AccessRefused"]  # the change's own event went with the rollback
        assert verify().ok


def test_an_unexpected_error_rolls_back_and_shows_a_reference_not_a_stack_trace(boundary_app):
    response = boundary_app.test_client().get("/_test/change_then_crash")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert response.headers["X-Request-Id"] in body
    assert "secret stack detail" not in body and "Traceback" not in body
    with boundary_app.app_context():
        assert "Crashed School" not in _agency_names()


def test_a_route_without_an_access_declaration_is_refused(boundary_app):
    response = boundary_app.test_client().get("/_test/undeclared")
    assert response.status_code == 403
    assert "should never be served" not in response.get_data(as_text=True)

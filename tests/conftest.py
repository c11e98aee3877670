"""Shared fixtures. `--db=sqlite` (default) or `--db=postgresql` chooses the database that the
integration tests run on; `make test` runs them on both.

Each integration test runs inside a transaction that is rolled back at its end: the app's own
commits become savepoints (SQLAlchemy's join_transaction_mode="create_savepoint"). Tests that need
several processes or real commits use `ThrowawayDatabase` for a database of their own.
"""
import os
import re
import tempfile
from datetime import UTC, datetime

import pytest
from flask import g, request_started
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.databases import ThrowawayDatabase, postgres_unreachable_reason


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("HEARTH_TEST_DB", "sqlite"),
                     choices=["sqlite", "postgresql"], help="database for the integration tests")


def pytest_report_header(config):
    return f"Hearth integration database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def db_kind(request):
    kind = request.config.getoption("--db")
    if kind == "postgresql":
        reason = postgres_unreachable_reason()
        if reason:
            if os.environ.get("CI") == "true":
                pytest.exit(f"CI needs PostgreSQL: {reason}", returncode=1)
            pytest.skip(f"PostgreSQL half skipped: {reason}")
    return kind


@pytest.fixture(scope="session")
def database_url(db_kind):
    with ThrowawayDatabase(db_kind) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url):
    from app import create_app
    from app.extensions import db

    folder = tempfile.mkdtemp(prefix="hearth_files_")
    flask_app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url,
                           REPORTS_DIR=os.path.join(folder, "reports"), UPLOADS_DIR=os.path.join(folder, "uploads"))
    with flask_app.app_context():
        import app.models  # noqa: F401  every table

        db.create_all()
    request_started.connect(_fresh_request_globals, flask_app)
    yield flask_app
    with flask_app.app_context():
        db.engine.dispose()


def _fresh_request_globals(sender, **extra):
    # Each test keeps one app context open, so `g` outlives a request: Flask-Login would go on answering
    # with the first client's user and Flask-WTF with its CSRF token. Start each request with an empty
    # `g`, as the fresh app context of a real request does.
    for name in list(g):
        g.pop(name, None)


@pytest.fixture(autouse=True)
def _rolled_back_transaction(request, app_if_integration):
    """Integration tests: everything a test and its requests write is rolled back at its end."""
    if app_if_integration is None:
        yield
        return
    from app.extensions import db, limiter

    flask_app = app_if_integration
    with flask_app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original_session = db.session
        # A plain Session: Flask-SQLAlchemy's own would pick the engine over this connection.
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        db.session = scoped_session(factory, scopefunc=_app_ctx_id)
        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            db.session = original_session
            outer.rollback()
            connection.close()


@pytest.fixture
def app_if_integration(request):
    if "integration" in str(request.node.path) and "own_database" not in request.keywords:
        return request.getfixturevalue("app")
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "own_database: the test makes and manages a database of its own")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def factory(app):
    from tests.factories import Factory

    return Factory()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post_form(client, url, data, form_url=None, **kwargs):
    """Post a form as a browser would: fetch the page, take its CSRF token, send the fields."""
    page = client.get(form_url or url)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def signed_in_client(app, user):
    """A test client with this user's session, as if they had signed in."""
    test_client = app.test_client()
    with test_client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        # Now, not a fixed date: sessions older than SESSION_ABSOLUTE_HOURS are ended (app/auth/sessions.py).
        session["signed_in_at"] = datetime.now(UTC).isoformat()
    return test_client


def _role_client(role, **user_kwargs):
    @pytest.fixture
    def fixture(app, factory):
        user = factory.user(role=role, **user_kwargs)
        test_client = signed_in_client(app, user)
        test_client.user = user
        return test_client

    return fixture


key_worker_client = _role_client("key_worker")
practitioner_client = _role_client("practitioner", agency_kind="police")
police_practitioner_client = _role_client("practitioner", agency_kind="police")
programme_manager_client = _role_client("programme_manager")
finance_officer_client = _role_client("finance_officer")
internal_auditor_client = _role_client("internal_auditor")
ig_officer_client = _role_client("ig_officer")
agency_admin_client = _role_client("agency_admin", agency_kind="police")
admin_client = _role_client("admin")


def make_app_on_own_database(url, tmp_path_factory=None, **overrides):
    """An app whose database is its own and really commits (for tests of commits and concurrency)."""
    from app import create_app
    from app.extensions import db

    folder = tempfile.mkdtemp(prefix="hearth_files_")
    flask_app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REPORTS_DIR=os.path.join(folder, "reports"),
                           UPLOADS_DIR=os.path.join(folder, "uploads"), **overrides)
    with flask_app.app_context():
        import app.models  # noqa: F401

        db.create_all()
    return flask_app


@pytest.fixture(scope="module")
def own_app(db_kind):
    """A module's own app and database, for tests that commit for real; dropped afterwards."""
    from app.extensions import db

    with ThrowawayDatabase(db_kind) as url:
        flask_app = make_app_on_own_database(url)
        yield flask_app
        with flask_app.app_context():
            db.session.remove()
            db.engine.dispose()

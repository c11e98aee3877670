"""The daily export limit through the real routes and the real request boundary: every export route is
declared with it; each export is audited and counted; beyond the limit the request gets a 429 GOV.UK page,
the refusal is audited, and IG officers get one alert however many more tries follow."""
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.claims.models import ClaimRound, RoundStatus
from app.extensions import db
from app.reporting import reports
from app.sharing.export_limit import EXPORT_ACTIONS, exports_today
from app.sharing.models import AlertKind, IgAlert
from tests.conftest import post_form, signed_in_client

LIMIT = 2


@pytest.fixture
def limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_LIMIT_PER_DAY", LIMIT)
    return LIMIT


def _stepped_up(client):
    with client.session_transaction() as session:
        session["mfa_at"] = time.time()
    return client


def _dashboard():
    return "programme_manager", "/reports/dashboard/export.csv?period=2026-10"


def _claim_round():
    claim_round = ClaimRound(month=date(2026, 5, 1), status=RoundStatus.DRAFT, window_start=date(2024, 5, 1),
                             window_end=date(2025, 11, 30))
    db.session.add(claim_round)
    db.session.commit()
    return "finance_officer", f"/claims/rounds/{claim_round.code}/export.xlsx"


def _report_download():
    entry, _ = reports.generate("monthly", "2026-10")
    db.session.commit()
    return "finance_officer", f"/reports/archive/{entry.id}/download"


def _client(app, factory, role):
    # Claims exports ask for a recent second factor: the client has just given one.
    return _stepped_up(signed_in_client(app, factory.user(role)))


EXPORTS = {"dashboard": _dashboard, "claim round": _claim_round, "report download": _report_download}


def _alerts(user):
    return db.session.scalars(select(IgAlert).where(IgAlert.kind == AlertKind.EXPORT_LIMIT,
                                                    IgAlert.raised_for_id == user.id)).all()


def _events(action, user):
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.actor_user_id == user.id))


def _user_of(client):
    from app.auth.models import User

    with client.session_transaction() as session:
        return db.session.get(User, int(session["_user_id"].split(".")[0]))


def test_every_export_route_is_limited(app):
    """Any route that sends CSV or XLSX, or downloads an archived report, carries the limit."""
    exports = [rule for rule in app.url_map.iter_rules()
               if "export" in rule.rule or rule.rule.endswith((".csv", ".xlsx")) or "/archive/" in rule.rule]
    assert {rule.endpoint for rule in exports} >= {"reporting.export", "claims.export", "reporting.download"}
    for rule in exports:
        assert getattr(app.view_functions[rule.endpoint], "limited_export", None) in EXPORT_ACTIONS, rule.rule


@pytest.mark.parametrize("export", EXPORTS, ids=list(EXPORTS))
def test_beyond_the_limit_is_a_429_page_an_audited_refusal_and_one_alert(app, factory, limit, export):
    role, url = EXPORTS[export]()
    client = _client(app, factory, role)
    user = _user_of(client)
    for _ in range(limit):
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert response.headers["Content-Disposition"].startswith("attachment")
    assert exports_today(user.id) == limit

    refused = client.get(url)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "govuk-heading-l" in page and f"You have made {limit} exports today" in page
    assert "Content-Disposition" not in refused.headers
    assert len(_alerts(user)) == 1
    # Trying again is refused again and audited again, but IG officers are not told twice.
    assert client.get(url).status_code == 429
    assert len(_alerts(user)) == 1
    assert _events("ExportRefused", user) == 2
    assert _events("IgAlertRaised", user) == 1
    assert exports_today(user.id) == limit  # refusals do not count as exports

    # The limit is per user: a colleague with the same role still exports.
    assert _client(app, factory, role).get(url).status_code == 200


def test_the_limit_is_shared_by_every_kind_of_export(app, factory, limit):
    manager = factory.user("programme_manager")
    client = signed_in_client(app, manager)
    entry, _ = reports.generate("monthly", "2026-10")
    db.session.commit()
    assert client.get(f"/reports/archive/{entry.id}/download").status_code == 200
    assert client.get("/reports/dashboard/export.xlsx?period=2026-10").status_code == 200
    assert client.get("/reports/dashboard/export.csv?period=2026-10").status_code == 429
    assert client.get(f"/reports/archive/{entry.id}/download").status_code == 429


def test_a_refused_or_failed_request_does_not_count(app, factory, limit):
    role, url = _dashboard()
    client = _client(app, factory, role)
    user = _user_of(client)
    assert client.get("/reports/dashboard/export.pdf?period=2026-10").status_code == 404
    assert client.get("/reports/dashboard/export.csv?period=2026-13").status_code == 400
    assert exports_today(user.id) == 0
    assert client.get(url).status_code == 200


def test_ig_officers_see_and_review_the_alert(app, factory, limit, ig_officer_client):
    role, url = _dashboard()
    client = _client(app, factory, role)
    user = _user_of(client)
    for _ in range(limit + 1):
        client.get(url)
    [alert] = _alerts(user)
    assert alert.family_id is None and alert.due_on > date.today()

    listing = ig_officer_client.get("/information-governance/alerts").get_data(as_text=True)
    assert "Daily export limit reached" in listing and user.name in listing and "Not about one family" in listing
    detail = ig_officer_client.get(f"/information-governance/alerts/{alert.id}")
    assert detail.status_code == 200 and "daily limit was reached" in detail.get_data(as_text=True)
    tasks = ig_officer_client.get("/tasks").get_data(as_text=True)
    assert "Review daily export limit reached" in tasks

    response = post_form(ig_officer_client, f"/information-governance/alerts/{alert.id}",
                         {"outcome": "justified", "note": "Quarter-end reconciliation, agreed with the manager"})
    assert response.status_code == 302
    db.session.expire_all()
    assert alert.reviewed_at_utc is not None


def test_a_new_day_starts_a_new_count(app, factory, limit, monkeypatch):
    from app.sharing import export_limit

    role, url = _dashboard()
    client = _client(app, factory, role)
    user = _user_of(client)
    for _ in range(limit):
        assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429
    tomorrow = export_limit.today_london() + timedelta(days=1)
    monkeypatch.setattr(export_limit, "today_london", lambda: tomorrow)
    assert exports_today(user.id) == 0
    assert client.get(url).status_code == 200


@pytest.mark.own_database
def test_over_the_limit_under_the_api_is_problem_json(factory_free_user_app):
    app, client = factory_free_user_app
    with app.app_context():
        for _ in range(LIMIT):
            assert client.get("/api/_test/export.csv").status_code == 200
        refused = client.get("/api/_test/export.csv")
        assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
        body = refused.get_json()
        assert body["status"] == 429 and f"You have made {LIMIT} exports today" in body["detail"]


@pytest.fixture(scope="module")
def factory_free_user_app(db_kind):
    """An app of its own with an export route under /api/ (routes cannot be added to the shared app once it
    has served a request). Outside /api/v1/, so a session cookie signs the test user in."""
    from flask import Response

    from app.auth.access import signed_in
    from app.sharing.export_limit import limited_export
    from tests.conftest import make_app_on_own_database
    from tests.databases import ThrowawayDatabase
    from tests.factories import Factory

    with ThrowawayDatabase(db_kind) as url:
        flask_app = make_app_on_own_database(url, EXPORT_LIMIT_PER_DAY=LIMIT)

        @signed_in
        @limited_export("TestApiExported")
        def api_export():
            from app import audit

            audit.record("TestApiExported", object_type="test")
            return Response("a,b\n", mimetype="text/csv", headers={"Content-Disposition": "attachment"})

        flask_app.add_url_rule("/api/_test/export.csv", "api_test_export", api_export)
        with flask_app.app_context():
            user = Factory().user("programme_manager")
            db.session.commit()
            test_client = signed_in_client(flask_app, user)
        yield flask_app, test_client
        with flask_app.app_context():
            db.session.remove()
            db.engine.dispose()

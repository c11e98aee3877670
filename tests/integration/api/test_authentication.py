"""Tokens only: no token, a wrong, revoked or expired one is 401; the session cookie is never read; calls
are audited and rate-limited per client."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.api import services as api_services
from app.audit.models import AuditEvent
from app.common.time import utcnow
from app.extensions import db
from app.referrals.models import Referral
from config import load_config
from tests.conftest import signed_in_client
from tests.integration.api.conftest import make_partner, referral_body


def _assert_401(response):
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["status"] == 401


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer hth_not-a-real-token", "Basic dXNlcjpwYXNz",
                                    "Bearer " + "x" * 5000])
def test_no_valid_token_is_401(client, partner, header):
    headers = {"Authorization": header} if header else {}
    _assert_401(client.get("/api/v1/referrals/1", headers=headers))
    _assert_401(client.post("/api/v1/referrals", json=referral_body(), headers=headers))
    assert db.session.scalar(select(Referral.id)) is None
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "ApiTokenRefused"))


def test_a_revoked_token_stops_working_at_the_next_request(client, partner):
    assert client.get("/api/v1/referrals/1", headers=partner.headers).status_code == 404
    api_services.revoke_client(partner.client)
    db.session.commit()
    _assert_401(client.get("/api/v1/referrals/1", headers=partner.headers))


def test_an_expired_token_or_a_disabled_agency_is_refused(client, factory):
    expired = make_partner(factory, lifetime_days=1, now=utcnow() - timedelta(days=2))
    _assert_401(client.get("/api/v1/referrals/1", headers=expired.headers))
    partner = make_partner(factory)
    partner.agency.active = False
    db.session.commit()
    _assert_401(client.get("/api/v1/referrals/1", headers=partner.headers))


def test_the_token_is_stored_only_as_its_hash(partner):
    assert partner.token not in (partner.client.token_hash, partner.client.token_prefix)
    assert partner.client.token_hash == api_services.token_hash(partner.token)
    assert partner.token.startswith(partner.client.token_prefix)


def test_the_service_account_cannot_sign_in(partner):
    user = partner.client.service_user
    assert user.active is False and user.password_hash is None
    assert user.is_designated_lead and user.agency_id == partner.agency.id


def test_a_signed_in_session_is_ignored(app, factory, partner):
    """A browser's cookie neither authenticates the API nor changes whose call it is; no cookie is set."""
    admin = factory.user("programme_manager")
    browser = signed_in_client(app, admin)
    _assert_401(browser.get("/api/v1/referrals/1"))
    response = browser.post("/api/v1/referrals", json=referral_body(), headers=partner.headers)
    assert response.status_code == 201  # no CSRF token needed: no cookie is read
    assert "Set-Cookie" not in response.headers
    referral = db.session.get(Referral, response.get_json()["id"])
    assert referral.referrer_user_id == partner.client.service_user_id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ReferralReceived"))
    assert event.actor_user_id == partner.client.service_user_id


def test_every_call_is_audited_with_its_client(client, partner):
    client.get("/api/v1/referrals/12345", headers=partner.headers)
    client.post("/api/v1/referrals", json=referral_body(), headers=partner.headers)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(("ApiCalled", "ApiCallRefused")))
                                .order_by(AuditEvent.seq)).all()
    assert [(e.action, e.details["status"]) for e in events] == [("ApiCallRefused", 404), ("ApiCalled", 201)]
    assert all(e.details["api_client_id"] == partner.client.id for e in events)


def test_calls_are_rate_limited_per_client(app, client, partner, factory):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        for _ in range(3):
            assert client.get("/api/v1/referrals/1", headers=partner.headers).status_code == 404
        limited = client.get("/api/v1/referrals/1", headers=partner.headers)
        assert limited.status_code == 429
        assert limited.mimetype == "application/problem+json"
        assert int(limited.headers["Retry-After"]) > 0
        assert limited.get_json()["status"] == 429
        throttled = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ApiCallThrottled"))
        assert throttled.details["api_client_id"] == partner.client.id
        other = make_partner(factory, "health")
        assert client.get("/api/v1/referrals/1", headers=other.headers).status_code == 404
    finally:
        app.config["API_RATE_LIMIT"] = load_config("test")["API_RATE_LIMIT"]


def test_unknown_api_paths_and_methods_are_problem_details(client, partner):
    missing = client.get("/api/v1/nothing-here", headers=partner.headers)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/referrals", headers=partner.headers)
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json"

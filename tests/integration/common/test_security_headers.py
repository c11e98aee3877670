"""Every route, walked from app.url_map: security headers on every response, and every state-changing
web route refuses a request without a valid CSRF token (the token-authenticated /api/v1 is the one
exception: it accepts no cookies, so there is no ambient credential to forge)."""
import re

import pytest

from app.auth.access import declared_access
from config import load_config


def _rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"), key=lambda r: r.rule)


def _concrete_url(rule):
    return re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "1", rule.rule)


def _check_headers(response, url):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, url
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'", csp), url
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("X-Frame-Options") == "DENY", url
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), url
    assert headers.get("Strict-Transport-Security", "").startswith("max-age=31536000"), url
    assert headers.get("Cache-Control") == "no-store", url  # every page may carry personal data


def test_every_get_route_carries_the_security_headers_signed_in_and_not(app, admin_client):
    urls = [_concrete_url(rule) for rule in _rules(app) if "GET" in rule.methods]
    assert "/sign-in" in urls and "/" in urls
    for client in (app.test_client(), admin_client):
        for url in urls:
            _check_headers(client.get(url), url)


def test_errors_and_static_files_carry_headers_too(app, key_worker_client):
    _check_headers(key_worker_client.get("/no-such-page"), "404")
    _check_headers(key_worker_client.get("/admin/users"), "403")
    static = app.test_client().get("/assets/js/session-timeout.js")
    if static.status_code == 200:  # built by `make assets`
        assert static.headers["X-Content-Type-Options"] == "nosniff"
        assert "javascript" in static.headers["Content-Type"]


def _state_changing(app):
    cases = []
    for rule in _rules(app):
        if declared_access(app.view_functions[rule.endpoint]).kind == "token" or rule.rule.startswith("/api/v1"):
            continue
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            cases.append((method, _concrete_url(rule)))
    return cases


def test_every_state_changing_web_route_refuses_a_missing_or_wrong_csrf_token(app, admin_client):
    cases = _state_changing(app)
    assert ("POST", "/sign-in") in cases and ("POST", "/session/keep-alive") in cases
    assert app.config["WTF_CSRF_ENABLED"] is True
    for client in (app.test_client(), admin_client):
        for method, url in cases:
            for data, headers in (({}, {}), ({"csrf_token": "forged"}, {"X-CSRFToken": "forged"})):
                response = client.open(url, method=method, data=data, headers=headers)
                assert response.status_code == 400, (method, url, response.status_code)
                assert "The form had expired or was sent from elsewhere" in response.get_data(as_text=True)


def test_the_api_is_the_only_exception_and_takes_no_cookies(app):
    exempt = [rule.rule for rule in _rules(app)
              if declared_access(app.view_functions[rule.endpoint]).kind == "token"]
    assert all(rule.startswith("/api/v1") for rule in exempt)


def test_get_never_changes_state_on_sign_out(key_worker_client):
    assert key_worker_client.get("/sign-out").status_code == 405


@pytest.mark.parametrize("env_name,secure", [("development", False), ("production", True)])
def test_cookie_flags(env_name, secure):
    environ = {"SECRET_KEY": "s" * 40, "AUDIT_HMAC_KEY": "a" * 40, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
               "DATABASE_URL": "postgresql+psycopg://db/hearth"}
    settings = load_config(env_name, environ=environ)
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["PERMANENT_SESSION_LIFETIME"] == 30 * 60
    assert settings["MFA_REQUIRED"] is (env_name == "production")


def test_the_session_cookie_is_httponly_and_samesite(app, factory):
    from tests.conftest import post_form
    from tests.factories import TEST_PASSWORD

    factory.user(email="cookie@test.example")
    client = app.test_client()
    response = post_form(client, "/sign-in", {"email": "cookie@test.example", "password": TEST_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie

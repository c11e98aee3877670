"""Deny by default: every route declares who may reach it, and anonymous users reach only public ones."""
import re

import pytest

from app.auth.access import declared_access


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_route_declares_its_access(app):
    undeclared = [rule.rule for rule in _rules(app) if declared_access(app.view_functions[rule.endpoint]) is None]
    assert undeclared == [], f"routes without an access declaration: {undeclared}"


PUBLIC_ALLOWED = {"/sign-in", "/healthz"}


def test_only_known_routes_are_public(app):
    public = {rule.rule for rule in _rules(app) if declared_access(app.view_functions[rule.endpoint]).kind == "public"}
    unexpected = {r for r in public if r not in PUBLIC_ALLOWED and not r.startswith(("/sign-in", "/password-reset",
                                                                                      "/mfa", "/api/v1"))}
    assert unexpected == set()


def _concrete_url(rule):
    # Any value will do: the sign-in check comes before the object is loaded.
    return re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "1", rule.rule)


@pytest.fixture
def anonymous_cases(app):
    cases = []
    for rule in _rules(app):
        access = declared_access(app.view_functions[rule.endpoint])
        if access.kind in ("public", "token"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            cases.append((method, _concrete_url(rule)))
    return cases


def test_anonymous_users_are_sent_to_sign_in_from_every_protected_route(app, anonymous_cases):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False  # reach the sign-in check itself, not the CSRF check before it
    try:
        for method, url in anonymous_cases:
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/sign-in"), (method, url)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert anonymous_cases, "expected protected routes"

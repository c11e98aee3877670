"""Brute force: at most 10 failed sign-ins per account per 5 minutes, then 429, counted in a store
shared by every process; a per-address limit too; a 429 says nothing about whether the account exists."""
import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import csrf_token_from, make_app_on_own_database, post_form
from tests.databases import ThrowawayDatabase
from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[3]
REDIS_URI = "redis://127.0.0.1:6379"


def _attempt(client, email, password):
    return post_form(client, "/sign-in", {"email": email, "password": password}).status_code


def test_the_eleventh_failure_in_five_minutes_is_refused_even_with_the_right_password(app, factory):
    factory.user(email="target@test.example")
    client = app.test_client()
    assert [_attempt(client, "target@test.example", f"wrong-guess-{n:04d}") for n in range(10)] == [200] * 10
    response = post_form(client, "/sign-in", {"email": "Target@test.example", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "You have tried too many times. Wait 5 minutes, then try again." in response.get_data(as_text=True)
    assert "Retry-After" in response.headers
    assert client.get("/").status_code == 302
    throttled = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "SignInThrottled")).all()
    assert len(throttled) == 1
    # Another account from the same address is unaffected.
    factory.user(email="bystander@test.example")
    assert _attempt(app.test_client(), "bystander@test.example", TEST_PASSWORD) == 302


def test_successful_sign_ins_do_not_count(app, factory):
    factory.user(email="busy@test.example")
    for _ in range(12):
        client = app.test_client()
        assert _attempt(client, "busy@test.example", TEST_PASSWORD) == 302


@pytest.fixture
def fast_hashing(monkeypatch):
    """These tests count attempts; Argon2's deliberate slowness (tested elsewhere) would only slow them."""
    from app.auth import passwords, services

    def verify(password_hash, password):
        return password_hash is not None and password == TEST_PASSWORD

    monkeypatch.setattr(services, "verify_password", verify)
    assert passwords.verify_password is not verify


def test_an_unknown_account_is_limited_exactly_like_a_real_one(app, factory, fast_hashing):
    factory.user(email="real@test.example")
    real = [_attempt(app.test_client(), "real@test.example", f"wrong-guess-{n:04d}") for n in range(11)]
    unknown = [_attempt(app.test_client(), "nobody@test.example", f"wrong-guess-{n:04d}") for n in range(11)]
    assert real == unknown == [200] * 10 + [429]


def test_the_per_address_limit_catches_one_password_tried_on_many_accounts(app, fast_hashing):
    client = app.test_client()
    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    statuses = [client.post("/sign-in", data={"csrf_token": token, "email": f"spray{n}@test.example",
                                              "password": "Summer2026!!x"}).status_code for n in range(51)]
    assert statuses == [200] * 50 + [429]


def test_wrong_codes_count_against_the_account_too(app, factory):
    user = factory.user(email="codes@test.example")
    secret = factory.enrol_mfa(user)
    client = app.test_client()
    post_form(client, "/sign-in", {"email": "codes@test.example", "password": TEST_PASSWORD})
    right = pyotp.TOTP(secret).now()
    wrong = "000000" if right != "000000" else "111111"
    assert [post_form(client, "/sign-in/code", {"code": wrong}).status_code for _ in range(10)] == [200] * 10
    assert post_form(client, "/sign-in/code", {"code": right}).status_code == 429


# --- Two real processes sharing Redis: the limit holds across the instances behind a load balancer. ---

CHILD = textwrap.dedent("""
    import json, re, sys
    from app import create_app
    url, prefix, email, passwords = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_STORAGE_URI="REDIS_URI",
                     RATELIMIT_KEY_PREFIX=prefix)
    client = app.test_client()
    statuses = []
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    for password in passwords:
        response = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password})
        statuses.append(response.status_code)
    print(json.dumps(statuses))
""").replace("REDIS_URI", REDIS_URI)


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Redis at {REDIS_URI}: {error}")
        pytest.skip(f"Redis at {REDIS_URI} cannot be reached: {error}")
    return client


def _run_process(url, prefix, email, passwords):
    result = subprocess.run([sys.executable, "-c", CHILD, url, prefix, email, json.dumps(passwords)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "HEARTH_ENV": "test"})
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.own_database
def test_the_limit_is_shared_by_two_processes_through_redis(db_kind):
    redis_client = _redis_or_skip()
    prefix = f"hearth-test-{uuid.uuid4().hex}"
    with ThrowawayDatabase(db_kind) as url:
        flask_app = make_app_on_own_database(url)
        with flask_app.app_context():
            from app.auth import services

            agency = services.create_agency("Shared limits", "early_help")
            services.create_user(email="shared@test.example", name="Shared", role="key_worker", agency=agency,
                                 password=TEST_PASSWORD)
            db.session.commit()
        try:
            first = _run_process(url, prefix, "shared@test.example", [f"wrong-guess-a{n}" for n in range(6)])
            # Then the right password: still refused, because the account's failures are shared.
            second = _run_process(url, prefix, "shared@test.example",
                                  [f"wrong-guess-b{n}" for n in range(5)] + [TEST_PASSWORD])
        finally:
            for key in redis_client.scan_iter(match=f"*{prefix}*"):
                redis_client.delete(key)
            with flask_app.app_context():
                db.session.remove()
                db.engine.dispose()
    assert first == [200] * 6
    assert second == [200] * 4 + [429, 429]  # the 11th attempt overall, then the right password

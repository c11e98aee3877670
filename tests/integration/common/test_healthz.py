import pytest

from app import create_app


def test_healthz_reports_ok_with_the_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.own_database
def test_healthz_reports_503_when_the_database_cannot_be_reached(tmp_path):
    # Nothing listens on port 1: the connection is refused at once.
    down = create_app("test", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none",
                      SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}},
                      REPORTS_DIR=str(tmp_path), UPLOADS_DIR=str(tmp_path))
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert response.get_json()["database"] == "unreachable"


REDIS_UP, REDIS_DOWN = "redis://127.0.0.1:6379", "redis://127.0.0.1:1"  # nothing listens on port 1


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_UP, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis at {REDIS_UP} cannot be reached")


# The probe reads the store the configuration names (as the limiter does), so these tests set the URI on the
# session's app rather than create another app: a second app would re-point the shared limiter's storage.
def test_healthz_reports_redis_when_the_limiter_keeps_its_counters_there(app, client, monkeypatch):
    _redis_or_skip()
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", REDIS_UP)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_reports_503_when_redis_cannot_be_reached(app, client, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", REDIS_DOWN)
    response = client.get("/healthz")
    assert response.status_code == 503
    # Up or down only: no address, port or error text for an unauthenticated caller.
    assert response.get_json() == {"status": "unavailable", "database": "ok", "redis": "unreachable"}
    assert "127.0.0.1" not in response.get_data(as_text=True)
    assert any("rate limit store" in r.getMessage() for r in caplog.records)


def test_healthz_leaves_redis_out_when_the_limiter_does_not_use_it(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "memory://")
    assert "redis" not in client.get("/healthz").get_json()


def test_error_pages_use_the_service_layout(client):
    response = client.get("/no-such-page")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in body and "govuk-template" in body
    assert response.headers["X-Request-Id"] in body


def test_pages_carry_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)

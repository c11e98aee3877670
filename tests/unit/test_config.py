import pytest

from config import DEV_AUDIT_HMAC_KEY, DEV_SECRET_KEY, ConfigError, load_config

GOOD_PRODUCTION = {
    "HEARTH_ENV": "production",
    "SECRET_KEY": "s" * 48,
    "AUDIT_HMAC_KEY": "a" * 48,
    "DATABASE_URL": "postgresql+psycopg://hearth@db/hearth",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
}


def test_production_starts_with_real_secrets_and_shared_stores():
    settings = load_config(environ=GOOD_PRODUCTION)
    assert settings["HEARTH_ENV"] == "production"
    assert settings["MFA_REQUIRED"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["DEBUG"] is False


@pytest.mark.parametrize("change, complaint", [
    ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"AUDIT_HMAC_KEY": ""}, "AUDIT_HMAC_KEY"),
    ({"AUDIT_HMAC_KEY": DEV_AUDIT_HMAC_KEY}, "AUDIT_HMAC_KEY"),
    ({"FLASK_DEBUG": "1"}, "debug"),
    ({"RATELIMIT_STORAGE_URI": ""}, "RATELIMIT_STORAGE_URI"),
    ({"DATABASE_URL": ""}, "PostgreSQL"),
])
def test_production_refuses_unsafe_settings(change, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_config(environ={**GOOD_PRODUCTION, **change})


def test_create_app_refuses_production_with_default_secrets(monkeypatch):
    from app import create_app

    for name in ("SECRET_KEY", "AUDIT_HMAC_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://hearth@db/hearth")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app("production")


def test_development_defaults_are_zero_setup():
    settings = load_config(environ={})
    assert settings["HEARTH_ENV"] == "development"
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["SQLALCHEMY_DATABASE_URI"].endswith("instance/hearth.sqlite")
    assert settings["DEMO_PASSWORD"]
    assert settings["MFA_REQUIRED"] is False


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="HEARTH_ENV"):
        load_config(environ={"HEARTH_ENV": "staging"})


def test_environment_values_are_read():
    settings = load_config(environ={"DATABASE_URL": "postgresql+psycopg://x/y", "REPORTS_DIR": "/srv/reports",
                                    "TRUSTED_PROXIES": "2", "SESSION_IDLE_MINUTES": "20"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://x/y"
    assert settings["REPORTS_DIR"] == "/srv/reports"
    assert settings["TRUSTED_PROXIES"] == 2
    assert settings["PERMANENT_SESSION_LIFETIME"] == 20 * 60


def test_bad_numbers_are_reported_clearly():
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_config(environ={"TRUSTED_PROXIES": "two"})

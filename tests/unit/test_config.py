import re
from pathlib import Path

import pytest
from flask import Flask

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


# --- every setting the app reads is declared once in config.py -----------------------------------------

APP_DIR = Path(__file__).resolve().parents[2] / "app"
# config["X"], config['X'], config.get("X" ...) in Python; config.X in templates.
PYTHON_READ = re.compile(r"""config\s*(?:\[\s*|\.get\(\s*)["']([A-Z][A-Z0-9_]*)["']""")
TEMPLATE_READ = re.compile(r"\bconfig\.([A-Z][A-Z0-9_]*)\b")


def _reads():
    reads = {}
    for path in APP_DIR.rglob("*"):
        pattern = PYTHON_READ if path.suffix == ".py" else TEMPLATE_READ if path.suffix == ".html" else None
        if pattern is not None:
            for key in pattern.findall(path.read_text(encoding="utf-8")):
                reads.setdefault(key, set()).add(str(path.relative_to(APP_DIR.parent)))
    return reads


def test_the_scan_finds_reads_in_code_and_templates():
    reads = _reads()
    assert "UPLOAD_MAX_BYTES" in reads and "SESSION_IDLE_MINUTES" in reads
    assert PYTHON_READ.findall('current_app.config.get(\n    "A_KEY", 3)') == ["A_KEY"]


def test_every_setting_the_app_reads_is_declared_in_config():
    declared = set(load_config(environ={})) | set(Flask.default_config)
    undeclared = {key: sorted(paths) for key, paths in _reads().items() if key not in declared}
    assert undeclared == {}, "declare these in config.load_config with a default and a comment"


def test_settings_are_read_without_scattered_defaults():
    """A default belongs in config.py: `config.get("X", default)` would hide a second one."""
    with_default = re.compile(r"""config\.get\(\s*["'][A-Z][A-Z0-9_]*["']\s*,""")
    offenders = [str(path.relative_to(APP_DIR.parent)) for path in APP_DIR.rglob("*.py")
                 if with_default.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_new_settings_are_read_from_the_environment():
    settings = load_config(environ={"CLAIM_SAMPLE_PERCENT": "15", "DUTY_TO_SHARE_IN_FORCE": "yes",
                                    "BREAK_GLASS_ROLES": "key_worker, ig_officer"})
    assert settings["CLAIM_SAMPLE_PERCENT"] == 15
    assert settings["DUTY_TO_SHARE_IN_FORCE"] is True
    assert settings["BREAK_GLASS_ROLES"] == ("key_worker", "ig_officer")
    defaults = load_config(environ={})
    assert defaults["REPORT_SUPPRESSION_THRESHOLD"] == 5 and defaults["DUTY_TO_SHARE_IN_FORCE"] is False

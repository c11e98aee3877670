"""Configuration, read from the environment when the app is created.

`HEARTH_ENV` chooses development (the default), test or production. Defaults are safe to publish:
development and test get throwaway secrets; production refuses to start without real ones.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

# Public, well-known values: anyone can read them here, so production must never run with them.
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105
DEV_AUDIT_HMAC_KEY = "dev-only-audit-key-not-for-production"
DEV_DEMO_PASSWORD = "hearth-demo-2026"  # noqa: S105  (printed by `flask demo seed`)
ENVIRONMENTS = ("development", "test", "production")


class ConfigError(RuntimeError):
    """Raised when the configuration would be unsafe to run with."""


def _bool(env, name, default):
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env, name, default):
    value = env.get(name)
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


def load_config(env_name=None, environ=None):
    """Build the settings dict for one environment from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ
    name = env_name or env.get("HEARTH_ENV", "development")
    if name not in ENVIRONMENTS:
        raise ConfigError(f"HEARTH_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}")
    dev, test, prod = name == "development", name == "test", name == "production"

    default_db = "sqlite://" if test else f"sqlite:///{INSTANCE_DIR / 'hearth.sqlite'}"
    db_url = env.get("TEST_DATABASE_URL" if test else "DATABASE_URL") or default_db
    settings = {
        "HEARTH_ENV": name,
        "DEBUG": _bool(env, "FLASK_DEBUG", False),
        "TESTING": test,
        "SECRET_KEY": env.get("SECRET_KEY") or DEV_SECRET_KEY,
        "AUDIT_HMAC_KEY": env.get("AUDIT_HMAC_KEY") or DEV_AUDIT_HMAC_KEY,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REPORTS_DIR": env.get("REPORTS_DIR") or str(BASE_DIR / "reports"),
        "UPLOADS_DIR": env.get("UPLOADS_DIR") or str(INSTANCE_DIR / "uploads"),
        "UPLOAD_MAX_BYTES": _int(env, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
        # How many reverse proxies in front of the app we trust to set X-Forwarded-* headers.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        "SERVICE_NAME": env.get("SERVICE_NAME") or "Hearth",
        "COUNCIL_NAME": env.get("COUNCIL_NAME") or "Demo County Council",
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 25 * 1024 * 1024),
        # The session lifetime bounds the CSRF token; a separate token expiry would lose typed forms.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env, "SESSION_COOKIE_SECURE", prod),
        "SESSION_IDLE_MINUTES": _int(env, "SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_HOURS": _int(env, "SESSION_ABSOLUTE_HOURS", 12),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # A moving window: "10 per 5 minutes" holds for any 5 minutes, not only per clock-aligned window.
        "RATELIMIT_STRATEGY": "moving-window",
        "MFA_REQUIRED": _bool(env, "MFA_REQUIRED", not (dev or test)),
        "DEMO_PASSWORD": env.get("DEMO_PASSWORD") or ("" if prod else DEV_DEMO_PASSWORD),
        "TIMEZONE": "Europe/London",
        "PAGE_SIZE": _int(env, "PAGE_SIZE", 25),
        # CSV/XLSX exports and report downloads each user may make in a day (Europe/London); beyond it 429.
        "EXPORT_LIMIT_PER_DAY": _int(env, "EXPORT_LIMIT_PER_DAY", 50),
        # Agency kinds whose designated leads may see a safe address (with the lead practitioner and IG).
        "SAFE_ADDRESS_AGENCY_KINDS": tuple(
            k.strip() for k in (env.get("SAFE_ADDRESS_AGENCY_KINDS") or "domestic_abuse").split(",") if k.strip()),
    }
    if test:
        settings.update(SECRET_KEY="test-secret-key", AUDIT_HMAC_KEY="test-audit-key", MFA_REQUIRED=False)  # noqa: S106
    settings["PERMANENT_SESSION_LIFETIME"] = settings["SESSION_IDLE_MINUTES"] * 60
    if prod:
        check_production(settings)
    return settings


def check_production(settings):
    """Refuse to start production with a public secret, debug on, or per-process stores."""
    problems = []
    for key in ("SECRET_KEY", "AUDIT_HMAC_KEY"):
        value = settings[key]
        if value in (DEV_SECRET_KEY, DEV_AUDIT_HMAC_KEY) or len(value) < 32:
            problems.append(f"{key} must be set to a random value of at least 32 characters")
    if settings["DEBUG"]:
        problems.append("debug must be off")
    if settings["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        problems.append("RATELIMIT_STORAGE_URI must name a store shared by all processes, such as Redis")
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        problems.append("DATABASE_URL must point at PostgreSQL")
    if problems:
        raise ConfigError("Hearth will not start in production: " + "; ".join(problems))

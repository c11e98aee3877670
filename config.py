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


def _words(env, name, default):
    """A comma-separated list, such as a set of role codes."""
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    return tuple(word.strip() for word in value.split(",") if word.strip())


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
        # A streaming replica for the dashboard's and reports' read-only aggregates (docs/DEPLOYMENT.md);
        # nothing is ever written there. Without one they read the primary.
        "SQLALCHEMY_BINDS": ({"reporting": {"url": env["REPORTING_DATABASE_URL"], "pool_pre_ping": True}}
                             if env.get("REPORTING_DATABASE_URL") else {}),
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
        # Keeps one council's counters apart from another's (or a test run's) on a shared Redis.
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX") or "",
        "RATELIMIT_HEADERS_ENABLED": True,
        # A moving window: "10 per 5 minutes" holds for any 5 minutes, not only per clock-aligned window.
        "RATELIMIT_STRATEGY": "moving-window",
        "MFA_REQUIRED": _bool(env, "MFA_REQUIRED", not (dev or test)),
        "DEMO_PASSWORD": env.get("DEMO_PASSWORD") or ("" if prod else DEV_DEMO_PASSWORD),
        "TIMEZONE": "Europe/London",
        # CSV/XLSX exports and report downloads each user may make in a day (Europe/London); beyond it 429.
        "EXPORT_LIMIT_PER_DAY": _int(env, "EXPORT_LIMIT_PER_DAY", 50),
        # Agency kinds whose designated leads may see a safe address (with the lead practitioner and IG).
        "SAFE_ADDRESS_AGENCY_KINDS": _words(env, "SAFE_ADDRESS_AGENCY_KINDS", ("domestic_abuse",)),
        # Every setting the app reads is declared here, once, with its default
        # (tests/unit/test_config.py scans app/ for reads of undeclared keys).
        # Working days a referral may wait in the triage queue before it shows as past target.
        "REFERRAL_TRIAGE_TARGET_WORKING_DAYS": _int(env, "REFERRAL_TRIAGE_TARGET_WORKING_DAYS", 5),
        # Largest referral CSV import accepted, in bytes.
        "REFERRAL_IMPORT_MAX_BYTES": _int(env, "REFERRAL_IMPORT_MAX_BYTES", 2 * 1024 * 1024),
        # Largest evidence CSV import accepted, in bytes.
        "EVIDENCE_IMPORT_MAX_BYTES": _int(env, "EVIDENCE_IMPORT_MAX_BYTES", 2 * 1024 * 1024),
        # The programme (or an explicit rule-set code) the council claims under.
        "CLAIM_PROGRAMME": env.get("CLAIM_PROGRAMME") or "supporting_families",
        # Claim round M takes families whose case closed from the start of month M-FROM to the end of M-TO.
        "CLAIM_WINDOW_FROM_MONTHS": _int(env, "CLAIM_WINDOW_FROM_MONTHS", 24),
        "CLAIM_WINDOW_TO_MONTHS": _int(env, "CLAIM_WINDOW_TO_MONTHS", 6),
        # Share of a claim round that internal audit samples, in per cent.
        "CLAIM_SAMPLE_PERCENT": _int(env, "CLAIM_SAMPLE_PERCENT", 10),
        # Months after closure that the programme dashboard counts as sustainment.
        "SUSTAINMENT_MONTHS": _int(env, "SUSTAINMENT_MONTHS", 6),
        # Whether the duty to share about a child (Children Act 2004 s.16LA, inserted in 2026) has commenced.
        "DUTY_TO_SHARE_IN_FORCE": _bool(env, "DUTY_TO_SHARE_IN_FORCE", False),
        # Roles that may break the glass (designated-lead practitioners may too), and for how long.
        "BREAK_GLASS_ROLES": _words(env, "BREAK_GLASS_ROLES", ("key_worker", "programme_manager")),
        "BREAK_GLASS_HOURS": _int(env, "BREAK_GLASS_HOURS", 4),
        # Days an IG officer has to review an alert before it shows as overdue.
        "IG_ALERT_REVIEW_DAYS": _int(env, "IG_ALERT_REVIEW_DAYS", 5),
        # Requests each partner API token may make (Flask-Limiter notation).
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT") or "120 per minute",
        # Counts below this show as "fewer than N" in group reports beyond finance.
        "REPORT_SUPPRESSION_THRESHOLD": _int(env, "REPORT_SUPPRESSION_THRESHOLD", 5),
        # The background worker: how long a claimed job is held without a heartbeat, and how often it polls.
        "JOBS_LEASE_SECONDS": _int(env, "JOBS_LEASE_SECONDS", 60),
        "JOBS_POLL_SECONDS": _int(env, "JOBS_POLL_SECONDS", 3),
        # Retention per record class (app/rights, docs/PRIVACY.md). `family`: a closed family's records are
        # kept until the youngest child reaches the age or for the years after closure, whichever is later,
        # then anonymised. `unlinked_referral`: a referral declined or marked duplicate, never part of a
        # family, is anonymised the years after its triage decision.
        "RETENTION_RULES": {
            "family": {
                "until_youngest_child_age": _int(env, "RETENTION_FAMILY_CHILD_AGE", 25),
                "years_after_closure": _int(env, "RETENTION_FAMILY_YEARS_AFTER_CLOSURE", 6),
            },
            "unlinked_referral": {
                "years_after_decision": _int(env, "RETENTION_REFERRAL_YEARS_AFTER_DECISION", 2),
            },
        },
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

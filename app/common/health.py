"""The readiness checks behind `/healthz`: the database and, when the rate limiter keeps its counters in
Redis (every production-like deployment, docs/DEPLOYMENT.md), Redis. Without Redis the sign-in limits
cannot be counted, so the instance is not ready. Each check answers up or down only; why it failed
goes to the log, never into the response (a load balancer's probe is unauthenticated)."""
import logging

from flask import current_app
from limits.storage import Storage, storage_from_string
from sqlalchemy import text

from app.extensions import db

log = logging.getLogger("hearth.health")

REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://", "redis+sentinel://", "redis+cluster://")
# A probe must answer quickly even when Redis is unreachable without refusing (a dropped packet).
PROBE_TIMEOUT_SECONDS = 2


def database_up() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach the database means "not ready"
        db.session.rollback()
        log.warning("health: database unreachable: %s", type(error).__name__)
        return False
    return True


def _probe_store(uri: str) -> Storage:
    # One client per app and store, kept between probes (a new connection pool per probe would leak).
    stores = current_app.extensions.setdefault("hearth_health_stores", {})
    if uri not in stores:
        stores[uri] = storage_from_string(uri, socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
                                          socket_timeout=PROBE_TIMEOUT_SECONDS)
    return stores[uri]


def limiter_store_up() -> bool | None:
    """Whether the rate limiter's Redis answers a PING; None when the limiter does not use Redis."""
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if not uri.startswith(REDIS_SCHEMES):
        return None
    try:
        up = _probe_store(uri).check()  # PING; False (never an exception) when the server cannot be reached
    except Exception as error:  # a store that cannot even be built (a missing driver, a malformed URI)
        log.warning("health: rate limit store unusable: %s", type(error).__name__)
        return False
    if not up:
        log.warning("health: rate limit store (Redis) unreachable")
    return up


def readiness() -> tuple[dict, bool]:
    """The report `/healthz` shows, and whether every dependency is up."""
    checks = {"database": database_up()}
    redis = limiter_store_up()
    if redis is not None:
        checks["redis"] = redis
    ready = all(checks.values())
    report = {"status": "ok" if ready else "unavailable"}
    report.update({name: "ok" if up else "unreachable" for name, up in checks.items()})
    return report, ready

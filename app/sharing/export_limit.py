"""The daily export limit (security.md, "Files, exports, limits"): every CSV/XLSX export and report download
is audited, and each user may make at most EXPORT_LIMIT_PER_DAY of them in a day (Europe/London).

The count is the audit log itself: the successful export events of the user since midnight. The log is
shared by every process, so the limit holds across workers without a second store, and it cannot drift
from what was really exported. Beyond the limit the request is refused with 429 (a GOV.UK page, or
problem+json under /api/), the refusal is audited, and an IG alert is raised once per user per day.

Routes declare themselves with `@limited_export("TheirAuditAction")` under their access declaration;
the view records that audit event when it sends the file, which is what the next check counts.
"""
from datetime import datetime, time
from functools import wraps

import sqlalchemy as sa
from flask import abort, current_app, request
from flask_login import current_user

from app import audit
from app.audit.models import AuditEvent
from app.auth.models import User
from app.common.deferred import after_request_transaction
from app.common.time import LONDON, today_london
from app.extensions import db
from app.sharing.models import AlertKind, IgAlert
from app.sharing.services import _raise_alert

# The audit actions that count as an export: filled in by @limited_export when routes are declared.
EXPORT_ACTIONS: set[str] = set()


def daily_limit() -> int:
    return int(current_app.config["EXPORT_LIMIT_PER_DAY"])


def limit_message(limit: int) -> str:
    return (f"You have made {limit} exports today, the most allowed in one day. "
            "Try again tomorrow. Your information governance officer has been told.")


def _start_of_today():
    return datetime.combine(today_london(), time(0), tzinfo=LONDON)


def exports_today(user_id: int) -> int:
    """Successful exports by the user since midnight, London time."""
    if not EXPORT_ACTIONS:
        return 0
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent)
        .where(AuditEvent.actor_user_id == user_id, AuditEvent.action.in_(sorted(EXPORT_ACTIONS)),
               AuditEvent.outcome == "done", AuditEvent.occurred_at_utc >= _start_of_today()))


def raise_alert_once(user) -> IgAlert | None:
    """An IG alert for a user over the limit, unless one was already raised for them today."""
    already = db.session.scalar(
        sa.select(IgAlert.id).where(IgAlert.kind == AlertKind.EXPORT_LIMIT, IgAlert.raised_for_id == user.id,
                                    IgAlert.created_at_utc >= _start_of_today()).limit(1))
    if already is not None:
        return None
    return _raise_alert(AlertKind.EXPORT_LIMIT, None, user)


def limited_export(audit_action: str):
    """Declare an export route: counted by `audit_action`, refused with 429 beyond the daily limit."""
    EXPORT_ACTIONS.add(audit_action)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            limit = daily_limit()
            if exports_today(current_user.id) >= limit:
                audit.record_refusal("ExportRefused", object_type="endpoint", object_id=request.endpoint,
                                     reason="daily_limit",
                                     export=audit_action, limit=limit)
                user_id = current_user.id
                # The request is rolled back by its 429; the alert is written after that, in its own transaction.
                after_request_transaction(lambda: raise_alert_once(db.session.get(User, user_id)))
                abort(429, description=limit_message(limit))
            return view(*args, **kwargs)

        wrapped.limited_export = audit_action  # for the test that walks every export route
        return wrapped

    return decorator

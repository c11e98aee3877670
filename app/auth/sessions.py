"""Loading the signed-in user on each request, and the session's limits.

The session holds "<user id>.<generation>": a disabled user, or one whose generation was raised (role
change, "sign out everywhere", password reset), is signed out at their next request on every instance,
because the check reads the database, not the process. A session also ends after
SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS after sign-in, whatever the cookie
says: the times are in the signed session and checked here on the server.
"""
import time
from datetime import datetime

from flask import current_app, flash, g, jsonify, redirect, request, session, url_for
from sqlalchemy import select

from app import audit
from app.auth.access import MFA_AT, return_path
from app.auth.models import User
from app.extensions import db

SIGNED_IN_AT = "signed_in_at"  # ISO 8601, UTC, set at sign-in
LAST_SEEN = "last_seen"  # epoch seconds of the last request that counts as activity
# Asking how long is left must not itself count as activity, or an open tab would never time out.
PASSIVE_ENDPOINTS = frozenset({"auth.session_status"})


def expiry_reason(signed_in_at: float | None, last_seen: float | None, now: float, *,
                  idle_minutes: int, absolute_hours: int) -> str | None:
    """"absolute", "idle" or None. A session without a sign-in time was not made by sign-in: it ends."""
    if signed_in_at is None or now - signed_in_at >= absolute_hours * 3600:
        return "absolute"
    if last_seen is not None and now - last_seen >= idle_minutes * 60:
        return "idle"
    return None


def idle_seconds_left(now: float | None = None) -> int:
    now = time.time() if now is None else now
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    last_seen = session.get(LAST_SEEN, now)
    absolute_end = (_signed_in_epoch() or now) + current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    return max(0, int(min(last_seen + idle, absolute_end) - now))


def _signed_in_epoch():
    try:
        return datetime.fromisoformat(session[SIGNED_IN_AT]).timestamp()
    except (KeyError, TypeError, ValueError):
        return None


def start_session(user, *, mfa: bool):
    """A fresh session for a user who has just signed in (the caller has cleared the old one)."""
    from flask_login import login_user

    from app.common.time import utcnow

    login_user(user)
    session.permanent = True
    session[SIGNED_IN_AT] = utcnow().isoformat()
    session[LAST_SEEN] = int(time.time())
    if mfa:
        session[MFA_AT] = int(time.time())


def _current_user_for(session_user_id):
    """The active user whose session generation matches, else None."""
    try:
        user_id, generation = (int(part) for part in session_user_id.split("."))
    except (ValueError, AttributeError):
        return None
    user = db.session.scalar(select(User).where(User.id == user_id))
    if user is None or not user.active or user.session_generation != generation:
        return None
    return user


PENDING_MINUTES = 10  # between the password and the code


def load_pending_user(pending):
    """The user who gave the right password and has yet to give a code (or set up their app)."""
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        return None
    if time.time() - pending["at"] > PENDING_MINUTES * 60:
        return None
    return _current_user_for(pending.get("user"))


def load_user(session_user_id: str):
    user = _current_user_for(session_user_id)
    if user is None:
        return None
    now = time.time()
    last_seen = session.get(LAST_SEEN)
    reason = expiry_reason(_signed_in_epoch(), last_seen if isinstance(last_seen, int | float) else None, now,
                           idle_minutes=current_app.config["SESSION_IDLE_MINUTES"],
                           absolute_hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    if reason is None and current_app.config["MFA_REQUIRED"] and MFA_AT not in session:
        reason = "no_mfa"  # signed in before MFA was required, or by some path that skipped it
    if reason:
        # actor given, so the audit context does not ask for current_user while it is being loaded.
        audit.record_refusal("SessionExpired", actor=user, object_type="user", object_id=user.id, reason=reason)
        session.clear()
        g.session_expired = reason
        return None
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session[LAST_SEEN] = int(now)
    return user


def unauthorized():
    """Not signed in (or the session just ended): JSON callers get 401, pages go to sign-in and back."""
    if request.accept_mimetypes.best == "application/json":
        response = jsonify(signed_in=False)
        response.status_code = 401
        return response
    if g.get("session_expired") == "idle":
        flash("You were signed out because you had not used Hearth for a while. Sign in again to continue", "info")
    elif g.get("session_expired"):
        flash("You were signed out because you had been signed in for a long time. Sign in again to continue",
              "info")
    else:
        flash("Sign in to continue", "info")
    return redirect(url_for("auth.sign_in", next=return_path()))


def init_login_manager(login_manager):
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = "basic"

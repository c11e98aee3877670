"""Route access declarations. Every view declares who may reach it; undeclared views are refused.

A declaration is a decorator that records an `Access` on the view function and enforces it. The
factory's before_request hook refuses any endpoint without one (deny by default), and a test walks
`app.url_map` so an undeclared route cannot ship. Object-level checks (may this user see family 12?)
belong to the package that owns the object and are declared with `object_access`.
"""
import time
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, redirect, request, session, url_for
from flask_login import current_user

from app import audit
from app.auth.models import Role


@dataclass(frozen=True)
class Access:
    kind: str  # "public", "signed_in", "roles", "object" or "token"
    roles: tuple = ()
    description: str = ""


def _declare(view, access):
    view.__access__ = access
    return view


def public(view):
    """No sign-in: sign-in pages, health check, static assets."""
    return _declare(view, Access("public"))


def token_authenticated(view):
    """The partner API: authenticated by bearer token in its own package, never by the session."""
    return _declare(view, Access("token"))


def signed_in(view):
    """Any signed-in user; the view shows nothing about a family."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        _require_sign_in()
        return view(*args, **kwargs)

    return _declare(wrapped, Access("signed_in"))


def roles_required(*roles: Role):
    """A signed-in user with one of these roles; anyone else gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            _require_sign_in()
            if current_user.role not in roles:
                audit.record_refusal("AccessRefused", object_type="endpoint", object_id=request.endpoint)
                abort(403)
            return view(*args, **kwargs)

        return _declare(wrapped, Access("roles", tuple(roles)))

    return decorator


def object_access(description):
    """For decorators in feature packages that load an object and ask the sharing policy."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            _require_sign_in()
            return view(*args, **kwargs)

        return _declare(wrapped, Access("object", description=description))

    return decorator


def _require_sign_in():
    if not current_user.is_authenticated:
        # Flask-Login's unauthorized() redirects to sign-in with `next`; it raises, so nothing follows.
        from app.extensions import login_manager

        abort(login_manager.unauthorized())


# When the signed-in user last proved their second factor (epoch seconds), set at sign-in and step-up.
MFA_AT = "mfa_at"


def has_recent_mfa(max_age_minutes: int) -> bool:
    """Did the signed-in user prove their second factor within the last `max_age_minutes`?"""
    proved_at = session.get(MFA_AT)
    return (current_user.is_authenticated and isinstance(proved_at, int | float)
            and time.time() - proved_at <= max_age_minutes * 60)


def require_recent_mfa(max_age_minutes: int = 15):
    """Step-up: before a sensitive action (break-glass, approving or exporting claims), the user must have
    entered a code from their authenticator app within the last `max_age_minutes`, else they are sent
    to confirm it and then back. Use it under the route's access declaration:

        @bp.route("/claims/<int:claim_id>/approve", methods=["GET", "POST"])
        @roles_required(Role.FINANCE_OFFICER)
        @require_recent_mfa(15)
        def approve(claim_id): ...

    A user who has not set up two-factor authentication is sent to set it up first. After a step-up a
    GET comes back to the same URL; a form post comes back to the page it was sent from (its fields
    cannot be replayed safely), where the user submits again."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            _require_sign_in()
            if not has_recent_mfa(max_age_minutes):
                return redirect(url_for("auth.mfa_confirm", next=return_path()))
            return view(*args, **kwargs)

        wrapped.__recent_mfa_minutes__ = max_age_minutes
        return wrapped

    return decorator


def return_path():
    """Where to come back to after signing in or confirming a code: this URL for a GET, else the page
    the form was on (a POST cannot be redone by a redirect)."""
    if request.method in ("GET", "HEAD"):
        path = request.full_path.rstrip("?")
    else:
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc in ("", request.host)
        path = (referrer.path + (f"?{referrer.query}" if referrer.query else "")) if same_site else ""
    return path if is_safe_next(path) else None


def declared_access(view_function):
    return getattr(view_function, "__access__", None)


def endpoint_access(app, endpoint):
    view = app.view_functions.get(endpoint)
    return declared_access(view) if view else None


def is_safe_next(target):
    """Only redirect after sign-in to a path on this site."""
    return bool(target) and target.startswith("/") and not target.startswith("//") and "\\" not in target


__all__ = [
    "Access",
    "declared_access",
    "endpoint_access",
    "has_recent_mfa",
    "is_safe_next",
    "object_access",
    "public",
    "require_recent_mfa",
    "return_path",
    "roles_required",
    "signed_in",
    "token_authenticated",
]

"""Route access declarations. Every view declares who may reach it; undeclared views are refused.

A declaration is a decorator that records an `Access` on the view function and enforces it. The
factory's before_request hook refuses any endpoint without one (deny by default), and a test walks
`app.url_map` so an undeclared route cannot ship. Object-level checks (may this user see family 12?)
belong to the package that owns the object and are declared with `object_access`.
"""
from dataclasses import dataclass
from functools import wraps

from flask import abort, request
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
    "is_safe_next",
    "object_access",
    "public",
    "roles_required",
    "signed_in",
    "token_authenticated",
]

"""The request boundary: request ids, deny-by-default access, one commit per successful request,
security headers, and error pages.

Services only flush. Here the request's transaction is committed when the response is a success or a
redirect, and rolled back otherwise; refusal audit events are then written in a transaction of their
own (see app.audit.services.record_refusal).
"""
import secrets
import uuid

from flask import current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.audit.services import write_pending_refusals
from app.auth.access import endpoint_access
from app.common.deferred import run_deferred_writes
from app.common.per_request import once_per_request
from app.extensions import db

ERROR_TITLES = {
    400: "There is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The file or form is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def init_app(app):
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.teardown_request(_teardown_request)
    app.context_processor(_template_context)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _start_request():
    g.request_id = request.headers.get("X-Request-Id", "")[:40] or uuid.uuid4().hex
    g.csp_nonce = secrets.token_urlsafe(16)
    if request.endpoint is None:
        return None  # no route matched: Flask answers 404 itself
    if endpoint_access(current_app, request.endpoint) is None and request.endpoint != "static":
        # Deny by default: a view that declares no access rule is never served.
        current_app.logger.error("endpoint %s declares no access rule", request.endpoint)
        from flask import abort

        abort(403)
    return None


def _finish_request(response):
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    write_pending_refusals()
    run_deferred_writes()
    _security_headers(response)
    response.headers["X-Request-Id"] = g.get("request_id", "")
    return response


def _teardown_request(exc):
    if exc is not None:
        db.session.rollback()


def _security_headers(response):
    nonce = g.get("csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    # Always sent: browsers ignore HSTS over plain HTTP (RFC 6797), so it costs development nothing.
    response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        # Pages may carry personal data: never store them in a browser or proxy cache.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"


@once_per_request
def _template_context():
    from app.common.navigation import navigation_items

    return {
        "cspNonce": g.get("csp_nonce"),
        "request_id": g.get("request_id"),
        "service_name": current_app.config["SERVICE_NAME"],
        "council_name": current_app.config["COUNCIL_NAME"],
        "navigation_items": navigation_items(current_user, request.endpoint),
    }


def _render_error(status, description=None):
    wants_json = request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"
    title = ERROR_TITLES.get(status, "There is a problem")
    if wants_json:
        body = {"type": "about:blank", "title": title, "status": status, "request_id": g.get("request_id")}
        if description:
            body["detail"] = description
        return body, status, {"Content-Type": "application/problem+json"}
    return render_template("common/error.html", status=status, title=title, description=description), status


def _csrf_error(error):
    return _render_error(400, "The form had expired or was sent from elsewhere. Go back, refresh and try again.")


def _http_error(error):
    if error.code is None or error.response is not None:
        return error  # a redirect raised through abort(), for example to sign-in
    description = error.description if error.code in (400, 413, 429) else None
    return _render_error(error.code, description)


def _unexpected_error(error):
    current_app.logger.exception("unhandled error, request %s", g.get("request_id"))
    db.session.rollback()
    return _render_error(500)

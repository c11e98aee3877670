"""Sign-in (password, then a code from an authenticator app), two-factor set-up and step-up, password
reset from an admin-issued link, sign-out, and the session keep-alive used by the timeout warning.

Between the password and the code the browser holds only a "pending" marker (the user's id and session
generation, for 10 minutes); the user is signed in (login_user, a fresh session) only once every
factor is done.
"""
import time

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import generate_csrf

from app import audit
from app.auth import mfa
from app.auth.access import MFA_AT, is_safe_next, public, require_recent_mfa, signed_in
from app.auth.forms import ActionForm, NewPasswordForm, RecoveryCodeForm, SignInForm, TotpForm
from app.auth.services import (
    AccountError,
    check_password,
    complete_password_reset,
    complete_sign_in,
    find_reset_token,
    normalise_email,
)
from app.auth.sessions import idle_seconds_left, load_pending_user, start_session
from app.extensions import limiter

bp = Blueprint("auth", __name__)

PENDING = "sign_in_pending"
NEW_SECRET = "mfa_new_secret"  # noqa: S105  (a session key, not a secret)
FAILED_SIGN_IN = "Enter a correct email address and password"
TOO_MANY = "You have tried too many times. Wait 5 minutes, then try again."


# --- Brute force: failed attempts (wrong password or code) are counted per account and per address in
# the limiter's storage, which is shared by every process (Redis outside development and tests). Only
# failures are deducted (deduct_when); the check comes before the password is verified, so an account
# that has had 10 failures in 5 minutes answers 429 to the right password too.

def _attempt_failed(response):
    return bool(g.get("sign_in_failed"))


def _account_key():
    """The account an attempt is against: the email typed (known or not, so a 429 says nothing about
    whether the account exists), or the account waiting for its code."""
    if request.endpoint == "auth.sign_in":
        return "account:" + normalise_email(request.form.get("email", ""))
    pending = session.get(PENDING)
    if isinstance(pending, dict):
        return "account:" + pending.get("email", "")
    return "account:" + normalise_email(current_user.email if current_user.is_authenticated else "-")


def _throttled(request_limit):
    audit.record_refusal("SignInThrottled", object_type="endpoint", object_id=request.endpoint)


account_failures = limiter.shared_limit(
    "10 per 5 minutes", scope="failed-sign-in-account", key_func=_account_key, methods=["POST"],
    deduct_when=_attempt_failed, on_breach=_throttled, error_message=TOO_MANY,
)
address_failures = limiter.shared_limit(
    "50 per 5 minutes", scope="failed-sign-in-address", methods=["POST"],
    deduct_when=_attempt_failed, on_breach=_throttled, error_message=TOO_MANY,
)


def _failed():
    g.sign_in_failed = True


# --- Sign-in. ---

def _finish_sign_in(user, target, *, mfa_method=None):
    session.clear()  # a fresh session at sign-in: nothing from before carries over
    complete_sign_in(user, mfa=mfa_method)
    start_session(user, mfa=mfa_method is not None)
    return redirect(target if is_safe_next(target) else url_for("home.index"))


def _pending_user():
    return load_pending_user(session.get(PENDING))


def _pending_next():
    pending = session.get(PENDING)
    return pending.get("next") if isinstance(pending, dict) else None


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@account_failures
@address_failures
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = check_password(form.email.data, form.password.data)
        if user:
            target = request.args.get("next")
            if not (user.has_mfa or current_app.config["MFA_REQUIRED"]):
                return _finish_sign_in(user, target)
            session.clear()
            session[PENDING] = {"user": user.get_id(), "email": user.email, "at": int(time.time()),
                                "next": target if is_safe_next(target) else None}
            return redirect(url_for(".sign_in_code" if user.has_mfa else ".mfa_set_up"))
        _failed()
        form.email.errors.append(FAILED_SIGN_IN)
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@account_failures
@address_failures
def sign_in_code():
    user = _pending_user()
    if user is None:
        flash("Sign in again to continue", "info")
        return redirect(url_for(".sign_in"))
    if not user.has_mfa:
        return redirect(url_for(".mfa_set_up"))
    form = TotpForm()
    if form.validate_on_submit():
        try:
            mfa.accept_totp(user, form.code.data)
        except mfa.MfaError as error:
            _failed()
            form.code.errors.append(str(error))
        else:
            return _finish_sign_in(user, _pending_next(), mfa_method="totp")
    return render_template("auth/sign_in_code.html", form=form)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@public
@account_failures
@address_failures
def sign_in_recovery_code():
    user = _pending_user()
    if user is None or not user.has_mfa:
        flash("Sign in again to continue", "info")
        return redirect(url_for(".sign_in"))
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        try:
            remaining = mfa.use_recovery_code(user, form.code.data)
        except mfa.MfaError as error:
            _failed()
            form.code.errors.append(str(error))
        else:
            response = _finish_sign_in(user, _pending_next(), mfa_method="recovery_code")
            flash(f"You have {remaining} recovery code{'' if remaining == 1 else 's'} left. "
                  "Get new codes from your two-factor authentication page if you are running out", "info")
            return response
    return render_template("auth/sign_in_recovery_code.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    audit.record("SignedOut", object_type="user", object_id=current_user.id)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


# --- Two-factor authentication: set-up, the account page, step-up. ---

@bp.route("/mfa/set-up", methods=["GET", "POST"])
@public  # also reached between password and code, before the user is signed in (checked below)
@account_failures
def mfa_set_up():
    signed = current_user.is_authenticated
    user = current_user if signed else _pending_user()
    if user is None:
        flash("Sign in to continue", "info")
        return redirect(url_for(".sign_in"))
    if user.has_mfa:
        return redirect(url_for(".mfa_account" if signed else ".sign_in_code"))
    secret = session.get(NEW_SECRET) or mfa.new_secret()
    session[NEW_SECRET] = secret
    form = TotpForm()
    if form.validate_on_submit():
        try:
            codes = mfa.enrol(user, secret, form.code.data)
        except mfa.MfaError as error:
            _failed()
            form.code.errors.append(str(error))
        else:
            target = request.args.get("next") if signed else _pending_next()
            if signed:
                session.pop(NEW_SECRET, None)
                session[MFA_AT] = int(time.time())
            else:
                _finish_sign_in(user, target, mfa_method="totp")
            # Shown in this response only: the codes are stored hashed and cannot be shown again.
            return render_template("auth/mfa_recovery_codes.html", codes=codes,
                                   continue_url=target if is_safe_next(target) else url_for("home.index"))
    uri = mfa.provisioning_uri(secret, user.email, current_app.config["SERVICE_NAME"])
    return render_template("auth/mfa_set_up.html", form=form, qr_code=mfa.qr_code_data_uri(uri),
                           secret=mfa.grouped_secret(secret), required=current_app.config["MFA_REQUIRED"])


@bp.route("/mfa")
@signed_in
def mfa_account():
    return render_template("auth/mfa_account.html", remaining=len(mfa.unused_recovery_codes(current_user)),
                           form=ActionForm())


@bp.route("/mfa/recovery-codes", methods=["POST"])
@signed_in
@require_recent_mfa(15)
def mfa_new_recovery_codes():
    if not ActionForm().validate_on_submit() or not current_user.has_mfa:
        return redirect(url_for(".mfa_account"))
    codes = mfa.renew_recovery_codes(current_user)
    return render_template("auth/mfa_recovery_codes.html", codes=codes, continue_url=url_for(".mfa_account"))


@bp.route("/mfa/confirm", methods=["GET", "POST"])
@signed_in
@account_failures
def mfa_confirm():
    """Step-up: enter a code again before a sensitive action (see access.require_recent_mfa)."""
    target = request.args.get("next")
    if not current_user.has_mfa:
        flash("Set up two-factor authentication to continue", "info")
        return redirect(url_for(".mfa_set_up", next=target if is_safe_next(target) else None))
    form = TotpForm()
    if form.validate_on_submit():
        try:
            mfa.accept_totp(current_user, form.code.data)
        except mfa.MfaError as error:
            _failed()
            form.code.errors.append(str(error))
        else:
            session[MFA_AT] = int(time.time())
            audit.record("MfaConfirmed", object_type="user", object_id=current_user.id)
            return redirect(target if is_safe_next(target) else url_for("home.index"))
    return render_template("auth/mfa_confirm.html", form=form)


# --- Password reset from an admin-issued link (there is no self-service: no mail server). ---

@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@public
@address_failures
def password_reset(token):
    try:
        find_reset_token(token)
    except AccountError as error:
        _failed()  # guessing links counts against the address like a wrong password
        return render_template("auth/password_reset_invalid.html", message=str(error)), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            complete_password_reset(token, form.password.data)
        except AccountError as error:
            form.password.errors.append(str(error))
        else:
            logout_user()
            session.clear()
            flash("Your password has been changed. Sign in with your new password", "success")
            return redirect(url_for(".sign_in"))
    return render_template("auth/password_reset.html", form=form)


# --- The session timeout warning's keep-alive (app/assets/js/session-timeout.mjs). ---

@bp.route("/session/keep-alive", methods=["POST"])
@signed_in
def session_keep_alive():
    """Loading the user already counted this request as activity; say how long is left now."""
    return {"signed_in": True, "seconds_left": idle_seconds_left()}


@bp.route("/session/status")
@signed_in
def session_status():
    """How long is left, without counting as activity. The CSRF token lets a page whose session had
    ended, and was signed in again in another tab, send its form without losing what was typed."""
    return {"signed_in": True, "seconds_left": idle_seconds_left(), "csrf_token": generate_csrf()}

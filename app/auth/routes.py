"""Sign-in and sign-out."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app import audit
from app.auth.access import is_safe_next, public, signed_in
from app.auth.forms import SignInForm
from app.auth.services import authenticate, normalise_email
from app.common.time import utcnow
from app.extensions import limiter

bp = Blueprint("auth", __name__)


def _email_key():
    return "sign-in:" + normalise_email(request.form.get("email", ""))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit("10 per 5 minutes", key_func=_email_key, methods=["POST"])
@limiter.limit("50 per 5 minutes", methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user:
            target = request.args.get("next")
            session.clear()  # a fresh session at sign-in: nothing from before carries over
            login_user(user)
            session.permanent = True
            session["signed_in_at"] = utcnow().isoformat()
            return redirect(target if is_safe_next(target) else url_for("home.index"))
        form.email.errors.append("Enter a correct email address and password")
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    audit.record("SignedOut", object_type="user", object_id=current_user.id)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))

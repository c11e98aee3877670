"""Administration of agencies and users.

Admins manage every account and agency; agency admins manage the key workers and practitioners of
their own agency. The role decorator decides who reaches a page; the services decide which accounts
and which roles are in scope (the form only offers what the service would accept anyway).
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit
from app.auth import mfa, services
from app.auth.access import roles_required
from app.auth.admin_forms import EditAgencyForm, EditUserForm, EndSessionsForm, NewAgencyForm, NewUserForm
from app.auth.models import Agency, AgencyKind, Role, User
from app.common.navigation import register_nav
from app.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

USER_ADMINS = (Role.ADMIN, Role.AGENCY_ADMIN)


@bp.record_once
def _register_navigation(state):
    register_nav("Users", "admin.users", roles=USER_ADMINS, order=90,
                 match=("admin.users", "admin.new_user", "admin.edit_user", "admin.end_sessions",
                        "admin.reset_password", "admin.reset_mfa"))
    register_nav("Agencies", "admin.agencies", roles=(Role.ADMIN,), order=91,
                 match=("admin.agencies", "admin.new_agency", "admin.edit_agency"))


def _page_number():
    return max(request.args.get("page", 1, type=int), 1)


def _field_error(form, error):
    """Show a service's refusal against the field it concerns (the error summary links to it)."""
    field = getattr(form, getattr(error, "field", None) or "", None) or form.name
    field.errors.append(str(error))


def _chosen(options, option_id):
    return next((option for option in options if option.id == option_id), None)


def _user_in_scope(user_id):
    """404 for an account outside the admin's agency, as for one that does not exist; 403 for an
    account in their agency that they may see but not change (a manager or administrator)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not services.can_manage_user(current_user, user):
        audit.record_refusal("UserAccessRefused", object_type="user", object_id=user.id, status=404)
        abort(404)
    if not services.can_edit_user(current_user, user):
        audit.record_refusal("UserAccessRefused", object_type="user", object_id=user.id, status=403)
        abort(403)
    return user


@bp.route("/users")
@roles_required(*USER_ADMINS)
def users():
    agencies = services.agencies_visible_to(current_user)
    agency_id = request.args.get("agency", type=int) if current_user.role == Role.ADMIN else None
    page = services.users_page(current_user, agency_id=agency_id, page=_page_number())
    return render_template("auth/admin/users.html", page=page, agencies=agencies, agency_id=agency_id,
                           can_edit_user=services.can_edit_user)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(*USER_ADMINS)
def new_user():
    agencies = services.agencies_visible_to(current_user, active_only=True)
    form = NewUserForm(roles=services.grantable_roles(current_user), agencies=agencies)
    if not form.is_submitted() and len(agencies) == 1:
        form.agency.data = agencies[0].id
    if form.validate_on_submit():
        try:
            user = services.admin_create_user(
                current_user, email=form.email.data, name=form.name.data, role=form.role.data,
                agency=_chosen(agencies, form.agency.data), password=form.password.data,
                is_designated_lead=form.is_designated_lead.data,
            )
        except services.AccountError as error:
            _field_error(form, error)
        else:
            flash(f"{user.name} has been added", "success")
            return redirect(url_for(".users"))
    return render_template("auth/admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(*USER_ADMINS)
def edit_user(user_id):
    user = _user_in_scope(user_id)
    agencies = services.agencies_visible_to(current_user, active_only=True, include_id=user.agency_id)
    form = EditUserForm(
        roles=services.grantable_roles(current_user), agencies=agencies,
        data={"name": user.name, "role": user.role.value, "agency": user.agency_id,
              "is_designated_lead": user.is_designated_lead, "status": "active" if user.active else "disabled"},
    )
    if form.validate_on_submit():
        try:
            services.admin_update_user(
                current_user, user, name=form.name.data, role=form.role.data,
                agency=_chosen(agencies, form.agency.data), is_designated_lead=form.is_designated_lead.data,
                active=form.status.data == "active",
            )
        except services.AccountError as error:
            _field_error(form, error)
        else:
            flash(f"Changes to {user.name} have been saved", "success")
            return redirect(url_for(".users"))
    return render_template("auth/admin/user_edit.html", form=form, user=user)


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@roles_required(*USER_ADMINS)
def end_sessions(user_id):
    user = _user_in_scope(user_id)
    if not EndSessionsForm().validate_on_submit():
        abort(400)
    services.end_user_sessions(user, actor=current_user)
    flash(f"{user.name} has been signed out everywhere", "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@roles_required(*USER_ADMINS)
def reset_password(user_id):
    """A single-use link for the user to choose a new password, shown here for the admin to pass on
    (by phone or in person); the message that would carry it is recorded in the outbox."""
    user = _user_in_scope(user_id)
    if not EndSessionsForm().validate_on_submit():
        abort(400)
    link, reset = services.issue_password_reset(
        user, actor=current_user, link_for=lambda token: url_for("auth.password_reset", token=token, _external=True)
    )
    # Rendered, not redirected: the link exists only in this response (the database keeps its hash).
    return render_template("auth/admin/reset_link.html", user=user, link=link, expires_at=reset.expires_at_utc,
                           hours=services.RESET_LINK_HOURS)


@bp.route("/users/<int:user_id>/reset-mfa", methods=["POST"])
@roles_required(*USER_ADMINS)
def reset_mfa(user_id):
    user = _user_in_scope(user_id)
    if not EndSessionsForm().validate_on_submit():
        abort(400)
    mfa.reset_mfa(user, actor=current_user)
    flash(f"{user.name} will set up two-factor authentication again when they next sign in", "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.route("/agencies")
@roles_required(Role.ADMIN)
def agencies():
    return render_template("auth/admin/agencies.html", page=services.agencies_page(page=_page_number()))


@bp.route("/agencies/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_agency():
    form = NewAgencyForm()
    if form.validate_on_submit():
        try:
            agency = services.create_agency(form.name.data, AgencyKind(form.kind.data), actor=current_user)
        except services.AccountError as error:
            _field_error(form, error)
        else:
            flash(f"{agency.name} has been added", "success")
            return redirect(url_for(".agencies"))
    return render_template("auth/admin/agency_new.html", form=form)


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_agency(agency_id):
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = EditAgencyForm(data={"name": agency.name, "kind": agency.kind.value,
                                "status": "active" if agency.active else "disabled"})
    if form.validate_on_submit():
        try:
            services.update_agency(agency, name=form.name.data, kind=AgencyKind(form.kind.data),
                                   active=form.status.data == "active", actor=current_user)
        except services.AccountError as error:
            _field_error(form, error)
        else:
            flash(f"Changes to {agency.name} have been saved", "success")
            return redirect(url_for(".agencies"))
    return render_template("auth/admin/agency_edit.html", form=form, agency=agency)

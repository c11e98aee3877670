"""Administration of API clients (admins only): list, create (the token is shown once), revoke."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.api import services
from app.api.forms import NewClientForm, RevokeForm
from app.api.models import ApiClient
from app.auth.access import roles_required
from app.auth.models import Agency, Role
from app.cases import services as case_services
from app.common.navigation import register_nav
from app.common.time import utcnow
from app.extensions import db

bp = Blueprint("api_admin", __name__, url_prefix="/api-clients", template_folder="templates")


@bp.record_once
def _register_navigation(state):
    register_nav("API clients", "api_admin.clients", roles=(Role.ADMIN,), order=92,
                 match=("api_admin.clients", "api_admin.new_client", "api_admin.revoke_client"))


def _agency_choices():
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name, Agency.id))
    return [("", "Select an agency"), *((str(a.id), a.name) for a in agencies)]


@bp.route("")
@roles_required(Role.ADMIN)
def clients():
    page = services.clients_page(page=max(request.args.get("page", 1, type=int), 1))
    return render_template("api/clients.html", page=page, now=utcnow(), page_title="API clients")


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_client():
    form = NewClientForm()
    form.agency_id.choices = _agency_choices()
    if request.method == "GET":
        form.token.data = case_services.new_form_token()
    if form.validate_on_submit():
        if case_services.form_token_used(form.token.data):
            flash("That client was already created. Its token was shown once: if it was lost, revoke the client "
                  "and create another.", "success")
            return redirect(url_for(".clients"))
        agency = db.session.get(Agency, int(form.agency_id.data))
        try:
            client, token = services.create_client(agency=agency, name=form.name.data, actor=current_user,
                                                   lifetime_days=int(form.lifetime_days.data))
        except services.ApiClientError as error:
            getattr(form, error.field or "name").errors.append(str(error))
        else:
            case_services.use_form_token(form.token.data, current_user, client)
            # Shown on this response only: never stored, never in a redirect or the session.
            return render_template("api/token.html", client=client, token=token, page_title="API client created")
    return render_template("api/new_client.html", form=form, page_title="Create an API client")


@bp.route("/<int:client_id>/revoke", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def revoke_client(client_id):
    client = db.session.get(ApiClient, client_id) or abort(404)
    form = RevokeForm()
    if client.revoked_at_utc is None and form.validate_on_submit():
        services.revoke_client(client, actor=current_user)
        flash(f"The token of {client.name} no longer works", "success")
        return redirect(url_for(".clients"))
    return render_template("api/revoke.html", client=client, form=form, page_title=f"Revoke {client.name}")

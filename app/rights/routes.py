"""Individual rights pages, for IG officers only: subject access requests (record, extend, export, complete),
the retention report (a dry run anyone with the role can read) and legal holds. Thin routes: load (404
first), validate, call a service, redirect; otherwise re-render with the errors and what was typed. Every
page is audited under the purpose information_governance."""
import json
from io import BytesIO

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app import audit
from app.auth.access import require_recent_mfa, roles_required
from app.auth.models import Role
from app.cases.form_flow import show_errors
from app.cases.models import Family, Person
from app.common.navigation import register_nav
from app.common.pdf import render_pdf
from app.common.time import today_london
from app.extensions import db
from app.rights import access_export, forms, queries, services
from app.rights.models import RequestState, SubjectAccessRequest
from app.rights.services import IG
from app.sharing.export_limit import limited_export

bp = Blueprint("rights", __name__, template_folder="templates")

IG_ROLES = (Role.IG_OFFICER,)


@bp.record_once
def _register(state):
    register_nav("Subject access", "rights.requests", roles=IG_ROLES, order=71,
                 match=("rights.request", "rights.new_request", "rights.extend", "rights.complete", "rights.export"),
                 count=lambda user: queries.overdue_count(today_london()))
    register_nav("Retention", "rights.retention", roles=IG_ROLES, order=72,
                 match=("rights.retention", "rights.hold", "rights.find_family"))


def _request_or_404(request_id) -> SubjectAccessRequest:
    return db.session.get(SubjectAccessRequest, request_id) or abort(404)


# --- subject access ----------------------------------------------------------------------------------------

@bp.route("/information-governance/subject-access")
@roles_required(*IG_ROLES)
def requests():
    show = RequestState.COMPLETED if request.args.get("show") == "completed" else RequestState.OPEN
    rows = queries.requests(state=show)
    audit.record("SubjectAccessRequestsViewed", purpose=IG, shown=len(rows))
    return render_template("rights/requests.html", rows=rows, show=show.value, today=today_london(),
                           page_title="Subject access requests")


@bp.route("/information-governance/subject-access/new", methods=["GET", "POST"])
@roles_required(*IG_ROLES)
def new_request():
    person = None
    person_id = request.values.get("person_id", type=int)
    if person_id is not None:
        person = db.session.get(Person, person_id) or abort(404)
    if person is None:
        text = request.args.get("q", "").strip()
        people = queries.find_people(text) if text else []
        if text:
            audit.record("PeopleSearched", purpose=IG, shown=len(people))
        return render_template("rights/find_person.html", q=text, people=people, back=url_for(".requests"),
                               page_title="Record a subject access request")
    form = forms.RequestForm(person_id=person.id)
    if form.validate_on_submit():
        try:
            sar = services.record_request(person, requester_kind=form.requester_kind.data,
                                          requester_name=form.requester_name.data, received_on=form.received_on.data,
                                          verification=form.verification.data,
                                          verification_note=form.verification_note.data, actor=current_user)
        except services.RightsError as refusal:
            show_errors(form, refusal)
        else:
            flash(f"Request recorded: due {sar.due_on.strftime('%-d %B %Y')}", "success")
            return redirect(url_for(".request_detail", request_id=sar.id))
    audit.record("PersonViewed", object_type="person", object_id=person.id, family_id=person.family_id,
                 person_id=person.id, purpose=IG)
    return render_template("rights/request_form.html", form=form, person=person,
                           back=url_for(".new_request"), page_title="Record a subject access request")


@bp.route("/information-governance/subject-access/<int:request_id>")
@roles_required(*IG_ROLES)
def request_detail(request_id):
    sar = _request_or_404(request_id)
    audit.record("SubjectAccessRequestViewed", object_type="subject_access_request", object_id=sar.id,
                 family_id=sar.family_id, person_id=sar.person_id, purpose=IG)
    return render_template("rights/request.html", sar=sar, export_form=forms.ExportForm(), today=today_london(),
                           back=url_for(".requests"), page_title="Subject access request")


@bp.route("/information-governance/subject-access/<int:request_id>/extend", methods=["GET", "POST"])
@roles_required(*IG_ROLES)
def extend(request_id):
    sar = _request_or_404(request_id)
    form = forms.ExtendForm()
    if form.validate_on_submit():
        try:
            services.extend_request(sar, months=form.months.data, reason=form.reason.data, actor=current_user)
        except services.RightsError as refusal:
            show_errors(form, refusal)
        else:
            flash(f"Due date extended to {sar.due_on.strftime('%-d %B %Y')}", "success")
            return redirect(url_for(".request_detail", request_id=sar.id))
    return render_template("rights/request_step.html", sar=sar, form=form, fields=["months", "reason"],
                           back=url_for(".request_detail", request_id=sar.id), page_title="Extend the due date")


@bp.route("/information-governance/subject-access/<int:request_id>/complete", methods=["GET", "POST"])
@roles_required(*IG_ROLES)
def complete(request_id):
    sar = _request_or_404(request_id)
    form = forms.CompleteForm()
    if form.validate_on_submit():
        try:
            services.complete_request(sar, released_on=form.released_on.data, actor=current_user)
        except services.RightsError as refusal:
            show_errors(form, refusal)
        else:
            flash("Request completed", "success")
            return redirect(url_for(".request_detail", request_id=sar.id))
    return render_template("rights/request_step.html", sar=sar, form=form, fields=["released_on"],
                           back=url_for(".request_detail", request_id=sar.id), page_title="Complete the request")


@bp.route("/information-governance/subject-access/<int:request_id>/export.<export_format>", methods=["POST"])
@roles_required(*IG_ROLES)
@require_recent_mfa(15)
@limited_export("SubjectAccessExported")
def export(request_id, export_format):
    sar = _request_or_404(request_id)
    if export_format not in services.EXPORT_FORMATS or not forms.ExportForm().validate_on_submit():
        abort(400)
    bundle = access_export.gather(sar, current_user)
    items = sum(len(section.items) for section in bundle.sections)
    services.record_export(sar, export_format, actor=current_user, items=items, for_review=bundle.review_count)
    name = f"subject-access-{sar.id}-{bundle.family.reference}.{export_format}"
    if export_format == "json":
        data = json.dumps(bundle.as_json(), default=access_export.json_default, indent=2).encode()
        mimetype = "application/json"
    else:
        html = render_template("rights/pdf/subject_access.html", bundle=bundle, marking=access_export.MARKING,
                               council_name=current_app.config["COUNCIL_NAME"])
        data, mimetype = render_pdf(html), "application/pdf"
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


# --- retention and legal holds ---------------------------------------------------------------------------------

@bp.route("/information-governance/retention")
@roles_required(*IG_ROLES)
def retention():
    report = services.run_retention(today_london(), dry_run=True)
    audit.record("RetentionReportViewed", purpose=IG, due=len(report.due), kept=len(report.kept),
                 referrals=len(report.referrals))
    return render_template("rights/retention.html", report=report, holds=queries.holds_in_force(),
                           rule=queries.family_rule(), referral_years=queries.referral_years(),
                           anonymised=services.anonymised_count(), page_title="Retention")


@bp.route("/information-governance/legal-hold")
@roles_required(*IG_ROLES)
def find_family():
    """The retention page's "find a family" box: a family reference leads to its legal hold page."""
    reference = request.args.get("reference", "").strip().upper()
    family = db.session.scalar(sa.select(Family).where(Family.reference == reference)) if reference else None
    if family is None:
        flash(f"No family has the reference {reference}" if reference else "Enter a family reference", "error")
        return redirect(url_for(".retention"))
    return redirect(url_for(".hold", family_id=family.id))


@bp.route("/information-governance/families/<int:family_id>/legal-hold", methods=["GET", "POST"])
@roles_required(*IG_ROLES)
def hold(family_id):
    family = db.session.get(Family, family_id) or abort(404)
    current = queries.hold_in_force(family.id)
    form = forms.ClearHoldForm() if current else forms.HoldForm()
    if form.validate_on_submit():
        try:
            if current:
                services.clear_hold(current, reason=form.reason.data, actor=current_user)
            else:
                services.place_hold(family, reason=form.reason.data, actor=current_user)
        except services.RightsError as refusal:
            show_errors(form, refusal)
        else:
            flash("Legal hold cleared" if current else "Legal hold placed", "success")
            return redirect(url_for(".hold", family_id=family.id))
    audit.record("LegalHoldViewed", object_type="family", object_id=family.id, family_id=family.id, purpose=IG)
    return render_template("rights/hold.html", family=family, current=current, form=form,
                           history=queries.hold_history(family.id), anonymisation=queries.anonymisation_of(family.id),
                           back=url_for(".retention"), page_title=f"Legal hold: {family.reference}")


"""Outcome pages: the family's Outcomes tab (needs, evidence, sustainment and the claim conditions), adding
and deleting evidence, the near-miss and sustainment lists, and bulk evidence imports.

Pages about one family are declared with `family_access(..., Purpose.OUTCOME_EVIDENCE)`; every need and
evidence record is decided with the sharing policy and shown as withheld when the answer is no. Routes are
thin: load (404 first), authorise, validate, call a service, redirect; else re-render with the errors.
"""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import audit
from app.auth.access import roles_required
from app.auth.models import Agency, Role
from app.cases import safe_addresses
from app.cases import services as case_services
from app.cases.access import family_access, family_allows, get_child_or_404, viewer
from app.cases.form_flow import show_errors
from app.cases.forms import choices
from app.cases.models import Need
from app.cases.tabs import register_tab, tabs_for
from app.cases.visibility import content_decision, facts_of
from app.common.navigation import register_nav
from app.common.text import plural
from app.common.time import today_london
from app.common.uploads import send_stored_file
from app.extensions import db
from app.framework.models import Descriptor, HeadlineOutcome
from app.framework.services import version_in_force
from app.outcomes import forms, importer, queries, services
from app.outcomes.models import Evidence, EvidenceImportBatch, EvidenceImportRow, ImportRowStatus
from app.outcomes.timeline import value_text
from app.sharing.policy import Action, Purpose

bp = Blueprint("outcomes", __name__, template_folder="templates")

LIST_ROLES = (Role.KEY_WORKER, Role.PROGRAMME_MANAGER)
IMPORTERS = (Role.PROGRAMME_MANAGER,)
OE = Purpose.OUTCOME_EVIDENCE


@bp.record_once
def _register(state):
    from app.outcomes.timeline import register_evidence_timeline

    register_tab("outcomes", "Outcomes", "outcomes.family", order=55)
    register_evidence_timeline()
    register_nav("Near misses", "outcomes.near_misses", roles=LIST_ROLES, order=30, match=("outcomes.near_misses",))
    register_nav("Sustainment", "outcomes.sustainment", roles=LIST_ROLES, order=31, match=("outcomes.sustainment",))
    register_nav("Evidence imports", "outcomes.imports", roles=IMPORTERS, order=32,
                 match=("outcomes.imports", "outcomes.import_batch", "outcomes.resolve_row"))


def _page():
    return max(request.args.get("page", 1, type=int), 1)


def _may_work():
    return family_allows(Action.WORK_ON_FAMILY)


def _render(template, family, **context):
    return render_template(template, family=family, tabs=tabs_for(family, "outcomes"), tab="outcomes",
                           may_work=_may_work(), **context)


# --- the family's Outcomes tab -------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/outcomes")
@family_access(Action.OPEN_FAMILY, OE)
def family(family):
    outcomes = queries.family_outcomes(family, g.family_ties, viewer(), today_london())
    return _render("outcomes/family.html", family, page_title=f"Outcomes \u2013 {family.reference}",
                   outcomes=outcomes, value_text=value_text, agency_id=current_user.agency_id)


def _need_choices(family):
    ties, me = g.family_ties, viewer()
    rows = []
    for need in queries.family_needs(family.id):
        allowed = content_decision(me, facts_of(ties, need), OE)
        label = (f"{need.descriptor.headline.name}: {need.descriptor.description} ({need.descriptor.rule_text})"
                 if allowed else f"A need recorded by {need.holding_agency.name} ({need.category.label.lower()})")
        rows.append((need.id, label))
    return choices([("", "Select a need"), *rows])


@bp.route("/families/<int:family_id>/outcomes/evidence/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY, OE)
def new_evidence(family):
    form = forms.EvidenceForm()
    form.need_id.choices = _need_choices(family)
    form.person_ids.choices = choices((p.id, p.full_name) for p in family.members)
    if request.method == "GET":
        form.form_token.data = case_services.new_form_token()
        form.need_id.data = request.args.get("need_id", type=int)
    elif not form.form_token.data:
        form.form_token.data = case_services.new_form_token()
    if request.method == "POST" and case_services.form_token_used(form.form_token.data) is not None:
        flash("That evidence was already saved", "success")
        return redirect(url_for(".family", family_id=family.id))
    if form.validate_on_submit():
        need = get_child_or_404(Need, form.need_id.data, family)
        try:
            evidence = services.record_evidence(family, need=need, document=form.document.data, actor=current_user,
                                                **form.evidence_data())
        except services.InvalidEvidence as refusal:
            show_errors(form, refusal)
        else:
            case_services.use_form_token(form.form_token.data, current_user, evidence)
            flash("Evidence saved", "success")
            return redirect(url_for(".family", family_id=family.id, _anchor=f"need-{need.id}"))
    return render_template("outcomes/evidence_form.html", family=family, form=form, page_title="Add evidence",
                           back=url_for(".family", family_id=family.id))


def _load_evidence(family, evidence_id):
    evidence = get_child_or_404(Evidence, evidence_id, family)
    if evidence.deleted_at_utc is not None:
        abort(404)
    return evidence, queries.evidence_view(viewer(), g.family_ties, evidence)


@bp.route("/families/<int:family_id>/outcomes/evidence/<int:evidence_id>/document")
@family_access(Action.OPEN_FAMILY, OE)
def evidence_document(family, evidence_id):
    evidence, shown = _load_evidence(family, evidence_id)
    return send_stored_file(evidence.stored_file, shown.allowed is True)


@bp.route("/families/<int:family_id>/outcomes/evidence/<int:evidence_id>/delete", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY, OE)
def delete_evidence(family, evidence_id):
    evidence, shown = _load_evidence(family, evidence_id)
    if not shown.allowed or evidence.holding_agency_id != current_user.agency_id:
        abort(403)
    form = forms.DeleteEvidenceForm()
    if form.validate_on_submit():
        try:
            services.delete_evidence(evidence, reason=form.reason.data, actor=current_user)
        except (services.InvalidEvidence, services.OutcomeError) as refusal:
            show_errors(form, refusal)
        else:
            flash("Evidence deleted", "success")
            return redirect(url_for(".family", family_id=family.id))
    return render_template("outcomes/delete.html", family=family, form=form, evidence=evidence,
                           value_text=value_text, page_title="Delete evidence",
                           back=url_for(".family", family_id=family.id))


# --- lists -----------------------------------------------------------------------------------------------

def _audit_list(action, page, **details):
    """A list of families is a view of each family on it, as the cases search is: ids and counts only, with the
    other agencies' needs it may name, shown under the policy's content filter (consent, basis or grant)."""
    audit.record(action, object_type="family_list", purpose=OE.value, results=page.total, page=page.page,
                 basis="sharing_policy", family_ids=[row.family_id for row in page.items],
                 shared_need_ids=[i for row in page.items for i in row.shared_need_ids], **details)


@bp.route("/outcomes/near-misses")
@roles_required(*LIST_ROLES)
def near_misses():
    today = today_london()
    page = queries.ListPage(queries.near_miss_rows(current_user, today), _page())
    _audit_list("NearMissesListed", page)
    return render_template("outcomes/near_misses.html", page=page, today=today, page_title="Near misses")


@bp.route("/outcomes/sustainment")
@roles_required(*LIST_ROLES)
def sustainment():
    today = today_london()
    state = request.args.get("state", "")
    if state not in queries.SUSTAINMENT_FILTERS:
        state = ""
    page = queries.ListPage(queries.sustainment_rows(current_user, today, state), _page())
    _audit_list("SustainmentListed", page, state=state or None)
    return render_template("outcomes/sustainment.html", page=page, today=today, state=state,
                           filters=queries.SUSTAINMENT_FILTERS, page_title="Sustainment")


# --- imports ---------------------------------------------------------------------------------------------

def _import_form():
    form = forms.ImportForm()
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name, Agency.id))
    form.agency_id.choices = choices([("", "Select an agency"), *((a.id, a.name) for a in agencies)])
    version = version_in_force(today_london())
    rows = []
    if version is not None:
        rows = db.session.execute(
            select(Descriptor.id, HeadlineOutcome.name, Descriptor.description, Descriptor.code)
            .join(HeadlineOutcome, Descriptor.headline_id == HeadlineOutcome.id)
            .where(Descriptor.version_id == version.id, Descriptor.active.is_(True))
            .order_by(HeadlineOutcome.order, Descriptor.order, Descriptor.id)).all()
    form.descriptor_id.choices = choices([("", "Select a need"),
                                          *((r.id, f"{r.name}: {r.description} ({r.code})") for r in rows)])
    return form, version


@bp.route("/outcomes/imports", methods=["GET", "POST"])
@roles_required(*IMPORTERS)
def imports():
    form, version = _import_form()
    problems = None
    if form.validate_on_submit():
        agency = db.session.get(Agency, form.agency_id.data)
        descriptor = db.session.get(Descriptor, form.descriptor_id.data)
        upload = request.files.get("file")
        if agency is None or not agency.active:
            form.agency_id.errors.append("Select the agency the data comes from")
        elif descriptor is None or version is None or descriptor.version_id != version.id:
            form.descriptor_id.errors.append("Select the need the file measures")
        elif upload is None or not upload.filename:
            form.file.errors.append("Select a CSV file")
        else:
            data = upload.stream.read(importer.max_bytes() + 1)
            try:
                result = importer.import_evidence(data, upload.filename, agency=agency, descriptor=descriptor,
                                                  actor=current_user)
            except importer.ImportRefused as refused:
                problems = refused.problems
                form.file.errors.append(
                    problems[0].message if len(problems) == 1 and problems[0].line is None
                    else f"The file has {plural(len(problems), 'problem')}: nothing was "
                         "imported. Fix them and upload the file again")
            else:
                flash(f"{plural(result.attached, 'row')} attached, {result.held} held "
                      "for you to check", "success")
                return redirect(url_for(".import_batch", batch_id=result.batch.id))
    return render_template("outcomes/imports.html", form=form, problems=problems, batches=queries.import_batches(
        _page()), columns=importer.ALL_COLUMNS, required=importer.REQUIRED_COLUMNS, page_title="Evidence imports")


def _batch_or_404(batch_id):
    batch = db.session.get(EvidenceImportBatch, batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.route("/outcomes/imports/<int:batch_id>")
@roles_required(*IMPORTERS)
def import_batch(batch_id):
    batch = _batch_or_404(batch_id)
    held = queries.held_rows(batch)
    return render_template("outcomes/import_batch.html", batch=batch, held=held, counts=queries.batch_status_counts(
        batch), statuses=ImportRowStatus, page_title=f"Evidence import {batch.id}")


@bp.route("/outcomes/imports/<int:batch_id>/rows/<int:row_id>", methods=["GET", "POST"])
@roles_required(*IMPORTERS)
def resolve_row(batch_id, row_id):
    batch = _batch_or_404(batch_id)
    row = db.session.get(EvidenceImportRow, row_id)
    if row is None or row.batch_id != batch.id:
        abort(404)
    if row.status not in (ImportRowStatus.UNMATCHED, ImportRowStatus.AMBIGUOUS):
        flash("That row has already been dealt with", "success")
        return redirect(url_for(".import_batch", batch_id=batch.id))
    candidates = queries.candidates_of([row])
    addresses = safe_addresses.shield_for(current_user, *{p.family_id for p in candidates.values()})
    form = forms.ResolveRowForm()
    form.person_id.choices = choices([
        *((str(pid), f"{p.full_name}, born {p.date_of_birth:%-d %B %Y}" if p.date_of_birth else p.full_name)
          for pid, p in candidates.items()),
        ("none", "None of these: do not attach this row")])
    if form.validate_on_submit():
        choice = form.person_id.data
        try:
            if choice == "none":
                importer.discard_row(row, actor=current_user)
                flash(f"Line {row.line} will not be attached", "success")
            else:
                if not choice.isdigit():
                    raise services.InvalidEvidence({"person_id": "Select one of the people listed"})
                importer.resolve_row(row, int(choice), actor=current_user)
                flash(f"Line {row.line} attached", "success")
        except importer.RowNotHeld as refusal:
            flash(str(refusal), "success")
        except services.InvalidEvidence as refusal:
            show_errors(form, refusal)
            return render_template("outcomes/resolve_row.html", batch=batch, row=row, candidates=candidates,
                                   addresses=addresses, form=form, page_title=f"Line {row.line}")
        return redirect(url_for(".import_batch", batch_id=batch.id))
    return render_template("outcomes/resolve_row.html", batch=batch, row=row, candidates=candidates,
                           addresses=addresses, form=form, page_title=f"Line {row.line}")

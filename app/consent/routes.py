"""Consent and sharing pages. Thin routes: load (404 first), authorise, validate, call a service in
app.sharing.services, redirect; otherwise re-render with the errors and what was typed."""
from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app import audit
from app.audit.models import AuditEvent
from app.auth.access import object_access, require_recent_mfa, roles_required
from app.auth.models import Agency, Role, User
from app.cases import services as case_services
from app.cases.access import family_access, family_allows, get_child_or_404, load_family
from app.cases.form_flow import already_sent, fresh_token, show_errors
from app.cases.models import Family, Person
from app.cases.names import normalise_name
from app.cases.queries import family_people
from app.cases.tabs import register_tab, tabs_for
from app.common.navigation import register_nav
from app.common.per_request import once_per_request
from app.common.time import london_time, today_london, utcnow
from app.common.uploads import UploadRefused, delete_stored_file, store_upload
from app.consent import forms
from app.extensions import db
from app.framework.categories import DataCategory
from app.sharing import queries as sharing_queries
from app.sharing import services
from app.sharing.models import (
    Agreement,
    BreakGlassGrant,
    Consent,
    IgAlert,
    RequestStatus,
    SharingBasis,
    SharingRequest,
)
from app.sharing.policy import Action, Purpose

bp = Blueprint("consent", __name__, template_folder="templates")

WORKERS = (Role.KEY_WORKER, Role.PRACTITIONER, Role.PROGRAMME_MANAGER)
PER_PAGE = 25


@bp.record_once
def _register(state):
    register_tab("consent", "Consent and sharing", "consent.family", order=105)
    register_nav("Sharing requests", "consent.requests", roles=WORKERS, order=40, match=("consent.request",),
                 count=lambda user: services_open_requests(user))
    register_nav("Emergency access", "consent.break_glass_search", roles=WORKERS, order=41,
                 match=("consent.break_glass",))
    register_nav("Sharing agreements", "consent.agreements", roles=(Role.ADMIN,), order=70,
                 match=("consent.agreement",))
    register_nav("Information governance", "consent.ig_alerts", roles=(Role.IG_OFFICER,), order=70,
                 match=("consent.ig_",))
    state.app.context_processor(_break_glass_banner)


def services_open_requests(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(SharingRequest.id)).where(
        SharingRequest.holding_agency_id == user.agency_id, SharingRequest.status == RequestStatus.OPEN)) or 0


@once_per_request
def _break_glass_banner():
    """Every page shows the live emergency grants of the signed-in user."""
    if not getattr(current_user, "is_authenticated", False):
        return {}
    grants = db.session.execute(sa.select(BreakGlassGrant.family_id, BreakGlassGrant.expires_at_utc, Family.reference)
                                .join(Family, Family.id == BreakGlassGrant.family_id)
                                .where(BreakGlassGrant.user_id == current_user.id,
                                       BreakGlassGrant.expires_at_utc > utcnow(),
                                       BreakGlassGrant.ended_at_utc.is_(None))
                                .order_by(BreakGlassGrant.expires_at_utc)).all()
    # Shown in London time, like every time a person reads in Hearth.
    banner = [{"family_id": grant.family_id, "reference": grant.reference, "until": london_time(grant.expires_at_utc)}
              for grant in grants]
    return {"break_glass_banner": banner} if banner else {}


def _agencies():
    return list(db.session.scalars(sa.select(Agency).where(Agency.active.is_(True)).order_by(Agency.name, Agency.id)))


def _people_choices(family):
    return forms.choices((p.id, p.full_name) for p in family_people(family))


# --- the family's "Consent and sharing" tab ----------------------------------------------------------------

@bp.route("/families/<int:family_id>/consent")
@family_access()
def family(family):
    today = today_london()
    consents = db.session.scalars(sa.select(Consent).where(Consent.family_id == family.id)
                                  .options(selectinload(Consent.scopes), selectinload(Consent.person),
                                           selectinload(Consent.recorded_by))
                                  .order_by(Consent.given_on.desc(), Consent.id.desc())).all()
    bases = db.session.scalars(sa.select(SharingBasis).where(SharingBasis.family_id == family.id)
                               .options(selectinload(SharingBasis.holding_agency),
                                        selectinload(SharingBasis.recipient_agency),
                                        selectinload(SharingBasis.decided_by), selectinload(SharingBasis.people))
                               .order_by(SharingBasis.decided_on.desc(), SharingBasis.id.desc())).all()
    requests_ = db.session.scalars(sa.select(SharingRequest).where(SharingRequest.family_id == family.id)
                                   .options(selectinload(SharingRequest.holding_agency),
                                            selectinload(SharingRequest.requesting_agency))
                                   .order_by(SharingRequest.created_at_utc.desc(), SharingRequest.id.desc())).all()
    names = {p.id: p.full_name for p in family_people(family)}
    agencies = {a.id: a.name for a in _agencies()}
    may_work = family_allows(Action.WORK_ON_FAMILY)
    return render_template("consent/family.html", family=family, tabs=tabs_for(family, "consent"), tab="consent",
                           consents=consents, bases=bases, requests=requests_, names=names, agencies=agencies,
                           today=today, may_work=may_work, may_safeguard=current_user.role.value in (
                               "practitioner", "key_worker", "programme_manager") and may_work,
                           page_title=f"Consent and sharing \u2013 {family.reference}", withdraw=forms.ConfirmForm())


@bp.route("/families/<int:family_id>/consent/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_consent(family):
    form = forms.ConsentForm()
    fresh_token(form)
    form.person_ids.choices = _people_choices(family)
    back = url_for(".family", family_id=family.id)
    if already_sent(form):
        flash("That agreement was already recorded", "success")
        return redirect(back)
    if form.validate_on_submit():
        stored = None
        try:
            upload = form.signed_form.data  # already checked by the form's upload validator
            stored = store_upload(upload) if upload and upload.filename else None
            if form.method.data == "signed_form" and stored is None:
                raise services.SharingError("Upload the signed form", "signed_form")
            scope = [(c, None, k, p) for c in form.categories.data for k in form.recipient_kinds.data
                     for p in form.purposes.data]
            consents = services.record_consent(
                family, person_ids=form.person_ids.data, given_by=form.given_by.data,
                given_by_name=form.given_by_name.data, child_competent=form.child_competent.data,
                given_on=form.given_on.data, method=form.method.data, witness_name=form.witness_name.data,
                signed_form=stored, review_on=form.review_on.data, scope=scope, actor=current_user)
        except UploadRefused as refusal:
            form.signed_form.errors = [*form.signed_form.errors, refusal.message]
        except services.SharingError as refusal:
            if stored is not None:
                # Nothing was recorded, so the signed form is not kept (the page is shown again and committed).
                delete_stored_file(stored)
                form.signed_form.errors = [*form.signed_form.errors,
                                           "Select the file again: files are not kept when something else needs "
                                           "fixing"]
            show_errors(form, refusal)
        else:
            case_services.use_form_token(form.form_token.data, current_user, consents[0])
            flash("Agreement recorded", "success")
            return redirect(back)
    return render_template("consent/consent_form.html", family=family, form=form, back=back,
                           page_title="Record agreement to share")


@bp.route("/families/<int:family_id>/consent/<int:consent_id>/withdraw", methods=["POST"])
@family_access(Action.WORK_ON_FAMILY)
def withdraw_consent(family, consent_id):
    consent = get_child_or_404(Consent, consent_id, family)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        services.withdraw_consent(consent, actor=current_user)
        flash("Agreement withdrawn. It no longer allows sharing.", "success")
    return redirect(url_for(".family", family_id=family.id))


@bp.route("/families/<int:family_id>/bases/<int:basis_id>/withdraw", methods=["POST"])
@family_access(Action.WORK_ON_FAMILY)
def withdraw_basis(family, basis_id):
    basis = get_child_or_404(SharingBasis, basis_id, family)
    if basis.holding_agency_id != current_user.agency_id:
        abort(403)
    if forms.ConfirmForm().validate_on_submit():
        services.withdraw_basis(basis, actor=current_user)
        flash("Decision to share withdrawn", "success")
    return redirect(url_for(".family", family_id=family.id))


@bp.route("/families/<int:family_id>/safeguarding", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def safeguarding(family):
    form = forms.SafeguardingForm()
    fresh_token(form)
    form.person_ids.choices = _people_choices(family)
    form.recipient_agency_id.choices = forms.choices(
        [(0, "Select an agency"), *((a.id, a.name) for a in _agencies() if a.id != current_user.agency_id)])
    back = url_for(".family", family_id=family.id)
    if already_sent(form):
        return redirect(back)
    if form.validate_on_submit():
        try:
            basis = services.record_basis(
                family, kind="safeguarding", holding_agency_id=current_user.agency_id,
                recipient_agency_id=form.recipient_agency_id.data, category=form.category.data,
                person_ids=form.person_ids.data, reason=form.reason.data, review_on=form.review_on.data,
                actor=current_user)
        except services.SharingError as refusal:
            show_errors(form, refusal)
        else:
            case_services.use_form_token(form.form_token.data, current_user, basis)
            flash("Decision to share recorded. An information governance officer will review it.", "success")
            return redirect(back)
    return render_template("consent/safeguarding_form.html", family=family, form=form, back=back,
                           page_title="Share without agreement: safeguarding")


# --- asking to share, and answering -----------------------------------------------------------------------

def _category_or_404(code):
    try:
        return DataCategory(code)
    except ValueError:
        abort(404)


@bp.route("/families/<int:family_id>/ask", methods=["GET", "POST"])
@family_access()
def ask_to_share(family):
    holder = db.session.get(Agency, request.args.get("agency_id", type=int) or 0) or abort(404)
    category = _category_or_404(request.args.get("category", ""))
    members = {p.id: p for p in family_people(family)}
    people = [int(p) for p in (request.args.get("people") or "").split(",") if p.isdigit()]
    if any(p not in members for p in people):
        abort(404)
    form = forms.AskForm()
    if form.validate_on_submit():
        try:
            services.request_sharing(family, holding_agency_id=holder.id, category=category, person_ids=people,
                                     why=form.why.data, actor=current_user)
        except services.SharingError as refusal:
            show_errors(form, refusal)
        else:
            flash(f"Request sent to {holder.name}", "success")
            return redirect(url_for(".family", family_id=family.id))
    return render_template("consent/ask.html", family=family, form=form, holder=holder, category=category,
                           people=[members[p] for p in people], back=url_for("cases.summary", family_id=family.id),
                           page_title=f"Ask {holder.name} to share")


@bp.route("/sharing/requests")
@roles_required(*WORKERS)
def requests():
    page = max(request.args.get("page", 1, type=int), 1)
    query = (sa.select(SharingRequest).where(SharingRequest.holding_agency_id == current_user.agency_id)
             .options(selectinload(SharingRequest.requesting_agency), selectinload(SharingRequest.requested_by))
             .order_by(SharingRequest.status != RequestStatus.OPEN, SharingRequest.created_at_utc.desc(),
                       SharingRequest.id.desc()))
    rows = db.session.scalars(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all()
    families = {f.id: f.reference for f in db.session.scalars(
        sa.select(Family).where(Family.id.in_({r.family_id for r in rows})).order_by(Family.id))}
    return render_template("consent/requests.html", rows=rows[:PER_PAGE], families=families, page=page,
                           has_next=len(rows) > PER_PAGE, page_title="Sharing requests to answer")


def _load_request(request_id):
    req = db.session.get(SharingRequest, request_id)
    if req is None or req.holding_agency_id != current_user.agency_id:
        if req is not None:
            audit.record_refusal("SharingRequestAccessRefused", object_type="sharing_request", object_id=request_id)
        abort(404)
    return req


@bp.route("/sharing/requests/<int:request_id>", methods=["GET", "POST"])
@object_access("sharing request: the holding agency answers")
def request_answer(request_id):
    req = _load_request(request_id)
    family = db.session.get(Family, req.family_id)
    form = forms.AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_request(req, family, answer=form.answer.data, reason=form.reason.data,
                                    review_on=form.review_on.data, actor=current_user)
        except services.SharingError as refusal:
            show_errors(form, refusal)
        else:
            flash("Answer recorded", "success")
            return redirect(url_for(".requests"))
    names = {p.id: p.full_name for p in family_people(family)}
    audit.record("SharingRequestViewed", object_type="sharing_request", object_id=req.id, family_id=family.id)
    return render_template("consent/answer.html", req=req, family=family, form=form, names=names,
                           may_answer=services.may_decide_for(current_user, req.holding_agency_id, family),
                           duty_in_force=sharing_queries.duty_to_share_in_force(), back=url_for(".requests"),
                           page_title="Answer a sharing request")


# --- information sharing agreements (administrators) -------------------------------------------------------

@bp.route("/sharing/agreements")
@roles_required(Role.ADMIN, Role.IG_OFFICER)
def agreements():
    rows = db.session.scalars(sa.select(Agreement).options(selectinload(Agreement.flows))
                              .order_by(Agreement.review_on, Agreement.id)).all()
    return render_template("consent/agreements.html", rows=rows, today=today_london(),
                           page_title="Information sharing agreements")


@bp.route("/sharing/agreements/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def agreement_new():
    form = forms.AgreementForm()
    fresh_token(form)
    if already_sent(form):
        return redirect(url_for(".agreements"))
    if form.validate_on_submit():
        flows = [(f, t, c, p) for f in form.from_kinds.data for t in form.to_kinds.data
                 for c in form.categories.data for p in form.purposes.data]
        try:
            agreement = services.create_agreement(name=form.name.data, starts_on=form.starts_on.data,
                                                  review_on=form.review_on.data, flows=flows, actor=current_user)
        except services.SharingError as refusal:
            show_errors(form, refusal)
        else:
            case_services.use_form_token(form.form_token.data, current_user, agreement)
            flash("Agreement saved", "success")
            return redirect(url_for(".agreements"))
    return render_template("consent/agreement_form.html", form=form, back=url_for(".agreements"),
                           page_title="New information sharing agreement")


@bp.route("/sharing/agreements/<int:agreement_id>/end", methods=["POST"])
@roles_required(Role.ADMIN)
def agreement_end(agreement_id):
    agreement = db.session.get(Agreement, agreement_id) or abort(404)
    if forms.ConfirmForm().validate_on_submit():
        services.end_agreement(agreement, actor=current_user)
        flash("Agreement ended: it no longer allows sharing", "success")
    return redirect(url_for(".agreements"))


# --- break-glass ---------------------------------------------------------------------------------------

def _require_break_glass():
    if not services.may_break_glass(current_user):
        audit.record_refusal("BreakGlassRefused", object_type="endpoint", object_id=request.endpoint)
        abort(403)


@bp.route("/emergency-access")
@roles_required(*WORKERS)
def break_glass_search():
    _require_break_glass()
    form = forms.BreakGlassSearchForm(request.args)
    results = []
    searched = bool(request.args.get("submit"))
    if searched and form.validate():
        query = sa.select(Person.given_name, Person.family_name, Person.date_of_birth, Family.id, Family.reference
                          ).join(Family, Family.id == Person.family_id)
        clauses = []
        if form.name.data:
            for word in form.name.data.split()[:3]:
                normal = normalise_name(word)
                clauses.append(sa.or_(Person.given_name_normal.startswith(normal, autoescape=True),
                                      Person.family_name_normal.startswith(normal, autoescape=True)))
        if form.reference.data:
            clauses.append(Family.reference == form.reference.data.strip().upper())
        if form.date_of_birth.data:
            clauses.append(Person.date_of_birth == form.date_of_birth.data)
        if clauses:
            results = db.session.execute(query.where(*clauses).order_by(Family.reference, Person.family_name,
                                                                        Person.given_name, Person.id).limit(25)).all()
        audit.record("BreakGlassSearched", object_type="family_search", results=len(results),
                     by_name=bool(form.name.data), by_reference=bool(form.reference.data),
                     by_date_of_birth=bool(form.date_of_birth.data))
    return render_template("consent/break_glass_search.html", form=form, results=results, searched=searched,
                           page_title="Emergency access to a family")


@bp.route("/emergency-access/families/<int:family_id>", methods=["GET", "POST"])
@roles_required(*WORKERS)
@require_recent_mfa(15)
def break_glass(family_id):
    _require_break_glass()
    family = db.session.get(Family, family_id) or abort(404)
    form = forms.BreakGlassForm()
    if form.validate_on_submit():
        try:
            services.open_break_glass(family, reason=form.reason.data, justification=form.justification.data,
                                      actor=current_user)
        except services.BreakGlassNotAllowed:
            abort(403)
        except services.SharingError as refusal:
            show_errors(form, refusal)
        else:
            flash(f"Emergency access open for {sharing_queries.break_glass_hours()} hours. "
                  "An information governance officer will review it.", "success")
            return redirect(url_for("cases.summary", family_id=family.id))
    return render_template("consent/break_glass.html", family=family, form=form,
                           hours=sharing_queries.break_glass_hours(), back=url_for(".break_glass_search"),
                           page_title="Open a family record in an emergency")


# --- information governance ------------------------------------------------------------------------------

IG = (Role.IG_OFFICER,)


@bp.route("/information-governance/alerts")
@roles_required(*IG)
def ig_alerts():
    show = request.args.get("show", "open")
    query = (sa.select(IgAlert).options(selectinload(IgAlert.raised_for), selectinload(IgAlert.grant),
                                        selectinload(IgAlert.basis), selectinload(IgAlert.reviewed_by))
             .order_by(IgAlert.due_on, IgAlert.id))
    query = query.where(IgAlert.reviewed_at_utc.is_(None) if show == "open" else IgAlert.reviewed_at_utc.is_not(None))
    rows = db.session.scalars(query.limit(200)).all()
    families = {f.id: f.reference for f in db.session.scalars(
        sa.select(Family).where(Family.id.in_({r.family_id for r in rows})).order_by(Family.id))}
    audit.record("IgAlertsViewed", purpose=Purpose.INFORMATION_GOVERNANCE.value, shown=len(rows))
    return render_template("consent/ig_alerts.html", rows=rows, families=families, today=today_london(), show=show,
                           page_title="Alerts to review")


@bp.route("/information-governance/alerts/<int:alert_id>", methods=["GET", "POST"])
@roles_required(*IG)
def ig_alert(alert_id):
    alert = db.session.get(IgAlert, alert_id) or abort(404)
    form = forms.ReviewForm()
    if form.validate_on_submit():
        try:
            services.review_alert(alert, outcome=form.outcome.data, note=form.note.data, actor=current_user)
        except services.SharingError as refusal:
            show_errors(form, refusal)
        else:
            flash("Review recorded", "success")
            return redirect(url_for(".ig_alerts"))
    family = db.session.get(Family, alert.family_id) if alert.family_id is not None else None
    audit.record("IgAlertViewed", object_type="ig_alert", object_id=alert.id, family_id=alert.family_id,
                 purpose=Purpose.INFORMATION_GOVERNANCE.value)
    return render_template("consent/ig_alert.html", alert=alert, family=family, form=form, today=today_london(),
                           back=url_for(".ig_alerts"), page_title="Review an alert")


@bp.route("/information-governance/families/<int:family_id>/access")
@roles_required(*IG)
def ig_family_access(family_id):
    # Through the policy's information-governance tie (public task), like every other read of a family.
    family, _, _ = load_family(current_user, family_id, Action.OPEN_FAMILY, Purpose.INFORMATION_GOVERNANCE)
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.session.execute(
        sa.select(AuditEvent.occurred_at_utc, AuditEvent.action, AuditEvent.purpose, AuditEvent.basis,
                  AuditEvent.outcome, User.name, Agency.name.label("agency"))
        .outerjoin(User, User.id == AuditEvent.actor_user_id).outerjoin(Agency, Agency.id == AuditEvent.actor_agency_id)
        .where(AuditEvent.family_id == family.id).order_by(AuditEvent.seq.desc())
        .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all()
    audit.record("FamilyAccessLogViewed", object_type="family", object_id=family.id, family_id=family.id,
                 purpose=Purpose.INFORMATION_GOVERNANCE.value, basis="public_task")
    return render_template("consent/ig_access.html", family=family, rows=rows[:PER_PAGE], page=page,
                           people=family_people(family),
                           has_next=len(rows) > PER_PAGE, page_title=f"Who accessed {family.reference}")


@bp.route("/information-governance/decisions")
@roles_required(*IG)
def ig_decisions():
    bases = db.session.scalars(sa.select(SharingBasis).options(
        selectinload(SharingBasis.holding_agency), selectinload(SharingBasis.recipient_agency),
        selectinload(SharingBasis.decided_by)).order_by(SharingBasis.decided_on.desc(), SharingBasis.id.desc())
        .limit(200)).all()
    refusals = db.session.scalars(sa.select(SharingRequest).where(SharingRequest.status == RequestStatus.REFUSED)
                                  .options(selectinload(SharingRequest.holding_agency),
                                           selectinload(SharingRequest.requesting_agency),
                                           selectinload(SharingRequest.answered_by))
                                  .order_by(SharingRequest.answered_at_utc.desc(), SharingRequest.id.desc())
                                  .limit(200)).all()
    ids = {b.family_id for b in bases} | {r.family_id for r in refusals}
    families = {f.id: f.reference for f in db.session.scalars(
        sa.select(Family).where(Family.id.in_(ids)).order_by(Family.id))}
    audit.record("SharingDecisionsViewed", purpose=Purpose.INFORMATION_GOVERNANCE.value)
    return render_template("consent/ig_decisions.html", bases=bases, refusals=refusals, families=families,
                           page_title="Sharing decisions")


@bp.route("/information-governance/due")
@roles_required(*IG)
def ig_due():
    today = today_london()
    soon = today + timedelta(days=30)
    consents = db.session.execute(
        sa.select(Consent.id, Consent.family_id, Consent.review_on, Family.reference)
        .join(Family, Family.id == Consent.family_id)
        .where(Consent.withdrawn_on.is_(None), Consent.review_on.is_not(None), Consent.review_on <= soon)
        .order_by(Consent.review_on, Consent.id).limit(200)).all()
    bases = db.session.execute(
        sa.select(SharingBasis.id, SharingBasis.kind, SharingBasis.review_on, Family.reference)
        .join(Family, Family.id == SharingBasis.family_id)
        .where(SharingBasis.withdrawn_on.is_(None), SharingBasis.review_on <= soon)
        .order_by(SharingBasis.review_on, SharingBasis.id).limit(200)).all()
    agreements_ = db.session.scalars(sa.select(Agreement).where(Agreement.ended_on.is_(None),
                                                                Agreement.review_on <= soon)
                                     .order_by(Agreement.review_on, Agreement.id)).all()
    audit.record("SharingReviewsDueViewed", purpose=Purpose.INFORMATION_GOVERNANCE.value)
    return render_template("consent/ig_due.html", consents=consents, bases=bases, agreements=agreements_,
                           today=today, page_title="Due for review")

"""Claims pages for finance officers, internal auditors and administrators: rounds and their claims, the
background build, four-eyes approval (step-up), the audit sample, submission and payment, finance exports
(step-up, audited), the annual target, administrators' overrides, and each sampled family's evidence pack
for internal audit (purpose claim_assurance, through the sharing policy)."""
import json
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from app import audit
from app.auth.access import require_recent_mfa, roles_required
from app.auth.models import Role
from app.cases.access import register_tie_source
from app.cases.models import Family
from app.cases.services import form_token_used, new_form_token, use_form_token
from app.claims import exports, forms, pack, queries, rounds, services
from app.claims import jobs as claim_jobs
from app.claims.models import Claim, ClaimSnapshot, RoundStatus
from app.common.navigation import register_nav
from app.common.time import today_london
from app.extensions import db
from app.outcomes.facts_builder import programme, register_facts_provider
from app.sharing.export_limit import limited_export

bp = Blueprint("claims", __name__, url_prefix="/claims", template_folder="templates")

FINANCE = (Role.FINANCE_OFFICER,)
AUDIT = (Role.INTERNAL_AUDITOR,)
READERS = (Role.FINANCE_OFFICER, Role.INTERNAL_AUDITOR, Role.ADMIN)
EXPORTERS = (Role.FINANCE_OFFICER, Role.INTERNAL_AUDITOR)
STEP_UP_MINUTES = 15

register_nav("Claims", "claims.index", roles=READERS, order=65, match=("claims.",))


@bp.record_once
def _register(state):
    claim_jobs.register()
    register_facts_provider(services.claims_facts_provider)
    register_tie_source(queries.CLAIM_SAMPLE_TIE)


def _page():
    return request.args.get("page", 1, type=int) if request.args.get("page", "1").isdigit() else 1


def _load_round(code):
    claim_round = queries.round_by_code(code)
    if claim_round is None:
        abort(404)
    return claim_round


def _load_claim(claim_id):
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        abort(404)
    return claim


# --- the finance page --------------------------------------------------------------------------------------

def _index(build_form=None, target_form=None, status=200):
    rows, total = queries.rounds_page(max(1, _page()))
    progress = queries.target_progress(today_london())
    return render_template("claims/index.html", rows=rows, total=total, page=max(1, _page()),
                           per_page=queries.PER_PAGE, progress=progress, money=rounds.money,
                           build_form=build_form or forms.BuildRoundForm(),
                           target_form=target_form or forms.TargetForm(data={"target": progress.target}),
                           is_finance=current_user.role in FINANCE, is_admin=current_user.role == Role.ADMIN,
                           form=build_form if build_form and build_form.errors else target_form), status


@bp.route("/")
@roles_required(*READERS)
def index():
    return _index()


@bp.route("/build", methods=["POST"])
@roles_required(*FINANCE)
def build():
    form = forms.BuildRoundForm()
    if form.validate_on_submit():
        month, today = rounds.parse_round(form.month.data), today_london()
        claim_round = queries.round_by_code(form.month.data)
        if today < month:
            form.month.errors = [f"The round for {month:%B %Y} cannot be built before 1 {month:%B %Y}"]
        elif claim_round is not None and claim_round.status != RoundStatus.DRAFT:
            form.month.errors = [f"The {month:%B %Y} round is {claim_round.status.label.lower()}: it can no longer "
                                 "be rebuilt"]
        else:
            job = claim_jobs.request_build(month, current_user, today)
            return redirect(url_for("scheduler.status", job_id=job.id))
    return _index(build_form=form, status=400)


@bp.route("/target", methods=["POST"])
@roles_required(Role.FINANCE_OFFICER, Role.ADMIN)
def set_target():
    form = forms.TargetForm()
    if form.validate_on_submit():
        services.set_target(rounds.financial_year_starting(today_london()), int(form.target.data), current_user)
        flash("Target saved", "success")
        return redirect(url_for("claims.index"))
    return _index(target_form=form, status=400)


# --- a round ---------------------------------------------------------------------------------------------

def _round_page(claim_round, *, status=200, form=None, submitted_form=None, paid_form=None, error=None):
    totals = services.totals(claim_round)
    claims = queries.claims_page(claim_round, max(1, _page()))
    is_finance = current_user.role in FINANCE
    return render_template(
        "claims/round.html", claim_round=claim_round, totals=totals, claims=claims, money=rounds.money,
        is_finance=is_finance, is_auditor=current_user.role in AUDIT, may_export=current_user.role in EXPORTERS,
        prepared_it=current_user.id in services.builders(claim_round), confirm=forms.ConfirmForm(),
        submitted_form=submitted_form or forms.SubmittedForm(data={"amount": rounds.pounds(totals.amount_pence)}),
        paid_form=paid_form or forms.PaidForm(data={"amount": rounds.pounds(claim_round.submitted_amount_pence)}),
        form=form, error=error,
        invalid_rate=None if totals.invalid_rate is None else round(totals.invalid_rate * 100, 1),
        page_title=f"Claim round {claim_round.code}"), status


@bp.route("/rounds/<code>")
@roles_required(*READERS)
def round_detail(code):
    return _round_page(_load_round(code))


@bp.route("/rounds/<code>/approve", methods=["POST"])
@roles_required(*FINANCE)
@require_recent_mfa(STEP_UP_MINUTES)
def approve(code):
    claim_round = _load_round(code)
    form = forms.ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.approve_round(claim_round, current_user)
    except services.SameUserRefused as exc:
        audit.record_refusal("ClaimRoundApprovalRefused", object_type="claim_round", object_id=claim_round.id,
                             reason="same_user")
        return _round_page(claim_round, status=403, error=str(exc))
    except services.ClaimsError as exc:
        return _round_page(claim_round, status=409, error=str(exc))
    flash(f"Round {claim_round.code} approved", "success")
    return redirect(url_for("claims.round_detail", code=claim_round.code))


@bp.route("/rounds/<code>/sample", methods=["POST"])
@roles_required(*AUDIT)
def draw_sample(code):
    claim_round = _load_round(code)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        chosen = services.draw_sample(claim_round, current_user)
    except services.ClaimsError as exc:
        return _round_page(claim_round, status=409, error=str(exc))
    flash(f"{len(chosen)} claims drawn for the sample (seed {claim_round.sample_seed})", "success")
    return redirect(url_for("claims.round_detail", code=claim_round.code))


@bp.route("/rounds/<code>/submitted", methods=["POST"])
@roles_required(*FINANCE)
def mark_submitted(code):
    claim_round = _load_round(code)
    form = forms.SubmittedForm()
    if form.validate_on_submit():
        try:
            services.mark_submitted(claim_round, current_user, on=form.submitted_on.data,
                                    reference=form.reference.data, amount_pence=forms.parse_amount(form.amount.data))
        except services.AmountsDoNotReconcile as exc:
            form.amount.errors = [str(exc)]
        except services.ClaimsError as exc:
            return _round_page(claim_round, status=409, error=str(exc))
        else:
            flash(f"Round {claim_round.code} marked as submitted", "success")
            return redirect(url_for("claims.round_detail", code=claim_round.code))
    return _round_page(claim_round, status=400, form=form, submitted_form=form)


@bp.route("/rounds/<code>/paid", methods=["POST"])
@roles_required(*FINANCE)
def mark_paid(code):
    claim_round = _load_round(code)
    form = forms.PaidForm()
    if form.validate_on_submit():
        try:
            services.mark_paid(claim_round, current_user, on=form.paid_on.data,
                               amount_pence=forms.parse_amount(form.amount.data))
        except services.AmountsDoNotReconcile as exc:
            form.amount.errors = [str(exc)]
        except services.WrongRoundState as exc:
            return _round_page(claim_round, status=409, error=str(exc))
        except services.ClaimsError as exc:
            form.paid_on.errors = [str(exc)]
        else:
            flash(f"Round {claim_round.code} marked as paid", "success")
            return redirect(url_for("claims.round_detail", code=claim_round.code))
    return _round_page(claim_round, status=400, form=form, paid_form=form)


@bp.route("/rounds/<code>/export.<fmt>")
@roles_required(*EXPORTERS)
@require_recent_mfa(STEP_UP_MINUTES)
@limited_export("ClaimRoundExported")
def export(code, fmt):
    claim_round = _load_round(code)
    if fmt not in exports.FORMATS:
        abort(404)
    data = exports.export_round(claim_round, fmt)
    audit.record("ClaimRoundExported", object_type="claim_round", object_id=claim_round.id, month=claim_round.code,
                 format=fmt, via="web")
    mimetype = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"claim-round-{claim_round.code}.{fmt}")


# --- a claim -------------------------------------------------------------------------------------------------

def _claim_page(claim, form=None, status=200):
    reference = db.session.scalar(select(Family.reference).where(Family.id == claim.family_id))
    snapshot = db.session.scalar(select(ClaimSnapshot).where(ClaimSnapshot.claim_id == claim.id))
    audit.record("ClaimViewed", object_type="claim", object_id=claim.id, family_id=claim.family_id)
    may_decide = (current_user.role in AUDIT and claim.sampled and claim.sample_result is None
                  and claim.round.status == RoundStatus.SAMPLED)
    return render_template("claims/claim.html", claim=claim, reference=reference, snapshot=snapshot,
                           snapshot_pretty=json.dumps(json.loads(snapshot.body), indent=2) if snapshot else None,
                           intact=services.snapshot_intact(snapshot) if snapshot else None, money=rounds.money,
                           may_decide=may_decide, may_see_pack=current_user.role in AUDIT and claim.sampled,
                           form=form or forms.SampleDecisionForm(), page_title=f"Claim for {reference}"), status


@bp.route("/claims/<int:claim_id>")
@roles_required(*READERS)
def claim_detail(claim_id):
    return _claim_page(_load_claim(claim_id))


@bp.route("/claims/<int:claim_id>/decision", methods=["POST"])
@roles_required(*AUDIT)
def decide(claim_id):
    claim = _load_claim(claim_id)
    form = forms.SampleDecisionForm()
    if form.validate_on_submit():
        try:
            services.decide_sampled_claim(claim, current_user, result=form.result.data, reason=form.reason.data)
        except services.ClaimsError as exc:
            form.result.errors = [str(exc)]
        else:
            flash("Decision saved", "success")
            return redirect(url_for("claims.round_detail", code=claim.round.code))
    return _claim_page(claim, form, status=400)


@bp.route("/claims/<int:claim_id>/evidence-pack.pdf")
@roles_required(*AUDIT)
def evidence_pack(claim_id):
    claim = _load_claim(claim_id)
    if not claim.sampled:
        audit.record_refusal("EvidencePackRefused", object_type="claim", object_id=claim.id,
                             family_id=claim.family_id, purpose="claim_assurance", reason="not_sampled")
        abort(404)
    data = pack.build_pack(claim, current_user)
    audit.record("EvidencePackViewed", object_type="claim", object_id=claim.id, family_id=claim.family_id,
                 purpose="claim_assurance")
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=False,
                     download_name=f"evidence-pack-claim-{claim.id}.pdf")


# --- overrides (administrators) --------------------------------------------------------------------------

@bp.route("/overrides/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_override():
    form = forms.OverrideForm()
    if request.method == "GET":
        form.form_token.data = new_form_token()
    elif form.validate_on_submit():
        if form_token_used(form.form_token.data):
            flash("The override was already recorded", "success")
            return redirect(url_for("claims.index"))
        family = db.session.scalar(select(Family).where(Family.reference == form.family.data.upper()))
        if family is None:
            form.family.errors = ["No family has that reference"]
        else:
            override = services.record_override(family, claim_type=form.claim_type.data, programme=programme(),
                                                reason=form.reason.data, actor=current_user)
            use_form_token(form.form_token.data, current_user, override)
            flash(f"Override recorded for {family.reference}", "success")
            return redirect(url_for("claims.index"))
    return render_template("claims/override.html", form=form, page_title="Record a claim override"), \
        400 if form.errors else 200

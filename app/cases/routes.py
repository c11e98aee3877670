"""Pages of the family record, the caseload and search.

Every page about one family is declared with `family_access(...)` (load, ask the policy, 404 to
anyone without a relationship, audit the view); nested objects are loaded with `get_child_or_404`.
Content records are shown only where `policy.decide(VIEW_CONTENT)` allows, else as withheld. Writes
need WORK_ON_FAMILY. Routes are thin: load, authorise, validate, call a service, redirect.
"""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app import audit
from app.auth.access import object_access, roles_required
from app.auth.models import Agency, Role, User
from app.cases import forms, lifecycle, queries, safe_addresses, services
from app.cases.access import family_access, family_allows, get_child_or_404, viewer
from app.cases.form_flow import already_sent, fresh_token, show_errors
from app.cases.models import (
    ClosureReason,
    Family,
    Intervention,
    Person,
    PlanGoal,
    PlanReview,
    TeamMember,
)
from app.cases.tabs import family_documents, has_person_actions, person_actions, register_tab, tabs_for
from app.cases.timeline import TimelineContext, providers, timeline_page
from app.cases.timeline_providers import register_case_providers
from app.cases.visibility import content_decision, facts_of, withheld_text
from app.common.navigation import register_nav
from app.common.pdf import render_pdf
from app.common.time import today_london
from app.extensions import db
from app.framework.categories import DataCategory
from app.framework.models import Descriptor, HeadlineOutcome
from app.framework.services import version_in_force
from app.sharing.policy import Action

bp = Blueprint("cases", __name__, url_prefix="/families", template_folder="templates")

CASEWORKERS = (Role.KEY_WORKER, Role.PRACTITIONER)
SEARCHERS = (Role.KEY_WORKER, Role.PRACTITIONER, Role.PROGRAMME_MANAGER)

register_nav("My families", "cases.my_families", roles=CASEWORKERS, order=10, match=("cases.my_families",))
register_nav("Search", "cases.search", roles=SEARCHERS, order=20, match=("cases.search",))
for _order, (_key, _label, _endpoint) in enumerate([
    ("summary", "Summary", "cases.summary"), ("members", "Members", "cases.members"),
    ("addresses", "Addresses", "cases.addresses"), ("team", "Team", "cases.team"),
    ("needs", "Needs", "cases.needs"), ("assessment", "Assessment", "cases.assessment"),
    ("plan", "Plan", "cases.plan"), ("interventions", "Interventions", "cases.interventions"),
    ("notes", "Notes", "cases.notes"), ("timeline", "Timeline", "cases.timeline"),
], start=1):
    register_tab(_key, _label, _endpoint, order=_order * 10)
register_case_providers()


# --- helpers -----------------------------------------------------------------------------------------

def _page_number():
    return max(request.args.get("page", 1, type=int), 1)


def _render(template, family, tab, **context):
    return render_template(template, family=family, tabs=tabs_for(family, tab), tab=tab, may_work=_may_work(),
                           may_allocate=family_allows(Action.ALLOCATE),
                           addresses=safe_addresses.shield_for(current_user, family), **context)


def _may_work():
    return family_allows(Action.WORK_ON_FAMILY)


def _form_page(family, form, *, title, fields, back, tab, hint=None, drafts=False, danger=False):
    return _render("cases/form.html", family, tab, form=form, page_title=title, fields=fields, back=back, hint=hint,
                   drafts=drafts, danger=danger)


def _agencies():
    return list(db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name, Agency.id)))


def _agency_choices(blank="Select an agency"):
    return forms.choices([("", blank), *((a.id, a.name) for a in _agencies())])


def _worker_choices(blank, workers):
    return forms.choices([("", blank), *((u.id, f"{u.name}, {u.agency.name}") for u in workers)])


def _agency(agency_id):
    agency = db.session.get(Agency, agency_id) if agency_id else None
    return agency if agency is not None and agency.active else None


def _people_choices(family):
    return forms.choices((p.id, p.full_name if p.in_household else f"{p.full_name} (left the household)")
                         for p in queries.family_people(family))


def _decide(record, *, whole_family=False):
    return content_decision(viewer(), facts_of(g.family_ties, record, whole_family_record=whole_family))


def _decide_for_document(record, *, whole_family=False):
    # A PDF leaving Hearth: never extra-sensitive content, whoever prints it.
    return content_decision(viewer(), facts_of(g.family_ties, record, whole_family_record=whole_family),
                            action=Action.PUT_IN_DOCUMENT)


def _withheld(what, record, decision):
    agency = getattr(record, "holding_agency", None)
    return withheld_text(what, agency.name if agency else "another agency", record.category, decision)


# --- caseload and search ------------------------------------------------------------------------------

@bp.route("/mine")
@roles_required(*CASEWORKERS)
def my_families():
    include_closed = request.args.get("closed") == "1"
    page = queries.my_families(current_user, page=_page_number(), include_closed=include_closed)
    return render_template("cases/my_families.html", page=page, today=today_london(), include_closed=include_closed,
                           page_title="My families")


@bp.route("/search")
@roles_required(*SEARCHERS)
def search():
    form = forms.SearchForm(request.args)
    page = terms = None
    if request.args and form.validate():
        terms = queries.SearchTerms(form.q.data, form.date_of_birth.data)
        if terms.empty:
            form.q.errors = ["Enter a name, family reference, NHS number or postcode"]
        else:
            page = queries.search_families(current_user, terms, page=_page_number())
            audit.record("FamiliesSearched", object_type="search", results=page.total)
    args = {k: v for k, v in request.args.items(multi=False) if k != "page"}
    args["date_of_birth"] = request.args.getlist("date_of_birth")
    addresses = safe_addresses.shield_for(current_user, *(row[0] for row in page.items)) if page else None
    return render_template("cases/search.html", form=form, page=page, args=args, today=today_london(),
                           addresses=addresses,
                           page_title="Search for a family")


# --- summary and lifecycle ---------------------------------------------------------------------------

@bp.route("/<int:family_id>")
@family_access()
def summary(family):
    return _render("cases/summary.html", family, "summary", page_title=f"Family {family.reference}",
                   counts=queries.summary_counts(family), people=queries.family_people(family),
                   history=queries.status_history(family), next_steps=lifecycle.allowed_targets(family.status),
                   action_label=lifecycle.action_label, documents=family_documents(family))


@bp.route("/<int:family_id>/status", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def change_status(family):
    form = forms.StatusForm()
    form.to_status.choices = forms.choices([(s.value, lifecycle.action_label(family.status, s))
                                            for s in lifecycle.allowed_targets(family.status)])
    if request.method == "GET":
        form.changed_on.data = today_london()
        form.to_status.data = request.args.get("to")
    if form.validate_on_submit():
        try:
            lifecycle.change_status(family, form.to_status.data, actor=current_user,
                                    closure_reason=form.closure_reason.data or None, on=form.changed_on.data)
        except lifecycle.LifecycleError as refusal:
            show_errors(form, refusal)
        else:
            flash(f"Status is now: {family.status.label}", "success")
            return redirect(url_for(".summary", family_id=family.id))
    return _form_page(family, form, title="Change the case's status", tab="summary",
                      fields=["to_status", "closure_reason", "changed_on"],
                      back=url_for(".summary", family_id=family.id),
                      hint="Give a reason only when closing the case.")


@bp.route("/<int:family_id>/step-up-pack.pdf")
@family_access()
def step_up_pack(family):
    if family.closure_reason != ClosureReason.STEPPED_UP.value:
        abort(404)
    decide = _decide_for_document
    needs = [(n, decide(n)) for n in queries.needs(family)]
    assessment = queries.assessment(family)
    goals = queries.plan_goals(family)
    interventions = queries.interventions_page(family, page=1)
    html = render_template(
        "cases/pdf/step_up.html", family=family, people=queries.family_people(family), team=queries.team(family),
        # For another agency: a safe address is never in it, whoever prints it.
        addresses=safe_addresses.shield_for(None, family),
        needs=needs, assessment=assessment,
        assessment_decision=decide(assessment, whole_family=True) if assessment else None,
        goals=[(goal, decide(goal, whole_family=True)) for goal in goals],
        interventions=[(i, decide(i)) for i in interventions.items], sections=services.ASSESSMENT_SECTIONS,
        withheld=_withheld, today=today_london(), requested_by=current_user)
    audit.record("StepUpPackPrinted", object_type="family", object_id=family.id, family_id=family.id)
    pdf = render_pdf(html, base_url=request.host_url)
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f'attachment; filename="step-up-{family.reference}.pdf"'}


# --- members and addresses ---------------------------------------------------------------------------

@bp.route("/<int:family_id>/members")
@family_access()
def members(family):
    # Links other packages offer beside each person (for example "Check for duplicates" for managers).
    actions = (lambda person: person_actions(current_user, person)) if has_person_actions(current_user) else None
    return _render("cases/members.html", family, "members", page_title=f"Members \u2013 {family.reference}",
                   people=queries.family_people(family), person_actions_for=actions,
                   may_record_safe_address=safe_addresses.may_record(current_user, family))


@bp.route("/<int:family_id>/members/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_member(family):
    form = forms.PersonForm()
    fresh_token(form)
    if already_sent(form):
        flash("That person was already added", "success")
        return redirect(url_for(".members", family_id=family.id))
    if form.validate_on_submit():
        try:
            person = services.add_person(family, actor=current_user, **form.person_data())
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            services.use_form_token(form.form_token.data, current_user, person)
            flash(f"{person.full_name} added to the household", "success")
            return redirect(url_for(".members", family_id=family.id))
    return _form_page(family, form, title="Add a person", tab="members", fields=forms.PersonForm.FIELDS,
                      back=url_for(".members", family_id=family.id))


@bp.route("/<int:family_id>/members/<int:person_id>/edit", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def edit_member(family, person_id):
    person = get_child_or_404(Person, person_id, family)
    form = forms.PersonForm(obj=person)
    if request.method == "GET":
        form.relationship_to_family.data = person.relationship_to_family.value
        form.gender.data = person.gender.value
    if form.validate_on_submit():
        try:
            services.update_person(person, actor=current_user, **form.person_data(),
                                   left_household_on=person.left_household_on)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            flash(f"Changes to {person.full_name} saved", "success")
            return redirect(url_for(".members", family_id=family.id))
    return _form_page(family, form, title=f"Change {person.full_name}'s details", tab="members",
                      fields=forms.PersonForm.FIELDS, back=url_for(".members", family_id=family.id))


@bp.route("/<int:family_id>/members/<int:person_id>/left", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def member_left(family, person_id):
    person = get_child_or_404(Person, person_id, family)
    form = forms.LeftHouseholdForm()
    if form.validate_on_submit():
        try:
            services.mark_left_household(person, form.left_household_on.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            flash(f"{person.full_name} has left the household", "success")
            return redirect(url_for(".members", family_id=family.id))
    return _form_page(family, form, title=f"{person.full_name} has left the household", tab="members",
                      fields=["left_household_on"], back=url_for(".members", family_id=family.id))


@bp.route("/<int:family_id>/members/<int:person_id>/safe-address", methods=["GET", "POST"])
@object_access("family: the lead practitioner or an IG officer records a safe address")
def safe_address(family_id, person_id):
    family = db.session.get(Family, family_id) or abort(404)
    person = get_child_or_404(Person, person_id, family)
    if not safe_addresses.may_record(current_user, family):
        audit.record_refusal("FamilyAccessRefused", object_type="family", object_id=family.id, family_id=family.id,
                             reason="not_lead_or_ig", action_requested="safe_address")
        abort(404)
    audit.record("FamilyViewed" if request.method == "GET" else "FamilyRecordRequested", object_type="family",
                 object_id=family.id, family_id=family.id, person_id=person.id, purpose="case_coordination",
                 endpoint=request.endpoint)
    form = forms.SafeAddressForm()
    if request.method == "GET":
        form.at_risk.data = "yes" if person.at_risk_since else None
        form.since.data = person.at_risk_since
    back = (url_for(".members", family_id=family.id) if family.lead_practitioner_id == current_user.id
            else url_for("consent.ig_family_access", family_id=family.id))
    if form.validate_on_submit():
        try:
            if form.at_risk.data == "yes":
                safe_addresses.record_at_risk(person, since=form.since.data, actor=current_user)
                flash(f"{person.full_name} is recorded as at risk: their address is now withheld from others",
                      "success")
            else:
                safe_addresses.clear_at_risk(person, actor=current_user)
                flash(f"{person.full_name} is no longer recorded as at risk", "success")
        except safe_addresses.SafeAddressError as refusal:
            show_errors(form, refusal)
        else:
            return redirect(back)
    return render_template("cases/form.html", family=family, form=form, fields=["at_risk", "since"], back=back,
                           page_title=f"Safe address for {person.full_name}",
                           hint="Record a person at risk of domestic abuse. Their address, and the family's address "
                                "while they live there, is then shown only to the lead practitioner, information "
                                "governance officers and the designated leads of the domestic abuse service.")


@bp.route("/<int:family_id>/addresses")
@family_access()
def addresses(family):
    return _render("cases/addresses.html", family, "addresses", page_title=f"Addresses \u2013 {family.reference}",
                   history=queries.addresses(family))


@bp.route("/<int:family_id>/addresses/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_address(family):
    form = forms.AddressForm()
    if form.validate_on_submit():
        try:
            services.change_address(family, moved_in_on=form.moved_in_on.data, actor=current_user, **{
                name: form[name].data for name in ("address_line_1", "address_line_2", "town", "postcode")})
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            flash("New address saved", "success")
            return redirect(url_for(".addresses", family_id=family.id))
    return _form_page(family, form, title="The family has moved", tab="addresses",
                      fields=["address_line_1", "address_line_2", "town", "postcode", "moved_in_on"],
                      back=url_for(".addresses", family_id=family.id))


# --- lead practitioner and team ----------------------------------------------------------------------

@bp.route("/<int:family_id>/team")
@family_access()
def team(family):
    return _render("cases/team.html", family, "team", page_title=f"Team \u2013 {family.reference}",
                   members=queries.team(family), leads=queries.lead_history(family), today=today_london())


@bp.route("/<int:family_id>/lead", methods=["GET", "POST"])
@family_access(Action.ALLOCATE)
def change_lead(family):
    """Allocate the family's lead practitioner (key worker), or change them: programme managers allocate
    (a referred family has no one else around it); whoever works on the family may hand it on."""
    allocating = family.lead_practitioner_id is None
    form = forms.LeadForm()
    workers = db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(CASEWORKERS))
                                 .order_by(User.name, User.id)).all()
    form.lead_practitioner_id.choices = _worker_choices("Select a person", workers)
    if form.validate_on_submit():
        lead = db.session.get(User, form.lead_practitioner_id.data)
        try:
            services.set_lead_practitioner(family, lead, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            flash(f"{lead.name} is now the lead practitioner: they have been told", "success")
            return redirect(url_for(".summary", family_id=family.id))
    return _form_page(family, form, title="Allocate a lead practitioner" if allocating
                      else "Change the lead practitioner", tab="team", fields=["lead_practitioner_id"],
                      back=url_for(".summary", family_id=family.id),
                      hint="The lead practitioner (key worker) coordinates the team around the family. They are "
                           "told by a notification." + ("" if allocating else " The current lead practitioner is "
                                                        "asked to write a handover note."))


@bp.route("/<int:family_id>/team/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_team_member(family):
    form = forms.TeamMemberForm()
    fresh_token(form)
    form.agency_id.choices = _agency_choices()
    workers = db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(CASEWORKERS))
                                 .order_by(User.name, User.id)).all()
    form.user_id.choices = _worker_choices("No named worker", workers)
    if request.method == "GET":
        form.joined_on.data = today_london()
    if already_sent(form):
        flash("They were already added to the team", "success")
        return redirect(url_for(".team", family_id=family.id))
    if form.validate_on_submit():
        try:
            member = services.add_team_member(
                family, role_description=form.role_description.data, agency=_agency(form.agency_id.data),
                user=db.session.get(User, form.user_id.data) if form.user_id.data else None,
                joined_on=form.joined_on.data, actor=current_user)
        except (services.CaseValidationError, services.AlreadyOnTeam) as refusal:
            show_errors(form, refusal)
        else:
            services.use_form_token(form.form_token.data, current_user, member)
            flash("Added to the team around the family", "success")
            return redirect(url_for(".team", family_id=family.id))
    return _form_page(family, form, title="Add to the team around the family", tab="team",
                      fields=["agency_id", "user_id", "role_description", "joined_on"],
                      back=url_for(".team", family_id=family.id))


@bp.route("/<int:family_id>/team/<int:member_id>/left", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def team_member_left(family, member_id):
    member = get_child_or_404(TeamMember, member_id, family)
    form = forms.TeamLeftForm()
    if form.validate_on_submit():
        try:
            services.end_team_membership(member, form.left_on.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            flash("Marked as left the team", "success")
            return redirect(url_for(".team", family_id=family.id))
    return _form_page(family, form, title="Left the team around the family", tab="team", fields=["left_on"],
                      back=url_for(".team", family_id=family.id))


# --- needs -----------------------------------------------------------------------------------------------

@bp.route("/<int:family_id>/needs")
@family_access()
def needs(family):
    rows = [(need, _decide(need)) for need in queries.needs(family)]
    return _render("cases/needs.html", family, "needs", page_title=f"Needs \u2013 {family.reference}", rows=rows,
                   withheld=_withheld)


def _descriptor_choices(family):
    version = version_in_force(family.attached_on or today_london())
    if version is None:
        return forms.choices([("", "No outcome framework is in force")])
    rows = db.session.execute(
        select(Descriptor.id, HeadlineOutcome.name, Descriptor.description)
        .join(HeadlineOutcome, Descriptor.headline_id == HeadlineOutcome.id)
        .where(Descriptor.version_id == version.id, Descriptor.active.is_(True))
        .order_by(HeadlineOutcome.order, Descriptor.order, Descriptor.id)).all()
    return forms.choices([("", "Select a need"), *((r.id, f"{r.name}: {r.description}") for r in rows)])


@bp.route("/<int:family_id>/needs/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_need(family):
    form = forms.NeedForm()
    fresh_token(form)
    form.descriptor_id.choices = _descriptor_choices(family)
    form.source_agency_id.choices = _agency_choices("Not recorded")
    form.person_ids.choices = _people_choices(family)
    if request.method == "GET":
        form.identified_on.data = today_london()
        form.at_attachment.data = services.identified_at_attachment(family)
    if already_sent(form):
        flash("That need was already added", "success")
        return redirect(url_for(".needs", family_id=family.id))
    if form.validate_on_submit():
        descriptor = db.session.get(Descriptor, form.descriptor_id.data)
        try:
            need = services.add_need(family, descriptor=descriptor, identified_on=form.identified_on.data,
                                     source_agency=_agency(form.source_agency_id.data),
                                     person_ids=form.person_ids.data, at_attachment=form.at_attachment.data,
                                     actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            services.use_form_token(form.form_token.data, current_user, need)
            flash("Need added", "success")
            return redirect(url_for(".needs", family_id=family.id))
    return _form_page(family, form, title="Add a need", tab="needs",
                      fields=["descriptor_id", "identified_on", "source_agency_id", "person_ids", "at_attachment"],
                      back=url_for(".needs", family_id=family.id))


# --- assessment and plan (long forms keep drafts) ------------------------------------------------------

ASSESSMENT_DRAFT = "assessment"
GOAL_DRAFT = "plan_goal"


def _draft_data():
    return {k: v for k, v in request.form.to_dict(flat=False).items() if k not in ("csrf_token", "save_draft",
                                                                                   "submit")}


@bp.route("/<int:family_id>/assessment")
@family_access()
def assessment(family):
    record = queries.assessment(family)
    decision = _decide(record, whole_family=True) if record else None
    return _render("cases/assessment.html", family, "assessment", page_title=f"Assessment \u2013 {family.reference}",
                   assessment=record, decision=decision, sections=services.ASSESSMENT_SECTIONS, withheld=_withheld,
                   draft=services.load_draft(family, current_user, ASSESSMENT_DRAFT))


@bp.route("/<int:family_id>/assessment/edit", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def edit_assessment(family):
    record = queries.assessment(family)
    if record is not None and not _decide(record, whole_family=True):
        abort(403)
    draft = services.load_draft(family, current_user, ASSESSMENT_DRAFT)
    if request.method == "GET" and draft is not None:
        form = forms.AssessmentForm(formdata=MultiDict([(k, v) for k, vs in draft.data.items() for v in vs]))
        flash("Your draft has been restored", "success")
    elif request.method == "GET" and record is not None:
        form = forms.AssessmentForm(data={**(record.sections or {}), "narrative": record.narrative,
                                          "completed_on": record.completed_on})
    else:
        form = forms.AssessmentForm()
    if request.method == "POST" and form.save_draft.data:
        services.save_draft(family, current_user, ASSESSMENT_DRAFT, _draft_data())
        flash("Draft saved. It will be here when you come back.", "success")
        return redirect(url_for(".edit_assessment", family_id=family.id))
    if form.validate_on_submit():
        try:
            services.save_assessment(family, sections=form.section_data(), narrative=form.narrative.data,
                                     completed_on=form.completed_on.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            services.discard_draft(family, current_user, ASSESSMENT_DRAFT)
            flash("Assessment saved", "success")
            return redirect(url_for(".assessment", family_id=family.id))
    fields = [key for key, _ in services.ASSESSMENT_SECTIONS] + ["narrative", "completed_on"]
    return _form_page(family, form, title="Whole-family assessment", tab="assessment", fields=fields, drafts=True,
                      back=url_for(".assessment", family_id=family.id))


@bp.route("/<int:family_id>/plan")
@family_access()
def plan(family):
    goals = [(goal, _decide(goal, whole_family=True)) for goal in queries.plan_goals(family)]
    review_form = forms.PlanReviewForm()
    fresh_token(review_form)
    return _render("cases/plan.html", family, "plan", page_title=f"Plan \u2013 {family.reference}", goals=goals,
                   reviews=queries.plan_reviews(family), today=today_london(), withheld=_withheld,
                   review_form=review_form, draft=services.load_draft(family, current_user, GOAL_DRAFT))


def _goal_form(family, goal=None):
    draft = services.load_draft(family, current_user, GOAL_DRAFT) if goal is None else None
    if request.method == "GET" and draft is not None:
        form = forms.PlanGoalForm(formdata=MultiDict([(k, v) for k, vs in draft.data.items() for v in vs]))
        flash("Your draft has been restored", "success")
    elif request.method == "GET" and goal is not None:
        form = forms.PlanGoalForm(obj=goal)
        form.status.data = goal.status.value
    else:
        form = forms.PlanGoalForm()
    if goal is None:
        fresh_token(form)
    needs = queries.needs(family)
    form.need_id.choices = forms.choices([("", "Not linked to a need"),
                                          *((n.id, n.descriptor.description) for n in needs if _decide(n))])
    form.owner_agency_id.choices = _agency_choices()
    return form


@bp.route("/<int:family_id>/plan/goals/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_goal(family):
    form = _goal_form(family)
    if already_sent(form):
        flash("That goal was already added", "success")
        return redirect(url_for(".plan", family_id=family.id))
    if request.method == "POST" and form.save_draft.data:
        services.save_draft(family, current_user, GOAL_DRAFT, _draft_data())
        flash("Draft saved. It will be here when you come back.", "success")
        return redirect(url_for(".new_goal", family_id=family.id))
    if form.validate_on_submit():
        try:
            goal = services.add_plan_goal(family, need_id=form.need_id.data, action=form.action.data,
                                          owner_agency=_agency(form.owner_agency_id.data), due_on=form.due_on.data,
                                          status=form.status.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            services.use_form_token(form.form_token.data, current_user, goal)
            services.discard_draft(family, current_user, GOAL_DRAFT)
            flash("Goal added to the plan", "success")
            return redirect(url_for(".plan", family_id=family.id))
    return _form_page(family, form, title="Add a goal to the plan", tab="plan", drafts=True,
                      fields=["need_id", "action", "owner_agency_id", "due_on", "status"],
                      back=url_for(".plan", family_id=family.id))


@bp.route("/<int:family_id>/plan/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def edit_goal(family, goal_id):
    goal = get_child_or_404(PlanGoal, goal_id, family)
    if not _decide(goal, whole_family=True):
        abort(403)
    form = _goal_form(family, goal)
    if form.validate_on_submit():
        try:
            services.update_plan_goal(goal, need_id=form.need_id.data, action=form.action.data,
                                      owner_agency=_agency(form.owner_agency_id.data), due_on=form.due_on.data,
                                      status=form.status.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            flash("Goal saved", "success")
            return redirect(url_for(".plan", family_id=family.id))
    return _form_page(family, form, title="Change a goal", tab="plan",
                      fields=["need_id", "action", "owner_agency_id", "due_on", "status"],
                      back=url_for(".plan", family_id=family.id))


@bp.route("/<int:family_id>/plan/reviews", methods=["POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_review(family):
    form = forms.PlanReviewForm()
    if already_sent(form):
        return redirect(url_for(".plan", family_id=family.id))
    if form.validate_on_submit():
        try:
            review = services.add_plan_review(family, due_on=form.due_on.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            services.use_form_token(form.form_token.data, current_user, review)
            flash("Review date added", "success")
            return redirect(url_for(".plan", family_id=family.id))
    return _form_page(family, form, title="Add a review date", tab="plan", fields=["due_on"],
                      back=url_for(".plan", family_id=family.id))


@bp.route("/<int:family_id>/plan/reviews/<int:review_id>/held", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def review_held(family, review_id):
    review = get_child_or_404(PlanReview, review_id, family)
    form = forms.ReviewHeldForm()
    if request.method == "GET":
        form.held_on.data = today_london()
    if form.validate_on_submit():
        try:
            services.mark_review_held(review, held_on=form.held_on.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            flash("Review recorded as held", "success")
            return redirect(url_for(".plan", family_id=family.id))
    return _form_page(family, form, title="Record the review as held", tab="plan", fields=["held_on"],
                      back=url_for(".plan", family_id=family.id))


# --- interventions ------------------------------------------------------------------------------------

def _sees_deleted():
    return current_user.role == Role.PROGRAMME_MANAGER


@bp.route("/<int:family_id>/interventions")
@family_access()
def interventions(family):
    page = queries.interventions_page(family, include_deleted=_sees_deleted(), page=_page_number())
    rows = [(i, _decide(i)) for i in page.items]
    return _render("cases/interventions.html", family, "interventions",
                   page_title=f"Interventions \u2013 {family.reference}", page=page, rows=rows, withheld=_withheld)


def _intervention_form(family, obj=None):
    form = forms.InterventionForm(obj=obj)
    form.type_id.choices = forms.choices([("", "Select the type of work"),
                                          *((t.id, t.name) for t in services.active_intervention_types())])
    form.agency_id.choices = _agency_choices()
    form.person_ids.choices = _people_choices(family)
    if request.method == "GET":
        if obj is not None:
            form.person_ids.data = [p.id for p in obj.people]
            form.category.data = obj.category.value
        else:
            form.agency_id.data = current_user.agency_id
            form.occurred_on.data = today_london()
    return form


@bp.route("/<int:family_id>/interventions/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_intervention(family):
    form = _intervention_form(family)
    fresh_token(form)
    if already_sent(form):
        flash("That intervention was already saved", "success")
        return redirect(url_for(".interventions", family_id=family.id))
    if form.validate_on_submit():
        try:
            intervention = services.record_intervention(family, agency=_agency(form.agency_id.data),
                                                        actor=current_user, **form.record_data())
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            services.use_form_token(form.form_token.data, current_user, intervention)
            flash("Intervention recorded", "success")
            return redirect(url_for(".interventions", family_id=family.id))
    return _form_page(family, form, title="Record an intervention", tab="interventions",
                      fields=["type_id", "agency_id", "person_ids", "occurred_on", "duration_minutes", "summary",
                              "category", "extra_sensitive"], back=url_for(".interventions", family_id=family.id))


def _load_intervention(family, intervention_id, *, for_change=False):
    intervention = get_child_or_404(Intervention, intervention_id, family)
    if intervention.deleted_at_utc is not None and (for_change or not _sees_deleted()):
        abort(404)
    decision = _decide(intervention)
    if for_change and (not decision or intervention.holding_agency_id != current_user.agency_id):
        abort(403)  # only the agency that recorded it changes it
    return intervention, decision


@bp.route("/<int:family_id>/interventions/<int:intervention_id>")
@family_access()
def intervention(family, intervention_id):
    record, decision = _load_intervention(family, intervention_id)
    versions = queries.intervention_versions(record) if decision else []
    return _render("cases/intervention.html", family, "interventions", page_title="Intervention",
                   intervention=record, decision=decision, versions=versions, withheld=_withheld,
                   may_change=decision and record.holding_agency_id == current_user.agency_id and _may_work()
                   and record.deleted_at_utc is None)


@bp.route("/<int:family_id>/interventions/<int:intervention_id>/edit", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def edit_intervention(family, intervention_id):
    record, _ = _load_intervention(family, intervention_id, for_change=True)
    form = _intervention_form(family, record)
    if form.validate_on_submit():
        try:
            services.edit_intervention(record, agency=_agency(form.agency_id.data), actor=current_user,
                                       **form.record_data())
        except (services.CaseValidationError, services.InterventionDeleted) as refusal:
            show_errors(form, refusal)
        else:
            flash("Intervention changed. The previous version is kept.", "success")
            return redirect(url_for(".intervention", family_id=family.id, intervention_id=record.id))
    return _form_page(family, form, title="Change an intervention", tab="interventions",
                      fields=["type_id", "agency_id", "person_ids", "occurred_on", "duration_minutes", "summary",
                              "category", "extra_sensitive"],
                      back=url_for(".intervention", family_id=family.id, intervention_id=record.id))


@bp.route("/<int:family_id>/interventions/<int:intervention_id>/delete", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def delete_intervention(family, intervention_id):
    record, _ = _load_intervention(family, intervention_id, for_change=True)
    form = forms.DeleteInterventionForm()
    if form.validate_on_submit():
        try:
            services.delete_intervention(record, reason=form.reason.data, actor=current_user)
        except (services.CaseValidationError, services.InterventionDeleted) as refusal:
            show_errors(form, refusal)
        else:
            flash("Intervention deleted", "success")
            return redirect(url_for(".interventions", family_id=family.id))
    return _form_page(family, form, title="Delete an intervention", tab="interventions", fields=["reason"],
                      danger=True, back=url_for(".intervention", family_id=family.id, intervention_id=record.id))


# --- notes and timeline ------------------------------------------------------------------------------------

@bp.route("/<int:family_id>/notes")
@family_access()
def notes(family):
    page = queries.notes_page(family, page=_page_number())
    rows = [(note, _decide(note)) for note in page.items]
    return _render("cases/notes.html", family, "notes", page_title=f"Notes \u2013 {family.reference}", page=page,
                   rows=rows, withheld=_withheld)


@bp.route("/<int:family_id>/notes/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_note(family):
    form = forms.CaseNoteForm()
    fresh_token(form)
    form.person_ids.choices = _people_choices(family)
    if already_sent(form):
        flash("That note was already saved", "success")
        return redirect(url_for(".notes", family_id=family.id))
    if form.validate_on_submit():
        try:
            note = services.add_case_note(family, body=form.body.data, category=form.category.data,
                                          person_ids=form.person_ids.data, extra_sensitive=form.extra_sensitive.data,
                                          actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            services.use_form_token(form.form_token.data, current_user, note)
            flash("Note saved", "success")
            return redirect(url_for(".notes", family_id=family.id))
    return _form_page(family, form, title="Add a case note", tab="notes",
                      fields=["body", "person_ids", "category", "extra_sensitive"],
                      back=url_for(".notes", family_id=family.id))


@bp.route("/<int:family_id>/timeline")
@family_access()
def timeline(family):
    agency_id = request.args.get("agency", type=int)
    category = request.args.get("category") or None
    if category is not None and category not in {c.value for c in DataCategory}:
        category = None
    ctx = TimelineContext(family.id, g.family_ties, viewer())
    page = timeline_page(ctx, agency_id=agency_id, category=category, page=_page_number())
    args = {k: v for k, v in (("agency", agency_id), ("category", category)) if v}
    return _render("cases/timeline.html", family, "timeline", page_title=f"Timeline \u2013 {family.reference}",
                   page=page, agencies=_agencies(), categories=list(DataCategory), agency_id=agency_id,
                   category=category, args=args, kinds=providers())

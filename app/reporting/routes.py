"""Reporting pages: the programme dashboard (charts as <img>, tables beside them, CSV/XLSX exports), the
report archive with downloads checked by report type, report schedules, National Impact Study opt-outs,
and a family's progress summary built through the sharing policy for whoever asks."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit
from app.auth.access import roles_required
from app.auth.models import Role
from app.cases import queries as case_queries
from app.cases.access import family_access, viewer
from app.cases.models import Family, Person
from app.cases.services import new_form_token
from app.cases.tabs import register_family_document
from app.cases.visibility import content_decision, facts_of, withheld_text
from app.common.jobs import register_schedule_source
from app.common.navigation import register_nav
from app.common.pdf import render_pdf
from app.common.time import london_text, today_london
from app.extensions import db
from app.reporting import charts, exports, forms, queries, reports, services
from app.reporting.models import ArchivedReport, NisOptOut, ReportSchedule
from app.reporting.periods import parse_period, period_containing
from app.sharing.export_limit import limited_export
from app.sharing.policy import Action

bp = Blueprint("reporting", __name__, url_prefix="/reports", template_folder="templates")

DASHBOARD_ROLES = (Role.PROGRAMME_MANAGER, Role.ADMIN)
ARCHIVE_ROLES = (Role.PROGRAMME_MANAGER, Role.FINANCE_OFFICER, Role.INTERNAL_AUDITOR, Role.IG_OFFICER)
SCHEDULE_ROLES = (Role.PROGRAMME_MANAGER,)
IG_ROLES = (Role.IG_OFFICER,)
PER_PAGE = 25

register_nav("Dashboard", "reporting.dashboard", roles=DASHBOARD_ROLES, order=60, match=("reporting.dashboard",))
register_nav("Reports", "reporting.archive", roles=ARCHIVE_ROLES, order=61,
             match=("reporting.archive", "reporting.schedule"))
register_nav("Study opt-outs", "reporting.opt_outs", roles=IG_ROLES, order=62, match=("reporting.opt_out",))
register_family_document("Download the progress summary for a case review (PDF)", "reporting.family_progress",
                         hint="Needs, plan goals, reviews and interventions, as at today")


@bp.record_once
def _register(state):
    reports.register_jobs()
    register_schedule_source(services.due_reports)


def _when(value):
    return london_text(value, "%-d %b %Y, %H:%M")


# --- the dashboard --------------------------------------------------------------------------------------------

def _filter_form():
    data = request.args.copy()
    if not data.get("period"):
        data["period"] = period_containing(today_london()).previous().code
    form = forms.DashboardFilterForm(data, key_workers=queries.key_worker_choices(), agencies=queries.agency_choices())
    valid = form.validate()
    filters = None
    if valid:
        filters = queries.Filters(parse_period(form.period.data), form.key_worker.data, form.agency.data)
    return form, filters


@bp.route("/dashboard")
@roles_required(*DASHBOARD_ROLES)
def dashboard():
    form, filters = _filter_form()
    sections = [queries.present(t) for t in queries.build_dashboard(filters)] if filters else []
    return render_template("reporting/dashboard.html", form=form, filters=filters, sections=sections,
                           params=filters.as_params() if filters else {}, threshold=queries.suppression_threshold(),
                           reporting_copy=queries.reporting_copy_note() if filters else None)


@bp.route("/dashboard/charts/<key>.svg")
@roles_required(*DASHBOARD_ROLES)
def chart(key):
    _, filters = _filter_form()
    if filters is None or key not in queries.SECTIONS:
        abort(404)
    table = queries.build_section(key, filters)
    svg = charts.chart_svg(queries.present(table)) if table else None
    if svg is None:
        abort(404)
    return charts.responsive_svg(svg), 200, {"Content-Type": "image/svg+xml; charset=utf-8"}


@bp.route("/dashboard/export.<fmt>")
@roles_required(*DASHBOARD_ROLES)
@limited_export("DashboardExported")
def export(fmt):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    _, filters = _filter_form()
    if filters is None:
        abort(400)
    sections = [queries.present(t) for t in queries.build_dashboard(filters)]
    heading = f"Programme dashboard, {filters.period.label}"
    audit.record("DashboardExported", object_type="dashboard", object_id=None, format=fmt,
                 period=filters.period.code, key_worker_id=filters.key_worker_id, agency_id=filters.agency_id)
    name = f"programme-dashboard-{filters.period.code}.{fmt}"
    if fmt == "csv":
        body, kind = exports.to_csv(sections, heading), "text/csv; charset=utf-8"
    else:
        body, kind = exports.to_xlsx(sections, heading), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return body, 200, {"Content-Type": kind, "Content-Disposition": f'attachment; filename="{name}"'}


# --- the archive ----------------------------------------------------------------------------------------------

def _requestable_types():
    """A person may ask for the reports they may read (and that can be made)."""
    return [t for t in reports.readable_types(current_user) if reports.SPECS[t].available]


def _archive_page(form, page_number=1):
    types = reports.readable_types(current_user)
    page = db.paginate(select(ArchivedReport).where(ArchivedReport.report_type.in_(types))
                       .options(selectinload(ArchivedReport.schedule))
                       .order_by(ArchivedReport.generated_at_utc.desc(), ArchivedReport.id.desc()),
                       page=page_number, per_page=PER_PAGE, error_out=False)
    return render_template("reporting/archive.html", page=page, when=_when, form=form, labels=_period_label,
                           may_schedule=current_user.role in SCHEDULE_ROLES)


@bp.route("/")
@roles_required(*ARCHIVE_ROLES)
def archive():
    types = _requestable_types()
    form = forms.RequestReportForm(types=types) if types else None
    return _archive_page(form, max(request.args.get("page", 1, type=int), 1))


def _period_label(code):
    try:
        return parse_period(code).label
    except ValueError:
        return code


@bp.route("/request", methods=["POST"])
@roles_required(*ARCHIVE_ROLES)
def request_report():
    form = forms.RequestReportForm(types=_requestable_types())
    if form.validate_on_submit():
        try:
            job = reports.request_report(form.report_type.data, form.period.data, current_user)
        except (reports.ReportError, ValueError) as exc:
            form.period.errors = [*form.period.errors, str(exc)]
        else:
            return redirect(url_for("scheduler.status", job_id=job.id))
    return _archive_page(form), 400


@bp.route("/archive/<int:archive_id>/download")
@roles_required(*ARCHIVE_ROLES)
@limited_export("ReportDownloaded")
def download(archive_id):
    entry = db.session.get(ArchivedReport, archive_id)
    if entry is None:
        abort(404)
    if not reports.may_read(current_user, entry.report_type):
        audit.record_refusal("ReportDownloadRefused", object_type="report", object_id=entry.id,
                             report_type=entry.report_type.value)
        abort(404)  # whether a report of a type you may not read exists is not yours to know
    if not reports.intact(entry):
        audit.record_refusal("ReportChecksumFailed", object_type="report", object_id=entry.id)
        abort(409)
    audit.record("ReportDownloaded", object_type="report", object_id=entry.id, report_type=entry.report_type.value,
                 period=entry.period)
    name = entry.filename.rsplit("/", 1)[-1]
    return send_file(reports.archive_path(entry), mimetype=entry.content_type, as_attachment=True,
                     download_name=name, max_age=0)


# --- schedules ------------------------------------------------------------------------------------------------

def _schedule_types():
    return [t for t, spec in reports.SPECS.items() if spec.available]


@bp.route("/schedules")
@roles_required(*SCHEDULE_ROLES)
def schedules():
    rows = db.session.scalars(select(ReportSchedule).order_by(ReportSchedule.name, ReportSchedule.id)).all()
    return render_template("reporting/schedules.html", schedules=rows, next_run=services.next_run, when=_when)


def _show_error(form, error):
    field = getattr(form, getattr(error, "field", "") or "", None) or form.cron
    field.errors = [*field.errors, str(error)]


@bp.route("/schedules/new", methods=["GET", "POST"])
@roles_required(*SCHEDULE_ROLES)
def new_schedule():
    form = forms.ScheduleForm(types=_schedule_types())
    if request.method == "GET":
        form.form_token.data = new_form_token()
        form.period_rule.data = form.period_rule.data or "previous_month"
    if form.validate_on_submit():
        try:
            services.create_schedule(_schedule_data(form), actor=current_user, token=form.form_token.data)
        except (services.ScheduleError, ValueError) as exc:
            _show_error(form, exc)
        else:
            flash("Schedule saved", "success")
            return redirect(url_for(".schedules"))
    return render_template("reporting/schedule_form.html", form=form, title="Add a report schedule"), \
        (400 if form.errors else 200)


def _schedule_data(form):
    return {"name": form.name.data, "report_type": form.report_type.data, "cron": form.cron.data,
            "period_rule": form.period_rule.data, "recipient_roles": form.recipient_roles.data or []}


def _schedule_or_404(schedule_id):
    schedule = db.session.get(ReportSchedule, schedule_id)
    if schedule is None:
        abort(404)
    return schedule


@bp.route("/schedules/<int:schedule_id>/edit", methods=["GET", "POST"])
@roles_required(*SCHEDULE_ROLES)
def edit_schedule(schedule_id):
    schedule = _schedule_or_404(schedule_id)
    form = forms.ScheduleForm(types=_schedule_types())
    if request.method == "GET":
        form.name.data, form.report_type.data, form.cron.data = schedule.name, schedule.report_type.value, schedule.cron
        form.period_rule.data, form.recipient_roles.data = schedule.period_rule.value, list(schedule.recipient_roles)
    if form.validate_on_submit():
        try:
            services.update_schedule(schedule, _schedule_data(form), actor=current_user)
        except (services.ScheduleError, ValueError) as exc:
            _show_error(form, exc)
        else:
            flash("Schedule saved", "success")
            return redirect(url_for(".schedules"))
    return render_template("reporting/schedule_form.html", form=form, title=f"Change the schedule {schedule.name}",
                           schedule=schedule), (400 if form.errors else 200)


@bp.route("/schedules/<int:schedule_id>/pause", methods=["POST"])
@roles_required(*SCHEDULE_ROLES)
def pause_schedule(schedule_id):
    schedule = _schedule_or_404(schedule_id)
    paused = request.form.get("paused") == "1"
    services.set_paused(schedule, paused, actor=current_user)
    flash(f"Schedule {schedule.name} {'paused' if paused else 'restarted'}", "success")
    return redirect(url_for(".schedules"))


# --- National Impact Study opt-outs ----------------------------------------------------------------------------

@bp.route("/study-opt-outs")
@roles_required(*IG_ROLES)
def opt_outs():
    page = db.paginate(select(NisOptOut).options(selectinload(NisOptOut.person).selectinload(Person.family),
                                                 selectinload(NisOptOut.recorded_by))
                       .order_by(NisOptOut.opted_out_on.desc(), NisOptOut.id.desc()),
                       page=max(request.args.get("page", 1, type=int), 1), per_page=PER_PAGE, error_out=False)
    return render_template("reporting/opt_outs.html", page=page)


@bp.route("/study-opt-outs/new", methods=["GET", "POST"])
@roles_required(*IG_ROLES)
def opt_out_new():
    find = forms.FindFamilyForm(request.args)
    if not request.args.get("family"):
        return render_template("reporting/opt_out_find.html", form=None, find=find)
    if not find.validate():
        return render_template("reporting/opt_out_find.html", form=find, find=find), 400
    reference = find.family.data.upper()
    family = db.session.scalar(select(Family).where(Family.reference == reference))
    if family is None:
        find.family.errors = [*find.family.errors, "No family has that reference: check it and try again"]
        return render_template("reporting/opt_out_find.html", form=find, find=find), 400
    people = case_queries.family_people(family)
    # Opening a family's list of names to record an opt-out is itself a view of the record: audited.
    audit.record("FamilyViewed", object_type="family", object_id=family.id, family_id=family.id,
                 purpose="nis_opt_out", basis="public_task", endpoint=request.endpoint)
    form = forms.OptOutForm(people=people)
    if form.validate_on_submit():
        person = next(p for p in people if p.id == form.person.data)
        try:
            services.record_opt_out(person, opted_out_on=form.opted_out_on.data, reason=form.reason.data,
                                    actor=current_user)
        except services.OptOutError as exc:
            form.person.errors = [*form.person.errors, str(exc)]
        else:
            flash("Opt-out recorded: they will be left out of the next National Impact Study extract", "success")
            return redirect(url_for(".opt_outs"))
    return render_template("reporting/opt_out_new.html", form=form, family=family), (400 if form.errors else 200)


# --- a family's progress summary --------------------------------------------------------------------------------

def _decide(record, *, whole_family=False):
    # A generated document: never extra-sensitive content, whoever asks.
    return content_decision(viewer(), facts_of(g.family_ties, record, whole_family_record=whole_family),
                            action=Action.PUT_IN_DOCUMENT)


def _withheld(what, record, decision):
    agency = getattr(record, "holding_agency", None)
    return withheld_text(what, agency.name if agency else "another agency", record.category, decision)


@bp.route("/families/<int:family_id>/progress-summary.pdf")
@family_access()
def family_progress(family):
    """Built for the person who asks, from what they may see; never archived for anyone else."""
    needs = [(n, _decide(n)) for n in case_queries.needs(family)]
    goals = [(goal, _decide(goal, whole_family=True)) for goal in case_queries.plan_goals(family)]
    reviews = case_queries.plan_reviews(family)
    # Interventions counted by type in SQL, only among those this person may see the content of.
    interventions = case_queries.interventions_page(family, page=1)
    visible = [i for i in interventions.items if _decide(i)]
    withheld_count = len(interventions.items) - len(visible)
    html = render_template(
        "reporting/pdf/family_progress.html", family=family, needs=needs, goals=goals, reviews=reviews,
        interventions=visible, withheld_interventions=withheld_count,
        more=interventions.total > len(interventions.items),
        withheld=_withheld, today=today_london(), requested_by=current_user, marking=reports.PROTECTIVE_MARKING,
        status_history=case_queries.status_history(family))
    audit.record("FamilyProgressSummaryPrinted", object_type="family", object_id=family.id, family_id=family.id)
    pdf = render_pdf(html)
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f'attachment; filename="progress-{family.reference}.pdf"'}


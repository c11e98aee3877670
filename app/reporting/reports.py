"""Group reports: what each type is, who may read it, how it is built, and the archive.

`generate(type, period)` builds a report once: if the archive already holds (type, period) it returns
that entry. The file is written under REPORTS_DIR (to a temporary name, then renamed, so a reader never
sees half a file) and the archive row records its SHA-256. Runs from the web and from schedules go
through the jobs queue keyed "report:<type>:<period>" (app/common/jobs.py): two schedulers, two
clicks or a restart make one job, and the UNIQUE (type, period) of the archive is the last guard.
"""
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import func, select

from app import audit
from app.auth.models import Role, User
from app.claims.models import Claim, ClaimRound, ClaimStatus, SampleResult
from app.common import jobs, outbox
from app.common.pdf import render_pdf
from app.common.time import today_london, utcnow
from app.extensions import db
from app.reporting import charts, queries, returns
from app.reporting.models import ArchivedReport, ReportSchedule, ReportType
from app.reporting.periods import InvalidPeriod, Period, parse_period

PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
ARCHIVE_FOLDER = "archive"


class ReportError(Exception):
    """A report that cannot be made as asked (its message is safe to show)."""


@dataclass(frozen=True)
class ReportSpec:
    type: ReportType
    roles: frozenset  # Role codes that may read (and ask for) this type
    extension: str
    content_type: str
    period_kinds: tuple  # "month", "quarter"
    build: Callable | None  # build(period, progress) -> bytes; None: not available yet

    @property
    def kind(self) -> str:
        return f"report-{self.type.value}"

    @property
    def available(self) -> bool:
        return self.build is not None

    def parse(self, text: str) -> Period:
        period = parse_period(text)
        wanted = "quarter" if period.is_quarter else "month"
        if wanted not in self.period_kinds:
            raise InvalidPeriod("Enter a quarter as YYYY-Qn, like 2026-Q3" if wanted == "month"
                                else "Enter a month as YYYY-MM, like 2026-10")
        return period


def _codes(*roles):
    return frozenset(role.value for role in roles)


def _noop(*_):
    return None


# --- the monthly programme report ------------------------------------------------------------------------

def monthly_context(period: Period, progress=_noop) -> dict:
    """The dashboard for one month, suppressed, with charts and a sentence of commentary per section."""
    filters = queries.Filters(period)
    sections = []
    steps = len(queries.REPORT_SECTIONS)
    for n, builder in enumerate(queries.REPORT_SECTIONS.values(), start=1):
        table = builder(filters)
        if table is None:
            continue
        presented = queries.present(table)
        svg = charts.chart_svg(presented)
        sections.append({"presented": presented, "svg": charts.inline_svg(svg, table.title, table.key) if svg else None,
                         "commentary": commentary(presented, period)})
        progress(n, steps + 1, f"{table.title} done")
    return {"period": period, "sections": sections, "marking": PROTECTIVE_MARKING,
            "generated_on": today_london(), "threshold": queries.suppression_threshold()}


def commentary(presented: queries.Presented, period: Period) -> str:
    """One plain sentence from the suppressed figures (never the hidden ones)."""
    table, suppressed = presented.table, presented.suppressed
    total = suppressed.grand_total or (suppressed.column_totals[0] if suppressed.column_totals else None)
    parts = []
    if total is not None:
        parts.append(f"{table.row_header} in total: {total.text(presented.threshold)}.")
    body = presented.body()
    largest = max(((cells[0].value if len(cells) == 1 else (row_total.value if row_total else 0), label)
                   for label, cells, row_total in body
                   if all(c.shown for c in cells) and (row_total is None or row_total.shown)), default=None)
    if largest and largest[0] > 0:
        parts.append(f"The largest is {largest[1]} ({largest[0]:,}).")
    parts.extend(f"{name}: {text}." for name, text in table.facts)
    return " ".join(parts) or "Nothing to report for this period."


def build_monthly(period: Period, progress=_noop) -> bytes:
    # Straight from the Jinja environment: no request here (a worker or the CLI), so no page context processors.
    html = current_app.jinja_env.get_template("reporting/pdf/monthly.html").render(**monthly_context(period, progress))
    return render_pdf(html)


def claim_round_context(period: Period) -> dict:
    """Exact figures of one claim round (finance and internal audit only, so nothing is suppressed):
    claims by programme and type with amounts, rejections by reason, the audit sample. Aggregates only."""
    claim_round = db.session.scalar(select(ClaimRound).where(ClaimRound.month == period.start))
    if claim_round is None:
        raise ReportError(f"There is no claim round for {period.label}")
    by_type = db.session.execute(
        select(Claim.programme, Claim.claim_type, func.count(Claim.id), func.sum(Claim.amount_pence))
        .where(Claim.round_id == claim_round.id, Claim.status != ClaimStatus.REJECTED)
        .group_by(Claim.programme, Claim.claim_type).order_by(Claim.programme, Claim.claim_type)).all()
    rejected = db.session.execute(
        select(Claim.rejection_reason, func.count(Claim.id))
        .where(Claim.round_id == claim_round.id, Claim.status == ClaimStatus.REJECTED)
        .group_by(Claim.rejection_reason).order_by(Claim.rejection_reason)).all()
    sample = dict(db.session.execute(
        select(Claim.sample_result, func.count(Claim.id)).where(Claim.round_id == claim_round.id, Claim.sampled)
        .group_by(Claim.sample_result)).all())
    return {"period": period, "round": claim_round, "marking": PROTECTIVE_MARKING, "generated_on": today_london(),
            "by_type": [(programme, kind.label, n, pence or 0) for programme, kind, n, pence in by_type],
            "rejected": [(reason.label if reason else "No reason recorded", n) for reason, n in rejected],
            "sampled": sum(sample.values()), "signed_off": sample.get(SampleResult.SIGNED_OFF, 0),
            "sample_rejected": sample.get(SampleResult.REJECTED, 0), "undecided": sample.get(None, 0)}


def build_claim_round(period: Period, progress=_noop) -> bytes:
    progress(0, 1, "Counting the round's claims")
    html = current_app.jinja_env.get_template("reporting/pdf/claim_round.html").render(**claim_round_context(period))
    return render_pdf(html)


def build_quarterly_return(period: Period, progress=_noop) -> bytes:
    progress(0, 1, "Counting the quarter")
    return returns.quarterly_return_csv(period)


def build_nis_extract(period: Period, progress=_noop) -> bytes:
    progress(0, 1, "Listing the programme and comparison groups")
    return returns.nis_extract_csv(period)


SPECS: dict[ReportType, ReportSpec] = {
    ReportType.MONTHLY: ReportSpec(ReportType.MONTHLY, _codes(Role.PROGRAMME_MANAGER, Role.FINANCE_OFFICER,
                                                              Role.INTERNAL_AUDITOR),
                                   "pdf", "application/pdf", ("month",), build_monthly),
    # Exact figures: for finance and internal audit only.
    ReportType.CLAIM_ROUND: ReportSpec(ReportType.CLAIM_ROUND, _codes(Role.FINANCE_OFFICER, Role.INTERNAL_AUDITOR),
                                       "pdf", "application/pdf", ("month",), build_claim_round),
    ReportType.QUARTERLY_RETURN: ReportSpec(ReportType.QUARTERLY_RETURN, _codes(Role.PROGRAMME_MANAGER,
                                                                                Role.IG_OFFICER),
                                            "csv", "text/csv", ("quarter",), build_quarterly_return),
    ReportType.NIS_EXTRACT: ReportSpec(ReportType.NIS_EXTRACT, _codes(Role.PROGRAMME_MANAGER, Role.IG_OFFICER),
                                       "csv", "text/csv", ("month", "quarter"), build_nis_extract),
}


def spec_for(report_type) -> ReportSpec:
    try:
        return SPECS[ReportType(report_type)]
    except ValueError as exc:
        raise ReportError(f"There is no report type called {report_type}") from exc


def may_read(user, report_type) -> bool:
    return user.role.value in spec_for(report_type).roles


def readable_types(user) -> list[ReportType]:
    return [t for t, spec in SPECS.items() if user.role.value in spec.roles]


def dedupe_key(report_type: ReportType, period: Period) -> str:
    return f"report:{ReportType(report_type).value}:{period.code}"


# --- the archive ------------------------------------------------------------------------------------------

def archived(report_type, period_code: str) -> ArchivedReport | None:
    return db.session.scalar(select(ArchivedReport).where(ArchivedReport.report_type == ReportType(report_type),
                                                          ArchivedReport.period == period_code))


def archive_path(entry: ArchivedReport) -> Path:
    return Path(current_app.config["REPORTS_DIR"]) / entry.filename


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def intact(entry: ArchivedReport) -> bool:
    path = archive_path(entry)
    return path.is_file() and sha256_of(path) == entry.sha256


def _write(relative: str, content: bytes) -> None:
    path = Path(current_app.config["REPORTS_DIR"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def generate(report_type, period_text: str, *, progress=_noop, job_id=None, schedule_id=None,
             user_id=None) -> tuple[ArchivedReport, bool]:
    """The archived report for (type, period), made now if it does not exist yet. Flushes; (entry, made)."""
    spec = spec_for(report_type)
    if not spec.available:
        raise ReportError(f"The {spec.type.label.lower()} is not available yet")
    try:
        period = spec.parse(period_text)
    except InvalidPeriod as exc:
        raise ReportError(str(exc)) from exc
    existing = archived(spec.type, period.code)
    if existing is not None:
        return existing, False
    content = spec.build(period, progress)
    filename = f"{ARCHIVE_FOLDER}/{spec.type.value}/{spec.type.value}-{period.code}.{spec.extension}"
    _write(filename, content)
    entry = ArchivedReport(report_type=spec.type, period=period.code, filename=filename,
                           content_type=spec.content_type, sha256=hashlib.sha256(content).hexdigest(),
                           size_bytes=len(content), generated_at_utc=utcnow(), schedule_id=schedule_id,
                           job_id=job_id, generated_by_user_id=user_id)
    db.session.add(entry)
    db.session.flush()
    audit.record("ReportGenerated", object_type="report", object_id=entry.id, report_type=spec.type.value,
                 period=period.code, job_id=job_id, schedule_id=schedule_id)
    progress(1, 1, "Saved to the report archive")
    return entry, True


def request_report(report_type, period_text: str, user, *, schedule_id=None):
    """Queue a report (or find the job already queued for it). Flushes; returns the job."""
    spec = spec_for(report_type)
    if not spec.available:
        raise ReportError(f"The {spec.type.label.lower()} is not available yet")
    period = spec.parse(period_text)
    params = {"report_type": spec.type.value, "period": period.code}
    if schedule_id is not None:
        params["schedule_id"] = schedule_id
    return jobs.enqueue(spec.kind, dedupe_key(spec.type, period), params, requested_by=user)


# --- background jobs ---------------------------------------------------------------------------------------

def run_report_job(job, progress):
    params = job.params or {}
    try:
        entry, made = generate(params.get("report_type"), params.get("period", ""), progress=progress, job_id=job.id,
                               schedule_id=params.get("schedule_id"), user_id=job.requested_by_user_id)
    except ReportError as exc:
        raise jobs.JobError(str(exc)) from exc
    if made and params.get("schedule_id"):
        notify_recipients(entry)
    return {"archive_id": entry.id, "made": made}


def notify_recipients(entry: ArchivedReport) -> int:
    """Tell the schedule's recipient roles that the report is ready. The message names the report and
    period only; the file stays behind sign-in."""
    schedule = db.session.get(ReportSchedule, entry.schedule_id) if entry.schedule_id else None
    if schedule is None:
        return 0
    allowed = [r for r in schedule.recipient_roles if r in spec_for(entry.report_type).roles]
    users = db.session.scalars(select(User).where(User.role.in_([Role(r) for r in allowed]), User.active)
                               .order_by(User.id)).all()
    period = parse_period(entry.period)
    for user in users:
        outbox.queue_message(kind="report_ready", recipient=user.email,
                             subject=f"{entry.report_type.label}: {period.label}",
                             body=(f"The {entry.report_type.label.lower()} for {period.label} is ready. "
                                   "Sign in to Hearth and open Reports to download it."))
    return len(users)


def _job_title(job):
    params = job.params or {}
    try:
        spec = spec_for(params.get("report_type"))
        return f"{spec.type.label}: {parse_period(params.get('period', '')).label}"
    except (ReportError, InvalidPeriod):
        return "Report"


def _job_result_url(job):
    archive_id = (job.result or {}).get("archive_id")
    return url_for("reporting.download", archive_id=archive_id) if archive_id else None


def register_jobs():
    for spec in SPECS.values():
        if spec.available:
            jobs.register_job_handler(spec.kind, run_report_job, roles=spec.roles, title=_job_title,
                                      result_url=_job_result_url, max_attempts=3)

"""The programme dashboard's figures, each from one SQL aggregate (GROUP BY), never a loop over rows.

`build_dashboard(filters)` returns the sections in page order; every section is a `Table` of counts that
`present()` suppresses before it is shown, exported, drawn or printed. A section builder is a function of
`Filters`; one that returns None is left out, so a section with nothing to count (claims, before the
first round) never shows.

Medians of waiting times group by the pair of dates (or the day difference) in SQL and take the median
of that small distribution here: working days need England's bank holidays, which are not in the database.
"""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import and_, case, exists, func, literal, select, text

from app.auth.models import Agency, AgencyKind, Role, User
from app.cases.models import (
    Family,
    FamilyStatus,
    Intervention,
    InterventionType,
    Need,
    TeamMember,
)
from app.claims.models import Claim, ClaimRound, ClaimStatus, ClaimTarget, RoundStatus
from app.common.text import plural
from app.extensions import db
from app.framework.models import HeadlineOutcome
from app.outcomes.dates import add_calendar_months
from app.outcomes.facts import ClaimType
from app.outcomes.judgement import NeedState
from app.outcomes.models import NeedJudgement
from app.referrals.models import Referral, ReferralStatus
from app.referrals.queries import triage_target
from app.referrals.workdays import working_days_between
from app.reporting.periods import Period
from app.reporting.suppression import SuppressedTable, suppress

OPEN_STATUSES = (FamilyStatus.ATTACHED, FamilyStatus.ASSESSMENT, FamilyStatus.PLAN, FamilyStatus.ACTIVE)
# Tables by agency name the agencies with the most and sum the rest by kind of agency (see fold_agencies).
TOP_AGENCIES = 10
CASELOAD_BANDS = ((1, 10, "1 to 10"), (11, 20, "11 to 20"), (21, 30, "21 to 30"), (31, None, "More than 30"))
ATTACHMENT_BANDS = ((0, 7, "Within a week"), (8, 28, "8 to 28 days"), (29, 90, "29 to 90 days"),
                    (91, None, "More than 90 days"))


@dataclass(frozen=True)
class Filters:
    period: Period
    key_worker_id: int | None = None
    agency_id: int | None = None

    def as_params(self) -> dict:
        out = {"period": self.period.code}
        if self.key_worker_id:
            out["key_worker"] = self.key_worker_id
        if self.agency_id:
            out["agency"] = self.agency_id
        return out


@dataclass
class Table:
    """A section of counts: rows of `columns`, with optional totals; `facts` are figures that are not
    counts (a median), already withheld when the count under them is small."""

    key: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[tuple[str, list[int]]]
    row_totals: bool = False
    column_totals: bool = True
    chart: str | None = "bar"  # "bar" (one series per column, grouped), "stacked", or None
    note: str | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)

    def raw(self) -> dict[str, list[int]]:
        """Label -> counts, for tests and for commentary."""
        return {label: list(values) for label, values in self.rows}


@dataclass
class Presented:
    table: Table
    suppressed: SuppressedTable

    @property
    def threshold(self):
        return self.suppressed.threshold

    @property
    def chartable(self) -> bool:
        """A chart would show something: some count is neither zero nor hidden."""
        return self.table.chart is not None and any(cell.plotted for row in self.suppressed.cells for cell in row)

    def body(self):
        """[(row label, [Cell...], total Cell or None)]."""
        totals = self.suppressed.row_totals or [None] * len(self.table.rows)
        return [(label, list(cells), total) for (label, _), cells, total
                in zip(self.table.rows, self.suppressed.cells, totals, strict=True)]


def suppression_threshold() -> int:
    return int(current_app.config["REPORT_SUPPRESSION_THRESHOLD"])


def present(table: Table, threshold: int | None = None) -> Presented:
    threshold = threshold or suppression_threshold()
    matrix = [values for _, values in table.rows]
    row_totals = table.row_totals and len(table.columns) > 1
    if not matrix:
        return Presented(table, SuppressedTable((), None, None, None, threshold))
    return Presented(table, suppress(matrix, threshold, row_totals=row_totals, column_totals=table.column_totals))


# --- SQL helpers -----------------------------------------------------------------------------------------

def _reporting_bind() -> dict | None:
    """The reporting replica when REPORTING_DATABASE_URL names one, else None (the primary)."""
    engines = db.engines
    return {"bind": engines["reporting"]} if "reporting" in engines else None


def _read(statement):
    """Every aggregate of the dashboard and the reports is read here: from the reporting replica when there
    is one, so the partnership's figures never load the primary that case work writes to."""
    return db.session.execute(statement, bind_arguments=_reporting_bind())


def reporting_copy_note() -> str | None:
    """What the dashboard says when its figures come from the reporting replica, with how far behind the
    live service it is where the replica can tell (PostgreSQL's replay time); None when they do not."""
    bind = _reporting_bind()
    if bind is None:
        return None
    lag = None
    if bind["bind"].dialect.name == "postgresql":
        # NULL on a server that is not replaying a primary's changes.
        lag = _read(text("SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")).scalar()
    note = "These figures are read from the reporting copy of the database"
    if lag is None:
        return note + "."
    minutes = int(max(0.0, float(lag)) // 60)
    return note + (", less than a minute behind the live service." if minutes < 1
                   else f", {plural(minutes, 'minute')} behind the live service.")


def _dialect() -> str:
    bind = _reporting_bind()
    return (bind["bind"] if bind else db.session.get_bind()).dialect.name


def month_of(column):
    """YYYY-MM of a date column, in SQL."""
    if _dialect() == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def days_between(later, earlier):
    if _dialect() == "postgresql":
        return later - earlier  # date - date is an integer number of days
    return func.cast(func.julianday(later) - func.julianday(earlier), db.Integer)


def _in_period(column, period: Period):
    return and_(column >= period.start, column <= period.end)


def _family_filters(filters: Filters, family_id_column=Family.id, *, by_team_agency=True):
    """Key worker: the family's lead practitioner. Agency: the agency was ever on the family's team
    (sections about an agency's own work, interventions and caseloads, filter on that work instead)."""
    clauses = []
    if filters.key_worker_id:
        if family_id_column is Family.id:
            clauses.append(Family.lead_practitioner_id == filters.key_worker_id)
        else:
            clauses.append(exists().where(Family.id == family_id_column,
                                          Family.lead_practitioner_id == filters.key_worker_id))
    if filters.agency_id and by_team_agency:
        clauses.append(exists().where(TeamMember.family_id == family_id_column,
                                      TeamMember.agency_id == filters.agency_id))
    return clauses


def weighted_median(pairs) -> float | None:
    """Median of values given as (value, count) pairs."""
    items = sorted((v, n) for v, n in pairs if n)
    total = sum(n for _, n in items)
    if not total:
        return None

    def nth(k):  # the k-th value (0-based) in sorted order
        seen = 0
        for value, n in items:
            seen += n
            if k < seen:
                return value
        return items[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def _days_text(value: float | None) -> str:
    if value is None:
        return "None"
    number = f"{value:g}"
    return f"{number} day" if value == 1 else f"{number} days"


# --- sections --------------------------------------------------------------------------------------------

# Counts are count(*), not count(id): PostgreSQL answers count(*) from an index alone (families by state
# from ix_families_status: 8 ms instead of 37 ms at 60,000 families); count(id) makes it read the rows.


def families_by_state(filters: Filters) -> Table:
    query = (select(Family.status, func.count()).where(*_family_filters(filters))
             .group_by(Family.status))
    counts = dict(_read(query).all())
    return Table("states", "Families by lifecycle state", "State", ["Families"],
                 [(status.label, [counts.get(status, 0)]) for status in FamilyStatus],
                 note="Where each family's case is now, when the report was made.")


@dataclass(frozen=True)
class AgencyCounts:
    """One row of an aggregate by agency before folding: `detail` is what else the row is split by (an
    intervention type), or None."""

    agency: str
    kind: AgencyKind
    detail: str | None
    counts: list[int]


def fold_agencies(rows: list[AgencyCounts], top: int = TOP_AGENCIES) -> tuple[list[tuple[str, list[int]]], bool]:
    """The `top` agencies with the most in the table by name, the rest summed by kind of agency.

    A large council has hundreds of agencies (300 schools): a board reads the few that do most and the rest
    by kind, and sums of many small agencies need less suppression. Returns (rows, folded)."""
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.agency] = totals.get(row.agency, 0) + sum(row.counts)
    if len(totals) <= top:
        return sorted((_row_label(row.agency, row.detail), list(row.counts)) for row in rows), False
    named = set(sorted(totals, key=lambda name: (-totals[name], name))[:top])
    others_by_kind: dict[AgencyKind, set[str]] = {}
    for row in rows:
        if row.agency not in named:
            others_by_kind.setdefault(row.kind, set()).add(row.agency)
    shown, summed = [], {}
    for row in rows:
        if row.agency in named:
            shown.append((_row_label(row.agency, row.detail), list(row.counts)))
            continue
        n = len(others_by_kind[row.kind])
        label = _row_label(f"Other {row.kind.label.lower()} ({plural(n, 'agency', 'agencies')})", row.detail)
        summed[label] = [a + b for a, b in zip(summed.get(label, [0] * len(row.counts)), row.counts, strict=True)]
    return sorted(shown) + sorted(summed.items()), True


def _row_label(agency: str, detail: str | None) -> str:
    return f"{agency}: {detail}" if detail else agency


def _folded_note(folded: bool) -> str | None:
    return (f"The {TOP_AGENCIES} agencies with the most are named; the others are summed by kind of agency."
            if folded else None)


def referrals_by_agency(filters: Filters) -> Table:
    month = month_of(Referral.received_on).label("month")
    query = (select(Agency.name, Agency.kind, month, func.count())
             .join(Agency, Agency.id == Referral.referring_agency_id)
             .where(_in_period(Referral.received_on, filters.period))
             .group_by(Agency.name, Agency.kind, month).order_by(Agency.name, month))
    if filters.agency_id:
        query = query.where(Referral.referring_agency_id == filters.agency_id)
    if filters.key_worker_id:
        query = query.where(exists().where(Family.id == Referral.family_id,
                                           Family.lead_practitioner_id == filters.key_worker_id))
    months = filters.period.months()
    by_agency: dict[str, AgencyCounts] = {}
    for name, kind, month_code, count in _read(query).all():
        row = by_agency.setdefault(name, AgencyCounts(name, kind, None, [0] * len(months)))
        row.counts[months.index(month_code)] = count
    rows, folded = fold_agencies(list(by_agency.values()))
    return Table("referrals", "Referrals received by month and referring agency", "Referring agency",
                 [_month_label(m) for m in months], rows, row_totals=True, chart="stacked",
                 note=_folded_note(folded))


def _month_label(code: str) -> str:
    return date(int(code[:4]), int(code[5:]), 1).strftime("%b %Y")


def triage_times(filters: Filters) -> Table:
    """Referrals triaged in the period: how many within the target, how many past it, and the median."""
    query = (select(Referral.received_on, Referral.triaged_on, func.count())
             .where(Referral.triaged_on.is_not(None), _in_period(Referral.triaged_on, filters.period))
             .group_by(Referral.received_on, Referral.triaged_on))
    if filters.agency_id:
        query = query.where(Referral.referring_agency_id == filters.agency_id)
    if filters.key_worker_id:
        query = query.where(Referral.triaged_by_user_id == filters.key_worker_id)
    target = triage_target()
    within = past = 0
    waits = []
    for received_on, triaged_on, count in _read(query).all():
        days = working_days_between(received_on, triaged_on)
        waits.append((days, count))
        if days > target:
            past += count
        else:
            within += count
    table = Table("triage", "Time to triage", "Referrals triaged in the period", ["Referrals"],
                  [(f"Within {target} working days", [within]), (f"Past the target of {target} working days", [past])],
                  chart="bar")
    median = weighted_median(waits)
    threshold = suppression_threshold()
    text = (f"{_days_text(median)}".replace("day", "working day") if within + past >= threshold
            else f"Not shown for fewer than {threshold} referrals")
    table.facts.append(("Median time to triage", text))
    return table


def referral_to_attachment(filters: Filters) -> Table:
    """Families attached in the period: days from their first accepted referral to attachment."""
    # Driven from the families attached in the period (index on attached_on); each one's first accepted
    # referral through the referrals' family_id index, never a pass over every referral.
    first_received = (select(func.min(Referral.received_on))
                      .where(Referral.family_id == Family.id, Referral.status == ReferralStatus.ACCEPTED)
                      .correlate(Family).scalar_subquery())
    per_family = (select(days_between(Family.attached_on, first_received).label("days"))
                  .where(Family.attached_on.is_not(None), _in_period(Family.attached_on, filters.period),
                         *_family_filters(filters))
                  .subquery())
    query = (select(per_family.c.days, func.count()).where(per_family.c.days.is_not(None))
             .group_by(per_family.c.days))
    spread = [(int(d), n) for d, n in _read(query).all()]
    rows = []
    for low, high, label in ATTACHMENT_BANDS:
        rows.append((label, [sum(n for d, n in spread if d >= low and (high is None or d <= high))]))
    table = Table("attachment", "Time from referral to attachment", "Families attached in the period",
                  ["Families"], rows)
    threshold = suppression_threshold()
    count = sum(n for _, n in spread)
    table.facts.append(("Median time from referral to attachment",
                        _days_text(weighted_median(spread)) if count >= threshold
                        else f"Not shown for fewer than {threshold} families"))
    return table


def caseload(filters: Filters) -> Table:
    query = (select(User.name, User.id, func.count())
             .join(Family, Family.lead_practitioner_id == User.id)
             .where(Family.status.in_(OPEN_STATUSES), *_family_filters(filters, by_team_agency=False))
             .group_by(User.name, User.id).order_by(User.name, User.id))
    if filters.agency_id:
        query = query.where(User.agency_id == filters.agency_id)
    rows = [(name, [count]) for name, _, count in _read(query).all()]
    return Table("caseload", "Open cases per key worker", "Key worker", ["Open cases"], rows,
                 note="Families each key worker leads whose case is open now.")


def caseload_spread(filters: Filters) -> Table:
    """Key workers by how many open cases they lead, and the median: the caseload for a partnership board,
    which reads the spread rather than one row per named key worker (220 of them in a large council)."""
    per_worker = (select(func.count().label("cases"))
                  .where(Family.status.in_(OPEN_STATUSES), Family.lead_practitioner_id.is_not(None),
                         *_family_filters(filters, by_team_agency=False))
                  .group_by(Family.lead_practitioner_id))
    if filters.agency_id:
        per_worker = per_worker.where(exists().where(User.id == Family.lead_practitioner_id,
                                                     User.agency_id == filters.agency_id))
    per_worker = per_worker.subquery()
    spread = [(int(cases), n) for cases, n in _read(
        select(per_worker.c.cases, func.count()).group_by(per_worker.c.cases)).all()]
    rows = [(label, [sum(n for cases, n in spread if cases >= low and (high is None or cases <= high))])
            for low, high, label in CASELOAD_BANDS]
    table = Table("caseload", "Key workers by number of open cases", "Open cases led", ["Key workers"], rows,
                  note="Key workers leading at least one open case, by how many they lead now.")
    threshold = suppression_threshold()
    workers = sum(n for _, n in spread)
    median = weighted_median(spread)
    table.facts.append(("Median open cases per key worker",
                        f"{median:g}" if workers >= threshold and median is not None
                        else f"Not shown for fewer than {threshold} key workers"))
    return table


def interventions_by_agency_and_type(filters: Filters) -> Table:
    # Counted by ids first (from the live-interventions index alone), then named: the names are joined to
    # the few hundred groups, not to every intervention of the period.
    month = month_of(Intervention.occurred_on).label("month")
    counted = (select(Intervention.agency_id, Intervention.type_id, month, func.count().label("n"))
               .where(Intervention.deleted_at_utc.is_(None), _in_period(Intervention.occurred_on, filters.period),
                      *_family_filters(filters, Intervention.family_id, by_team_agency=False))
               .group_by(Intervention.agency_id, Intervention.type_id, month))
    if filters.agency_id:
        counted = counted.where(Intervention.agency_id == filters.agency_id)
    counted = counted.subquery()
    query = (select(Agency.name, Agency.kind, InterventionType.name, counted.c.month, counted.c.n)
             .join(Agency, Agency.id == counted.c.agency_id)
             .join(InterventionType, InterventionType.id == counted.c.type_id))
    months = filters.period.months()
    by_row: dict[tuple[str, str], AgencyCounts] = {}
    for agency, kind, type_name, month_code, count in _read(query).all():
        row = by_row.setdefault((agency, type_name), AgencyCounts(agency, kind, type_name, [0] * len(months)))
        row.counts[months.index(month_code)] = count
    rows, folded = fold_agencies(list(by_row.values()))
    return Table("interventions", "Interventions by month, agency and type", "Agency and type",
                 [_month_label(m) for m in months], rows, row_totals=True, chart="stacked",
                 note=_folded_note(folded))


def needs_resolved_by_headline(period: Period, filters: Filters | None = None) -> dict[str, int]:
    """Needs judged resolved (app/outcomes' cached judgement) with their resolution in the period.

    Driven from the judgements resolved in the period (index on resolved_on), each joined to its need by
    primary key: joined the other way round PostgreSQL read every need whatever the period."""
    extra = _family_filters(filters, NeedJudgement.family_id) if filters else ()
    query = (select(Need.headline_code, func.count())
             .select_from(NeedJudgement)
             .join(Need, Need.id == NeedJudgement.need_id)
             .where(NeedJudgement.state == NeedState.RESOLVED, _in_period(NeedJudgement.resolved_on, period),
                    *extra)
             .group_by(Need.headline_code))
    return dict(_read(query).all())


def needs_at_attachment(filters: Filters) -> Table:
    """Needs identified at attachment for families attached in the period, and needs resolved in the
    period, by headline."""
    query = (select(Need.headline_code, func.count())
             .join(Family, Family.id == Need.family_id)
             .where(Need.at_attachment.is_(True), Family.attached_on.is_not(None),
                    _in_period(Family.attached_on, filters.period), *_family_filters(filters))
             .group_by(Need.headline_code))
    at_attachment = dict(_read(query).all())
    resolved = needs_resolved_by_headline(filters.period, filters)
    codes = sorted(set(at_attachment) | set(resolved))
    names = _headline_names(codes)
    rows = sorted(((names.get(code, code), [at_attachment.get(code, 0), resolved.get(code, 0)]) for code in codes),
                  key=lambda r: r[0])
    return Table("needs", "Needs by headline: at attachment and resolved", "Headline",
                 ["At attachment", "Resolved"], rows,
                 note="At attachment: families attached in the period. Resolved: needs whose evidence shows them "
                      "resolved in the period.")


def _headline_names(codes) -> dict[str, str]:
    if not codes:
        return {}
    # The newest version's name for each code (names rarely change between versions).
    query = (select(HeadlineOutcome.code, HeadlineOutcome.name).where(HeadlineOutcome.code.in_(codes))
             .order_by(HeadlineOutcome.code, HeadlineOutcome.version_id))
    return dict(_read(query).all())


def sustainment(filters: Filters) -> Table:
    """Closed families at the end of the period: still inside the sustainment months, or past them."""
    months = int(current_app.config["SUSTAINMENT_MONTHS"])
    end = filters.period.end
    # Closed on or before this day means the sustainment period had run its course by the period's end.
    cutoff = _months_before(end, months)
    band = case((Family.closed_on <= cutoff, literal("past")), else_=literal("in")).label("band")
    query = (select(band, func.count())
             .where(Family.status == FamilyStatus.CLOSED, Family.closed_on.is_not(None), Family.closed_on <= end,
                    *_family_filters(filters))
             .group_by(band))
    counts = dict(_read(query).all())
    return Table("sustainment", "Families in sustainment", "Closed families", ["Families"], [
        (f"In the {months}-month sustainment period", [counts.get("in", 0)]),
        ("Sustainment period complete (claimable once outcomes are verified)", [counts.get("past", 0)]),
    ], note="Claimability also needs every need resolved and kept resolved; the claims pages judge that.")


def _months_before(day: date, months: int) -> date:
    """The latest closure date whose sustainment period ends on or before `day`."""
    # Walk the few days around the answer: exact with the outcomes' calendar-month arithmetic (month ends).
    candidate = date.fromordinal(day.toordinal() - 31 * (months + 1))
    result = date.min
    while candidate <= day:
        if add_calendar_months(candidate, months) <= day:
            result = candidate
        candidate = date.fromordinal(candidate.toordinal() + 1)
    return result


def _financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def claims_against_target(filters: Filters) -> Table | None:
    """Claims made (in rounds submitted or paid) from the start of the financial year to the period's end,
    by claim type, against the council's annual target; None while there are no claims and no target."""
    year_start = _financial_year_start(filters.period.end)
    made = (select(Claim.claim_type, func.count(Claim.id), func.coalesce(func.sum(Claim.amount_pence), 0))
            .join(ClaimRound, ClaimRound.id == Claim.round_id)
            .where(Claim.status != ClaimStatus.REJECTED,
                   ClaimRound.status.in_((RoundStatus.SUBMITTED, RoundStatus.PAID)),
                   ClaimRound.month >= year_start, ClaimRound.month <= filters.period.end,
                   *_family_filters(filters, Claim.family_id))
            .group_by(Claim.claim_type))
    counts = {kind: (n, pence) for kind, n, pence in _read(made).all()}
    target = _read(select(ClaimTarget.target).where(ClaimTarget.year_starting == year_start.year)).scalar()
    if not counts and target is None:
        return None
    year = f"April {year_start.year} to March {year_start.year + 1}"
    table = Table("claims", "Claims made this financial year", "Claim type", ["Claims made"],
                  [(kind.label, [counts.get(kind, (0, 0))[0]]) for kind in ClaimType],
                  note=f"Claims in rounds submitted or paid, {year}, up to the end of the period.")
    threshold = suppression_threshold()
    results = counts.get(ClaimType.RESULTS, (0, 0))[0]
    total = sum(n for n, _ in counts.values())
    table.facts.append((f"Target for results claims, {year}", f"{target:,}" if target is not None else "Not set"))
    if target:
        table.facts.append(("Results claims against the target",
                            f"{results:,} of {target:,} ({100 * results / target:.0f}%)" if results >= threshold
                            else f"Not shown for fewer than {threshold} claims"))
    # Money follows the count (payments are fixed per claim), so it is hidden with it.
    pence = sum(p for _, p in counts.values())
    table.facts.append(("Money claimed", f"£{pence / 100:,.2f}" if total >= threshold
                        else f"Not shown for fewer than {threshold} claims"))
    return table


# Page order.
SECTIONS = {
    "states": families_by_state,
    "referrals": referrals_by_agency,
    "triage": triage_times,
    "attachment": referral_to_attachment,
    "caseload": caseload,
    "interventions": interventions_by_agency_and_type,
    "needs": needs_at_attachment,
    "sustainment": sustainment,
    "claims": claims_against_target,
}


# The monthly PDF for the partnership board: the same sections, with the caseload as a spread, not by name.
REPORT_SECTIONS = {**SECTIONS, "caseload": caseload_spread}


def build_dashboard(filters: Filters) -> list[Table]:
    tables = (builder(filters) for builder in SECTIONS.values())
    return [table for table in tables if table is not None]


def build_section(key: str, filters: Filters) -> Table | None:
    builder = SECTIONS.get(key)
    return builder(filters) if builder else None


# --- filter choices -------------------------------------------------------------------------------------

def key_worker_choices() -> list[tuple[int, str]]:
    query = (select(User.id, User.name).where(User.role == Role.KEY_WORKER)
             .order_by(User.name, User.id))
    return [(row.id, row.name) for row in db.session.execute(query).all()]


def agency_choices() -> list[tuple[int, str]]:
    return [(row.id, row.name) for row in db.session.execute(select(Agency.id, Agency.name).order_by(Agency.name))]

"""Reads for the claims pages: rounds with their totals (aggregated in SQL), a round's claims, the annual
target and the families that could still be claimed this financial year."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.cases.access import TieSource
from app.cases.models import Family
from app.claims import rounds
from app.claims.models import Claim, ClaimRound, ClaimStatus, ClaimTarget, RoundStatus
from app.claims.services import window_for
from app.extensions import db
from app.outcomes.dates import add_calendar_months, month_start
from app.outcomes.facts import ClaimType
from app.outcomes.facts_builder import build_facts_many
from app.outcomes.rules import RuleSetError, rule_set_for

PER_PAGE = 25


# --- the claim_assurance tie: a family whose claim is in a drawn internal audit sample -------------------------

def _in_drawn_sample(family_id_column):
    # `sampled` is set only when an auditor draws the round's sample: every internal auditor may check it.
    return sa.exists().where(Claim.family_id == family_id_column, Claim.sampled.is_(True)).correlate_except(Claim)


def family_in_claim_sample(family_id: int) -> bool:
    return bool(db.session.scalar(sa.select(_in_drawn_sample(family_id))))


CLAIM_SAMPLE_TIE = TieSource(ties_field="in_claim_sample", load=family_in_claim_sample,
                             columns_field="in_claim_sample",
                             clause=lambda family_id_column: lambda: _in_drawn_sample(family_id_column))


def rounds_page(page: int):
    included = Claim.status == ClaimStatus.INCLUDED
    counts = (sa.select(Claim.round_id, sa.func.count(Claim.id).filter(included).label("claims"),
                        sa.func.coalesce(sa.func.sum(Claim.amount_pence).filter(included), 0).label("amount"))
              .group_by(Claim.round_id).subquery())
    query = (sa.select(ClaimRound, sa.func.coalesce(counts.c.claims, 0), sa.func.coalesce(counts.c.amount, 0))
             .outerjoin(counts, counts.c.round_id == ClaimRound.id)
             .order_by(ClaimRound.month.desc(), ClaimRound.id.desc()))
    total = db.session.scalar(sa.select(sa.func.count(ClaimRound.id)))
    rows = db.session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return rows, total


def round_by_code(code: str) -> ClaimRound | None:
    try:
        month = rounds.parse_round(code)
    except rounds.RoundCodeInvalid:
        return None
    return db.session.scalar(sa.select(ClaimRound).where(ClaimRound.month == month))


def claims_page(claim_round: ClaimRound, page: int, *, sampled_only=False):
    query = (sa.select(Claim).join(Family, Family.id == Claim.family_id).options(contains_eager(Claim.family))
             .where(Claim.round_id == claim_round.id))
    if sampled_only:
        query = query.where(Claim.sampled)
    return db.paginate(query.order_by(Family.reference, Claim.claim_type, Claim.id), page=page, per_page=PER_PAGE,
                       error_out=False)


@dataclass(frozen=True)
class TargetProgress:
    year_starting: int
    target: int | None
    claimed: int
    could_still: list  # (family reference, claimable on), soonest first
    could_still_count: int

    @property
    def label(self) -> str:
        return f"April {self.year_starting} to March {self.year_starting + 1}"


def target_progress(today: date, limit: int = 25) -> TargetProgress:
    year = rounds.financial_year_starting(today)
    first, last = rounds.financial_year(year)
    target = db.session.scalar(sa.select(ClaimTarget.target).where(ClaimTarget.year_starting == year))
    claimed = db.session.scalar(
        sa.select(sa.func.count(Claim.id)).join(ClaimRound, ClaimRound.id == Claim.round_id)
        .where(Claim.status == ClaimStatus.INCLUDED, Claim.claim_type == ClaimType.RESULTS,
               ClaimRound.month.between(first, last))) or 0
    could = _could_still_be_claimed(today, last)
    return TargetProgress(year, target, claimed, could[:limit], len(could))


def _could_still_be_claimed(today: date, year_end: date) -> list:
    """Families closed inside the window of some round still to come this year (this month's to March's),
    not yet claimed, whose results claim is eligible or only waiting for a day on or before 31 March."""
    start, _ = window_for(month_start(today))
    _, end = window_for(month_start(year_end))
    built_months = set(db.session.scalars(sa.select(ClaimRound.month).where(ClaimRound.status != RoundStatus.DRAFT)
                                          .order_by(ClaimRound.month)))
    rows = db.session.execute(
        sa.select(Family.id, Family.reference)
        .where(Family.closed_on.between(start, end), Family.attached_on.is_not(None)).order_by(Family.id)).all()
    references = {r.id: r.reference for r in rows}
    out = []
    for index in range(0, len(rows), 500):
        facts_of = build_facts_many([r.id for r in rows[index:index + 500]], as_of=today)
        for family_id, facts in facts_of.items():
            try:
                rule_set = rule_set_for(facts.programme, facts.attached_on)
            except RuleSetError:
                continue
            if ClaimType.RESULTS not in rule_set.claim_types:
                continue
            result = rule_set.evaluate(facts, ClaimType.RESULTS, year_end)
            if result.eligible and result.claimable_on and result.claimable_on <= year_end:
                # its own round month must still be open: the month it becomes claimable or a later one
                month = max(month_start(result.claimable_on), month_start(today))
                while month in built_months and month <= year_end:
                    month = add_calendar_months(month, 1)
                if month <= year_end:
                    out.append((references[family_id], result.claimable_on))
    return sorted(out, key=lambda item: (item[1], item[0] or ""))

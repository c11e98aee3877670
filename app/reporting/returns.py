"""Statutory returns (domain.md, "Assurance"): the National Impact Study identifiers extract and the
quarterly progress return, as CSV.

Both are made under public task, not consent: nothing here asks the consent records, so a missing
consent never blocks them, and they never widen what a practitioner may see (they are files for the
programme manager and IG officer to send, not pages). A person an IG officer has recorded as opted out
of the study (`NisOptOut`) is left out of the extract.

The quarterly return counts a quarter of the financial year (`app.reporting.periods`), with the fields
domain.md lists: families attached, assessments completed, plans agreed, cases closed by reason, needs
resolved by headline, families in sustainment, and claims made (in rounds submitted to the department in
the quarter) and paid (in rounds paid in the quarter), by claim type, with their value in pence. It goes
to the department as exact figures; the small-number suppression of group reports applies to reports
shared more widely, not to this return.
"""
import csv
import io

from sqlalchemy import and_, exists, func, or_, select

from app.cases.models import (
    Assessment,
    ClosureReason,
    Family,
    FamilyStatus,
    FamilyStatusChange,
    Intervention,
    Need,
    Person,
    StatusEvent,
)
from app.cases.safe_addresses import AddressShield
from app.claims.models import Claim, ClaimRound, ClaimStatus
from app.extensions import db
from app.outcomes.facts import ClaimType
from app.referrals.models import Referral, ReferralStatus
from app.reporting.exports import escape_cell
from app.reporting.models import NisOptOut
from app.reporting.periods import Period
from app.reporting.queries import Filters, needs_resolved_by_headline, sustainment

NIS_COLUMNS = [
    ("family_id", "Family id"), ("forenames", "Forenames"), ("surname", "Surname"),
    ("date_of_birth", "Date of birth"), ("gender", "Gender"), ("postcode", "Postcode"),
    ("relation_in_family", "Relation in family"), ("date_screened", "Date screened"),
    ("criteria_met", "Criteria met"), ("group", "Programme or comparison group"),
    ("support_start", "Support start date"), ("support_end", "Support end date"),
    ("intensity_hours", "Intensity (intervention hours in period)"), ("upn", "UPN"), ("school_urn", "School URN"),
    ("ni_number", "NI number"), ("pnc_number", "PNC number"), ("nhs_number", "NHS number"),
]


def _csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_cell("" if v is None else str(v)) for v in row])
    return out.getvalue().encode("utf-8")


def _iso(value):
    return value.isoformat() if value else None


def nis_rows(period: Period) -> list[dict]:
    """One row per person in the programme group (families supported at some time in the period) or the
    comparison group (referred, accepted and triaged by the period's end, not yet attached)."""
    screened = (select(Referral.family_id, func.min(Referral.triaged_on).label("screened_on"))
                .where(Referral.status == ReferralStatus.ACCEPTED, Referral.family_id.is_not(None),
                       Referral.triaged_on.is_not(None), Referral.triaged_on <= period.end)
                .group_by(Referral.family_id).subquery())
    minutes = (select(Intervention.family_id, func.sum(Intervention.duration_minutes).label("minutes"))
               .where(Intervention.deleted_at_utc.is_(None), Intervention.occurred_on >= period.start,
                      Intervention.occurred_on <= period.end)
               .group_by(Intervention.family_id).subquery())
    programme = and_(Family.attached_on.is_not(None), Family.attached_on <= period.end,
                     or_(Family.closed_on.is_(None), Family.closed_on >= period.start))
    comparison = and_(Family.attached_on.is_(None), Family.status == FamilyStatus.REFERRED,
                      screened.c.screened_on.is_not(None))
    opted_out = exists().where(NisOptOut.person_id == Person.id)
    query = (select(Person, Family.reference, Family.postcode.label("family_postcode"), Family.attached_on,
                    Family.closed_on, screened.c.screened_on, minutes.c.minutes, programme.label("in_programme"))
             .join(Family, Family.id == Person.family_id)
             .outerjoin(screened, screened.c.family_id == Family.id)
             .outerjoin(minutes, minutes.c.family_id == Family.id)
             .where(or_(programme, comparison), ~opted_out)
             .order_by(Family.reference, Family.id, Person.id))
    results = db.session.execute(query).all()
    criteria = _criteria({r.Person.family_id for r in results})
    # A return to government is for another body: a safe address is never in it.
    addresses = AddressShield(None, {r.Person.family_id for r in results})
    rows = []
    for r in results:
        person = r.Person
        rows.append({
            "family_id": r.reference, "forenames": person.given_name, "surname": person.family_name,
            "date_of_birth": _iso(person.date_of_birth), "gender": person.gender.value,
            "postcode": addresses.person_postcode(person, r.family_postcode or ""),
            "relation_in_family": person.relationship_to_family.value, "date_screened": _iso(r.screened_on),
            "criteria_met": ";".join(criteria.get(person.family_id, ())),
            "group": "programme" if r.in_programme else "comparison",
            "support_start": _iso(r.attached_on) if r.in_programme else None,
            "support_end": _iso(r.closed_on) if r.in_programme and r.closed_on and r.closed_on <= period.end else None,
            "intensity_hours": f"{(r.minutes or 0) / 60:.1f}",
            "upn": person.upn, "school_urn": person.school_urn, "ni_number": person.ni_number,
            "pnc_number": person.pnc_number, "nhs_number": person.nhs_number,
        })
    return rows


def _criteria(family_ids) -> dict[int, list[str]]:
    """Headline codes of the needs at attachment, per family: one query for all of them."""
    if not family_ids:
        return {}
    query = (select(Need.family_id, Need.headline_code).where(Need.family_id.in_(family_ids), Need.at_attachment)
             .distinct().order_by(Need.family_id, Need.headline_code))
    out: dict[int, list[str]] = {}
    for family_id, code in db.session.execute(query).all():
        out.setdefault(family_id, []).append(code)
    return out


def nis_extract_csv(period: Period) -> bytes:
    rows = nis_rows(period)
    return _csv([key for key, _ in NIS_COLUMNS], ([row[key] for key, _ in NIS_COLUMNS] for row in rows))


def quarterly_return(period: Period) -> list[tuple[str, str, int]]:
    """(measure, breakdown, count) rows of the quarterly progress return."""
    def count(query):
        return db.session.scalar(query) or 0

    def between(column):
        return and_(column >= period.start, column <= period.end)

    rows: list[tuple[str, str, int]] = [
        ("families_attached", "all", count(select(func.count(Family.id)).where(between(Family.attached_on)))),
        ("assessments_completed", "all",
         count(select(func.count(Assessment.id)).where(between(Assessment.completed_on)))),
        ("plans_agreed", "all", count(select(func.count(func.distinct(FamilyStatusChange.family_id))).where(
            FamilyStatusChange.to_status == FamilyStatus.PLAN, between(FamilyStatusChange.changed_on)))),
    ]
    closed = dict(db.session.execute(
        select(FamilyStatusChange.closure_reason, func.count(FamilyStatusChange.id))
        .where(FamilyStatusChange.event == StatusEvent.CLOSED, between(FamilyStatusChange.changed_on))
        .group_by(FamilyStatusChange.closure_reason)).all())
    known = [reason.value for reason in ClosureReason]
    for code in [*known, *sorted(k for k in closed if k and k not in known)]:
        rows.append(("cases_closed", code, closed.get(code, 0)))
    if closed.get(None):
        rows.append(("cases_closed", "reason_not_recorded", closed[None]))
    for code, resolved in sorted(needs_resolved_by_headline(period).items()):
        rows.append(("needs_resolved", code, resolved))
    # The dashboard's own count, so the two agree.
    in_sustainment = sustainment(Filters(period)).rows[0][1][0]
    rows.append(("families_in_sustainment", "at_quarter_end", in_sustainment))
    rows.extend(_claims_rows("claims_made", ClaimRound.submitted_on, period))
    rows.extend(_claims_rows("claims_paid", ClaimRound.paid_on, period))
    return rows


def _claims_rows(measure: str, round_day, period: Period) -> list[tuple[str, str, int]]:
    """Claims that internal audit did not reject, in rounds whose `round_day` (submitted or paid) falls in
    the quarter: a count and a value in pence per claim type, every type listed even at 0."""
    totals = {kind: (count, pence) for kind, count, pence in db.session.execute(
        select(Claim.claim_type, func.count(Claim.id), func.coalesce(func.sum(Claim.amount_pence), 0))
        .join(ClaimRound, ClaimRound.id == Claim.round_id)
        .where(Claim.status != ClaimStatus.REJECTED, round_day >= period.start, round_day <= period.end)
        .group_by(Claim.claim_type)).all()}
    rows = []
    for kind in ClaimType:
        count, pence = totals.get(kind, (0, 0))
        rows.append((measure, kind.value, count))
        rows.append((f"{measure}_value_pence", kind.value, int(pence)))
    return rows


def quarterly_return_csv(period: Period) -> bytes:
    rows = quarterly_return(period)
    return _csv(["quarter", "measure", "breakdown", "count"], ([period.code, m, b, c] for m, b, c in rows))

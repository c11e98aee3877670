"""Reads for the rights pages and the retention run: requests, people to record a request for, legal holds,
and which families and referrals have passed their retention date."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.cases.identifiers import InvalidIdentifier, validate_nhs_number
from app.cases.models import CHILD_RELATIONSHIPS, Family, FamilyStatus, Person
from app.cases.names import normalise_name
from app.extensions import db
from app.outcomes.dates import add_calendar_months
from app.referrals.models import Referral, ReferralStatus
from app.rights.dates import Expiry, FamilyRetentionRule, Member, family_expiry, is_expired
from app.rights.models import Anonymisation, LegalHold, RequestState, SubjectAccessRequest

FIND_LIMIT = 50
UPCOMING_DAYS = 365


def requests(*, state: RequestState = RequestState.OPEN) -> list[SubjectAccessRequest]:
    """Open requests by due date (the most urgent first); completed ones newest first."""
    order = ((SubjectAccessRequest.due_on, SubjectAccessRequest.id) if state == RequestState.OPEN
             else (SubjectAccessRequest.released_on.desc(), SubjectAccessRequest.id.desc()))
    return db.session.scalars(sa.select(SubjectAccessRequest).where(SubjectAccessRequest.state == state)
                              .options(selectinload(SubjectAccessRequest.person),
                                       selectinload(SubjectAccessRequest.family))
                              .order_by(*order).limit(500)).all()


def overdue_count(today: date) -> int:
    return db.session.scalar(sa.select(sa.func.count(SubjectAccessRequest.id)).where(
        SubjectAccessRequest.state == RequestState.OPEN, SubjectAccessRequest.due_on < today)) or 0


def find_people(text: str) -> list[Person]:
    """People matching a family reference, an NHS number, or every word as the start of a name."""
    text = (text or "").strip()
    if not text:
        return []
    query = sa.select(Person).join(Family, Family.id == Person.family_id)
    try:
        query = query.where(Person.nhs_number == validate_nhs_number(text))
    except InvalidIdentifier:
        if text.upper().startswith("HF-"):
            query = query.where(Family.reference == text.upper())
        else:
            for word in text.split()[:4]:
                prefix = normalise_name(word)
                query = query.where(sa.or_(Person.given_name_normal.startswith(prefix, autoescape=True),
                                           Person.family_name_normal.startswith(prefix, autoescape=True)))
    return db.session.scalars(query.options(selectinload(Person.family))
                              .order_by(Person.family_name, Person.given_name, Person.id).limit(FIND_LIMIT)).all()


def hold_in_force(family_id: int) -> LegalHold | None:
    return db.session.scalar(sa.select(LegalHold).where(LegalHold.family_id == family_id,
                                                        LegalHold.cleared_on.is_(None)))


def holds_in_force() -> list[LegalHold]:
    return db.session.scalars(sa.select(LegalHold).where(LegalHold.cleared_on.is_(None))
                              .options(selectinload(LegalHold.family), selectinload(LegalHold.placed_by))
                              .order_by(LegalHold.placed_on, LegalHold.id)).all()


def hold_history(family_id: int) -> list[LegalHold]:
    return db.session.scalars(sa.select(LegalHold).where(LegalHold.family_id == family_id)
                              .options(selectinload(LegalHold.placed_by), selectinload(LegalHold.cleared_by))
                              .order_by(LegalHold.placed_on.desc(), LegalHold.id.desc())).all()


def anonymisation_of(family_id: int) -> Anonymisation | None:
    return db.session.scalar(sa.select(Anonymisation).where(Anonymisation.family_id == family_id))


# --- retention -------------------------------------------------------------------------------------------

def family_rule() -> FamilyRetentionRule:
    return FamilyRetentionRule.from_config(current_app.config["RETENTION_RULES"])


def referral_years() -> int:
    return int(current_app.config["RETENTION_RULES"]["unlinked_referral"]["years_after_decision"])


@dataclass(frozen=True)
class FamilyRetention:
    """One closed family as the retention rule sees it today. `kept_by` says why an expired family is not
    anonymised: "legal_hold" or "open_request" (records subject to a pending access request must be kept)."""

    family_id: int
    reference: str
    closed_on: date | None
    expiry: Expiry
    kept_by: str | None = None

    @property
    def due(self) -> bool:
        return self.kept_by is None


@dataclass(frozen=True)
class ReferralRetention:
    referral_id: int
    reference: str
    status: str
    decided_on: date
    expires_on: date


@dataclass(frozen=True)
class RetentionReport:
    today: date
    expired: list  # FamilyRetention whose date has passed: due, or kept by a hold or an open request
    upcoming: list  # FamilyRetention expiring within UPCOMING_DAYS
    referrals: list  # ReferralRetention due

    @property
    def due(self) -> list:
        return [row for row in self.expired if row.due]

    @property
    def kept(self) -> list:
        return [row for row in self.expired if not row.due]


def _closed_families_with_members():
    """Closed families not yet anonymised, with what the rule needs of each member, in one query."""
    rows = db.session.execute(
        sa.select(Family.id, Family.reference, Family.closed_on, Person.date_of_birth, Person.relationship_to_family)
        .outerjoin(Person, Person.family_id == Family.id)
        .where(Family.status == FamilyStatus.CLOSED,
               ~sa.exists().where(Anonymisation.family_id == Family.id))
        .order_by(Family.id)).all()
    families: dict[int, tuple] = {}
    for row in rows:
        _, _, _, members = families.setdefault(row.id, (row.id, row.reference, row.closed_on, []))
        if row.relationship_to_family is not None:
            members.append(Member(row.date_of_birth, row.relationship_to_family in CHILD_RELATIONSHIPS))
    return families.values()


def _kept_families() -> dict[int, str]:
    held = db.session.scalars(sa.select(LegalHold.family_id).where(LegalHold.cleared_on.is_(None)))
    asked = db.session.scalars(sa.select(SubjectAccessRequest.family_id)
                               .where(SubjectAccessRequest.state == RequestState.OPEN))
    kept = dict.fromkeys(asked, "open_request")
    kept.update(dict.fromkeys(held, "legal_hold"))
    return kept


def _unlinked_referrals_due(today: date) -> list[ReferralRetention]:
    """Referrals declined or marked duplicate, never part of a family (nor duplicates of one that is)."""
    original = sa.orm.aliased(Referral)
    rows = db.session.execute(
        sa.select(Referral.id, Referral.reference, Referral.status, Referral.triaged_on)
        .outerjoin(original, original.id == Referral.duplicate_of_id)
        .where(Referral.family_id.is_(None), Referral.triaged_on.is_not(None),
               Referral.status.in_((ReferralStatus.DECLINED, ReferralStatus.DUPLICATE)),
               original.family_id.is_(None),
               ~sa.exists().where(Anonymisation.referral_id == Referral.id))
        .order_by(Referral.triaged_on, Referral.id)).all()
    years = referral_years()
    due = []
    for row in rows:
        expires_on = add_calendar_months(row.triaged_on, 12 * years)
        if today >= expires_on:
            due.append(ReferralRetention(row.id, row.reference, row.status.value, row.triaged_on, expires_on))
    return due


def retention_report(today: date) -> RetentionReport:
    """What a retention run on `today` would do, and what comes up within the next year. Reads only."""
    rule, kept = family_rule(), _kept_families()
    expired, upcoming = [], []
    for family_id, reference, closed_on, members in _closed_families_with_members():
        expiry = family_expiry(closed_on, members, rule)
        if is_expired(expiry, today):
            expired.append(FamilyRetention(family_id, reference, closed_on, expiry, kept.get(family_id)))
        elif expiry.expires_on is not None and (expiry.expires_on - today).days <= UPCOMING_DAYS:
            upcoming.append(FamilyRetention(family_id, reference, closed_on, expiry, kept.get(family_id)))
    upcoming.sort(key=lambda row: (row.expiry.expires_on, row.family_id))
    return RetentionReport(today, expired, upcoming, _unlinked_referrals_due(today))

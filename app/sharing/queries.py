"""Reads of the sharing records, shaped as the policy's plain facts. `family_sharing_facts` is called
once per family page (by app.cases.access.family_ties): a handful of queries, never one per record,
and nothing cached across requests, so a withdrawal takes effect on the very next request."""
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.auth.models import Agency
from app.extensions import db
from app.sharing.models import (
    Agreement,
    BreakGlassGrant,
    Consent,
    ConsentKind,
    SharingBasis,
    SharingBasisPerson,
)
from app.sharing.policy import AgreementFacts, BasisFacts, ConsentFacts


def _code(value) -> str:
    return getattr(value, "value", value)


def duty_to_share_in_force() -> bool:
    return bool(current_app.config["DUTY_TO_SHARE_IN_FORCE"])


def break_glass_hours() -> int:
    return int(current_app.config["BREAK_GLASS_HOURS"])


def agency_kinds() -> dict[int, str]:
    return {aid: getattr(kind, "value", kind) for aid, kind in db.session.execute(sa.select(Agency.id, Agency.kind))}


def agreements_in_force(on: date) -> tuple[AgreementFacts, ...]:
    rows = db.session.scalars(sa.select(Agreement).options(selectinload(Agreement.flows))
                              .where(Agreement.starts_on <= on, Agreement.review_on >= on,
                                     sa.or_(Agreement.ended_on.is_(None), Agreement.ended_on >= on))
                              .order_by(Agreement.id)).all()
    return tuple(AgreementFacts(frozenset((f.from_kind, f.to_kind, _code(f.category), _code(f.purpose))
                                          for f in a.flows), a.starts_on, a.last_day) for a in rows)


def family_consents(family_id: int) -> list[Consent]:
    return list(db.session.scalars(sa.select(Consent).where(Consent.family_id == family_id)
                                   .options(selectinload(Consent.scopes))
                                   .order_by(Consent.given_on, Consent.id)))


def consent_facts(consents) -> tuple[ConsentFacts, ...]:
    return tuple(
        ConsentFacts(c.person_id, frozenset((_code(s.category), s.recipient_agency_id, s.recipient_kind,
                                             _code(s.purpose)) for s in c.scopes),
                     c.given_on, c.review_on, c.withdrawn_on)
        for c in consents if c.kind == ConsentKind.SHARING)


def plan_agreed(consents) -> bool:
    """The plan agreement recorded at attachment stands unless the family's latest word withdrew it."""
    plan = [c for c in consents if c.kind == ConsentKind.PLAN]
    return not plan or plan[-1].withdrawn_on is None


def basis_facts(family_id: int) -> tuple[BasisFacts, ...]:
    bases = db.session.scalars(sa.select(SharingBasis).where(SharingBasis.family_id == family_id)
                               .options(selectinload(SharingBasis.people)).order_by(SharingBasis.id)).all()
    return tuple(BasisFacts(_code(b.kind), b.holding_agency_id, b.recipient_agency_id, _code(b.category),
                            frozenset(p.person_id for p in b.people), b.decided_on, b.review_on, b.withdrawn_on)
                 for b in bases)


def live_grant_user_ids(family_id: int, now: datetime) -> frozenset:
    return frozenset(db.session.scalars(sa.select(BreakGlassGrant.user_id).where(
        BreakGlassGrant.family_id == family_id, BreakGlassGrant.starts_at_utc <= now,
        BreakGlassGrant.expires_at_utc > now, BreakGlassGrant.ended_at_utc.is_(None))))


def live_grant(user_id: int, family_id: int, now: datetime) -> BreakGlassGrant | None:
    return db.session.scalar(sa.select(BreakGlassGrant).where(
        BreakGlassGrant.user_id == user_id, BreakGlassGrant.family_id == family_id,
        BreakGlassGrant.starts_at_utc <= now, BreakGlassGrant.expires_at_utc > now,
        BreakGlassGrant.ended_at_utc.is_(None)).order_by(BreakGlassGrant.id.desc()).limit(1))


def family_sharing_facts(family_id: int, on: date, now: datetime) -> dict:
    """The optional FamilyTies fields, for one family: a few queries whatever its size."""
    consents = family_consents(family_id)
    return {
        "consents": consent_facts(consents),
        "bases": basis_facts(family_id),
        "agreements": agreements_in_force(on),
        "agency_kinds": agency_kinds(),
        "break_glass_user_ids": live_grant_user_ids(family_id, now),
        "plan_agreed": plan_agreed(consents),
        "duty_to_share_in_force": duty_to_share_in_force(),
        "on": on,
    }


def basis_people_ids(basis_id_column):
    return sa.select(SharingBasisPerson.person_id).where(SharingBasisPerson.basis_id == basis_id_column)

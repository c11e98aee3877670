"""The SQL face's builders over the sharing records: agreements in force, and "every person the
record concerns is covered by a basis". They mirror `policy.decide` clause for clause; a
property-based test (tests/integration/sharing/test_two_faces.py) holds the two to each other."""
from datetime import date, datetime

import sqlalchemy as sa

from app.auth.models import Agency
from app.sharing.models import (
    Agreement,
    AgreementFlow,
    BasisKindCode,
    BreakGlassGrant,
    Consent,
    ConsentKind,
    ConsentScope,
    SharingBasis,
    SharingBasisPerson,
)
from app.sharing.policy import RecordColumns, SharingClauses, Viewer


def _kind_of(agency_id) -> sa.ScalarSelect:
    # Explicit correlation: these clauses sit two or three subqueries deep, past auto-correlation's reach.
    return sa.select(Agency.kind).where(Agency.id == agency_id).correlate_except(Agency).scalar_subquery()


def break_glass_families(now: datetime):
    """user id -> SELECT the ids of the families the user holds a live break-glass grant for."""
    def build(user_id):
        return sa.select(BreakGlassGrant.family_id).where(
            BreakGlassGrant.user_id == user_id, BreakGlassGrant.starts_at_utc <= now,
            BreakGlassGrant.expires_at_utc > now, BreakGlassGrant.ended_at_utc.is_(None))
    return build


def plan_agreed(family_id_column):
    """True unless the family's latest plan agreement is withdrawn (none recorded: agreed at attachment)."""
    def build():
        latest = (sa.select(sa.func.max(Consent.id)).where(Consent.family_id == family_id_column,
                                                           Consent.kind == ConsentKind.PLAN)
                  .correlate_except(Consent).scalar_subquery())
        return sa.not_(sa.exists().where(Consent.id == latest, Consent.withdrawn_on.is_not(None))
                       .correlate_except(Consent))
    return build


def sharing_clauses(on: date, *, duty_in_force: bool) -> SharingClauses:
    def agreement_allows(holding_agency_id, category, viewer: Viewer, purpose):
        return sa.exists().where(
            AgreementFlow.agreement_id == Agreement.id, Agreement.starts_on <= on, Agreement.review_on >= on,
            sa.or_(Agreement.ended_on.is_(None), Agreement.ended_on >= on),
            AgreementFlow.from_kind == _kind_of(holding_agency_id), AgreementFlow.to_kind == _kind_of(viewer.agency_id),
            AgreementFlow.category == category, AgreementFlow.purpose == str(purpose)
        ).correlate_except(Agreement, AgreementFlow)

    def covered(person_id, record: RecordColumns, viewer: Viewer, purpose):
        consent = sa.exists().where(
            ConsentScope.consent_id == Consent.id, Consent.person_id == person_id, Consent.kind == ConsentKind.SHARING,
            Consent.given_on <= on, sa.or_(Consent.review_on.is_(None), Consent.review_on >= on),
            sa.or_(Consent.withdrawn_on.is_(None), Consent.withdrawn_on > on),
            ConsentScope.category == record.category, ConsentScope.purpose == str(purpose),
            sa.or_(ConsentScope.recipient_agency_id == viewer.agency_id,
                   sa.and_(ConsentScope.recipient_agency_id.is_(None),
                           ConsentScope.recipient_kind == _kind_of(viewer.agency_id)))
        ).correlate_except(Consent, ConsentScope)
        duty_ok = (sa.true() if duty_in_force and record.person_is_child is not None else sa.false())
        if duty_in_force and record.person_is_child is not None:
            duty_ok = record.person_is_child(person_id)
        basis = sa.exists().where(
            SharingBasisPerson.basis_id == SharingBasis.id, SharingBasisPerson.person_id == person_id,
            SharingBasis.holding_agency_id == record.holding_agency_id,
            SharingBasis.recipient_agency_id == viewer.agency_id, SharingBasis.category == record.category,
            SharingBasis.decided_on <= on, SharingBasis.review_on >= on,
            sa.or_(SharingBasis.withdrawn_on.is_(None), SharingBasis.withdrawn_on > on),
            sa.or_(SharingBasis.kind != BasisKindCode.DUTY_TO_SHARE, duty_ok)
        ).correlate_except(SharingBasis, SharingBasisPerson)
        return sa.or_(consent, basis)

    def every_person_covered(record: RecordColumns, viewer: Viewer, purpose):
        named = record.record_people()
        named_id = named.selected_columns[0]
        about_named = sa.and_(named.exists(),
                              sa.not_(named.where(sa.not_(covered(named_id, record, viewer, purpose))).exists()))
        if record.family_people is None:
            return about_named
        everyone = record.family_people()
        member_id = everyone.selected_columns[0]
        about_family = sa.and_(sa.not_(named.exists()), everyone.exists(),
                               sa.not_(everyone.where(sa.not_(covered(member_id, record, viewer, purpose))).exists()))
        return sa.or_(about_named, about_family)

    return SharingClauses(agreement_allows, every_person_covered)

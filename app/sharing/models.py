"""The records the sharing rule reads: consents (with their scope rows), information sharing
agreements, bases (duty to share, safeguarding, answered requests), sharing requests, break-glass
grants and the alerts IG officers review.

History is never overwritten: a consent is given once and withdrawn once (its withdrawal fields are
set, nothing else changes); a change of scope is a withdrawal and a new consent. Families, people,
users and agencies are named by table, so `sharing` does not import `cases`.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db
from app.framework.categories import DataCategory


class ConsentKind(CodeEnum):
    SHARING = ("sharing", "Agreement to share information")
    PLAN = ("plan_agreement", "Agreement to the family plan")


class GivenBy(CodeEnum):
    PERSON = ("person", "The person themselves")
    PARENT_CARER = ("parent_carer", "A parent or carer, for a child")


class ConsentMethod(CodeEnum):
    SIGNED_FORM = ("signed_form", "Signed form")
    VERBAL = ("verbal", "Verbal, with a witness")


class SharingPurpose(CodeEnum):
    CASE_COORDINATION = ("case_coordination", "Coordinating the family's support")
    OUTCOME_EVIDENCE = ("outcome_evidence", "Evidence of outcomes")


class Consent(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "consents"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(enum_column_type(ConsentKind, "consent_kind"),
                                              default=ConsentKind.SHARING)
    given_by: Mapped[GivenBy] = mapped_column(enum_column_type(GivenBy, "consent_given_by"))
    given_by_name: Mapped[str | None] = mapped_column(sa.String(120))  # the parent or carer
    child_competent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    given_on: Mapped[date]
    method: Mapped[ConsentMethod] = mapped_column(enum_column_type(ConsentMethod, "consent_method"))
    witness_name: Mapped[str | None] = mapped_column(sa.String(120))
    signed_form_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id"))
    review_on: Mapped[date | None]  # the consent lapses after this day unless renewed
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_on: Mapped[date | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    scopes: Mapped[list["ConsentScope"]] = relationship(back_populates="consent", order_by="ConsentScope.id",
                                                        cascade="all, delete-orphan")
    person = relationship("Person")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])

    __table_args__ = (
        sa.CheckConstraint("method <> 'verbal' OR witness_name IS NOT NULL", name="verbal_needs_witness"),
        sa.CheckConstraint("review_on IS NULL OR review_on >= given_on", name="review_after_given"),
    )

    def state_on(self, on: date) -> str:
        if self.withdrawn_on is not None and self.withdrawn_on <= on:
            return "withdrawn"
        if self.review_on is not None and on > self.review_on:
            return "expired"
        if self.given_on > on:
            return "future"
        return "given"


class ConsentScope(IdMixin, db.Model):
    """One (category, recipient, purpose) a consent covers; the recipient is an agency or a kind."""

    __tablename__ = "consent_scopes"

    consent_id: Mapped[int] = mapped_column(sa.ForeignKey("consents.id", ondelete="CASCADE"), index=True)
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    recipient_agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    recipient_kind: Mapped[str | None] = mapped_column(sa.String(40))
    purpose: Mapped[SharingPurpose] = mapped_column(enum_column_type(SharingPurpose, "sharing_purpose"))

    consent: Mapped[Consent] = relationship(back_populates="scopes")

    __table_args__ = (
        sa.CheckConstraint("(recipient_agency_id IS NULL) <> (recipient_kind IS NULL)", name="one_recipient"),
    )


class Agreement(IdMixin, TimestampMixin, db.Model):
    """An information sharing agreement: which categories may flow from which kind of agency to
    which kind, for which purposes, from its start date until its review date."""

    __tablename__ = "sharing_agreements"

    name: Mapped[str] = mapped_column(sa.String(120))
    starts_on: Mapped[date]
    review_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    ended_on: Mapped[date | None]  # ended early by an administrator

    flows: Mapped[list["AgreementFlow"]] = relationship(back_populates="agreement", order_by="AgreementFlow.id",
                                                        cascade="all, delete-orphan")

    __table_args__ = (sa.CheckConstraint("review_on >= starts_on", name="review_after_start"),)

    @property
    def last_day(self) -> date:
        return min(self.review_on, self.ended_on) if self.ended_on else self.review_on


class AgreementFlow(IdMixin, db.Model):
    __tablename__ = "sharing_agreement_flows"

    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("sharing_agreements.id", ondelete="CASCADE"),
                                              index=True)
    from_kind: Mapped[str] = mapped_column(sa.String(40))
    to_kind: Mapped[str] = mapped_column(sa.String(40))
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    purpose: Mapped[SharingPurpose] = mapped_column(enum_column_type(SharingPurpose, "sharing_purpose"))

    agreement: Mapped[Agreement] = relationship(back_populates="flows")

    __table_args__ = (sa.UniqueConstraint("agreement_id", "from_kind", "to_kind", "category", "purpose",
                                          name="uq_sharing_agreement_flows_flow"),)


class BasisKindCode(CodeEnum):
    DUTY_TO_SHARE = ("duty_to_share", "Shared under the duty to share about a child")
    SAFEGUARDING = ("safeguarding", "Safeguarding: shared without agreement")
    ANSWERED_REQUEST = ("answered_request", "Shared on request")


class SharingBasis(IdMixin, TimestampMixin, db.Model):
    """A recorded decision to share one category of one holding agency's information about the named
    people with one recipient agency, until its review date or withdrawal."""

    __tablename__ = "sharing_bases"

    kind: Mapped[BasisKindCode] = mapped_column(enum_column_type(BasisKindCode, "sharing_basis_kind"))
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    recipient_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    decided_on: Mapped[date]
    review_on: Mapped[date]
    withdrawn_on: Mapped[date | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sharing_requests.id"))

    people: Mapped[list["SharingBasisPerson"]] = relationship(cascade="all, delete-orphan",
                                                              order_by="SharingBasisPerson.person_id")
    holding_agency = relationship("Agency", foreign_keys=[holding_agency_id])
    recipient_agency = relationship("Agency", foreign_keys=[recipient_agency_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (sa.CheckConstraint("review_on >= decided_on", name="review_after_decision"),)


class SharingBasisPerson(db.Model):
    __tablename__ = "sharing_basis_people"

    basis_id: Mapped[int] = mapped_column(sa.ForeignKey("sharing_bases.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True, index=True)


class RequestStatus(CodeEnum):
    OPEN = ("open", "Waiting for an answer")
    SHARED = ("shared", "Shared")
    REFUSED = ("refused", "Not shared")


class SharingRequest(IdMixin, TimestampMixin, db.Model):
    """A team member's request that a holding agency share one category of its information. The
    holding agency answers by recording a real basis or a refusal with its reason."""

    __tablename__ = "sharing_requests"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requesting_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    person_ids: Mapped[str] = mapped_column(sa.String(200), default="")  # "1,2": whom the record is about
    why: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[RequestStatus] = mapped_column(enum_column_type(RequestStatus, "sharing_request_status"),
                                                  default=RequestStatus.OPEN)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(sa.String(40))  # duty_to_share, safeguarding, detrimental, ...
    answer_reason: Mapped[str | None] = mapped_column(sa.Text)

    requested_by = relationship("User", foreign_keys=[requested_by_id])
    requesting_agency = relationship("Agency", foreign_keys=[requesting_agency_id])
    holding_agency = relationship("Agency", foreign_keys=[holding_agency_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])

    @property
    def people(self) -> list[int]:
        return [int(p) for p in self.person_ids.split(",") if p]


class BreakGlassReason(CodeEnum):
    RISK_OF_HARM = ("risk_of_harm", "Someone is at immediate risk of harm")
    EMERGENCY_CONTACT = ("emergency_contact", "An emergency needs the family's details")
    OUT_OF_HOURS = ("out_of_hours", "Out-of-hours response with no one else available")
    MISSING_PERSON = ("missing_person", "A child or adult is missing")


class BreakGlassGrant(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "break_glass_grants"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    reason: Mapped[BreakGlassReason] = mapped_column(enum_column_type(BreakGlassReason, "break_glass_reason"))
    justification: Mapped[str] = mapped_column(sa.Text)
    starts_at_utc: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at_utc: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ended_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user = relationship("User")

    __table_args__ = (sa.CheckConstraint("expires_at_utc > starts_at_utc", name="expires_after_start"),)


class AlertKind(CodeEnum):
    BREAK_GLASS = ("break_glass", "Break-glass access")
    SAFEGUARDING = ("safeguarding", "Safeguarding basis")
    EXPORT_LIMIT = ("export_limit", "Daily export limit reached")


class AlertOutcome(CodeEnum):
    JUSTIFIED = ("justified", "Justified")
    UNJUSTIFIED = ("unjustified", "Not justified")


class IgAlert(IdMixin, TimestampMixin, db.Model):
    """Something an IG officer must review: a break-glass use or a safeguarding basis (about one family), or
    a user who reached the daily export limit (about no family)."""

    __tablename__ = "ig_alerts"

    kind: Mapped[AlertKind] = mapped_column(enum_column_type(AlertKind, "ig_alert_kind"))
    family_id: Mapped[int | None] = mapped_column(sa.ForeignKey("families.id"), index=True)
    grant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("break_glass_grants.id"))
    basis_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sharing_bases.id"))
    raised_for_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))  # who used it
    due_on: Mapped[date]
    reviewed_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[AlertOutcome | None] = mapped_column(enum_column_type(AlertOutcome, "ig_alert_outcome"))
    note: Mapped[str | None] = mapped_column(sa.Text)

    grant = relationship(BreakGlassGrant)
    basis = relationship(SharingBasis)
    raised_for = relationship("User", foreign_keys=[raised_for_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    __table_args__ = (sa.CheckConstraint(
        "(kind = 'export_limit' AND family_id IS NULL AND grant_id IS NULL AND basis_id IS NULL) OR "
        "(kind <> 'export_limit' AND family_id IS NOT NULL AND (grant_id IS NULL) <> (basis_id IS NULL))",
        name="one_subject"),)

"""The plain facts about one family that the claim rule sets judge: frozen dataclasses, no database.

A service in `outcomes` or `claims` builds them from the models; the rules never see a model, so they
are tested from tables of worked examples. References (`*_ref`) are opaque strings such as "need:12" or
"evidence:40" that the rules hand back as evidence for each condition; they never carry personal
content. Dates are Europe/London days.
"""
from dataclasses import dataclass
from datetime import date

from app.common.enums import CodeEnum


class CaseEventKind(CodeEnum):
    CLOSED = ("closed", "Case closed")
    REOPENED = ("reopened", "Case reopened")


class NeedEventKind(CodeEnum):
    RESOLVED = ("resolved", "Resolved")
    RECURRED = ("recurred", "Came back")


class ClaimType(CodeEnum):
    RESULTS = ("results", "Results payment")
    ATTACHMENT_FEE = ("attachment_fee", "Attachment fee")


@dataclass(frozen=True)
class Member:
    """A member of the household. `expectant` is whether they were an expectant parent at attachment."""

    person_ref: str
    relationship: str
    date_of_birth: date | None = None
    expectant: bool = False


@dataclass(frozen=True)
class CaseEvent:
    """A closure or a reopening of the family's case. Events on the same day count in the order given."""

    kind: CaseEventKind
    on: date
    reason: str | None = None


@dataclass(frozen=True)
class NeedEvent:
    """Evidence that a need was resolved (by its descriptor's measure) or came back, dated by when the
    outcome was achieved or the need returned, not when it was typed in."""

    kind: NeedEventKind
    on: date
    evidence_ref: str | None = None


@dataclass(frozen=True)
class NeedFacts:
    need_ref: str
    headline_code: str
    descriptor_code: str
    identified_on: date
    at_attachment: bool
    events: tuple[NeedEvent, ...] = ()
    in_plan: bool = True
    description: str = ""


@dataclass(frozen=True)
class EmploymentRecord:
    """Continuous employment of one adult: in work for `weeks_in_work` of the `window_weeks` weeks ending
    on `window_ends_on`; `on_jsa` is whether they were claiming Jobseeker's Allowance before (Phase 2)."""

    person_ref: str
    on_jsa: bool
    weeks_in_work: int
    window_weeks: int
    window_ends_on: date
    evidence_ref: str | None = None


@dataclass(frozen=True)
class PreviousClaim:
    """A claim already made for this family. One rejected by internal audit is not a claim (domain.md)."""

    programme: str
    claim_type: ClaimType
    claim_ref: str
    rejected: bool = False


@dataclass(frozen=True)
class Override:
    """An administrator's recorded decision that a failing condition should pass (only conditions a rule
    set declares overridable: one claim per family per programme)."""

    condition_code: str
    reason: str
    recorded_on: date
    recorded_by_ref: str
    claim_type: ClaimType | None = None


@dataclass(frozen=True)
class FamilyFacts:
    family_ref: str
    attached_on: date
    members: tuple[Member, ...] = ()
    lead_practitioner_named: bool = False
    assessment_completed_on: date | None = None
    plan_agreed_on: date | None = None
    case_events: tuple[CaseEvent, ...] = ()
    needs: tuple[NeedFacts, ...] = ()
    employment: tuple[EmploymentRecord, ...] = ()
    previous_claims: tuple[PreviousClaim, ...] = ()
    overrides: tuple[Override, ...] = ()
    programme: str = "supporting_families"


__all__ = [
    "CaseEvent",
    "CaseEventKind",
    "ClaimType",
    "EmploymentRecord",
    "FamilyFacts",
    "Member",
    "NeedEvent",
    "NeedEventKind",
    "NeedFacts",
    "Override",
    "PreviousClaim",
]

"""The sharing rule, held once (security.md, "Who may see what").

Two faces of one rule:
- `decide(viewer, action, record, purpose)` answers for one record, as a `Decision` with a reason;
- `family_filter(...)` and `record_filter(...)` build SQLAlchemy expressions that list, search,
  timeline, export and report queries apply inside SQL, so pages are full and counts right.

Everything here is plain data and pure functions: no database session, no request. Callers describe
the viewer (`Viewer`), the family's ties (`FamilyTies`) and the record (`RecordFacts`); the SQL face
takes column handles and EXISTS-builders from the package that owns the tables, so `sharing` never
imports a feature package.

This is the first, deliberately narrow version of the rule (the case-work issue's "simplest safe
rule"): a user sees a family only with a legitimate relationship (lead practitioner, named on the
team, or a designated lead of an agency on the team; programme managers see the operational picture
of every family), and sees the content only of records their own agency made, plus the whole-family
assessment and plan. Consent, agreements, the duty to share, safeguarding bases and break-glass
widen it later, here and nowhere else.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import sqlalchemy as sa


class Purpose(StrEnum):
    CASE_COORDINATION = "case_coordination"
    OUTCOME_EVIDENCE = "outcome_evidence"
    CLAIM_ASSURANCE = "claim_assurance"
    INFORMATION_GOVERNANCE = "information_governance"


class Action(StrEnum):
    OPEN_FAMILY = "open_family"  # the operational picture: reference, names, status, dates, counts
    VIEW_CONTENT = "view_content"  # what a record says
    WORK_ON_FAMILY = "work_on_family"  # add interventions, notes, plan entries


class Tie(StrEnum):
    """Why a user has a legitimate relationship with a family (security.md rule 3)."""

    LEAD_PRACTITIONER = "lead_practitioner"
    TEAM_MEMBER = "team_member"
    DESIGNATED_LEAD = "designated_lead"
    PROGRAMME_MANAGER = "programme_manager"


# Roles by their codes (app.auth.models.Role values), so this module stays plain data.
PROGRAMME_MANAGER = "programme_manager"
WORKING_ROLES = frozenset({"key_worker", "practitioner", "programme_manager"})


@dataclass(frozen=True)
class Viewer:
    user_id: int
    agency_id: int
    role: str
    is_designated_lead: bool = False

    @classmethod
    def of(cls, user):
        return cls(user.id, user.agency_id, getattr(user.role, "value", user.role), bool(user.is_designated_lead))


@dataclass(frozen=True)
class FamilyTies:
    """Who is around a family today: its lead practitioner and the current team."""

    family_id: int
    lead_practitioner_id: int | None
    team_user_ids: frozenset = field(default_factory=frozenset)
    team_agency_ids: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class RecordFacts:
    """What the rule needs to know of one record: who holds it, its category, whom it is about."""

    family: FamilyTies
    holding_agency_id: int
    category: str
    person_ids: frozenset = field(default_factory=frozenset)  # empty: about the whole family
    whole_family_record: bool = False  # the assessment and plan, shared with the whole team


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # a code: "own_agency", "whole_family_record", "no_relationship", "no_basis", ...
    tie: Tie | None = None
    basis: str | None = None

    def __bool__(self):
        return self.allowed


def tie_to_family(viewer: Viewer, ties: FamilyTies) -> Tie | None:
    """The viewer's legitimate relationship with the family, the strongest first, or None."""
    if viewer.role not in WORKING_ROLES:
        return None
    if ties.lead_practitioner_id == viewer.user_id:
        return Tie.LEAD_PRACTITIONER
    if viewer.user_id in ties.team_user_ids:
        return Tie.TEAM_MEMBER
    if viewer.is_designated_lead and viewer.agency_id in ties.team_agency_ids:
        return Tie.DESIGNATED_LEAD
    if viewer.role == PROGRAMME_MANAGER:
        return Tie.PROGRAMME_MANAGER
    return None


def may_open_family(viewer: Viewer, ties: FamilyTies) -> Decision:
    tie = tie_to_family(viewer, ties)
    if tie is None:
        return Decision(False, "no_relationship")
    return Decision(True, tie.value, tie)


def decide(viewer: Viewer, action: Action, record: RecordFacts, purpose: Purpose) -> Decision:
    """May `viewer` do `action` to `record` for `purpose`?"""
    opened = may_open_family(viewer, record.family)
    if not opened:
        return opened
    if action == Action.OPEN_FAMILY:
        return opened
    if action == Action.WORK_ON_FAMILY:
        # Programme managers oversee; recording work needs a place around the family.
        if opened.tie == Tie.PROGRAMME_MANAGER:
            return Decision(False, "oversight_only", opened.tie)
        return opened
    if record.holding_agency_id == viewer.agency_id:
        return Decision(True, "own_agency", opened.tie, basis="own_agency")
    if record.whole_family_record and opened.tie != Tie.PROGRAMME_MANAGER:
        return Decision(True, "whole_family_record", opened.tie, basis="family_agreement")
    return Decision(False, "no_basis", opened.tie)


@dataclass(frozen=True)
class ReferralFacts:
    referrer_user_id: int
    referring_agency_id: int


def may_view_referral(viewer: Viewer, referral: ReferralFacts) -> Decision:
    """A referrer sees the referrals they sent and their status; their agency's designated leads see
    all of the agency's referrals; programme managers triage them all."""
    if viewer.user_id == referral.referrer_user_id:
        return Decision(True, "referrer")
    if viewer.is_designated_lead and viewer.agency_id == referral.referring_agency_id:
        return Decision(True, "designated_lead_of_referrer")
    if viewer.role == PROGRAMME_MANAGER:
        return Decision(True, "triage")
    return Decision(False, "no_relationship")


def referral_filter(viewer: Viewer, *, referrer_user_id: sa.ColumnElement,
                    referring_agency_id: sa.ColumnElement) -> sa.ColumnElement:
    """A WHERE clause true exactly for the referrals `may_view_referral` allows."""
    if viewer.role == PROGRAMME_MANAGER:
        return sa.true()
    clauses = [referrer_user_id == viewer.user_id]
    if viewer.is_designated_lead:
        clauses.append(referring_agency_id == viewer.agency_id)
    return sa.or_(*clauses)


# --- The SQL face -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyColumns:
    """Handles the owning package passes in: the family's lead column, and builders of EXISTS
    clauses over the current team (by user, and by agency)."""

    lead_practitioner_id: sa.ColumnElement
    team_has_user: Callable[[int], sa.ColumnElement]
    team_has_agency: Callable[[int], sa.ColumnElement]


def _close_tie_clause(viewer: Viewer, columns: FamilyColumns) -> sa.ColumnElement:
    """Lead practitioner, named on the team, or a designated lead of a team agency (not oversight)."""
    clauses = [columns.lead_practitioner_id == viewer.user_id, columns.team_has_user(viewer.user_id)]
    if viewer.is_designated_lead:
        clauses.append(columns.team_has_agency(viewer.agency_id))
    return sa.or_(*clauses)


def family_filter(viewer: Viewer, columns: FamilyColumns) -> sa.ColumnElement:
    """A WHERE clause true exactly for the families `may_open_family` allows."""
    if viewer.role not in WORKING_ROLES:
        return sa.false()
    if viewer.role == PROGRAMME_MANAGER:
        return sa.true()
    return _close_tie_clause(viewer, columns)


def record_filter(viewer: Viewer, columns: FamilyColumns, *, holding_agency_id: sa.ColumnElement,
                  whole_family_record: sa.ColumnElement | None = None) -> sa.ColumnElement:
    """A WHERE clause true exactly for the records whose content `decide(VIEW_CONTENT)` allows."""
    content = [holding_agency_id == viewer.agency_id]
    if whole_family_record is not None and viewer.role in WORKING_ROLES:
        content.append(sa.and_(whole_family_record.is_(True), _close_tie_clause(viewer, columns)))
    return sa.and_(family_filter(viewer, columns), sa.or_(*content))

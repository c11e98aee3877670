"""The sharing rule, held once (security.md, "Who may see what").

Two faces of one rule:
- `decide(viewer, action, record, purpose)` answers for one record, as a `Decision` with a reason;
- `family_filter(...)` and `record_filter(...)` build SQLAlchemy expressions that list, search,
  timeline, export and report queries apply inside SQL, so pages are full and counts right.

Everything here is plain data and pure functions: no database session, no request. Callers describe
the viewer (`Viewer`), the family's ties and sharing facts (`FamilyTies`, loaded in one place:
`app.cases.access.family_ties`) and the record (`RecordFacts`); the SQL face takes column handles and
EXISTS-builders from the packages that own the tables, so this module never imports a feature package.

The rule. A viewer may open a family with a legitimate relationship (lead practitioner, named on the
team, a designated lead of a team agency, a live break-glass grant; programme managers see the
operational picture of every family; an internal auditor, for the purpose `claim_assurance` only, a
family whose claim is in a drawn audit sample; an IG officer, for `information_governance` only, any
family). The outgoing lead practitioner, while their handover
is still to write, may write it (that one action, nothing else). They see a record's content when:
- their agency holds it (an agency always sees what it recorded), or
- it is the whole-family assessment or plan, they have a close relationship, and the family's
  agreement to the plan stands, or
- rule 1: an agreement in force lets the record's category flow from the holding agency's kind to the
  viewer's agency's kind for the purpose; and rule 2: every person the record concerns is covered by a
  basis (their current consent, a duty-to-share decision about a child, a safeguarding basis or an
  answered request), or the viewer holds a break-glass grant for the family; or
- they audit the family's sampled claim, or govern information (public task, not consent: the content
  of every record).
Extra-sensitive records (police intelligence, a third-party statement) are shown only to the holding
agency's own users, the family's lead practitioner and IG officers, never under break-glass and never
in a generated document or export (`Action.PUT_IN_DOCUMENT`); the rest of the rule still applies.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import sqlalchemy as sa


class Purpose(StrEnum):
    CASE_COORDINATION = "case_coordination"
    OUTCOME_EVIDENCE = "outcome_evidence"
    CLAIM_ASSURANCE = "claim_assurance"
    INFORMATION_GOVERNANCE = "information_governance"


# The purposes a consent or an agreement can name (the others rest on public task).
SHARING_PURPOSES = (Purpose.CASE_COORDINATION, Purpose.OUTCOME_EVIDENCE)


class Action(StrEnum):
    OPEN_FAMILY = "open_family"  # the operational picture: reference, names, status, dates, counts
    VIEW_CONTENT = "view_content"  # what a record says
    PUT_IN_DOCUMENT = "put_in_document"  # what a record says, in a generated PDF or an export
    WORK_ON_FAMILY = "work_on_family"  # add interventions, notes, plan entries
    WRITE_HANDOVER = "write_handover"  # the outgoing lead practitioner's handover note
    ALLOCATE = "allocate"  # name or change the family's lead practitioner (key worker)


CONTENT_ACTIONS = (Action.VIEW_CONTENT, Action.PUT_IN_DOCUMENT)


class Tie(StrEnum):
    """Why a user has a legitimate relationship with a family (security.md rule 3)."""

    LEAD_PRACTITIONER = "lead_practitioner"
    TEAM_MEMBER = "team_member"
    DESIGNATED_LEAD = "designated_lead"
    BREAK_GLASS = "break_glass"
    PROGRAMME_MANAGER = "programme_manager"
    CLAIM_SAMPLE = "claim_sample"  # an internal auditor, for claim_assurance, of a family in a drawn sample
    INFORMATION_GOVERNANCE = "information_governance"  # an IG officer, for that purpose only
    OUTGOING_LEAD = "outgoing_lead"  # the lead practitioner replaced, while their handover is open


class BasisKind(StrEnum):
    CONSENT = "consent"
    DUTY_TO_SHARE = "duty_to_share"
    SAFEGUARDING = "safeguarding"
    ANSWERED_REQUEST = "answered_request"


# Roles by their codes (app.auth.models.Role values), so this module stays plain data.
PROGRAMME_MANAGER = "programme_manager"
INTERNAL_AUDITOR = "internal_auditor"
IG_OFFICER = "ig_officer"
WORKING_ROLES = frozenset({"key_worker", "practitioner", "programme_manager"})
CLOSE_TIES = frozenset({Tie.LEAD_PRACTITIONER, Tie.TEAM_MEMBER, Tie.DESIGNATED_LEAD})
# Ties that let a user look but never record work on the family.
LOOK_ONLY = {Tie.PROGRAMME_MANAGER: "oversight_only", Tie.BREAK_GLASS: "break_glass_read_only",
             Tie.CLAIM_SAMPLE: "claim_assurance_read_only", Tie.INFORMATION_GOVERNANCE: "oversight_only"}
# Ties that rest on public task, not on consent (security.md rule 3): every record's content, audited.
PUBLIC_TASK_TIES = frozenset({Tie.CLAIM_SAMPLE, Tie.INFORMATION_GOVERNANCE})


@dataclass(frozen=True)
class Viewer:
    user_id: int
    agency_id: int
    role: str
    is_designated_lead: bool = False

    @classmethod
    def of(cls, user):
        return cls(user.id, user.agency_id, getattr(user.role, "value", user.role), bool(user.is_designated_lead))


# --- The records the rule reads, as plain data -----------------------------------------------------------

@dataclass(frozen=True)
class ConsentFacts:
    """One person's agreement to share. `scope` holds (category, recipient agency id or None,
    recipient agency kind or None, purpose) tuples: a row names an agency or a kind of agency."""

    person_id: int
    scope: frozenset
    given_on: date
    expires_on: date | None = None
    withdrawn_on: date | None = None

    def active_on(self, on: date) -> bool:
        return (self.given_on <= on and (self.expires_on is None or on <= self.expires_on)
                and (self.withdrawn_on is None or on < self.withdrawn_on))

    def covers(self, category, agency_id, agency_kind, purpose) -> bool:
        return any(c == category and p == purpose and (a == agency_id if a is not None else k == agency_kind)
                   for c, a, k, p in self.scope)


@dataclass(frozen=True)
class BasisFacts:
    """A duty-to-share decision, a safeguarding basis or an answered request: one category of one
    holding agency's information about the named people, for one recipient agency, until review."""

    kind: str
    holding_agency_id: int
    recipient_agency_id: int
    category: str
    person_ids: frozenset
    starts_on: date
    review_on: date
    withdrawn_on: date | None = None

    def active_on(self, on: date) -> bool:
        return (self.starts_on <= on <= self.review_on
                and (self.withdrawn_on is None or on < self.withdrawn_on))


@dataclass(frozen=True)
class AgreementFacts:
    """An information sharing agreement: `flows` holds (from kind, to kind, category, purpose)."""

    flows: frozenset
    starts_on: date
    review_on: date

    def active_on(self, on: date) -> bool:
        return self.starts_on <= on <= self.review_on


@dataclass(frozen=True)
class FamilyTies:
    """Who is around a family today, and the sharing facts the rule reads about it. Everything after
    the team is optional with the narrowest default, so ties built by hand never widen access."""

    family_id: int
    lead_practitioner_id: int | None
    team_user_ids: frozenset = field(default_factory=frozenset)
    team_agency_ids: frozenset = field(default_factory=frozenset)
    person_ids: frozenset = field(default_factory=frozenset)  # every member: "the whole family"
    child_ids: frozenset = field(default_factory=frozenset)  # members the duty to share can be about
    consents: tuple = ()  # ConsentFacts
    bases: tuple = ()  # BasisFacts
    agreements: tuple = ()  # AgreementFacts in the deployment
    agency_kinds: dict = field(default_factory=dict, hash=False, compare=False)  # agency id -> kind code
    break_glass_user_ids: frozenset = field(default_factory=frozenset)  # users with a live grant
    plan_agreed: bool = True  # the family's agreement to the plan, recorded at attachment, not withdrawn
    duty_to_share_in_force: bool = False  # a council setting, off until commencement
    in_claim_sample: bool = False  # a claim for the family is in an internal audit sample already drawn
    outgoing_lead_ids: frozenset = field(default_factory=frozenset)  # replaced leads whose handover is open
    on: date | None = None  # the day the facts are read for (None: today, by the machine's clock)


@dataclass(frozen=True)
class RecordFacts:
    """What the rule needs to know of one record: who holds it, its category, whom it is about."""

    family: FamilyTies
    holding_agency_id: int
    category: str
    person_ids: frozenset = field(default_factory=frozenset)  # empty: about the whole family
    whole_family_record: bool = False  # the assessment and plan, shared with the whole team
    extra_sensitive: bool = False  # a safe address, police intelligence, a third-party statement
    ref: tuple | None = field(default=None, compare=False)  # (object type, id), for the audit log only


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # a code: "own_agency", "whole_family_record", "no_relationship", "no_basis", ...
    tie: Tie | None = None
    basis: str | None = None
    record: RecordFacts | None = field(default=None, compare=False)  # what was asked about, for "ask to share"

    def __bool__(self):
        return self.allowed


def tie_to_family(viewer: Viewer, ties: FamilyTies, purpose=Purpose.CASE_COORDINATION) -> Tie | None:
    """The viewer's legitimate relationship with the family, the strongest first, or None."""
    if viewer.role == INTERNAL_AUDITOR:
        return Tie.CLAIM_SAMPLE if ties.in_claim_sample and purpose == Purpose.CLAIM_ASSURANCE else None
    if viewer.role == IG_OFFICER:  # access reviews, alerts, subject access: any family, for that purpose only
        return Tie.INFORMATION_GOVERNANCE if purpose == Purpose.INFORMATION_GOVERNANCE else None
    if viewer.role not in WORKING_ROLES:
        return None
    if ties.lead_practitioner_id == viewer.user_id:
        return Tie.LEAD_PRACTITIONER
    if viewer.user_id in ties.team_user_ids:
        return Tie.TEAM_MEMBER
    if viewer.is_designated_lead and viewer.agency_id in ties.team_agency_ids:
        return Tie.DESIGNATED_LEAD
    if viewer.user_id in ties.break_glass_user_ids:
        return Tie.BREAK_GLASS
    if viewer.role == PROGRAMME_MANAGER:
        return Tie.PROGRAMME_MANAGER
    return None


def may_open_family(viewer: Viewer, ties: FamilyTies, purpose=Purpose.CASE_COORDINATION) -> Decision:
    tie = tie_to_family(viewer, ties, purpose)
    if tie is None:
        return Decision(False, "no_relationship")
    return Decision(True, tie.value, tie)


def _day(ties: FamilyTies) -> date:
    return ties.on or date.today()


def concerned_people(record: RecordFacts) -> frozenset:
    """Whom the record is about: the people it names, or every member when it names none."""
    return record.person_ids or record.family.person_ids


def agreement_allows(viewer: Viewer, record: RecordFacts, purpose) -> bool:
    ties, on = record.family, _day(record.family)
    flow = (ties.agency_kinds.get(record.holding_agency_id), ties.agency_kinds.get(viewer.agency_id),
            str(record.category), str(purpose))
    return None not in flow[:2] and any(a.active_on(on) and flow in a.flows for a in ties.agreements)


def basis_for_person(viewer: Viewer, record: RecordFacts, purpose, person_id: int) -> str | None:
    """The basis that lets `viewer` see what `record` says about one person, or None."""
    ties, on = record.family, _day(record.family)
    kind = ties.agency_kinds.get(viewer.agency_id)
    category = str(record.category)
    for consent in ties.consents:
        if (consent.person_id == person_id and consent.active_on(on)
                and consent.covers(category, viewer.agency_id, kind, str(purpose))):
            return BasisKind.CONSENT.value
    for basis in ties.bases:
        if (basis.holding_agency_id == record.holding_agency_id and basis.recipient_agency_id == viewer.agency_id
                and basis.category == category and person_id in basis.person_ids and basis.active_on(on)):
            if basis.kind == BasisKind.DUTY_TO_SHARE and not (ties.duty_to_share_in_force
                                                             and person_id in ties.child_ids):
                continue  # the duty covers only information about a child, and only once in force
            return str(basis.kind)
    return None


def may_write_handover(viewer: Viewer, ties: FamilyTies) -> Decision:
    """Only the replaced lead practitioner writes the handover, and only while it is still to write: the
    change of lead may have ended every other tie, so this one is its own."""
    if viewer.role in WORKING_ROLES and viewer.user_id in ties.outgoing_lead_ids:
        return Decision(True, Tie.OUTGOING_LEAD.value, Tie.OUTGOING_LEAD, basis=Tie.OUTGOING_LEAD.value)
    return Decision(False, "no_open_handover", tie_to_family(viewer, ties))


def may_read_extra_sensitive(viewer: Viewer, record: RecordFacts, tie: Tie, action: Action) -> bool:
    """The holding agency's own users, the family's lead practitioner and IG officers; never under
    break-glass, and never into a generated document or export."""
    if action == Action.PUT_IN_DOCUMENT or tie == Tie.BREAK_GLASS:
        return False
    return (record.holding_agency_id == viewer.agency_id or tie == Tie.LEAD_PRACTITIONER
            or viewer.role == IG_OFFICER)


def decide(viewer: Viewer, action: Action, record: RecordFacts, purpose: Purpose) -> Decision:
    """May `viewer` do `action` to `record` for `purpose`?"""
    if action == Action.WRITE_HANDOVER:
        return may_write_handover(viewer, record.family)
    opened = may_open_family(viewer, record.family, purpose)
    if not opened:
        return opened
    if action == Action.OPEN_FAMILY:
        return opened
    tie = opened.tie
    if action == Action.ALLOCATE:
        # Programme managers allocate key workers (domain.md), to a family no one works on yet too; whoever
        # may work on the family may also hand it on. Other looking ties never allocate.
        if viewer.role == PROGRAMME_MANAGER:
            return Decision(True, "allocation", tie)
        return Decision(False, LOOK_ONLY[tie], tie) if tie in LOOK_ONLY else opened
    if action == Action.WORK_ON_FAMILY:
        # Programme managers oversee, break-glass and audit open a family to read; work needs a place around it.
        if tie in LOOK_ONLY:
            return Decision(False, LOOK_ONLY[tie], tie)
        return opened
    ties = record.family
    if record.extra_sensitive and not may_read_extra_sensitive(viewer, record, tie, action):
        return Decision(False, "extra_sensitive", tie, record=record)
    if record.holding_agency_id == viewer.agency_id:
        return Decision(True, "own_agency", tie, basis="own_agency")
    if tie in PUBLIC_TASK_TIES:
        # Claim assurance and information governance rest on public task, not on consent (security.md, rule 3).
        return Decision(True, str(purpose), tie, basis="public_task")
    if record.whole_family_record and tie in CLOSE_TIES and ties.plan_agreed:
        return Decision(True, "whole_family_record", tie, basis="family_agreement")
    if str(purpose) not in SHARING_PURPOSES:
        return Decision(False, "no_basis", tie, record=record)
    if not agreement_allows(viewer, record, purpose):
        return Decision(False, "no_agreement", tie, record=record)
    if viewer.user_id in ties.break_glass_user_ids:
        return Decision(True, "break_glass", tie, basis="break_glass")
    people = concerned_people(record)
    kinds = [basis_for_person(viewer, record, purpose, pid) for pid in sorted(people)]
    if not people or None in kinds:
        partial = any(kinds)
        return Decision(False, "partial_basis" if partial else "no_basis", tie, record=record)
    basis = "+".join(sorted(set(kinds)))
    return Decision(True, basis, tie, basis=basis)


def reference_decide(viewer: Viewer, action: Action, record: RecordFacts, purpose: Purpose) -> bool:
    """The rule read plainly from security.md, written separately so a test can hold `decide` to it."""
    ties = record.family
    on = ties.on or date.today()
    if action == Action.WRITE_HANDOVER:
        return viewer.role in WORKING_ROLES and viewer.user_id in ties.outgoing_lead_ids
    auditing = ((viewer.role == INTERNAL_AUDITOR and purpose == Purpose.CLAIM_ASSURANCE and ties.in_claim_sample)
                or (viewer.role == IG_OFFICER and purpose == Purpose.INFORMATION_GOVERNANCE))
    close = viewer.role in WORKING_ROLES and (
        ties.lead_practitioner_id == viewer.user_id or viewer.user_id in ties.team_user_ids
        or (viewer.is_designated_lead and viewer.agency_id in ties.team_agency_ids))
    glass = viewer.role in WORKING_ROLES and viewer.user_id in ties.break_glass_user_ids
    manager = viewer.role == PROGRAMME_MANAGER
    if not (close or glass or manager or auditing):
        return False
    if action == Action.OPEN_FAMILY:
        return True
    if action == Action.WORK_ON_FAMILY:
        return close
    if record.extra_sensitive:
        named = (record.holding_agency_id == viewer.agency_id or viewer.role == IG_OFFICER
                 or (viewer.role in WORKING_ROLES and ties.lead_practitioner_id == viewer.user_id))
        if action == Action.PUT_IN_DOCUMENT or not named or (glass and not close):
            return False
    if record.holding_agency_id == viewer.agency_id or auditing:
        return True
    if record.whole_family_record and close and ties.plan_agreed:
        return True
    mine = ties.agency_kinds.get(viewer.agency_id)
    theirs = ties.agency_kinds.get(record.holding_agency_id)
    rule1 = purpose in SHARING_PURPOSES and mine is not None and theirs is not None and any(
        a.starts_on <= on <= a.review_on and (theirs, mine, record.category, purpose) in a.flows
        for a in ties.agreements)
    if not rule1:
        return False
    if glass:
        return True
    people = record.person_ids or ties.person_ids
    if not people:
        return False
    for person in people:
        consented = any(
            c.person_id == person and c.given_on <= on and (c.expires_on is None or on <= c.expires_on)
            and (c.withdrawn_on is None or on < c.withdrawn_on)
            and any(cat == record.category and p == purpose and (a == viewer.agency_id or (a is None and k == mine))
                    for cat, a, k, p in c.scope)
            for c in ties.consents)
        based = any(
            b.holding_agency_id == record.holding_agency_id and b.recipient_agency_id == viewer.agency_id
            and b.category == record.category and person in b.person_ids and b.starts_on <= on <= b.review_on
            and (b.withdrawn_on is None or on < b.withdrawn_on)
            and (b.kind != BasisKind.DUTY_TO_SHARE or (ties.duty_to_share_in_force and person in ties.child_ids))
            for b in ties.bases)
        if not (consented or based):
            return False
    return True


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
class TieSets:
    """The ties that give a working role its families, each as a builder of an uncorrelated SELECT of one
    column: the ids of the families that have the tie. An OR of EXISTS clauses (lead, team, agency,
    break-glass) cannot use an index, so PostgreSQL reads every family to find a key worker's few; a
    union of index lookups costs what the viewer's own families cost. `tie_exists` turns a set into the
    correlated EXISTS that `FamilyColumns` also needs, so each tie is written once."""

    on_team: Callable[[int], sa.Select]  # user id -> families with the user on the current team
    agency_on_team: Callable[[int], sa.Select]  # agency id -> families with the agency on the current team
    break_glass: Callable[[int], sa.Select] | None = None  # user id -> families with the user's live grant


def tie_exists(family_id: sa.ColumnElement, tie_set: Callable[[int], sa.Select] | None):
    """A set builder as an EXISTS builder correlated to `family_id`: `EXISTS (set WHERE its id = family_id)`."""
    if tie_set is None:
        return None

    def build(key):
        members = tie_set(key)
        # Correlate everything but the set's own tables: the clause may sit several subqueries deep.
        return (members.where(members.selected_columns[0] == family_id)
                .correlate_except(*members.get_final_froms()).exists())
    return build


@dataclass(frozen=True)
class FamilyColumns:
    """Handles the owning package passes in: the family's lead column, and builders of EXISTS
    clauses over the current team (by user, and by agency). The optional builders carry the sharing
    facts; without them the SQL face keeps to the narrow rule (never wider than `decide`)."""

    lead_practitioner_id: sa.ColumnElement
    team_has_user: Callable[[int], sa.ColumnElement]
    team_has_agency: Callable[[int], sa.ColumnElement]
    # user id -> EXISTS a live break-glass grant for this family
    break_glass_for: Callable[[int], sa.ColumnElement] | None = None
    # -> true while the family's agreement to the plan stands
    plan_agreed: Callable[[], sa.ColumnElement] | None = None
    # -> EXISTS a claim for the family in an internal audit sample already drawn
    in_claim_sample: Callable[[], sa.ColumnElement] | None = None
    # user id -> EXISTS an ended lead assignment of that user whose handover note is still to write
    outgoing_lead: Callable[[int], sa.ColumnElement] | None = None
    # The family's id column and the working ties as sets (`TieSets`): given both, `family_filter` says the
    # working ties as `id IN (... UNION ALL ...)`, which PostgreSQL answers from indexes.
    family_id: sa.ColumnElement | None = None
    tie_sets: TieSets | None = None

    @classmethod
    def from_sets(cls, family_id: sa.ColumnElement, lead_practitioner_id: sa.ColumnElement, sets: TieSets,
                  **builders) -> "FamilyColumns":
        """Handles whose EXISTS builders are derived from `sets`, so the two ways of saying a tie cannot drift."""
        return cls(lead_practitioner_id, tie_exists(family_id, sets.on_team),
                   tie_exists(family_id, sets.agency_on_team),
                   break_glass_for=tie_exists(family_id, sets.break_glass), family_id=family_id, tie_sets=sets,
                   **builders)


@dataclass(frozen=True)
class SharingClauses:
    """Builders over the sharing records (app.sharing.filters offers the real ones). Each takes the
    record's column handles and the viewer and returns a correlated clause."""

    # (holding agency id column, category column, viewer, purpose) -> an agreement in force allows the flow
    agreement_allows: Callable
    # (record columns, viewer, purpose) -> every person the record concerns is covered by a basis
    every_person_covered: Callable


@dataclass(frozen=True)
class RecordColumns:
    """A content table's handles: holding agency, category, family id, the people it names (a
    callable giving a correlated SELECT of person ids), whole-family and extra-sensitive flags."""

    holding_agency_id: sa.ColumnElement
    category: sa.ColumnElement
    family_id: sa.ColumnElement
    record_people: Callable[[], sa.Select]
    whole_family_record: sa.ColumnElement | None = None
    extra_sensitive: sa.ColumnElement | None = None
    family_people: Callable[[], sa.Select] | None = None  # correlated SELECT of every member's id
    person_is_child: Callable[[sa.ColumnElement], sa.ColumnElement] | None = None  # person id -> clause


def _close_tie_clause(viewer: Viewer, columns: FamilyColumns) -> sa.ColumnElement:
    """Lead practitioner, named on the team, or a designated lead of a team agency (not oversight)."""
    clauses = [columns.lead_practitioner_id == viewer.user_id, columns.team_has_user(viewer.user_id)]
    if viewer.is_designated_lead:
        clauses.append(columns.team_has_agency(viewer.agency_id))
    return sa.or_(*clauses)


def _break_glass_clause(viewer: Viewer, columns: FamilyColumns) -> sa.ColumnElement:
    return _optional(columns.break_glass_for, viewer.user_id)


def _optional(builder, *args) -> sa.ColumnElement:
    return builder(*args) if builder is not None else sa.false()


def family_filter(viewer: Viewer, columns: FamilyColumns, purpose: Purpose = Purpose.CASE_COORDINATION,
                  action: Action = Action.OPEN_FAMILY) -> sa.ColumnElement:
    """A WHERE clause true exactly for the families `may_open_family` allows (or, for `WRITE_HANDOVER`,
    `may_write_handover`)."""
    if action == Action.WRITE_HANDOVER:
        return _optional(columns.outgoing_lead, viewer.user_id) if viewer.role in WORKING_ROLES else sa.false()
    if viewer.role == INTERNAL_AUDITOR:
        return _optional(columns.in_claim_sample) if purpose == Purpose.CLAIM_ASSURANCE else sa.false()
    if viewer.role == IG_OFFICER:
        return sa.true() if purpose == Purpose.INFORMATION_GOVERNANCE else sa.false()
    if viewer.role not in WORKING_ROLES:
        return sa.false()
    if viewer.role == PROGRAMME_MANAGER:
        return sa.true()
    if columns.tie_sets is not None and columns.family_id is not None:
        return columns.family_id.in_(_working_tie_union(viewer, columns))
    return sa.or_(_close_tie_clause(viewer, columns), _break_glass_clause(viewer, columns))


def _working_tie_union(viewer: Viewer, columns: FamilyColumns) -> sa.CompoundSelect:
    """The families the viewer leads, is on the team of, (as a designated lead) whose team has their agency, or
    holds a live break-glass grant for: the ties `_close_tie_clause` and `_break_glass_clause` say as an OR."""
    sets = columns.tie_sets
    members = [sa.select(columns.family_id).where(columns.lead_practitioner_id == viewer.user_id),
               sets.on_team(viewer.user_id)]
    if viewer.is_designated_lead:
        members.append(sets.agency_on_team(viewer.agency_id))
    if sets.break_glass is not None:
        members.append(sets.break_glass(viewer.user_id))
    # Uncorrelated on purpose: the lead's SELECT reads the very table the outer query filters.
    return sa.union_all(*(m.correlate(None) for m in members))


def record_filter(viewer: Viewer, columns: FamilyColumns, *, holding_agency_id: sa.ColumnElement,
                  whole_family_record: sa.ColumnElement | None = None, record: RecordColumns | None = None,
                  sharing: SharingClauses | None = None, purpose: Purpose = Purpose.CASE_COORDINATION,
                  action: Action = Action.VIEW_CONTENT) -> sa.ColumnElement:
    """A WHERE clause true exactly for the records whose content `decide(action)` allows (`VIEW_CONTENT`
    or `PUT_IN_DOCUMENT`).

    With only `holding_agency_id` (and `whole_family_record`) it is the narrow rule: own agency and
    the whole-family records. Given `record` and `sharing` it is the whole rule."""
    sensitive = record.extra_sensitive if record is not None else None
    if viewer.role in (INTERNAL_AUDITOR, IG_OFFICER):
        # Public task: every record of a family the tie opens; extra-sensitive ones on screen only, and for an
        # auditor only its own agency's (IG officers are named).
        allowed = family_filter(viewer, columns, purpose)
        if sensitive is not None:
            named = sa.true() if viewer.role == IG_OFFICER else holding_agency_id == viewer.agency_id
            readable = named if action == Action.VIEW_CONTENT else sa.false()
            allowed = sa.and_(allowed, sa.or_(sensitive.is_(False), readable))
        return allowed
    if viewer.role not in WORKING_ROLES:
        return sa.false()
    close = _close_tie_clause(viewer, columns)
    glass = sa.and_(sa.not_(close), _break_glass_clause(viewer, columns))  # a grant without another tie
    plan = columns.plan_agreed() if columns.plan_agreed is not None else sa.true()
    whole = whole_family_record if whole_family_record is not None else (
        record.whole_family_record if record is not None else None)
    content = [holding_agency_id == viewer.agency_id]
    if whole is not None:
        content.append(sa.and_(whole.is_(True), close, plan))
    if record is not None and sharing is not None and str(purpose) in SHARING_PURPOSES:
        rule1 = sharing.agreement_allows(record.holding_agency_id, record.category, viewer, purpose)
        rule2 = sa.or_(_break_glass_clause(viewer, columns),
                       sharing.every_person_covered(record, viewer, purpose))
        content.append(sa.and_(rule1, rule2))
    allowed = sa.and_(family_filter(viewer, columns, purpose), sa.or_(*content))
    if sensitive is not None:
        # may_read_extra_sensitive: own agency or the lead practitioner, not under break-glass, not in a document
        named = sa.or_(holding_agency_id == viewer.agency_id, columns.lead_practitioner_id == viewer.user_id)
        readable = sa.and_(sa.not_(glass), named) if action == Action.VIEW_CONTENT else sa.false()
        allowed = sa.and_(allowed, sa.or_(sensitive.is_(False), readable))
    return allowed

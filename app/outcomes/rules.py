"""Claim rule sets: pure functions over `FamilyFacts` that say whether a family may be claimed for, with
the result and a plain-English reason for every condition (domain.md, "Eligibility for a results payment").

- `SupportingFamilies2022` ("sf2022", the default): dependent child or expectant parent; at least 3 needs
  from at least 3 headlines at attachment; lead practitioner, assessment and a plan covering every need;
  every need (emerging ones included) resolved at closure and sustained for 6 months after it; GBP 800.
- `TroubledFamiliesPhase2` ("tf2015"): at least 2 of the six Phase 2 problems at attachment; a results
  payment (GBP 800) for significant and sustained progress against all problems or for continuous
  employment of an adult, and an attachment fee (GBP 1,000): two claim types, each once per family.
- `NoPaymentByResults` ("none"): a council that makes no claims; every answer is "not applicable".

Amounts, periods and counts are configurable (`RuleSetConfig`). `rule_set_for` picks the version in force
on the day the family was attached. The near-miss view (`near_miss`) lists families that fail one
condition only, or become claimable within a month. No database and no Flask in here.
"""
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from app.common.text import plural
from app.outcomes.dates import add_calendar_months, long_date
from app.outcomes.facts import ClaimType, FamilyFacts, NeedEventKind, NeedFacts
from app.outcomes.sustainment import Sustainment, needs_known_by, sustainment

# The headline codes of each framework version (app/framework/catalogue.py; a unit test keeps them equal).
SF2022_HEADLINES = ("education", "early_years", "health", "substance_use", "relationships", "child_safety",
                    "crime", "domestic_abuse", "housing", "financial_stability")
PHASE2_PROBLEMS = ("p2_crime", "p2_education", "p2_children_in_need", "p2_worklessness", "p2_domestic_abuse",
                   "p2_health")

# Condition codes, shared by the rule sets so pages, exports and the near-miss view can name them.
HOUSEHOLD = "dependent_child_or_expectant"
NEEDS_AT_ATTACHMENT = "needs_at_attachment"
PROBLEMS_AT_ATTACHMENT = "problems_at_attachment"
LEAD_PRACTITIONER = "lead_practitioner"
ASSESSMENT = "assessment"
FAMILY_PLAN = "family_plan"
NEEDS_RESOLVED = "needs_resolved"
SUSTAINED = "sustained"
PROGRESS_OR_EMPLOYMENT = "progress_or_employment"
ATTACHED = "attached"
NOT_ALREADY_CLAIMED = "not_already_claimed"
PAYMENT_BY_RESULTS = "payment_by_results"

SUPPORTING_FAMILIES = "supporting_families"
TROUBLED_FAMILIES_PHASE_2 = "troubled_families_phase_2"
FAMILIES_FIRST = "families_first"
NO_PAYMENT_BY_RESULTS = "none"


class RuleSetError(ValueError):
    """Base of the rule sets' named errors."""


class InvalidRuleSetConfig(RuleSetError):
    pass


class UnknownProgramme(RuleSetError):
    pass


class NoRuleSetInForce(RuleSetError):
    pass


class UnsupportedClaimType(RuleSetError):
    pass


@dataclass(frozen=True)
class RuleSetConfig:
    """A council's figures. The defaults are domain.md's; the Phase 2 week counts are as commonly
    recalled (26 of 30 weeks for Jobseeker's Allowance claimants, 13 of 15 for others)."""

    results_amount: Decimal = Decimal("800")
    attachment_fee_amount: Decimal = Decimal("1000")
    sustainment_months: int = 6
    minimum_needs: int = 3
    minimum_headlines: int = 3
    minimum_problems: int = 2
    jsa_weeks_in_work: int = 26
    jsa_window_weeks: int = 30
    other_weeks_in_work: int = 13
    other_window_weeks: int = 15
    dependent_child_under: int = 18

    def __post_init__(self):
        problems = []
        for name in ("results_amount", "attachment_fee_amount"):
            try:
                value = Decimal(str(getattr(self, name)))
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite() or value < 0:
                problems.append(f"{name} must be an amount of 0 or more")
            else:
                object.__setattr__(self, name, value)
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.type is int and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                problems.append(f"{spec.name} must be a whole number, 1 or more")
        if not problems:
            for worked, window in (("jsa_weeks_in_work", "jsa_window_weeks"),
                                   ("other_weeks_in_work", "other_window_weeks")):
                if getattr(self, worked) > getattr(self, window):
                    problems.append(f"{worked} cannot be more than {window}")
            if self.minimum_headlines > self.minimum_needs:
                problems.append("minimum_headlines cannot be more than minimum_needs")
        if problems:
            raise InvalidRuleSetConfig("; ".join(problems))


DEFAULT_CONFIG = RuleSetConfig()


@dataclass(frozen=True)
class ConditionResult:
    """One condition's verdict. `met_on` is the day a time-bound condition is (or will be) met; a failed
    condition with `met_on` set is only waiting for that day (`pending`)."""

    code: str
    passed: bool
    reason: str
    evidence_refs: tuple[str, ...] = ()
    met_on: date | None = None
    overridden: bool = False

    @property
    def pending(self) -> bool:
        return not self.passed and self.met_on is not None


@dataclass(frozen=True)
class Eligibility:
    rule_set_code: str
    claim_type: ClaimType | None
    eligible: bool
    amount: Decimal
    conditions: tuple[ConditionResult, ...]
    claimable_on: date | None
    applicable: bool = True

    @property
    def failed(self) -> tuple[ConditionResult, ...]:
        return tuple(c for c in self.conditions if not c.passed)

    def condition(self, code: str) -> ConditionResult:
        return next(c for c in self.conditions if c.code == code)

    @property
    def reason(self) -> str:
        if self.eligible:
            return f"Eligible for the {self.claim_type.label.lower()} of {_money(self.amount)}"
        return ". ".join(c.reason for c in self.failed)


@dataclass(frozen=True)
class NearMiss:
    """What stands between a family and a claim: one failing condition (`missing`), or only time
    (`days_until_claimable` set, at most a month away)."""

    claim_type: ClaimType
    condition_code: str
    missing: str
    claimable_on: date | None = None
    days_until_claimable: int | None = None


def _money(amount: Decimal) -> str:
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def _age_on(born: date, day: date) -> int:
    # (2, 28) < (2, 29): someone born on 29 February comes of age on 1 March in a common year
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _need_label(need: NeedFacts) -> str:
    emerged = "" if need.at_attachment else ", emerged during the work"
    return f"{need.description or need.descriptor_code} ({need.headline_code}{emerged})"


def _refs(items: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ref for ref in items if ref))


# --- conditions, shared by the rule sets -----------------------------------------------------------------

def household_condition(facts: FamilyFacts, config: RuleSetConfig) -> ConditionResult:
    day, limit = facts.attached_on, config.dependent_child_under
    children = [m for m in facts.members
                if m.date_of_birth is not None and m.date_of_birth <= day and _age_on(m.date_of_birth, day) < limit]
    expectant = [m for m in facts.members if m.expectant]
    refs = _refs(m.person_ref for m in (*children, *expectant))
    found = []
    if children:
        found.append(f"{plural(len(children), 'dependent child', 'dependent children')} under {limit}")
    if expectant:
        found.append("an expectant parent")
    if found:
        text = " and ".join(found)
        return ConditionResult(HOUSEHOLD, True, f"{text[0].upper()}{text[1:]} at attachment ({long_date(day)})",
                               refs)
    undated = sum(1 for m in facts.members if m.date_of_birth is None)
    note = f" ({plural(undated, 'member has', 'members have')} no date of birth recorded)" if undated else ""
    return ConditionResult(HOUSEHOLD, False, f"No dependent child under {limit} or expectant parent on the day of "
                                             f"attachment ({long_date(day)}){note}")


def needs_at_attachment_condition(facts: FamilyFacts, config: RuleSetConfig, headlines: tuple[str, ...],
                                  framework_name: str) -> ConditionResult:
    at_attachment = [n for n in facts.needs if n.at_attachment]
    counted = [n for n in at_attachment if n.headline_code in headlines]
    needs = {(n.headline_code, n.descriptor_code) for n in counted}
    headline_count = len({n.headline_code for n in counted})
    want_needs, want_headlines = config.minimum_needs, config.minimum_headlines
    outside = len(at_attachment) - len(counted)
    note = (f" ({plural(outside, 'need')} under headlines outside {framework_name} "
            f"{'does' if outside == 1 else 'do'} not count)") if outside else ""
    refs = _refs(n.need_ref for n in counted)
    got = f"{plural(len(needs), 'need')} from {plural(headline_count, 'headline')}"
    if len(needs) >= want_needs and headline_count >= want_headlines:
        return ConditionResult(NEEDS_AT_ATTACHMENT, True, f"{got[0].upper()}{got[1:]} at attachment{note}", refs)
    if not needs:
        got = "No needs"
    elif len(needs) >= want_needs:
        got = f"{plural(len(needs), 'need')} but from only {plural(headline_count, 'headline')}"
    else:
        got = f"Only {got}"
    return ConditionResult(NEEDS_AT_ATTACHMENT, False, f"{got} at attachment; {want_needs} from "
                                                       f"{want_headlines} are needed{note}", refs)


def problems_at_attachment_condition(facts: FamilyFacts, config: RuleSetConfig) -> ConditionResult:
    counted = [n for n in facts.needs if n.at_attachment and n.headline_code in PHASE2_PROBLEMS]
    problems = sorted({n.headline_code for n in counted}, key=PHASE2_PROBLEMS.index)
    refs = _refs(n.need_ref for n in counted)
    named = ", ".join(problems) if problems else "none"
    if len(problems) >= config.minimum_problems:
        return ConditionResult(PROBLEMS_AT_ATTACHMENT, True,
                               f"{len(problems)} of the six Phase 2 problems at attachment: {named}", refs)
    return ConditionResult(PROBLEMS_AT_ATTACHMENT, False,
                           f"Only {len(problems)} of the six Phase 2 problems at attachment ({named}); "
                           f"{config.minimum_problems} are needed", refs)


def lead_practitioner_condition(facts: FamilyFacts) -> ConditionResult:
    if facts.lead_practitioner_named:
        return ConditionResult(LEAD_PRACTITIONER, True, "A lead practitioner is named")
    return ConditionResult(LEAD_PRACTITIONER, False, "No lead practitioner is named for the family")


def assessment_condition(facts: FamilyFacts, as_of: date) -> ConditionResult:
    done = facts.assessment_completed_on
    if done is not None and done <= as_of:
        return ConditionResult(ASSESSMENT, True, f"Whole-family assessment completed on {long_date(done)}")
    return ConditionResult(ASSESSMENT, False, "No whole-family assessment has been completed")


def family_plan_condition(facts: FamilyFacts, status: Sustainment) -> ConditionResult:
    agreed = facts.plan_agreed_on
    if agreed is None or agreed > status.as_of:
        return ConditionResult(FAMILY_PLAN, False, "No family plan has been agreed")
    # needs identified after closure belong to the sustainment check, not to the plan
    needs = needs_known_by(facts, status.closed_on or status.as_of)
    uncovered = [n for n in needs if not n.in_plan]
    if uncovered:
        return ConditionResult(FAMILY_PLAN, False, f"The family plan does not cover {plural(len(uncovered), 'need')}: "
                                                   f"{', '.join(_need_label(n) for n in uncovered)}",
                               _refs(n.need_ref for n in uncovered))
    return ConditionResult(FAMILY_PLAN, True, f"Family plan agreed on {long_date(agreed)}, covering "
                                              f"{'the' if len(needs) == 1 else 'all'} {plural(len(needs), 'need')}")


def needs_resolved_condition(facts: FamilyFacts, status: Sustainment) -> ConditionResult:
    judged_on = status.closed_on or status.as_of
    needs = needs_known_by(facts, judged_on)
    if not needs:
        return ConditionResult(NEEDS_RESOLVED, False, "No needs are recorded for the family")
    when = f" when the case closed on {long_date(status.closed_on)}" if status.closed_on else " so far"
    if status.unresolved:
        verb = ("was" if len(status.unresolved) == 1 else "were") if status.closed_on else (
            "is" if len(status.unresolved) == 1 else "are")
        return ConditionResult(NEEDS_RESOLVED, False,
                               f"{len(status.unresolved)} of {plural(len(needs), 'need')} {verb} not resolved{when}: "
                               f"{', '.join(_need_label(n) for n in status.unresolved)}",
                               _refs(n.need_ref for n in status.unresolved))
    emerged = sum(1 for n in needs if not n.at_attachment)
    including = f", including {emerged} that emerged during the work" if emerged else ""
    refs = _refs(e.evidence_ref or n.need_ref for n in needs for e in n.events if e.kind == NeedEventKind.RESOLVED)
    every = {1: "The need was", 2: "Both needs were"}.get(len(needs), f"All {len(needs)} needs were")
    if not status.closed_on:
        every = every.replace(" was", " is").replace(" were", " are")
    return ConditionResult(NEEDS_RESOLVED, True, f"{every} resolved{when}{including}", refs)


def sustained_condition(status: Sustainment, months: int) -> ConditionResult:
    period = f"{months}-month sustainment period"
    if status.closed_on is None:
        reopened = f" (it was reopened on {long_date(status.reopened_on)})" if status.reopened_on else ""
        return ConditionResult(SUSTAINED, False, f"The case is still open{reopened}: the {period} starts when it "
                                                 f"closes")
    restarted = (f"The case was reopened on {long_date(status.reopened_on)} and closed again, so the clock "
                 f"restarted. ") if status.reopened_on else ""
    closed, ends = long_date(status.closed_on), long_date(status.ends_on)
    if status.came_back:
        described = "; ".join(
            f"a new need, {r.need.description or r.need.descriptor_code} ({r.need.headline_code}), was identified "
            f"on {long_date(r.on)}" if r.new
            else f"{_need_label(r.need)} came back on {long_date(r.on)}" for r in status.came_back)
        return ConditionResult(SUSTAINED, False, f"{restarted}Not sustained: {described}, within the {period} after "
                                                 f"closure on {closed} (to {ends})",
                               _refs(r.evidence_ref for r in status.came_back))
    if status.as_of < status.ends_on:
        return ConditionResult(SUSTAINED, False, f"{restarted}In the {period} since the case closed on {closed}: "
                                                 f"claimable on {ends} if no need comes back", met_on=status.ends_on)
    return ConditionResult(SUSTAINED, True, f"{restarted}No need came back in the {period} after the case closed on "
                                            f"{closed}: claimable from {ends}", met_on=status.ends_on)


def not_already_claimed_condition(facts: FamilyFacts, programme: str, claim_type: ClaimType) -> ConditionResult:
    mine = [c for c in facts.previous_claims if c.programme == programme and c.claim_type == claim_type]
    counted = [c for c in mine if not c.rejected]
    kind = claim_type.label.lower()
    if counted:
        return ConditionResult(NOT_ALREADY_CLAIMED, False, f"Already claimed in this programme ({kind}: "
                                                           f"{', '.join(c.claim_ref for c in counted)})",
                               _refs(c.claim_ref for c in counted))
    rejected = len(mine)
    note = (f" ({plural(rejected, 'claim')} rejected by internal audit "
            f"{'does' if rejected == 1 else 'do'} not count)") if rejected else ""
    return ConditionResult(NOT_ALREADY_CLAIMED, True, f"No {kind} claimed before in this programme{note}",
                           _refs(c.claim_ref for c in mine))


# --- rule sets -------------------------------------------------------------------------------------------

class RuleSet(ABC):
    """A versioned claim rule set bound to the programme it judges for (claims count per programme)."""

    code: str
    name: str
    framework_version_code: str | None
    default_programme: str
    effective_from: date | None = None
    effective_to: date | None = None
    overridable: frozenset[str] = frozenset({NOT_ALREADY_CLAIMED})
    applicable = True

    def __init__(self, programme: str | None = None, config: RuleSetConfig | None = None):
        self.programme = programme or self.default_programme
        self.config = config or DEFAULT_CONFIG

    def __repr__(self):
        return f"<{type(self).__name__} {self.code} for {self.programme}>"

    @classmethod
    def in_force_on(cls, day: date) -> bool:
        return (cls.effective_from is None or cls.effective_from <= day) and (
            cls.effective_to is None or day <= cls.effective_to)

    @property
    @abstractmethod
    def claim_types(self) -> Mapping[ClaimType, Decimal]:
        """Each claim type this rule set pays, with its amount."""

    @abstractmethod
    def _conditions(self, facts: FamilyFacts, claim_type: ClaimType, as_of: date) -> list[ConditionResult]:
        """The conditions in the order they are shown."""

    def evaluate(self, facts: FamilyFacts, claim_type: ClaimType | str, as_of: date) -> Eligibility:
        """Whether `facts` may be claimed for as `claim_type`, judged as at `as_of` (evidence dated later
        is ignored, so a round rebuilt later sees what it would have seen)."""
        try:
            claim_type = ClaimType(claim_type)
        except ValueError:
            raise UnsupportedClaimType(f"Unknown claim type {claim_type!r}") from None
        if claim_type not in self.claim_types:
            raise UnsupportedClaimType(f"{self.name} has no {claim_type.label.lower()}")
        conditions = tuple(self._apply_overrides(self._conditions(facts, claim_type, as_of), facts, claim_type,
                                                 as_of))
        eligible = all(c.passed for c in conditions)
        dated = [c.met_on for c in conditions if c.met_on is not None]
        waiting_only = all(c.passed or c.pending for c in conditions)
        claimable_on = max(dated) if dated and waiting_only else None
        amount = self.claim_types[claim_type] if eligible else Decimal("0")
        return Eligibility(self.code, claim_type, eligible, amount, conditions, claimable_on)

    def evaluate_all(self, facts: FamilyFacts, as_of: date) -> dict[ClaimType, Eligibility]:
        return {claim_type: self.evaluate(facts, claim_type, as_of) for claim_type in self.claim_types}

    def _apply_overrides(self, conditions, facts, claim_type, as_of):
        for result in conditions:
            override = next((o for o in facts.overrides
                             if o.condition_code == result.code and o.recorded_on <= as_of
                             and (o.claim_type is None or o.claim_type == claim_type)), None)
            if result.passed or override is None or result.code not in self.overridable:
                yield result
                continue
            yield ConditionResult(result.code, True,
                                  f"{result.reason}; overridden by an administrator on "
                                  f"{long_date(override.recorded_on)}: {override.reason}",
                                  (*result.evidence_refs, override.recorded_by_ref), result.met_on, overridden=True)

    def near_miss(self, facts: FamilyFacts, as_of: date) -> list[NearMiss]:
        """For each claim type: the one condition a family fails, or the days until it becomes claimable
        when only time stands in the way and that day is within a calendar month."""
        misses = []
        soon = add_calendar_months(as_of, 1)
        for claim_type in self.claim_types:
            result = self.evaluate(facts, claim_type, as_of)
            if result.eligible or len(result.failed) != 1:
                continue
            failed = result.failed[0]
            if not failed.pending:
                misses.append(NearMiss(claim_type, failed.code, failed.reason))
            elif result.claimable_on is not None and result.claimable_on <= soon:
                days = (result.claimable_on - as_of).days
                misses.append(NearMiss(claim_type, failed.code,
                                       f"Claimable in {plural(days, 'day')}, on {long_date(result.claimable_on)}",
                                       result.claimable_on, days))
        return misses


class SupportingFamilies2022(RuleSet):
    code = "sf2022"
    name = "Supporting Families 2022-25"
    framework_version_code = "sf2022"
    default_programme = SUPPORTING_FAMILIES
    effective_from = date(2022, 10, 3)

    @property
    def claim_types(self):
        return {ClaimType.RESULTS: self.config.results_amount}

    def _conditions(self, facts, claim_type, as_of):
        status = sustainment(facts, as_of, self.config.sustainment_months)
        return [
            household_condition(facts, self.config),
            needs_at_attachment_condition(facts, self.config, SF2022_HEADLINES, self.name),
            lead_practitioner_condition(facts),
            assessment_condition(facts, as_of),
            family_plan_condition(facts, status),
            needs_resolved_condition(facts, status),
            sustained_condition(status, self.config.sustainment_months),
            not_already_claimed_condition(facts, self.programme, claim_type),
        ]


class TroubledFamiliesPhase2(RuleSet):
    code = "tf2015"
    name = "Troubled Families Phase 2"
    framework_version_code = "tf2015"
    default_programme = TROUBLED_FAMILIES_PHASE_2
    effective_from = date(2015, 4, 1)
    effective_to = date(2022, 10, 2)

    @property
    def claim_types(self):
        return {ClaimType.RESULTS: self.config.results_amount,
                ClaimType.ATTACHMENT_FEE: self.config.attachment_fee_amount}

    def _conditions(self, facts, claim_type, as_of):
        if claim_type is ClaimType.ATTACHMENT_FEE:
            return [
                household_condition(facts, self.config),
                problems_at_attachment_condition(facts, self.config),
                lead_practitioner_condition(facts),
                self._attached(facts, as_of),
                not_already_claimed_condition(facts, self.programme, claim_type),
            ]
        status = sustainment(facts, as_of, self.config.sustainment_months)
        return [
            household_condition(facts, self.config),
            problems_at_attachment_condition(facts, self.config),
            lead_practitioner_condition(facts),
            assessment_condition(facts, as_of),
            family_plan_condition(facts, status),
            self._progress_or_employment(facts, status),
            not_already_claimed_condition(facts, self.programme, claim_type),
        ]

    @staticmethod
    def _attached(facts, as_of):
        attached = long_date(facts.attached_on)
        if facts.attached_on <= as_of:
            return ConditionResult(ATTACHED, True, f"Attached on {attached}: the attachment fee is claimed in that "
                                                   f"month's round", met_on=facts.attached_on)
        return ConditionResult(ATTACHED, False, f"Not attached until {attached}", met_on=facts.attached_on)

    def employment_verdict(self, record, facts: FamilyFacts) -> tuple[bool, str]:
        """Whether one adult's record shows continuous employment, and why (in words)."""
        config = self.config
        if record.on_jsa:
            needed, window = config.jsa_weeks_in_work, config.jsa_window_weeks
            who = "a Jobseeker's Allowance claimant"
        else:
            needed, window = config.other_weeks_in_work, config.other_window_weeks
            who = "an adult not on Jobseeker's Allowance"
        got = f"in work {record.weeks_in_work} of {record.window_weeks} weeks to {long_date(record.window_ends_on)}"
        started = record.window_ends_on - timedelta(weeks=record.window_weeks) + timedelta(days=1)
        if not 0 <= record.weeks_in_work <= record.window_weeks:
            return False, f"an employment record that does not add up ({got})"
        if started < facts.attached_on:
            return False, f"an adult {got}, a period that began before the family was attached"
        # W of N weeks with N no longer than the window proves at least W of the window
        if record.weeks_in_work >= needed and record.window_weeks <= window:
            return True, f"an adult {got} ({who}: {needed} of {window} are needed)"
        return False, f"an adult {got}; {who} needs {needed} of {window}"

    def _progress_or_employment(self, facts, status):
        months = self.config.sustainment_months
        resolved = needs_resolved_condition(facts, status)
        sustained = sustained_condition(status, months)
        progress_met_on = status.ends_on if resolved.passed and (sustained.passed or sustained.pending) else None
        records = sorted((r for r in facts.employment if r.window_ends_on <= status.as_of),
                         key=lambda r: r.window_ends_on)
        verdicts = [(record, *self.employment_verdict(record, facts)) for record in records]
        qualifying = [(record, reason) for record, ok, reason in verdicts if ok]

        if qualifying:
            record, reason = qualifying[0]
            return ConditionResult(PROGRESS_OR_EMPLOYMENT, True, f"Continuous employment: {reason}",
                                   _refs((record.evidence_ref, record.person_ref)), met_on=record.window_ends_on)
        if resolved.passed and sustained.passed:
            return ConditionResult(PROGRESS_OR_EMPLOYMENT, True,
                                   f"Significant and sustained progress against all problems. {resolved.reason}. "
                                   f"{sustained.reason}", (*resolved.evidence_refs, *sustained.evidence_refs),
                                   met_on=progress_met_on)
        progress = resolved.reason if not resolved.passed else sustained.reason
        if verdicts:
            employment = "; ".join(reason for _, _, reason in verdicts)
        elif facts.employment:
            employment = f"no adult's employment period has ended by {long_date(status.as_of)}"
        else:
            employment = "no adult has an employment record"
        return ConditionResult(PROGRESS_OR_EMPLOYMENT, False,
                               f"Neither significant and sustained progress nor continuous employment. "
                               f"Progress: {progress}. Employment: {employment}",
                               (*resolved.evidence_refs, *sustained.evidence_refs,
                                *_refs(r.evidence_ref for r in records)),
                               met_on=progress_met_on)


class NoPaymentByResults(RuleSet):
    """A council that runs without payment by results (Earned Autonomy, an upfront grant, Families First)."""

    code = NO_PAYMENT_BY_RESULTS
    name = "No payment by results"
    framework_version_code = None
    default_programme = NO_PAYMENT_BY_RESULTS
    applicable = False

    @property
    def claim_types(self):
        return {}

    def _conditions(self, facts, claim_type, as_of):
        return []

    def evaluate(self, facts, claim_type, as_of):
        claim_type = ClaimType(claim_type) if claim_type is not None else None
        reason = ConditionResult(PAYMENT_BY_RESULTS, False,
                                 "Not applicable: this council runs without payment by results, so no claims are made")
        return Eligibility(self.code, claim_type, False, Decimal("0"), (reason,), None, applicable=False)

    def near_miss(self, facts, as_of):
        return []


# --- registry --------------------------------------------------------------------------------------------

RULE_SETS: dict[str, type[RuleSet]] = {
    cls.code: cls for cls in (SupportingFamilies2022, TroubledFamiliesPhase2, NoPaymentByResults)}

# Each programme's rule-set versions, oldest first. Supporting Families is Phase 2 renamed (2021): a family
# attached to it before 3 October 2022 is judged by the Phase 2 rules in force then.
PROGRAMME_VERSIONS: dict[str, tuple[type[RuleSet], ...]] = {
    SUPPORTING_FAMILIES: (TroubledFamiliesPhase2, SupportingFamilies2022),
    TROUBLED_FAMILIES_PHASE_2: (TroubledFamiliesPhase2,),
}
WITHOUT_PAYMENT_BY_RESULTS = (NO_PAYMENT_BY_RESULTS, FAMILIES_FIRST)


def rule_set_for(programme_or_version_code: str, attached_on: date,
                 config: RuleSetConfig | None = None) -> RuleSet:
    """The rule set to judge a family attached on `attached_on` by.

    A programme code picks the version in force on that day (the later-starting one should two
    overlap); a rule-set code ("sf2022", "tf2015", "none") is the council's explicit choice and is used
    whatever the day. Raises UnknownProgramme or NoRuleSetInForce."""
    code = str(programme_or_version_code)
    if code in WITHOUT_PAYMENT_BY_RESULTS:
        return NoPaymentByResults(code, config)
    if code in RULE_SETS:
        return RULE_SETS[code](config=config)
    if code not in PROGRAMME_VERSIONS:
        raise UnknownProgramme(f"No programme or rule set has the code {code!r}")
    in_force = [cls for cls in PROGRAMME_VERSIONS[code] if cls.in_force_on(attached_on)]
    if not in_force:
        raise NoRuleSetInForce(f"No {code.replace('_', ' ')} rule set was in force on {long_date(attached_on)}, "
                               f"the day the family was attached")
    return max(in_force, key=lambda cls: cls.effective_from)(code, config)


def near_miss(facts: FamilyFacts, as_of: date, rule_set: RuleSet | None = None,
              config: RuleSetConfig | None = None) -> list[NearMiss]:
    """What is missing for a family that fails one condition only, or the days until it becomes
    claimable when that is within a month; empty otherwise. The rule set defaults to the one for
    `facts.programme` on the day the family was attached."""
    rule_set = rule_set or rule_set_for(facts.programme, facts.attached_on, config)
    return rule_set.near_miss(facts, as_of)


__all__ = [
    "ASSESSMENT",
    "ATTACHED",
    "DEFAULT_CONFIG",
    "FAMILY_PLAN",
    "HOUSEHOLD",
    "LEAD_PRACTITIONER",
    "NEEDS_AT_ATTACHMENT",
    "NEEDS_RESOLVED",
    "NOT_ALREADY_CLAIMED",
    "PAYMENT_BY_RESULTS",
    "PHASE2_PROBLEMS",
    "PROBLEMS_AT_ATTACHMENT",
    "PROGRAMME_VERSIONS",
    "PROGRESS_OR_EMPLOYMENT",
    "RULE_SETS",
    "SF2022_HEADLINES",
    "SUSTAINED",
    "ConditionResult",
    "Eligibility",
    "InvalidRuleSetConfig",
    "NearMiss",
    "NoPaymentByResults",
    "NoRuleSetInForce",
    "RuleSet",
    "RuleSetConfig",
    "RuleSetError",
    "SupportingFamilies2022",
    "TroubledFamiliesPhase2",
    "UnknownProgramme",
    "UnsupportedClaimType",
    "near_miss",
    "rule_set_for",
]

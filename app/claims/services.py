"""State changes of claim rounds. Services flush, never commit (the request, the CLI command or the job
commits once). Every change is an audit event in the same transaction; audit details are ids and codes.

Build: round M takes families whose case closed in the window (results payments) or that were attached
in month M (Phase 2 attachment fees), judges each as at the build day with the rule set in force on the
day it was attached, and adds a draft claim for each eligible family not yet claimed. Rebuilding only
adds. Two builds at the same moment cannot both add a family: the partial UNIQUE index decides, and the
loser's insert (inside a savepoint) is skipped.
"""
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app import audit
from app.cases.models import Family
from app.claims import rounds
from app.claims.models import (
    Claim,
    ClaimOverride,
    ClaimRound,
    ClaimRoundBuild,
    ClaimSnapshot,
    ClaimStatus,
    ClaimTarget,
    RejectionReason,
    RoundStatus,
    SampleResult,
)
from app.common.text import plural
from app.common.time import today_london, utcnow
from app.extensions import db
from app.outcomes.dates import may_build_round, month_end, month_start
from app.outcomes.facts import ClaimType, FamilyFacts, Override, PreviousClaim
from app.outcomes.facts_builder import build_facts_many
from app.outcomes.rules import NOT_ALREADY_CLAIMED, RuleSetError, rule_set_for

CHUNK = 200


class ClaimsError(Exception):
    """Base of the named claim errors; the message is fit to show."""


class RoundNotOpenYet(ClaimsError):
    pass


class RoundNotDraft(ClaimsError):
    pass


class WrongRoundState(ClaimsError):
    pass


class SameUserRefused(ClaimsError):
    pass


class AmountsDoNotReconcile(ClaimsError):
    pass


class SampleDecisionInvalid(ClaimsError):
    pass


def window_for(month: date) -> tuple[date, date]:
    config = current_app.config
    return rounds.round_window(month, int(config["CLAIM_WINDOW_FROM_MONTHS"]), int(config["CLAIM_WINDOW_TO_MONTHS"]))


def round_for_month(month: date) -> ClaimRound | None:
    return db.session.scalar(sa.select(ClaimRound).where(ClaimRound.month == month_start(month)))


def _get_or_create_round(month: date) -> ClaimRound:
    found = round_for_month(month)
    if found is not None:
        return found
    start, end = window_for(month)
    new = ClaimRound(month=month_start(month), status=RoundStatus.DRAFT, window_start=start, window_end=end)
    try:
        with db.session.begin_nested():
            db.session.add(new)
    except IntegrityError:
        # Another build created it first (and has committed, or we would still be waiting).
        found = round_for_month(month)
        if found is None:
            raise
        return found
    audit.record("ClaimRoundCreated", object_type="claim_round", object_id=new.id, month=new.code)
    return new


# --- the facts provider: previous claims and overrides, for the rule sets' "not already claimed" ---

def _unused_overrides(family_ids) -> dict[int, list[ClaimOverride]]:
    used = sa.select(Claim.slot).where(Claim.status != ClaimStatus.REJECTED, Claim.slot != 0)
    out = defaultdict(list)
    for override in db.session.scalars(sa.select(ClaimOverride).where(
            ClaimOverride.family_id.in_(family_ids), ClaimOverride.id.not_in(used)).order_by(ClaimOverride.id)):
        out[override.family_id].append(override)
    return out


def claims_facts_provider(family_ids) -> dict[int, dict]:
    """Registered with outcomes at app creation: each family's claims and unused overrides."""
    previous = defaultdict(list)
    for row in db.session.execute(sa.select(Claim.id, Claim.family_id, Claim.programme, Claim.claim_type,
                                            Claim.status).where(Claim.family_id.in_(family_ids))
                                  .order_by(Claim.family_id, Claim.id)):
        previous[row.family_id].append(PreviousClaim(row.programme, ClaimType(row.claim_type), f"claim:{row.id}",
                                                     rejected=row.status == ClaimStatus.REJECTED))
    overrides = defaultdict(list)
    for family_id, items in _unused_overrides(family_ids).items():
        overrides[family_id] = [Override(NOT_ALREADY_CLAIMED, o.reason, o.recorded_on, f"user:{o.recorded_by_user_id}",
                                         ClaimType(o.claim_type)) for o in items]
    return {fid: {"previous_claims": tuple(previous[fid]), "overrides": tuple(overrides[fid])}
            for fid in set(previous) | set(overrides)}


# --- building a round ----------------------------------------------------------------------------------

@dataclass
class BuildResult:
    round: ClaimRound
    considered: int
    added: int


def candidate_families(month: date, start: date, end: date) -> list:
    """(id, closed_on, attached_on) of families closed in the window or attached in the month."""
    month_first, month_last = month_start(month), month_end(month)
    return db.session.execute(
        sa.select(Family.id, Family.closed_on, Family.attached_on)
        .where(Family.attached_on.is_not(None),
               sa.or_(Family.closed_on.between(start, end), Family.attached_on.between(month_first, month_last)))
        .order_by(Family.id)).all()


def _claim_types_due(rule_set, claim_type: ClaimType, row, month, start, end) -> bool:
    if claim_type is ClaimType.ATTACHMENT_FEE:
        return rounds.in_month(row.attached_on, month)
    return row.closed_on is not None and start <= row.closed_on <= end


def _conditions_record(eligibility) -> list[dict]:
    return [{"code": c.code, "passed": c.passed, "overridden": c.overridden,
             "met_on": c.met_on.isoformat() if c.met_on else None, "refs": list(c.evidence_refs)}
            for c in eligibility.conditions]


def build_round(month: date, *, actor=None, today: date | None = None,
                progress: Callable | None = None) -> BuildResult:
    """Build (or add to) round `month`'s draft claims, judging each family as at `today`. Flushes only."""
    today = today or today_london()
    month = month_start(month)
    if not may_build_round(month, today):
        raise RoundNotOpenYet(f"The round for {month:%B %Y} cannot be built before 1 {month:%B %Y}")
    claim_round = _get_or_create_round(month)
    if claim_round.status != RoundStatus.DRAFT:
        raise RoundNotDraft(f"The {month:%B %Y} round is {claim_round.status.label.lower()}: it can no longer be "
                            "rebuilt")
    start, end = claim_round.window_start, claim_round.window_end
    rows = candidate_families(month, start, end)
    added = 0
    for index in range(0, len(rows), CHUNK):
        chunk = rows[index:index + CHUNK]
        if progress:
            progress(index, len(rows), "Judging families")
        facts_of = build_facts_many([r.id for r in chunk], as_of=today)
        overrides = _unused_overrides([r.id for r in chunk])
        for row in chunk:
            facts = facts_of.get(row.id)
            if facts is not None:
                added += _claim_family(claim_round, row, facts, overrides.get(row.id, []), month, today, start, end)
    claim_round.built_on = today
    actor_id = getattr(actor, "id", actor)
    if claim_round.prepared_by_user_id is None:
        claim_round.prepared_by_user_id = actor_id
    db.session.add(ClaimRoundBuild(round_id=claim_round.id, built_on=today, built_by_user_id=actor_id,
                                   claims_added=added))
    db.session.flush()
    audit.record("ClaimRoundBuilt", actor=actor if hasattr(actor, "id") else None, object_type="claim_round",
                 object_id=claim_round.id, month=claim_round.code, considered=len(rows), added=added)
    if progress:
        progress(len(rows), len(rows), f"{plural(added, 'claim')} added")
    return BuildResult(claim_round, len(rows), added)


def _claim_family(claim_round, row, facts: FamilyFacts, overrides, month, today, start, end) -> int:
    try:
        rule_set = rule_set_for(facts.programme, facts.attached_on)
    except RuleSetError:
        return 0
    added = 0
    for claim_type, _amount in sorted(rule_set.claim_types.items(), key=lambda item: item[0].value):
        if not _claim_types_due(rule_set, claim_type, row, month, start, end):
            continue
        eligibility = rule_set.evaluate(facts, claim_type, today)
        if not eligibility.eligible:
            continue
        slot = 0
        if eligibility.condition(NOT_ALREADY_CLAIMED).overridden:
            override = next((o for o in overrides if ClaimType(o.claim_type) == claim_type), None)
            if override is None:
                continue
            slot = override.id
        claim = Claim(round_id=claim_round.id, family_id=row.id, programme=rule_set.programme, claim_type=claim_type,
                      slot=slot, rule_set_code=rule_set.code, amount_pence=rounds.pence(eligibility.amount),
                      status=ClaimStatus.INCLUDED, judged_on=today, closed_on=row.closed_on,
                      attached_on=row.attached_on,
                      sustainment_ends_on=eligibility.claimable_on if claim_type is ClaimType.RESULTS else None,
                      conditions=_conditions_record(eligibility))
        try:
            with db.session.begin_nested():
                db.session.add(claim)
        except IntegrityError:
            continue  # a concurrent build claimed this family first: the constraint did its job
        audit.record("ClaimDrafted", object_type="claim", object_id=claim.id, family_id=row.id,
                     round=claim_round.code, claim_type=claim_type.value, slot=slot)
        added += 1
    return added


def record_override(family, *, claim_type, programme, reason: str, actor, today: date | None = None) -> ClaimOverride:
    reason = (reason or "").strip()
    if not reason:
        raise ClaimsError("Enter the reason for the override")
    if len(reason) > 500:
        raise ClaimsError("The reason must be 500 characters or fewer")
    override = ClaimOverride(family_id=family.id, programme=programme, claim_type=ClaimType(claim_type),
                             reason=reason, recorded_on=today or today_london(), recorded_by_user_id=actor.id)
    db.session.add(override)
    db.session.flush()
    audit.record("ClaimOverrideRecorded", actor=actor, object_type="claim_override", object_id=override.id,
                 family_id=family.id, claim_type=str(claim_type), programme=programme)
    return override


# --- totals --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Totals:
    count: int
    amount_pence: int
    sampled: int
    rejected: int
    signed_off: int

    @property
    def invalid_rate(self) -> float | None:
        decided = self.rejected + self.signed_off
        return None if decided == 0 else self.rejected / decided


def totals(claim_round: ClaimRound) -> Totals:
    included = Claim.status == ClaimStatus.INCLUDED
    row = db.session.execute(
        sa.select(sa.func.count(Claim.id).filter(included),
                  sa.func.coalesce(sa.func.sum(Claim.amount_pence).filter(included), 0),
                  sa.func.count(Claim.id).filter(Claim.sampled),
                  sa.func.count(Claim.id).filter(Claim.sample_result == SampleResult.REJECTED),
                  sa.func.count(Claim.id).filter(Claim.sample_result == SampleResult.SIGNED_OFF))
        .where(Claim.round_id == claim_round.id)).one()
    return Totals(int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]))


# --- four eyes and the snapshot --------------------------------------------------------------------------

def builders(claim_round: ClaimRound) -> set[int]:
    ids = set(db.session.scalars(sa.select(ClaimRoundBuild.built_by_user_id)
                                 .where(ClaimRoundBuild.round_id == claim_round.id).order_by(ClaimRoundBuild.id)))
    ids.add(claim_round.prepared_by_user_id)
    return {i for i in ids if i is not None}


def snapshot_body(claim: Claim, family_reference: str | None, facts: FamilyFacts | None) -> dict:
    """References, codes, dates and evidence ids only: never free text or personal details."""
    body = {
        "claim": f"claim:{claim.id}", "round": claim.round.code, "family": f"family:{claim.family_id}",
        "family_reference": family_reference, "programme": claim.programme, "claim_type": claim.claim_type.value,
        "rule_set": claim.rule_set_code, "amount_pence": claim.amount_pence, "judged_on": claim.judged_on,
        "attached_on": claim.attached_on, "closed_on": claim.closed_on,
        "sustainment_ends_on": claim.sustainment_ends_on, "conditions": claim.conditions,
    }
    if facts is not None:
        body.update({
            "members": [{"ref": m.person_ref, "relationship": m.relationship, "expectant": m.expectant}
                        for m in facts.members],
            "lead_practitioner_named": facts.lead_practitioner_named,
            "assessment_completed_on": facts.assessment_completed_on, "plan_agreed_on": facts.plan_agreed_on,
            "case_events": [{"kind": e.kind.value, "on": e.on} for e in facts.case_events],
            "needs": [{"ref": n.need_ref, "headline": n.headline_code, "descriptor": n.descriptor_code,
                       "identified_on": n.identified_on, "at_attachment": n.at_attachment, "in_plan": n.in_plan,
                       "events": [{"kind": e.kind.value, "on": e.on, "evidence": e.evidence_ref} for e in n.events]}
                      for n in facts.needs],
        })
    return body


def approve_round(claim_round: ClaimRound, actor, *, now=None) -> str:
    """Four eyes: anyone but the people who built the round approves it; every claim's evidence is frozen
    in a snapshot with its SHA-256, and the round gets a hash over them. Returns the round's hash."""
    if claim_round.status != RoundStatus.DRAFT:
        raise WrongRoundState("Only a draft round can be approved")
    if actor.id in builders(claim_round):
        raise SameUserRefused("You prepared this round, so someone else must approve it")
    claims = db.session.scalars(sa.select(Claim).where(Claim.round_id == claim_round.id,
                                                       Claim.status == ClaimStatus.INCLUDED)
                                .order_by(Claim.id)).all()
    if not claims:
        raise WrongRoundState("The round has no claims to approve")
    references = dict(db.session.execute(sa.select(Family.id, Family.reference)
                                         .where(Family.id.in_([c.family_id for c in claims]))
                                         .order_by(Family.id)).all())
    by_day = defaultdict(list)
    for claim in claims:
        by_day[claim.judged_on].append(claim.family_id)
    facts = {}
    for day, family_ids in sorted(by_day.items()):
        for family_id, item in build_facts_many(family_ids, as_of=day).items():
            facts[(family_id, day)] = item
    hashes = []
    for claim in claims:
        text = rounds.canonical_json(snapshot_body(claim, references.get(claim.family_id),
                                                   facts.get((claim.family_id, claim.judged_on))))
        snapshot = ClaimSnapshot(claim_id=claim.id, body=text, sha256=rounds.sha256_of(text))
        db.session.add(snapshot)
        hashes.append([claim.id, snapshot.sha256])
    claim_round.status = RoundStatus.APPROVED
    claim_round.approved_by_user_id = actor.id
    claim_round.approved_at_utc = now or utcnow()
    claim_round.approval_sha256 = rounds.sha256_of(rounds.canonical_json(hashes))
    db.session.flush()
    audit.record("ClaimRoundApproved", actor=actor, object_type="claim_round", object_id=claim_round.id,
                 month=claim_round.code, claims=len(claims), sha256=claim_round.approval_sha256)
    return claim_round.approval_sha256


def snapshot_intact(snapshot: ClaimSnapshot) -> bool:
    return rounds.sha256_of(snapshot.body) == snapshot.sha256


# --- the internal audit sample ---------------------------------------------------------------------------

def draw_sample(claim_round: ClaimRound, actor, *, percent: int | None = None, seed: int | None = None,
                now=None) -> list[int]:
    if claim_round.status != RoundStatus.APPROVED:
        raise WrongRoundState("A sample is drawn once, from an approved round")
    percent = percent or int(current_app.config["CLAIM_SAMPLE_PERCENT"])
    if not 1 <= percent <= 100:
        raise SampleDecisionInvalid("The sample must be between 1% and 100% of the claims")
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    ids = db.session.scalars(sa.select(Claim.id).where(Claim.round_id == claim_round.id,
                                                       Claim.status == ClaimStatus.INCLUDED).order_by(Claim.id)).all()
    chosen = rounds.draw_sample(ids, percent, seed)
    if chosen:
        db.session.execute(sa.update(Claim).where(Claim.id.in_(chosen)).values(sampled=True)
                           .execution_options(synchronize_session="fetch"))
    claim_round.status = RoundStatus.SAMPLED
    claim_round.sample_seed, claim_round.sample_percent = seed, percent
    claim_round.sampled_by_user_id, claim_round.sampled_at_utc = actor.id, now or utcnow()
    db.session.flush()
    audit.record("ClaimSampleDrawn", actor=actor, object_type="claim_round", object_id=claim_round.id,
                 month=claim_round.code, seed=seed, percent=percent, sampled=len(chosen))
    _maybe_signed_off(claim_round, actor)
    return chosen


def decide_sampled_claim(claim: Claim, actor, *, result, reason=None, now=None) -> None:
    claim_round = claim.round
    if claim_round.status != RoundStatus.SAMPLED:
        raise WrongRoundState("Sampled claims are decided while the round is with internal audit")
    if not claim.sampled:
        raise SampleDecisionInvalid("This claim is not in the sample")
    if claim.sample_result is not None:
        raise SampleDecisionInvalid("This claim has already been decided")
    try:
        result = SampleResult(result)
    except ValueError:
        raise SampleDecisionInvalid("Select whether the claim is signed off or rejected") from None
    if result is SampleResult.REJECTED:
        try:
            reason = RejectionReason(reason)
        except ValueError:
            raise SampleDecisionInvalid("Select the reason the claim is rejected") from None
        claim.status, claim.rejection_reason = ClaimStatus.REJECTED, reason
    else:
        reason = None
    claim.sample_result = result
    claim.sample_decided_by_user_id, claim.sample_decided_at_utc = actor.id, now or utcnow()
    db.session.flush()
    audit.record("ClaimRejected" if reason else "ClaimSignedOff", actor=actor, object_type="claim",
                 object_id=claim.id, family_id=claim.family_id, round=claim_round.code,
                 reason=reason.value if reason else None)
    _maybe_signed_off(claim_round, actor)


def _maybe_signed_off(claim_round: ClaimRound, actor) -> None:
    undecided = db.session.scalar(sa.select(sa.func.count(Claim.id)).where(
        Claim.round_id == claim_round.id, Claim.sampled, Claim.sample_result.is_(None)))
    if undecided == 0:
        claim_round.status = RoundStatus.SIGNED_OFF
        db.session.flush()
        audit.record("ClaimRoundSignedOff", actor=actor, object_type="claim_round", object_id=claim_round.id,
                     month=claim_round.code)


# --- submission and payment ------------------------------------------------------------------------------

def mark_submitted(claim_round: ClaimRound, actor, *, on: date, reference: str, amount_pence: int) -> None:
    if claim_round.status != RoundStatus.SIGNED_OFF:
        raise WrongRoundState("A round is submitted after internal audit has signed it off")
    reference = (reference or "").strip()
    if not reference or len(reference) > 40:
        raise ClaimsError("Enter the submission reference, 40 characters or fewer")
    total = totals(claim_round)
    if amount_pence != total.amount_pence:
        raise AmountsDoNotReconcile(f"The amount submitted must equal the round's total, "
                                    f"{rounds.money(total.amount_pence)}")
    claim_round.status, claim_round.submitted_on = RoundStatus.SUBMITTED, on
    claim_round.submission_reference, claim_round.submitted_amount_pence = reference, amount_pence
    db.session.flush()
    audit.record("ClaimRoundSubmitted", actor=actor, object_type="claim_round", object_id=claim_round.id,
                 month=claim_round.code, amount_pence=amount_pence)


def mark_paid(claim_round: ClaimRound, actor, *, on: date, amount_pence: int) -> None:
    if claim_round.status != RoundStatus.SUBMITTED:
        raise WrongRoundState("A round is marked paid after it has been submitted")
    if on < claim_round.submitted_on:
        raise ClaimsError("The payment date must be on or after the day the round was submitted")
    if amount_pence != claim_round.submitted_amount_pence:
        raise AmountsDoNotReconcile(f"The amount received must equal the amount submitted, "
                                    f"{rounds.money(claim_round.submitted_amount_pence)}")
    claim_round.status, claim_round.paid_on, claim_round.paid_amount_pence = RoundStatus.PAID, on, amount_pence
    db.session.flush()
    audit.record("ClaimRoundPaid", actor=actor, object_type="claim_round", object_id=claim_round.id,
                 month=claim_round.code, amount_pence=amount_pence)


def set_target(year_starting: int, target: int, actor) -> ClaimTarget:
    if target < 0 or target > 1_000_000:
        raise ClaimsError("Enter a target of 0 or more")
    row = db.session.scalar(sa.select(ClaimTarget).where(ClaimTarget.year_starting == year_starting))
    if row is None:
        row = ClaimTarget(year_starting=year_starting, target=target)
        db.session.add(row)
    row.target, row.set_by_user_id = target, actor.id
    db.session.flush()
    audit.record("ClaimTargetSet", actor=actor, object_type="claim_target", object_id=row.id,
                 year=year_starting, target=target)
    return row

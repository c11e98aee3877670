"""`flask synth`: a synthetic council of any size, for load and scale work (never in production).

The council (agencies, users, framework, intervention catalogue, sharing agreement) is made with the
ORM: a few hundred rows. The families are written in bulk (app/demo/synth/writer.py), chunk by chunk,
then the referral queue and the claim history (monthly rounds in every state, with snapshots) are added
the same way. Users scale with the families: about 20 open cases per key worker.
"""
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from app import audit
from app.auth.models import Agency, AgencyKind, Role, User
from app.auth.passwords import hash_password
from app.cases.models import Family, InterventionType
from app.cases.services import seed_intervention_types
from app.claims import rounds
from app.claims.models import RejectionReason, RoundStatus
from app.claims.services import snapshot_body, window_for
from app.common.time import today_london
from app.demo import names
from app.demo.referrals import _near_duplicate
from app.demo.sharing import council_agreement
from app.demo.synth.families import (
    FamilyMaker,
    Identifiers,
    SynthContext,
    add_reasons,
    referral_person_row,
    referral_row,
)
from app.demo.synth.writer import BulkWriter
from app.extensions import db
from app.framework.categories import UnknownHeadline, category_for
from app.framework.queries import headlines_with_descriptors
from app.framework.services import seed_default_framework, version_in_force
from app.outcomes.dates import add_calendar_months, month_start
from app.outcomes.rules import SUPPORTING_FAMILIES

CHUNK_FAMILIES = 500
DEFAULT_SEED = 1
EMAIL_DOMAIN = "synth.test"
CASES_PER_KEY_WORKER = 20
CLAIM_ROUNDS = 18  # months of claim history
ROUND_STATES = ("draft", "approved", "sampled", "signed_off", "submitted")  # newest first; older ones paid
SAMPLE_PERCENT = 10
RESULTS_PENCE = 80_000
PARTNERS = [  # (kind, name, how many)
    (AgencyKind.SOCIAL_CARE, "Children's Social Care", 1), (AgencyKind.POLICE, "Constabulary", 1),
    (AgencyKind.YOUTH_JUSTICE, "Youth Justice Service", 1), (AgencyKind.HEALTH, "Health", 3),
    (AgencyKind.HOUSING, "Homes", 2), (AgencyKind.EMPLOYMENT, "Jobcentre Plus", 1),
    (AgencyKind.DOMESTIC_ABUSE, "Women's Aid", 1), (AgencyKind.VOLUNTARY, "Community Trust", 3),
]
SCHOOL_KINDS = ["Primary School", "Academy", "Junior School", "High School", "Infant School"]


class SynthRefused(RuntimeError):
    """Synthetic data must not be generated here."""


@dataclass
class SynthResult:
    counts: dict
    key_worker_emails: list
    seconds: float = 0.0


def _name(rng) -> str:
    return f"{rng.choice(names.FEMALE_ADULT_NAMES + names.MALE_ADULT_NAMES)} {rng.choice(names.FAMILY_NAMES)}"


def _council(family_count: int, password_hash: str, rng, today):
    """Agencies and users, sized for the number of families."""
    early_help = Agency(name="Synth County Council Early Help", kind=AgencyKind.EARLY_HELP)
    agencies = [early_help]
    for kind, label, count in PARTNERS:
        agencies += [Agency(name=f"Synth {label}" + (f" {n}" if count > 1 else ""), kind=kind)
                     for n in range(1, count + 1)]
    school_count = max(4, min(300, family_count // 200))
    schools = [Agency(name=f"{names.TOWNS[n % len(names.TOWNS)][0]} {SCHOOL_KINDS[n % len(SCHOOL_KINDS)]} {n + 1}",
                      kind=AgencyKind.SCHOOL) for n in range(school_count)]
    agencies += schools
    db.session.add_all(agencies)
    db.session.flush()

    open_attached = family_count * min(0.75, 5_000 / max(1, family_count)) * 0.88
    key_worker_count = max(5, math.ceil(open_attached / CASES_PER_KEY_WORKER))
    users = []

    def user(email, role, agency, lead=False):
        users.append(User(email=f"{email}@{EMAIL_DOMAIN}", name=_name(rng), role=role, agency=agency,
                          is_designated_lead=lead, password_hash=password_hash))
        return users[-1]

    for n in range(1, key_worker_count + 1):
        user(f"keyworker{n}", Role.KEY_WORKER, early_help)
    for n in range(1, max(1, key_worker_count // 12) + 1):
        user(f"manager{n}", Role.PROGRAMME_MANAGER, early_help)
    user("finance1", Role.FINANCE_OFFICER, early_help)
    user("finance2", Role.FINANCE_OFFICER, early_help)
    user("auditor1", Role.INTERNAL_AUDITOR, early_help)
    user("ig1", Role.IG_OFFICER, early_help)
    user("admin1", Role.ADMIN, early_help)
    n = 0
    for agency in agencies[1:]:
        per_agency = 2 if agency.kind == AgencyKind.SCHOOL else max(2, min(20, family_count // 4_000))
        for index in range(per_agency):
            n += 1
            user(f"practitioner{n}", Role.PRACTITIONER, agency, lead=index == 0)
    police = next(a for a in agencies if a.kind == AgencyKind.POLICE)
    user("agencyadmin1", Role.AGENCY_ADMIN, police)
    db.session.add_all(users)
    db.session.flush()
    db.session.add(council_agreement("Synth County multi-agency information sharing agreement", today,
                                     next(u.id for u in users if u.role == Role.ADMIN)))
    db.session.flush()
    return agencies, schools, users


def _context(seed, family_count, today, agencies, schools, users) -> SynthContext:
    version = version_in_force(today)
    if version is None:
        raise SynthRefused("No outcome framework is in force today")
    headlines = []
    categories = {}
    for headline in headlines_with_descriptors(version, active_only=True):
        if not headline.descriptors:
            continue
        # Plain copies: a family reads its descriptors' rule many times, and ORM attributes cost more.
        headlines.append((headline.code, [SimpleNamespace(
            id=d.id, code=d.code, rule=d.rule, period_unit=d.period_unit, measure_kind=d.measure_kind,
            comparison=d.comparison, threshold=d.threshold, consecutive_periods=d.consecutive_periods)
            for d in headline.descriptors]))
        for descriptor in headline.descriptors:
            try:
                categories[descriptor.id] = category_for(headline.code, descriptor)
            except UnknownHeadline:
                categories[descriptor.id] = descriptor.category
    by_kind, workers = {}, {}
    for agency in agencies:
        by_kind.setdefault(agency.kind, []).append(agency.id)
    for u in users:
        if u.role == Role.PRACTITIONER:
            workers.setdefault(u.agency_id, []).append(u.id)
    urns = [f"{190_000 + n:06d}" for n in range(len(schools))]
    return SynthContext(
        today=today, seed=seed, family_count=family_count, early_help_id=agencies[0].id, agencies=by_kind,
        agency_kind={a.id: a.kind for a in agencies}, workers=workers,
        key_workers=[u.id for u in users if u.role == Role.KEY_WORKER],
        managers=[u.id for u in users if u.role == Role.PROGRAMME_MANAGER], school_urns=urns,
        school_agency=dict(zip(urns, [s.id for s in schools], strict=True)),
        referring_agencies=sorted(workers), headlines=headlines, categories=categories, version_id=version.id,
        intervention_types=dict(db.session.execute(sa.select(InterventionType.code, InterventionType.id)).all()),
        first_attached=version.effective_from, ids=Identifiers())


def run_synth(config, family_count: int, *, seed: int = DEFAULT_SEED, today: date | None = None,
              progress: Callable[[int], None] | None = None) -> SynthResult:
    """Generate `family_count` families and their council. Writes in the caller's transaction."""
    if config.get("HEARTH_ENV") == "production":
        raise SynthRefused("Synthetic data is never generated in production (HEARTH_ENV is production)")
    password = config.get("DEMO_PASSWORD")
    if not password:
        raise SynthRefused("Set DEMO_PASSWORD to the password the synthetic accounts should have")
    if family_count < 1:
        raise SynthRefused("Ask for at least one family")
    if db.session.scalar(sa.select(Family.id).limit(1)) is not None:
        raise SynthRefused("This database already has families: synthetic data goes into an empty database")
    today = today or today_london()
    rng = random.Random(f"{seed}:council")
    seed_default_framework()
    seed_intervention_types()
    agencies, schools, users = _council(family_count, hash_password(password), rng, today)
    ctx = _context(seed, family_count, today, agencies, schools, users)
    writer = BulkWriter()
    maker = FamilyMaker(ctx, writer)
    for start in range(0, family_count, CHUNK_FAMILIES):
        stop = min(family_count, start + CHUNK_FAMILIES)
        for index in range(start, stop):
            maker.make(index)
        writer.flush()
        if progress:
            progress(stop - start)
    _referral_queue(ctx, writer, random.Random(f"{seed}:referrals"))
    finance = [u.id for u in users if u.role == Role.FINANCE_OFFICER]
    auditor = next(u.id for u in users if u.role == Role.INTERNAL_AUDITOR)
    _claim_history(ctx, writer, random.Random(f"{seed}:claims"), finance, auditor)
    writer.finish()
    counts = {"agencies": len(agencies), "users": len(users), **dict(sorted(writer.written.items()))}
    audit.record("SyntheticDataGenerated", object_type="demo", seed=seed, families=family_count,
                 people=counts.get("people", 0), claims=counts.get("claims", 0))
    return SynthResult(counts, [u.email for u in users if u.role == Role.KEY_WORKER])


def _referral_queue(ctx: SynthContext, w: BulkWriter, rng) -> None:
    """Referrals waiting for triage (some describe people already known), and declined ones."""
    today = ctx.today
    waiting = max(10, ctx.family_count // 150)
    known = ctx.people_seen
    for n in range(waiting):
        rid = w.new_id("referrals")
        agency = rng.choice(ctx.referring_agencies)
        received = today - timedelta(days=rng.randint(0, 30))
        if known and n % 2 == 0:
            person, postcode = rng.choice(known)
            fields, postcode = _near_duplicate(rng, SimpleNamespace(**person), SimpleNamespace(postcode=postcode),
                                               rng.choice(["typo", "nickname", "swapped", "moved", "surname"]))
            people = [fields]
        else:
            surname = rng.choice(names.FAMILY_NAMES)
            people = [{"given_name": rng.choice(names.FEMALE_ADULT_NAMES), "family_name": surname,
                       "date_of_birth": today - timedelta(days=rng.randint(20 * 365, 45 * 365)),
                       "gender": "female", "relationship_to_family": "parent"}]
            postcode = f"DM{rng.randint(1, 11)} {rng.randint(1, 9)}{rng.choice('ABDEFGH')}{rng.choice('JLNPQ')}"
        people.append({"given_name": rng.choice(names.BOY_NAMES + names.GIRL_NAMES),
                       "family_name": people[0]["family_name"],
                       "date_of_birth": today - timedelta(days=rng.randint(200, 16 * 365)), "gender": "not_known",
                       "relationship_to_family": "child"})
        address = {"address_line_1": f"{rng.randint(1, 90)} {rng.choice(names.STREETS)}", "address_line_2": None,
                   "town": rng.choice(names.TOWNS)[0], "postcode": postcode}
        w.add("referrals", referral_row(ctx, rng, rid, status="received", referrer=rng.choice(ctx.workers[agency]),
                                        agency_id=agency, received_on=received, address=address))
        for position, fields in enumerate(people):
            entry = {"other_names": None, "nhs_number": None, "upn": None, "ni_number": None, "pnc_number": None,
                     **fields}
            entry["gender"] = getattr(entry["gender"], "value", entry["gender"])
            entry["relationship_to_family"] = getattr(entry["relationship_to_family"], "value",
                                                      entry["relationship_to_family"])
            w.add("referral_people", referral_person_row(w, rid, position, entry, None))
        add_reasons(ctx, rng, w, rid)
    for _ in range(max(4, ctx.family_count // 100)):
        rid = w.new_id("referrals")
        agency = rng.choice(ctx.referring_agencies)
        received = today - timedelta(days=rng.randint(15, 365))
        surname = rng.choice(names.FAMILY_NAMES)
        w.add("referrals", referral_row(
            ctx, rng, rid, status="declined", referrer=rng.choice(ctx.workers[agency]), agency_id=agency,
            received_on=received, address={"address_line_1": "3 Canal Side", "address_line_2": None,
                                           "town": "Millbrook", "postcode": "DM6 2AB"},
            triaged_on=received + timedelta(days=rng.randint(1, 5)), triaged_by=rng.choice(ctx.managers),
            decline_reason=rng.choice(["not_eligible", "open_to_social_care", "already_supported", "moved_away"])))
        w.add("referral_people", referral_person_row(w, rid, 0, {
            "given_name": rng.choice(names.FEMALE_ADULT_NAMES), "family_name": surname, "other_names": None,
            "date_of_birth": None, "gender": "not_known", "relationship_to_family": "parent", "nhs_number": None,
            "upn": None, "ni_number": None, "pnc_number": None}, None))
        add_reasons(ctx, rng, w, rid)
    w.flush()


def _claim_history(ctx: SynthContext, w: BulkWriter, rng, finance: list[int], auditor: int) -> None:
    """Monthly rounds for the last CLAIM_ROUNDS months: each sustained closed family claimed once, in the
    first round built six months after its closure (the round of this month is left for a real build)."""
    today = ctx.today
    months = [add_calendar_months(month_start(today), -back) for back in range(CLAIM_ROUNDS, 0, -1)]
    windows = {month: window_for(month) for month in months}
    build_day = {month: min(month.replace(day=28), today) for month in months}
    claims_of = {month: [] for month in months}
    for family_id, closed_on, attached_on in ctx.claimable:
        sustained_until = add_calendar_months(closed_on, 6)
        first = month_start(sustained_until)
        if sustained_until > min(first.replace(day=28), today):
            first = add_calendar_months(first, 1)
        # Earlier rounds are before the history modelled here; later ones are still to be built.
        if first in claims_of and windows[first][0] <= closed_on <= windows[first][1]:
            claims_of[first].append((family_id, closed_on, attached_on, sustained_until))
    with_claims = [m for m in months if claims_of[m]]
    state_of = {m: (ROUND_STATES[i] if i < len(ROUND_STATES) else "paid")
                for i, m in enumerate(reversed(with_claims))}
    preparer, approver = finance[0], finance[-1]
    for month in months:
        _claim_round(ctx, w, rng, month, windows[month], build_day[month], claims_of[month],
                     state_of.get(month, "draft"), preparer, approver, auditor)
    w.add("claim_targets", {"id": w.new_id("claim_targets"), "year_starting": rounds.financial_year_starting(today),
                            "target": max(10, len(ctx.claimable) // 3), "set_by_user_id": preparer,
                            "created_at_utc": datetime.combine(today, time(9), tzinfo=UTC)})


def _claim_round(ctx, w, rng, month, window, built, claims, state, preparer, approver, auditor) -> None:
    order = ("draft", "approved", "sampled", "signed_off", "submitted", "paid")
    reached = order.index(state)
    at = datetime.combine(built, time(10), tzinfo=UTC)
    round_id = w.new_id("claim_rounds")
    code = month.strftime("%Y-%m")
    rows = []
    for family_id, closed_on, attached_on, sustained_until in claims:
        rows.append({"id": w.new_id("claims"), "round_id": round_id, "family_id": family_id,
                     "programme": SUPPORTING_FAMILIES, "claim_type": "results", "slot": 0, "rule_set_code": "sf2022",
                     "amount_pence": RESULTS_PENCE, "status": "included", "judged_on": built, "closed_on": closed_on,
                     "attached_on": attached_on, "sustainment_ends_on": sustained_until,
                     "conditions": [{"code": code_, "passed": True, "overridden": False, "met_on": None, "refs": []}
                                    for code_ in ("dependent_child_or_expectant", "needs_at_attachment",
                                                  "lead_practitioner", "assessment", "family_plan", "needs_resolved",
                                                  "sustained", "not_already_claimed")],
                     "sampled": False, "sample_result": None, "rejection_reason": None,
                     "sample_decided_by_user_id": None, "sample_decided_at_utc": None, "created_at_utc": at})
    sample_seed = rng.randrange(2**31)
    if reached >= order.index("sampled") and rows:
        chosen = set(rounds.draw_sample([r["id"] for r in rows], SAMPLE_PERCENT, sample_seed))
        for row in rows:
            if row["id"] in chosen:
                row["sampled"] = True
                if reached >= order.index("signed_off"):
                    rejected = row["id"] == min(chosen) and len(chosen) > 1
                    row.update(sample_result="rejected" if rejected else "signed_off",
                               status="rejected" if rejected else "included",
                               rejection_reason=rng.choice(list(RejectionReason)).value if rejected else None,
                               sample_decided_by_user_id=auditor, sample_decided_at_utc=at + timedelta(days=3))
    total = sum(r["amount_pence"] for r in rows if r["status"] == "included")
    hashes = []
    if reached >= order.index("approved"):
        for row in rows:
            claim = SimpleNamespace(**{**row, "claim_type": SimpleNamespace(value=row["claim_type"])},
                                    round=SimpleNamespace(code=code))
            text = rounds.canonical_json(snapshot_body(claim, f"HF-{row['family_id']:06d}", None))
            digest = rounds.sha256_of(text)
            w.add("claim_snapshots", {"id": w.new_id("claim_snapshots"), "claim_id": row["id"], "body": text,
                                      "sha256": digest, "created_at_utc": at + timedelta(days=1)})
            hashes.append([row["id"], digest])
    submitted_on = min(add_calendar_months(month, 1).replace(day=5), ctx.today)
    w.add("claim_rounds", {
        "id": round_id, "month": month, "status": RoundStatus(state).value, "window_start": window[0],
        "window_end": window[1], "built_on": built, "prepared_by_user_id": preparer,
        "approved_by_user_id": approver if reached >= 1 else None,
        "approved_at_utc": at + timedelta(days=1) if reached >= 1 else None,
        "approval_sha256": rounds.sha256_of(rounds.canonical_json(hashes)) if reached >= 1 else None,
        "sample_seed": sample_seed if reached >= 2 else None,
        "sample_percent": SAMPLE_PERCENT if reached >= 2 else None,
        "sampled_by_user_id": auditor if reached >= 2 else None,
        "sampled_at_utc": at + timedelta(days=2) if reached >= 2 else None,
        "submitted_on": submitted_on if reached >= 4 else None,
        "submission_reference": f"SF-{code}-01" if reached >= 4 else None,
        "submitted_amount_pence": total if reached >= 4 else None,
        "paid_on": min(add_calendar_months(submitted_on, 1), ctx.today) if reached >= 5 else None,
        "paid_amount_pence": total if reached >= 5 else None, "created_at_utc": at})
    w.add("claim_round_builds", {"id": w.new_id("claim_round_builds"), "round_id": round_id, "built_on": built,
                                 "built_by_user_id": preparer, "claims_added": len(rows), "created_at_utc": at})
    for row in rows:
        w.add("claims", row)

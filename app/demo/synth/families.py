"""One synthetic family and everything recorded about it, as plain rows for the bulk writer.

Each family draws from its own random generator (seed and family number), so a seed always gives the
same data whatever the chunk size. The shapes follow the demo council (app/demo) but are built as dicts,
not ORM objects, and identifiers are handed out from sequences rather than drawn and retried, so tens of
thousands of families never run out of unique test NHS numbers or pupil numbers.
"""
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

from app.auth.models import AgencyKind
from app.cases import identifiers
from app.cases.models import ClosureReason, FamilyStatus, GoalStatus, StatusEvent
from app.cases.names import normalise_name, sound_alike_key
from app.cases.services import ASSESSMENT_SECTIONS, family_reference
from app.demo import names
from app.demo.casework import (
    AGENCY_CATEGORY,
    AGENCY_WORK,
    NOTES,
    ORDER,
    OWNER_KIND,
    PLAN_ACTIONS,
    SECTION_TEXT,
    _milestones,
)
from app.demo.outcomes import CLOSED_SCENARIOS, HOLDER, SOURCES, _plan, _value
from app.demo.referrals import SUMMARIES
from app.demo.seed import ATTACHED_DAYS_AGO, CLOSURE_WEIGHTS, TEAM_CHANCES, TEAM_ROLES, _address
from app.framework.categories import DataCategory
from app.outcomes.dates import add_calendar_months
from app.outcomes.judgement import EvidencePoint, NeedState, judge
from app.referrals.workdays import add_working_days

S = FamilyStatus
OPEN_WEIGHTS = {S.REFERRED: 12, S.ATTACHED: 10, S.ASSESSMENT: 13, S.PLAN: 15, S.ACTIVE: 25}
# A council has up to about 5,000 open cases whatever the size of its history (domain.md, "Scale").
MAX_OPEN_CASES = 5_000
CONSENT_WEIGHTS = {"given": 50, "partial": 15, "withdrawn": 10, "expired": 10, "none": 15}
CONSENT_CATEGORIES = ("case_note", "education", "health", "mental_health", "housing", "finance", "employment",
                      "crime", "child_safety")
RECIPIENT_KINDS = [kind.value for kind in AgencyKind]
SHAPES = {"lone_mother": 40, "lone_father": 8, "couple": 25, "step_family": 17, "kinship": 10}


# random.randint and random.choice cost a few microseconds each, and a family makes hundreds of draws.
def _int(rng, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _pick(rng, items):
    return items[int(rng.random() * len(items))]


def _at(day: date, rng) -> datetime:
    minute = int(rng.random() * 600)
    return datetime(day.year, day.month, day.day, 8 + minute // 60, minute % 60, tzinfo=UTC)


def _between(rng, start: date, end: date) -> date:
    return start + timedelta(days=_int(rng, 0, max(0, (end - start).days)))


def _years_ago(rng, today: date, low: int, high: int) -> date:
    return today - timedelta(days=_int(rng, low * 365 + 1, high * 365 + 364))


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class Identifiers:
    """Unique, valid test identifiers from sequences: NHS numbers in the 999 test range (stepping through
    it in a scrambled order; when it is used up, people get none), UPNs of the made-up local authority
    999, NI numbers and PNC numbers. Never a real person's."""

    NHS_STEP = 7_919  # prime, so stepping by it visits every 6-digit body once

    def __init__(self, start: int = 0):
        self.nhs_index = start
        self.counter = start
        ni_letters = "ABCEGHJKLMNPRSTWXYZ"
        self.ni_prefixes = [a + b for a in ni_letters for b in ni_letters
                            if a not in identifiers.NI_NOT_FIRST and b not in identifiers.NI_NOT_SECOND
                            and a + b not in identifiers.NI_NOT_ALLOCATED]

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def nhs_number(self) -> str | None:
        while self.nhs_index < 1_000_000:
            body = f"999{(self.nhs_index * self.NHS_STEP) % 1_000_000:06d}"
            self.nhs_index += 1
            check = identifiers.nhs_check_digit(body)
            if check is not None:
                return f"{body}{check}"
        return None

    def upn(self, year_started: int) -> str:
        n = self._next()
        body = f"999{1000 + (n // 1000) % 9000:04d}{year_started % 100:02d}{n % 1000:03d}"
        return identifiers.upn_check_letter(body) + body

    def ni_number(self) -> str:
        n = self._next()
        prefix = self.ni_prefixes[(n // 1_000_000) % len(self.ni_prefixes)]
        return f"{prefix}{n % 1_000_000:06d}{'ABCD'[n % 4]}"

    def pnc_number(self, year: int) -> str:
        serial = f"{self._next() % 9_999_999 + 1:07d}"
        yy = f"{year % 100:02d}"
        return f"{yy}/{serial}{identifiers.pnc_check_letter(yy, serial)}"


@dataclass
class SynthContext:
    """What every family refers to: the council's agencies, users, framework and catalogue."""

    today: date
    seed: int
    family_count: int
    early_help_id: int
    agencies: dict  # AgencyKind -> list of agency ids (schools: one per school)
    agency_kind: dict  # agency id -> AgencyKind
    workers: dict  # agency id -> list of user ids
    key_workers: list
    managers: list
    school_urns: list
    school_agency: dict  # school URN -> the school's agency id
    referring_agencies: list  # agency ids with workers who refer
    headlines: list  # [(headline code, [Descriptor, ...])] of the version in force
    categories: dict  # descriptor id -> DataCategory
    version_id: int
    intervention_types: dict  # code -> id
    first_attached: date  # no family attached before the framework in force began
    ids: Identifiers = field(default_factory=Identifiers)
    claimable: list = field(default_factory=list)  # (family id, closed_on, attached_on) sustained after closure
    people_seen: list = field(default_factory=list)  # a sample of (given, family name, dob, postcode) for referrals
    names_cache: dict = field(default_factory=dict)

    @property
    def open_share(self) -> float:
        return min(0.75, MAX_OPEN_CASES / max(1, self.family_count))

    def name_keys(self, name: str) -> tuple[str, str]:
        keys = self.names_cache.get(name)
        if keys is None:
            keys = self.names_cache[name] = (normalise_name(name)[:100], sound_alike_key(name))
        return keys


class FamilyMaker:
    """Writes one family's rows into the writer. `make(index)` is deterministic for (seed, index)."""

    def __init__(self, ctx: SynthContext, writer):
        self.ctx, self.w = ctx, writer

    # --- the household ---------------------------------------------------------------------------------

    def _person(self, rng, fid, created, *, given, family_name, gender, relationship, dob, adult):
        ctx = self.ctx
        gn, gs = ctx.name_keys(given)
        fn, fs = ctx.name_keys(family_name)
        nhs = ctx.ids.nhs_number() if rng.random() < (0.85 if adult else 0.9) else None
        ni = ctx.ids.ni_number() if adult and rng.random() < 0.45 else None
        age = _age(dob, ctx.today)
        pnc = None
        if (adult and rng.random() < 0.1) or (14 <= age <= 17 and rng.random() < 0.05):
            pnc = ctx.ids.pnc_number(_int(rng, min(dob.year + 14, ctx.today.year), ctx.today.year))
        urn = upn = None
        if not adult and 4 <= age <= 16 and rng.random() < 0.85:
            school = rng.randrange(len(ctx.school_urns))
            urn = ctx.school_urns[school]
            upn = ctx.ids.upn(min(dob.year + 5, ctx.today.year))
        return {
            "id": self.w.new_id("people"), "family_id": fid, "given_name": given, "family_name": family_name,
            "other_names": _pick(rng, names.MIDDLE_NAMES) if adult and rng.random() < 0.1 else None,
            "date_of_birth": dob, "gender": gender, "relationship_to_family": relationship, "expectant": False,
            "nhs_number": nhs, "upn": upn, "school_urn": urn, "ni_number": ni, "pnc_number": pnc,
            "lives_apart": False, "address_line_1": None, "address_line_2": None, "town": None, "postcode": None,
            "left_household_on": None, "given_name_normal": gn, "family_name_normal": fn, "given_name_sound": gs,
            "family_name_sound": fs, "created_at_utc": created,
        }

    def _household(self, rng, fid, created) -> list[dict]:
        today = self.ctx.today
        shape = rng.choices(list(SHAPES), weights=list(SHAPES.values()))[0]
        surname = _pick(rng, names.FAMILY_NAMES)
        taken = set()

        def given(pool):
            name = _pick(rng, [n for n in pool if n not in taken])
            taken.add(name)
            return name

        def adult(gender, relationship, low, high, family_name=surname):
            pool = names.FEMALE_ADULT_NAMES if gender == "female" else names.MALE_ADULT_NAMES
            return self._person(rng, fid, created, given=given(pool), family_name=family_name, gender=gender,
                                relationship=relationship, dob=_years_ago(rng, today, low, high), adult=True)

        if shape == "kinship":
            adults = [adult("female", "grandparent", 50, 72)]
            if rng.random() < 0.5:
                adults.append(adult("male", "grandparent", 52, 75))
        else:
            adults = [adult("male" if shape == "lone_father" else "female", "parent", 19, 50)]
            if shape == "couple":
                adults.append(adult("male", "parent", 20, 55))
            elif shape == "step_family":
                adults.append(adult("male", "step_parent", 20, 55, _pick(rng, names.FAMILY_NAMES)))
        max_child_age = 17 if shape == "kinship" else max(0, min(17, _age(adults[0]["date_of_birth"], today) - 17))
        children = []
        for _ in range(min(6 - len(adults), rng.choices([1, 2, 3, 4], weights=[30, 35, 22, 13])[0])):
            roll = rng.random()
            gender = "female" if roll < 0.49 else "male" if roll < 0.98 else "not_stated"
            pool = names.GIRL_NAMES if gender == "female" else names.BOY_NAMES
            dob = today - timedelta(days=_int(rng, 0, max_child_age * 365 + 364))
            children.append(self._person(rng, fid, created, given=given(pool), family_name=surname, gender=gender,
                                         relationship="child", dob=dob, adult=False))
        if shape == "step_family" and len(children) > 1 and rng.random() < 0.4:
            children[-1]["relationship_to_family"] = "step_child"
        mother = adults[0]
        if mother["gender"] == "female" and _age(mother["date_of_birth"], today) < 44 and rng.random() < 0.08:
            mother["expectant"] = True
        if shape == "step_family" and rng.random() < 0.08:
            adults[1]["left_household_on"] = today - timedelta(days=_int(rng, 10, 300))
        return adults + children

    # --- the family ------------------------------------------------------------------------------------

    def _status_and_dates(self, rng):
        ctx, today = self.ctx, self.ctx.today
        if rng.random() < ctx.open_share:
            status = rng.choices(list(OPEN_WEIGHTS), weights=list(OPEN_WEIGHTS.values()))[0]
        else:
            status = S.CLOSED
        if status == S.REFERRED:
            return status, today - timedelta(days=_int(rng, 0, 20)), None, None
        if status == S.CLOSED:
            earliest = max(ctx.first_attached, today - timedelta(days=2_000))
            attached = _between(rng, earliest, today - timedelta(days=200))
            closed = min(attached + timedelta(days=_int(rng, 200, 540)), today - timedelta(days=1))
        else:
            low, high = ATTACHED_DAYS_AGO[status]
            attached, closed = max(ctx.first_attached, today - timedelta(days=_int(rng, low, high))), None
        return status, attached - timedelta(days=_int(rng, 3, 30)), attached, closed

    def make(self, index: int) -> None:
        ctx, w = self.ctx, self.w
        rng = random.Random(f"{ctx.seed}:{index}")
        fid = w.new_id("families")
        status, referred, attached, closed = self._status_and_dates(rng)
        created = _at(referred, rng)
        lead = _pick(rng, ctx.key_workers) if attached else None
        address = _address(rng)
        family = {"id": fid, "reference": family_reference(fid), **address, "status": status.value,
                  "lead_practitioner_id": lead, "attached_on": attached, "closed_on": closed,
                  "closure_reason": rng.choices(list(CLOSURE_WEIGHTS), weights=list(CLOSURE_WEIGHTS.values()))[0].value
                  if closed else None, "reopened_on": None, "created_at_utc": created}
        w.add("families", family)
        people = self._household(rng, fid, created)
        for person in people:
            w.add("people", person)
        if rng.random() < 0.02:
            ctx.people_seen.append((dict(people[0]), address["postcode"]))  # the writer converts rows in place
        team = self._team(rng, family, people) if attached else []
        self._referral(rng, family, people, referred)
        view = SimpleNamespace(created_at_utc=created, attached_on=attached, closed_on=closed, status=status)
        days = _milestones(view, rng, ctx.today)
        self._status_history(rng, family, days)
        if not attached:
            return
        w.add("lead_assignments", {"id": w.new_id("lead_assignments"), "family_id": fid, "user_id": lead,
                                   "assigned_on": attached, "ended_on": None, "assigned_by_id": None,
                                   "created_at_utc": _at(attached, rng)})
        adults = [p for p in people if p["relationship_to_family"] not in ("child", "step_child")]
        children = [p for p in people if p["relationship_to_family"] in ("child", "step_child")] or adults
        words = {"adult": adults[0]["given_name"], "child": children[0]["given_name"]}
        needs = self._needs(rng, family, team, children)
        self._plan_and_assessment(rng, family, days, needs, words)
        self._work(rng, family, team, adults[0], children[0], words)
        self._evidence(rng, family, needs)
        self._consents(rng, family, people)

    def _team(self, rng, family, people) -> list[tuple[int, int | None]]:
        ctx = self.ctx
        picks = []
        schools = {p["school_urn"] for p in people if p["school_urn"]}
        for urn in sorted(schools)[:1]:
            picks.append((AgencyKind.SCHOOL, ctx.school_agency[urn]))
        for kind, chance in TEAM_CHANCES:
            if rng.random() < chance:
                picks.append((kind, _pick(rng, ctx.agencies[kind])))
        teen = any(10 <= _age(p["date_of_birth"], ctx.today) <= 17 for p in people
                   if p["relationship_to_family"] in ("child", "step_child"))
        if teen and rng.random() < 0.15:
            picks.append((AgencyKind.YOUTH_JUSTICE, _pick(rng, ctx.agencies[AgencyKind.YOUTH_JUSTICE])))
        if not picks:
            picks.append((AgencyKind.HEALTH, _pick(rng, ctx.agencies[AgencyKind.HEALTH])))
        last_day = family["closed_on"] or ctx.today
        members = []
        for kind, agency_id in picks:
            workers = ctx.workers.get(agency_id) or [None]
            user = _pick(rng, workers) if rng.random() < 0.75 else None
            joined = min(family["attached_on"] + timedelta(days=_int(rng, 0, 28)), last_day)
            self.w.add("team_members", {
                "id": self.w.new_id("team_members"), "family_id": family["id"], "user_id": user,
                "agency_id": agency_id, "role_description": _pick(rng, TEAM_ROLES[kind]), "joined_on": joined,
                "left_on": family["closed_on"], "created_at_utc": family["created_at_utc"]})
            members.append((agency_id, user))
        return members

    def _status_history(self, rng, family, days) -> None:
        previous = None
        for status in ORDER:
            if status not in days:
                continue
            self.w.add("family_status_changes", {
                "id": self.w.new_id("family_status_changes"), "family_id": family["id"],
                "from_status": previous.value if previous else None, "to_status": status.value,
                "event": (StatusEvent.CLOSED if status == S.CLOSED else StatusEvent.CHANGED).value,
                "changed_on": days[status], "closure_reason": family["closure_reason"] if status == S.CLOSED else None,
                "changed_by_id": family["lead_practitioner_id"], "holding_agency_id": self.ctx.early_help_id,
                "created_at_utc": _at(days[status], rng)})
            previous = status

    def _referral(self, rng, family, people, received) -> None:
        ctx, w = self.ctx, self.w
        rid = w.new_id("referrals")
        referrer_agency = _pick(rng, ctx.referring_agencies)
        triaged = min(add_working_days(received, _int(rng, 1, 6)), ctx.today)
        w.add("referrals", referral_row(
            ctx, rng, rid, status="accepted", referrer=_pick(rng, ctx.workers[referrer_agency]),
            agency_id=referrer_agency, received_on=received, address=family, family_id=family["id"],
            triaged_on=triaged, triaged_by=_pick(rng, ctx.managers)))
        for position, person in enumerate(people):
            w.add("referral_people", referral_person_row(w, rid, position, person, person["id"]))
        add_reasons(ctx, rng, w, rid)

    def _needs(self, rng, family, team, children) -> list[SimpleNamespace]:
        ctx, w = self.ctx, self.w
        attached, end = family["attached_on"], family["closed_on"] or ctx.today
        chosen = rng.sample(ctx.headlines, k=min(len(ctx.headlines), _int(rng, 3, 9)))
        needs = []
        for index, (headline_code, descriptors) in enumerate(chosen):
            descriptor = _pick(rng, descriptors)
            later = index >= 3 and rng.random() < 0.25 and end > attached + timedelta(days=30)
            identified = _between(rng, attached + timedelta(days=30), end) if later else attached
            category = ctx.categories[descriptor.id]
            concerned = [_pick(rng, children)["id"]] if category == DataCategory.EDUCATION else []
            nid = w.new_id("needs")
            w.add("needs", {"id": nid, "family_id": family["id"], "descriptor_id": descriptor.id,
                            "headline_code": headline_code, "identified_on": identified, "at_attachment": not later,
                            "source_agency_id": _pick(rng, team)[0] if team and rng.random() < 0.6 else
                            ctx.early_help_id, "holding_agency_id": ctx.early_help_id, "category": category.value,
                            "recorded_by_id": family["lead_practitioner_id"], "created_at_utc": _at(identified, rng)})
            for person_id in concerned:
                w.add("need_people", {"need_id": nid, "person_id": person_id})
            needs.append(SimpleNamespace(id=nid, descriptor=descriptor, descriptor_id=descriptor.id,
                                         identified_on=identified, category=category, people=concerned))
        return needs

    def _plan_and_assessment(self, rng, family, days, needs, words) -> None:
        ctx, w, fid = self.ctx, self.w, family["id"]
        lead, end, today = family["lead_practitioner_id"], family["closed_on"] or ctx.today, ctx.today
        if S.ASSESSMENT in days:
            completed = days.get(S.PLAN)
            sections = {key: SECTION_TEXT[key].format(**words) for key, _ in ASSESSMENT_SECTIONS}
            if completed is None:
                sections = {k: (v if i < 3 else None) for i, (k, v) in enumerate(sections.items())}
            w.add("assessments", {
                "id": w.new_id("assessments"), "family_id": fid, "holding_agency_id": ctx.early_help_id,
                "category": DataCategory.CASE_NOTE.value, "sections": sections,
                "narrative": f"The family have needs across {len(needs)} areas that feed each other." if completed
                else None, "completed_on": completed, "recorded_by_id": lead, "updated_at_utc": None,
                "created_at_utc": _at(days[S.ASSESSMENT], rng)})
        if S.PLAN not in days:
            return
        plan_day = days[S.PLAN]
        for need in needs:
            owner_kind = OWNER_KIND.get(need.category)
            owner = _pick(rng, ctx.agencies[owner_kind]) if owner_kind else ctx.early_help_id
            due = plan_day + timedelta(days=_pick(rng, [28, 42, 56, 84]))
            if family["closed_on"]:
                goal = GoalStatus.DONE if family["closure_reason"] == ClosureReason.NEEDS_MET.value else \
                    _pick(rng, [GoalStatus.DONE, GoalStatus.DROPPED])
            elif due < today:
                goal = _pick(rng, [GoalStatus.DONE, GoalStatus.DONE, GoalStatus.IN_PROGRESS])
            else:
                goal = _pick(rng, [GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS])
            w.add("plan_goals", {"id": w.new_id("plan_goals"), "family_id": fid, "need_id": need.id,
                                 "action": PLAN_ACTIONS[need.category], "owner_agency_id": owner, "due_on": due,
                                 "status": goal.value, "holding_agency_id": ctx.early_help_id,
                                 "category": DataCategory.CASE_NOTE.value, "recorded_by_id": lead,
                                 "created_at_utc": _at(plan_day, rng)})
        review = plan_day + timedelta(weeks=6)
        while review <= end + timedelta(weeks=6):
            held = review if review <= end and (review < today - timedelta(days=3) or rng.random() < 0.5) else None
            w.add("plan_reviews", {"id": w.new_id("plan_reviews"), "family_id": fid, "due_on": review,
                                   "held_on": held, "recorded_by_id": lead, "created_at_utc": _at(plan_day, rng)})
            if held is None:
                break
            review += timedelta(weeks=6)

    def _work(self, rng, family, team, adult, child, words) -> None:
        """5 to 30 interventions and a few case notes, by the lead and the agencies on the team."""
        ctx, w, fid = self.ctx, self.w, family["id"]
        start, end = family["attached_on"], family["closed_on"] or ctx.today
        workers = [(ctx.early_help_id, family["lead_practitioner_id"]), *team]
        for n in range(_int(rng, 5, 30)):
            agency, user = _pick(rng, workers)
            kind = ctx.agency_kind[agency]
            code, text = _pick(rng, AGENCY_WORK[kind])
            occurred = _between(rng, start, end)
            iid = w.new_id("interventions")
            w.add("interventions", {
                "id": iid, "family_id": fid, "type_id": ctx.intervention_types[code], "agency_id": agency,
                "holding_agency_id": agency, "occurred_on": occurred,
                "duration_minutes": _pick(rng, [20, 30, 45, 60, 60, 90, 120]),
                "summary": text.format(n=n + 1, **words), "category": AGENCY_CATEGORY[kind].value,
                "recorded_by_id": user, "version": 1, "updated_at_utc": None, "deleted_at_utc": None,
                "deleted_by_id": None, "deletion_reason": None, "created_at_utc": _at(occurred, rng)})
            about = adult if "{adult}" in text else child if "{child}" in text else None
            if about:
                w.add("intervention_people", {"intervention_id": iid, "person_id": about["id"]})
        for _ in range(_int(rng, 1, 6)):
            agency, user = _pick(rng, workers)
            text = _pick(rng, NOTES)
            nid = w.new_id("case_notes")
            w.add("case_notes", {"id": nid, "family_id": fid, "holding_agency_id": agency,
                                 "category": AGENCY_CATEGORY[ctx.agency_kind[agency]].value,
                                 "body": text.format(**words), "recorded_by_id": user,
                                 "created_at_utc": _at(_between(rng, start, end), rng)})
            about = adult if "{adult}" in text else child if "{child}" in text else None
            if about:
                w.add("case_note_people", {"case_note_id": nid, "person_id": about["id"]})

    def _evidence(self, rng, family, needs) -> None:
        """Evidence period by period (the demo's scenarios), and each need's judgement computed from it."""
        ctx, w, today = self.ctx, self.w, self.ctx.today
        status = FamilyStatus(family["status"])
        scenario = None
        if status == S.CLOSED:
            scenario = rng.choices(list(CLOSED_SCENARIOS), weights=list(CLOSED_SCENARIOS.values()))[0]
            if scenario == "came_back" and family["closed_on"] + timedelta(days=45) >= today:
                scenario = "sustained"
        elif status in (S.ACTIVE, S.PLAN):
            scenario = "open"
        view = SimpleNamespace(closed_on=family["closed_on"])
        odd_one = rng.randrange(len(needs))
        now = datetime.combine(today, time(2), tzinfo=UTC)
        all_resolved = True
        for index, need in enumerate(needs):
            points = []
            if scenario:
                kind = HOLDER.get(need.category, AgencyKind.EARLY_HELP)
                agency = _pick(rng, ctx.agencies.get(kind) or [ctx.early_help_id])
                recorder = (ctx.workers.get(agency) or [family["lead_practitioner_id"]])[0]
                plan = _plan(need, view, scenario, today, rng, unresolved_need=scenario == "unresolved" and
                             index == odd_one, came_back=scenario == "came_back" and index == odd_one)
                for start, end, passing in plan:
                    if end > today:
                        continue
                    number, yes = _value(need.descriptor, passing, rng)
                    recorded = _at(min(end + timedelta(days=_int(rng, 2, 20)), today), rng)
                    eid = w.new_id("evidence")
                    w.add("evidence", {
                        "id": eid, "family_id": family["id"], "need_id": need.id, "descriptor_id": need.descriptor_id,
                        "holding_agency_id": agency, "category": need.category.value, "value_number": number,
                        "value_yes": yes, "period_start": start, "period_end": end, "source": SOURCES[kind],
                        "note": None, "stored_file_id": None, "recorded_via": "form", "import_batch_id": None,
                        "recorded_by_id": recorder, "recorded_at_utc": recorded, "deleted_at_utc": None,
                        "deleted_by_id": None, "deletion_reason": None, "created_at_utc": recorded})
                    for person_id in need.people:
                        w.add("evidence_people", {"evidence_id": eid, "person_id": person_id})
                    points.append(EvidencePoint(f"evidence:{eid}", start, end, yes if yes is not None else number, eid))
            judgement = judge(need.descriptor.rule, points, today)
            all_resolved = all_resolved and judgement.state == NeedState.RESOLVED
            w.add("need_judgements", {"need_id": need.id, "family_id": family["id"], "state": judgement.state.value,
                                      "resolved_on": judgement.resolved_on, "recurred_on": judgement.recurred_on,
                                      "evidence_count": judgement.evidence_count, "refreshed_at_utc": now})
        if scenario == "sustained" and all_resolved:  # what the rule set would pay for, near enough
            ctx.claimable.append((family["id"], family["closed_on"], family["attached_on"]))

    def _consents(self, rng, family, people) -> None:
        ctx, w = self.ctx, self.w
        state = rng.choices(list(CONSENT_WEIGHTS), weights=list(CONSENT_WEIGHTS.values()))[0]
        if state == "none":
            return
        given = min(family["attached_on"] + timedelta(days=_int(rng, 0, 14)), ctx.today)
        review = add_calendar_months(given, 12)
        withdrawn = None
        if state == "expired":
            if review >= ctx.today:  # too recent to have lapsed: it lapsed early (a six-month review)
                review = max(given, min(add_calendar_months(given, 6), ctx.today - timedelta(days=1)))
            if review >= ctx.today:
                state = "given"
        elif state == "withdrawn":
            withdrawn = _between(rng, given, ctx.today)
        elif review < ctx.today:
            review = add_calendar_months(ctx.today, _int(rng, 1, 11))  # renewed
        who = people[:1] if state == "partial" else people
        kinds = sorted({"early_help", _pick(rng, RECIPIENT_KINDS)})
        categories = ["case_note", *rng.sample(CONSENT_CATEGORIES[1:], k=_int(rng, 1, 2))]
        for person in who:
            child = person["relationship_to_family"] in ("child", "step_child")
            cid = w.new_id("consents")
            w.add("consents", {
                "id": cid, "family_id": family["id"], "person_id": person["id"], "kind": "sharing",
                "given_by": "parent_carer" if child else "person", "given_by_name": people[0]["given_name"] if child
                else None, "child_competent": False, "given_on": given, "method": "verbal",
                "witness_name": "Family support worker", "signed_form_id": None, "review_on": review,
                "recorded_by_id": family["lead_practitioner_id"], "withdrawn_on": withdrawn,
                "withdrawn_by_id": family["lead_practitioner_id"] if withdrawn else None,
                "withdrawn_at_utc": _at(withdrawn, rng) if withdrawn else None, "created_at_utc": _at(given, rng)})
            for category in categories:
                for kind in kinds:
                    w.add("consent_scopes", {"id": w.new_id("consent_scopes"), "consent_id": cid,
                                             "category": category, "recipient_agency_id": None,
                                             "recipient_kind": kind, "purpose": "case_coordination"})
            w.add("consent_scopes", {"id": w.new_id("consent_scopes"), "consent_id": cid, "category": categories[-1],
                                     "recipient_agency_id": None, "recipient_kind": "early_help",
                                     "purpose": "outcome_evidence"})


def referral_row(ctx, rng, rid, *, status, referrer, agency_id, received_on, address, family_id=None,
                 triaged_on=None, triaged_by=None, decline_reason=None, duplicate_of=None) -> dict:
    without = rng.random() < 0.15
    return {
        "id": rid, "reference": f"RF-{rid:06d}", "status": status, "source": "form", "referrer_user_id": referrer,
        "referring_agency_id": agency_id, "received_on": received_on,
        "address_line_1": address["address_line_1"], "address_line_2": address["address_line_2"],
        "town": address["town"], "postcode": address["postcode"], "no_fixed_address": False,
        "summary": _pick(rng, SUMMARIES), "consent_position": "without_agreement" if without else "agreed",
        "without_agreement_basis": "safeguarding" if without else None,
        "without_agreement_reason": "Telling the family now could put the children at greater risk." if without
        else None, "framework_version_id": ctx.version_id, "submission_token": None, "import_batch_id": None,
        "triaged_by_user_id": triaged_by, "triaged_at_utc": _at(triaged_on, rng) if triaged_on else None,
        "triaged_on": triaged_on, "decline_reason": decline_reason, "triage_note": None, "family_id": family_id,
        "duplicate_of_id": duplicate_of, "created_at_utc": _at(received_on, rng),
    }


def referral_person_row(w, rid, position, person, person_id) -> dict:
    return {"id": w.new_id("referral_people"), "referral_id": rid, "position": position,
            **{k: person[k] for k in ("given_name", "family_name", "other_names", "date_of_birth", "gender",
                                      "relationship_to_family", "nhs_number", "upn", "ni_number", "pnc_number")},
            "person_id": person_id}


def add_reasons(ctx, rng, w, rid) -> None:
    for headline_code, descriptors in rng.sample(ctx.headlines, k=_int(rng, 2, 4)):
        w.add("referral_reasons", {"id": w.new_id("referral_reasons"), "referral_id": rid,
                                   "headline_code": headline_code, "descriptor_code": _pick(rng, descriptors).code})

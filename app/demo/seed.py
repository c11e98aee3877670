"""A lived-in demo council: agencies, one account per role, and about 200 families.

The seed is a list of steps (`SEED_STEPS`), each a function of a `SeedContext`; later work adds its
own step (needs, plans, claims...) to the end of the list. Every step draws from its own random
generator seeded from a fixed number and the step's name, so the demo is the same every time and a new
step does not shift what the earlier ones make. Dates are counted back from `today` (default: today
in London) so the demo always looks current.

Rows are built as plain objects and flushed in batches, and the password is hashed once for every
demo account (Argon2 is slow on purpose): seeding takes seconds. Nothing here runs in production.
"""
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app import audit
from app.auth.models import Agency, AgencyKind, Role, User
from app.auth.passwords import hash_password
from app.cases import identifiers
from app.cases.models import ClosureReason, Family, FamilyStatus, Gender, Person, Relationship, TeamMember
from app.cases.services import assign_reference
from app.common.time import today_london
from app.demo import names
from app.demo.casework import seed_casework
from app.demo.claims import seed_claim_rounds
from app.demo.outcomes import seed_outcome_evidence
from app.demo.referrals import seed_referrals
from app.demo.reporting import seed_reporting
from app.demo.rights import seed_rights
from app.demo.safe_address import seed_safe_address
from app.demo.sharing import seed_sharing
from app.demo.teamwork import seed_teamwork
from app.extensions import db

DEMO_SEED = 20_260_401
FAMILY_COUNT = 200
BATCH_SIZE = 50
DEMO_LA_NUMBER = "999"  # not a real local authority, so no demo UPN is a real pupil's
NORTHFIELD_URN = "199001"
OTHER_SCHOOL_URNS = ["199002", "199003", "199004"]
SCHOOL_ESTABLISHMENT = {NORTHFIELD_URN: "4001", "199002": "2002", "199003": "2003", "199004": "4004"}


class DemoSeedRefused(RuntimeError):
    """The demo must not be loaded here (production, or no demo password)."""


@dataclass(frozen=True)
class DemoAgency:
    name: str
    kind: AgencyKind


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role
    agency: AgencyKind  # the kind of the demo agency they work for
    designated_lead: bool = False

    @property
    def agency_name(self) -> str:
        return next(spec.name for spec in DEMO_AGENCIES if spec.kind == self.agency)


DEMO_AGENCIES = [
    DemoAgency("Demo County Council Early Help", AgencyKind.EARLY_HELP),
    DemoAgency("Northfield Academy", AgencyKind.SCHOOL),
    DemoAgency("Demo Constabulary", AgencyKind.POLICE),
    DemoAgency("Demo NHS Foundation Trust", AgencyKind.HEALTH),
    DemoAgency("Demo Homes", AgencyKind.HOUSING),
    DemoAgency("Jobcentre Plus Demo", AgencyKind.EMPLOYMENT),
    DemoAgency("Demo Youth Justice Service", AgencyKind.YOUTH_JUSTICE),
    DemoAgency("Demo Women's Aid", AgencyKind.DOMESTIC_ABUSE),
    DemoAgency("Demo Children's Social Care", AgencyKind.SOCIAL_CARE),
    DemoAgency("Demo Community Trust", AgencyKind.VOLUNTARY),
]

_EH, _SCHOOL, _POLICE = AgencyKind.EARLY_HELP, AgencyKind.SCHOOL, AgencyKind.POLICE
DEMO_USERS = [
    DemoUser("keyworker@demo.test", "Kerry Walsh", Role.KEY_WORKER, _EH),
    DemoUser("keyworker2@demo.test", "Tom Ashworth", Role.KEY_WORKER, _EH),
    DemoUser("keyworker3@demo.test", "Priya Sharma", Role.KEY_WORKER, _EH),
    DemoUser("keyworker4@demo.test", "Dave Pearson", Role.KEY_WORKER, _EH),
    DemoUser("keyworker5@demo.test", "Lucy Hargreaves", Role.KEY_WORKER, _EH),
    DemoUser("manager@demo.test", "Helen Brooks", Role.PROGRAMME_MANAGER, _EH),
    DemoUser("finance@demo.test", "Raj Mistry", Role.FINANCE_OFFICER, _EH),
    DemoUser("finance2@demo.test", "Alison Fry", Role.FINANCE_OFFICER, _EH),
    DemoUser("auditor@demo.test", "Graham Holt", Role.INTERNAL_AUDITOR, _EH),
    DemoUser("ig@demo.test", "Sunita Rao", Role.IG_OFFICER, _EH),
    DemoUser("admin@demo.test", "Chris Naylor", Role.ADMIN, _EH),
    DemoUser("police@demo.test", "Sam Okafor", Role.PRACTITIONER, _POLICE, designated_lead=True),
    DemoUser("school@demo.test", "Janet Doyle", Role.PRACTITIONER, _SCHOOL, designated_lead=True),
    DemoUser("health@demo.test", "Fiona McLeod", Role.PRACTITIONER, AgencyKind.HEALTH, designated_lead=True),
    DemoUser("housing@demo.test", "Marcus Reid", Role.PRACTITIONER, AgencyKind.HOUSING, designated_lead=True),
    DemoUser("teacher@demo.test", "Ben Whitaker", Role.PRACTITIONER, _SCHOOL),
    DemoUser("agencyadmin@demo.test", "Paula Stone", Role.AGENCY_ADMIN, _POLICE),
]
# Share of the cases each key worker leads: the first demo key worker carries the biggest caseload.
KEY_WORKER_WEIGHTS = {"keyworker@demo.test": 30, "keyworker2@demo.test": 20, "keyworker3@demo.test": 20,
                      "keyworker4@demo.test": 15, "keyworker5@demo.test": 15}
# Named workers who join teams around families (others join as their agency only).
TEAM_WORKERS = {
    AgencyKind.SCHOOL: ["teacher@demo.test", "teacher@demo.test", "school@demo.test"],
    AgencyKind.POLICE: ["police@demo.test"],
    AgencyKind.HEALTH: ["health@demo.test"],
    AgencyKind.HOUSING: ["housing@demo.test"],
}
TEAM_ROLES = {
    AgencyKind.SCHOOL: ["Attendance officer", "Designated safeguarding lead", "Pastoral lead", "SENCo"],
    AgencyKind.POLICE: ["Neighbourhood police officer", "Early intervention officer"],
    AgencyKind.HEALTH: ["Health visitor", "School nurse", "Mental health practitioner", "GP practice lead"],
    AgencyKind.HOUSING: ["Housing officer", "Tenancy sustainment officer"],
    AgencyKind.EMPLOYMENT: ["Work coach"],
    AgencyKind.DOMESTIC_ABUSE: ["Independent domestic violence adviser", "Outreach worker"],
    AgencyKind.YOUTH_JUSTICE: ["Youth justice worker"],
    AgencyKind.SOCIAL_CARE: ["Social worker"],
    AgencyKind.VOLUNTARY: ["Family support volunteer", "Debt adviser", "Parenting group lead"],
}
# (kind, chance a family attached to the programme has them on its team). Schools join when a child
# goes to Northfield Academy; youth justice only when there is a teenager.
TEAM_CHANCES = [
    (AgencyKind.HEALTH, 0.45), (AgencyKind.POLICE, 0.3), (AgencyKind.HOUSING, 0.3),
    (AgencyKind.EMPLOYMENT, 0.2), (AgencyKind.DOMESTIC_ABUSE, 0.15), (AgencyKind.SOCIAL_CARE, 0.07),
    (AgencyKind.VOLUNTARY, 0.2),
]
STATUS_WEIGHTS = {
    FamilyStatus.REFERRED: 12, FamilyStatus.ATTACHED: 10, FamilyStatus.ASSESSMENT: 13,
    FamilyStatus.PLAN: 15, FamilyStatus.ACTIVE: 25, FamilyStatus.CLOSED: 25,
}
# Days between attachment and today, by status.
ATTACHED_DAYS_AGO = {
    FamilyStatus.ATTACHED: (0, 30), FamilyStatus.ASSESSMENT: (15, 60), FamilyStatus.PLAN: (40, 120),
    FamilyStatus.ACTIVE: (60, 400), FamilyStatus.CLOSED: (200, 900),
}
CLOSURE_WEIGHTS = {
    ClosureReason.NEEDS_MET: 55, ClosureReason.STEPPED_DOWN: 20, ClosureReason.STEPPED_UP: 8,
    ClosureReason.DISENGAGED: 10, ClosureReason.MOVED_AWAY: 7,
}


@dataclass
class SeedContext:
    today: date
    password_hash: str
    agencies: dict[AgencyKind, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)  # by email
    counts: dict[str, int] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def rng(self, step_name: str) -> random.Random:
        return random.Random(f"{DEMO_SEED}:{step_name}")


SeedStep = Callable[[SeedContext], None]


@dataclass
class SeedResult:
    already_seeded: bool
    counts: dict[str, int]
    messages: list[str]
    accounts: list[DemoUser]


# --- steps -------------------------------------------------------------------------------------------

def seed_outcome_framework(ctx: SeedContext) -> None:
    """The outcome framework's default reference data, when that package provides a seed."""
    try:
        from app.framework.services import seed_default_framework
    except ImportError:
        ctx.messages.append("Outcome framework not seeded: app.framework.services.seed_default_framework "
                            "is not available")
        return
    added = seed_default_framework()
    summary = ", ".join(f"{count} {what}" for what, count in (added or {}).items()) or "nothing new"
    ctx.messages.append(f"Outcome framework: {summary} added")


def seed_agencies(ctx: SeedContext) -> None:
    agencies = [Agency(name=spec.name, kind=spec.kind) for spec in DEMO_AGENCIES]
    db.session.add_all(agencies)
    db.session.flush()
    ctx.agencies = {agency.kind: agency for agency in agencies}
    ctx.counts["agencies"] = len(agencies)


def seed_users(ctx: SeedContext) -> None:
    users = [
        User(email=spec.email, name=spec.name, role=spec.role, agency=ctx.agencies[spec.agency],
             is_designated_lead=spec.designated_lead, password_hash=ctx.password_hash)
        for spec in DEMO_USERS
    ]
    db.session.add_all(users)
    db.session.flush()
    ctx.users = {user.email: user for user in users}
    ctx.counts["users"] = len(users)


def seed_families(ctx: SeedContext) -> None:
    families = build_families(ctx.rng("families"), ctx.today, ctx.agencies, ctx.users)
    for start in range(0, len(families), BATCH_SIZE):
        batch = families[start:start + BATCH_SIZE]
        db.session.add_all(batch)
        db.session.flush()
        for family in batch:
            assign_reference(family)
    db.session.flush()
    ctx.counts["families"] = len(families)
    ctx.counts["people"] = sum(len(f.members) for f in families)
    ctx.counts["team_members"] = sum(len(f.team) for f in families)


def record_seeded(ctx: SeedContext) -> None:
    # One event for the whole demo: it says what was loaded without an event per demo row.
    audit.record("DemoDataSeeded", object_type="demo", **ctx.counts)


SEED_STEPS: list[SeedStep] = [
    seed_outcome_framework, seed_agencies, seed_users, seed_families, seed_casework, seed_referrals,
    seed_outcome_evidence, seed_teamwork, seed_reporting, seed_sharing, seed_claim_rounds, seed_rights,
    seed_safe_address, record_seeded,
]


# --- running -----------------------------------------------------------------------------------------

def demo_already_seeded() -> bool:
    names_ = [spec.name for spec in DEMO_AGENCIES]
    emails = [spec.email for spec in DEMO_USERS]
    agency = db.session.scalar(select(Agency.id).where(Agency.name.in_(names_)).limit(1))
    return agency is not None or db.session.scalar(select(User.id).where(User.email.in_(emails)).limit(1)) is not None


def run_seed(config, *, today: date | None = None, steps: list[SeedStep] | None = None) -> SeedResult:
    """Load the demo unless it is already there. Flushes; the caller commits."""
    if config["HEARTH_ENV"] == "production":
        raise DemoSeedRefused("Demo data is never loaded in production (HEARTH_ENV is production)")
    password = config["DEMO_PASSWORD"]
    if not password:
        raise DemoSeedRefused("Set DEMO_PASSWORD to the password the demo accounts should have")
    if demo_already_seeded():
        return SeedResult(already_seeded=True, counts={}, messages=[], accounts=DEMO_USERS)
    ctx = SeedContext(today=today or today_london(), password_hash=hash_password(password))
    for step in steps if steps is not None else SEED_STEPS:
        step(ctx)
    return SeedResult(already_seeded=False, counts=ctx.counts, messages=ctx.messages, accounts=DEMO_USERS)


# --- households --------------------------------------------------------------------------------------

def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _date_of_birth(rng, today, min_age, max_age) -> date:
    """A date of birth for someone aged between min_age and max_age (inclusive) today."""
    earliest = _years_before(today, max_age + 1) + timedelta(days=1)
    latest = _years_before(today, min_age)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class _Identifiers:
    """Makes valid, unique identifiers for demo people (check digits computed, never real ones)."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def _unique(self, make):
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    def nhs_number(self):
        # 999 000 0000 to 999 999 9999 is the range set aside for testing: never a patient's number.
        def make():
            while True:
                body = f"999{self.rng.randint(0, 999_999):06d}"
                check = identifiers.nhs_check_digit(body)
                if check is not None:
                    return identifiers.validate_nhs_number(f"{body}{check}")
        return self._unique(make)

    def upn(self, urn, year_started):
        def make():
            body = f"{DEMO_LA_NUMBER}{SCHOOL_ESTABLISHMENT[urn]}{year_started % 100:02d}{self.rng.randint(0, 999):03d}"
            return identifiers.validate_upn(identifiers.upn_check_letter(body) + body)
        return self._unique(make)

    def ni_number(self):
        firsts = [c for c in "ABCEGHJKLMNPRSTWXYZ" if c not in identifiers.NI_NOT_FIRST]
        seconds = [c for c in "ABCEGHJKLMNPRSTWXYZ" if c not in identifiers.NI_NOT_SECOND]

        def make():
            while True:
                prefix = self.rng.choice(firsts) + self.rng.choice(seconds)
                if prefix not in identifiers.NI_NOT_ALLOCATED:
                    break
            digits = f"{self.rng.randint(0, 999_999):06d}"
            return identifiers.validate_ni_number(f"{prefix}{digits}{self.rng.choice('ABCD')}")
        return self._unique(make)

    def pnc_number(self, year):
        def make():
            serial = f"{self.rng.randint(1, 999_999):07d}"
            yy = f"{year % 100:02d}"
            return identifiers.validate_pnc_number(f"{yy}/{serial}{identifiers.pnc_check_letter(yy, serial)}")
        return self._unique(make)


def _address(rng):
    town, districts = rng.choice(names.TOWNS)
    postcode = (f"DM{rng.choice(districts)} {rng.randint(1, 9)}"
                f"{rng.choice(names.POSTCODE_UNIT_LETTERS)}{rng.choice(names.POSTCODE_UNIT_LETTERS)}")
    street = f"{rng.randint(1, 180)} {rng.choice(names.STREETS)}"
    if rng.random() < 0.2:
        line_1, line_2 = rng.choice(names.FLAT_PREFIXES), street
    else:
        line_1, line_2 = street, None
    return {"address_line_1": line_1, "address_line_2": line_2, "town": town,
            "postcode": identifiers.validate_postcode(postcode)}


def _given_name(rng, pool, taken):
    # No two people in one household share a first name.
    name = rng.choice([n for n in pool if n not in taken])
    taken.add(name)
    return name


def _adult(rng, today, ids, taken, *, gender, family_name, relationship, min_age, max_age):
    given = _given_name(rng, names.FEMALE_ADULT_NAMES if gender == Gender.FEMALE else names.MALE_ADULT_NAMES, taken)
    dob = _date_of_birth(rng, today, min_age, max_age)
    person = Person(given_name=given, family_name=family_name, gender=gender, relationship_to_family=relationship,
                    date_of_birth=dob)
    if rng.random() < 0.1:
        person.other_names = rng.choice(names.MIDDLE_NAMES)
    if rng.random() < 0.85:
        person.nhs_number = ids.nhs_number()
    if rng.random() < 0.45:
        person.ni_number = ids.ni_number()
    if rng.random() < 0.1:
        person.pnc_number = ids.pnc_number(rng.randint(dob.year + 14, today.year))
    return person


def _child(rng, today, ids, taken, *, family_name, max_age, relationship=Relationship.CHILD):
    dob = _date_of_birth(rng, today, 0, max(0, max_age))
    roll = rng.random()
    gender = Gender.FEMALE if roll < 0.49 else Gender.MALE if roll < 0.98 else Gender.NOT_STATED
    pool = names.GIRL_NAMES if gender == Gender.FEMALE else names.BOY_NAMES
    person = Person(given_name=_given_name(rng, pool, taken), family_name=family_name, gender=gender,
                    relationship_to_family=relationship, date_of_birth=dob)
    if rng.random() < 0.9:
        person.nhs_number = ids.nhs_number()
    age = _age(dob, today)
    if 4 <= age <= 16 and rng.random() < 0.85:
        person.school_urn = NORTHFIELD_URN if rng.random() < 0.6 else rng.choice(OTHER_SCHOOL_URNS)
        person.upn = ids.upn(person.school_urn, min(dob.year + 5, today.year))
    if 14 <= age <= 17 and rng.random() < 0.05:
        person.pnc_number = ids.pnc_number(rng.randint(dob.year + 14, today.year))
    return person


def _household(rng, today, ids) -> list[Person]:
    """One household of 2 to 6 people: a lone parent, a couple, a step-family or kinship carers."""
    shape = rng.choices(["lone_mother", "lone_father", "couple", "step_family", "kinship"],
                        weights=[40, 8, 25, 17, 10])[0]
    surname = rng.choice(names.FAMILY_NAMES)
    taken = set()
    adults = []
    if shape == "kinship":
        adults.append(_adult(rng, today, ids, taken, gender=Gender.FEMALE, family_name=surname,
                             relationship=Relationship.GRANDPARENT, min_age=50, max_age=72))
        if rng.random() < 0.5:
            adults.append(_adult(rng, today, ids, taken, gender=Gender.MALE, family_name=surname,
                                 relationship=Relationship.GRANDPARENT, min_age=52, max_age=75))
    else:
        lead_gender = Gender.MALE if shape == "lone_father" else Gender.FEMALE
        adults.append(_adult(rng, today, ids, taken, gender=lead_gender, family_name=surname,
                             relationship=Relationship.PARENT, min_age=19, max_age=50))
        if shape in ("couple", "step_family"):
            step = shape == "step_family"
            adults.append(_adult(rng, today, ids, taken, gender=Gender.MALE,
                                 family_name=rng.choice(names.FAMILY_NAMES) if step else surname,
                                 relationship=Relationship.STEP_PARENT if step else Relationship.PARENT,
                                 min_age=20, max_age=55))
    eldest_parent_age = max(_age(a.date_of_birth, today) for a in adults)
    # Children are at least 17 years younger than the parent they live with (the grandparents in kinship care).
    max_child_age = 17 if shape == "kinship" else min(17, _age(adults[0].date_of_birth, today) - 17)
    room = 6 - len(adults)
    n_children = min(room, rng.choices([1, 2, 3, 4], weights=[30, 35, 22, 13])[0])
    children = [_child(rng, today, ids, taken, family_name=surname, max_age=max_child_age) for _ in range(n_children)]
    if shape == "step_family" and len(children) > 1 and rng.random() < 0.4:
        children[-1].relationship_to_family = Relationship.STEP_CHILD
        children[-1].family_name = adults[1].family_name
    people = adults + children
    if len(people) < 6 and shape != "kinship" and rng.random() < 0.1:
        gender = rng.choice([Gender.FEMALE, Gender.MALE])
        people.append(_adult(rng, today, ids, taken, gender=gender, family_name=surname,
                             relationship=Relationship.GRANDPARENT, min_age=eldest_parent_age + 18,
                             max_age=eldest_parent_age + 30))
    mother = adults[0]
    if mother.gender == Gender.FEMALE and _age(mother.date_of_birth, today) < 44 and rng.random() < 0.08:
        mother.expectant = True
    if shape == "couple" and rng.random() < 0.12:
        father = adults[1]
        father.lives_apart = True
        apart = _address(rng)
        father.address_line_1, father.address_line_2 = apart["address_line_1"], apart["address_line_2"]
        father.town, father.postcode = apart["town"], apart["postcode"]
    elif shape == "step_family" and rng.random() < 0.08:
        adults[1].left_household_on = today - timedelta(days=rng.randint(10, 300))
    return people


def _status_dates(rng, today, status):
    """(referred_on, attached_on, closed_on) for a family at this point of its lifecycle."""
    if status == FamilyStatus.REFERRED:
        return today - timedelta(days=rng.randint(0, 20)), None, None
    low, high = ATTACHED_DAYS_AGO[status]
    attached = today - timedelta(days=rng.randint(low, high))
    referred = attached - timedelta(days=rng.randint(3, 30))
    closed = None
    if status == FamilyStatus.CLOSED:
        closed = min(attached + timedelta(days=rng.randint(120, 420)), today - timedelta(days=1))
    return referred, attached, closed


def _team(rng, family, people, users, agencies, today):
    kinds = []
    if any(p.school_urn == NORTHFIELD_URN for p in people):
        kinds.append(AgencyKind.SCHOOL)
    kinds += [kind for kind, chance in TEAM_CHANCES if rng.random() < chance]
    has_teenager = any(p.date_of_birth and 10 <= _age(p.date_of_birth, today) <= 17 for p in people)
    if has_teenager and rng.random() < 0.15:
        kinds.append(AgencyKind.YOUTH_JUSTICE)
    if not kinds:
        kinds.append(AgencyKind.HEALTH)
    last_day = family.closed_on or today
    members = []
    for kind in kinds:
        user = None
        if kind in TEAM_WORKERS and rng.random() < 0.75:
            user = users[rng.choice(TEAM_WORKERS[kind])]
        joined = min(family.attached_on + timedelta(days=rng.randint(0, 28)), last_day)
        members.append(TeamMember(agency=agencies[kind], user=user, role_description=rng.choice(TEAM_ROLES[kind]),
                                  joined_on=joined, left_on=family.closed_on, created_at_utc=family.created_at_utc))
    return members


def build_families(rng, today, agencies, users, count=FAMILY_COUNT) -> list[Family]:
    """The demo families as new, unsaved objects (people and team attached). Pure: same rng, same families."""
    ids = _Identifiers(rng)
    key_workers = [users[email] for email in KEY_WORKER_WEIGHTS]
    weights = list(KEY_WORKER_WEIGHTS.values())
    families = []
    for _ in range(count):
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        referred, attached, closed = _status_dates(rng, today, status)
        created = datetime.combine(referred, time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=UTC)
        family = Family(**_address(rng), status=status, attached_on=attached, closed_on=closed,
                        created_at_utc=created)
        if closed:
            family.closure_reason = rng.choices(list(CLOSURE_WEIGHTS), weights=list(CLOSURE_WEIGHTS.values()))[0].value
        if attached:
            family.lead_practitioner = rng.choices(key_workers, weights=weights)[0]
        people = _household(rng, today, ids)
        for person in people:
            person.created_at_utc = created
        family.members = people
        if attached:
            family.team = _team(rng, family, people, users, agencies, today)
        families.append(family)
    return families

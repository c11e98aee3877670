"""Finding the people and families Hearth already knows, so nobody is created twice.

Partner data lacks shared references, so matching works as record linkage does: **blocking** finds a
small set of candidates in SQL through indexed keys (NHS number and other identifiers, date of birth
with day and month swapped, the family's postcode, and the sound-alike keys `app.cases.names` keeps on
every person, widened with nicknames), the same on SQLite and PostgreSQL; then **ranking** scores each
candidate in Python (rapidfuzz for string similarity) on name, date of birth, postcode and
identifiers, and says what matched and what differed, so a manager can judge.

Ranking is pure (`score_pair`, `rank`) and unit-tested without a database; `find_people` and
`find_families` add the SQL. Referral triage and the outcome evidence import both use them.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from rapidfuzz.distance import JaroWinkler, Levenshtein
from sqlalchemy import select

from app.cases import nicknames
from app.cases.models import Family, Person
from app.cases.names import normalise_name, sound_alike_key
from app.cases.safe_addresses import AddressShield, family_postcode_visible, person_postcode_visible
from app.extensions import db
from app.sharing.safe_address import WITHHELD

# How much each part counts towards the score when both sides have it. Date of birth is the most
# telling; the family name least, because people change it (marriage, a new partner, a child renamed).
WEIGHTS = {"given_name": 0.30, "family_name": 0.20, "date_of_birth": 0.35, "postcode": 0.15}
MAX_CANDIDATES = 1000  # blocking keys are selective; this only bounds a pathological case
SHOW_FROM = 0.5  # a candidate below this is not worth a manager's time
STRONG_IDENTIFIERS = (("nhs_number", "NHS number"),)
OTHER_IDENTIFIERS = (("upn", "UPN"), ("ni_number", "National Insurance number"), ("pnc_number", "PNC number"))

SAME, SIMILAR, DIFFERENT = "same", "similar", "different"


@dataclass(frozen=True)
class PersonProbe:
    """Who we are looking for: what a referral, an import row or a form says about one person."""

    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None
    nhs_number: str | None = None
    upn: str | None = None
    ni_number: str | None = None
    pnc_number: str | None = None
    gender: str | None = None
    other_names: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A stored person as plain data (their own postcode if they live apart, else the family's)."""

    person_id: int
    family_id: int
    family_reference: str | None
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    postcode: str | None = None
    nhs_number: str | None = None
    upn: str | None = None
    ni_number: str | None = None
    pnc_number: str | None = None
    gender: str | None = None
    other_names: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class Comparison:
    part: str  # "nhs_number", "given_name", ...
    label: str
    outcome: str  # same, similar or different
    note: str = ""


@dataclass(frozen=True)
class PersonMatch:
    candidate: Candidate
    score: float  # 0 to 1
    comparisons: tuple[Comparison, ...] = ()

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def matched(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.outcome in (SAME, SIMILAR)]

    @property
    def differed(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.outcome == DIFFERENT]


@dataclass(frozen=True)
class FamilyMatch:
    family_id: int
    family_reference: str | None
    score: float
    people: tuple[tuple[int, PersonMatch], ...] = field(default=())  # (index of the probe, its best match here)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


# --- Comparing parts (pure) --------------------------------------------------------------------------

def _steep(similarity: float, floor: float = 0.6) -> float:
    """Spread string similarity so that "quite like" counts for little: below `floor` is no match."""
    return max(0.0, (similarity - floor) / (1 - floor))


def _name_tokens(*values) -> set[str]:
    return {normalise_name(token) for value in values if value for token in str(value).replace("-", " ").split()
            if normalise_name(token)}


def compare_given(probe: PersonProbe, cand: Candidate) -> tuple[float, Comparison]:
    a, b = normalise_name(probe.given_name), normalise_name(cand.given_name)
    label = "First name"
    if a == b:
        return 1.0, Comparison("given_name", label, SAME, cand.given_name)
    if nicknames.same_name(a, b):
        note = f"{probe.given_name} and {cand.given_name} can be the same name"
        return 0.95, Comparison("given_name", label, SIMILAR, note)
    # A person known by a middle name ("Jane Louise" who goes by Louise).
    if a in _name_tokens(cand.other_names) or b in _name_tokens(probe.other_names):
        return 0.85, Comparison("given_name", label, SIMILAR, "Matches a middle name")
    similarity = JaroWinkler.normalized_similarity(a, b)
    if sound_alike_key(a) == sound_alike_key(b):
        similarity = max(similarity, 0.9)
    # One typing slip in a short name barely moves Jaro-Winkler; an edit distance of 1 is telling.
    if Levenshtein.distance(a, b) == 1 and min(len(a), len(b)) >= 3:
        similarity = max(similarity, 0.9)
    score = _steep(similarity)
    outcome = SIMILAR if score >= 0.5 else DIFFERENT
    return score, Comparison("given_name", label, outcome, f"{probe.given_name} / {cand.given_name}")


def compare_family(probe: PersonProbe, cand: Candidate) -> tuple[float, Comparison]:
    a, b = normalise_name(probe.family_name), normalise_name(cand.family_name)
    label = "Last name"
    if a == b:
        return 1.0, Comparison("family_name", label, SAME, cand.family_name)
    # Double-barrelled names: "Smith-Jones" and "Jones" share a part.
    if _name_tokens(probe.family_name) & _name_tokens(cand.family_name):
        return 0.85, Comparison("family_name", label, SIMILAR, f"{probe.family_name} / {cand.family_name}")
    similarity = JaroWinkler.normalized_similarity(a, b)
    if sound_alike_key(a) == sound_alike_key(b):
        similarity = max(similarity, 0.9)
    if Levenshtein.distance(a, b) == 1 and min(len(a), len(b)) >= 3:
        similarity = max(similarity, 0.9)
    score = _steep(similarity)
    outcome = SIMILAR if score >= 0.5 else DIFFERENT
    return score, Comparison("family_name", label, outcome, f"{probe.family_name} / {cand.family_name}")


def _swapped(day: date) -> date | None:
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def compare_dob(a: date, b: date) -> tuple[float, Comparison]:
    label = "Date of birth"
    shown = f"{b.day} {b:%B %Y}"
    if a == b:
        return 1.0, Comparison("date_of_birth", label, SAME, shown)
    if _swapped(a) == b:
        return 0.9, Comparison("date_of_birth", label, SIMILAR, f"{shown}: day and month swapped")
    digits_a, digits_b = a.strftime("%d%m%Y"), b.strftime("%d%m%Y")
    if Levenshtein.distance(digits_a, digits_b) == 1 or _adjacent_transposition(digits_a, digits_b):
        return 0.7, Comparison("date_of_birth", label, SIMILAR, f"{shown}: one digit different")
    if (a.year, a.month) == (b.year, b.month):
        return 0.3, Comparison("date_of_birth", label, DIFFERENT, shown)
    return 0.0, Comparison("date_of_birth", label, DIFFERENT, shown)


def _adjacent_transposition(a: str, b: str) -> bool:
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]


def _postcode_parts(postcode: str) -> tuple[str, str]:
    outward, _, inward = postcode.strip().upper().partition(" ")
    return outward, inward


def compare_postcode(a: str, b: str) -> tuple[float, Comparison]:
    label = "Postcode"
    if a.replace(" ", "").upper() == b.replace(" ", "").upper():
        return 1.0, Comparison("postcode", label, SAME, b)
    (out_a, in_a), (out_b, in_b) = _postcode_parts(a), _postcode_parts(b)
    if out_a == out_b and in_a[:1] == in_b[:1]:
        return 0.6, Comparison("postcode", label, SIMILAR, f"{b}: same neighbourhood")
    if out_a == out_b:
        return 0.3, Comparison("postcode", label, DIFFERENT, f"{b}: same area")
    return 0.0, Comparison("postcode", label, DIFFERENT, b)


def score_pair(probe: PersonProbe, cand: Candidate) -> PersonMatch:
    """How likely the probe and the candidate are the same person, with the reasons."""
    comparisons: list[Comparison] = []
    total = weight = 0.0

    def add(part, result):
        nonlocal total, weight
        score, comparison = result
        total += WEIGHTS[part] * score
        weight += WEIGHTS[part]
        comparisons.append(comparison)

    if probe.given_name and cand.given_name:
        add("given_name", compare_given(probe, cand))
    if probe.family_name and cand.family_name:
        add("family_name", compare_family(probe, cand))
    if probe.date_of_birth and cand.date_of_birth:
        add("date_of_birth", compare_dob(probe.date_of_birth, cand.date_of_birth))
    if probe.postcode and cand.postcode:
        add("postcode", compare_postcode(probe.postcode, cand.postcode))
    base = total / weight if weight else 0.0

    # First and last names written the wrong way round: score the names as if swapped.
    names = (probe.given_name, probe.family_name, cand.given_name, cand.family_name)
    if all(names) and (normalise_name(names[0]), normalise_name(names[1])) == (
            normalise_name(names[3]), normalise_name(names[2])):
        comparisons = [c for c in comparisons if c.part not in ("given_name", "family_name")]
        comparisons.insert(0, Comparison("given_name", "Name", SIMILAR, "First and last names swapped"))
        base = min(1.0, base + (WEIGHTS["given_name"] + WEIGHTS["family_name"]) * 0.9 / max(weight, 1e-9))

    if probe.gender and cand.gender and {probe.gender, cand.gender} == {"male", "female"}:
        base *= 0.85
        comparisons.append(Comparison("gender", "Gender", DIFFERENT, cand.gender))

    score = base
    for part, label in STRONG_IDENTIFIERS + OTHER_IDENTIFIERS:
        mine, theirs = getattr(probe, part), getattr(cand, part)
        if not mine or not theirs:
            continue
        strong = (part, label) in STRONG_IDENTIFIERS
        if mine == theirs:
            # The same checked identifier is near-proof; names can still be misspelt.
            score = max(score, (0.6 if strong else 0.5) + (0.4 if strong else 0.5) * base)
            comparisons.insert(0, Comparison(part, label, SAME, theirs))
        else:
            score *= 0.5 if strong else 0.7
            comparisons.insert(0, Comparison(part, label, DIFFERENT, theirs))
    return PersonMatch(cand, round(min(score, 1.0), 4), tuple(comparisons))


def rank(probe: PersonProbe, candidates: Iterable[Candidate], *, min_score: float = 0.0,
         limit: int | None = None) -> list[PersonMatch]:
    """Candidates scored and ordered best first (ties by person id, so the order is stable)."""
    scored = [score_pair(probe, cand) for cand in candidates]
    scored = sorted((m for m in scored if m.score >= min_score), key=lambda m: (-m.score, m.candidate.person_id))
    return scored[:limit] if limit else scored


# --- Blocking in SQL -----------------------------------------------------------------------------------

def _given_keys(given_name: str | None) -> set[str]:
    keys = {sound_alike_key(name) for name in nicknames.variants(given_name or "")}
    return {key for key in keys if key}


def blocking_clause(probe: PersonProbe, viewer=None) -> sa.ColumnElement:
    """Candidates share at least one indexed key with the probe. A safe address the viewer may not see
    (app.cases.safe_addresses) is never a key: `viewer` None is nobody, so it never is."""
    clauses = []
    for part, _ in STRONG_IDENTIFIERS + OTHER_IDENTIFIERS:
        value = getattr(probe, part)
        if value:
            clauses.append(getattr(Person, part) == value)
    if probe.date_of_birth:
        dates = {probe.date_of_birth}
        if swapped := _swapped(probe.date_of_birth):
            dates.add(swapped)
        clauses.append(Person.date_of_birth.in_(sorted(dates)))
    if probe.postcode:
        clauses.append(sa.and_(Family.postcode == probe.postcode, family_postcode_visible(viewer)))
        clauses.append(sa.and_(Person.postcode == probe.postcode, person_postcode_visible(viewer)))
    family_key = sound_alike_key(probe.family_name)
    given_keys = _given_keys(probe.given_name)
    if family_key and given_keys:
        clauses.append(sa.and_(Person.family_name_sound == family_key, Person.given_name_sound.in_(sorted(given_keys))))
    given = normalise_name(probe.given_name)
    if given and family_key:
        # A given name mistyped past its first letter keeps its initial (Soundex keeps the first letter).
        clauses.append(sa.and_(Person.family_name_sound == family_key,
                               Person.given_name_normal.startswith(given[:1], autoescape=True)))
    if probe.given_name and probe.family_name:
        # Names written the wrong way round.
        clauses.append(sa.and_(Person.family_name_sound == sound_alike_key(probe.given_name),
                               Person.given_name_sound == family_key))
    return sa.or_(*clauses) if clauses else sa.false()


_CANDIDATE_COLUMNS = (
    Person.id, Person.family_id, Family.reference, Person.given_name, Person.family_name, Person.date_of_birth,
    Person.postcode, Person.lives_apart, Family.postcode.label("family_postcode"), Person.nhs_number, Person.upn,
    Person.ni_number, Person.pnc_number, Person.gender, Person.other_names,
)


def _visibility_columns(viewer):
    return (sa.case((family_postcode_visible(viewer), True), else_=False).label("family_postcode_shown"),
            sa.case((person_postcode_visible(viewer), True), else_=False).label("own_postcode_shown"))


def _candidate(row) -> Candidate:
    # A safe address the viewer may not see is compared as unknown, so a match never reveals it.
    if row.lives_apart and row.postcode:
        postcode = row.postcode if row.own_postcode_shown else None
    else:
        postcode = row.family_postcode if row.family_postcode_shown else None
    return Candidate(
        person_id=row.id, family_id=row.family_id, family_reference=row.reference, given_name=row.given_name,
        family_name=row.family_name, date_of_birth=row.date_of_birth, postcode=postcode, nhs_number=row.nhs_number,
        upn=row.upn, ni_number=row.ni_number, pnc_number=row.pnc_number,
        gender=getattr(row.gender, "value", row.gender), other_names=row.other_names,
    )


def candidates_for(probe: PersonProbe, *, exclude_person_ids: Sequence[int] = (),
                   family_ids: Sequence[int] | None = None, viewer=None) -> list[Candidate]:
    query = (select(*_CANDIDATE_COLUMNS, *_visibility_columns(viewer)).join(Family, Person.family_id == Family.id)
             .where(blocking_clause(probe, viewer)).order_by(Person.id).limit(MAX_CANDIDATES))
    if exclude_person_ids:
        query = query.where(Person.id.not_in(list(exclude_person_ids)))
    if family_ids is not None:
        query = query.where(Person.family_id.in_(list(family_ids)))
    return [_candidate(row) for row in db.session.execute(query)]


def find_people(probe: PersonProbe, *, limit: int = 10, min_score: float = SHOW_FROM,
                exclude_person_ids: Sequence[int] = (), family_ids: Sequence[int] | None = None,
                viewer=None) -> list[PersonMatch]:
    """The stored people most like the probe, best first (`viewer`: who will see them; None is nobody)."""
    candidates = candidates_for(probe, exclude_person_ids=exclude_person_ids, family_ids=family_ids, viewer=viewer)
    return rank(probe, candidates, min_score=min_score, limit=limit)


def best_match(probe: PersonProbe, *, threshold: float = 0.85) -> PersonMatch | None:
    """For imports: the single best candidate if it is convincing, else None (a person to review)."""
    found = find_people(probe, limit=2, min_score=threshold)
    if not found:
        return None
    if len(found) > 1 and found[0].score - found[1].score < 0.05:
        return None  # two people fit almost equally well: a person must choose
    return found[0]


def rank_families(probes: Sequence[PersonProbe], person_matches: Sequence[Sequence[PersonMatch]], *,
                  postcode: str | None = None, limit: int = 10) -> list[FamilyMatch]:
    """Families ranked by their best-matching member, raised a little for each further member that
    matches and for the same address. Pure: `person_matches[i]` are the matches of `probes[i]`."""
    by_family: dict[int, dict[int, PersonMatch]] = {}
    references: dict[int, str | None] = {}
    postcodes: dict[int, set[str]] = {}
    for index, matches in enumerate(person_matches):
        for match in matches:
            family_id = match.candidate.family_id
            references[family_id] = match.candidate.family_reference
            postcodes.setdefault(family_id, set()).add(match.candidate.postcode or "")
            best = by_family.setdefault(family_id, {})
            if index not in best or best[index].score < match.score:
                best[index] = match
    # One stored person can only be one of the probes: keep each candidate for the probe it fits best.
    results = []
    for family_id, best in by_family.items():
        used: dict[int, tuple[int, PersonMatch]] = {}
        for index, match in sorted(best.items(), key=lambda item: -item[1].score):
            pid = match.candidate.person_id
            if pid not in used:
                used[pid] = (index, match)
        people = sorted(used.values(), key=lambda item: item[0])
        scores = sorted((m.score for _, m in people), reverse=True)
        score = scores[0] + 0.05 * sum(1 for s in scores[1:] if s >= 0.6)
        if postcode and postcode in postcodes[family_id]:
            score += 0.05
        results.append(FamilyMatch(family_id, references[family_id], round(min(score, 1.0), 4), tuple(people)))
    results.sort(key=lambda f: (-f.score, f.family_id))
    return results[:limit]


def find_families(probes: Sequence[PersonProbe], *, postcode: str | None = None, limit: int = 10,
                  min_score: float = SHOW_FROM, viewer=None) -> list[FamilyMatch]:
    """The families that most likely already hold the people described, best first."""
    matches = [find_people(probe, limit=25, min_score=min_score, viewer=viewer) for probe in probes]
    return rank_families(probes, matches, postcode=postcode, limit=limit)


def probe_for(person: Person, viewer=None) -> PersonProbe:
    """A stored person as a probe, to look for their duplicates: without a postcode that is a safe address
    `viewer` may not see (a match on it would show it)."""
    shown = AddressShield(viewer, [person.family_id]).person_postcode(person)
    postcode = shown if shown and shown != WITHHELD else None
    return PersonProbe(
        given_name=person.given_name, family_name=person.family_name, date_of_birth=person.date_of_birth,
        postcode=postcode, nhs_number=person.nhs_number, upn=person.upn, ni_number=person.ni_number,
        pnc_number=person.pnc_number, gender=getattr(person.gender, "value", person.gender),
        other_names=person.other_names,
    )

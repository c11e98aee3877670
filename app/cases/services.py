"""Changes to families, people and the team around the family. Services flush; the request boundary
(or the command that called them) commits. Every change is audited with ids and codes only."""
import secrets
from datetime import date

from sqlalchemy import select

from app import audit
from app.cases import identifiers
from app.cases.models import (
    Assessment,
    CaseNote,
    Family,
    FamilyAddress,
    FamilyStatus,
    FamilyStatusChange,
    FormDraft,
    Gender,
    GoalStatus,
    Intervention,
    InterventionType,
    InterventionVersion,
    LeadAssignment,
    Need,
    Person,
    PlanGoal,
    PlanReview,
    Relationship,
    StatusEvent,
    TeamMember,
    UsedFormToken,
)
from app.common.notifications import notify
from app.common.time import today_london, utcnow
from app.extensions import db
from app.framework.categories import DataCategory, UnknownHeadline, category_for

REFERENCE_PREFIX = "HF-"


class CaseError(ValueError):
    """A change to a case that the rules refuse; the message is fit to show the user."""


class CaseValidationError(CaseError):
    """Some fields are wrong. `errors` maps each field name to its GOV.UK-style message, so a form
    can show each message beside its field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class InvalidFamilyDetails(CaseValidationError):
    pass


class InvalidPersonDetails(CaseValidationError):
    pass


class InvalidTeamMember(CaseValidationError):
    pass


class AlreadyOnTeam(CaseError):
    """The worker (or, for an entry without a named worker, the agency) is already on the team."""


def family_reference(family_id: int) -> str:
    return f"{REFERENCE_PREFIX}{family_id:06d}"


def assign_reference(family: Family) -> None:
    """Give a flushed family its reference. Derived from the id, so it is unique without a counter."""
    family.reference = family_reference(family.id)


def _text(value) -> str | None:
    """Trimmed text, or None for blank: an empty string is never stored."""
    if value is None:
        return None
    return str(value).strip() or None


# Column widths of the free-text fields, with the words used in their too-long messages.
_TEXT_LIMITS = {
    "given_name": (100, "First name"),
    "family_name": (100, "Last name"),
    "other_names": (200, "Other names"),
    "address_line_1": (120, "Address line 1"),
    "address_line_2": (120, "Address line 2"),
    "town": (80, "Town or city"),
}


def _check_lengths(errors, values):
    for name, value in values.items():
        limit, words = _TEXT_LIMITS[name]
        if value is not None and len(value) > limit and name not in errors:
            errors[name] = f"{words} must be {limit} characters or fewer"


def _identifier(errors, field, validate, value):
    value = _text(value)
    if value is None:
        return None
    try:
        return validate(value)
    except identifiers.InvalidIdentifier as exc:
        errors[field] = exc.message
        return None


def create_family(*, address_line_1=None, address_line_2=None, town=None, postcode=None,
                  status=FamilyStatus.REFERRED, lead_practitioner=None, attached_on=None, actor=None) -> Family:
    """A new family with its HF- reference. The address may be unknown at referral (a family with no
    fixed address), so every part of it is optional here; forms decide what they require."""
    errors = {}
    address = {"address_line_1": _text(address_line_1), "address_line_2": _text(address_line_2),
               "town": _text(town)}
    _check_lengths(errors, address)
    postcode = _identifier(errors, "postcode", identifiers.validate_postcode, postcode)
    if lead_practitioner is not None and not lead_practitioner.active:
        errors["lead_practitioner_id"] = "Choose a lead practitioner whose account is active"
    if errors:
        raise InvalidFamilyDetails(errors)
    family = Family(**address, postcode=postcode, status=FamilyStatus(status), lead_practitioner=lead_practitioner,
                    attached_on=attached_on)
    db.session.add(family)
    db.session.flush()
    assign_reference(family)
    # The lifecycle history starts with the family's first status; the lead's assignment history too.
    db.session.add(FamilyStatusChange(family_id=family.id, from_status=None, to_status=family.status,
                                      event=StatusEvent.CHANGED, changed_on=attached_on or today_london(),
                                      changed_by_id=getattr(actor, "id", None),
                                      holding_agency_id=getattr(actor, "agency_id", None)))
    if lead_practitioner is not None:
        db.session.add(LeadAssignment(family_id=family.id, user_id=lead_practitioner.id,
                                      assigned_on=attached_on or today_london(),
                                      assigned_by_id=getattr(actor, "id", None)))
    db.session.flush()
    audit.record("FamilyCreated", actor=actor, object_type="family", object_id=family.id, family_id=family.id,
                 status=family.status.value,
                 lead_practitioner_id=lead_practitioner.id if lead_practitioner else None)
    return family


# The only fields add_person accepts: nothing else (family_id, id) can be set through it.
PERSON_FIELDS = frozenset({
    "given_name", "family_name", "other_names", "date_of_birth", "gender", "relationship_to_family",
    "expectant", "nhs_number", "upn", "school_urn", "ni_number", "pnc_number", "lives_apart",
    "address_line_1", "address_line_2", "town", "postcode", "left_household_on",
})
_IDENTIFIER_FIELDS = {
    "nhs_number": identifiers.validate_nhs_number,
    "upn": identifiers.validate_upn,
    "school_urn": identifiers.validate_school_urn,
    "ni_number": identifiers.validate_ni_number,
    "pnc_number": identifiers.validate_pnc_number,
    "postcode": identifiers.validate_postcode,
}


def clean_person_fields(fields: dict, today: date | None = None) -> dict:
    """Validate and normalise a person's details; raises InvalidPersonDetails listing every problem."""
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"add_person() got unexpected fields: {', '.join(sorted(unknown))}")
    today = today or today_london()
    errors = {}
    clean = {name: _text(fields.get(name)) for name in _TEXT_LIMITS}
    if not clean["given_name"]:
        errors["given_name"] = "Enter the person's first name"
    if not clean["family_name"]:
        errors["family_name"] = "Enter the person's last name"
    _check_lengths(errors, clean)
    for name, validate in _IDENTIFIER_FIELDS.items():
        clean[name] = _identifier(errors, name, validate, fields.get(name))

    dob = fields.get("date_of_birth")
    if dob is not None and dob > today:
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    clean["date_of_birth"] = dob
    left = fields.get("left_household_on")
    if left is not None and dob is not None and left < dob:
        errors["left_household_on"] = "Date they left the household must be after their date of birth"
    clean["left_household_on"] = left

    try:
        clean["relationship_to_family"] = Relationship(fields.get("relationship_to_family"))
    except ValueError:
        errors["relationship_to_family"] = "Select the person's relationship to the family"
    try:
        clean["gender"] = Gender(fields.get("gender") or Gender.NOT_KNOWN)
    except ValueError:
        errors["gender"] = "Select the person's gender"
    clean["expectant"] = bool(fields.get("expectant"))
    clean["lives_apart"] = bool(fields.get("lives_apart"))
    if errors:
        raise InvalidPersonDetails(errors)
    return clean


def add_person(family: Family, *, actor=None, **fields) -> Person:
    """Add someone to a family's household after validating their details and identifiers."""
    person = Person(family=family, **clean_person_fields(fields))
    db.session.add(person)
    db.session.flush()
    audit.record("PersonAdded", actor=actor, object_type="person", object_id=person.id, family_id=family.id,
                 person_id=person.id, relationship=person.relationship_to_family.value)
    return person


def add_team_member(family: Family, *, role_description, agency=None, user=None, joined_on=None,
                    actor=None) -> TeamMember:
    """Put an agency, usually with a named worker, on the team around the family.

    With a named worker the agency is theirs (given or not): a worker on the team is what the sharing
    rule reads, so the entry must not claim another agency for them."""
    errors = {}
    role_description = _text(role_description)
    joined_on = joined_on or today_london()
    if agency is None and user is not None:
        agency = user.agency
    if agency is None:
        errors["agency_id"] = "Select an agency"
    elif user is not None and user.agency_id != agency.id:
        errors["user_id"] = "Select a worker from the chosen agency"
    if user is not None and not user.active:
        errors["user_id"] = "Select a worker whose account is active"
    if not role_description:
        errors["role_description"] = "Enter their role in the team"
    elif len(role_description) > 120:
        errors["role_description"] = "Role must be 120 characters or fewer"
    if errors:
        raise InvalidTeamMember(errors)

    current = select(TeamMember.id).where(TeamMember.family_id == family.id, TeamMember.left_on.is_(None))
    if user is not None:
        clash = current.where(TeamMember.user_id == user.id)
    else:
        clash = current.where(TeamMember.agency_id == agency.id, TeamMember.user_id.is_(None))
    if db.session.scalar(clash.limit(1)) is not None:
        raise AlreadyOnTeam("They are already on the team around this family")

    member = TeamMember(family=family, agency=agency, user=user, role_description=role_description,
                        joined_on=joined_on)
    db.session.add(member)
    db.session.flush()
    audit.record("TeamMemberAdded", actor=actor, object_type="team_member", object_id=member.id,
                 family_id=family.id, agency_id=agency.id, user_id=user.id if user else None)
    return member


# --- The family record: members, address, lead, team --------------------------------------------------

class RecordNotFound(CaseError):
    pass


def update_person(person: Person, *, actor=None, **fields) -> Person:
    """Change a person's details (the same allow-list and checks as add_person)."""
    clean = clean_person_fields(fields)
    for name, value in clean.items():
        setattr(person, name, value)
    db.session.flush()
    audit.record("PersonChanged", actor=actor, object_type="person", object_id=person.id, family_id=person.family_id,
                 person_id=person.id)
    return person


def mark_left_household(person: Person, left_on: date, *, actor=None) -> Person:
    if left_on > today_london():
        raise InvalidPersonDetails({"left_household_on": "The date they left must be today or in the past"})
    if person.date_of_birth and left_on < person.date_of_birth:
        raise InvalidPersonDetails({"left_household_on": "The date they left must be after their date of birth"})
    person.left_household_on = left_on
    db.session.flush()
    audit.record("PersonLeftHousehold", actor=actor, object_type="person", object_id=person.id,
                 family_id=person.family_id, person_id=person.id)
    return person


def change_address(family: Family, *, moved_in_on: date | None, actor=None, **fields) -> FamilyAddress:
    """The family moved: the old address goes into the history with its dates, the new one is current."""
    errors = {}
    address = {name: _text(fields.get(name)) for name in ("address_line_1", "address_line_2", "town")}
    _check_lengths(errors, address)
    if not address["address_line_1"]:
        errors["address_line_1"] = "Enter the first line of the address"
    postcode = _identifier(errors, "postcode", identifiers.validate_postcode, fields.get("postcode"))
    if moved_in_on and moved_in_on > today_london():
        errors["moved_in_on"] = "The date they moved in must be today or in the past"
    if errors:
        raise InvalidFamilyDetails(errors)
    current = db.session.scalar(select(FamilyAddress).where(
        FamilyAddress.family_id == family.id, FamilyAddress.moved_out_on.is_(None)).order_by(FamilyAddress.id.desc()))
    if current is None and family.address_line_1:
        # The address known before any move was recorded becomes the first history row.
        current = FamilyAddress(family_id=family.id, address_line_1=family.address_line_1,
                                address_line_2=family.address_line_2, town=family.town, postcode=family.postcode)
        db.session.add(current)
    if current is not None:
        current.moved_out_on = moved_in_on or today_london()
    new = FamilyAddress(family_id=family.id, **address, postcode=postcode, moved_in_on=moved_in_on)
    db.session.add(new)
    family.address_line_1, family.address_line_2, family.town = (address["address_line_1"],
                                                                 address["address_line_2"], address["town"])
    family.postcode = postcode
    db.session.flush()
    audit.record("FamilyAddressChanged", actor=actor, object_type="family", object_id=family.id, family_id=family.id)
    return new


def set_lead_practitioner(family: Family, user, *, actor=None, on: date | None = None) -> LeadAssignment:
    """Name the lead practitioner; the assignment history keeps who led the case when."""
    on = on or today_london()
    if user is None or not user.active or getattr(user.role, "value", user.role) not in ("key_worker", "practitioner"):
        raise InvalidFamilyDetails({"lead_practitioner_id": "Select a key worker or practitioner whose account is "
                                                            "active"})
    if family.lead_practitioner_id == user.id:
        raise InvalidFamilyDetails({"lead_practitioner_id": "They are already the lead practitioner"})
    current = db.session.scalars(select(LeadAssignment).where(
        LeadAssignment.family_id == family.id, LeadAssignment.ended_on.is_(None)).order_by(LeadAssignment.id)).all()
    for assignment in current:
        assignment.ended_on = on
    assignment = LeadAssignment(family_id=family.id, user_id=user.id, assigned_on=on, assigned_by_id=getattr(
        actor, "id", None))
    db.session.add(assignment)
    family.lead_practitioner = user
    db.session.flush()
    audit.record("LeadPractitionerAssigned", actor=actor, object_type="family", object_id=family.id,
                 family_id=family.id, user_id=user.id)
    notify(user.id, "family_allocated", ("family", family.id), f"Family {family.reference} has been allocated to you",
           dedupe_key=f"family_allocated:{assignment.id}", url=f"/families/{family.id}", family_id=family.id)
    return assignment


def end_team_membership(member: TeamMember, left_on: date, *, actor=None) -> TeamMember:
    if left_on < member.joined_on:
        raise InvalidTeamMember({"left_on": "The date they left must be on or after the date they joined"})
    if left_on > today_london():
        raise InvalidTeamMember({"left_on": "The date they left must be today or in the past"})
    member.left_on = left_on
    db.session.flush()
    audit.record("TeamMemberLeft", actor=actor, object_type="team_member", object_id=member.id,
                 family_id=member.family_id, agency_id=member.agency_id)
    return member


# --- Content records ------------------------------------------------------------------------------------

SUMMARY_LIMIT = 5000
NARRATIVE_LIMIT = 20000
REASON_LIMIT = 500
ACTION_LIMIT = 500
MAX_DURATION_MINUTES = 24 * 60


def _people_of(family: Family, person_ids, errors, field="person_ids") -> list[Person]:
    """The family's people with these ids; an id from another family is refused, never linked."""
    wanted = {int(i) for i in person_ids or ()}
    if not wanted:
        return []
    people = db.session.scalars(select(Person).where(Person.family_id == family.id, Person.id.in_(wanted))
                                .order_by(Person.id)).all()
    if len(people) != len(wanted):
        errors[field] = "Select people from this family"
    return list(people)


def _long_text(errors, field, value, *, required_message, limit, words):
    value = _text(value)
    if not value:
        errors[field] = required_message
    elif len(value) > limit:
        errors[field] = f"{words} must be {limit:,} characters or fewer"
    return value


def _past_date(errors, field, value, words):
    if value is None:
        errors[field] = f"Enter the {words}"
    elif value > today_london():
        errors[field] = f"The {words} must be today or in the past"
    return value


def _category(errors, value, field="category"):
    try:
        return DataCategory(value)
    except ValueError:
        errors[field] = "Select a data category from the list"
        return None


class InvalidRecord(CaseValidationError):
    pass


def identified_at_attachment(family: Family) -> bool:
    """Whether a need recorded now counts as identified at attachment (the eligibility rule counts those):
    while the family is referred or just attached, yes; once the assessment has started it emerged later."""
    return family.status in (FamilyStatus.REFERRED, FamilyStatus.ATTACHED)


def add_need(family: Family, *, descriptor, identified_on: date, source_agency=None, person_ids=(),
             at_attachment=False, actor) -> Need:
    """A need under a framework descriptor; it carries the data category of its headline."""
    errors = {}
    if descriptor is None or not descriptor.active:
        errors["descriptor_id"] = "Select a need from the outcome framework"
    _past_date(errors, "identified_on", identified_on, "date the need was identified")
    people = _people_of(family, person_ids, errors)
    if errors:
        raise InvalidRecord(errors)
    headline = descriptor.headline
    try:
        category = category_for(headline.code, descriptor)
    except UnknownHeadline:
        category = descriptor.category
    need = Need(family_id=family.id, descriptor=descriptor, headline_code=headline.code, identified_on=identified_on,
                at_attachment=bool(at_attachment), source_agency=source_agency, holding_agency_id=actor.agency_id,
                category=category, recorded_by_id=actor.id, people=people)
    db.session.add(need)
    db.session.flush()
    audit.record("NeedIdentified", actor=actor, object_type="need", object_id=need.id, family_id=family.id,
                 descriptor=descriptor.code, category=category.value)
    return need


ASSESSMENT_SECTIONS = (
    ("strengths", "The family's strengths"),
    ("children", "Children's needs and development"),
    ("parenting", "Parenting capacity"),
    ("environment", "Family and environmental factors"),
    ("family_views", "What the family says"),
)
SECTION_LIMIT = 5000


def current_assessment(family: Family) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.family_id == family.id)
                             .order_by(Assessment.id.desc()).limit(1))


def save_assessment(family: Family, *, sections: dict, narrative, completed_on: date | None, actor) -> Assessment:
    """Write the whole-family assessment (a whole-family record, category case_note)."""
    errors = {}
    clean_sections = {}
    for key, label in ASSESSMENT_SECTIONS:
        value = _text(sections.get(key))
        if value and len(value) > SECTION_LIMIT:
            errors[key] = f"{label} must be {SECTION_LIMIT:,} characters or fewer"
        clean_sections[key] = value
    narrative = _text(narrative)
    if narrative and len(narrative) > NARRATIVE_LIMIT:
        errors["narrative"] = f"The analysis must be {NARRATIVE_LIMIT:,} characters or fewer"
    if completed_on is not None:
        if completed_on > today_london():
            errors["completed_on"] = "The date the assessment was completed must be today or in the past"
        elif family.attached_on and completed_on < family.attached_on:
            errors["completed_on"] = "The date the assessment was completed must be on or after the date of attachment"
        if not narrative:
            errors["narrative"] = "Enter the analysis before marking the assessment completed"
    if errors:
        raise InvalidRecord(errors)
    assessment = current_assessment(family)
    if assessment is None:
        assessment = Assessment(family_id=family.id, holding_agency_id=actor.agency_id,
                                category=DataCategory.CASE_NOTE)
        db.session.add(assessment)
    assessment.sections, assessment.narrative, assessment.completed_on = clean_sections, narrative, completed_on
    assessment.recorded_by_id, assessment.updated_at_utc = actor.id, utcnow()
    db.session.flush()
    audit.record("AssessmentCompleted" if completed_on else "AssessmentSaved", actor=actor,
                 object_type="assessment", object_id=assessment.id, family_id=family.id)
    return assessment


def _goal_fields(family, errors, *, need_id, action, owner_agency, due_on, status):
    need = None
    if need_id:
        need = db.session.get(Need, int(need_id))
        if need is None or need.family_id != family.id:
            errors["need_id"] = "Select one of this family's needs"
    action = _long_text(errors, "action", action, required_message="Enter the action",
                        limit=ACTION_LIMIT, words="The action")
    if owner_agency is None:
        errors["owner_agency_id"] = "Select the agency that owns the action"
    try:
        status = GoalStatus(status or GoalStatus.NOT_STARTED)
    except ValueError:
        errors["status"] = "Select the status of the goal"
    return need, action, status


def add_plan_goal(family: Family, *, need_id=None, action, owner_agency, due_on: date | None, status=None,
                  actor) -> PlanGoal:
    errors = {}
    need, action, status = _goal_fields(family, errors, need_id=need_id, action=action, owner_agency=owner_agency,
                                        due_on=due_on, status=status)
    if errors:
        raise InvalidRecord(errors)
    goal = PlanGoal(family_id=family.id, need=need, action=action, owner_agency=owner_agency, due_on=due_on,
                    status=status, holding_agency_id=actor.agency_id, category=DataCategory.CASE_NOTE,
                    recorded_by_id=actor.id)
    db.session.add(goal)
    db.session.flush()
    audit.record("PlanGoalAdded", actor=actor, object_type="plan_goal", object_id=goal.id, family_id=family.id,
                 status=status.value)
    return goal


def update_plan_goal(goal: PlanGoal, *, need_id=None, action, owner_agency, due_on: date | None, status,
                     actor) -> PlanGoal:
    errors = {}
    family = db.session.get(Family, goal.family_id)
    need, action, status = _goal_fields(family, errors, need_id=need_id, action=action, owner_agency=owner_agency,
                                        due_on=due_on, status=status)
    if errors:
        raise InvalidRecord(errors)
    goal.need, goal.action, goal.owner_agency, goal.due_on, goal.status = need, action, owner_agency, due_on, status
    db.session.flush()
    audit.record("PlanGoalChanged", actor=actor, object_type="plan_goal", object_id=goal.id,
                 family_id=goal.family_id, status=status.value)
    return goal


def add_plan_review(family: Family, *, due_on: date, actor) -> PlanReview:
    errors = {}
    if due_on is None:
        errors["due_on"] = "Enter the date of the review"
    elif family.attached_on and due_on < family.attached_on:
        errors["due_on"] = "The review date must be on or after the date the family was attached"
    if errors:
        raise InvalidRecord(errors)
    review = PlanReview(family_id=family.id, due_on=due_on, recorded_by_id=actor.id)
    db.session.add(review)
    db.session.flush()
    audit.record("PlanReviewScheduled", actor=actor, object_type="plan_review", object_id=review.id,
                 family_id=family.id)
    return review


def mark_review_held(review: PlanReview, *, held_on: date, actor) -> PlanReview:
    errors = {}
    _past_date(errors, "held_on", held_on, "date the review was held")
    if errors:
        raise InvalidRecord(errors)
    review.held_on = held_on
    db.session.flush()
    audit.record("PlanReviewHeld", actor=actor, object_type="plan_review", object_id=review.id,
                 family_id=review.family_id)
    return review


DEFAULT_INTERVENTION_TYPES = (
    ("home_visit", "Home visit"), ("one_to_one", "One-to-one session"), ("group_work", "Group work"),
    ("phone_call", "Phone call"), ("multi_agency_meeting", "Multi-agency meeting"),
    ("parenting_programme", "Parenting programme"), ("benefits_advice", "Benefits advice"),
    ("school_attendance", "School attendance support"), ("school_meeting", "Meeting at school"),
    ("health_appointment", "Health appointment"), ("referral_on", "Referral to another service"),
)


def seed_intervention_types() -> int:
    """Add the default catalogue entries a council does not have yet; returns how many were added."""
    have = set(db.session.scalars(select(InterventionType.code)))
    added = 0
    for order, (code, name) in enumerate(DEFAULT_INTERVENTION_TYPES, start=1):
        if code not in have:
            db.session.add(InterventionType(code=code, name=name, order=order * 10))
            added += 1
    db.session.flush()
    return added


def active_intervention_types() -> list[InterventionType]:
    return list(db.session.scalars(select(InterventionType).where(InterventionType.active.is_(True))
                                   .order_by(InterventionType.order, InterventionType.id)))


def _intervention_fields(family, errors, *, type_id, agency, occurred_on, duration_minutes, summary, category,
                         person_ids):
    kind = db.session.get(InterventionType, int(type_id)) if str(type_id or "").isdigit() else None
    if kind is None or not kind.active:
        errors["type_id"] = "Select the type of work from the list"
    if agency is None:
        errors["agency_id"] = "Select the agency that did the work"
    _past_date(errors, "occurred_on", occurred_on, "date of the work")
    if duration_minutes is None:
        errors["duration_minutes"] = "Enter how long it took, in minutes"
    elif not 0 <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = f"How long it took must be between 0 and {MAX_DURATION_MINUTES} minutes"
    summary = _long_text(errors, "summary", summary, required_message="Enter a summary of the work",
                         limit=SUMMARY_LIMIT, words="The summary")
    category = _category(errors, category)
    people = _people_of(family, person_ids, errors)
    return kind, summary, category, people


def record_intervention(family: Family, *, type_id, agency, occurred_on, duration_minutes, summary, category,
                        person_ids=(), extra_sensitive=False, actor) -> Intervention:
    errors = {}
    kind, summary, category, people = _intervention_fields(
        family, errors, type_id=type_id, agency=agency, occurred_on=occurred_on, duration_minutes=duration_minutes,
        summary=summary, category=category, person_ids=person_ids)
    if errors:
        raise InvalidRecord(errors)
    intervention = Intervention(family_id=family.id, type=kind, agency=agency, holding_agency_id=actor.agency_id,
                                occurred_on=occurred_on, duration_minutes=duration_minutes, summary=summary,
                                category=category, extra_sensitive=bool(extra_sensitive), recorded_by_id=actor.id,
                                people=people)
    db.session.add(intervention)
    db.session.flush()
    audit.record("InterventionRecorded", actor=actor, object_type="intervention", object_id=intervention.id,
                 family_id=family.id, type=kind.code, category=category.value,
                 extra_sensitive=intervention.extra_sensitive)
    return intervention


class InterventionDeleted(CaseError):
    """A deleted intervention is kept for managers to see, but no longer changed."""


def edit_intervention(intervention: Intervention, *, type_id, agency, occurred_on, duration_minutes, summary,
                      category, person_ids=(), extra_sensitive=None, actor) -> Intervention:
    """Change an intervention; the version before the change is kept."""
    if intervention.deleted_at_utc is not None:
        raise InterventionDeleted("This intervention was deleted and can no longer be changed")
    errors = {}
    family = db.session.get(Family, intervention.family_id)
    kind, summary, category, people = _intervention_fields(
        family, errors, type_id=type_id, agency=agency, occurred_on=occurred_on, duration_minutes=duration_minutes,
        summary=summary, category=category, person_ids=person_ids)
    if errors:
        raise InvalidRecord(errors)
    db.session.add(InterventionVersion(
        intervention_id=intervention.id, version=intervention.version, type_id=intervention.type_id,
        agency_id=intervention.agency_id, occurred_on=intervention.occurred_on,
        duration_minutes=intervention.duration_minutes, summary=intervention.summary,
        category=intervention.category, person_ids=[p.id for p in intervention.people],
        recorded_by_id=intervention.recorded_by_id, superseded_by_id=actor.id))
    intervention.type, intervention.agency, intervention.occurred_on = kind, agency, occurred_on
    intervention.duration_minutes, intervention.summary, intervention.category = duration_minutes, summary, category
    intervention.people = people
    if extra_sensitive is not None:  # None: left as it was
        intervention.extra_sensitive = bool(extra_sensitive)
    intervention.version += 1
    intervention.recorded_by_id, intervention.updated_at_utc = actor.id, utcnow()
    db.session.flush()
    audit.record("InterventionChanged", actor=actor, object_type="intervention", object_id=intervention.id,
                 family_id=intervention.family_id, version=intervention.version,
                 extra_sensitive=intervention.extra_sensitive)
    return intervention


def delete_intervention(intervention: Intervention, *, reason, actor) -> Intervention:
    """A soft delete: hidden from the family record, kept (with its reason) for managers."""
    if intervention.deleted_at_utc is not None:
        raise InterventionDeleted("This intervention has already been deleted")
    errors = {}
    reason = _long_text(errors, "reason", reason, required_message="Enter why the intervention is being deleted",
                        limit=REASON_LIMIT, words="The reason")
    if errors:
        raise InvalidRecord(errors)
    intervention.deleted_at_utc, intervention.deleted_by_id, intervention.deletion_reason = utcnow(), actor.id, reason
    db.session.flush()
    audit.record("InterventionDeleted", actor=actor, object_type="intervention", object_id=intervention.id,
                 family_id=intervention.family_id)
    return intervention


def add_case_note(family: Family, *, body, category, person_ids=(), extra_sensitive=False, actor) -> CaseNote:
    errors = {}
    body = _long_text(errors, "body", body, required_message="Enter the note", limit=SUMMARY_LIMIT, words="The note")
    category = _category(errors, category)
    people = _people_of(family, person_ids, errors)
    if errors:
        raise InvalidRecord(errors)
    note = CaseNote(family_id=family.id, holding_agency_id=actor.agency_id, category=category, body=body,
                    extra_sensitive=bool(extra_sensitive), recorded_by_id=actor.id, people=people)
    db.session.add(note)
    db.session.flush()
    audit.record("CaseNoteAdded", actor=actor, object_type="case_note", object_id=note.id, family_id=family.id,
                 category=category.value, extra_sensitive=note.extra_sensitive)
    return note


# --- Drafts and one-time form tokens ----------------------------------------------------------------------

def save_draft(family: Family, user, form_key: str, data: dict) -> FormDraft:
    draft = load_draft(family, user, form_key)
    if draft is None:
        draft = FormDraft(user_id=user.id, family_id=family.id, form_key=form_key)
        db.session.add(draft)
    draft.data, draft.saved_at_utc = dict(data), utcnow()
    db.session.flush()
    return draft


def load_draft(family: Family, user, form_key: str) -> FormDraft | None:
    return db.session.scalar(select(FormDraft).where(FormDraft.user_id == user.id, FormDraft.family_id == family.id,
                                                     FormDraft.form_key == form_key))


def discard_draft(family: Family, user, form_key: str) -> None:
    draft = load_draft(family, user, form_key)
    if draft is not None:
        db.session.delete(draft)
        db.session.flush()


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def form_token_used(token: str | None) -> UsedFormToken | None:
    if not token:
        return None
    return db.session.get(UsedFormToken, token[:64])


def use_form_token(token: str | None, user, obj=None) -> None:
    """Mark a form's one-time token used, in the same transaction as the record it created: if that
    transaction commits, a second submission of the same form finds it and creates nothing."""
    if not token:
        return
    db.session.add(UsedFormToken(token=token[:64], user_id=user.id, used_at_utc=utcnow(),
                                 object_type=obj.__tablename__ if obj is not None else None,
                                 object_id=getattr(obj, "id", None)))
    db.session.flush()

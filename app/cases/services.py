"""Changes to families, people and the team around the family. Services flush; the request boundary
(or the command that called them) commits. Every change is audited with ids and codes only."""
from datetime import date

from sqlalchemy import select

from app import audit
from app.cases import identifiers
from app.cases.models import Family, FamilyStatus, Gender, Person, Relationship, TeamMember
from app.common.time import today_london
from app.extensions import db

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

"""Account changes and sign-in decisions. Services flush; the request boundary commits."""
from sqlalchemy import func, select

from app import audit
from app.auth.models import Agency, Role, User
from app.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from app.common.time import utcnow
from app.extensions import db


class AccountError(ValueError):
    """A change to an account that the rules refuse; the message is fit to show the user."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email, password):
    """The user when the email and password are right and the account is active, else None.

    The password is always verified, against a dummy hash when no account matches, so the answer
    takes the same time whether or not the account exists."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not (user and ok and user.active):
        audit.record_refusal("SignInFailed", object_type="user", object_id=user.id if user else None,
                             reason="disabled" if user and ok else "bad_credentials")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_signed_in_at_utc = utcnow()
    audit.record("SignedIn", actor=user, object_type="user", object_id=user.id)
    return user


def create_agency(name, kind, actor=None):
    name = (name or "").strip()
    if db.session.scalar(select(Agency.id).where(func.lower(Agency.name) == name.lower())):
        raise AccountError("An agency with that name already exists")
    agency = Agency(name=name, kind=kind)
    db.session.add(agency)
    db.session.flush()
    audit.record("AgencyCreated", actor=actor, object_type="agency", object_id=agency.id, kind=kind)
    return agency


def update_agency(agency, *, name, kind, active, actor=None):
    name = name.strip()
    clash = db.session.scalar(
        select(Agency.id).where(func.lower(Agency.name) == name.lower(), Agency.id != agency.id)
    )
    if clash:
        raise AccountError("An agency with that name already exists")
    agency.name, agency.kind, agency.active = name, kind, active
    db.session.flush()
    audit.record("AgencyUpdated", actor=actor, object_type="agency", object_id=agency.id, kind=kind,
                 active=active)
    return agency


def create_user(*, email, name, role, agency, password=None, is_designated_lead=False, actor=None):
    email = normalise_email(email)
    if find_user_by_email(email):
        raise AccountError("A user with that email address already exists")
    if password is not None:
        problem = password_problem(password)
        if problem:
            raise AccountError(problem)
    user = User(email=email, name=name.strip(), role=Role(role), agency=agency,
                is_designated_lead=is_designated_lead,
                password_hash=hash_password(password) if password else None)
    db.session.add(user)
    db.session.flush()
    audit.record("UserCreated", actor=actor, object_type="user", object_id=user.id, role=user.role.value,
                 agency_id=agency.id, designated_lead=is_designated_lead)
    return user


def update_user(user, *, name, role, agency, is_designated_lead, active, actor=None):
    """Change an account; a change of role, agency or status ends the user's open sessions."""
    role = Role(role)
    ends_sessions = role != user.role or agency.id != user.agency_id or (user.active and not active)
    user.name, user.role, user.agency = name.strip(), role, agency
    user.is_designated_lead, user.active = is_designated_lead, active
    if ends_sessions:
        user.end_sessions()
    db.session.flush()
    audit.record("UserUpdated", actor=actor, object_type="user", object_id=user.id, role=role.value,
                 agency_id=agency.id, designated_lead=is_designated_lead, active=active,
                 sessions_ended=ends_sessions)
    return user


def set_password(user, password, actor=None):
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.end_sessions()
    db.session.flush()
    audit.record("PasswordChanged", actor=actor, object_type="user", object_id=user.id)


def can_manage_user(admin, user_or_agency_id) -> bool:
    """Admins manage everyone; agency admins only the users of their own agency."""
    agency_id = user_or_agency_id if isinstance(user_or_agency_id, int) else user_or_agency_id.agency_id
    if admin.role == Role.ADMIN:
        return True
    return admin.role == Role.AGENCY_ADMIN and admin.agency_id == agency_id

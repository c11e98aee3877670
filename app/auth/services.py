"""Account changes and sign-in decisions. Services flush; the request boundary commits."""
import hashlib
import secrets
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, update

from app import audit
from app.auth.models import Agency, PasswordResetToken, Role, User
from app.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from app.common import outbox
from app.common.time import LONDON, as_utc, utcnow
from app.extensions import db


class AccountError(ValueError):
    """A change to an account that the rules refuse; the message is fit to show the user."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def check_password(email, password):
    """The user when the email and password are right and the account is active, else None. This is
    the first factor only: complete_sign_in() finishes a sign-in once any second factor is done.

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
    return user


def complete_sign_in(user, *, mfa=None):
    """Record a finished sign-in; `mfa` names the second factor used ("totp", "recovery_code")."""
    user.last_signed_in_at_utc = utcnow()
    audit.record("SignedIn", actor=user, object_type="user", object_id=user.id, mfa=mfa)
    return user


def authenticate(email, password):
    """Password-only sign-in (no second factor): check_password then complete_sign_in."""
    user = check_password(email, password)
    return complete_sign_in(user) if user else None


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


# --- Administration: the scope rules for admins and agency admins, and the reads their pages need. ---

class NotPermitted(AccountError):
    """An administrator asked for a change outside what their role may do."""

    field = None


class RoleNotGrantable(NotPermitted):
    field = "role"


class AgencyNotPermitted(NotPermitted):
    field = "agency"


class EmailTaken(AccountError):
    field = "email"


class PasswordRefused(AccountError):
    field = "password"


class CannotChangeOwnAccess(AccountError):
    field = "role"


# Agency admins run the front line of their own agency; every other role is granted centrally.
AGENCY_ADMIN_GRANTABLE_ROLES = (Role.KEY_WORKER, Role.PRACTITIONER)
USERS_PER_PAGE = 25


def grantable_roles(actor) -> tuple:
    if actor.role == Role.ADMIN:
        return tuple(Role)
    if actor.role == Role.AGENCY_ADMIN:
        return AGENCY_ADMIN_GRANTABLE_ROLES
    return ()


def can_edit_user(actor, user) -> bool:
    """Object scope (can_manage_user) and, for agency admins, only accounts they could have created:
    an agency admin must not disable or re-role a programme manager or administrator who happens to
    sit in their agency."""
    if not can_manage_user(actor, user):
        return False
    return actor.role == Role.ADMIN or user.role in grantable_roles(actor)


def check_assignment(actor, role, agency, *, current_agency_id=None):
    """Refuse a role or agency the actor may not give, whatever the form offered."""
    role = Role(role)
    if role not in grantable_roles(actor):
        raise RoleNotGrantable(f"You cannot give the role {role.label.lower()}")
    if not can_manage_user(actor, agency.id):
        raise AgencyNotPermitted("You can only add users to your own agency")
    if not agency.active and agency.id != current_agency_id:
        raise AgencyNotPermitted("Choose an active agency")
    return role


def admin_create_user(actor, *, email, name, role, agency, password, is_designated_lead=False):
    """create_user as an administrator: scope first, then each refusal tied to the field it concerns."""
    check_assignment(actor, role, agency)
    if find_user_by_email(email):
        raise EmailTaken("A user with that email address already exists")
    problem = password_problem(password or "")
    if problem:
        raise PasswordRefused(problem)
    return create_user(email=email, name=name, role=role, agency=agency, password=password,
                       is_designated_lead=is_designated_lead, actor=actor)


def admin_update_user(actor, user, *, name, role, agency, is_designated_lead, active):
    if not can_edit_user(actor, user):
        raise NotPermitted("You cannot change this user")
    role = check_assignment(actor, role, agency, current_agency_id=user.agency_id)
    # Changing your own role, agency or status could lock out the last administrator.
    if user.id == actor.id and (role != user.role or agency.id != user.agency_id or not active):
        raise CannotChangeOwnAccess("You cannot change your own role, agency or status")
    return update_user(user, name=name, role=role, agency=agency, is_designated_lead=is_designated_lead,
                       active=active, actor=actor)


def end_user_sessions(user, actor=None):
    """Sign the user out everywhere at their next request."""
    user.end_sessions()
    db.session.flush()
    audit.record("UserSessionsEnded", actor=actor, object_type="user", object_id=user.id)
    return user


def disable_user(user, actor=None):
    """Disable an account (ends its sessions); kept as one call for the CLI and jobs."""
    return update_user(user, name=user.name, role=user.role, agency=user.agency,
                       is_designated_lead=user.is_designated_lead, active=False, actor=actor)


def find_agency_by_name(name):
    return db.session.scalar(select(Agency).where(func.lower(Agency.name) == (name or "").strip().lower()))


def agencies_visible_to(actor, *, active_only=False, include_id=None):
    """The agencies an administrator may pick from, by name. `include_id` keeps a user's current
    agency in the list even when it has since been made inactive."""
    query = select(Agency).order_by(Agency.name, Agency.id)
    if actor.role != Role.ADMIN:
        query = query.where(Agency.id == actor.agency_id)
    if active_only:
        query = query.where(Agency.active.is_(True) | (Agency.id == include_id))
    return db.session.scalars(query).all()


def users_page(actor, *, agency_id=None, page=1, per_page=USERS_PER_PAGE):
    """One page of the users an administrator may see, by name; agency admins see only their agency."""
    query = select(User).order_by(User.name, User.id)
    if actor.role != Role.ADMIN:
        agency_id = actor.agency_id
    if agency_id is not None:
        query = query.where(User.agency_id == agency_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def all_users():
    return db.session.scalars(select(User).order_by(User.name, User.id)).all()


def agencies_page(*, page=1, per_page=50):
    return db.paginate(select(Agency).order_by(Agency.name, Agency.id), page=page, per_page=per_page,
                       error_out=False, count=True)


# --- Password reset through an admin-issued link. ---

RESET_LINK_HOURS = 24


class ResetLinkInvalid(AccountError):
    """The link is unknown, used or expired; one message for all three, so it says nothing more."""

    def __init__(self):
        super().__init__("This link has expired or has already been used. Ask your administrator for a new one")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_reset(user, *, actor, link_for, now=None):
    """A new single-use reset link for the user, valid for RESET_LINK_HOURS; earlier unused links stop
    working. `link_for(token)` builds the URL. The message that would carry it is put in the outbox; the
    link is returned so the page can show it to the admin (there is no mail server)."""
    if not can_edit_user(actor, user):
        raise NotPermitted("You cannot reset this user's password")
    now = now or utcnow()
    _void_reset_links(user, now)
    token = secrets.token_urlsafe(32)
    record = PasswordResetToken(user_id=user.id, token_hash=_token_hash(token), issued_by_user_id=actor.id,
                                expires_at_utc=now + timedelta(hours=RESET_LINK_HOURS))
    db.session.add(record)
    db.session.flush()
    link = link_for(token)
    outbox.queue_message(
        kind="password_reset", recipient=user.email, subject="Reset your Hearth password",
        body=(f"Your administrator has asked for your Hearth password to be reset.\n\n"
              f"Choose a new password at {link}\n\nThe link works once and expires in {RESET_LINK_HOURS} hours."),
        created_by_user_id=actor.id,
    )
    audit.record("PasswordResetIssued", actor=actor, object_type="user", object_id=user.id,
                 reset_id=record.id)
    return link, record


def _void_reset_links(user, now):
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at_utc.is_(None))
        .values(used_at_utc=now)
    )


def find_reset_token(token, now=None):
    """The usable reset record for this token, or raise ResetLinkInvalid."""
    now = now or utcnow()
    record = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token or ""))
    )
    if (record is None or record.used_at_utc is not None or as_utc(record.expires_at_utc) <= now
            or not record.user.active):
        raise ResetLinkInvalid()
    return record


def complete_password_reset(token, password, now=None):
    """Set the new password from a reset link: the link is spent, every other link for the user stops
    working, and the user's open sessions end."""
    now = now or utcnow()
    record = find_reset_token(token, now)
    user = record.user
    problem = password_problem(password, _context_words(user))
    if problem:
        raise PasswordRefused(problem)
    user.password_hash = hash_password(password)
    user.end_sessions()
    _void_reset_links(user, now)
    db.session.flush()
    audit.record("PasswordReset", actor=user, object_type="user", object_id=user.id, reset_id=record.id)
    return user


def _context_words(user):
    local = user.email.split("@", 1)[0]
    return (local, *user.name.split())


# --- Dormant accounts. ---

DORMANT_AFTER_DAYS = 90


def disable_dormant_accounts(today: date, *, days=DORMANT_AFTER_DAYS):
    """Disable active accounts nobody has signed in to for `days` days before `today` (London),
    counting from creation for accounts never used. Ends their sessions; audits each. Returns them.
    The caller commits (the CLI command, or later the scheduler)."""
    # Stored times are UTC (SQLite keeps them without an offset), so compare with the cutoff in UTC.
    cutoff = datetime.combine(today - timedelta(days=days), time.min, tzinfo=LONDON).astimezone(UTC)
    last_used = func.coalesce(User.last_signed_in_at_utc, User.created_at_utc)
    users = db.session.scalars(
        select(User).where(User.active.is_(True), last_used < cutoff).order_by(User.id)
    ).all()
    for user in users:
        user.active = False
        user.end_sessions()
        audit.record("UserDisabledAsDormant", object_type="user", object_id=user.id, days_unused=days)
    db.session.flush()
    return users

"""API clients (create, revoke, authenticate) and idempotent answers. Services flush; the request
boundary or the CLI command commits. Every change is audited with ids and codes only."""
import hashlib
import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.api.models import TOKEN_PREFIX, ApiClient, ApiReferral, IdempotencyRecord
from app.auth import services as auth_services
from app.auth.models import Agency, Role
from app.common.time import utcnow
from app.extensions import db

DEFAULT_LIFETIME_DAYS = 365
MAX_LIFETIME_DAYS = 730
NAME_MAX = 120
IDEMPOTENCY_KEY_MAX = 255


class ApiClientError(ValueError):
    """A refused change to an API client; `field` names the form field it concerns."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with a different request."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_client(*, agency: Agency | None, name: str, actor=None, lifetime_days: int = DEFAULT_LIFETIME_DAYS,
                  now: datetime | None = None) -> tuple[ApiClient, str]:
    """A new client and its token. The token is returned once and never stored."""
    name = (name or "").strip()
    if agency is None:
        raise ApiClientError("Select the agency the client belongs to", "agency_id")
    if not agency.active:
        raise ApiClientError(f"The agency {agency.name} is disabled", "agency_id")
    if not name:
        raise ApiClientError("Enter a name for the client", "name")
    if len(name) > NAME_MAX:
        raise ApiClientError(f"Name must be {NAME_MAX} characters or fewer", "name")
    if not 1 <= lifetime_days <= MAX_LIFETIME_DAYS:
        raise ApiClientError(f"Days until it expires must be between 1 and {MAX_LIFETIME_DAYS}", "lifetime_days")
    now = now or utcnow()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    # The service account the client acts through: a designated lead of its agency that cannot sign in
    # (inactive, no password), so referrals and interventions it writes name a real user.
    service_user = auth_services.create_user(
        email=f"api-client-{secrets.token_hex(8)}@api-clients.invalid", name=f"API client: {name}"[:120],
        role=Role.PRACTITIONER, agency=agency, is_designated_lead=True, actor=actor)
    service_user.active = False
    client = ApiClient(agency=agency, name=name, token_hash=token_hash(token), token_prefix=token[:10],
                       service_user=service_user, created_by_user_id=actor.id if actor else None,
                       expires_at_utc=now + timedelta(days=lifetime_days))
    db.session.add(client)
    db.session.flush()
    audit.record("ApiClientCreated", actor=actor, object_type="api_client", object_id=client.id,
                 agency_id=agency.id, service_user_id=service_user.id, lifetime_days=lifetime_days)
    return client, token


def revoke_client(client: ApiClient, *, actor=None, now: datetime | None = None) -> ApiClient:
    if client.revoked_at_utc is not None:
        raise ApiClientError("This client has already been revoked")
    client.revoked_at_utc = now or utcnow()
    client.revoked_by_user_id = actor.id if actor else None
    db.session.flush()
    audit.record("ApiClientRevoked", actor=actor, object_type="api_client", object_id=client.id,
                 agency_id=client.agency_id)
    return client


def authenticate(token: str | None, now: datetime | None = None) -> ApiClient | None:
    """The usable client whose token this is, else None (unknown, revoked, expired, agency disabled)."""
    if not token or len(token) > 200:
        return None
    client = db.session.scalar(select(ApiClient).where(ApiClient.token_hash == token_hash(token)))
    now = now or utcnow()
    if client is None or not client.is_usable(now):
        return None
    return client


def clients(*, agency_id: int | None = None) -> list[ApiClient]:
    query = select(ApiClient).order_by(ApiClient.created_at_utc.desc(), ApiClient.id.desc())
    if agency_id is not None:
        query = query.where(ApiClient.agency_id == agency_id)
    return list(db.session.scalars(query))


def clients_page(*, page=1, per_page=50):
    query = select(ApiClient).order_by(ApiClient.created_at_utc.desc(), ApiClient.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


# --- Idempotency ----------------------------------------------------------------------------------------

def request_hash(body) -> str:
    """The same JSON, whatever its key order or spacing, hashes the same."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def remembered_answer(client: ApiClient, key: str, body_hash: str, endpoint: str) -> IdempotencyRecord | None:
    """The first answer to this key, or None; IdempotencyConflict when the key came with another request."""
    record = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.client_id == client.id,
                                                               IdempotencyRecord.key == key))
    if record is None:
        return None
    if record.request_hash != body_hash or record.endpoint != endpoint:
        raise IdempotencyConflict()
    return record


def remember_answer(client: ApiClient, key: str, body_hash: str, endpoint: str, status: int, body: dict,
                    location: str | None) -> IdempotencyRecord:
    """Keep the answer with the key. Two requests racing with one key: the unique (client, key) refuses
    the second, whose whole transaction (with its referral) then rolls back."""
    record = IdempotencyRecord(client_id=client.id, key=key, request_hash=body_hash, endpoint=endpoint,
                               response_status=status, response_body=body, location=location)
    db.session.add(record)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise IdempotencyConflict() from None
    return record


def link_referral(client: ApiClient, referral, external_reference: str | None) -> ApiReferral:
    link = ApiReferral(referral_id=referral.id, client_id=client.id, external_reference=external_reference)
    db.session.add(link)
    db.session.flush()
    return link


def referral_link(referral_id: int) -> ApiReferral | None:
    return db.session.scalar(select(ApiReferral).where(ApiReferral.referral_id == referral_id))

"""The partner API, /api/v1: JSON in, JSON out, bearer tokens only.

An adapter over the services the web pages use: a referral goes through the referral form's own
checks and service, an intervention through the case service, and a family is read through the
sharing policy record by record. The identity is the token's client alone: the session cookie is
never read here (see `_no_session_for_api`), so there is nothing for CSRF to protect. The client acts
as a designated lead of its agency through its service account; every call is audited and limited.
"""
import hashlib
import json
import re
from datetime import timedelta

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask.sessions import SessionInterface
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from app import audit
from app.api import evidence, serialise, services
from app.api.openapi import IDEMPOTENCY_KEY, build_spec, operation
from app.api.problems import ApiProblem, flatten_messages, problem_response
from app.api.schemas import CreatedOut, EvidenceIn, FamilyOut, InterventionIn, ReferralIn, ReferralOut
from app.auth.access import token_authenticated
from app.cases import services as case_services
from app.cases.access import load_family, record_family_access
from app.cases.models import Family, InterventionType, Person
from app.common.time import as_utc, utcnow
from app.extensions import csrf, db, limiter
from app.referrals import services as referral_services
from app.referrals.models import Referral, ReferralSource
from app.sharing import policy
from app.sharing.policy import Action, Purpose, Viewer

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookie is ever read here, so a cross-site request carries no authority

IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
FAMILY_REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,16}$")  # like HF-000123; anything else is not looked up
NOT_VISIBLE = "No family with that reference that your agency may see"


# --- Wiring: no session, token authentication, rate limit, audit --------------------------------------------

class _NoSessionForApi(SessionInterface):
    """The API never opens the cookie session: a browser's session cannot act on it, and nothing the
    API does can change a browser's session."""

    def __init__(self, inner):
        self.inner = inner

    def open_session(self, app, request):
        if request.path.startswith(bp.url_prefix + "/"):
            return self.make_null_session(app)
        return self.inner.open_session(app, request)

    def save_session(self, app, session, response):
        return self.inner.save_session(app, session, response)


@bp.record_once
def _no_session_for_api(state):
    state.app.session_interface = _NoSessionForApi(state.app.session_interface)


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _rate_key() -> str:
    # Read before authentication (the limiter runs first), so keyed by the token's hash: one per client.
    token = _bearer_token()
    if token:
        return "api-token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "api-anonymous:" + (request.remote_addr or "-")


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _throttled(request_limit):
    client = services.authenticate(_bearer_token())
    audit.record_refusal("ApiCallThrottled", actor=client.service_user if client else None, object_type="endpoint",
                         object_id=request.endpoint, api_client_id=client.id if client else None)


limiter.limit(_rate_limit, key_func=_rate_key, scope="api-client", on_breach=_throttled)(bp)


def _operation_of(endpoint):
    return getattr(current_app.view_functions.get(endpoint), "__openapi__", None)


@bp.before_request
def _authenticate():
    op = _operation_of(request.endpoint)
    if op is not None and not op.secured:
        return None
    client = services.authenticate(_bearer_token())
    if client is None:
        audit.record_refusal("ApiTokenRefused", object_type="endpoint", object_id=request.endpoint,
                             token_given=_bearer_token() is not None)
        return problem_response(401, "Send a valid API token: Authorization: Bearer <token>",
                                headers={"WWW-Authenticate": 'Bearer realm="hearth"'})
    g.api_client = client
    # Flask-Login's current user for this request is the client's service account, never the cookie's.
    g._login_user = client.service_user
    now = utcnow()
    # At most once a minute, so parallel calls of one client do not queue on its row's lock.
    if client.last_used_at_utc is None or as_utc(client.last_used_at_utc) < now - timedelta(minutes=1):
        client.last_used_at_utc = now
    return None


@bp.after_request
def _audit_call(response):
    client = g.get("api_client")
    if client is not None:
        details = {"object_type": "endpoint", "object_id": request.endpoint, "api_client_id": client.id,
                   "method": request.method, "status": response.status_code}
        if response.status_code < 400:
            audit.record("ApiCalled", actor=client.service_user, **details)
        else:
            audit.record_refusal("ApiCallRefused", actor=client.service_user, **details)
    return response


@bp.errorhandler(ApiProblem)
def _api_problem(error):
    return problem_response(error.status, error.detail, errors=error.errors, headers=error.headers)


# --- Helpers ------------------------------------------------------------------------------------------------

def _client():
    return g.api_client


def _viewer() -> Viewer:
    return Viewer.of(_client().service_user)


def _json_body():
    if not request.is_json:
        raise ApiProblem(415, "Send the body as JSON with Content-Type: application/json")
    try:
        return json.loads(request.get_data(cache=True) or b"", parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise ApiProblem(400, "The request body is not valid JSON") from None


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")


def _nul_characters(value, path="body"):
    """Paths of strings holding a NUL character, which no text column can store (PostgreSQL refuses it)."""
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        found = [f"{path}.{key}" for key in value if "\x00" in key]
        for key, item in value.items():
            found += _nul_characters(item, key if path == "body" else f"{path}.{key}")
        return found
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _nul_characters(item, f"{path}.{index}")]
    return []


def _load(schema_class, body):
    if not isinstance(body, dict):
        raise ApiProblem(422, "Send a JSON object", errors={"body": ["Send a JSON object"]})
    nul = _nul_characters(body)
    if nul:
        raise ApiProblem(422, "Some fields have problems",
                         errors={path: ["Remove the NUL character (\\u0000)"] for path in nul})
    try:
        return schema_class().load(body)
    except ValidationError as error:
        raise ApiProblem(422, "Some fields have problems", errors=flatten_messages(error.messages)) from None


def _field_errors(errors: dict[str, str], rename=None) -> dict[str, list[str]]:
    rename = rename or {}
    return {rename.get(name, name): [message] for name, message in errors.items()}


def _idempotent(create):
    """Run `create(body)` once per Idempotency-Key: the same key and body answer as the first time."""
    body = _json_body()
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return create(body)
    if not IDEMPOTENCY_KEY_PATTERN.match(key):
        raise ApiProblem(422, "Idempotency-Key must be 1 to 255 visible characters",
                         errors={"Idempotency-Key": ["Use 1 to 255 visible ASCII characters"]})
    body_hash = services.request_hash(body)
    try:
        remembered = services.remembered_answer(_client(), key, body_hash, request.endpoint)
    except services.IdempotencyConflict:
        raise ApiProblem(409, "This Idempotency-Key was used with a different request") from None
    if remembered is not None:
        response = jsonify(remembered.response_body)
        response.status_code = remembered.response_status
        if remembered.location:
            response.headers["Location"] = remembered.location
        return response
    response = create(body)
    try:
        services.remember_answer(_client(), key, body_hash, request.endpoint, response.status_code,
                                 response.get_json(), response.headers.get("Location"))
    except services.IdempotencyConflict:
        raise ApiProblem(409, "This Idempotency-Key is being used by another request") from None
    return response


def _family_by_reference(reference, action=Action.OPEN_FAMILY, purpose=Purpose.CASE_COORDINATION):
    """The family, its ties and the policy's decision, through the loader the pages use (`load_family`):
    404 (audited) without a legitimate relationship, 403 where the agency may see the family but not do
    this, and every allowed access audited, as problem details."""
    family = (db.session.scalar(select(Family).where(Family.reference == reference))
              if FAMILY_REFERENCE.match(reference) else None)
    if family is None:
        raise ApiProblem(404, NOT_VISIBLE)
    client = _client()
    try:
        family, ties, decision = load_family(client.service_user, family.id, action, purpose,
                                             api_client_id=client.id)
    except Forbidden:
        raise ApiProblem(403, "Your agency may see this family but not do this") from None
    except NotFound:
        raise ApiProblem(404, NOT_VISIBLE) from None
    record_family_access(client.service_user, family, decision, purpose, api_client_id=client.id)
    return family, ties, decision


def _people_by_identifier(family, identifiers, field="people") -> tuple[list[int], dict]:
    """Family members named by NHS number or UPN; an identifier matching no member is a field error."""
    if not identifiers:
        return [], {}
    members = db.session.scalars(select(Person).where(Person.family_id == family.id).order_by(Person.id)).all()
    by_identifier = {}
    for person in members:
        for value in (person.nhs_number, person.upn):
            if value:
                by_identifier[value.upper()] = person.id
    ids, errors = [], {}
    for index, identifier in enumerate(identifiers):
        key = re.sub(r"\s", "", identifier).upper()
        if key in by_identifier:
            ids.append(by_identifier[key])
        else:
            errors[f"{field}.{index}"] = ["No member of this family has that NHS number or UPN"]
    return sorted(set(ids)), errors


# --- The document -------------------------------------------------------------------------------------------

@bp.route("/openapi.json")
@token_authenticated
@operation("This document", tag="Document", secured=False, responses={200: ("The OpenAPI 3.1 document", None, {})})
def openapi_document():
    return jsonify(build_spec(current_app))


# --- Referrals ------------------------------------------------------------------------------------------------

def _referral_body(referral: Referral, external_reference) -> dict:
    return ReferralOut().dump({"id": referral.id, "reference": referral.reference, "status": referral.status.value,
                               "received_on": referral.received_on, "triaged_on": referral.triaged_on,
                               "external_reference": external_reference})


@bp.route("/referrals", methods=["POST"])
@token_authenticated
@operation("Send a referral", tag="Referrals", body=ReferralIn, parameters=[IDEMPOTENCY_KEY],
           errors=(400, 409, 415, 422),
           description="The same content and checks as the referral form. The referral is from your agency.",
           responses={201: ("The referral was received", ReferralOut, {"Location": "The referral's URL"})})
def create_referral():
    return _idempotent(_create_referral)


def _create_referral(body):
    data = _load(ReferralIn, body)
    address = data["address"]
    given = {**address, "no_fixed_address": data["no_fixed_address"], "people": data["people"],
             "reasons": [reason["descriptor"] for reason in data["reasons"]], "summary": data["summary"],
             "consent_position": data["consent_position"],
             "without_agreement_basis": data.get("without_agreement_basis"),
             "without_agreement_reason": data.get("without_agreement_reason")}
    try:
        _, headlines = referral_services.reason_choices()
    except referral_services.NoFrameworkInForce as error:
        raise ApiProblem(422, str(error), errors={"reasons": [str(error)]}) from None
    # The form offers descriptors grouped by headline; here the sender names both, so both must agree.
    headline_of = {d.code: h.code for h in headlines for d in h.descriptors}
    errors = {f"reasons.{i}.headline": ["This descriptor is not under that headline outcome"]
              for i, reason in enumerate(data["reasons"])
              if reason["descriptor"] in headline_of and headline_of[reason["descriptor"]] != reason["headline"]}
    try:
        clean = referral_services.clean_referral(given)
    except referral_services.ReferralInvalid as invalid:
        rename = {name: f"address.{name}" for name in ("address_line_1", "address_line_2", "town", "postcode")}
        errors = {**_field_errors(invalid.errors, rename), **errors}
    except referral_services.NoFrameworkInForce as error:
        errors["reasons"] = [str(error)]
    if errors:
        raise ApiProblem(422, "Some fields have problems", errors=errors)
    client = _client()
    referral = referral_services.create_referral(
        clean, referrer=client.service_user, agency=client.agency,
        source=getattr(ReferralSource, "API", ReferralSource.FORM))
    services.link_referral(client, referral, data.get("external_reference"))
    response = jsonify(_referral_body(referral, data.get("external_reference")))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_referral", referral_id=referral.id)
    return response


@bp.route("/referrals/<int:referral_id>")
@token_authenticated
@operation("A referral your agency sent, with its status", tag="Referrals", errors=(404,),
           responses={200: ("The referral", ReferralOut, {})})
def get_referral(referral_id):
    referral = db.session.get(Referral, referral_id)
    facts = policy.ReferralFacts(referral.referrer_user_id, referral.referring_agency_id) if referral else None
    if facts is None or not policy.may_view_referral(_viewer(), facts):
        if referral is not None:
            audit.record_refusal("ReferralAccessRefused", actor=_client().service_user, object_type="referral",
                                 object_id=referral.id, api_client_id=_client().id)
        raise ApiProblem(404, "No referral with that id from your agency")
    link = services.referral_link(referral.id)
    audit.record("ReferralViewed", actor=_client().service_user, object_type="referral", object_id=referral.id,
                 api_client_id=_client().id)
    return jsonify(_referral_body(referral, link.external_reference if link else None))


# --- Families -------------------------------------------------------------------------------------------------

@bp.route("/families/<reference>")
@token_authenticated
@operation("A family, as your agency may see it", tag="Families", errors=(404,),
           description="Records your agency may not see are listed as withheld, with the holding agency and "
                       "the reason, and without their content.",
           responses={200: ("The family", FamilyOut, {})})
def get_family(reference):
    family, ties, decision = _family_by_reference(reference)
    return jsonify(FamilyOut().dump(serialise.family(family, ties, decision, _viewer())))


@bp.route("/families/<reference>/interventions", methods=["POST"])
@token_authenticated
@operation("Record an intervention your agency delivered", tag="Families", body=InterventionIn,
           parameters=[IDEMPOTENCY_KEY], errors=(400, 403, 404, 409, 415, 422),
           responses={201: ("The intervention was recorded", CreatedOut, {})})
def record_intervention(reference):
    family, _, _ = _family_by_reference(reference, Action.WORK_ON_FAMILY)
    return _idempotent(lambda body: _record_intervention(family, body))


def _record_intervention(family, body):
    data = _load(InterventionIn, body)
    person_ids, errors = _people_by_identifier(family, data["people"])
    kind = db.session.scalar(select(InterventionType).where(InterventionType.code == data["type"],
                                                            InterventionType.active.is_(True)))
    if kind is None:
        errors["type"] = ["Unknown intervention type code"]
    if errors:
        raise ApiProblem(422, "Some fields have problems", errors=errors)
    client = _client()
    try:
        intervention = case_services.record_intervention(
            family, type_id=kind.id, agency=client.agency, occurred_on=data["occurred_on"],
            duration_minutes=data["duration_minutes"], summary=data["summary"], category=data["category"],
            person_ids=person_ids, extra_sensitive=data["extra_sensitive"], actor=client.service_user)
    except case_services.InvalidRecord as invalid:
        rename = {"type_id": "type", "person_ids": "people", "agency_id": "body"}
        raise ApiProblem(422, "Some fields have problems", errors=_field_errors(invalid.errors, rename)) from None
    response = jsonify(CreatedOut().dump({"id": intervention.id, "family_reference": family.reference}))
    response.status_code = 201
    return response


@bp.route("/families/<reference>/evidence", methods=["POST"])
@token_authenticated
@operation("Record outcome evidence", tag="Families", body=EvidenceIn, parameters=[IDEMPOTENCY_KEY],
           errors=(400, 403, 404, 409, 415, 422),
           description="Checked and recorded as through the evidence form. `measure` is the descriptor's kind of "
                       "measure (percentage, count or yes_no); `value` is a number, or yes or no.",
           responses={201: ("The evidence was recorded", CreatedOut, {})})
def record_evidence(reference):
    family, _, _ = _family_by_reference(reference, Action.WORK_ON_FAMILY, Purpose.OUTCOME_EVIDENCE)
    return _idempotent(lambda body: _record_evidence(family, body))


def _record_evidence(family, body):
    data = _load(EvidenceIn, body)
    person_ids, errors = _people_by_identifier(family, data["people"])
    if data["period_end"] < data["period_start"]:
        errors["period_end"] = ["The end of the period must be on or after its start"]
    if errors:
        raise ApiProblem(422, "Some fields have problems", errors=errors)
    client = _client()
    try:
        record = evidence.record(family, data, person_ids, actor=client.service_user,
                                 source=f"{client.agency.name}, through the partner API ({client.name})"[:200])
    except evidence.InvalidEvidence as invalid:
        raise ApiProblem(422, "Some fields have problems", errors=_field_errors(invalid.errors)) from None
    response = jsonify(CreatedOut().dump({"id": record.id, "family_reference": family.reference}))
    response.status_code = 201
    return response

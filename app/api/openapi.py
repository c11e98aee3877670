"""The OpenAPI 3.1 document, generated from the code: each API view declares its operation with
`@operation(...)` (the marshmallow schemas it reads and answers with), and `build_spec` walks the app's
URL map for those declarations. The same schemas validate the requests, so the document is what the
code does."""
import re
from dataclasses import dataclass, field

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from app.api import schemas

PROBLEM = "application/problem+json"
ERROR_TEXT = {
    400: "The request body is not valid JSON",
    401: "No valid bearer token (missing, unknown, revoked or expired)",
    403: "Your agency may see the family but not do this (for example, oversight only)",
    404: "Not found, or not something your agency may see",
    409: "The Idempotency-Key was used before with a different request",
    415: "The request body must be application/json",
    422: "The request is well-formed JSON but its content is refused; `errors` says why, per field",
    429: "Too many requests for this client: wait for Retry-After seconds",
}
COMMON_ERRORS = (401, 429)


@dataclass
class Operation:
    summary: str
    tag: str
    responses: dict  # status -> (description, schema class or None, {header: description})
    body: type | None = None
    errors: tuple = ()
    secured: bool = True
    parameters: list = field(default_factory=list)
    description: str = ""


def operation(summary, *, tag, responses, body=None, errors=(), secured=True, parameters=(), description=""):
    def decorator(view):
        view.__openapi__ = Operation(summary, tag, responses, body, tuple(errors), secured, list(parameters),
                                     description)
        return view

    return decorator


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Any unique string up to 255 characters. Sending the same key with the same body returns "
                   "the first answer; the same key with another body is refused (409).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}

_RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")


def _path_and_parameters(rule):
    parameters = []

    def replace(match):
        converter, name = match.group("converter"), match.group("name")
        schema = {"type": "integer", "minimum": 1} if converter == "int" else {"type": "string", "minLength": 1,
                                                                                 "maxLength": 16}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return _RULE_ARGUMENT.sub(replace, rule.rule), parameters


def _response(description, schema, headers, media_type="application/json"):
    answer = {"description": description}
    if schema is not None:
        answer["content"] = {media_type: {"schema": schema}}
    if headers:
        answer["headers"] = {name: {"description": text, "required": True, "schema": {"type": "string"}}
                             for name, text in headers.items()}
    return answer


def build_spec(app, *, server_url="/"):
    spec = APISpec(title=f"{app.config['SERVICE_NAME']} partner API", version="1.0.0", openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin()], servers=[{"url": server_url}],
                   info={"description": "For partner agencies' systems: send referrals, read the families your "
                                        "agency works with, and record evidence and interventions."})
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                    "description": "An API client's token, from an administrator"})
    for name in ("ReferralIn", "ReferralOut", "FamilyOut", "EvidenceIn", "InterventionIn", "CreatedOut",
                 "ProblemOut"):
        spec.components.schema(name, schema=getattr(schemas, name))
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        view = app.view_functions.get(rule.endpoint)
        op = getattr(view, "__openapi__", None)
        if op is None:
            continue
        path, parameters = _path_and_parameters(rule)
        responses = {str(status): _response(*answer) for status, answer in op.responses.items()}
        errors = (*op.errors, *(COMMON_ERRORS if op.secured else (429,)))
        for status in sorted(set(errors)):
            headers = {"Retry-After": "Seconds to wait"} if status == 429 else (
                {"WWW-Authenticate": "Bearer"} if status == 401 else None)
            responses[str(status)] = _response(ERROR_TEXT[status], schemas.ProblemOut, headers, PROBLEM)
        details = {"summary": op.summary, "tags": [op.tag], "operationId": rule.endpoint.split(".")[-1],
                   "responses": responses, "parameters": parameters + op.parameters,
                   "security": [{"bearerAuth": []}] if op.secured else []}
        if op.description:
            details["description"] = op.description
        if op.body is not None:
            details["requestBody"] = {"required": True,
                                      "content": {"application/json": {"schema": op.body}}}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            spec.path(path=path, operations={method.lower(): details})
    return spec.to_dict()

"""RFC 9457 problem details for the API's own refusals (the request boundary renders the rest, such as
404 for an unknown path or 413 for a body that is too large, in the same shape)."""
from flask import g, jsonify

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "The request body is not valid JSON",
    401: "Authentication required",
    403: "Not allowed",
    404: "Not found",
    409: "Idempotency key reused",
    415: "Unsupported media type",
    422: "The request has problems",
}


class ApiProblem(Exception):
    def __init__(self, status, detail=None, *, errors=None, headers=None):
        super().__init__(detail or TITLES.get(status, ""))
        self.status, self.detail, self.errors, self.headers = status, detail, errors, headers or {}


def problem_response(status, detail=None, *, errors=None, headers=None):
    body = {"type": "about:blank", "title": TITLES.get(status, "There is a problem"), "status": status,
            "request_id": g.get("request_id")}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    response.headers.update(headers or {})
    return response


def flatten_messages(messages, prefix="") -> dict[str, list[str]]:
    """marshmallow's nested messages ({"people": {0: {"nhs_number": [...]}}}) as {"people.0.nhs_number": [...]}."""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_messages(value, name if key != "_schema" else prefix or "body"))
    elif isinstance(messages, (list, tuple)) and all(isinstance(m, str) for m in messages):
        flat[prefix or "body"] = [str(m) for m in messages]
    elif isinstance(messages, (list, tuple)):
        for item in messages:
            flat.update(flatten_messages(item, prefix))
    else:
        flat[prefix or "body"] = [str(messages)]
    return flat

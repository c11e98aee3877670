"""The OpenAPI document is generated from the code, and the API keeps to it: schemathesis generates
requests from the document (a bounded, deterministic number per operation) and sends them to the app
through WSGI with a real token; no answer may be a 5xx, and every answer must match the document."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api import routes
from config import load_config
from tests.integration.api.conftest import referral_body

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]


def test_the_document_describes_every_api_route_and_needs_no_token(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "An API client's token, from an administrator"}
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(f"{routes.bp.name}."):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served
    for path, item in document["paths"].items():
        for operation in item.values():
            if path.endswith("openapi.json"):
                assert operation["security"] == []
                continue
            assert operation["security"] == [{"bearerAuth": []}]
            assert {"401", "429"} <= set(operation["responses"])
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert "application/problem+json" in answer["content"]
    referral_in = document["components"]["schemas"]["ReferralIn"]
    assert referral_in["additionalProperties"] is False
    assert {"people", "reasons", "summary", "consent_position"} <= set(referral_in["required"])


def test_the_document_is_built_from_the_views_declarations(app):
    """Not a file kept beside the code: a new declared view appears in the document."""
    from app.api.openapi import build_spec

    with app.test_request_context():
        document = build_spec(app)
    view = app.view_functions["api.get_referral"]
    assert document["paths"]["/api/v1/referrals/{referral_id}"]["get"]["summary"] == view.__openapi__.summary


OPERATIONS = [
    ("/api/v1/openapi.json", "GET"),
    ("/api/v1/referrals", "POST"),
    ("/api/v1/referrals/{referral_id}", "GET"),
    ("/api/v1/families/{reference}", "GET"),
    ("/api/v1/families/{reference}/interventions", "POST"),
    ("/api/v1/families/{reference}/evidence", "POST"),
]
EXAMPLES = 25  # per operation and generation mode: bounded, and derandomized so a run is repeatable


def test_every_documented_operation_is_fuzzed(client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    assert documented == set(OPERATIONS)


# Every operation with valid data, and every operation that takes input with invalid data too.
RUNS = [(path, method, mode) for path, method in OPERATIONS for mode in GenerationMode
        if mode is GenerationMode.POSITIVE or not path.endswith("openapi.json")]


@pytest.mark.parametrize(("path", "method", "mode"), RUNS)
def test_the_api_keeps_to_its_document(app, client, partner, casework, path, method, mode):
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        operation = schema[path][method]
        # Path parameters pinned to the family the client works with and a referral it sent, so the
        # checks reach past the 404s.
        pinned = {"reference": casework.family.reference} if "{reference}" in path else None
        if "{referral_id}" in path and mode is GenerationMode.POSITIVE:
            sent = client.post("/api/v1/referrals", json=referral_body(), headers=partner.headers)
            pinned = {"referral_id": sent.get_json()["id"]}

        @given(case=operation.as_strategy(mode, path_parameters=pinned))
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=partner.headers, checks=CHECKS)

        run()
    finally:
        app.config["API_RATE_LIMIT"] = load_config("test")["API_RATE_LIMIT"]

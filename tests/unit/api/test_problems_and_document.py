"""Pure pieces of the API: flattening field messages, and turning Flask rules into OpenAPI paths."""
from werkzeug.routing import Map, Rule

from app.api.openapi import _path_and_parameters
from app.api.problems import flatten_messages
from app.api.services import request_hash


def test_nested_messages_become_field_paths():
    messages = {"people": {0: {"nhs_number": ["Not valid."]}, 2: {"given_name": ["Missing."]}},
                "summary": ["Too long."], "_schema": ["Invalid input type."]}
    assert flatten_messages(messages) == {"people.0.nhs_number": ["Not valid."], "people.2.given_name": ["Missing."],
                                          "summary": ["Too long."], "body": ["Invalid input type."]}


def test_rules_become_paths_with_typed_parameters():
    url_map = Map([Rule("/api/v1/referrals/<int:referral_id>", endpoint="a"),
                   Rule("/api/v1/families/<reference>/evidence", endpoint="b")])
    rules = {r.endpoint: r for r in url_map.iter_rules()}
    path, parameters = _path_and_parameters(rules["a"])
    assert path == "/api/v1/referrals/{referral_id}"
    assert parameters[0]["schema"]["type"] == "integer" and parameters[0]["required"]
    path, parameters = _path_and_parameters(rules["b"])
    assert path == "/api/v1/families/{reference}/evidence" and parameters[0]["schema"]["type"] == "string"


def test_the_request_hash_ignores_key_order_and_spacing():
    assert request_hash({"a": 1, "b": [1, 2]}) == request_hash({"b": [1, 2], "a": 1})
    assert request_hash({"a": 1}) != request_hash({"a": 2})

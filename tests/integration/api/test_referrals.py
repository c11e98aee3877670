"""Contract tests for POST /api/v1/referrals and GET /api/v1/referrals/{id}."""
from sqlalchemy import func, select

from app.api.models import ApiReferral
from app.audit.models import AuditEvent
from app.extensions import db
from app.referrals.models import Referral
from tests.integration.api.conftest import make_partner, referral_body

URL = "/api/v1/referrals"


def _post(client, partner, body, **headers):
    return client.post(URL, json=body, headers={**partner.headers, **headers})


def _count():
    return db.session.scalar(select(func.count(Referral.id)))


def test_a_referral_is_created_through_the_referral_service(client, partner):
    response = _post(client, partner, referral_body())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"id", "reference", "status", "received_on", "triaged_on", "external_reference"}
    assert body["status"] == "received" and body["reference"].startswith("RF-")
    assert response.headers["Location"] == f"/api/v1/referrals/{body['id']}"
    referral = db.session.get(Referral, body["id"])
    assert referral.referring_agency_id == partner.agency.id
    assert referral.referrer_user_id == partner.client.service_user_id
    # The form's own normalisation ran: the NHS number is stored without spaces.
    assert referral.people[0].nhs_number == "9434765919"
    assert [r.descriptor_code for r in referral.reasons] == [r["descriptor"] for r in referral_body()["reasons"]]
    link = db.session.scalar(select(ApiReferral).where(ApiReferral.referral_id == referral.id))
    assert link.external_reference == "POL-2026-0042" and link.client_id == partner.client.id
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.request_id.is_not(None))))
    assert {"ReferralReceived", "ApiCalled"} <= actions


def test_the_same_idempotency_key_and_body_return_the_first_referral(client, partner):
    first = _post(client, partner, referral_body(), **{"Idempotency-Key": "abc-123"})
    again = _post(client, partner, referral_body(), **{"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert _count() == 1


def test_the_same_idempotency_key_with_another_body_is_409(client, partner):
    _post(client, partner, referral_body(), **{"Idempotency-Key": "abc-123"})
    conflict = _post(client, partner, referral_body(summary="Something else"), **{"Idempotency-Key": "abc-123"})
    assert conflict.status_code == 409
    assert conflict.mimetype == "application/problem+json"
    assert conflict.get_json()["status"] == 409
    assert _count() == 1


def test_idempotency_keys_belong_to_one_client(client, partner, factory):
    other = make_partner(factory, "health")
    assert _post(client, partner, referral_body(), **{"Idempotency-Key": "k1"}).status_code == 201
    assert _post(client, other, referral_body(summary="Other"), **{"Idempotency-Key": "k1"}).status_code == 201
    assert _count() == 2


def test_the_form_s_checks_apply_with_field_level_messages(client, partner):
    body = referral_body()
    body["people"][0]["nhs_number"] = "9434765918"  # wrong check digit
    body["address"]["postcode"] = "NOT A POSTCODE"
    valid = body["reasons"][0]
    body["reasons"] = [{"headline": valid["headline"], "descriptor": "no_such_code"},
                       {"headline": "not_its_headline", "descriptor": valid["descriptor"]}]
    response = _post(client, partner, body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    # Every problem at once, from the form's own checks and the API's headline check.
    assert set(errors) == {"people.0.nhs_number", "address.postcode", "reasons", "reasons.1.headline"}
    assert all(isinstance(m, list) and m for m in errors.values())
    assert _count() == 0


def test_a_descriptor_under_another_headline_is_refused(client, partner):
    body = referral_body()
    body["reasons"][0]["headline"] = "not_its_headline"
    response = _post(client, partner, body)
    assert response.status_code == 422
    assert "reasons.0.headline" in response.get_json()["errors"]


def test_unknown_fields_are_refused_not_stored(client, partner):
    body = referral_body(agency_id=1)
    body["people"][0]["status"] = "accepted"
    response = _post(client, partner, body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "agency_id" in errors and "people.0.status" in errors
    assert _count() == 0


def test_missing_and_wrongly_typed_fields(client, partner):
    response = _post(client, partner, {"people": "Sarah", "no_fixed_address": "yes", "summary": 12})
    errors = response.get_json()["errors"]
    assert response.status_code == 422
    assert {"people", "no_fixed_address", "summary", "reasons", "consent_position"} <= set(errors)


def test_malformed_json_is_400_and_other_media_types_415(client, partner):
    bad = client.post(URL, data="{not json", content_type="application/json", headers=partner.headers)
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    nan = client.post(URL, data='{"summary": NaN}', content_type="application/json", headers=partner.headers)
    assert nan.status_code == 400
    deep = client.post(URL, data="[" * 100_000 + "]" * 100_000, content_type="application/json",
                       headers=partner.headers)
    assert deep.status_code in (400, 422)
    form = client.post(URL, data={"summary": "x"}, headers=partner.headers)
    assert form.status_code == 415 and form.mimetype == "application/problem+json"
    array = client.post(URL, json=[1, 2], headers=partner.headers)
    assert array.status_code == 422


def test_a_referral_s_status_is_seen_by_its_agency_only(client, partner, factory):
    created = _post(client, partner, referral_body()).get_json()
    mine = client.get(f"{URL}/{created['id']}", headers=partner.headers)
    assert mine.status_code == 200
    assert mine.get_json() == created
    other = make_partner(factory, "health")
    refused = client.get(f"{URL}/{created['id']}", headers=other.headers)
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    assert client.get(f"{URL}/999999", headers=partner.headers).status_code == 404


def test_a_referral_sent_by_a_person_of_the_agency_is_visible_to_its_client(client, partner, factory):
    from tests.integration.referrals.helpers import referral

    practitioner = factory.user("practitioner", agency=partner.agency)
    made = referral(practitioner)
    response = client.get(f"{URL}/{made.id}", headers=partner.headers)
    assert response.status_code == 200
    assert response.get_json()["external_reference"] is None


def test_nul_characters_are_refused_before_the_database(client, partner):
    body = referral_body(summary="Rent\u0000arrears")
    body["people"][1]["given_name"] = "Oli\u0000via"
    response = _post(client, partner, body)
    assert response.status_code == 422
    assert {"summary", "people.1.given_name"} <= set(response.get_json()["errors"])
    assert _count() == 0

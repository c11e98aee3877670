"""The API client pages: admins only; the token is shown once; a second submission creates nothing;
revoking stops the token."""
import re

import pytest
from sqlalchemy import func, select

from app.api import services as api_services
from app.api.models import ApiClient
from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import csrf_token_from, post_form


def _create(admin_client, agency, name="Police case system", days="30"):
    page = admin_client.get("/api-clients/new")
    html = page.get_data(as_text=True)
    token = re.search(r'name="token"[^>]*value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf_token_from(html), "token": token, "agency_id": str(agency.id), "name": name,
            "lifetime_days": days}
    return admin_client.post("/api-clients/new", data=data), data


def test_an_admin_creates_a_client_and_sees_its_token_once(admin_client, factory, client):
    agency = factory.agency("police")
    response, data = _create(admin_client, agency)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    token = re.search(r"(hth_[A-Za-z0-9_-]+)", html).group(1)
    created = db.session.scalar(select(ApiClient))
    assert created.token_hash == api_services.token_hash(token) and created.agency_id == agency.id
    assert response.headers["Cache-Control"] == "no-store"
    # The token works, and is on no other page.
    assert client.get("/api/v1/referrals/1", headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert token not in admin_client.get("/api-clients").get_data(as_text=True)
    # The same form sent again creates nothing.
    again = admin_client.post("/api-clients/new", data=data)
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(ApiClient.id))) == 1
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "ApiClientCreated"))


@pytest.mark.parametrize(("name", "days", "message"), [
    ("", "30", "Enter a name for the client"),
    ("x" * 121, "30", "Name must be 120 characters or fewer"),
    ("System", "0", "Days until it expires must be a whole number between 1 and 730"),
    ("System", "ten", "Days until it expires must be a whole number between 1 and 730"),
])
def test_mistakes_are_shown_and_what_was_typed_kept(admin_client, factory, name, days, message):
    agency = factory.agency("police")
    response, _ = _create(admin_client, agency, name=name, days=days)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    assert db.session.scalar(select(func.count(ApiClient.id))) == 0


def test_an_unknown_agency_is_refused(admin_client):
    response = post_form(admin_client, "/api-clients/new", {"agency_id": "99999", "name": "X", "lifetime_days": "5"})
    assert "Select the agency the client belongs to" in response.get_data(as_text=True)


def test_an_admin_revokes_a_client(admin_client, factory, client):
    agency = factory.agency("health")
    made, token = api_services.create_client(agency=agency, name="GP system")
    db.session.commit()
    listing = admin_client.get("/api-clients").get_data(as_text=True)
    assert "GP system" in listing and made.token_prefix in listing
    response = post_form(admin_client, f"/api-clients/{made.id}/revoke", {})
    assert response.status_code == 302
    assert client.get("/api/v1/referrals/1", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "Revoked" in admin_client.get("/api-clients").get_data(as_text=True)


@pytest.mark.parametrize("role_client", ["key_worker_client", "programme_manager_client", "agency_admin_client",
                                         "ig_officer_client"])
def test_only_admins_reach_the_pages(request, factory, role_client):
    test_client = request.getfixturevalue(role_client)
    made, _ = api_services.create_client(agency=factory.agency("police"), name="S")
    db.session.commit()
    for url in ("/api-clients", "/api-clients/new", f"/api-clients/{made.id}/revoke"):
        assert test_client.get(url).status_code == 403, url
    assert test_client.post(f"/api-clients/{made.id}/revoke").status_code in (400, 403)
    assert db.session.get(ApiClient, made.id).revoked_at_utc is None


def test_a_missing_client_is_404(admin_client):
    assert admin_client.get("/api-clients/999999/revoke").status_code == 404

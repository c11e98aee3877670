"""Administration of agencies: administrators only."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Agency, AgencyKind
from app.extensions import db
from tests.conftest import post_form


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def _agency(name):
    return db.session.scalar(select(Agency).where(Agency.name == name))


def test_admin_adds_an_agency_and_it_is_audited(admin_client):
    response = post_form(admin_client, "/admin/agencies/new",
                         {"name": " Northshire Youth Justice ", "kind": "youth_justice"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/agencies"
    agency = _agency("Northshire Youth Justice")
    assert agency.kind == AgencyKind.YOUTH_JUSTICE and agency.active is True
    event = _events("AgencyCreated")[-1]
    assert (event.object_id, event.actor_user_id) == (str(agency.id), admin_client.user.id)
    listing = admin_client.get("/admin/agencies").get_data(as_text=True)
    assert "Northshire Youth Justice has been added" in listing and "Probation or youth justice" in listing


def test_admin_renames_and_disables_an_agency(admin_client, factory):
    agency = factory.agency("health", name="Old Health Name")
    form = admin_client.get(f"/admin/agencies/{agency.id}/edit").get_data(as_text=True)
    assert 'value="Old Health Name"' in form and 'value="health" selected' in form
    response = post_form(admin_client, f"/admin/agencies/{agency.id}/edit",
                         {"name": "New Health Name", "kind": "health", "status": "disabled"})
    assert response.status_code == 302
    db.session.refresh(agency)
    assert (agency.name, agency.active) == ("New Health Name", False)
    event = _events("AgencyUpdated")[-1]
    assert event.object_id == str(agency.id) and event.details["active"] is False
    assert "Disabled" in admin_client.get("/admin/agencies").get_data(as_text=True)


def test_agency_form_errors_keep_what_was_typed(admin_client):
    response = post_form(admin_client, "/admin/agencies/new", {"name": "Half Typed", "kind": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body and "Select the kind of agency" in body and 'value="Half Typed"' in body
    assert _agency("Half Typed") is None


def test_duplicate_agency_name_is_refused(admin_client, factory):
    factory.agency("police", name="Northshire Police")
    response = post_form(admin_client, "/admin/agencies/new", {"name": "northshire police", "kind": "police"})
    body = response.get_data(as_text=True)
    assert "An agency with that name already exists" in body and 'href="#name"' in body
    assert _events("AgencyCreated") == []


def test_missing_agency_is_404(admin_client):
    assert admin_client.get("/admin/agencies/999999/edit").status_code == 404

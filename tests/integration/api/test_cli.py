"""`flask api-clients create | list | revoke`."""
from sqlalchemy import select

from app.api import services as api_services
from app.api.models import ApiClient
from app.extensions import db


def test_create_prints_the_token_alone_on_the_last_line(app, factory):
    agency = factory.agency("police", name="Northshire Police")
    result = app.test_cli_runner().invoke(args=["api-clients", "create", "--agency", "Northshire Police",
                                                "--name", "Case system"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("hth_") and " " not in token
    client = api_services.authenticate(token)
    assert client is not None and client.agency_id == agency.id and client.name == "Case system"
    listed = app.test_cli_runner().invoke(args=["api-clients", "list"])
    assert "Case system" in listed.output and "active" in listed.output
    revoked = app.test_cli_runner().invoke(args=["api-clients", "revoke", str(client.id)])
    assert revoked.exit_code == 0
    assert api_services.authenticate(token) is None


def test_create_refuses_an_unknown_agency(app):
    result = app.test_cli_runner().invoke(args=["api-clients", "create", "--agency", "Nobody", "--name", "X"])
    assert result.exit_code != 0 and "No agency is called" in result.output
    assert db.session.scalar(select(ApiClient.id)) is None

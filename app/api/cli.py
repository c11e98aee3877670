"""`flask api-clients create | list | revoke`. Each command commits once at its end. `create` prints the
token alone on its last line, so a script can take it with `tail -n 1`; it is never shown again."""
import click
from flask.cli import AppGroup

from app.api import services
from app.api.models import ApiClient
from app.auth import services as auth_services
from app.common.time import utcnow
from app.extensions import db

api_clients_cli = AppGroup("api-clients", help="Manage the partner API's clients and their tokens.")


@api_clients_cli.command("create")
@click.option("--agency", "agency_name", required=True, help="Name of an existing agency.")
@click.option("--name", required=True, help="Name of the client (the partner's system).")
@click.option("--days", default=services.DEFAULT_LIFETIME_DAYS, show_default=True, type=int,
              help="Days until the token expires.")
def create(agency_name, name, days):
    """Create a client; prints its token once, alone on the last line."""
    agency = auth_services.find_agency_by_name(agency_name)
    if agency is None:
        raise click.ClickException(f"No agency is called {agency_name!r}.")
    try:
        client, token = services.create_client(agency=agency, name=name, lifetime_days=days)
    except services.ApiClientError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created API client {client.id} ({client.name}) for {agency.name}, "
               f"expires {client.expires_at_utc:%Y-%m-%d}. Its token, shown once:")
    click.echo(token)


@api_clients_cli.command("list")
def list_clients():
    """List every client, newest first."""
    now = utcnow()
    rows = services.clients()
    if not rows:
        click.echo("No API clients.")
    for client in rows:
        state = "revoked" if client.revoked_at_utc else ("active" if client.is_usable(now) else "expired")
        click.echo(f"{client.id}\t{client.token_prefix}\t{client.name}\t{client.agency.name}\t{state}")


@api_clients_cli.command("families")
@click.argument("client_id", type=int)
def families(client_id):
    """The references of the families a client may read (its agency is on their team), to try the API with."""
    from app.cases.access import visible_families
    from app.cases.models import Family

    client = db.session.get(ApiClient, client_id)
    if client is None:
        raise click.ClickException(f"No API client {client_id}.")
    rows = db.session.scalars(visible_families(client.service_user).order_by(Family.id).limit(50)).all()
    click.echo("\n".join(f.reference for f in rows) if rows else "No families yet: the agency is on no team.")


@api_clients_cli.command("revoke")
@click.argument("client_id", type=int)
def revoke(client_id):
    """Revoke a client's token: it is refused from the next request."""
    client = db.session.get(ApiClient, client_id)
    if client is None:
        raise click.ClickException(f"No API client {client_id}.")
    try:
        services.revoke_client(client)
    except services.ApiClientError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Revoked API client {client.id} ({client.name}).")

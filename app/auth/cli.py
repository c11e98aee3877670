"""`flask users create | list | disable`: accounts from the command line, for the first administrator
and for break-fix. There is no request boundary here, so each command commits once at its end."""
import click
from flask.cli import AppGroup

from app.auth import services
from app.auth.models import Role
from app.auth.passwords import password_problem
from app.common.time import today_london
from app.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="Email address the user signs in with.")
@click.option("--name", required=True, help="The user's full name.")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]), help="The user's role.")
@click.option("--agency", "agency_name", required=True, help="Name of an existing agency.")
@click.option("--designated-lead", is_flag=True, help="Make the user a designated lead for their agency.")
# Never required on the command line (it would land in shell history): read from the environment or
# prompted for, hidden and confirmed.
@click.option("--password", envvar="HEARTH_NEW_USER_PASSWORD", prompt=True, hide_input=True,
              confirmation_prompt=True, help="Initial password (else HEARTH_NEW_USER_PASSWORD, else a prompt).")
def create_user(email, name, role, agency_name, designated_lead, password):
    """Create a user in an existing agency."""
    agency = services.find_agency_by_name(agency_name)
    if agency is None:
        raise click.ClickException(f"No agency is called {agency_name!r}. Create it first or check the name.")
    if not agency.active:
        raise click.ClickException(f"The agency {agency.name!r} is disabled.")
    if services.find_user_by_email(email):
        raise click.ClickException("A user with that email address already exists.")
    if not name.strip():
        raise click.ClickException("Enter the user's full name.")
    problem = password_problem(password or "")
    if problem:
        raise click.ClickException(problem + ".")
    try:
        user = services.create_user(email=email, name=name, role=role, agency=agency, password=password,
                                    is_designated_lead=designated_lead)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created user {user.id} <{user.email}>, {user.role.label.lower()}, {agency.name}.")


@users_cli.command("list")
def list_users():
    """List every user, by name."""
    users = services.all_users()
    if not users:
        click.echo("No users.")
        return
    for user in users:
        flags = ("active" if user.active else "disabled") + (", designated lead" if user.is_designated_lead else "")
        click.echo(f"{user.id}\t{user.email}\t{user.name}\t{user.role.value}\t{user.agency.name}\t{flags}")


@users_cli.command("disable")
@click.option("--email", required=True, help="Email address of the user to disable.")
def disable_user(email):
    """Disable a user and end their sessions."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user has the email address {email!r}.")
    if not user.active:
        click.echo(f"User {user.id} <{user.email}> is already disabled.")
        return
    services.disable_user(user)
    db.session.commit()
    click.echo(f"Disabled user {user.id} <{user.email}> and ended their sessions.")


@users_cli.command("disable-dormant")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to count from (YYYY-MM-DD); default today in London.")
@click.option("--days", type=click.IntRange(min=1), default=services.DORMANT_AFTER_DAYS, show_default=True,
              help="Disable accounts not signed in to for this many days.")
def disable_dormant(today, days):
    """Disable accounts nobody has signed in to for 90 days (audited; ends their sessions)."""
    day = today.date() if today else today_london()
    users = services.disable_dormant_accounts(day, days=days)
    db.session.commit()
    for user in users:
        click.echo(f"Disabled user {user.id} <{user.email}>: not signed in for {days} days.")
    click.echo(f"{len(users)} dormant account{'' if len(users) == 1 else 's'} disabled.")

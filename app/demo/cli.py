"""`flask demo seed`: load the demo council (never in production)."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def seed_command():
    """Load a lived-in demo council: agencies, one account per role, about 200 families."""
    from app.demo.seed import DemoSeedRefused, run_seed

    try:
        result = run_seed(current_app.config)
    except DemoSeedRefused as exc:
        raise click.ClickException(str(exc)) from None
    if result.already_seeded:
        click.echo("The demo data is already there: nothing was added.")
    else:
        db.session.commit()
        for message in result.messages:
            click.echo(message)
        click.echo("Demo council loaded: " + ", ".join(f"{n} {what.replace('_', ' ')}"
                                                       for what, n in result.counts.items()) + ".")
    width = max(len(account.email) for account in result.accounts)
    click.echo(f"\nDemo accounts (password: {current_app.config['DEMO_PASSWORD']}):")
    for account in result.accounts:
        lead = ", designated lead" if account.designated_lead else ""
        click.echo(f"  {account.email.ljust(width)}  {account.role.label} ({account.agency_name}{lead})")

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


@click.command("synth")
@click.option("--families", "family_count", type=click.IntRange(min=1), required=True,
              help="How many families to generate.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same data.")
def synth_command(family_count, seed):
    """Generate a synthetic council of FAMILIES families in bulk, into an empty database (never in production)."""
    import time

    from app.demo.synth.run import SynthRefused, run_synth

    started = time.perf_counter()
    try:
        with click.progressbar(length=family_count, label="Families", show_pos=True, show_eta=True) as bar:
            result = run_synth(current_app.config, family_count, seed=seed, progress=bar.update)
    except SynthRefused as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Synthetic council generated in {time.perf_counter() - started:.1f}s: "
               + ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in result.counts.items()) + ".")
    click.echo(f"Accounts (password: DEMO_PASSWORD): {result.key_worker_emails[0]} ... "
               f"{len(result.key_worker_emails)} key workers, manager1@, finance1@, finance2@, auditor1@, ig1@, "
               "admin1@ (all @synth.test)")

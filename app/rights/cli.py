"""`flask rights anonymise [--dry-run] [--on YYYY-MM-DD]`: the retention run by hand, as the nightly system
job runs it. A dry run lists what would be anonymised and changes nothing."""
from datetime import date

import click
from flask.cli import AppGroup

from app.extensions import db
from app.rights import services

rights_cli = AppGroup("rights", help="Individual rights and retention.")


@rights_cli.command("anonymise")
@click.option("--dry-run", is_flag=True, help="List what would be anonymised; change nothing.")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to judge expiry on (default: today in Europe/London).")
def anonymise_command(dry_run, on):
    """Anonymise families and referrals whose retention has expired, unless under a legal hold."""
    today: date | None = on.date() if on else None
    report = services.run_retention(today, dry_run=dry_run)
    verb = "Would anonymise" if dry_run else "Anonymised"
    for row in report.due:
        click.echo(f"{verb} family {row.reference}: expired {row.expiry.expires_on.isoformat()} ({row.expiry.reason})")
    for row in report.referrals:
        click.echo(f"{verb} referral {row.reference}: {row.status}, expired {row.expires_on.isoformat()}")
    for row in report.kept:
        click.echo(f"Kept family {row.reference}: expired {row.expiry.expires_on.isoformat()}, {row.kept_by}")
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(f"{verb} {len(report.due)} families and {len(report.referrals)} referrals; "
               f"{len(report.kept)} expired families kept.")

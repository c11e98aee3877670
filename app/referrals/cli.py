"""`flask referrals import FILE.csv --as EMAIL`: bulk import, all or nothing (layout: docs/IMPORTS.md)."""
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.extensions import db

referrals_cli = AppGroup("referrals", help="Referrals.")


@referrals_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "email", required=True, help="Email address of the programme manager importing the file.")
def import_command(path, email):
    """Import referrals from a CSV file. Every bad row is reported; if any is bad, nothing is imported."""
    from app.referrals.importer import ImportRefused, import_referrals, max_bytes

    actor = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if actor is None or not actor.active or actor.role != Role.PROGRAMME_MANAGER:
        raise click.ClickException("--as must be the email address of an active programme manager")
    if not path.is_file():
        raise click.ClickException(f"No such file: {path}")
    with path.open("rb") as handle:
        data = handle.read(max_bytes() + 1)
    try:
        result = import_referrals(data, path.name, actor=actor)
    except ImportRefused as refused:
        db.session.rollback()
        click.echo(f"Nothing was imported: {len(refused.problems)} problem(s) in {path.name}", err=True)
        for problem in refused.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"{len(result.referrals)} referral(s) imported from {result.batch.row_count} row(s): "
               + ", ".join(r.reference for r in result.referrals))

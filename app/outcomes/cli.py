"""`flask outcomes import-evidence FILE.csv --agency NAME --descriptor CODE`: bulk evidence import (layout:
docs/IMPORTS.md), all or nothing; then matching, with held rows listed for a person to resolve.
`flask outcomes refresh`: recompute every need's judgement from its evidence."""
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.auth.models import Agency, Role, User
from app.common.time import today_london
from app.extensions import db

outcomes_cli = AppGroup("outcomes", help="Outcome evidence.")


@outcomes_cli.command("import-evidence")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--agency", "agency_name", required=True, help="The agency the data comes from, as Hearth names it.")
@click.option("--descriptor", "code", required=True, help="Code of the outcome-framework descriptor the file measures.")
@click.option("--as", "email", default=None, help="Email address of the programme manager importing the file.")
def import_evidence_command(path, agency_name, code, email):
    """Import evidence from a CSV file. Every bad row is reported; if any is bad, nothing is imported."""
    from app.framework.queries import descriptor_by_code
    from app.framework.services import version_in_force
    from app.outcomes.importer import ImportRefused, import_evidence, max_bytes

    agency = db.session.scalar(select(Agency).where(func.lower(Agency.name) == agency_name.strip().lower()))
    if agency is None or not agency.active:
        raise click.ClickException(f"No active agency is called {agency_name!r}")
    version = version_in_force(today_london())
    descriptor = descriptor_by_code(version, code.strip()) if version is not None else None
    if descriptor is None:
        raise click.ClickException(f"No descriptor has the code {code!r} in the outcome framework in force")
    actor = None
    if email:
        actor = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        if actor is None or not actor.active or actor.role != Role.PROGRAMME_MANAGER:
            raise click.ClickException("--as must be the email address of an active programme manager")
    if not path.is_file():
        raise click.ClickException(f"No such file: {path}")
    with path.open("rb") as handle:
        data = handle.read(max_bytes() + 1)
    try:
        result = import_evidence(data, path.name, agency=agency, descriptor=descriptor, actor=actor)
    except ImportRefused as refused:
        db.session.rollback()
        click.echo(f"Nothing was imported: {len(refused.problems)} problem(s) in {path.name}", err=True)
        for problem in refused.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Import {result.batch.id}: {result.attached} row(s) attached, {result.held} held for a person to "
               f"check at /outcomes/imports/{result.batch.id}")


@outcomes_cli.command("refresh")
def refresh_command():
    """Recompute every need's judgement from its evidence (audited where it changes)."""
    from app.outcomes.services import refresh_all

    changed = refresh_all()
    db.session.commit()
    click.echo(f"{changed} need judgement(s) changed")

"""`flask claims run --round YYYY-MM`: build (or add to) a round's draft claims, idempotently.
`flask claims export --round YYYY-MM --format csv|xlsx --output FILE`: the finance export (docs/EXPORTS.md).
Each command commits once, at its end."""
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app import audit
from app.auth.models import Role, User
from app.claims import exports, rounds, services
from app.common.text import plural
from app.common.time import today_london
from app.extensions import db

claims_cli = AppGroup("claims", help="Payment-by-results claim rounds.")
CLI_ROLES = (Role.FINANCE_OFFICER, Role.ADMIN)


def _month(code):
    try:
        return rounds.parse_round(code)
    except rounds.RoundCodeInvalid as exc:
        raise click.BadParameter(str(exc), param_hint="--round") from None


def _actor(email):
    if not email:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active or user.role not in CLI_ROLES:
        raise click.ClickException("--as must be the email address of an active finance officer or administrator")
    return user


@claims_cli.command("run")
@click.option("--round", "code", required=True, help="The processing month, YYYY-MM.")
@click.option("--as", "email", default=None, help="Email address of the finance officer preparing the round.")
def run_command(code, email):
    """Build the round's draft claims. Running it again only adds families that became claimable."""
    month, actor = _month(code), _actor(email)
    try:
        result = services.build_round(month, actor=actor, today=today_london())
    except services.ClaimsError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    total = services.totals(result.round)
    click.echo(f"Round {result.round.code}: {plural(result.considered, 'family', 'families')} considered, "
               f"{plural(result.added, 'claim')} added; {plural(total.count, 'claim')}, "
               f"{rounds.money(total.amount_pence)} in the round")


@claims_cli.command("export")
@click.option("--round", "code", required=True, help="The processing month, YYYY-MM.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--as", "email", default=None, help="Email address of the finance officer exporting the round.")
def export_command(code, fmt, output, email):
    """Write the finance export of a round (column layout: docs/EXPORTS.md)."""
    month, actor = _month(code), _actor(email)
    claim_round = services.round_for_month(month)
    if claim_round is None:
        raise click.ClickException(f"There is no round for {code}")
    data = exports.export_round(claim_round, fmt)
    output.write_bytes(data)
    audit.record("ClaimRoundExported", actor=actor, object_type="claim_round", object_id=claim_round.id,
                 month=claim_round.code, format=fmt, via="cli")
    db.session.commit()
    click.echo(f"Wrote {output} ({len(data)} bytes)")

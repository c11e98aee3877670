"""`flask audit verify` and `flask audit anchor`."""
import click
from flask.cli import AppGroup

from app.audit.integrity import anchor, verify
from app.extensions import db

audit_cli = AppGroup("audit", help="Check and anchor the audit chain.")


@audit_cli.command("verify")
def verify_command():
    """Exit 0 when the chain is intact; otherwise name the first bad event and exit 1."""
    result = verify()
    if result.ok:
        anchored = f", anchored at {result.anchor_seq}" if result.anchor_seq is not None else ", no anchor yet"
        click.echo(f"Audit chain intact: {result.checked} events{anchored}.")
        return
    click.echo(f"Audit chain BROKEN at event {result.first_bad_seq}: {result.problem}.", err=True)
    raise SystemExit(1)


@audit_cli.command("anchor")
def anchor_command():
    """Record the chain head outside the table, so later truncation is detected."""
    entry = anchor()
    db.session.rollback()
    click.echo(f"Anchored audit chain at event {entry['seq']}.")

"""`flask reports generate TYPE --period YYYY-MM`: make one group report now, with a progress bar.
Made once: if the archive already holds it, the existing entry is shown instead."""
import click
from flask.cli import AppGroup

from app.extensions import db
from app.reporting import reports
from app.reporting.models import ReportType

reports_cli = AppGroup("reports", help="Group reports and statutory returns.")


@reports_cli.command("generate")
@click.argument("report_type", type=click.Choice([t.value for t in ReportType]))
@click.option("--period", required=True, help="YYYY-MM for a month, YYYY-Qn for a quarter.")
def generate_command(report_type, period):
    """Make a report (monthly, quarterly-return, nis-extract) for a period and put it in the archive."""
    with click.progressbar(length=100, label=f"Making the {report_type} report", show_percent=True) as bar:
        state = {"done": 0}

        def progress(done, total, message=None):
            if total:
                target = int(100 * done / total)
                bar.update(max(0, target - state["done"]))
                state["done"] = max(state["done"], target)

        try:
            entry, made = reports.generate(report_type, period, progress=progress)
        except reports.ReportError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        bar.update(100 - state["done"])
    db.session.commit()
    verb = "Made" if made else "Already in the archive:"
    click.echo(f"{verb} {entry.report_type.label} for {entry.period}: {entry.filename} (sha256 {entry.sha256})")

"""`flask framework seed` and `flask framework list`."""
import click
from flask.cli import AppGroup

from app.extensions import db

framework_cli = AppGroup("framework", help="The outcome framework.")


@framework_cli.command("seed")
def seed_command():
    """Load the default outcome framework; only what is missing is added, so it is safe to run again."""
    from app.framework.services import seed_default_framework

    counts = seed_default_framework()
    db.session.commit()
    click.echo(f"Added {counts['versions']} versions, {counts['headlines']} headline outcomes and "
               f"{counts['descriptors']} descriptors.")


@framework_cli.command("list")
@click.option("--version", "version_code", help="Show the headlines and descriptors of this version code.")
def list_command(version_code):
    """List framework versions, or one version's headlines and descriptors."""
    from app.framework import queries

    if version_code:
        version = queries.version_by_code(version_code)
        if version is None:
            raise click.ClickException(f"No framework version with code {version_code}")
        for headline in queries.headlines_with_descriptors(version):
            click.echo(f"{headline.code}: {headline.name}")
            for d in headline.descriptors:
                retired = "" if d.active else " (retired)"
                click.echo(f"  {d.code} [{d.category.value}] {d.description}: {d.rule_text}{retired}")
        return
    versions = queries.list_versions()
    if not versions:
        click.echo("No framework versions. Run `flask framework seed`.")
    for version in versions:
        ends = version.effective_to.isoformat() if version.effective_to else "onwards"
        click.echo(f"{version.code}\t{version.name}\t{version.programme.value}\t"
                   f"{version.effective_from.isoformat()} to {ends}\t{len(version.headlines)} headlines")

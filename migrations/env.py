"""Alembic environment, run by Flask-Migrate (`flask db upgrade`).

Migrations are curated: numbered files (`flask db revision --rev-id 0002 -m "..."`, or `flask db migrate`
with the same option, then read and tidy what it wrote), one head, and batch mode so that SQLite can
alter tables too. The tests check that the models match the head and that upgrade, downgrade and
upgrade again work on SQLite and PostgreSQL.
"""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

import app.models  # noqa: F401  every table, so autogenerate sees the whole schema

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging_config"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db


def run_migrations_offline():
    context.configure(url=str(db.engine.url), target_metadata=db.metadata, literal_binds=True,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty_autogenerate(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    conf_args.setdefault("render_as_batch", True)
    conf_args.setdefault("compare_type", True)

    with db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""The application factory."""
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import load_config


def create_app(env_name=None, **overrides):
    """Build the app for an environment (default: HEARTH_ENV). `overrides` win over the environment."""
    app = Flask(__name__, static_url_path="/assets", static_folder="static", instance_relative_config=True)
    app.config.update(load_config(env_name))
    app.config.update(overrides)

    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)

    # GOV.UK macros are addressed as "govuk_frontend_jinja/..." and "govuk_frontend_wtf/...".
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(Path(__file__).parent / "common" / "templates"),  # base layout and error pages
        PrefixLoader({name: PackageLoader(name) for name in ("govuk_frontend_jinja", "govuk_frontend_wtf")}),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from app.common.text import plural
    from app.common.time import london_text

    app.add_template_filter(london_text, "london_time")  # stored UTC times are shown in Europe/London
    app.add_template_filter(plural, "plural")  # {{ n|plural("family", "families") }}: "1 family", "2 families"

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)

    from app import boundary

    boundary.init_app(app)
    return app


def _init_extensions(app):
    from govuk_frontend_wtf.main import WTFormsHelpers

    from app.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    WTFormsHelpers(app)

    from app.auth import sessions

    sessions.init_login_manager(login_manager)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from app.common.sqlite import enable_sqlite_pragmas

        with app.app_context():
            enable_sqlite_pragmas(db.engine)


def _migrations_dir():
    return Path(__file__).resolve().parent.parent / "migrations"


def _register_blueprints(app):
    from app.api.admin_routes import bp as api_admin_bp
    from app.api.routes import bp as api_bp
    from app.auth.admin_routes import bp as admin_bp
    from app.auth.routes import bp as auth_bp
    from app.cases.routes import bp as cases_bp
    from app.consent.routes import bp as consent_bp
    from app.framework.routes import bp as framework_bp
    from app.home.routes import bp as home_bp
    from app.outcomes.routes import bp as outcomes_bp
    from app.referrals.routes import bp as referrals_bp
    from app.scheduler.routes import bp as scheduler_bp
    from app.teamwork.routes import bp as teamwork_bp

    for blueprint in (home_bp, auth_bp, admin_bp, framework_bp, cases_bp, scheduler_bp, referrals_bp, teamwork_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(consent_bp)
    app.register_blueprint(api_bp), app.register_blueprint(api_admin_bp)
    from app.reporting.routes import bp as reporting_bp
    app.register_blueprint(reporting_bp)
    from app.claims.routes import bp as claims_bp
    app.register_blueprint(claims_bp)
    from app.rights.routes import bp as rights_bp
    app.register_blueprint(rights_bp)


def _register_cli(app):
    from app.api.cli import api_clients_cli
    from app.audit.cli import audit_cli
    from app.auth.cli import users_cli
    from app.demo.cli import demo_cli, synth_command
    from app.framework.cli import framework_cli
    from app.outcomes.cli import outcomes_cli
    from app.referrals.cli import referrals_cli
    from app.scheduler.cli import scheduler_cli

    for group in (audit_cli, users_cli, demo_cli, framework_cli, scheduler_cli, referrals_cli, outcomes_cli):
        app.cli.add_command(group)
    app.cli.add_command(api_clients_cli)
    app.cli.add_command(synth_command)
    from app.reporting.cli import reports_cli
    app.cli.add_command(reports_cli)
    from app.claims.cli import claims_cli
    app.cli.add_command(claims_cli)
    from app.rights.cli import rights_cli
    app.cli.add_command(rights_cli)

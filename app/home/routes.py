"""The home page and the health check."""
from flask import Blueprint, render_template
from sqlalchemy import text

from app.auth.access import public, signed_in
from app.extensions import db

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/")
@signed_in
def index():
    return render_template("home/index.html")


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not ready"
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}

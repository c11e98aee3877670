"""The home page, the pages of grouped menu entries ("Programme", "More"), and the health check."""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.auth.access import public, roles_required, signed_in
from app.auth.models import Role
from app.common import health
from app.common.navigation import group_at, group_sections, register_nav_group, user_groups

bp = Blueprint("home", __name__, template_folder="templates")

# A programme manager reaches thirteen pages; the daily ones stay in the menu (tasks, notifications,
# search, triage, sharing requests) and the rest are gathered on one page, so the menu fits one row.
register_nav_group("programme", "Programme", "home.programme", roles=(Role.PROGRAMME_MANAGER,), order=59, members={
    "Figures and reports": ("reporting.dashboard", "reporting.archive", "claims.index"),
    "Families and outcomes": ("outcomes.near_misses", "outcomes.sustainment", "outcomes.imports"),
    "Referrals and sharing": ("referrals.mine", "consent.break_glass_search"),
    "Reference": ("framework.index",),
})
# Administrators and IG officers keep their daily pages in the menu; the pages they read now and then are
# one click further, on "More".
register_nav_group("admin_more", "More", "home.more", roles=(Role.ADMIN,), order=95,
                   members={"Figures": ("reporting.dashboard", "claims.index"), "Reference": ("framework.index",)})
register_nav_group("ig_more", "More", "home.more", roles=(Role.IG_OFFICER,), order=95,
                   members={"Reports and the study": ("reporting.archive", "reporting.opt_outs"),
                            "Records": ("rights.retention",), "Reference": ("framework.index",)})


@bp.route("/")
@signed_in
def index():
    groups = [(text, group_sections(current_user, key)) for key, text in user_groups(current_user)]
    return render_template("home/index.html", groups=groups)


@bp.route("/programme")
@roles_required(Role.PROGRAMME_MANAGER)
def programme():
    return render_template("home/group.html", page_title="Programme", sections=group_sections(current_user,
                                                                                             "programme"))


@bp.route("/more")
@signed_in
def more():
    key = group_at(current_user, "home.more")
    if key is None:
        abort(404)
    return render_template("home/group.html", page_title="More", sections=group_sections(current_user, key))


@bp.route("/healthz")
@public
def healthz():
    report, ready = health.readiness()
    return report, 200 if ready else 503

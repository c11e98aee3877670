"""Pages of the outcome framework: anyone signed in reads it; administrators change descriptors."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import roles_required, signed_in
from app.auth.models import Role
from app.common.navigation import register_nav
from app.common.time import today_london
from app.framework import queries, services
from app.framework.categories import DataCategory, UnknownHeadline, allowed_categories
from app.framework.forms import ConfirmForm, DescriptorForm, NewDescriptorForm
from app.framework.rules import InvalidDescriptor

bp = Blueprint("framework", __name__, url_prefix="/framework", template_folder="templates")

register_nav("Outcome framework", "framework.index", roles=(), order=80)

EDITORS = (Role.ADMIN,)


def _can_edit(user) -> bool:
    # The same predicate as roles_required(*EDITORS), so the links shown match what the server allows.
    return user.is_authenticated and user.role in EDITORS


def _categories(headline):
    try:
        return allowed_categories(headline.code)
    except UnknownHeadline:
        return tuple(DataCategory)


def _framework_url(version, headline=None):
    return url_for(".index", version=version.code) + (f"#headline-{headline.code}" if headline else "")


@bp.route("")
@signed_in
def index():
    versions = queries.list_versions()
    wanted = request.args.get("version")
    if wanted:
        version = next((v for v in versions if v.code == wanted), None) or abort(404)
    else:
        version = services.version_in_force(today_london()) or (versions[0] if versions else None)
    headlines = queries.headlines_with_descriptors(version) if version else []
    return render_template("framework/index.html", versions=versions, version=version, headlines=headlines,
                           today=today_london(), can_edit=_can_edit(current_user))


@bp.route("/descriptors/<int:descriptor_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_descriptor(descriptor_id):
    descriptor = queries.get_descriptor(descriptor_id) or abort(404)
    form = DescriptorForm(obj=descriptor).for_headline(descriptor.headline.code, _categories(descriptor.headline))
    if form.validate_on_submit():
        try:
            services.update_descriptor(descriptor, form.descriptor_data(), actor=current_user)
        except InvalidDescriptor as refusal:
            form.show_problems(refusal.problems)
        else:
            flash(f"Descriptor {descriptor.code} saved", "success")
            return redirect(_framework_url(descriptor.version, descriptor.headline))
    return render_template("framework/descriptor_form.html", form=form, descriptor=descriptor,
                           headline=descriptor.headline, version=descriptor.version, confirm=ConfirmForm())


@bp.route("/headlines/<int:headline_id>/descriptors/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_descriptor(headline_id):
    headline = queries.get_headline(headline_id) or abort(404)
    categories = _categories(headline)
    form = NewDescriptorForm().for_headline(headline.code, categories)
    if request.method == "GET":
        form.category.data = categories[0].value  # the headline's own category (domain.md)
    if form.validate_on_submit():
        try:
            descriptor = services.add_descriptor(headline, form.descriptor_data(), actor=current_user)
        except InvalidDescriptor as refusal:
            form.show_problems(refusal.problems)
        else:
            flash(f"Descriptor {descriptor.code} added to {headline.name}", "success")
            return redirect(_framework_url(headline.version, headline))
    return render_template("framework/descriptor_form.html", form=form, descriptor=None, headline=headline,
                           version=headline.version)


@bp.route("/descriptors/<int:descriptor_id>/retire", methods=["POST"])
@roles_required(*EDITORS)
def retire_descriptor(descriptor_id):
    descriptor = queries.get_descriptor(descriptor_id) or abort(404)
    try:
        services.retire_descriptor(descriptor, actor=current_user)
    except services.FrameworkError as refusal:
        flash(str(refusal))
    else:
        flash(f"Descriptor {descriptor.code} retired: it is no longer offered for new needs", "success")
    return redirect(_framework_url(descriptor.version, descriptor.headline))


@bp.route("/descriptors/<int:descriptor_id>/reinstate", methods=["POST"])
@roles_required(*EDITORS)
def reinstate_descriptor(descriptor_id):
    descriptor = queries.get_descriptor(descriptor_id) or abort(404)
    try:
        services.reinstate_descriptor(descriptor, actor=current_user)
    except services.FrameworkError as refusal:
        flash(str(refusal))
    else:
        flash(f"Descriptor {descriptor.code} reinstated", "success")
    return redirect(_framework_url(descriptor.version, descriptor.headline))

"""Referral pages: the referral form (question pages over a server-side draft, then check your
answers), my referrals, the triage queue, bulk import, and merging duplicates.

Routes keep the fixed shape: load (404 first), authorise, validate, call a service, redirect; else
re-render with the errors and what was typed."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import audit
from app.auth.access import object_access, roles_required
from app.auth.models import Role
from app.cases import matching, safe_addresses
from app.cases.models import Family, Person
from app.cases.tabs import register_person_action
from app.common.navigation import register_nav
from app.common.text import plural
from app.extensions import db
from app.referrals import forms, importer, merging, queries, services
from app.referrals.models import ConsentPosition, MergeKind, MergeRecord, ReferralStatus, WithoutAgreementBasis
from app.sharing.safe_address import WITHHELD

bp = Blueprint("referrals", __name__, url_prefix="/referrals", template_folder="templates")

REFERRERS = (Role.PRACTITIONER, Role.KEY_WORKER, Role.PROGRAMME_MANAGER)
MANAGERS = (Role.PROGRAMME_MANAGER,)


@bp.record_once
def _register(state):
    from app.referrals.tasks import register_referral_tasks
    from app.referrals.timeline import register_referral_timeline

    register_referral_timeline()
    register_referral_tasks()
    register_nav("Refer a family", "referrals.start", roles=(Role.PRACTITIONER, Role.KEY_WORKER), order=20,
                 match=("referrals.start", "referrals.address", "referrals.people", "referrals.person",
                        "referrals.reasons", "referrals.details", "referrals.check", "referrals.sent"))
    register_nav("My referrals", "referrals.mine", roles=REFERRERS, order=21, match=("referrals.mine",
                                                                                    "referrals.show"))
    register_nav("Triage", "referrals.queue", roles=MANAGERS, order=22,
                 match=("referrals.queue", "referrals.triage", "referrals.accept", "referrals.decline",
                        "referrals.duplicate", "referrals.import_", "referrals.compare", "referrals.merges",
                        "referrals.merge_record", "referrals.person_duplicates"))
    register_person_action("Check for duplicates", "referrals.person_duplicates", roles=MANAGERS)


def _page():
    return max(request.args.get("page", 1, type=int), 1)


def _labels():
    return {"gender": dict(forms.GENDER_CHOICES), "relationship": dict(forms.RELATIONSHIP_CHOICES),
            "consent": {c.value: c.label for c in ConsentPosition},
            "basis": {b.value: b.label for b in WithoutAgreementBasis}}


# --- The referral form ---------------------------------------------------------------------------------

def _draft_data():
    draft = services.get_draft(current_user)
    return draft.data if draft else {"people": []}


def _apply_errors(form, errors: dict, names):
    for name in names:
        if name in errors and hasattr(form, name):
            getattr(form, name).errors = [*getattr(form, name).errors, errors[name]]


def _service_data(data: dict) -> dict:
    """The draft (raw, as typed) as the service's input: dates parsed, everything else as typed."""
    people = []
    for raw in data.get("people") or []:
        person = dict(raw)
        try:
            person["date_of_birth"] = forms.parse_date_parts(raw.get("date_of_birth") or [])
        except ValueError:
            person["date_of_birth"] = None
        people.append(person)
    return {**data, "people": people}


def _sections(data):
    """The task list's sections with their state, from the draft."""
    try:
        services.clean_referral(_service_data(data))
        errors = {}
    except services.ReferralInvalid as exc:
        errors = exc.errors
    except services.NoFrameworkInForce:
        errors = {"reasons": "No outcome framework is in force"}

    def state(started, names):
        if not started:
            return "Not started"
        return "Incomplete" if any(k == n or k.startswith(n + ".") for k in errors for n in names) else "Completed"

    return [
        ("Family address", url_for(".address"),
         state(any(data.get(k) for k in ("address_line_1", "postcode", "no_fixed_address")),
               ["address_line_1", "address_line_2", "town", "postcode"])),
        ("People in the family", url_for(".people"), state(bool(data.get("people")), ["people"])),
        ("Reasons for the referral", url_for(".reasons"), state(bool(data.get("reasons")), ["reasons"])),
        ("Summary and the family's agreement", url_for(".details"),
         state(bool(data.get("summary") or data.get("consent_position")),
               ["summary", "consent_position", "without_agreement_basis", "without_agreement_reason"])),
    ], errors


@bp.route("/new")
@roles_required(*REFERRERS)
def start():
    data = _draft_data()
    sections, errors = _sections(data)
    return render_template("referrals/start.html", sections=sections, ready=not errors,
                           has_draft=services.get_draft(current_user) is not None, discard_form=forms.DiscardForm())


@bp.route("/new/address", methods=["GET", "POST"])
@roles_required(*REFERRERS)
def address():
    data = _draft_data()
    form = forms.AddressForm(data=None if request.method == "POST" else {
        k: data.get(k) for k in ("address_line_1", "address_line_2", "town", "postcode", "no_fixed_address")})
    if form.is_submitted():
        valid = form.validate()
        # Kept as typed even when wrong, so nothing is lost (normalised once it is right).
        typed = {name: ((getattr(form, name).data if valid else request.form.get(name)) or "")[:500]
                 for name in ("address_line_1", "address_line_2", "town", "postcode")}
        services.save_draft(current_user, **typed, no_fixed_address=bool(form.no_fixed_address.data))
        if valid:
            return redirect(url_for(".people"))
    return render_template("referrals/address.html", form=form)


@bp.route("/new/people")
@roles_required(*REFERRERS)
def people():
    data = _draft_data()
    return render_template("referrals/people.html", people=data.get("people") or [], labels=_labels(),
                           remove_form=forms.RemovePersonForm(), max_people=services.MAX_PEOPLE)


@bp.route("/new/people/add", methods=["GET", "POST"], defaults={"index": None})
@bp.route("/new/people/<int:index>", methods=["GET", "POST"])
@roles_required(*REFERRERS)
def person(index):
    data = _draft_data()
    everyone = list(data.get("people") or [])
    if index is not None and not 0 <= index < len(everyone):
        abort(404)
    if index is None and len(everyone) >= services.MAX_PEOPLE:
        flash(f"A referral can include up to {services.MAX_PEOPLE} people")
        return redirect(url_for(".people"))
    form = forms.PersonForm()
    if request.method == "GET" and index is not None:
        saved = everyone[index]
        form = forms.PersonForm(data={k: saved.get(k) for k in forms.PersonForm.FIELDS})
        form.date_of_birth.raw_data = saved.get("date_of_birth") or None
    if form.validate_on_submit():
        if index is None:
            everyone.append(form.raw())
        else:
            everyone[index] = form.raw()
        services.save_draft(current_user, people=everyone)
        return redirect(url_for(".people"))
    return render_template("referrals/person.html", form=form, index=index)


@bp.route("/new/people/<int:index>/remove", methods=["POST"])
@roles_required(*REFERRERS)
def remove_person(index):
    everyone = list(_draft_data().get("people") or [])
    if not 0 <= index < len(everyone) or not forms.RemovePersonForm().validate_on_submit():
        abort(404)
    removed = everyone.pop(index)
    services.save_draft(current_user, people=everyone)
    flash(f"{removed.get('given_name')} {removed.get('family_name')} has been removed", "success")
    return redirect(url_for(".people"))


@bp.route("/new/reasons", methods=["GET", "POST"])
@roles_required(*REFERRERS)
def reasons():
    try:
        version, headlines = services.reason_choices()
    except services.NoFrameworkInForce as exc:
        flash(str(exc))
        return redirect(url_for(".start"))
    codes = [d.code for h in headlines for d in h.descriptors]
    data = _draft_data()
    form = forms.ReasonsForm(valid_codes=codes, data=None if request.method == "POST" else {
        "reasons": data.get("reasons") or []})
    if form.is_submitted():
        valid = form.validate()
        services.save_draft(current_user, reasons=[c for c in request.form.getlist("reasons") if c in codes])
        if valid:
            return redirect(url_for(".details"))
    return render_template("referrals/reasons.html", form=form, headlines=headlines, version=version,
                           chosen=set(form.reasons.data or []))


@bp.route("/new/details", methods=["GET", "POST"])
@roles_required(*REFERRERS)
def details():
    data = _draft_data()
    form = forms.DetailsForm(data=None if request.method == "POST" else {
        k: data.get(k) for k in forms.DetailsForm.FIELDS})
    if form.is_submitted():
        valid = form.validate()
        services.save_draft(current_user, **{k: (request.form.get(k) or "")[:20000] for k in forms.DetailsForm.FIELDS})
        if valid:
            return redirect(url_for(".check"))
    return render_template("referrals/details.html", form=form)


@bp.route("/new/check", methods=["GET", "POST"])
@roles_required(*REFERRERS)
def check():
    form = forms.SendForm()
    sending = form.validate_on_submit()
    if sending:
        # A second send of the same page finds the referral the first one made.
        already = services.referral_by_token(current_user, form.token.data)
        if already is not None:
            return redirect(url_for(".sent", referral_id=already.id))
    draft = services.get_draft(current_user)
    if draft is None:
        flash("You have no referral in progress")
        return redirect(url_for(".start"))
    data = draft.data or {}
    errors, descriptors = {}, {}
    try:
        _, headlines = services.reason_choices()
        descriptors = {d.code: (h.name, d.description) for h in headlines for d in h.descriptors}
    except services.NoFrameworkInForce as exc:
        errors["reasons"] = str(exc)
    if sending and form.token.data != draft.token:
        flash("This referral has changed since you opened the page: check your answers and send it again")
        sending = False
    try:
        if sending:
            referral = services.send_referral(current_user, draft.token, _service_data(data))
            return redirect(url_for(".sent", referral_id=referral.id))
        services.clean_referral(_service_data(data))
    except services.ReferralInvalid as exc:
        errors.update(exc.errors)
    except services.NoFrameworkInForce:
        pass
    form.token.data = draft.token
    return render_template("referrals/check.html", form=form, data=data, errors=errors, descriptors=descriptors,
                           labels=_labels(), error_links=_error_links(errors))


def _error_links(errors: dict) -> list[dict]:
    """The check page's error summary: each problem links to the question page that fixes it."""
    links = []
    for name, message in errors.items():
        if name.startswith("people."):
            index = int(name.split(".")[1])
            href = url_for(".person", index=index)
        elif name == "people":
            href = url_for(".people")
        elif name == "reasons":
            href = url_for(".reasons")
        elif name in ("address_line_1", "address_line_2", "town", "postcode"):
            href = url_for(".address")
        else:
            href = url_for(".details")
        links.append({"text": message, "href": href})
    return links


@bp.route("/new/discard", methods=["POST"])
@roles_required(*REFERRERS)
def discard():
    if not forms.DiscardForm().validate_on_submit():
        abort(400)
    services.discard_draft(current_user)
    flash("Your draft referral has been deleted", "success")
    return redirect(url_for(".start"))


@bp.route("/<int:referral_id>/sent")
@object_access("referral: the referrer or those who may see it")
def sent(referral_id):
    referral = queries.load_referral(current_user, referral_id)
    return render_template("referrals/sent.html", referral=referral)


# --- Seeing referrals ----------------------------------------------------------------------------------

@bp.route("")
@roles_required(*REFERRERS)
def mine():
    page = queries.referrals_page(current_user, page=_page())
    return render_template("referrals/mine.html", page=page)


@bp.route("/<int:referral_id>")
@object_access("referral: referrer, their agency's designated leads, programme managers")
def show(referral_id):
    referral = queries.load_referral(current_user, referral_id)
    audit.record("ReferralViewed", object_type="referral", object_id=referral.id, family_id=referral.family_id)
    return render_template("referrals/show.html", referral=referral, labels=_labels(),
                           descriptors=_descriptor_names(referral), address_withheld=_address_withheld(referral))


def _address_withheld(referral) -> bool:
    """A referral accepted into a family whose address is a safe address the viewer may not see."""
    return referral.family_id is not None and safe_addresses.shield_for(
        current_user, referral.family_id).hides_family_address(referral.family_id)


def _descriptor_names(referral) -> dict:
    from app.framework.models import Descriptor

    rows = db.session.execute(select(Descriptor.code, Descriptor.description)
                              .where(Descriptor.version_id == referral.framework_version_id)).all()
    return dict(rows)


# --- Triage ------------------------------------------------------------------------------------------

@bp.route("/triage")
@roles_required(*MANAGERS)
def queue():
    pagination, entries = queries.triage_queue(current_user, page=_page())
    return render_template("referrals/queue.html", page=pagination, entries=entries, target=queries.triage_target())


def _probes(referral):
    return [matching.PersonProbe(
        given_name=p.given_name, family_name=p.family_name, date_of_birth=p.date_of_birth, postcode=referral.postcode,
        nhs_number=p.nhs_number, upn=p.upn, ni_number=p.ni_number, pnc_number=p.pnc_number,
        gender=p.gender.value, other_names=p.other_names) for p in referral.people]


def _triage_page(referral, *, decline_form=None, duplicate_form=None, status=200):
    family_matches = []
    if referral.status == ReferralStatus.RECEIVED:
        family_matches = matching.find_families(_probes(referral), postcode=referral.postcode,
                                                 viewer=current_user)
    families = {f.id: f for f in db.session.scalars(
        select(Family).where(Family.id.in_([m.family_id for m in family_matches])).order_by(Family.id))}
    return render_template("referrals/triage.html", referral=referral, family_matches=family_matches,
                           families=families, addresses=safe_addresses.shield_for(current_user, *families.values()),
                           address_withheld=_address_withheld(referral), labels=_labels(),
                           descriptors=_descriptor_names(referral),
                           accept_form=forms.AcceptNewFamilyForm(),
                           decline_form=decline_form or forms.DeclineForm(),
                           duplicate_form=duplicate_form or forms.DuplicateForm()), status


def _load_for_triage(referral_id):
    referral = queries.load_referral(current_user, referral_id)
    audit.record("ReferralViewed", object_type="referral", object_id=referral.id, purpose="triage")
    return referral


def _already(referral):
    flash(f"Referral {referral.reference} has already been triaged: it is {referral.status.label.lower()}")
    return redirect(url_for(".triage", referral_id=referral.id))


def _after_acceptance(family):
    """The triage outcome: a family no one leads yet goes on to allocating its key worker, which is the
    accepting manager's next job (domain.md: attached with a lead practitioner named); otherwise back to the
    queue."""
    if family.lead_practitioner_id is None:
        return redirect(url_for("cases.change_lead", family_id=family.id))
    return redirect(url_for(".queue"))


@bp.route("/<int:referral_id>/triage")
@roles_required(*MANAGERS)
def triage(referral_id):
    return _triage_page(_load_for_triage(referral_id))


@bp.route("/<int:referral_id>/accept-new", methods=["POST"])
@roles_required(*MANAGERS)
def accept_new(referral_id):
    referral = _load_for_triage(referral_id)
    if not forms.AcceptNewFamilyForm().validate_on_submit():
        abort(400)
    try:
        family = services.accept_into_new_family(referral, actor=current_user)
    except services.ReferralAlreadyTriaged:
        return _already(referral)
    flash(f"Referral {referral.reference} accepted: family {family.reference} created", "success")
    return _after_acceptance(family)


@bp.route("/<int:referral_id>/accept/<int:family_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def accept(referral_id, family_id):
    referral = _load_for_triage(referral_id)
    family = db.session.get(Family, family_id)
    if family is None:
        abort(404)
    if referral.status != ReferralStatus.RECEIVED:
        return _already(referral)
    members = list(db.session.scalars(select(Person).where(Person.family_id == family.id)
                                      .order_by(Person.date_of_birth.is_(None), Person.date_of_birth, Person.id)))
    member_ids = [m.id for m in members]
    probes = _probes(referral)
    suggestions = {}
    for entry, probe in zip(referral.people, probes, strict=True):
        found = matching.find_people(probe, family_ids=[family.id], limit=1, viewer=current_user)
        suggestions[entry.position] = found[0] if found else None
    form = forms.AcceptExistingForm()
    error = None
    if form.validate_on_submit():
        links = {}
        for entry in referral.people:
            raw = request.form.get(f"person_{entry.position}", "new")
            links[entry.position] = int(raw) if raw.isdigit() and int(raw) in member_ids else None
        try:
            services.accept_into_family(referral, family, links, actor=current_user)
        except services.ReferralAlreadyTriaged:
            return _already(referral)
        except services.InvalidTriage as exc:
            error = str(exc)
        else:
            flash(f"Referral {referral.reference} accepted into family {family.reference}", "success")
            return _after_acceptance(family)
    audit.record("FamilyViewed", object_type="family", object_id=family.id, family_id=family.id,
                 purpose="triage", basis="programme_manager", endpoint=request.endpoint)
    return render_template("referrals/accept.html", referral=referral, family=family, members=members,
                           suggestions=suggestions, form=form, error=error, labels=_labels(),
                           chosen={k: request.form.get(f"person_{k}") for k in suggestions})


@bp.route("/<int:referral_id>/decline", methods=["POST"])
@roles_required(*MANAGERS)
def decline(referral_id):
    referral = _load_for_triage(referral_id)
    form = forms.DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline(referral, form.decline_reason.data, form.triage_note.data, actor=current_user)
        except services.ReferralAlreadyTriaged:
            return _already(referral)
        except services.InvalidTriage as exc:
            getattr(form, exc.field or "decline_reason").errors.append(str(exc))
        else:
            flash(f"Referral {referral.reference} declined", "success")
            return redirect(url_for(".queue"))
    return _triage_page(referral, decline_form=form, status=200)


@bp.route("/<int:referral_id>/duplicate", methods=["POST"])
@roles_required(*MANAGERS)
def duplicate(referral_id):
    referral = _load_for_triage(referral_id)
    form = forms.DuplicateForm()
    if form.validate_on_submit():
        original = queries.referral_by_reference(form.duplicate_of.data)
        try:
            services.mark_duplicate(referral, original, actor=current_user)
        except services.ReferralAlreadyTriaged:
            return _already(referral)
        except services.InvalidTriage as exc:
            form.duplicate_of.errors.append(str(exc))
        else:
            flash(f"Referral {referral.reference} marked as a duplicate of {original.reference}", "success")
            return redirect(url_for(".queue"))
    return _triage_page(referral, duplicate_form=form, status=200)


# --- Bulk import ---------------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def import_():
    form = forms.ImportForm()
    problems = None
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors.append("Select a CSV file")
        else:
            # One byte past the limit is enough for the importer to refuse a file that is too large.
            data = upload.stream.read(importer.max_bytes() + 1)
            try:
                result = importer.import_referrals(data, upload.filename, actor=current_user)
            except importer.ImportRefused as refused:
                problems = refused.problems
                form.file.errors.append(
                    problems[0].message if len(problems) == 1 and problems[0].line is None
                    else f"The file has {plural(len(problems), 'problem')}: nothing was "
                         "imported. Fix them and upload the file again")
            else:
                flash(f"{plural(len(result.referrals), 'referral')} imported",
                      "success")
                return redirect(url_for(".queue"))
    return render_template("referrals/import.html", form=form, problems=problems,
                           columns=importer.ALL_COLUMNS, required=importer.REQUIRED_COLUMNS)


# --- Duplicates and merging ----------------------------------------------------------------------------

@bp.route("/people/<int:person_id>/duplicates")
@roles_required(*MANAGERS)
def person_duplicates(person_id):
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    found = matching.find_people(matching.probe_for(person, current_user), exclude_person_ids=[person.id],
                                viewer=current_user)
    audit.record("PersonDuplicatesSearched", object_type="person", object_id=person.id, person_id=person.id,
                 family_id=person.family_id, results=len(found))
    return render_template("referrals/person_duplicates.html", person=person, found=found)


def _merge_objects(kind, kept_id, merged_id):
    model = merging.MODELS[kind]
    kept, merged = db.session.get(model, kept_id), db.session.get(model, merged_id)
    if kept is None or merged is None or kept.id == merged.id:
        abort(404)
    return kept, merged


def _withhold_safe_addresses(kind, kept, merged, differences):
    """The address choice of a family merge, with a safe address the viewer may not see withheld."""
    if kind != MergeKind.FAMILY:
        return differences
    shield = safe_addresses.shield_for(current_user, kept, merged)

    def shown(family, values):
        return (WITHHELD,) if shield.hides_family_address(family.id) else values

    return [(choice, *((shown(kept, mine), shown(merged, theirs)) if choice == "address" else (mine, theirs)))
            for choice, mine, theirs in differences]


@bp.route("/merge/<kind>/<int:kept_id>/<int:merged_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def compare(kind, kept_id, merged_id):
    try:
        kind = MergeKind(kind)
    except ValueError:
        abort(404)
    kept, merged = _merge_objects(kind, kept_id, merged_id)
    differences = merging.differences(kind, kept, merged)
    shown_differences = _withhold_safe_addresses(kind, kept, merged, differences)
    form = forms.MergeForm()
    error = None
    if form.validate_on_submit():
        choices = {}
        for choice, _, _ in differences:
            side = request.form.get(f"choice_{choice}")
            if side not in ("kept", "merged"):
                error = "Choose which value to keep for each difference"
            choices[choice] = side
        if error is None:
            try:
                record = merging.merge(kind, kept, merged, choices, actor=current_user)
            except merging.MergeError as exc:
                error = str(exc)
            else:
                flash("The records have been merged. You can undo this merge from this page", "success")
                return redirect(url_for(".merge_record", record_id=record.id))
    audit.record("RecordsCompared", object_type=kind.value, object_id=kept.id, other_id=merged.id,
                 family_id=kept.id if kind == MergeKind.FAMILY else kept.family_id)
    return render_template("referrals/compare.html", kind=kind, kept=kept, merged=merged,
                           differences=shown_differences,
                           form=form, error=error, chosen={c: request.form.get(f"choice_{c}") for c, _, _ in
                                                           differences}, labels=_labels())


@bp.route("/merges")
@roles_required(*MANAGERS)
def merges():
    return render_template("referrals/merges.html", page=merging.merge_history(page=_page()))


@bp.route("/merges/<int:record_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def merge_record(record_id):
    record = db.session.get(MergeRecord, record_id)
    if record is None:
        abort(404)
    form = forms.UndoMergeForm()
    error = None
    if form.validate_on_submit():
        try:
            merging.unmerge(record, actor=current_user)
        except merging.MergeError as exc:
            error = str(exc)
        else:
            flash("The merge has been undone: both records are back as they were", "success")
            return redirect(url_for(".merge_record", record_id=record.id))
    return render_template("referrals/merge_record.html", record=record, form=form, error=error)


"""Pages for working together around a family (meetings, messages, documents, handovers) and every
user's "My tasks" and notifications.

Family pages are declared with `family_access(...)`; nested objects are loaded with `get_child_or_404`;
every content record is shown only where the sharing policy allows (`content_decision`), otherwise as
withheld with the agency that holds it and why. Writes need WORK_ON_FAMILY.
"""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import audit
from app.auth.access import signed_in
from app.auth.models import User
from app.cases import queries as case_queries
from app.cases import services as case_services
from app.cases.access import family_access, family_allows, get_child_or_404, register_tie_source, viewer
from app.cases.form_flow import already_sent, fresh_token, show_errors
from app.cases.forms import choices
from app.cases.tabs import register_tab, tabs_for
from app.cases.timeline import register_provider
from app.cases.visibility import content_decision, facts_of, withheld_text
from app.common import notifications
from app.common.navigation import register_nav
from app.common.pdf import render_pdf
from app.common.tasks import task_count, tasks_for
from app.common.text import plural
from app.common.time import today_london
from app.common.uploads import send_stored_file
from app.extensions import db
from app.sharing.policy import Action
from app.teamwork import forms, queries, services
from app.teamwork.models import Document, DocumentVersion, HandoverNote, Meeting, MessageThread
from app.teamwork.tasks import register_teamwork_tasks
from app.teamwork.timeline import PROVIDERS

bp = Blueprint("teamwork", __name__, template_folder="templates")

register_nav("My tasks", "teamwork.my_tasks", order=5, match=("teamwork.my_tasks",),
             count=lambda user: task_count(user))
register_nav("Notifications", "teamwork.notifications_list", order=6, match=("teamwork.notifications_list",),
             count=lambda user: notifications.unread_count(user.id))
register_tab("meetings", "Meetings", "teamwork.meetings", order=93)
register_tab("messages", "Messages", "teamwork.messages", order=94)
register_tab("documents", "Documents", "teamwork.documents", order=95)
for _provider in PROVIDERS:
    register_provider(_provider)
register_teamwork_tasks()
register_tie_source(queries.OUTGOING_LEAD_TIE)


# --- helpers ------------------------------------------------------------------------------------------

def _page_number():
    return max(request.args.get("page", 1, type=int), 1)


def _may_work():
    return family_allows(Action.WORK_ON_FAMILY)


def _render(template, family, tab, **context):
    return render_template(template, family=family, tabs=tabs_for(family, tab), tab=tab, may_work=_may_work(),
                           **context)


def _form_page(family, form, *, title, fields, back, tab, upload=False, hint=None):
    return _render("teamwork/form.html", family, tab, form=form, page_title=title, fields=fields, back=back,
                   upload=upload, hint=hint)


def decide(record, action=Action.VIEW_CONTENT, *, person_ids=None):
    """The policy's answer for one teamwork record (its agency, category and people) for the current user."""
    return content_decision(viewer(), facts_of(g.family_ties, record, person_ids=person_ids), action=action)


def withheld(what, record, decision):
    agency = getattr(record, "holding_agency", None)
    return withheld_text(what, agency.name if agency else "another agency", record.category, decision)


def _people_choices(family):
    return choices((p.id, p.full_name if p.in_household else f"{p.full_name} (left the household)")
                   for p in case_queries.family_people(family))


def _team_pairs(family):
    ids = services.team_user_ids(family)
    users = db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name, User.id)).all() if ids else []
    return [(u.id, f"{u.name}, {u.agency.name}") for u in users]


def _team_choices(family):
    return choices(_team_pairs(family))


# --- my tasks and notifications ---------------------------------------------------------------------

@bp.route("/tasks")
@signed_in
def my_tasks():
    tasks = tasks_for(current_user)
    groups = {}
    for task in tasks:
        groups.setdefault(task.group, []).append(task)
    return render_template("teamwork/tasks.html", groups=groups, total=len(tasks), today=today_london(),
                           page_title="My tasks")


@bp.route("/notifications")
@signed_in
def notifications_list():
    page = notifications.notifications_for(current_user.id, page=_page_number())
    return render_template("teamwork/notifications.html", page=page, form=forms.MarkReadForm(),
                           unread=notifications.unread_count(current_user.id), page_title="Notifications")


@bp.route("/notifications/read", methods=["POST"])
@signed_in
def mark_notifications_read():
    if forms.MarkReadForm().validate_on_submit():
        count = notifications.mark_read(current_user.id)
        flash(f"{plural(count, 'notification')} marked as read", "success")
    return redirect(url_for(".notifications_list"))


# --- messages -----------------------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/messages")
@family_access()
def messages(family):
    page, counts = queries.threads_page(family, page=_page_number())
    people = queries.opening_people([thread.id for thread in page.items])
    threads = [(thread, counts.get(thread.id, 0), decide(thread, person_ids=people.get(thread.id, [])))
               for thread in page.items]
    return _render("teamwork/messages.html", family, "messages", page_title=f"Messages \u2013 {family.reference}",
                   threads=threads, page=page, withheld=withheld)


def _flash_sent(message, form):
    """Sent; and the writer learns whom they asked to tell but who was not told (the policy withholds the
    message from them), so they can share it another way or ask for a basis."""
    flash("Message sent", "success")
    untold = services.untold_mentions(message, form.mention_user_ids.data)
    if untold:
        names = ", ".join(user.name for user in untold)
        flash(f"Not told: {names}. They may not read this message (its agency, category, the people it concerns "
              "or its extra-sensitive mark), so no notification was sent.")


def _message_form(form_class, family):
    form = form_class()
    fresh_token(form)
    form.person_ids.choices = _people_choices(family)
    form.mention_user_ids.choices = choices([p for p in _team_pairs(family) if p[0] != current_user.id])
    return form


@bp.route("/families/<int:family_id>/messages/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_thread(family):
    form = _message_form(forms.ThreadForm, family)
    if already_sent(form):
        flash("That message was already sent", "success")
        return redirect(url_for(".messages", family_id=family.id))
    if form.validate_on_submit():
        try:
            message = services.start_thread(family, subject=form.subject.data, body=form.body.data,
                                            category=form.category.data, person_ids=form.person_ids.data,
                                            mention_user_ids=form.mention_user_ids.data,
                                            extra_sensitive=form.extra_sensitive.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            case_services.use_form_token(form.form_token.data, current_user, message)
            _flash_sent(message, form)
            return redirect(url_for(".thread", family_id=family.id, thread_id=message.thread_id))
    return _form_page(family, form, title="Start a discussion", tab="messages",
                      fields=["subject", "body", "person_ids", "category", "mention_user_ids", "extra_sensitive"],
                      back=url_for(".messages", family_id=family.id),
                      hint="Messages stay inside Hearth. Anyone you tell gets a notification without the content.")


@bp.route("/families/<int:family_id>/messages/<int:thread_id>", methods=["GET", "POST"])
@family_access()
def thread(family, thread_id):
    record = get_child_or_404(MessageThread, thread_id, family)
    subject_decision = decide(record, person_ids=queries.opening_people([record.id]).get(record.id, []))
    # Replying needs a discussion one may read: answering a withheld one would be answering blind.
    form = _message_form(forms.MessageForm, family) if _may_work() and subject_decision else None
    if form is not None and request.method == "GET":
        form.extra_sensitive.data = record.extra_sensitive  # a reply in an extra-sensitive discussion, likely so too
    if request.method == "POST":
        if form is None:
            abort(403)
        if already_sent(form):
            flash("That message was already sent", "success")
            return redirect(url_for(".thread", family_id=family.id, thread_id=record.id))
        if form.validate_on_submit():
            try:
                message = services.reply(record, body=form.body.data, category=form.category.data,
                                         person_ids=form.person_ids.data, mention_user_ids=form.mention_user_ids.data,
                                         extra_sensitive=form.extra_sensitive.data, actor=current_user)
            except services.CaseValidationError as refusal:
                show_errors(form, refusal)
            else:
                case_services.use_form_token(form.form_token.data, current_user, message)
                _flash_sent(message, form)
                return redirect(url_for(".thread", family_id=family.id, thread_id=record.id))
    page = queries.thread_messages_page(record, page=request.args.get("page", type=int))
    rows = [(m, decide(m)) for m in page.items]
    return _render("teamwork/thread.html", family, "messages",
                   page_title="Discussion" if not subject_decision else record.subject, thread=record,
                   subject_decision=subject_decision, rows=rows, page=page, form=form, withheld=withheld)


# --- meetings -----------------------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/meetings")
@family_access()
def meetings(family):
    page = queries.meetings_page(family, page=_page_number())
    return _render("teamwork/meetings.html", family, "meetings", page_title=f"Meetings \u2013 {family.reference}",
                   page=page, rows=[(m, decide(m)) for m in page.items], withheld=withheld, today=today_london())


@bp.route("/families/<int:family_id>/meetings/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_meeting(family):
    form = forms.MeetingForm()
    fresh_token(form)
    form.person_ids.choices = _people_choices(family)
    form.attendee_person_ids.choices = _people_choices(family)
    form.attendee_person_ids.description = "Include the family members who are invited or took part"
    form.attendee_user_ids.choices = _team_choices(family)
    if already_sent(form):
        flash("That meeting was already saved", "success")
        return redirect(url_for(".meetings", family_id=family.id))
    if form.validate_on_submit():
        try:
            meeting = services.record_meeting(
                family, kind=form.kind.data, held_on=form.held_on.data, agenda=form.agenda.data,
                minutes=form.minutes.data, family_views=form.family_views.data, decisions=form.decisions.data,
                category=form.category.data, person_ids=form.person_ids.data,
                attendee_user_ids=form.attendee_user_ids.data, attendee_person_ids=form.attendee_person_ids.data,
                extra_sensitive=form.extra_sensitive.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            case_services.use_form_token(form.form_token.data, current_user, meeting)
            flash("Meeting saved", "success")
            return redirect(url_for(".meeting", family_id=family.id, meeting_id=meeting.id))
    return _form_page(family, form, title="Record a meeting", tab="meetings",
                      fields=["kind", "held_on", "attendee_user_ids", "attendee_person_ids", "agenda", "minutes",
                              "family_views", "decisions", "person_ids", "category", "extra_sensitive"],
                      back=url_for(".meetings", family_id=family.id))


def _load_meeting(family, meeting_id):
    get_child_or_404(Meeting, meeting_id, family)
    return queries.meeting_in_full(meeting_id)


@bp.route("/families/<int:family_id>/meetings/<int:meeting_id>")
@family_access()
def meeting(family, meeting_id):
    record = _load_meeting(family, meeting_id)
    decision = decide(record)
    actions = [(a, content_decision(viewer(), facts_of(g.family_ties, a.plan_goal, whole_family_record=True)))
               for a in record.actions]
    return _render("teamwork/meeting.html", family, "meetings", page_title=record.kind.label, meeting=record,
                   decision=decision, actions=actions, withheld=withheld, today=today_london())


@bp.route("/families/<int:family_id>/meetings/<int:meeting_id>/actions/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_action(family, meeting_id):
    record = get_child_or_404(Meeting, meeting_id, family)
    form = forms.MeetingActionForm()
    fresh_token(form)
    form.owner_user_id.choices = choices([("", "Select a person"), *_team_pairs(family)])
    back = url_for(".meeting", family_id=family.id, meeting_id=record.id)
    if already_sent(form):
        flash("That action was already added", "success")
        return redirect(back)
    if form.validate_on_submit():
        try:
            item = services.add_meeting_action(record, action=form.action.data, owner_user_id=form.owner_user_id.data,
                                               due_on=form.due_on.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            case_services.use_form_token(form.form_token.data, current_user, item)
            flash("Action added to the meeting and the family plan", "success")
            return redirect(back)
    return _form_page(family, form, title="Add an action", tab="meetings", fields=["action", "owner_user_id", "due_on"],
                      back=back)


@bp.route("/families/<int:family_id>/meetings/<int:meeting_id>/minutes.pdf")
@family_access()
def minutes_pdf(family, meeting_id):
    record = _load_meeting(family, meeting_id)
    decision = decide(record, Action.PUT_IN_DOCUMENT)
    actions = [(a, content_decision(viewer(), facts_of(g.family_ties, a.plan_goal, whole_family_record=True),
                                    action=Action.PUT_IN_DOCUMENT))
               for a in record.actions]
    html = render_template("teamwork/pdf/minutes.html", family=family, meeting=record, decision=decision,
                           actions=actions, withheld=withheld, today=today_london(), requested_by=current_user)
    audit.record("MeetingMinutesPrinted", object_type="meeting", object_id=record.id, family_id=family.id,
                 content_shown=bool(decision))
    pdf = render_pdf(html, base_url=request.host_url)
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f'attachment; filename="minutes-{family.reference}-{record.id}.pdf"'}


# --- documents ----------------------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/documents")
@family_access()
def documents(family):
    page = queries.documents_page(family, page=_page_number())
    return _render("teamwork/documents.html", family, "documents",
                   page_title=f"Documents \u2013 {family.reference}", page=page,
                   rows=[(d, decide(d)) for d in page.items], withheld=withheld)


@bp.route("/families/<int:family_id>/documents/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_document(family):
    form = forms.DocumentForm()
    fresh_token(form)
    form.person_ids.choices = _people_choices(family)
    if already_sent(form):
        flash("That document was already uploaded", "success")
        return redirect(url_for(".documents", family_id=family.id))
    if form.validate_on_submit():
        try:
            document = services.add_document(family, title=form.title.data, description=form.description.data,
                                             category=form.category.data, person_ids=form.person_ids.data,
                                             upload=form.upload.data, extra_sensitive=form.extra_sensitive.data,
                                             actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            case_services.use_form_token(form.form_token.data, current_user, document)
            flash("Document uploaded", "success")
            return redirect(url_for(".document", family_id=family.id, document_id=document.id))
    if form.upload.errors:
        form.upload.errors.append("Select the file again: files are not kept when something else needs fixing")
    elif form.errors:
        form.upload.errors = ["Select the file again: files are not kept when something else needs fixing"]
    return _form_page(family, form, title="Upload a document", tab="documents", upload=True,
                      fields=["upload", "title", "description", "person_ids", "category", "extra_sensitive"],
                      back=url_for(".documents", family_id=family.id))


def _load_document(family, document_id):
    record = get_child_or_404(Document, document_id, family)
    return record, decide(record)


@bp.route("/families/<int:family_id>/documents/<int:document_id>")
@family_access()
def document(family, document_id):
    record, decision = _load_document(family, document_id)
    versions = queries.document_versions(record) if decision else []
    if decision:
        audit.record("DocumentViewed", object_type="document", object_id=record.id, family_id=family.id,
                     basis=decision.basis)
    return _render("teamwork/document.html", family, "documents", page_title="Document" if not decision
                   else record.title, document=record, decision=decision, versions=versions, withheld=withheld,
                   may_change=bool(decision) and _may_work())


@bp.route("/families/<int:family_id>/documents/<int:document_id>/versions/<int:version>")
@family_access()
def download(family, document_id, version):
    record, decision = _load_document(family, document_id)
    row = db.session.scalar(select(DocumentVersion).where(DocumentVersion.document_id == record.id,
                                                          DocumentVersion.version == version))
    if row is None:
        abort(404)
    if decision:
        audit.record("DocumentDownloaded", object_type="document", object_id=record.id, family_id=family.id,
                     version=version, basis=decision.basis)
    return send_stored_file(row.stored_file, bool(decision))


@bp.route("/families/<int:family_id>/documents/<int:document_id>/versions/new", methods=["GET", "POST"])
@family_access(Action.WORK_ON_FAMILY)
def new_version(family, document_id):
    record, decision = _load_document(family, document_id)
    if not decision:
        abort(404)
    form = forms.VersionForm()
    fresh_token(form)
    back = url_for(".document", family_id=family.id, document_id=record.id)
    if already_sent(form):
        flash("That version was already uploaded", "success")
        return redirect(back)
    if form.validate_on_submit():
        try:
            version = services.add_document_version(record, upload=form.upload.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            case_services.use_form_token(form.form_token.data, current_user, version)
            flash(f"Version {version.version} uploaded. The earlier versions are kept.", "success")
            return redirect(back)
    return _form_page(family, form, title=f"New version of {record.title}", tab="documents", upload=True,
                      fields=["upload"], back=back)


# --- handover -----------------------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/handover/new", methods=["GET", "POST"])
@family_access(Action.WRITE_HANDOVER)  # the policy's outgoing-lead tie: this form, nothing else of the record
def new_handover(family):
    form = forms.HandoverForm()
    if form.validate_on_submit():
        try:
            services.write_handover(family, open_actions=form.open_actions.data, risks=form.risks.data,
                                    next_meeting=form.next_meeting.data, other_notes=form.other_notes.data,
                                    extra_sensitive=form.extra_sensitive.data, actor=current_user)
        except services.CaseValidationError as refusal:
            show_errors(form, refusal)
        else:
            flash(f"Handover for family {family.reference} sent to the new lead practitioner", "success")
            return redirect(url_for(".my_tasks"))
    return _form_page(family, form, title="Write a handover note", tab="team",
                      fields=["open_actions", "risks", "next_meeting", "other_notes", "extra_sensitive"],
                      back=url_for(".my_tasks"),
                      hint="For the new lead practitioner: what is open, what the risks are, and when the team "
                           "next meets.")


@bp.route("/families/<int:family_id>/handover/<int:note_id>", methods=["GET", "POST"])
@family_access()
def handover(family, note_id):
    note = get_child_or_404(HandoverNote, note_id, family)
    decision = decide(note)
    form = forms.AcknowledgeForm()
    if request.method == "POST":
        if note.incoming_user_id != current_user.id:
            abort(403)
        if form.validate_on_submit():
            services.acknowledge_handover(note, actor=current_user)
            flash("Handover acknowledged", "success")
            return redirect(url_for(".handover", family_id=family.id, note_id=note.id))
    return _render("teamwork/handover.html", family, "team", page_title="Handover note", note=note,
                   decision=decision, form=form, withheld=withheld,
                   may_acknowledge=note.incoming_user_id == current_user.id and note.acknowledged_at_utc is None)

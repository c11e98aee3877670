"""The timeline providers of `cases` itself: status changes, interventions and case notes. Registered
by `register_case_providers()` when the app is created, like every other package's providers."""
import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from app.auth.models import Agency, User
from app.cases.models import CaseNote, ClosureReason, FamilyStatusChange, Intervention, StatusEvent
from app.cases.timeline import TimelineItem, TimelineProvider, register_provider, row
from app.cases.visibility import facts_of
from app.extensions import db


def _agency_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Agency.id, Agency.name).where(Agency.id.in_(ids))).all())


def _status_select(family_id):
    c = FamilyStatusChange
    return sa.select(*row(c.created_at_utc, "status", c.id, c.holding_agency_id)).where(c.family_id == family_id)


def _closure_label(code):
    try:
        return ClosureReason(code).label
    except ValueError:
        return code


def _status_hydrate(ids, ctx):
    changes = db.session.execute(
        sa.select(FamilyStatusChange, User.name).outerjoin(User, User.id == FamilyStatusChange.changed_by_id)
        .where(FamilyStatusChange.id.in_(ids)).order_by(FamilyStatusChange.id)).all()
    names = _agency_names(c.holding_agency_id for c, _ in changes)
    items = {}
    for change, who in changes:
        if change.event == StatusEvent.REOPENED:
            title = "Case reopened"
        elif change.event == StatusEvent.CLOSED:
            title = f"Case closed: {_closure_label(change.closure_reason)}"
        elif change.from_status is None:
            title = f"Case opened as {change.to_status.label.lower()}"
        else:
            title = f"Status changed from {change.from_status.label.lower()} to {change.to_status.label.lower()}"
        items[change.id] = TimelineItem("status", change.id, change.changed_on, title,
                                        agency_name=names.get(change.holding_agency_id),
                                        body=f"By {who}" if who else None, label="Status change")
    return items


def _intervention_select(family_id):
    i = Intervention
    return sa.select(*row(i.occurred_on, "intervention", i.id, i.holding_agency_id, i.category)).where(
        i.family_id == family_id, i.deleted_at_utc.is_(None))


def _intervention_hydrate(ids, ctx):
    interventions = db.session.scalars(
        sa.select(Intervention).where(Intervention.id.in_(ids))
        .options(selectinload(Intervention.people), selectinload(Intervention.type),
                 selectinload(Intervention.holding_agency), selectinload(Intervention.agency))
        .order_by(Intervention.id)).all()
    return {
        i.id: TimelineItem(
            "intervention", i.id, i.occurred_on, f"{i.type.name} ({i.duration_minutes} minutes)",
            agency_name=i.holding_agency.name, category=i.category, body=i.summary,
            people=[p.full_name for p in i.people],
            href=url_for("cases.intervention", family_id=i.family_id, intervention_id=i.id),
            facts=facts_of(ctx.ties, i), label="Intervention")
        for i in interventions
    }


def _note_select(family_id):
    n = CaseNote
    return sa.select(*row(n.created_at_utc, "note", n.id, n.holding_agency_id, n.category)).where(
        n.family_id == family_id)


def _note_hydrate(ids, ctx):
    notes = db.session.scalars(
        sa.select(CaseNote).where(CaseNote.id.in_(ids))
        .options(selectinload(CaseNote.people), selectinload(CaseNote.holding_agency),
                 selectinload(CaseNote.recorded_by))
        .order_by(CaseNote.id)).all()
    return {
        n.id: TimelineItem("note", n.id, n.created_at_utc, "Case note", agency_name=n.holding_agency.name,
                           category=n.category, body=n.body, people=[p.full_name for p in n.people],
                           facts=facts_of(ctx.ties, n), label="Case note")
        for n in notes
    }


def register_case_providers():
    register_provider(TimelineProvider("status", "Status change", _status_select, _status_hydrate, order=10))
    register_provider(TimelineProvider("intervention", "Intervention", _intervention_select, _intervention_hydrate,
                                       order=20))
    register_provider(TimelineProvider("note", "Case note", _note_select, _note_hydrate, order=30))

"""The "evidence recorded" entries of the family timeline, registered with `app.cases.timeline` when the
app is created. Each entry is decided here for the outcome-evidence purpose, so the timeline shows the
same thing as the outcomes tab: the evidence, or who holds it and why it is withheld."""
import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from app.cases.timeline import TimelineItem, TimelineProvider, register_provider, row
from app.cases.visibility import content_decision, facts_of, withheld_text
from app.extensions import db
from app.outcomes.models import Evidence
from app.sharing.policy import Purpose


def value_text(evidence: Evidence) -> str:
    if evidence.value_yes is not None:
        return "Yes" if evidence.value_yes else "No"
    kind = getattr(evidence.descriptor.measure_kind, "value", evidence.descriptor.measure_kind)
    return f"{evidence.value_number:g}{'%' if kind == 'percentage' else ''}"


def _select(family_id):
    e = Evidence
    return sa.select(*row(e.recorded_at_utc, "evidence", e.id, e.holding_agency_id, e.category)).where(
        e.family_id == family_id, e.deleted_at_utc.is_(None))


def _hydrate(ids, ctx):
    records = db.session.scalars(
        sa.select(Evidence).where(Evidence.id.in_(ids))
        .options(selectinload(Evidence.people), selectinload(Evidence.holding_agency),
                 selectinload(Evidence.descriptor))
        .order_by(Evidence.id)).all()
    items = {}
    for e in records:
        decision = content_decision(ctx.viewer, facts_of(ctx.ties, e), Purpose.OUTCOME_EVIDENCE)
        item = TimelineItem("evidence", e.id, e.recorded_at_utc, "Outcome evidence", agency_name=e.holding_agency.name,
                            category=e.category, label="Outcome evidence")
        if decision:
            item.title = f"Outcome evidence: {e.descriptor.description}"
            item.body = (f"{value_text(e)} for {e.period_start.day} {e.period_start:%B %Y} to "
                         f"{e.period_end.day} {e.period_end:%B %Y} ({e.source})")
            item.people = [p.full_name for p in e.people]
            item.href = url_for("outcomes.family", family_id=e.family_id) + f"#evidence-{e.id}"
        else:
            item.withheld = withheld_text("Outcome evidence", e.holding_agency.name, e.category, decision)
        items[e.id] = item
    return items


def register_evidence_timeline():
    register_provider(TimelineProvider("evidence", "Outcome evidence", _select, _hydrate, order=40))

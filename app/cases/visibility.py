"""Record-level decisions for the family record's pages: every content read goes through the policy.

A page that shows needs, interventions, notes, the assessment or the plan asks `content_decision` for
each record and, when the answer is no, shows `withheld_text` instead of the content: which agency
holds it and why ("Intervention by Demo Constabulary withheld: no basis to share crime information
yet"), so nobody acts on a false picture (security.md, "Withheld, not silently missing"). The text
also carries where to ask the holding agency to share (`ask_href`), when a sharing request can help.
"""
from flask import after_this_request, current_app, g, has_request_context, url_for

from app import audit
from app.sharing import policy
from app.sharing.policy import Action, Decision, FamilyTies, Purpose, RecordFacts, Viewer

REASONS = {
    "no_basis": "no basis to share {category} information yet",
    "partial_basis": "no basis to share {category} information yet: not everyone it is about has agreed",
    "no_agreement": "no basis to share {category} information yet",  # no agreement covers the flow
    "extra_sensitive": "it holds extra-sensitive information",
    "no_relationship": "you have no relationship with this family",
    "oversight_only": "programme managers see the operational picture only",
}
# Reasons a sharing request can answer: a basis can be recorded. An agreement or an extra-sensitive
# field cannot be widened by asking.
ASKABLE = frozenset({"no_basis", "partial_basis"})
ASK_ENDPOINT = "consent.ask_to_share"
DECISIONS_PER_EVENT = 200  # keeps each audit event small


class WithheldText(str):
    """The withheld sentence, with the link to ask the holding agency when asking can help."""

    ask_href: str | None = None
    agency_name: str = ""


def facts_of(ties: FamilyTies, record, *, person_ids=None, whole_family_record=False) -> RecordFacts:
    """What the policy needs to know of a record with holding_agency_id, category and people."""
    if person_ids is None:
        person_ids = [p.id for p in getattr(record, "people", ())]
    table = getattr(record, "__tablename__", None)
    return RecordFacts(ties, record.holding_agency_id, getattr(record.category, "value", record.category),
                       frozenset(person_ids), whole_family_record, bool(getattr(record, "extra_sensitive", False)),
                       ref=(table, getattr(record, "id", None)) if table else None)


def content_decision(viewer: Viewer, facts: RecordFacts, purpose: Purpose = Purpose.CASE_COORDINATION,
                     action: Action = Action.VIEW_CONTENT) -> Decision:
    """The policy's answer. Every answer about another agency's record, shown or withheld, is audited
    with its basis (security.md, "Audit"): gathered through the request and written as one event
    before the request's commit, so a page's cost does not grow with what it shows. Generated
    documents and exports ask with `Action.PUT_IN_DOCUMENT`, which never carries extra-sensitive content."""
    decision = policy.decide(viewer, action, facts, purpose)
    if has_request_context():
        _note_decision(viewer, facts, purpose, decision)
    return decision


def _note_decision(viewer, facts, purpose, decision):
    pending = g.get("sharing_decisions")
    if pending is None:
        pending = g.sharing_decisions = {"family_id": facts.family.family_id, "purpose": str(purpose), "rows": []}

        @after_this_request
        def _write(response):
            if response.status_code < 400:
                rows = pending["rows"]
                # One event per DECISIONS_PER_EVENT decisions, so a long page loses none of them.
                for start in range(0, max(len(rows), 1), DECISIONS_PER_EVENT):
                    part = rows[start:start + DECISIONS_PER_EVENT]
                    audit.record("SharingDecided", object_type="family", object_id=pending["family_id"],
                                 family_id=pending["family_id"], purpose=pending["purpose"],
                                 shown=sum(":shown:" in r for r in part),
                                 withheld=sum(":withheld:" in r for r in part), decisions=part)
            return response
    if facts.holding_agency_id != viewer.agency_id:
        object_type, object_id = facts.ref or (None, None)
        # "case_notes:12:held_by:3:shown:consent", ids and codes only
        pending["rows"].append(f"{object_type}:{object_id}:held_by:{facts.holding_agency_id}:"
                               f"{'shown' if decision else 'withheld'}:{decision.basis or decision.reason}")


def category_words(category) -> str:
    label = getattr(category, "label", None)
    if label is None:
        from app.framework.categories import DataCategory

        try:
            label = DataCategory(category).label
        except ValueError:
            label = str(category)
    return label.lower()


def ask_href(decision: Decision) -> str | None:
    facts = decision.record
    if (facts is None or decision.reason not in ASKABLE or not has_request_context()
            or ASK_ENDPOINT not in current_app.view_functions):
        return None
    return url_for(ASK_ENDPOINT, family_id=facts.family.family_id, agency_id=facts.holding_agency_id,
                   category=str(facts.category), people=",".join(str(p) for p in sorted(facts.person_ids)) or None)


def withheld_text(what: str, agency_name: str, category, decision: Decision) -> str:
    why = REASONS.get(decision.reason, "not shared with you").format(category=category_words(category))
    text = WithheldText(f"{what} by {agency_name} withheld: {why}")
    text.ask_href, text.agency_name = ask_href(decision), agency_name
    return text

"""Record-level decisions for the family record's pages: every content read goes through the policy.

A page that shows needs, interventions, notes, the assessment or the plan asks `content_decision` for
each record and, when the answer is no, shows `withheld_text` instead of the content: which agency
holds it and why ("Intervention by Demo Constabulary withheld: no basis to share crime information
yet"), so nobody acts on a false picture (security.md, "Withheld, not silently missing").
"""
from app.sharing import policy
from app.sharing.policy import Action, Decision, FamilyTies, Purpose, RecordFacts, Viewer

REASONS = {
    "no_basis": "no basis to share {category} information yet",
    "no_relationship": "you have no relationship with this family",
    "oversight_only": "programme managers see the operational picture only",
}


def facts_of(ties: FamilyTies, record, *, person_ids=None, whole_family_record=False) -> RecordFacts:
    """What the policy needs to know of a record with holding_agency_id, category and people."""
    if person_ids is None:
        person_ids = [p.id for p in getattr(record, "people", ())]
    return RecordFacts(ties, record.holding_agency_id, getattr(record.category, "value", record.category),
                       frozenset(person_ids), whole_family_record)


def content_decision(viewer: Viewer, facts: RecordFacts,
                     purpose: Purpose = Purpose.CASE_COORDINATION) -> Decision:
    return policy.decide(viewer, Action.VIEW_CONTENT, facts, purpose)


def category_words(category) -> str:
    label = getattr(category, "label", None)
    if label is None:
        from app.framework.categories import DataCategory

        try:
            label = DataCategory(category).label
        except ValueError:
            label = str(category)
    return label.lower()


def withheld_text(what: str, agency_name: str, category, decision: Decision) -> str:
    why = REASONS.get(decision.reason, "not shared with you").format(category=category_words(category))
    return f"{what} by {agency_name} withheld: {why}"

"""The facts builder against hand-built data, and its cost: the same number of queries for one family or many."""
from datetime import date, timedelta

from app.cases import services as case_services
from app.cases.models import Assessment, FamilyStatus, FamilyStatusChange, PlanGoal, StatusEvent
from app.common.time import today_london
from app.extensions import db
from app.outcomes import facts_builder, services
from app.outcomes.facts import CaseEvent, CaseEventKind, ClaimType, NeedEventKind, PreviousClaim
from app.outcomes.facts_builder import build_facts, build_facts_many, load_outcome_data
from tests.integration.outcomes.conftest import attendance, descriptor, term
from tests.querycount import count_statements

S = FamilyStatus


def _history(family, *changes):
    for kind, to_status, on in changes:
        db.session.add(FamilyStatusChange(family_id=family.id, to_status=to_status, event=kind, changed_on=on,
                                          closure_reason="needs_met" if kind == StatusEvent.CLOSED else None))


def test_facts_from_hand_built_data(outcomes):
    o, attached = outcomes, outcomes.family.attached_on
    _history(o.family, (StatusEvent.CHANGED, S.PLAN, attached + timedelta(days=30)),
             (StatusEvent.CLOSED, S.CLOSED, attached + timedelta(days=300)),
             (StatusEvent.REOPENED, S.ACTIVE, attached + timedelta(days=320)),
             (StatusEvent.CLOSED, S.CLOSED, attached + timedelta(days=400)))
    db.session.add(Assessment(family_id=o.family.id, holding_agency_id=o.key_worker.agency_id,
                              completed_on=attached + timedelta(days=20), sections={}))
    db.session.add(PlanGoal(family_id=o.family.id, need_id=o.attendance.id, action="Attend school",
                            owner_agency_id=o.key_worker.agency_id, holding_agency_id=o.key_worker.agency_id))
    db.session.commit()
    evidence = [attendance(o, index, value) for index, value in enumerate((95, 91, 92, 60))]

    facts = build_facts(o.family.id)
    assert facts.family_ref == f"family:{o.family.id}" and facts.attached_on == attached
    assert {(m.person_ref, m.date_of_birth) for m in facts.members} == {
        (f"person:{o.mother.id}", date(1990, 5, 1)), (f"person:{o.child.id}", date(2015, 3, 2))}
    assert facts.lead_practitioner_named
    assert facts.assessment_completed_on == attached + timedelta(days=20)
    assert facts.plan_agreed_on == attached + timedelta(days=30)
    assert facts.case_events == (
        CaseEvent(CaseEventKind.CLOSED, attached + timedelta(days=300), "needs_met"),
        CaseEvent(CaseEventKind.REOPENED, attached + timedelta(days=320)),
        CaseEvent(CaseEventKind.CLOSED, attached + timedelta(days=400), "needs_met"))
    school, crime = facts.needs
    assert (school.need_ref, school.headline_code, school.descriptor_code, school.in_plan, school.at_attachment) == (
        f"need:{o.attendance.id}", "education", "school_attendance_below_90", True, True)
    assert [(e.kind, e.on, e.evidence_ref) for e in school.events] == [
        (NeedEventKind.RESOLVED, term(2)[1], f"evidence:{evidence[2].id}"),
        (NeedEventKind.RECURRED, term(3)[1], f"evidence:{evidence[3].id}")]
    assert (crime.descriptor_code, crime.in_plan, crime.events) == ("proven_offence_or_caution", False, ())


def test_deleted_evidence_and_unattached_families_are_left_out(outcomes):
    evidence = attendance(outcomes, 0, 95)
    services.delete_evidence(evidence, reason="Wrong", actor=outcomes.key_worker)
    waiting = case_services.create_family(postcode="LS1 4AP")
    db.session.commit()
    facts = build_facts_many([outcomes.family.id, waiting.id])
    assert list(facts) == [outcomes.family.id]
    assert all(n.events == () for n in facts[outcomes.family.id].needs)


def test_registered_providers_add_their_part(outcomes):
    claim = PreviousClaim("supporting_families", ClaimType.RESULTS, "claim:1")

    def provider(ids):
        return {outcomes.family.id: {"previous_claims": (claim,)}} if outcomes.family.id in ids else {}

    facts_builder.register_facts_provider(provider)
    try:
        assert build_facts(outcomes.family.id).previous_claims == (claim,)
    finally:
        facts_builder._PROVIDERS.remove(provider)


def test_the_query_count_is_flat_for_many_families(outcomes):
    need = descriptor("rent_arrears")
    ids = [outcomes.family.id]
    for n in range(6):
        family = case_services.create_family(postcode="LS1 4AP", lead_practitioner=outcomes.key_worker,
                                             status=FamilyStatus.ATTACHED, attached_on=today_london() - timedelta(
                                                 days=300), actor=outcomes.key_worker)
        person = case_services.add_person(family, given_name=f"Amy{n}", family_name="Jones",
                                          relationship_to_family="parent", date_of_birth=date(1985, 1, 1 + n))
        made = case_services.add_need(family, descriptor=need, identified_on=family.attached_on,
                                      person_ids=[person.id], actor=outcomes.key_worker)
        services.record_evidence(family, need=made, value="0", period_start=term(0)[0],
                                 period_end=term(0)[1], source="Rent account", actor=outcomes.key_worker)
        ids.append(family.id)
    db.session.commit()
    one = count_statements(lambda: load_outcome_data(ids[:1], with_ties=True))
    many = count_statements(lambda: load_outcome_data(ids, with_ties=True))
    assert one == many
    assert len(load_outcome_data(ids)) == 7

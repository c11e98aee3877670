"""The whole sharing rule (agreements, consent per person, duty to share, safeguarding, answered
requests, break-glass, extra-sensitive) over a table of cases, and `decide` held to a plain
reference reading of security.md on generated data."""
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sharing.policy import (
    Action,
    AgreementFacts,
    BasisFacts,
    ConsentFacts,
    FamilyTies,
    Purpose,
    RecordFacts,
    Tie,
    Viewer,
    decide,
    may_open_family,
    reference_decide,
)

TODAY = date(2026, 6, 1)
COUNCIL, POLICE, HEALTH, SCHOOL = 1, 2, 3, 4
KINDS = {COUNCIL: "early_help", POLICE: "police", HEALTH: "health", SCHOOL: "school"}
MUM, CHILD, DAD = 101, 102, 103
CC, OE = "case_coordination", "outcome_evidence"

KEY_WORKER = Viewer(10, COUNCIL, "key_worker")
HEALTH_VISITOR = Viewer(30, HEALTH, "practitioner")
OFFICER = Viewer(20, POLICE, "practitioner")
MANAGER = Viewer(40, COUNCIL, "programme_manager")
OUTSIDER = Viewer(50, SCHOOL, "practitioner")

HEALTH_TO_COUNCIL = AgreementFacts(frozenset({("health", "early_help", "health", CC), ("police", "early_help", "crime",
                                                                                         CC)}),
                                   date(2026, 1, 1), date(2026, 12, 31))


def consent(person, category="health", agency=None, kind="early_help", purpose=CC, **dates):
    return ConsentFacts(person, frozenset({(category, agency, None if agency else kind, purpose)}),
                        dates.get("given_on", date(2026, 2, 1)), dates.get("expires_on"), dates.get("withdrawn_on"))


BASE = FamilyTies(1, lead_practitioner_id=10, team_user_ids=frozenset({20, 30}),
                  team_agency_ids=frozenset({POLICE, HEALTH}), person_ids=frozenset({MUM, CHILD, DAD}),
                  child_ids=frozenset({CHILD}), agreements=(HEALTH_TO_COUNCIL,), agency_kinds=KINDS,
                  consents=(consent(MUM), consent(CHILD)), on=TODAY)


def record(ties=BASE, agency=HEALTH, category="health", people=(MUM,), **kw):
    return RecordFacts(ties, agency, category, frozenset(people), **kw)


def basis(kind, people=(CHILD,), holding=POLICE, recipient=COUNCIL, category="crime", **kw):
    return BasisFacts(kind, holding, recipient, category, frozenset(people), kw.get("starts_on", date(2026, 3, 1)),
                      kw.get("review_on", date(2026, 9, 1)), kw.get("withdrawn_on"))


CASES = [
    ("consent from the one person the record is about", KEY_WORKER, record(), True, "consent"),
    ("consent from both people", KEY_WORKER, record(people=(MUM, CHILD)), True, "consent"),
    ("one of two people has not agreed", KEY_WORKER, record(people=(MUM, DAD)), False, "partial_basis"),
    ("whole-family record: dad has not agreed", KEY_WORKER, record(people=()), False, "partial_basis"),
    ("consent withdrawn today", KEY_WORKER,
     record(replace(BASE, consents=(consent(MUM, withdrawn_on=TODAY),))), False, "no_basis"),
    ("consent withdrawn from tomorrow still stands today", KEY_WORKER,
     record(replace(BASE, consents=(consent(MUM, withdrawn_on=TODAY + timedelta(1)),))), True, "consent"),
    ("consent expired yesterday", KEY_WORKER,
     record(replace(BASE, consents=(consent(MUM, expires_on=TODAY - timedelta(1)),))), False, "no_basis"),
    ("consent given in the future", KEY_WORKER,
     record(replace(BASE, consents=(consent(MUM, given_on=TODAY + timedelta(1)),))), False, "no_basis"),
    ("consent for another category", KEY_WORKER,
     record(replace(BASE, consents=(consent(MUM, category="housing"),))), False, "no_basis"),
    ("consent for another purpose", KEY_WORKER,
     record(replace(BASE, consents=(consent(MUM, purpose=OE),))), False, "no_basis"),
    ("consent naming the viewer's agency", KEY_WORKER,
     record(replace(BASE, consents=(consent(MUM, agency=COUNCIL),))), True, "consent"),
    ("consent naming another agency", KEY_WORKER,
     record(replace(BASE, consents=(consent(MUM, agency=SCHOOL),))), False, "no_basis"),
    ("no agreement lets health flow to the police", OFFICER, record(), False, "no_agreement"),
    ("agreement expired: consent cannot widen it", KEY_WORKER,
     record(replace(BASE, agreements=(replace(HEALTH_TO_COUNCIL, review_on=TODAY - timedelta(1)),))),
     False, "no_agreement"),
    ("agreement not yet started", KEY_WORKER,
     record(replace(BASE, agreements=(replace(HEALTH_TO_COUNCIL, starts_on=TODAY + timedelta(1)),))),
     False, "no_agreement"),
    ("own agency always", HEALTH_VISITOR, record(ties=replace(BASE, agreements=(), consents=())), True, "own_agency"),
    ("no relationship", OUTSIDER, record(), False, "no_relationship"),
    ("programme manager: rules 1 and 2 hold", MANAGER, record(), True, "consent"),
    ("programme manager: no consent", MANAGER, record(people=(DAD,)), False, "no_basis"),
    ("safeguarding basis about the child", KEY_WORKER,
     record(replace(BASE, bases=(basis("safeguarding"),)), POLICE, "crime", (CHILD,)), True, "safeguarding"),
    ("safeguarding basis for another recipient", KEY_WORKER,
     record(replace(BASE, bases=(basis("safeguarding", recipient=SCHOOL),)), POLICE, "crime", (CHILD,)),
     False, "no_basis"),
    ("safeguarding basis past its review date", KEY_WORKER,
     record(replace(BASE, bases=(basis("safeguarding", review_on=TODAY - timedelta(1)),)), POLICE, "crime", (CHILD,)),
     False, "no_basis"),
    ("safeguarding basis withdrawn", KEY_WORKER,
     record(replace(BASE, bases=(basis("safeguarding", withdrawn_on=TODAY),)), POLICE, "crime", (CHILD,)),
     False, "no_basis"),
    ("safeguarding basis does not cover mum too", KEY_WORKER,
     record(replace(BASE, bases=(basis("safeguarding"),)), POLICE, "crime", (CHILD, MUM)), False, "partial_basis"),
    ("duty to share, not in force", KEY_WORKER,
     record(replace(BASE, bases=(basis("duty_to_share"),)), POLICE, "crime", (CHILD,)), False, "no_basis"),
    ("duty to share, in force, about the child", KEY_WORKER,
     record(replace(BASE, bases=(basis("duty_to_share"),), duty_to_share_in_force=True), POLICE, "crime", (CHILD,)),
     True, "duty_to_share"),
    ("duty to share never covers an adult", KEY_WORKER,
     record(replace(BASE, bases=(basis("duty_to_share", people=(MUM,)),), duty_to_share_in_force=True), POLICE,
            "crime", (MUM,)), False, "no_basis"),
    ("answered request", KEY_WORKER,
     record(replace(BASE, bases=(basis("answered_request", people=(DAD,)),)), POLICE, "crime", (DAD,)),
     True, "answered_request"),
    ("mixed bases, one per person", KEY_WORKER,
     record(replace(BASE, bases=(basis("safeguarding", people=(DAD,), holding=HEALTH, category="health"),)),
            people=(MUM, DAD)), True, "consent+safeguarding"),
    ("extra-sensitive, the holding agency's own user", HEALTH_VISITOR, record(extra_sensitive=True), True,
     "own_agency"),
    ("extra-sensitive, the lead practitioner, with a basis", KEY_WORKER, record(extra_sensitive=True), True, "consent"),
    ("extra-sensitive, the lead practitioner, without a basis", KEY_WORKER,
     record(people=(DAD,), extra_sensitive=True), False, "no_basis"),
    ("extra-sensitive, a team member of another agency, with a basis", OFFICER,
     record(replace(BASE, bases=(basis("safeguarding", holding=HEALTH, recipient=POLICE, category="health",
                                       people=(MUM,)),),
                    agreements=(AgreementFacts(frozenset({("health", "police", "health", CC)}),
                                               date(2026, 1, 1), date(2026, 12, 31)),)), extra_sensitive=True),
     False, "extra_sensitive"),
    ("... the same record, not extra-sensitive", OFFICER,
     record(replace(BASE, bases=(basis("safeguarding", holding=HEALTH, recipient=POLICE, category="health",
                                       people=(MUM,)),),
                    agreements=(AgreementFacts(frozenset({("health", "police", "health", CC)}),
                                               date(2026, 1, 1), date(2026, 12, 31)),))), True, "safeguarding"),
    ("extra-sensitive, a programme manager of another agency", MANAGER, record(extra_sensitive=True), False,
     "extra_sensitive"),
    ("extra-sensitive, a programme manager of the holding agency", MANAGER,
     record(agency=COUNCIL, category="case_note", extra_sensitive=True), True, "own_agency"),
    ("whole-family plan, plan agreed", OFFICER, record(agency=COUNCIL, category="case_note", people=(),
                                                        whole_family_record=True), True, "whole_family_record"),
    ("whole-family plan, agreement to the plan withdrawn", OFFICER,
     record(replace(BASE, plan_agreed=False), COUNCIL, "case_note", (), whole_family_record=True),
     False, "no_agreement"),
    ("information governance is not a sharing purpose", KEY_WORKER, record(), False, "no_basis"),
]


@pytest.mark.parametrize("name, viewer, facts, allowed, reason", CASES, ids=[c[0] for c in CASES])
def test_the_rule_over_a_table_of_cases(name, viewer, facts, allowed, reason):
    purpose = Purpose.INFORMATION_GOVERNANCE if "governance" in name else Purpose.CASE_COORDINATION
    decision = decide(viewer, Action.VIEW_CONTENT, facts, purpose)
    assert (decision.allowed, decision.reason) == (allowed, reason)
    assert reference_decide(viewer, Action.VIEW_CONTENT, facts, purpose) is allowed


@pytest.mark.parametrize("viewer", [HEALTH_VISITOR, KEY_WORKER, Viewer(60, COUNCIL, "internal_auditor")])
def test_extra_sensitive_content_never_goes_into_a_document(viewer):
    """Whoever may read it on screen, a generated PDF or export never carries it; the same record unmarked does."""
    ties = replace(BASE, in_claim_sample=True)
    purpose = Purpose.CLAIM_ASSURANCE if viewer.role == "internal_auditor" else Purpose.CASE_COORDINATION
    marked = record(ties, agency=viewer.agency_id if viewer.role == "internal_auditor" else HEALTH,
                    extra_sensitive=True)
    assert decide(viewer, Action.VIEW_CONTENT, marked, purpose)
    refused = decide(viewer, Action.PUT_IN_DOCUMENT, marked, purpose)
    assert (refused.allowed, refused.reason) == (False, "extra_sensitive")
    assert not reference_decide(viewer, Action.PUT_IN_DOCUMENT, marked, purpose)
    assert decide(viewer, Action.PUT_IN_DOCUMENT, replace(marked, extra_sensitive=False), purpose)


AUDITOR = Viewer(60, COUNCIL, "internal_auditor")
SAMPLED = replace(BASE, consents=(), agreements=(), in_claim_sample=True)
CA = Purpose.CLAIM_ASSURANCE


@pytest.mark.parametrize("name, ties, action, purpose, allowed, reason", [
    ("sampled family, claim assurance: opens it", SAMPLED, Action.OPEN_FAMILY, CA, True, "claim_sample"),
    ("sampled family: another agency's record, with no agreement and no consent (public task)", SAMPLED,
     Action.VIEW_CONTENT, CA, True, "claim_assurance"),
    ("sampled family: in the evidence pack too", SAMPLED, Action.PUT_IN_DOCUMENT, CA, True, "claim_assurance"),
    ("sampled family, but another purpose", SAMPLED, Action.VIEW_CONTENT, Purpose.CASE_COORDINATION, False,
     "no_relationship"),
    ("sampled family, but recording work", SAMPLED, Action.WORK_ON_FAMILY, CA, False, "claim_assurance_read_only"),
    ("a family not in any sample", replace(SAMPLED, in_claim_sample=False), Action.VIEW_CONTENT, CA, False,
     "no_relationship"),
])
def test_internal_auditors_see_a_sampled_familys_evidence_for_claim_assurance(name, ties, action, purpose, allowed,
                                                                             reason):
    facts = record(ties, agency=POLICE, category="crime", people=(MUM,))
    decision = decide(AUDITOR, action, facts, purpose)
    assert (decision.allowed, decision.reason) == (allowed, reason)
    assert reference_decide(AUDITOR, action, facts, purpose) is allowed


def test_other_roles_gain_nothing_from_the_sample():
    for viewer in (OUTSIDER, Viewer(70, COUNCIL, "finance_officer"), Viewer(71, COUNCIL, "ig_officer")):
        assert not decide(viewer, Action.VIEW_CONTENT, record(SAMPLED), CA)
    # a team member's view is what it was: claim assurance is not a sharing purpose
    assert decide(OFFICER, Action.VIEW_CONTENT, record(SAMPLED), CA).reason == "no_basis"


def test_the_outgoing_lead_writes_the_handover_and_nothing_else():
    handing_over = replace(BASE, lead_practitioner_id=11, outgoing_lead_ids=frozenset({KEY_WORKER.user_id}))
    decision = decide(KEY_WORKER, Action.WRITE_HANDOVER, record(handing_over), Purpose.CASE_COORDINATION)
    assert (decision.allowed, decision.tie) == (True, Tie.OUTGOING_LEAD)
    for action in (Action.OPEN_FAMILY, Action.VIEW_CONTENT, Action.WORK_ON_FAMILY):
        assert not decide(KEY_WORKER, action, record(handing_over), Purpose.CASE_COORDINATION)
    # once written (no longer open), or for anyone else, no
    done = replace(handing_over, outgoing_lead_ids=frozenset())
    assert decide(KEY_WORKER, Action.WRITE_HANDOVER, record(done), Purpose.CASE_COORDINATION).reason == \
        "no_open_handover"
    refused = decide(OFFICER, Action.WRITE_HANDOVER, record(handing_over), Purpose.CASE_COORDINATION)
    assert (refused.allowed, refused.tie) == (False, Tie.TEAM_MEMBER)  # 403, not 404: the officer knows the family


GLASS = replace(BASE, consents=(), break_glass_user_ids=frozenset({OUTSIDER.user_id, MANAGER.user_id}))


def test_break_glass_opens_the_family_and_stands_in_for_the_basis():
    assert may_open_family(OUTSIDER, GLASS).tie == Tie.BREAK_GLASS
    assert decide(OUTSIDER, Action.VIEW_CONTENT, record(GLASS), Purpose.CASE_COORDINATION).allowed is False  # rule 1
    school_ok = replace(GLASS, agreements=(AgreementFacts(frozenset({("health", "school", "health", CC)}),
                                                          date(2026, 1, 1), date(2026, 12, 31)),))
    assert decide(OUTSIDER, Action.VIEW_CONTENT, record(school_ok), Purpose.CASE_COORDINATION).reason == "break_glass"
    assert decide(MANAGER, Action.VIEW_CONTENT, record(GLASS), Purpose.CASE_COORDINATION).reason == "break_glass"
    # ... but never extra-sensitive fields, even the glass-breaker's own agency's, and never work on the family
    assert not decide(OUTSIDER, Action.VIEW_CONTENT, record(school_ok, extra_sensitive=True), Purpose.CASE_COORDINATION)
    own = record(school_ok, agency=SCHOOL, extra_sensitive=True)
    assert decide(OUTSIDER, Action.VIEW_CONTENT, own, Purpose.CASE_COORDINATION).reason == "extra_sensitive"
    assert decide(OUTSIDER, Action.VIEW_CONTENT, replace(own, extra_sensitive=False), Purpose.CASE_COORDINATION)
    assert not decide(OUTSIDER, Action.WORK_ON_FAMILY, record(GLASS), Purpose.CASE_COORDINATION)
    # ... and without a grant the outsider cannot even open it
    assert not may_open_family(OUTSIDER, BASE)


def test_a_refusal_names_the_record_so_the_page_can_offer_to_ask():
    facts = record(people=(DAD,))
    decision = decide(KEY_WORKER, Action.VIEW_CONTENT, facts, Purpose.CASE_COORDINATION)
    assert decision.record is facts and not decision


# --- decide against the reference reading, on generated data ------------------------------------------

agencies = st.sampled_from([COUNCIL, POLICE, HEALTH, SCHOOL])
kinds = st.sampled_from(sorted(set(KINDS.values())))
categories = st.sampled_from(["health", "crime", "case_note"])
purposes = st.sampled_from([CC, OE])
people = st.sets(st.sampled_from([MUM, CHILD, DAD]), max_size=3).map(frozenset)
days = st.integers(-200, 200).map(lambda n: TODAY + timedelta(n))
consents = st.builds(
    ConsentFacts, st.sampled_from([MUM, CHILD, DAD]),
    st.sets(st.tuples(categories, st.none() | agencies, kinds, purposes).map(
        lambda t: (t[0], t[1], None if t[1] is not None else t[2], t[3])), min_size=1, max_size=3).map(frozenset),
    days, st.none() | days, st.none() | days)
bases = st.builds(BasisFacts, st.sampled_from(["duty_to_share", "safeguarding", "answered_request"]), agencies,
                  agencies, categories, people, days, days, st.none() | days)
agreements = st.builds(AgreementFacts, st.sets(st.tuples(kinds, kinds, categories, purposes), max_size=6)
                       .map(frozenset), days, days)
viewers = st.builds(Viewer, st.integers(10, 14), agencies,
                    st.sampled_from(["key_worker", "practitioner", "programme_manager", "ig_officer",
                                     "internal_auditor", "finance_officer"]), st.booleans())
ties = st.builds(
    FamilyTies, st.just(1), st.none() | st.integers(10, 14), st.sets(st.integers(10, 14)).map(frozenset),
    st.sets(agencies).map(frozenset), person_ids=st.just(frozenset({MUM, CHILD, DAD})),
    child_ids=st.sampled_from([frozenset({CHILD}), frozenset()]), consents=st.lists(consents, max_size=4).map(tuple),
    bases=st.lists(bases, max_size=3).map(tuple), agreements=st.lists(agreements, max_size=2).map(tuple),
    agency_kinds=st.just(KINDS), break_glass_user_ids=st.sets(st.integers(10, 14), max_size=1).map(frozenset),
    plan_agreed=st.booleans(), duty_to_share_in_force=st.booleans(), in_claim_sample=st.booleans(),
    outgoing_lead_ids=st.sets(st.integers(10, 14), max_size=2).map(frozenset), on=st.just(TODAY))


def reference_allows(viewer, action, facts, purpose):
    """`reference_decide`, with allocation read plainly from domain.md: programme managers allocate key workers
    (any family, whoever leads it or not); the lead, the team and a team agency's designated leads may hand
    the case on; nobody else, whatever they may look at."""
    if action != Action.ALLOCATE:
        return reference_decide(viewer, action, facts, purpose)
    ties = facts.family
    working = viewer.role in ("key_worker", "practitioner", "programme_manager")
    close = working and (ties.lead_practitioner_id == viewer.user_id or viewer.user_id in ties.team_user_ids
                         or (viewer.is_designated_lead and viewer.agency_id in ties.team_agency_ids))
    return viewer.role == "programme_manager" or close


@settings(max_examples=600, deadline=None)
@given(viewer=viewers, family=ties, holding=agencies, category=categories, about=people, whole=st.booleans(),
       sensitive=st.booleans(), action=st.sampled_from(list(Action)),
       purpose=st.sampled_from(list(Purpose)))
def test_decide_matches_the_reference_reading(viewer, family, holding, category, about, whole, sensitive, action,
                                              purpose):
    facts = RecordFacts(family, holding, category, about, whole, sensitive)
    assert decide(viewer, action, facts, purpose).allowed is reference_allows(viewer, action, facts, purpose)


UNALLOCATED = replace(BASE, lead_practitioner_id=None, team_user_ids=frozenset(), team_agency_ids=frozenset())


@pytest.mark.parametrize("name, viewer, ties, allowed, reason", [
    ("a manager allocates a referred family that no one works on", MANAGER, UNALLOCATED, True, "allocation"),
    ("a manager changes the lead of a family with one", MANAGER, BASE, True, "allocation"),
    ("a manager under an emergency grant still allocates", MANAGER,
     replace(UNALLOCATED, break_glass_user_ids=frozenset({MANAGER.user_id})), True, "allocation"),
    ("the lead practitioner hands the case on", KEY_WORKER, BASE, True, "lead_practitioner"),
    ("a team member hands the case on", OFFICER, BASE, True, "team_member"),
    ("a key worker with no tie cannot take a family", KEY_WORKER, UNALLOCATED, False, "no_relationship"),
    ("an emergency grant only looks", OUTSIDER, replace(BASE, break_glass_user_ids=frozenset({OUTSIDER.user_id})),
     False, "break_glass_read_only"),
    ("an IG officer only looks", Viewer(80, COUNCIL, "ig_officer"), BASE, False, "no_relationship"),
])
def test_who_may_allocate_the_lead_practitioner(name, viewer, ties, allowed, reason):
    facts = record(ties)
    decision = decide(viewer, Action.ALLOCATE, facts, Purpose.CASE_COORDINATION)
    assert (decision.allowed, decision.reason) == (allowed, reason)
    assert reference_allows(viewer, Action.ALLOCATE, facts, Purpose.CASE_COORDINATION) is allowed
    # Allocating is not working on the family: a manager still records no work.
    if viewer is MANAGER:
        assert not decide(viewer, Action.WORK_ON_FAMILY, facts, Purpose.CASE_COORDINATION)


IG = Viewer(80, COUNCIL, "ig_officer")
GOVERNANCE = Purpose.INFORMATION_GOVERNANCE


@pytest.mark.parametrize("name, action, purpose, sensitive, allowed, reason", [
    ("opens any family, for information governance", Action.OPEN_FAMILY, GOVERNANCE, False, True,
     "information_governance"),
    ("another agency's record, no agreement, no consent (public task)", Action.VIEW_CONTENT, GOVERNANCE, False, True,
     "information_governance"),
    ("an extra-sensitive record on screen: IG officers are named", Action.VIEW_CONTENT, GOVERNANCE, True, True,
     "information_governance"),
    ("... but never in a document", Action.PUT_IN_DOCUMENT, GOVERNANCE, True, False, "extra_sensitive"),
    ("never for case coordination", Action.VIEW_CONTENT, Purpose.CASE_COORDINATION, False, False, "no_relationship"),
    ("never records work", Action.WORK_ON_FAMILY, GOVERNANCE, False, False, "oversight_only"),
])
def test_ig_officers_read_for_information_governance_only(name, action, purpose, sensitive, allowed, reason):
    facts = record(replace(BASE, consents=(), agreements=(), team_user_ids=frozenset(), team_agency_ids=frozenset()),
                   agency=POLICE, category="crime", extra_sensitive=sensitive)
    decision = decide(IG, action, facts, purpose)
    assert (decision.allowed, decision.reason) == (allowed, reason)
    assert reference_decide(IG, action, facts, purpose) is allowed

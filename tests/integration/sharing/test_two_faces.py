"""The policy's two faces agree on generated data in the real tables: for a generated deployment
(agencies of several kinds, agreements in and out of force, consents given, partial, withdrawn and
expired, duty, safeguarding and answered-request bases, break-glass grants, a team, a claim in a drawn
audit sample) and case notes about one or several people, some extra-sensitive, the SQL filter returns
exactly the notes `decide` allows, on screen and in a document."""
from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth.models import Agency, AgencyKind, Role, User
from app.cases.access import content_filter, family_ties
from app.cases.models import CaseNote, Family, FamilyStatus, Person, TeamMember, case_note_people
from app.cases.visibility import facts_of
from app.claims.models import Claim, ClaimRound, RoundStatus
from app.common.time import today_london, utcnow
from app.extensions import db
from app.framework.categories import DataCategory
from app.outcomes.facts import ClaimType
from app.sharing.models import (
    Agreement,
    AgreementFlow,
    BreakGlassGrant,
    Consent,
    ConsentScope,
    SharingBasis,
    SharingBasisPerson,
)
from app.sharing.policy import Action, Purpose, decide

KINDS = ["early_help", "police", "health"]
CATS = ["health", "crime", "case_note"]
PURPOSES = ["case_coordination", "outcome_evidence"]
offsets = st.integers(-60, 60)

agreement_s = st.tuples(offsets, offsets, st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(KINDS),
                                                             st.sampled_from(CATS), st.sampled_from(PURPOSES)),
                                                   min_size=1, max_size=5, unique=True))
consent_s = st.tuples(st.integers(0, 2), offsets, st.none() | offsets, st.none() | offsets,
                      st.lists(st.tuples(st.sampled_from(CATS), st.none() | st.integers(0, 2),
                                         st.sampled_from(KINDS), st.sampled_from(PURPOSES)), min_size=1, max_size=3))
basis_s = st.tuples(st.sampled_from(["duty_to_share", "safeguarding", "answered_request"]), st.integers(0, 2),
                    st.integers(0, 2), st.sampled_from(CATS), st.sets(st.integers(0, 2), min_size=1),
                    offsets, offsets, st.none() | offsets)
note_s = st.tuples(st.integers(0, 2), st.sampled_from(CATS), st.sets(st.integers(0, 2), max_size=3), st.booleans())


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(agreements=st.lists(agreement_s, max_size=2), consents=st.lists(consent_s, max_size=4),
       bases=st.lists(basis_s, max_size=3), notes=st.lists(note_s, min_size=1, max_size=6),
       viewer_agency=st.integers(0, 2),
       role=st.sampled_from(["key_worker", "practitioner", "programme_manager", "internal_auditor", "ig_officer"]),
       lead=st.booleans(), on_team=st.booleans(), designated=st.booleans(), glass=st.booleans(),
       duty=st.booleans(), sampled=st.booleans(),
       purpose=st.sampled_from(list(Purpose)),
       action=st.sampled_from([Action.VIEW_CONTENT, Action.PUT_IN_DOCUMENT]))
def test_the_sql_filter_returns_exactly_what_decide_allows(app, agreements, consents, bases, notes, viewer_agency,
                                                          role, lead, on_team, designated, glass, duty, sampled,
                                                          purpose, action):
    today = today_london()
    app.config["DUTY_TO_SHARE_IN_FORCE"] = duty
    nested = db.session.begin_nested()
    try:
        agencies = [Agency(name=f"Two faces {k} {i}", kind=AgencyKind(k)) for i, k in enumerate(KINDS)]
        db.session.add_all(agencies)
        db.session.flush()
        authors = [User(email=f"author{i}@faces.example", name=f"Author {i}", role=Role.PRACTITIONER, agency=a)
                   for i, a in enumerate(agencies)]
        viewer = User(email="viewer@faces.example", name="Viewer", role=Role(role), agency=agencies[viewer_agency],
                      is_designated_lead=designated)
        db.session.add_all([*authors, viewer])
        db.session.flush()
        family = Family(reference=None, status=FamilyStatus.ATTACHED, lead_practitioner_id=viewer.id if lead else None)
        db.session.add(family)
        db.session.flush()
        people = [Person(family_id=family.id, given_name=n, family_name="Faces", relationship_to_family=r,
                         date_of_birth=d) for n, r, d in (("Ada", "parent", date(1980, 1, 1)),
                                                          ("Bo", "child", today - timedelta(days=3000)),
                                                          ("Cy", "child", None))]
        db.session.add_all(people)
        db.session.flush()
        db.session.add(TeamMember(family_id=family.id, user_id=viewer.id if on_team else None,
                                  agency_id=agencies[viewer_agency if on_team or designated else 0].id,
                                  role_description="x", joined_on=today - timedelta(days=10)))
        for start, length, flows in agreements:
            a = Agreement(name="A", starts_on=today + timedelta(days=start),
                          review_on=today + timedelta(days=start + abs(length)))
            a.flows = [AgreementFlow(from_kind=f, to_kind=t, category=c, purpose=p) for f, t, c, p in flows]
            db.session.add(a)
        for person, given, review, withdrawn, scope in consents:
            given_on = today + timedelta(days=given)
            c = Consent(family_id=family.id, person_id=people[person].id, given_by="person", given_on=given_on,
                        method="signed_form", recorded_by_id=viewer.id,
                        review_on=given_on + timedelta(days=abs(review)) if review is not None else None,
                        withdrawn_on=today + timedelta(days=withdrawn) if withdrawn is not None else None)
            c.scopes = [ConsentScope(category=cat, recipient_agency_id=agencies[ag].id if ag is not None else None,
                                     recipient_kind=None if ag is not None else kind, purpose=p)
                        for cat, ag, kind, p in {(s[0], s[1], s[2] if s[1] is None else None, s[3]) for s in scope}]
            db.session.add(c)
        for kind, holder, recipient, cat, who, start, length, withdrawn in bases:
            b = SharingBasis(kind=kind, family_id=family.id, holding_agency_id=agencies[holder].id,
                             recipient_agency_id=agencies[recipient].id, category=cat, decided_by_id=viewer.id,
                             reason="r", decided_on=today + timedelta(days=start),
                             review_on=today + timedelta(days=start + abs(length)),
                             withdrawn_on=today + timedelta(days=withdrawn) if withdrawn is not None else None)
            db.session.add(b)
            db.session.flush()
            db.session.add_all([SharingBasisPerson(basis_id=b.id, person_id=people[p].id) for p in who])
        if glass:
            db.session.add(BreakGlassGrant(user_id=viewer.id, family_id=family.id, reason="risk_of_harm",
                                           justification="j" * 20, starts_at_utc=utcnow() - timedelta(hours=1),
                                           expires_at_utc=utcnow() + timedelta(hours=1)))
        if sampled:  # a claim for the family in a drawn internal audit sample: the auditor's tie
            claim_round = ClaimRound(month=today.replace(day=1), status=RoundStatus.SAMPLED, window_start=today,
                                     window_end=today)
            db.session.add(claim_round)
            db.session.flush()
            db.session.add(Claim(round_id=claim_round.id, family_id=family.id, programme="supporting_families",
                                 claim_type=ClaimType.RESULTS, rule_set_code="SF-2025", amount_pence=1,
                                 judged_on=today, conditions=[], sampled=True))
        records = []
        for holder, cat, about, sensitive in notes:
            n = CaseNote(family_id=family.id, holding_agency_id=agencies[holder].id, category=DataCategory(cat),
                         body="b", recorded_by_id=authors[holder].id, people=[people[p] for p in sorted(about)],
                         extra_sensitive=sensitive)
            db.session.add(n)
            records.append(n)
        db.session.flush()

        ties = family_ties(family)
        from app.sharing.policy import Viewer

        by_decide = {n.id for n in records
                     if decide(Viewer.of(viewer), action, facts_of(ties, n), purpose)}
        by_sql = set(db.session.scalars(
            sa.select(CaseNote.id).join(Family, Family.id == CaseNote.family_id)
            .where(CaseNote.family_id == family.id, content_filter(viewer, CaseNote, case_note_people,
                                                                   purpose=purpose, action=action))))
        assert by_sql == by_decide
    finally:
        nested.rollback()
        app.config["DUTY_TO_SHARE_IN_FORCE"] = False

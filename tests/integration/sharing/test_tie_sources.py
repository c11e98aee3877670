"""The ties that higher packages register (claims: a claim in a drawn audit sample; teamwork: a replaced
lead's handover still to write): in the real tables, the SQL face (`family_columns`) and the loaded facts
(`family_ties`, then `decide`) name exactly the same families."""
from datetime import timedelta

import sqlalchemy as sa

from app.cases import services as cases
from app.cases.access import family_columns, family_ties
from app.cases.models import Family, FamilyStatus
from app.claims.models import Claim, ClaimRound, RoundStatus
from app.common.time import today_london
from app.extensions import db
from app.outcomes.facts import ClaimType
from app.sharing import policy
from app.sharing.policy import Action, Purpose, RecordFacts, Viewer
from app.teamwork import services as teamwork


def _both_faces(user, purpose, action, family_ids):
    viewer = Viewer.of(user)
    by_sql = set(db.session.scalars(sa.select(Family.id).where(
        Family.id.in_(family_ids), policy.family_filter(viewer, family_columns(), purpose, action))))
    by_decide = {f.id for f in db.session.scalars(sa.select(Family).where(Family.id.in_(family_ids)))
                 if policy.decide(viewer, action, RecordFacts(family_ties(f), user.agency_id, "case_note"), purpose)}
    return by_sql, by_decide


def _family(lead):
    return cases.create_family(town="Northfield", postcode="LS2 7HY", lead_practitioner=lead,
                               status=FamilyStatus.ATTACHED, attached_on=today_london() - timedelta(days=400),
                               actor=lead)


def test_the_claim_sample_tie_in_sql_and_in_the_loaded_facts(app, factory):
    lead, auditor = factory.user("key_worker"), factory.user("internal_auditor")
    sampled, unsampled, unclaimed = _family(lead), _family(lead), _family(lead)
    today = today_london()
    claim_round = ClaimRound(month=today.replace(day=1), status=RoundStatus.SAMPLED, window_start=today,
                             window_end=today)
    db.session.add(claim_round)
    db.session.flush()
    for family, in_sample in ((sampled, True), (unsampled, False)):
        db.session.add(Claim(round_id=claim_round.id, family_id=family.id, programme="supporting_families",
                             claim_type=ClaimType.RESULTS, rule_set_code="SF-2025", amount_pence=1, judged_on=today,
                             conditions=[], sampled=in_sample))
    db.session.commit()
    ids = [sampled.id, unsampled.id, unclaimed.id]
    assert _both_faces(auditor, Purpose.CLAIM_ASSURANCE, Action.OPEN_FAMILY, ids) == ({sampled.id}, {sampled.id})
    assert _both_faces(auditor, Purpose.CASE_COORDINATION, Action.OPEN_FAMILY, ids) == (set(), set())
    assert _both_faces(lead, Purpose.CLAIM_ASSURANCE, Action.OPEN_FAMILY, ids) == (set(ids), set(ids))


def test_the_outgoing_lead_tie_in_sql_and_in_the_loaded_facts(app, factory):
    outgoing, incoming, manager = factory.user("key_worker"), factory.user("key_worker"), factory.user(
        "programme_manager")
    open_handover, written, never_led = _family(outgoing), _family(outgoing), _family(incoming)
    for family in (open_handover, written):
        cases.set_lead_practitioner(family, incoming, actor=manager)
    db.session.flush()
    teamwork.write_handover(written, open_actions="A", risks="B", next_meeting="C", actor=outgoing)
    db.session.commit()
    ids = [open_handover.id, written.id, never_led.id]
    assert _both_faces(outgoing, Purpose.CASE_COORDINATION, Action.WRITE_HANDOVER, ids) == (
        {open_handover.id}, {open_handover.id})
    assert _both_faces(incoming, Purpose.CASE_COORDINATION, Action.WRITE_HANDOVER, ids) == (set(), set())
    assert _both_faces(outgoing, Purpose.CASE_COORDINATION, Action.OPEN_FAMILY, ids) == (set(), set())

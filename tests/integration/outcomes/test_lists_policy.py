"""The near-miss and sustainment lists decide through the sharing policy's SQL face, with the family's
consents, bases and agreements (not a narrower bulk reading), and are audited as the cases lists are."""
from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases.models import FamilyStatus, FamilyStatusChange, StatusEvent
from app.common.time import today_london
from app.extensions import db
from app.outcomes import queries, services
from app.sharing import services as sharing


def _offence_came_back(outcomes, today):
    closed = today - timedelta(days=60)
    family = outcomes.family
    family.status, family.closed_on = FamilyStatus.CLOSED, closed
    db.session.add(FamilyStatusChange(family_id=family.id, to_status=FamilyStatus.CLOSED, event=StatusEvent.CLOSED,
                                      changed_on=closed, closure_reason="needs_met"))
    for months in range(6, 0, -1):
        end = closed - timedelta(days=30 * (months - 1))
        services.record_evidence(family, need=outcomes.crime, value="0", period_start=end - timedelta(days=29),
                                 period_end=end, source="Police extract", actor=outcomes.police)
    services.record_evidence(family, need=outcomes.crime, value="1", period_start=today - timedelta(days=40),
                             period_end=today - timedelta(days=11), source="Police extract", actor=outcomes.police)
    db.session.commit()


def test_the_list_names_a_need_once_every_person_agreed_and_not_after_withdrawal(outcomes, factory):
    today = today_london()
    _offence_came_back(outcomes, today)
    [row] = queries.sustainment_rows(outcomes.key_worker, today, "came_back")
    assert row.came_back[0].startswith("A need came back on")  # no agreement, no consent yet
    sharing.create_agreement(name="Police to early help", starts_on=today - timedelta(days=30),
                             review_on=today + timedelta(days=300), actor=factory.user("admin"),
                             flows=[("police", "early_help", "crime", "outcome_evidence")])
    consents = sharing.record_consent(
        outcomes.family, person_ids=[outcomes.mother.id, outcomes.child.id], given_by="person",
        given_on=today - timedelta(days=5), method="verbal", witness_name="A Witness",
        scope=[("crime", None, "early_help", "outcome_evidence")], actor=outcomes.key_worker)
    db.session.commit()
    [row] = queries.sustainment_rows(outcomes.key_worker, today, "came_back")
    assert row.came_back[0].startswith("A proven offence or police caution")  # the whole family agreed
    assert row.shared_need_ids == (outcomes.crime.id,)  # the police's need, seen under consent: audited
    assert outcomes.kw_client.get("/outcomes/sustainment?state=came_back").status_code == 200
    listed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "SustainmentListed")).one()
    assert listed.details["shared_need_ids"] == [outcomes.crime.id] and listed.basis == "sharing_policy"
    sharing.withdraw_consent(consents[1], actor=outcomes.key_worker)  # the child's, for the whole-family need
    db.session.commit()
    [row] = queries.sustainment_rows(outcomes.key_worker, today, "came_back")
    assert row.came_back[0].startswith("A need came back on") and row.shared_need_ids == ()


def test_list_views_are_audited_with_the_families_shown(outcomes):
    _offence_came_back(outcomes, today_london())
    assert outcomes.kw_client.get("/outcomes/sustainment?state=came_back").status_code == 200
    assert outcomes.kw_client.get("/outcomes/near-misses").status_code == 200
    events = {e.action: e for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["SustainmentListed", "NearMissesListed"])))}
    listed = events["SustainmentListed"]
    assert listed.purpose == "outcome_evidence" and listed.actor_user_id == outcomes.key_worker.id
    assert listed.details["family_ids"] == [outcomes.family.id] and listed.details["state"] == "came_back"
    assert events["NearMissesListed"].details["results"] == 0

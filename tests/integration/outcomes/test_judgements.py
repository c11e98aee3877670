"""Each need's judgement follows its evidence: resolved after the rule's run of periods, came back, recomputed."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.outcomes import services
from app.outcomes.judgement import NeedState
from app.outcomes.models import NeedJudgement
from tests.integration.outcomes.conftest import attendance, term


def _judgement(need):
    db.session.expire_all()
    return db.session.get(NeedJudgement, need.id)


def _changes(need):
    return db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "NeedJudgementChanged",
                                                               AuditEvent.object_id == str(need.id))
                              .order_by(AuditEvent.seq)).all()


def test_resolved_once_the_rule_is_met_for_the_consecutive_periods(outcomes):
    attendance(outcomes, 0, 95)
    attendance(outcomes, 1, 91)
    assert _judgement(outcomes.attendance).state is NeedState.NOT_RESOLVED
    attendance(outcomes, 2, 92.5)
    judgement = _judgement(outcomes.attendance)
    assert (judgement.state, judgement.resolved_on, judgement.evidence_count) == (
        NeedState.RESOLVED, term(2)[1], 3)
    assert [d["to_state"] for d in _changes(outcomes.attendance)] == ["not_resolved", "not_resolved", "resolved"]


def test_a_failing_period_after_resolution_is_the_need_coming_back(outcomes):
    for index, value in enumerate((95, 91, 92)):
        attendance(outcomes, index, value)
    failing = attendance(outcomes, 3, 70)
    judgement = _judgement(outcomes.attendance)
    assert (judgement.state, judgement.recurred_on, judgement.resolved_on) == (NeedState.CAME_BACK, term(3)[1], None)
    services.delete_evidence(failing, reason="Wrong child", actor=outcomes.key_worker)
    db.session.commit()
    assert _judgement(outcomes.attendance).state is NeedState.RESOLVED
    assert _changes(outcomes.attendance)[-1] == {"from_state": "came_back", "to_state": "resolved"}


def test_refreshing_is_derivable_and_changes_nothing_when_nothing_changed(outcomes):
    for index, value in enumerate((95, 91, 92)):
        attendance(outcomes, index, value)
    db.session.delete(_judgement(outcomes.attendance))
    db.session.flush()
    assert services.refresh_need_judgements(outcomes.family) == [outcomes.attendance.id]
    assert _judgement(outcomes.attendance).state is NeedState.RESOLVED
    assert services.refresh_need_judgements(outcomes.family) == []


def test_evidence_must_fit_the_descriptors_measure(outcomes):
    import pytest

    begin, end = term(0)
    with pytest.raises(services.InvalidEvidence) as refused:
        services.record_evidence(outcomes.family, need=outcomes.crime, value="1.5", period_start=end,
                                 period_end=begin, source="", actor=outcomes.police)
    assert refused.value.errors == {
        "value": "The value must be a whole number, 0 or more",
        "period_end": "The last day of the period must be the same as or after the first day",
        "source": "Enter where the evidence comes from, for example the school's attendance return"}

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


def test_the_sustainment_list_flags_a_need_that_came_back_without_naming_a_withheld_need(outcomes):
    from datetime import timedelta

    from app.cases.models import FamilyStatus, FamilyStatusChange, StatusEvent
    from app.common.time import today_london
    from app.outcomes import queries

    today = today_london()
    closed = today - timedelta(days=60)
    family = outcomes.family
    family.status, family.closed_on = FamilyStatus.CLOSED, closed
    db.session.add(FamilyStatusChange(family_id=family.id, to_status=FamilyStatus.CLOSED, event=StatusEvent.CLOSED,
                                      changed_on=closed, closure_reason="needs_met"))
    for months in range(6, 0, -1):  # six clear months before closure, then an offence after it
        end = closed - timedelta(days=30 * (months - 1))
        services.record_evidence(family, need=outcomes.crime, value="0", period_start=end - timedelta(days=29),
                                 period_end=end, source="Police extract", actor=outcomes.police)
    services.record_evidence(family, need=outcomes.crime, value="1", period_start=today - timedelta(days=40),
                             period_end=today - timedelta(days=11), source="Police extract", actor=outcomes.police)
    db.session.commit()
    [own] = queries.sustainment_rows(outcomes.police, today, "came_back")
    assert own.came_back[0].startswith("A proven offence or police caution")  # the police hold that need
    [row] = queries.sustainment_rows(outcomes.key_worker, today, "came_back")
    assert row.family_id == family.id and row.came_back[0].startswith("A need came back on")
    assert "offence" not in " ".join(row.came_back)


def test_the_refresh_command_rebuilds_judgements(outcomes, app):
    for index, value in enumerate((95, 91, 92)):
        attendance(outcomes, index, value)
    db.session.delete(_judgement(outcomes.attendance))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outcomes", "refresh"])
    assert result.exit_code == 0 and "1 need judgement(s) changed" in result.output, result.output
    assert _judgement(outcomes.attendance).state is NeedState.RESOLVED

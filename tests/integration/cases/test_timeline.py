from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.cases import services
from app.cases.access import family_ties
from app.cases.models import CaseNote, FamilyStatusChange
from app.cases.timeline import TimelineContext, timeline_page
from app.common.time import today_london
from app.extensions import db
from app.sharing.policy import Viewer
from tests.integration.cases.conftest import intervention_type_id


@pytest.fixture(autouse=True)
def _request_context(app):
    # Providers build links to their items, as they do inside a page.
    with app.test_request_context():
        yield


def _intervention(cw, days_ago, actor=None, category="case_note", summary="Visit"):
    actor = actor or cw.key_worker
    return services.record_intervention(
        cw.family, type_id=intervention_type_id(), agency=actor.agency, occurred_on=today_london() - timedelta(
            days=days_ago), duration_minutes=30, summary=summary, category=category, actor=actor)


def _note(cw, days_ago, actor=None, category="case_note", body="Note"):
    note = services.add_case_note(cw.family, body=body, category=category, actor=actor or cw.key_worker)
    note.created_at_utc = datetime.combine(today_london() - timedelta(days=days_ago), datetime.min.time(),
                                           tzinfo=UTC).replace(hour=12)
    db.session.flush()
    return note


def _ctx(cw, user=None):
    return TimelineContext(cw.family.id, family_ties(cw.family), Viewer.of(user or cw.key_worker))


def test_merged_newest_first_and_paginated(casework):
    status = db.session.scalar(select(FamilyStatusChange).where(FamilyStatusChange.family_id == casework.family.id))
    status.created_at_utc = datetime.combine(today_london() - timedelta(days=60), datetime.min.time(), tzinfo=UTC)
    a = _intervention(casework, 10)
    n = _note(casework, 5)
    b = _intervention(casework, 3)
    c = _intervention(casework, 3)  # same day as b: ordered by kind, then id
    page = timeline_page(_ctx(casework), per_page=10)
    assert [(i.kind, i.item_id) for i in page.items] == [
        ("intervention", b.id), ("intervention", c.id), ("note", n.id), ("intervention", a.id), ("status", status.id)]
    assert page.total == 5
    first = timeline_page(_ctx(casework), per_page=2, page=1)
    second = timeline_page(_ctx(casework), per_page=2, page=2)
    third = timeline_page(_ctx(casework), per_page=2, page=3)
    assert [i.item_id for i in first.items + second.items + third.items] == [i.item_id for i in page.items]
    assert (first.pages, len(third.items)) == (3, 1)


def test_filters_by_agency_and_category_in_sql(casework):
    _intervention(casework, 4)
    police = _intervention(casework, 2, actor=casework.police, category="crime", summary="Officer visit")
    _note(casework, 1, actor=casework.police, category="case_note")
    page = timeline_page(_ctx(casework), category="crime")
    assert [(i.kind, i.item_id) for i in page.items] == [("intervention", police.id)]
    page = timeline_page(_ctx(casework), agency_id=casework.police.agency_id)
    assert page.total == 2 and {i.kind for i in page.items} == {"intervention", "note"}


def test_other_agencies_content_is_withheld_with_holder_and_reason(casework):
    _intervention(casework, 2, actor=casework.police, category="crime", summary="Officer visit")
    page = timeline_page(_ctx(casework))
    [item] = [i for i in page.items if i.kind == "intervention"]
    assert item.body is None
    assert item.withheld == (f"Intervention by {casework.police.agency.name} withheld: no basis to share crime "
                             "information yet")
    html = casework.kw_client.get(f"/families/{casework.family.id}/timeline").get_data(as_text=True)
    assert "Officer visit" not in html and item.withheld in html
    own = timeline_page(_ctx(casework, casework.police))
    assert any(i.body == "Officer visit" for i in own.items)


def test_a_page_costs_the_same_whatever_the_history(casework, count_queries):
    def cost():
        with count_queries() as counter:
            response = casework.kw_client.get(f"/families/{casework.family.id}/timeline")
        assert response.status_code == 200
        return counter.count

    for day in range(3):
        _intervention(casework, day)
        _note(casework, day)
    db.session.commit()
    small = cost()
    for day in range(40):
        _intervention(casework, day + 3, actor=casework.police if day % 2 else None)
        _note(casework, day + 3)
    db.session.commit()
    assert cost() == small
    assert db.session.query(CaseNote).count() == 43

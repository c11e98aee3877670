"""The annual target on the finance page: results claims made this financial year against it, and the
families that could still be claimed before 31 March, worked out by hand for 15 May 2026.

Rounds still to come this year run from May 2026 to March 2027, so their windows cover cases closed from
1 May 2024 (May's window) to 30 September 2026 (March's window); a family becomes claimable six months
after closure.
"""
from datetime import date

from app.claims import queries, services
from tests.integration.claims.conftest import make_family, stand_in_facts

TODAY = date(2026, 5, 15)


def test_target_claimed_and_families_that_could_still_be_claimed(eligible_everywhere, lead, factory, monkeypatch):
    monkeypatch.setattr(queries, "build_facts_many", stand_in_facts)
    finance = factory.user("finance_officer")
    claimed = make_family(lead, date(2025, 6, 1))  # claimed in April's round (window April 2024 to October 2025)
    services.build_round(date(2026, 4, 1), actor=finance, today=date(2026, 4, 10))
    waiting = make_family(lead, date(2025, 11, 20))  # in May's window, claimable 20 May 2026
    later = make_family(lead, date(2026, 8, 15))  # in February's window, claimable 15 February 2027
    last_day = make_family(lead, date(2026, 9, 30))  # March's window's last day: claimable 30 March 2027
    next_year = make_family(lead, date(2026, 10, 1))  # claimable 1 April 2027: next year's
    too_old = make_family(lead, date(2024, 4, 30))  # before May's window: no round left can take it
    open_case = make_family(lead, None)
    services.set_target(2026, 40, actor=finance)

    progress = queries.target_progress(TODAY)
    assert (progress.year_starting, progress.target, progress.claimed) == (2026, 40, 1)
    assert progress.label == "April 2026 to March 2027"
    assert progress.could_still == [(waiting.reference, date(2026, 5, 20)), (later.reference, date(2027, 2, 15)),
                                    (last_day.reference, date(2027, 3, 30))]
    assert progress.could_still_count == 3
    listed = {reference for reference, _ in progress.could_still}
    assert not {claimed.reference, next_year.reference, too_old.reference, open_case.reference} & listed
    # The next financial year starts afresh: no target yet, nothing claimed in it.
    assert queries.target_progress(date(2027, 4, 2)).target is None
    assert queries.target_progress(date(2027, 4, 2)).claimed == 0

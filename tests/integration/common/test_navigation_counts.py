"""What every page shows (the menu's waiting-item counts, the break-glass banner) is worked out once a
request, however many templates the page renders: every GOV.UK form field renders a template of its own, and
each render runs the context processors."""
from app.common import navigation
from tests.conftest import programme_manager_client  # noqa: F401 (fixture)
from tests.querycount import StatementCounter


def test_a_page_with_a_form_counts_the_menu_once(monkeypatch, programme_manager_client):  # noqa: F811
    calls = []

    def counting(user):
        calls.append(user.id)
        return 4

    entries = [e if e.endpoint != "referrals.queue" else
               navigation.NavEntry(e.text, e.endpoint, e.roles, e.order, e.match, counting)
               for e in navigation._ENTRIES]
    assert any(e.count is counting for e in entries), "the triage queue is in the programme manager's menu"
    monkeypatch.setattr(navigation, "_ENTRIES", entries)

    response = programme_manager_client.get("/reports/dashboard")  # a form of four fields, each a template

    assert response.status_code == 200
    assert "(4)" in response.get_data(as_text=True)
    assert calls == [programme_manager_client.user.id]


def test_the_break_glass_banner_is_looked_up_once(programme_manager_client):  # noqa: F811
    with StatementCounter() as counter:
        response = programme_manager_client.get("/reports/dashboard")
    assert response.status_code == 200
    banner_queries = [s for s in counter.statements if "break_glass_grants" in s]
    assert len(banner_queries) == 1, banner_queries

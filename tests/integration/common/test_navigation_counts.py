"""The menu's waiting-item counts are worked out once a request, however many templates the page renders:
every GOV.UK form field renders a template of its own, and each render runs the context processors."""
from app.common import navigation
from tests.conftest import programme_manager_client  # noqa: F401 (fixture)


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

"""Who reaches the administration pages at all: every /admin URL refuses every other role."""
import re

import pytest

from app.auth.models import Role
from app.common.navigation import navigation_items
from app.extensions import db

NON_ADMIN_CLIENTS = ["key_worker_client", "practitioner_client", "programme_manager_client",
                     "finance_officer_client", "internal_auditor_client", "ig_officer_client"]


def _admin_cases(app, user_id, agency_id):
    cases = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        url = rule.rule.replace("<int:user_id>", str(user_id)).replace("<int:agency_id>", str(agency_id))
        assert not re.search(r"<[^>]+>", url), f"the test does not know how to fill {rule.rule}"
        cases.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return cases


@pytest.mark.parametrize("client_fixture", NON_ADMIN_CLIENTS)
def test_every_admin_url_refuses_other_roles(request, app, factory, client_fixture):
    test_client = request.getfixturevalue(client_fixture)
    target = factory.user()
    cases = _admin_cases(app, target.id, target.agency_id)
    assert len(cases) >= 10
    app.config["WTF_CSRF_ENABLED"] = False  # reach the role check itself, not the CSRF check before it
    try:
        for method, url in cases:
            response = test_client.open(url, method=method, data={"name": "x", "role": "admin", "status": "disabled"})
            assert response.status_code == 403, (client_fixture, method, url, response.status_code)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    db.session.refresh(target)  # and nothing changed
    assert target.active is True and target.session_generation == 1


def test_agency_admins_are_refused_the_agency_pages(app, agency_admin_client, factory):
    agency = factory.agency()
    for url in ("/admin/agencies", "/admin/agencies/new", f"/admin/agencies/{agency.id}/edit"):
        assert agency_admin_client.get(url).status_code == 403, url


def test_navigation_shows_admin_entries_by_role(app, factory):
    def texts(role):
        user = factory.user(role=role)
        with app.test_request_context("/"):
            return [item["text"] for item in navigation_items(user, "home.index")]

    assert {"Users", "Agencies"} <= set(texts(Role.ADMIN.value))
    assert "Users" in texts(Role.AGENCY_ADMIN.value) and "Agencies" not in texts(Role.AGENCY_ADMIN.value)
    assert not {"Users", "Agencies"} & set(texts(Role.KEY_WORKER.value))

from types import SimpleNamespace

from flask import Flask

from app.common import navigation


def _app():
    app = Flask(__name__)
    for endpoint in ("admin.users", "admin.agencies", "framework.index"):
        app.add_url_rule("/" + endpoint, endpoint, lambda: "")
    return app


def test_entries_follow_roles_order_and_the_current_section(monkeypatch):
    monkeypatch.setattr(navigation, "_ENTRIES", [])
    navigation.register_nav("Agencies", "admin.agencies", roles=("admin",), order=2, match=("admin.agenc",))
    navigation.register_nav("Users", "admin.users", roles=("admin", "agency_admin"), order=1, match=("admin.user",))
    navigation.register_nav("Framework", "framework.index", order=3)
    admin = SimpleNamespace(is_authenticated=True, role=SimpleNamespace(value="admin"))
    agency_admin = SimpleNamespace(is_authenticated=True, role=SimpleNamespace(value="agency_admin"))
    with _app().test_request_context():
        items = navigation.navigation_items(admin, "admin.users")
        assert [(i["text"], i["active"]) for i in items] == [("Users", True), ("Agencies", False), ("Framework", False)]
        agency_items = navigation.navigation_items(agency_admin, "framework.index")
        assert [(i["text"], i["active"]) for i in agency_items] == [("Users", False), ("Framework", True)]
        assert navigation.navigation_items(SimpleNamespace(is_authenticated=False), None) == []

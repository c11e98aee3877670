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
    monkeypatch.setattr(navigation, "_GROUPS", {})  # groups an app registered elsewhere in the run
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


def test_a_group_gathers_its_members_for_its_roles_and_sums_their_counts(monkeypatch):
    monkeypatch.setattr(navigation, "_ENTRIES", [])
    monkeypatch.setattr(navigation, "_GROUPS", {})
    app = _app()
    app.add_url_rule("/more", "home.more", lambda: "")
    navigation.register_nav("Users", "admin.users", order=1, count=lambda user: 2)
    navigation.register_nav("Agencies", "admin.agencies", order=2, count=lambda user: 3, match=("admin.agenc",))
    navigation.register_nav("Framework", "framework.index", roles=("admin",), order=3)
    navigation.register_nav_group("more", "More", "home.more", roles=("admin",), order=9,
                                  members={"People": ("admin.users",), "Reference": ("framework.index",)})
    admin = SimpleNamespace(is_authenticated=True, role=SimpleNamespace(value="admin"))
    other = SimpleNamespace(is_authenticated=True, role=SimpleNamespace(value="key_worker"))
    with app.test_request_context():
        items = navigation.navigation_items(admin, "framework.index")
        assert [(i["text"], i["active"]) for i in items] == [("Agencies (3)", False), ("More (2)", True)]
        assert [(h, [i["text"] for i in group]) for h, group in navigation.group_sections(admin, "more")] == [
            ("People", ["Users (2)"]), ("Reference", ["Framework"])]
        # Roles the group does not name keep their menu as it was; a member they cannot see is left out.
        assert [i["text"] for i in navigation.navigation_items(other, None)] == ["Users (2)", "Agencies (3)"]
        assert [h for h, _ in navigation.group_sections(other, "more")] == ["People"]


def test_registering_again_replaces_the_entry(monkeypatch):
    """A second app in the same process registers its entries again, with new count functions."""
    monkeypatch.setattr(navigation, "_ENTRIES", [])
    monkeypatch.setattr(navigation, "_GROUPS", {})
    for _ in range(2):
        navigation.register_nav("Users", "admin.users", count=lambda user: 1)
    admin = SimpleNamespace(is_authenticated=True, role=SimpleNamespace(value="admin"))
    with _app().test_request_context():
        assert [i["text"] for i in navigation.navigation_items(admin, None)] == ["Users (1)"]

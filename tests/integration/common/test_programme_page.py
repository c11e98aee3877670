"""Busy roles' menus fit one row: the daily pages stay in it, the rest are on a group's page ("Programme"
for programme managers, "More" for administrators and IG officers) and on the home page, under headings,
each still reachable and the group marked as the current section."""
import re

from tests.conftest import signed_in_client


def _menu(page):
    nav = re.search(r'aria-label="Main menu".*?</nav>', page, re.S).group(0)
    link = r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>\s*(?:<strong[^>]*>)?([^<]+)'
    return re.findall(link, nav)


def test_the_programme_managers_menu_is_grouped(app, factory):
    manager = signed_in_client(app, factory.user("programme_manager"))
    home = manager.get("/").get_data(as_text=True)
    assert [text.strip() for _, text in _menu(home)] == ["My tasks", "Notifications", "Search", "Triage",
                                                         "Sharing requests", "Programme"]
    page = manager.get("/programme")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    for heading, links in {"Figures and reports": ("/reports/dashboard", "/reports/"),
                           "Families and outcomes": ("Near misses", "Sustainment", "Evidence imports"),
                           "Referrals and sharing": ("My referrals", "Emergency access"),
                           "Reference": ("/framework",)}.items():
        assert f">{heading}</h2>" in body and all(link in body for link in links)
    assert "Welcome" in home and ">Figures and reports</h3>" in home  # the home page lays the group out too
    # On a grouped page the group is the current section.
    dashboard = manager.get("/reports/dashboard?period=2026-10").get_data(as_text=True)
    assert re.search(r'govuk-service-navigation__item--active[^>]*>\s*<a[^>]*href="/programme"', dashboard)


def test_other_roles_keep_their_menu_and_cannot_open_the_programme_page(app, factory):
    worker = signed_in_client(app, factory.user("key_worker"))
    menu = [text.strip() for _, text in _menu(worker.get("/").get_data(as_text=True))]
    assert "Outcome framework" in menu and "Programme" not in menu and "More" not in menu
    assert worker.get("/programme").status_code == 403
    assert worker.get("/more").status_code == 404  # no group of theirs has a "More" page


def test_administrators_and_ig_officers_have_a_more_page(app, factory):
    admin = signed_in_client(app, factory.user("admin"))
    menu = [text.strip() for _, text in _menu(admin.get("/").get_data(as_text=True))]
    assert {"Users", "Agencies", "More"} <= set(menu) and not {"Dashboard", "Claims", "Outcome framework"} & set(menu)
    more = admin.get("/more").get_data(as_text=True)
    assert ">Figures</h2>" in more and "/reports/dashboard" in more and "/claims/" in more and "/framework" in more
    ig = signed_in_client(app, factory.user("ig_officer"))
    menu = [text.strip() for _, text in _menu(ig.get("/").get_data(as_text=True))]
    assert "Information governance" in menu and "More" in menu and "Study opt-outs" not in menu
    assert "/reports/study-opt-outs" in ig.get("/more").get_data(as_text=True)

"""Journeys: a key worker reads the outcome framework; pages that are not there, or not theirs, are
explained in the service's own layout."""
import re

from playwright.sync_api import expect

from tests.browser.helpers import title


def test_key_worker_reads_the_outcome_framework(page_as, check_page):
    page = page_as("keyworker@demo.test")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Outcome framework").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Outcome framework")
    expect(page).to_have_title(title("Outcome framework"))
    # The section is marked as current in the menu, for screen readers as well as by sight.
    current = page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Outcome framework")
    expect(current).to_have_attribute("aria-current", re.compile("page|true"))
    # Headline outcomes, each with its descriptors of need in a table with a caption and column headers.
    tables = page.get_by_role("table")
    expect(tables.first).to_be_visible()
    assert tables.count() >= 5, "the default framework has at least five headline outcomes with descriptors"
    first = tables.first
    expect(first.get_by_role("columnheader")).to_have_text(["Need", "How it is measured", "Resolved when",
                                                            "Data category"])
    expect(first.locator("caption")).to_contain_text("Descriptors of need under")
    # Read-only for a key worker: nothing offers to change the framework.
    expect(page.get_by_role("link", name=re.compile("^(Change|Add a descriptor)"))).to_have_count(0)
    check_page(page, "outcome framework")

    # A wide table scrolls inside itself at 400% zoom and can be reached by keyboard to do so.
    expect(first).to_have_attribute("tabindex", "0")


def test_page_not_found_is_shown_in_the_layout(new_page, page_as, check_page):
    # Signed out.
    page = new_page()
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page).to_have_title(title("Page not found"))
    expect(page.get_by_role("banner").get_by_role("link", name="Hearth")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text("Hearth for Demo County Council")
    expect(page.get_by_text("give them this reference")).to_be_visible()
    check_page(page, "not found, signed out")

    # Signed in: the same page, with the menu and the account bar, and a way home.
    page = page_as("keyworker@demo.test")
    response = page.goto("/families/999999999")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    check_page(page, "not found, signed in")
    page.get_by_role("link", name="Go to your home page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kerry Walsh")


def test_page_refused_to_a_role_is_explained_in_the_layout(page_as, check_page):
    page = page_as("keyworker@demo.test")
    response = page.goto("/admin/users")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have permission to see this page")
    expect(page.get_by_text("Ask your administrator")).to_be_visible()
    check_page(page, "forbidden")

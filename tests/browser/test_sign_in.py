"""Journey: a key worker signs in through the form, finds their way around, and signs out; a wrong
password is met with the GOV.UK error summary, which takes the focus."""
import re

from playwright.sync_api import expect

from tests.browser.helpers import title


def test_key_worker_signs_in_sees_home_and_navigation_and_signs_out(new_page, check_page, demo_password):
    page = new_page()
    page.goto("/")
    # Signed out, the home page sends you to sign in.
    expect(page).to_have_url(re.compile(r"/sign-in\?next=(/|%2F)$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Hearth")
    check_page(page, "sign-in form")

    page.get_by_label("Email address").click()
    page.keyboard.type("keyworker@demo.test")
    page.get_by_label("Password", exact=True).click()
    page.keyboard.type(demo_password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kerry Walsh")
    expect(page).to_have_title(title("Home"))
    expect(page.get_by_text("Signed in as Kerry Walsh, key worker")).to_be_visible()
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Outcome framework")).to_be_visible()
    # A key worker is not offered the administration pages.
    expect(menu.get_by_role("link", name="Users")).to_have_count(0)
    check_page(page, "home page")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Hearth")
    expect(page.get_by_text("You have signed out")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check_page(page, "signed out")

    # Signed out means signed out: the home page asks for sign-in again.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Hearth")


def test_wrong_password_shows_the_error_summary_and_moves_focus_to_it(new_page, check_page):
    page = new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("keyworker@demo.test")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter a correct email address and password")).to_be_visible()
    # GOV.UK Frontend's JavaScript moves focus to the summary, so a screen reader announces it at once.
    expect(summary).to_be_focused()
    expect(page).to_have_title(title("Error: Sign in"))
    # What was typed is kept (the email); the password is not sent back.
    expect(page.get_by_label("Email address")).to_have_value("keyworker@demo.test")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    check_page(page, "wrong password")

    # The summary's link takes you to the field with the problem.
    summary.get_by_role("link", name="Enter a correct email address and password").click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_empty_form_lists_each_missing_answer(new_page, check_page):
    page = new_page()
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Enter your email address", "Enter your password"])
    # Each field carries its own message too, tied to it for screen readers.
    expect(page.get_by_label("Email address")).to_have_attribute("aria-describedby", "email-error")
    check_page(page, "empty sign-in form")

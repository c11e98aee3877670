"""Journey: an administrator adds a user with the keyboard alone (Tab, Enter, Space, arrow keys and
typing; no mouse), recovers from a refused password, and the new user signs in."""
from playwright.sync_api import expect

from tests.browser.helpers import tab_to, title

NEW_EMAIL = "jo.keyboard@demo.test"
NEW_NAME = "Jo Keyboard"
NEW_PASSWORD = "Brisk-Lantern-Orchard-58"


def test_admin_adds_a_user_with_the_keyboard_only_and_the_user_signs_in(page_as, new_page, check_page):
    page = page_as("admin@demo.test")
    check_page(page, "administrator's home page")

    # From the home page to the list of users.
    tab_to(page, page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Users"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    check_page(page, "users")

    tab_to(page, page.get_by_role("button", name="Add a user"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a user")
    check_page(page, "add a user")

    tab_to(page, page.get_by_label("Email address"))
    page.keyboard.type(NEW_EMAIL)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Full name")).to_be_focused()
    page.keyboard.type(NEW_NAME)

    # Radios: Tab enters the group, Space chooses the focused one, arrow keys move the choice.
    page.keyboard.press("Tab")
    roles = page.get_by_role("group", name="Role")
    first_role = roles.get_by_role("radio").first
    expect(first_role).to_be_focused()
    page.keyboard.press("Space")
    expect(first_role).to_be_checked()
    key_worker = roles.get_by_role("radio", name="Key worker", exact=True)
    for _ in range(roles.get_by_role("radio").count()):
        if key_worker.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(key_worker).to_be_checked()

    # The agency list: typing picks the option, as it does in any select.
    tab_to(page, page.get_by_label("Agency", exact=True))
    page.keyboard.type("Demo County")
    chosen = page.get_by_label("Agency", exact=True).locator("option:checked")
    expect(chosen).to_have_text("Demo County Council Early Help")

    # Too short a password is refused with the GOV.UK error summary; what was typed is kept.
    tab_to(page, page.get_by_label("Initial password"))
    page.keyboard.type("short")
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(title("Error: Add a user"))
    expect(page.get_by_label("Email address")).to_have_value(NEW_EMAIL)
    expect(page.get_by_label("Full name")).to_have_value(NEW_NAME)
    expect(page.get_by_role("radio", name="Key worker", exact=True)).to_be_checked()
    check_page(page, "password refused")

    # From the summary, its link takes the keyboard to the password field.
    tab_to(page, summary.get_by_role("link").first)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Initial password")).to_be_focused()
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Space")  # buttons answer Space as well as Enter

    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    expect(page.get_by_text(f"{NEW_NAME} has been added")).to_be_visible()
    # A new account may be on a later page of the list: filter to its agency with the keyboard.
    tab_to(page, page.get_by_label("Agency", exact=True))
    page.keyboard.type("Demo County")
    tab_to(page, page.get_by_role("button", name="Filter"))
    page.keyboard.press("Enter")
    row = page.get_by_role("row").filter(has_text=NEW_EMAIL)
    expect(row).to_contain_text("Key worker")
    expect(row).to_contain_text("Demo County Council Early Help")
    check_page(page, "user added")

    # The new user signs in with the password they were given.
    newcomer = page_as(NEW_EMAIL, NEW_PASSWORD)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(f"Welcome, {NEW_NAME}")
    check_page(newcomer, "new user's home page")

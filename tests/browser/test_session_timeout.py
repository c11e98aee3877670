"""Journey: the session timeout warning is announced, keeps the user signed in when asked, and says
so plainly when the session has ended (app/assets/js/session-timeout.js).

The browser's clock is moved forward (Playwright's clock) so no test waits 28 minutes. The server's
clock cannot be moved, so for the warning alone the status request is answered with a session that has
two minutes left; everything else (keep-alive, sign-out, the 401 for an ended session, signing in again)
is the real server.
"""
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

WARNING_AT = "28:05"  # SESSION_IDLE_MINUTES (30) less the two-minute warning, and a little more


def test_timeout_warning_is_announced_and_staying_signed_in_works(new_page, check_page, demo_password):
    page = new_page()
    page.clock.install()
    sign_in(page, "keyworker@demo.test", demo_password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kerry Walsh")
    dialog = page.locator("dialog#hearth-timeout")
    expect(dialog).to_be_hidden()

    page.route("**/session/status", lambda route: route.fulfill(
        json={"signed_in": True, "seconds_left": 119, "csrf_token": "unused"}))
    page.clock.fast_forward(WARNING_AT)

    # A modal dialog, named by its heading, which takes the focus; a live region says how long is left.
    warning = page.get_by_role("dialog", name="You are about to be signed out")
    expect(warning).to_be_visible()
    assert dialog.evaluate("d => d.open && d.matches(':modal')"), "the warning is a modal dialog"
    expect(page.get_by_role("heading", name="You are about to be signed out")).to_be_focused()
    live = dialog.locator("[aria-live]").first
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_have_text("You will be signed out in 2 minutes.")
    expect(dialog).to_have_attribute("aria-describedby", "hearth-timeout-message")
    expect(dialog.locator("#hearth-timeout-message")).to_contain_text("we will sign you out in")
    check_page(page, "timeout warning")

    # Staying signed in asks the real server (keep-alive), closes the dialog and keeps the page.
    page.unroute("**/session/status")
    page.keyboard.press("Tab")
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_focused()
    with page.expect_response("**/session/keep-alive") as kept:
        page.keyboard.press("Enter")
    assert kept.value.ok and kept.value.json()["seconds_left"] > 25 * 60
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kerry Walsh")


def test_ended_session_is_announced_and_signing_in_again_keeps_the_page(new_page, check_page, demo_password):
    page = new_page()
    page.clock.install()
    sign_in(page, "keyworker@demo.test", demo_password)
    page.goto("/framework")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcome framework")

    # The session ends for real: the user signs out in another tab.
    other_tab = page.context.new_page()
    other_tab.goto("/")
    other_tab.get_by_role("button", name="Sign out").click()
    expect(other_tab.get_by_text("You have signed out")).to_be_visible()

    page.clock.fast_forward(WARNING_AT)
    ended = page.get_by_role("dialog", name="You have been signed out")
    expect(ended).to_be_visible()
    expect(page.get_by_role("heading", name="You have been signed out")).to_be_focused()
    # Named and described by what it now says, not by the warning it replaced.
    expect(page.locator("dialog#hearth-timeout")).to_have_attribute("aria-describedby",
                                                                     "hearth-timeout-expired-message")
    check_page(page, "signed out by timeout")

    # Continue before signing in again: told so, in a live region.
    ended.get_by_role("button", name="Continue").click()
    status = ended.locator("[data-expired-status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("You are not signed in yet. Sign in in the other tab, then select Continue.")

    # Sign in again in the other tab, then Continue: the page is as it was, with fresh CSRF tokens.
    sign_in(other_tab, "keyworker@demo.test", demo_password)
    stale_token = page.locator("input[name=csrf_token]").first.input_value()
    ended.get_by_role("button", name="Continue").click()
    expect(page.locator("dialog#hearth-timeout")).to_be_hidden()
    expect(page.locator("input[name=csrf_token]").first).not_to_have_value(stale_token)
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcome framework")
    # The refreshed token works: signing out from this page is accepted.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()

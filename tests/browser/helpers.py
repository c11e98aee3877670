"""Plain helpers for the browser journeys (the fixtures are in conftest.py)."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RESULTS_DIR = ROOT / "test-results" / "browser"
# Playwright cannot download its own browser here; Debian's chromium needs these (docs: stack.md, trap 5).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
REFLOW_WIDTH = 320  # 1280 CSS pixels at 400% zoom (WCAG 1.4.10)


def title(page_title):
    """The <title> a page should have: the page, an en dash, the service (the GOV.UK pattern)."""
    return f"{page_title} \N{EN DASH} Hearth"


def sign_in(page, email, password, authenticator=None):
    """Sign in through the real form, typing as a person would; with the code from their authenticator
    app when Hearth asks for one."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if authenticator is not None and page.url.endswith("/sign-in/code"):
        page.get_by_label("Code from your authenticator app").fill(authenticator.code())
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


def tab_to(page, locator, *, limit=60, backwards=False):
    """Press Tab (or Shift+Tab) until `locator` has the focus: proves it can be reached by keyboard."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{locator} cannot be reached with the Tab key within {limit} presses")


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}\n  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
            lines.append(f"    at {target}\n      {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def run_axe(page):
    """axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules on the page as it is now; returns the violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return result["violations"]


def sideways_overflow(page, screenshot=None):
    """How many CSS pixels the page scrolls sideways at 320 wide (0 is good), with a screenshot at that
    width; the viewport is put back afterwards."""
    viewport = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": viewport["height"]})
    try:
        page.wait_for_function(f"() => window.innerWidth === {REFLOW_WIDTH}")
        if screenshot:
            page.screenshot(path=screenshot, full_page=True)
        return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    finally:
        page.set_viewport_size(viewport)


def from_home(page, link_name):
    """Follow a link from the home page, which lists everything the user's role may reach (the main menu
    shows only the most used, so journeys start from home as a user looking for something would)."""
    page.get_by_role("banner").get_by_role("link", name="Hearth", exact=True).click()
    page.get_by_role("main").get_by_role("link", name=link_name, exact=True).first.click()


class Authenticator:
    """The authenticator app a journey set up. Hearth takes each code once (app/auth/mfa.py), so a second
    sign-in within the same 30 seconds uses the next code, which Hearth allows for clock drift, and waits
    only when even that one is used."""

    def __init__(self, secret):
        import pyotp

        self.totp = pyotp.TOTP(secret)
        self.last_step = None

    def code(self):
        import time

        from app.auth.mfa import INTERVAL, VALID_WINDOW

        step = int(time.time() // INTERVAL)
        if self.last_step is not None and step <= self.last_step:
            step = self.last_step + 1
            wait = (step - VALID_WINDOW) * INTERVAL - time.time()
            if wait > 0:
                time.sleep(wait + 0.5)
        self.last_step = step
        return self.totp.at(step * INTERVAL)


def set_up_authenticator(page, check_page):
    """On "Set up two-factor authentication": read the setup key as someone who cannot scan the QR code
    would, type the code an authenticator app would show, and continue past the recovery codes. Returns
    the app, for the user's later sign-ins (register it with the `authenticators` fixture)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    check_page(page, "set up two-factor authentication")
    page.get_by_text("I cannot scan the QR code").click()
    app = Authenticator(page.locator(".govuk-details__text .hearth-reference").inner_text().replace(" ", ""))
    page.get_by_label("Code from your authenticator app").fill(app.code())
    page.get_by_role("button", name="Continue").click()
    check_page(page, "recovery codes")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    return app


def fill_date(group, day):
    """A GOV.UK date input (its fieldset, found by its legend): Day, Month and Year from a date."""
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def record_agreement(page, check_page, *, people, categories, agency_kinds, on, parent=None, step="agreement"):
    """On a family's "Consent and sharing" tab: record verbal agreement, before a witness, from `people`
    (by the people themselves, or by `parent` for children) to share `categories` with `agency_kinds`
    for coordinating the family's support."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Record agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record agreement to share")
    for name in people:
        page.get_by_role("checkbox", name=name, exact=True).check()
    if parent:
        page.get_by_role("radio", name="A parent or carer, for a child").check()
        page.get_by_label("Name of the parent or carer (if a parent or carer agreed)").fill(parent)
    else:
        page.get_by_role("radio", name="The person themselves").check()
    fill_date(page.get_by_role("group", name="Date agreement was given"), on)
    page.get_by_role("radio", name="Verbal, with a witness").check()
    page.get_by_label("Witness (for verbal agreement)").fill("Jo Bright")
    scope = page.get_by_role("group", name="What may be shared")
    for category in categories:
        scope.get_by_role("checkbox", name=category, exact=True).check()
    kinds = page.get_by_role("group", name="With which kinds of agency")
    for kind in agency_kinds:
        kinds.get_by_role("checkbox", name=kind, exact=True).check()
    page.get_by_role("group", name="For what").get_by_role("checkbox", name="Coordinating the family's support").check()
    check_page(page, f"{step} typed")
    page.get_by_role("button", name="Record agreement").click()
    expect(page).to_have_url(re.compile(r"/families/\d+/consent$"))
    check_page(page, f"{step} recorded")

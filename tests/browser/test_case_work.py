"""Journeys through the family record and referrals, read as a key worker and a programme manager
would: every tab of a family's record, the start of a referral with a missing answer, and triage."""
from playwright.sync_api import expect


def test_key_worker_reads_a_family_record_tab_by_tab(page_as, check_page):
    page = page_as("keyworker@demo.test")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My families").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, "my families")

    # The first family on the list (the demo gives the first key worker the biggest caseload).
    page.get_by_role("main").get_by_role("link", name="HF-", exact=False).first.click()
    tabs = page.get_by_role("navigation", name="Family record").get_by_role("link")
    expect(tabs.first).to_be_visible()
    names = tabs.all_inner_texts()
    assert len(names) >= 4, f"the family record has its tabs: {names}"
    expect(page.locator("[aria-current=page]").filter(has_text=names[0])).to_have_count(1)
    check_page(page, f"family record - {names[0]}")
    for name in names[1:]:
        page.get_by_role("navigation", name="Family record").get_by_role("link", name=name, exact=True).click()
        current = page.get_by_role("navigation", name="Family record").locator("[aria-current=page]")
        expect(current).to_have_text(name)
        check_page(page, f"family record - {name}")


def test_key_worker_starts_a_referral_and_is_told_what_is_missing(page_as, check_page):
    page = page_as("keyworker@demo.test")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Refer a family").click()
    check_page(page, "refer a family")
    page.get_by_role("main").get_by_role("link", name="Address", exact=False).first.click()
    check_page(page, "referral address")
    expect(page.get_by_role("heading", level=1)).to_have_text("What is the family's address?")
    page.get_by_label("Town or city (optional)").fill("Oakley Vale")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Enter the first line of the family's address",
                                                      "Enter the family's postcode"])
    expect(page.get_by_label("Town or city (optional)")).to_have_value("Oakley Vale")  # kept as typed
    check_page(page, "referral address missing")


def test_programme_manager_sees_the_triage_queue(page_as, check_page):
    page = page_as("manager@demo.test")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Triage").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, "triage queue")

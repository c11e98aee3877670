"""Journey: a programme manager needs a family's record in an emergency. Emergency access asks for a code
from an authenticator app (step-up); the demo manager has none yet, so Hearth has them set one up first,
reading the setup key as a person who cannot scan the QR code would. They open the record with a reason,
and see the emergency-access banner. An information governance officer then reviews the alert it raised.
"""
import re

from playwright.sync_api import expect

from tests.browser.helpers import fill_date, from_home, set_up_authenticator

JUSTIFICATION = "Police called at 2am about the children; the lead practitioner could not be reached."


def _someone_to_find():
    """A person the manager is told about on the phone: their name, date of birth and family."""
    from sqlalchemy import select

    from app.cases.models import Family, Person
    from app.extensions import db

    person = db.session.scalars(select(Person).join(Family, Family.id == Person.family_id)
                                .where(Person.date_of_birth.is_not(None), Family.closed_on.is_(None))
                                .order_by(Person.family_id.desc(), Person.id)).first()
    return {"name": f"{person.given_name} {person.family_name}", "dob": person.date_of_birth,
            "family_id": person.family_id, "reference": person.family.reference}


def test_manager_opens_a_record_in_an_emergency_and_ig_reviews_the_alert(page_as, check_page, in_app,
                                                                         authenticators):
    wanted = in_app(_someone_to_find)

    manager = page_as("manager@demo.test")
    check_page(manager, "manager's home page")
    from_home(manager, "Emergency access")
    h1 = manager.get_by_role("heading", level=1)
    expect(h1).to_have_text("Emergency access to a family")
    manager.get_by_label("Name").fill(wanted["name"])
    fill_date(manager.get_by_role("group", name="Date of birth"), wanted["dob"])
    check_page(manager, "emergency access search")
    manager.get_by_role("button", name="Search").click()
    found = manager.get_by_role("listitem").filter(has_text=wanted["reference"])
    check_page(manager, "emergency access results")
    found.get_by_role("link", name=wanted["name"]).click()

    # Step-up: no authenticator app yet, so set one up; the setup key is under "I cannot scan the QR code".
    authenticators["manager@demo.test"] = set_up_authenticator(manager, check_page)

    # Back where they were going: the emergency access form.
    expect(h1).to_have_text("Open a family record in an emergency")
    manager.get_by_role("button", name="Open the family record").click()
    summary = manager.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    check_page(manager, "emergency access form - errors")
    manager.get_by_role("radio", name="Out-of-hours response with no one else available").check()
    manager.get_by_label("Justification").fill(JUSTIFICATION)
    check_page(manager, "emergency access form")
    manager.get_by_role("button", name="Open the family record").click()
    expect(manager).to_have_url(re.compile(rf"/families/{wanted['family_id']}$"))
    expect(manager.get_by_text("Emergency access open for", exact=False).first).to_be_visible()
    check_page(manager, "family opened in an emergency")

    # The information governance officer reviews the alert.
    ig = page_as("ig@demo.test")
    from_home(ig, "Information governance")
    expect(ig.get_by_role("heading", level=1)).to_have_text("Alerts to review")
    check_page(ig, "alerts to review")
    row = ig.get_by_role("row").filter(has_text=wanted["reference"]).filter(has_text="Helen Brooks")
    row.get_by_role("link").first.click()
    expect(ig.get_by_role("heading", level=1)).to_have_text("Review an alert")
    expect(ig.get_by_role("main")).to_contain_text(JUSTIFICATION)
    check_page(ig, "review the alert")
    ig.get_by_role("radio", name="Justified", exact=True).check()
    ig.get_by_label("Note").fill("Spoke to the duty officer: the call and the time match. Access was needed.")
    ig.get_by_role("button", name="Record review").click()
    expect(ig.get_by_text("Review recorded")).to_be_visible()
    expect(ig.get_by_role("row").filter(has_text=wanted["reference"]).filter(has_text="Helen Brooks")).to_have_count(0)
    check_page(ig, "review recorded")

    # Who looked at the family, and why: the access log shows the emergency access.
    ig.goto(f"/information-governance/families/{wanted['family_id']}/access")
    expect(ig.get_by_role("main")).to_contain_text("Helen Brooks")
    check_page(ig, "who accessed the family")

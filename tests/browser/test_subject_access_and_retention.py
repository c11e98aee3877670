"""Journey: an information governance officer records a subject access request for a child, sees when it is
due, extends it with a reason, then reads the retention dry run and places a legal hold on a family. Every
step is checked with axe-core and at 320px. (The export needs a step-up code; the integration tests cover it,
so this journey leaves the demo IG officer without an authenticator for the other journeys.)"""
import re

from playwright.sync_api import expect

from tests.browser.helpers import from_home


def _child_without_a_request():
    from sqlalchemy import select

    from app.cases.models import Person
    from app.extensions import db
    from app.rights.models import SubjectAccessRequest

    asked = select(SubjectAccessRequest.person_id)
    person = db.session.scalars(select(Person).where(Person.relationship_to_family == "child",
                                                     Person.id.not_in(asked)).order_by(Person.id)).first()
    return {"name": person.full_name, "family_name": person.family_name, "reference": person.family.reference}


def _closed_family_without_a_hold():
    from sqlalchemy import select

    from app.cases.models import Family, FamilyStatus
    from app.extensions import db
    from app.rights.models import LegalHold

    held = select(LegalHold.family_id)
    family = db.session.scalars(select(Family).where(Family.status == FamilyStatus.CLOSED, Family.id.not_in(held))
                                .order_by(Family.id)).first()
    return family.reference


def test_ig_records_and_extends_a_request_and_places_a_legal_hold(page_as, check_page, in_app):
    child = in_app(_child_without_a_request)
    ig = page_as("ig@demo.test")
    from_home(ig, "Subject access")
    h1 = ig.get_by_role("heading", level=1)
    expect(h1).to_have_text("Subject access requests")
    check_page(ig, "open requests")

    ig.get_by_role("link", name="Record a request").click()
    ig.get_by_label("Name, NHS number or family reference").fill(child["reference"])
    ig.get_by_role("button", name="Find").click()
    check_page(ig, "people found")
    ig.get_by_role("link", name=re.compile(re.escape(child["name"]))).first.click()
    expect(h1).to_have_text("Record a subject access request")
    ig.get_by_role("button", name="Record request").click()
    expect(ig.locator(".govuk-error-summary")).to_be_focused()
    check_page(ig, "record a request - errors")
    ig.get_by_role("radio", name="A parent or carer, for a child").check()
    ig.get_by_label("Name of the person who asked").fill("Their father")
    group = ig.get_by_role("group", name="Date the request was received")
    group.get_by_label("Day").fill("31")
    group.get_by_label("Month").fill("1")
    group.get_by_label("Year").fill("2026")
    ig.get_by_role("radio", name="Photo identity document seen").check()
    ig.get_by_role("button", name="Record request").click()
    expect(ig.get_by_text("Request recorded: due 2 March 2026")).to_be_visible()
    check_page(ig, "the request")

    ig.get_by_role("link", name="Extend the due date").click()
    ig.get_by_role("radio", name="Two further months").check()
    ig.get_by_label("Why the request needs longer").fill("Records held by four agencies")
    check_page(ig, "extend the due date")
    ig.get_by_role("button", name="Extend the due date").click()
    expect(ig.get_by_text("Due date extended to 30 April 2026")).to_be_visible()
    ig.get_by_role("link", name="Back").click()
    expect(ig.get_by_role("row").filter(has_text=child["name"])).to_contain_text("Overdue")

    reference = in_app(_closed_family_without_a_hold)
    from_home(ig, "Retention")
    expect(h1).to_have_text("Retention")
    check_page(ig, "retention dry run")
    ig.get_by_label("Place or clear a legal hold: family reference").fill(reference)
    ig.get_by_role("button", name="Find family").click()
    expect(h1).to_have_text("Legal hold")
    check_page(ig, "legal hold")
    ig.get_by_label("Why the records must be kept").fill("Inquiry has asked for the records")
    ig.get_by_role("button", name="Place a legal hold").click()
    expect(ig.get_by_text("Legal hold in force")).to_be_visible()
    check_page(ig, "legal hold in force")

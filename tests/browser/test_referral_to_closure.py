"""Journey: a police practitioner refers a family with the keyboard alone; a programme manager triages the
referral, matches it to a family Hearth already knows and allocates its key worker; the key worker, told
by a notification, finds the referral's reasons as the family's needs, attaches the family, records the
family's agreement to share (with its scope), completes the assessment and the plan, logs an intervention
and closes the case. Each step is done in the browser as the person would do it.
"""
import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.helpers import fill_date, record_agreement, tab_to

NEW_BABY = ("Poppy", "2 5 2026")
ASSESSMENT = {
    "The family's strengths": "Close and loving; grandparents nearby help with the school run.",
    "Children's needs and development": "The older child misses school on Mondays.",
    "Parenting capacity": "Parents are tired and worried about money.",
    "Family and environmental factors": "Rent arrears since the spring.",
    "What the family says": "They want help with the arrears and a routine for Mondays.",
}


def _a_referred_family():
    """A family Hearth already knows, still 'referred' and without a lead practitioner, and its eldest
    member with a date of birth: what the police officer knows about them."""
    from sqlalchemy import select

    from app.cases.models import Family, FamilyStatus, Person
    from app.extensions import db

    family = db.session.scalars(select(Family).where(
        Family.status == FamilyStatus.REFERRED, Family.lead_practitioner_id.is_(None),
        Family.address_line_1.is_not(None)).order_by(Family.id)).first()
    person = db.session.scalars(select(Person).where(Person.family_id == family.id,
                                                     Person.date_of_birth.is_not(None))
                                .order_by(Person.date_of_birth, Person.id)).first()
    return {"id": family.id, "reference": family.reference, "line_1": family.address_line_1,
            "postcode": family.postcode, "given": person.given_name, "family_name": person.family_name,
            "dob": person.date_of_birth, "gender": person.gender.label,
            "relationship": person.relationship_to_family.label}


def _type_date(page, day_month_year):
    """Day, Month and Year boxes, in order, with Tab between them."""
    day, month, year = day_month_year.split()
    page.keyboard.type(day)
    page.keyboard.press("Tab")
    page.keyboard.type(month)
    page.keyboard.press("Tab")
    page.keyboard.type(year)


def _keys_to(page, locator, key="Enter"):
    tab_to(page, locator, limit=120)
    page.keyboard.press(key)


def _police_refers_with_the_keyboard(page, check_page, known):
    h1 = page.get_by_role("heading", level=1)
    _keys_to(page, page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Refer a family"))
    expect(h1).to_have_text("Refer a family")
    check_page(page, "refer a family")

    _keys_to(page, page.get_by_role("link", name="Family address"))
    expect(h1).to_have_text("What is the family's address?")
    tab_to(page, page.get_by_label("Address line 1"))
    page.keyboard.type(known["line_1"])
    tab_to(page, page.get_by_label("Postcode"))
    page.keyboard.type(known["postcode"])
    check_page(page, "address typed")
    _keys_to(page, page.get_by_role("button", name="Save and continue"))

    # The people: the adult the police know, then a baby born since, who is new to Hearth.
    expect(h1).to_have_text("People in the family")
    people = [(known["given"], known["family_name"], known["dob"].strftime("%-d %-m %Y"), known["gender"],
               known["relationship"]),
              (NEW_BABY[0], known["family_name"], NEW_BABY[1], "Female", "Child")]
    for given, family_name, dob, gender, relationship in people:
        _keys_to(page, page.get_by_role("button", name="Add a person").or_(
            page.get_by_role("button", name="Add another person")))
        expect(h1).to_have_text("Add a person")
        tab_to(page, page.get_by_label("First name"))
        page.keyboard.type(given)
        tab_to(page, page.get_by_label("Last name"))
        page.keyboard.type(family_name)
        tab_to(page, page.get_by_label("Day"))
        _type_date(page, dob)
        # Radios: Tab enters the group on its first option; arrow keys move the choice.
        page.keyboard.press("Tab")
        genders = page.get_by_role("group", name="Gender").get_by_role("radio")
        expect(genders.first).to_be_focused()
        page.keyboard.press("Space")
        wanted = page.get_by_role("radio", name=gender, exact=True)
        for _ in range(genders.count()):
            if wanted.is_checked():
                break
            page.keyboard.press("ArrowDown")
        expect(wanted).to_be_checked()
        tab_to(page, page.get_by_label("Relationship to the family"))
        page.keyboard.type(relationship)
        expect(page.get_by_label("Relationship to the family").locator("option:checked")).to_have_text(relationship)
        check_page(page, f"person {given} typed")
        _keys_to(page, page.get_by_role("button", name="Save person"), key="Space")
        expect(h1).to_have_text("People in the family")
        expect(page.get_by_role("main")).to_contain_text(f"{given} {family_name}")
    check_page(page, "people added")

    _keys_to(page, page.get_by_role("button", name="Continue"))
    expect(h1).to_have_text("Reasons for the referral")
    for reason in ("School attendance below 90%", "Rent arrears",
                   "A domestic abuse incident reported in the last 12 months"):
        _keys_to(page, page.get_by_label(reason), key="Space")
        expect(page.get_by_label(reason)).to_be_checked()
    check_page(page, "reasons chosen")
    _keys_to(page, page.get_by_role("button", name="Save and continue"))

    expect(h1).to_have_text("Summary and the family's agreement")
    tab_to(page, page.get_by_label("Summary of the family's situation"))
    page.keyboard.type("Officers attended a domestic incident; the children were present. Mum asked for help.")
    _keys_to(page, page.get_by_label("The family agreed to the referral"), key="Space")
    expect(page.get_by_label("The family agreed to the referral")).to_be_checked()
    check_page(page, "summary typed")
    _keys_to(page, page.get_by_role("button", name="Save and continue"))

    expect(h1).to_have_text("Check your answers before sending the referral")
    main = page.get_by_role("main")
    expect(main).to_contain_text(known["postcode"])
    expect(main).to_contain_text("Rent arrears")
    check_page(page, "check your answers")
    _keys_to(page, page.get_by_role("button", name="Send referral"))
    expect(h1).to_contain_text("Referral sent")
    reference = page.get_by_role("main").get_by_text("RF-").first.inner_text()
    check_page(page, "referral sent")
    return reference[reference.index("RF-"):reference.index("RF-") + 9]


def test_a_referral_from_the_police_to_a_closed_case(page_as, check_page, in_app):
    from app.common.time import today_london

    known = in_app(_a_referred_family)
    today = today_london()  # the family is attached today, so everything after happens today

    # 1. The police practitioner, keyboard only.
    police = page_as("police@demo.test")
    reference = _police_refers_with_the_keyboard(police, check_page, known)

    # 2. The programme manager triages it and matches it to the family Hearth knows.
    manager = page_as("manager@demo.test")
    manager.get_by_role("navigation", name="Main menu").get_by_role("link", name="Triage").click()
    check_page(manager, "triage queue")
    manager.get_by_role("link", name=reference).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(f"Triage referral {reference}")
    check_page(manager, "triage the referral")
    manager.get_by_role("button", name=f"Accept into family {known['reference']}").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(f"Accept into family {known['reference']}")
    known_person = manager.get_by_role("group", name=f"{known['given']} {known['family_name']}")
    expect(known_person.get_by_role("radio", name=f"{known['given']} {known['family_name']}, born",
                                    exact=False)).to_be_checked()
    baby = manager.get_by_role("group", name=f"{NEW_BABY[0]} {known['family_name']}")
    expect(baby.get_by_role("radio", name="Add as a new member of the family")).to_be_checked()
    check_page(manager, "match the people")
    manager.get_by_role("button", name="Accept").click()
    expect(manager.get_by_text(f"Referral {reference} accepted into family {known['reference']}")).to_be_visible()
    # The family has no lead practitioner yet: the manager goes straight on to allocating its key worker.
    expect(manager.get_by_role("heading", level=1)).to_have_text("Allocate a lead practitioner")
    check_page(manager, "accepted - allocate")
    lead = manager.get_by_label("Lead practitioner")
    lead.select_option(label=lead.locator("option", has_text="Kerry Walsh").inner_text())
    manager.get_by_role("button", name="Save lead practitioner").click()
    expect(manager.get_by_text("Kerry Walsh is now the lead practitioner")).to_be_visible()
    expect(manager.get_by_role("main")).to_contain_text("Kerry Walsh")
    check_page(manager, "allocated")

    # 3. The key worker, told by a notification that the family is theirs.
    worker = page_as("keyworker@demo.test")
    worker.get_by_role("link", name="Notifications").first.click()
    check_page(worker, "notifications")
    worker.get_by_role("link", name=f"Family {known['reference']} has been allocated to you").click()
    record = worker.get_by_role("navigation", name="Family record")
    h1 = worker.get_by_role("heading", level=1)
    expect(worker.get_by_role("main")).to_contain_text("Referred")
    check_page(worker, "the family, referred")

    # The referral's reasons are the family's identified needs.
    record.get_by_role("link", name="Needs", exact=True).click()
    for need in ("School attendance below 90%", "Rent arrears", "domestic abuse incident"):
        expect(worker.get_by_role("main")).to_contain_text(need)
    check_page(worker, "needs from the referral")

    def move_to(action, step, **closing):
        record.get_by_role("link", name="Summary", exact=True).click()
        worker.get_by_role("link", name=action).click()
        expect(h1).to_have_text("Change the case's status")
        if closing:
            worker.get_by_role("radio", name=closing["reason"]).check()
        check_page(worker, f"{step} - form")
        worker.get_by_role("button", name="Change status").click()
        expect(worker.get_by_text(f"Status is now: {step}", exact=True)).to_be_visible()
        check_page(worker, step)

    move_to("Attach the family", "Attached")

    # Agreement to share, per person, with what may be shared, with whom and for what.
    record.get_by_role("link", name="Consent and sharing").click()
    check_page(worker, "consent and sharing")
    record_agreement(worker, check_page, people=[f"{known['given']} {known['family_name']}"],
                     categories=["Education", "Housing", "Finance"], agency_kinds=["School or academy", "Housing"],
                     on=today)
    main = worker.get_by_role("main")
    expect(main.get_by_role("row").filter(has_text=known["given"]).filter(has_text="Housing")).to_have_count(1)

    move_to("Start the assessment", "Assessment in progress")

    record.get_by_role("link", name="Assessment", exact=True).click()
    worker.get_by_role("main").get_by_role("link", name="Start the assessment").click()
    expect(h1).to_have_text("Whole-family assessment")
    for label, text in ASSESSMENT.items():
        worker.get_by_label(label, exact=True).fill(text)
    worker.get_by_label("Analysis and summary").fill("Money worries drive the Monday absences; start there.")
    completed = worker.get_by_role("group", name="Date completed (optional)")
    fill_date(completed, today)
    check_page(worker, "assessment typed")
    worker.get_by_role("button", name="Save assessment").click()
    expect(worker).to_have_url(re.compile(rf"/families/{known['id']}/assessment$"))
    expect(worker.get_by_role("main")).to_contain_text(ASSESSMENT["The family's strengths"])
    check_page(worker, "assessment saved")

    move_to("Agree the plan", "Plan agreed")

    record.get_by_role("link", name="Plan", exact=True).click()
    worker.get_by_role("main").get_by_role("link", name="Add a goal").click()
    expect(h1).to_have_text("Add a goal to the plan")
    worker.get_by_label("Action", exact=True).fill("Book a debt advice appointment and set up a payment plan "
                                                   "for the arrears")
    worker.get_by_label("Agency that owns the action").select_option(label="Demo County Council Early Help")
    fill_date(worker.get_by_role("group", name="Due date"), today + timedelta(days=30))
    worker.get_by_role("radio", name="Not started").check()
    check_page(worker, "goal typed")
    worker.get_by_role("button", name="Save goal").click()
    expect(worker).to_have_url(re.compile(rf"/families/{known['id']}/plan$"))
    expect(worker.get_by_role("main")).to_contain_text("debt advice appointment")
    check_page(worker, "goal saved")

    move_to("Make the case active", "Active")

    record.get_by_role("link", name="Interventions", exact=True).click()
    worker.get_by_role("main").get_by_role("link", name="Record an intervention").click()
    expect(h1).to_have_text("Record an intervention")
    worker.get_by_label("Type of work").select_option(label="Home visit")
    worker.get_by_label("Agency that did the work").select_option(label="Demo County Council Early Help")
    worker.get_by_role("group", name="Who it concerns").get_by_role(
        "checkbox", name=f"{known['given']} {known['family_name']}").check()
    worker.get_by_label("How long it took, in minutes").fill("90")
    worker.get_by_label("Summary", exact=True).fill("Went through the arrears letters together and rang the "
                                                    "landlord to agree a first payment.")
    worker.get_by_label("Data category").select_option(label="Finance")
    check_page(worker, "intervention typed")
    worker.get_by_role("button", name="Save intervention").click()
    expect(worker).to_have_url(re.compile(rf"/families/{known['id']}/interventions$"))
    expect(worker.get_by_role("main")).to_contain_text("Home visit")
    check_page(worker, "intervention saved")

    move_to("Close the case", "Closed", reason="Needs met")
    expect(worker.get_by_role("main")).to_contain_text("active to closed (needs met)")


def test_a_manager_can_allocate_a_referred_family(page_as, check_page, in_app):
    family = in_app(_a_referred_family)
    manager = page_as("manager@demo.test")
    manager.goto(f"/families/{family['id']}")
    summary = manager.get_by_role("main")
    expect(summary.locator(".govuk-summary-list__row", has_text="Lead practitioner")).to_contain_text("None named")
    check_page(manager, "referred family - no lead")
    summary.get_by_role("link", name="Allocate lead practitioner").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Allocate a lead practitioner")
    manager.get_by_role("button", name="Save lead practitioner").click()
    expect(manager.get_by_role("link", name="Select the lead practitioner")).to_be_visible()  # the error summary
    check_page(manager, "allocate - error")
    lead = manager.get_by_label("Lead practitioner")
    lead.select_option(label=lead.locator("option", has_text="Tom Ashworth").inner_text())
    manager.get_by_role("button", name="Save lead practitioner").click()
    expect(manager.get_by_text("Tom Ashworth is now the lead practitioner")).to_be_visible()
    expect(summary.locator(".govuk-summary-list__row", has_text="Lead practitioner")).to_contain_text("Tom Ashworth")
    # Allocating is not working on the family: the manager is offered no case work.
    expect(summary.get_by_role("link", name="Attach the family")).to_have_count(0)
    check_page(manager, "allocated from the summary")

"""Journey: the family agree to share case notes and housing information between early help and housing;
the team around the family holds a meeting (attendees, minutes, decisions) and records an action;
the key worker starts two discussions, one about the rent arrears (a case note, which partners may read)
and one about a child's mental health; the housing officer on the team reads and answers the first (with
housing information, which early help may read), and sees the second withheld, with the reason."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.helpers import fill_date, from_home, record_agreement

LEAD = "keyworker@demo.test"
PARTNER = "housing@demo.test"  # housing may pass housing information to early help (the demo agreement)
SHARED_SUBJECT = "Rent arrears: the payment plan"
PRIVATE_SUBJECT = "CAMHS referral for the eldest child"


def _family_and_partner():
    """An open family the key worker leads with the housing officer on its team."""
    from sqlalchemy import select

    from app.auth.models import Agency, User
    from app.cases.models import Family, Person, TeamMember
    from app.extensions import db

    lead = db.session.scalars(select(User).where(User.email == LEAD)).one()
    family, partner = db.session.execute(
        select(Family, User).join(TeamMember, TeamMember.family_id == Family.id)
        .join(User, User.id == TeamMember.user_id)
        .where(Family.lead_practitioner_id == lead.id, Family.closed_on.is_(None), TeamMember.left_on.is_(None),
               User.email == PARTNER)
        .order_by(Family.id, User.id)).first()
    people = db.session.scalars(select(Person.given_name + " " + Person.family_name)
                                .where(Person.family_id == family.id).order_by(Person.id)).all()
    return {"reference": family.reference, "people": people, "partner_email": partner.email,
            "partner": partner.name, "partner_agency": db.session.get(Agency, partner.agency_id).name,
            "lead": lead.name}


def _open_family(page, reference):
    from_home(page, "Search")
    page.get_by_label("Name, family reference, NHS number or postcode").fill(reference)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=reference, exact=True).click()
    return page.get_by_role("navigation", name="Family record")


def _start_discussion(page, check_page, family, subject, body, category, step):
    page.get_by_role("link", name="Start a discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a discussion")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Message", exact=True).fill(body)
    page.get_by_label("Data category").select_option(label=category)
    page.get_by_role("group", name="Tell these people (optional)").get_by_role(
        "checkbox", name=re.compile(re.escape(family["partner"]))).check()
    check_page(page, f"{step} - typed")
    page.get_by_role("button", name="Start discussion").click()
    expect(page.get_by_role("main")).to_contain_text(body)
    check_page(page, step)


def test_the_team_meets_and_talks_and_a_partner_sees_what_they_may(page_as, check_page, in_app):
    from app.common.time import today_london

    family = in_app(_family_and_partner)
    today = today_london()

    worker = page_as(LEAD)
    record = _open_family(worker, family["reference"])
    check_page(worker, "family found")

    # The family agree that case notes and housing information may pass between early help and housing.
    record.get_by_role("link", name="Consent and sharing").click()
    record_agreement(worker, check_page, people=family["people"], categories=["Case note", "Housing"],
                     agency_kinds=["Council early help", "Housing"], on=today, parent="the parents")

    # The meeting: who came, the minutes, and what was decided.
    record.get_by_role("link", name="Meetings", exact=True).click()
    worker.get_by_role("link", name="Record a meeting").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Record a meeting")
    worker.get_by_role("radio", name="Team around the family meeting").check()
    fill_date(worker.get_by_role("group", name="Date of the meeting"), today)
    workers = worker.get_by_role("group", name="Workers who attend")
    workers.get_by_role("checkbox", name=re.compile(re.escape(family["lead"]))).check()
    workers.get_by_role("checkbox", name=re.compile(re.escape(family["partner"]))).check()
    worker.get_by_role("group", name="Family members who attend").get_by_role(
        "checkbox", name=family["people"][0], exact=True).check()
    worker.get_by_label("Minutes (optional)").fill("Reviewed the arrears and the school mornings. Mum is "
                                                   "keen to try a payment plan.")
    worker.get_by_label("Decisions (optional)").fill("Housing to hold enforcement while a plan is agreed.")
    worker.get_by_label("Data category").select_option(label="Case note")
    check_page(worker, "meeting typed")
    worker.get_by_role("button", name="Save meeting").click()
    main = worker.get_by_role("main")
    expect(main).to_contain_text("Housing to hold enforcement")
    expect(main).to_contain_text(family["partner"])
    check_page(worker, "meeting recorded")

    # An action from the meeting, owned by the partner, due in a fortnight.
    worker.get_by_role("link", name="Add an action").click()
    worker.get_by_label("Action").fill("Agree a repayment plan with the family and confirm it in writing")
    owner = worker.get_by_label("Who owns it")
    owner.select_option(label=owner.locator("option", has_text=family["partner"]).inner_text())
    fill_date(worker.get_by_role("group", name="Due date"), today + timedelta(days=14))
    check_page(worker, "action typed")
    worker.get_by_role("button", name="Add action").click()
    expect(worker.get_by_role("main")).to_contain_text("Agree a repayment plan")
    check_page(worker, "action added")

    # Two discussions: one every partner on the team may read, one they may not.
    record.get_by_role("link", name="Messages", exact=True).click()
    check_page(worker, "messages")
    _start_discussion(worker, check_page, family, SHARED_SUBJECT,
                      "Can housing hold the enforcement for four weeks while we set up the plan?", "Case note",
                      "discussion started")
    record.get_by_role("link", name="Messages", exact=True).click()
    _start_discussion(worker, check_page, family, PRIVATE_SUBJECT,
                      "Referred to CAMHS after the school raised low mood; first appointment in January.",
                      "Mental health", "second discussion started")
    # The partner may not read mental health information: they are not told, and the key worker knows it.
    expect(worker.get_by_role("main")).to_contain_text(f"Not told: {family['partner']}.")

    # The partner: told by a notification, reads the first discussion and answers it.
    partner = page_as(family["partner_email"])
    partner.get_by_role("link", name=re.compile(r"^Notifications")).first.click()
    ref = family["reference"]
    # Told of the discussion they may read, and only of that one: who, which discussion, when.
    mentioned = re.compile(rf"^{re.escape(family['lead'])} mentioned you in discussion \d+ about family {ref} \(")
    expect(partner.get_by_role("link", name=mentioned)).to_have_count(1)
    check_page(partner, "partner - notifications")
    # The action from the meeting is theirs: the notification leads to the family plan, where it is kept.
    partner.get_by_role("link", name=f"An action from a meeting about family {ref} is yours").click()
    expect(partner.get_by_role("main")).to_contain_text("Agree a repayment plan")
    check_page(partner, "partner - their action")
    partner_record = _open_family(partner, family["reference"])
    partner_record.get_by_role("link", name="Messages", exact=True).click()
    messages = partner.get_by_role("main")
    expect(messages.get_by_role("link", name=SHARED_SUBJECT)).to_be_visible()
    # The other discussion is there, but withheld with the reason, and its subject is not shown.
    expect(messages).to_contain_text("withheld: no basis to share mental health information")
    expect(messages).not_to_contain_text(PRIVATE_SUBJECT)
    check_page(partner, "partner - messages, one withheld")
    messages.get_by_role("link", name="Open the discussion").first.click()
    expect(partner.get_by_role("main")).to_contain_text("withheld: no basis to share mental health information")
    expect(partner.get_by_role("main")).not_to_contain_text("CAMHS")
    check_page(partner, "partner - withheld discussion")
    partner_record.get_by_role("link", name="Messages", exact=True).click()

    messages.get_by_role("link", name=SHARED_SUBJECT).click()
    expect(partner.get_by_role("main")).to_contain_text("hold the enforcement for four weeks")
    partner.get_by_label("Message", exact=True).fill("Yes: enforcement is on hold until the end of next month.")
    partner.get_by_label("Data category").select_option(label="Housing")
    check_page(partner, "partner - reply typed")
    partner.get_by_role("button", name="Send message").click()
    expect(partner.get_by_role("main")).to_contain_text("enforcement is on hold")
    check_page(partner, "partner - reply sent")

    # The key worker reads the answer.
    worker.reload()
    record.get_by_role("link", name="Messages", exact=True).click()
    worker.get_by_role("link", name=SHARED_SUBJECT).click()
    expect(worker.get_by_role("main")).to_contain_text("enforcement is on hold")
    expect(worker.get_by_role("main")).to_contain_text(family["partner_agency"])
    check_page(worker, "reply read")

"""Journey: a school's designated lead works with a family who have not agreed to share with schools. They see
"withheld" with the reason on what other agencies hold, and can ask to share. The key worker records
the family's fresh agreement (case notes, with schools, for coordinating support); the school now sees
the council's case-note work, and still sees the police's crime records withheld, and asks the police.
"""
import re

from playwright.sync_api import expect

from tests.browser.helpers import record_agreement

SCHOOL = "school@demo.test"
EARLY_HELP = "Demo County Council Early Help"
POLICE = "Demo Constabulary"


def _school_family():
    """The family whose team the school's designated lead is on, with case notes from early help and
    crime records from the police: what the journey needs from the demo."""
    from sqlalchemy import exists, select

    from app.auth.models import Agency, User
    from app.cases.models import Family, Intervention, Person, TeamMember
    from app.extensions import db

    school = db.session.scalars(select(User).where(User.email == SCHOOL)).one()

    def holds(agency_name, category):
        return exists().where(Intervention.family_id == Family.id, Intervention.category == category,
                              Intervention.holding_agency_id == Agency.id, Agency.name == agency_name)

    family = db.session.scalars(select(Family).where(
        exists().where(TeamMember.family_id == Family.id, TeamMember.user_id == school.id),
        holds(EARLY_HELP, "case_note"), holds(POLICE, "crime")).order_by(Family.id)).first()
    people = db.session.scalars(select(Person.given_name + " " + Person.family_name)
                                .where(Person.family_id == family.id)).all()
    return {"id": family.id, "reference": family.reference, "people": people,
            "lead": db.session.get(User, family.lead_practitioner_id).email}


def _withheld(page, agency, category):
    return page.get_by_role("main").get_by_text(
        re.compile(rf"by {agency} withheld: no basis to share {category} information yet"))


def test_school_sees_withheld_with_the_reason_and_what_agreement_allows(page_as, check_page, in_app):
    from app.common.time import today_london

    family = in_app(_school_family)
    today = today_london()

    # The school, before the family agrees: early help's case notes are withheld, and say why.
    school = page_as(SCHOOL)
    school.get_by_role("navigation", name="Main menu").get_by_role("link", name="My families").click()
    check_page(school, "school - my families")
    school.get_by_role("link", name=family["reference"]).click()
    record = school.get_by_role("navigation", name="Family record")
    record.get_by_role("link", name="Consent and sharing").click()
    expect(school.get_by_role("heading", name="Agreement to share")).to_be_visible()
    check_page(school, "school - consent, before")
    record.get_by_role("link", name="Interventions", exact=True).click()
    expect(_withheld(school, EARLY_HELP, "case note").first).to_be_visible()
    expect(school.get_by_role("link", name=f"Ask {EARLY_HELP} to share it").first).to_be_visible()
    check_page(school, "school - interventions withheld")

    # The key worker records the family's agreement: case notes, with schools, to coordinate support.
    worker = page_as(family["lead"])
    worker.goto(f"/families/{family['id']}/consent")
    record_agreement(worker, check_page, people=family["people"], categories=["Case note"],
                     agency_kinds=["School or academy"], on=today, parent="Michelle Smith",
                     step="key worker - agreement")

    # The school again: the consent tab says what is agreed; case notes are shared, crime is not.
    school.reload()
    record.get_by_role("link", name="Consent and sharing").click()
    agreed = school.get_by_role("row").filter(has_text=family["people"][0]).filter(has_text="Case note").first
    expect(agreed).to_contain_text("school")
    check_page(school, "school - consent, agreed")
    record.get_by_role("link", name="Interventions", exact=True).click()
    expect(_withheld(school, EARLY_HELP, "case note")).to_have_count(0)
    shared = school.get_by_role("main").get_by_text(re.compile(rf"^{EARLY_HELP}, \d+ minutes\..* Case note\.$"))
    expect(shared.first).to_be_visible()
    crime = _withheld(school, POLICE, "crime")
    expect(crime.first).to_be_visible()
    check_page(school, "school - interventions after agreement")

    # ... and asks the police to share their crime information.
    school.get_by_role("link", name=f"Ask {POLICE} to share it").first.click()
    expect(school.get_by_role("heading", level=1)).to_have_text(f"Ask {POLICE} to share")
    school.get_by_label("Why you need it (optional)").fill("To plan the school's safeguarding support")
    check_page(school, "school - ask to share")
    school.get_by_role("button", name="Send request").click()
    expect(school.get_by_role("main")).to_contain_text("request", ignore_case=True)
    check_page(school, "school - request sent")

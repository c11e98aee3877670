"""Who sees which referral, the triage queue, and accepting, declining and marking duplicates."""
from datetime import date, timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.cases.models import Family, FamilyStatus, Person
from app.common.time import today_london
from app.extensions import db
from app.referrals.models import Referral, ReferralStatus
from tests.conftest import post_form, signed_in_client
from tests.integration.referrals.helpers import family, person, referral


def test_a_practitioner_sees_their_own_referrals_and_nothing_of_others(app, factory, practitioner_client):
    mine = referral(practitioner_client.user)
    colleague = factory.user(role="practitioner", agency=practitioner_client.user.agency)
    theirs = referral(colleague, people=[person("Zed", "Other", date(1990, 1, 1))])

    page = practitioner_client.get("/referrals").get_data(as_text=True)
    assert mine.reference in page and theirs.reference not in page and "Awaiting triage" in page
    assert practitioner_client.get(f"/referrals/{mine.id}").status_code == 200
    assert practitioner_client.get(f"/referrals/{theirs.id}").status_code == 404
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ReferralAccessRefused")
                                .order_by(AuditEvent.seq.desc()))
    assert refused.object_id == str(theirs.id)
    assert practitioner_client.get(f"/referrals/{theirs.id}/sent").status_code == 404
    # A practitioner cannot triage.
    assert practitioner_client.get(f"/referrals/{mine.id}/triage").status_code == 403
    assert practitioner_client.get("/referrals/triage").status_code == 403


def test_designated_leads_see_their_agencys_referrals_and_the_status(app, factory, practitioner_client):
    sent = referral(practitioner_client.user)
    lead = signed_in_client(app, factory.user(role="practitioner", agency=practitioner_client.user.agency,
                                              is_designated_lead=True))
    other_lead = signed_in_client(app, factory.user(role="practitioner", agency_kind="health",
                                                    is_designated_lead=True))
    assert sent.reference in lead.get("/referrals").get_data(as_text=True)
    assert lead.get(f"/referrals/{sent.id}").status_code == 200
    assert sent.reference not in other_lead.get("/referrals").get_data(as_text=True)
    assert other_lead.get(f"/referrals/{sent.id}").status_code == 404


def test_the_queue_is_oldest_first_and_highlights_referrals_past_the_target(programme_manager_client, factory):
    referrer = factory.user(role="practitioner", agency_kind="school")
    today = today_london()
    new = referral(referrer, received_on=today)
    old = referral(referrer, received_on=today - timedelta(days=21), people=[person("Amy", "Old", date(1990, 1, 1))])
    page = programme_manager_client.get("/referrals/triage").get_data(as_text=True)
    assert page.index(old.reference) < page.index(new.reference)
    assert "past the target" in page and "0 working days" in page


def test_accepting_into_a_new_family_creates_it_once(programme_manager_client, factory):
    sent = referral(factory.user(role="practitioner", agency_kind="police"))
    url = f"/referrals/{sent.id}/accept-new"
    form_url = f"/referrals/{sent.id}/triage"
    assert programme_manager_client.get(form_url).status_code == 200
    first = post_form(programme_manager_client, url, {}, form_url=form_url)
    assert first.status_code == 302
    db.session.expire_all()
    accepted = db.session.get(Referral, sent.id)
    assert accepted.status == ReferralStatus.ACCEPTED and accepted.family_id
    fam = db.session.get(Family, accepted.family_id)
    assert fam.status == FamilyStatus.REFERRED
    assert sorted(p.given_name for p in fam.members) == ["Olivia", "Sarah"]
    assert all(p.person_id for p in accepted.people)
    families = db.session.scalar(select(func.count(Family.id)))
    again = post_form(programme_manager_client, url, {}, form_url=form_url)
    assert again.status_code == 302 and db.session.scalar(select(func.count(Family.id))) == families


def test_a_near_duplicate_family_is_offered_and_accepting_links_the_same_people(programme_manager_client, factory):
    known = family(people=[person("Sarah", "Smith", date(1988, 4, 12), gender="female"),
                           person("Olivia", "Smith", date(2014, 6, 3), "child", gender="female")])
    sent = referral(factory.user(role="practitioner", agency_kind="health"),
                    people=[person("Sara", "Smyth", date(1988, 12, 4), gender="female"),
                            person("Jack", "Smith", date(2019, 2, 2), "child", gender="male")])
    page = programme_manager_client.get(f"/referrals/{sent.id}/triage").get_data(as_text=True)
    assert f"Family {known.reference}" in page and "day and month swapped" in page
    sarah = db.session.scalar(select(Person).where(Person.family_id == known.id, Person.given_name == "Sarah"))
    url = f"/referrals/{sent.id}/accept/{known.id}"
    page = programme_manager_client.get(url).get_data(as_text=True)
    assert f'value="{sarah.id}" checked' in page  # the suggested match is chosen already
    response = post_form(programme_manager_client, url, {"person_0": str(sarah.id), "person_1": "new"})
    assert response.status_code == 302
    db.session.expire_all()
    accepted = db.session.get(Referral, sent.id)
    assert accepted.family_id == known.id and accepted.people[0].person_id == sarah.id
    assert sorted(p.given_name for p in db.session.get(Family, known.id).members) == ["Jack", "Olivia", "Sarah"]


def test_declining_needs_a_reason_and_the_referrer_sees_the_status(programme_manager_client, practitioner_client):
    sent = referral(practitioner_client.user)
    url, form_url = f"/referrals/{sent.id}/decline", f"/referrals/{sent.id}/triage"
    page = post_form(programme_manager_client, url, {"decline_reason": "other"}, form_url=form_url)
    assert page.status_code == 200 and "Explain why the referral is declined" in page.get_data(as_text=True)
    page = post_form(programme_manager_client, url, {"decline_reason": "made_up"}, form_url=form_url)
    assert "Select a reason for declining" in page.get_data(as_text=True)
    assert post_form(programme_manager_client, url, {"decline_reason": "not_eligible"},
                     form_url=form_url).status_code == 302
    page = practitioner_client.get(f"/referrals/{sent.id}").get_data(as_text=True)
    assert "Declined" in page and "Does not meet the criteria" in page


def test_marking_a_duplicate_needs_another_referral(programme_manager_client, factory):
    referrer = factory.user(role="practitioner", agency_kind="housing")
    original, again = referral(referrer), referral(referrer)
    url, form_url = f"/referrals/{again.id}/duplicate", f"/referrals/{again.id}/triage"
    page = post_form(programme_manager_client, url, {"duplicate_of": again.reference}, form_url=form_url)
    assert "Enter the reference of another referral" in page.get_data(as_text=True)
    page = post_form(programme_manager_client, url, {"duplicate_of": "RF-999999"}, form_url=form_url)
    assert "Enter the reference of another referral" in page.get_data(as_text=True)
    assert post_form(programme_manager_client, url, {"duplicate_of": original.reference.lower()},
                     form_url=form_url).status_code == 302
    db.session.expire_all()
    marked = db.session.get(Referral, again.id)
    assert marked.status == ReferralStatus.DUPLICATE and marked.duplicate_of_id == original.id


def test_every_triage_page_refuses_other_roles(key_worker_client, finance_officer_client, factory):
    sent = referral(factory.user(role="practitioner"))
    for client in (key_worker_client, finance_officer_client):
        for url in ("/referrals/triage", f"/referrals/{sent.id}/triage", "/referrals/import", "/referrals/merges"):
            assert client.get(url).status_code == 403, url

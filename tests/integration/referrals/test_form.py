"""The referral form: question pages over a server-side draft, check your answers, send once."""
from sqlalchemy import func, select

from app.extensions import db
from app.referrals.models import Referral, ReferralDraft, ReferralStatus
from tests.conftest import post_form
from tests.integration.referrals.helpers import framework, reason_codes


def _person(client, **fields):
    data = {"given_name": "Sarah", "family_name": "Smith", "date_of_birth": ["12", "4", "1988"], "gender": "female",
            "relationship_to_family": "parent", "nhs_number": "", "upn": "", "ni_number": "", "pnc_number": "",
            "other_names": ""}
    data.update(fields)
    return post_form(client, "/referrals/new/people/add", data)


def _count():
    return db.session.scalar(select(func.count(Referral.id)))


def test_a_practitioner_refers_a_family_and_sending_twice_makes_one_referral(practitioner_client):
    framework()
    client = practitioner_client
    assert client.get("/referrals/new").status_code == 200
    response = post_form(client, "/referrals/new/address", {"address_line_1": "1 Mill Lane", "town": "Northfield",
                                                            "postcode": "dm1 2ab"})
    assert response.status_code == 302 and response.location.endswith("/referrals/new/people")
    assert _person(client).status_code == 302
    assert _person(client, given_name="Olivia", date_of_birth=["3", "6", "2014"],
                   relationship_to_family="child").status_code == 302
    codes = reason_codes(3)
    assert post_form(client, "/referrals/new/reasons", {"reasons": codes}).status_code == 302
    assert post_form(client, "/referrals/new/details", {"summary": "Falling attendance.",
                                                        "consent_position": "agreed"}).status_code == 302
    page = client.get("/referrals/new/check").get_data(as_text=True)
    assert "Check your answers" in page and "Olivia Smith" in page and "DM1 2AB" in page

    token = db.session.scalar(select(ReferralDraft.token).where(ReferralDraft.user_id == client.user.id))
    first = post_form(client, "/referrals/new/check", {"token": token})
    assert first.status_code == 302 and "/sent" in first.location
    # The same page sent again (a double click, or back and resend) finds the first referral.
    second = post_form(client, "/referrals/new/check", {"token": token}, form_url="/referrals/new")
    assert second.status_code == 302 and second.location == first.location
    assert _count() == 1
    referral = db.session.scalar(select(Referral))
    assert referral.status == ReferralStatus.RECEIVED and referral.referrer_user_id == client.user.id
    assert [p.given_name for p in referral.people] == ["Sarah", "Olivia"]
    assert [r.descriptor_code for r in referral.reasons] == codes
    assert db.session.scalar(select(ReferralDraft).where(ReferralDraft.user_id == client.user.id)) is None
    assert referral.reference in client.get(first.location).get_data(as_text=True)


def test_bad_input_is_refused_with_a_clear_message_and_what_was_typed_is_kept(practitioner_client):
    framework()
    client = practitioner_client
    response = post_form(client, "/referrals/new/address", {"address_line_1": "x" * 121, "postcode": "NOT A CODE"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    assert "Address line 1 must be 120 characters or fewer" in page and "Enter a real postcode" in page
    assert "NOT A CODE" in page
    # The typed address is kept in the draft even though it was wrong.
    draft = db.session.scalar(select(ReferralDraft).where(ReferralDraft.user_id == client.user.id))
    assert draft.data["postcode"] == "NOT A CODE"

    response = _person(client, given_name="Jo", nhs_number="943 476 5918", date_of_birth=["31", "2", "2015"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a valid NHS number" in page and "Date of birth must be a real date" in page
    assert 'value="Jo"' in page and "943 476 5918" in page
    page = _person(client, date_of_birth=["1", "1", "2999"]).get_data(as_text=True)
    assert "Date of birth must be today or in the past" in page
    page = _person(client, date_of_birth=["1", "", "2010"]).get_data(as_text=True)
    assert "Date of birth must include a month" in page

    page = post_form(client, "/referrals/new/reasons", {"reasons": ["no_such_code"]}).get_data(as_text=True)
    assert "not in the outcome framework" in page
    page = post_form(client, "/referrals/new/reasons", {}).get_data(as_text=True)
    assert "Select at least one reason" in page

    page = post_form(client, "/referrals/new/details", {"summary": "x" * 5001, "consent_position": "without_agreement"}
                     ).get_data(as_text=True)
    assert "Summary must be 5,000 characters or fewer" in page
    assert "Select the basis for referring without the family" in page
    assert "Explain why you are referring without the family" in page

    # Nothing can be sent while anything is wrong; the check page lists every problem.
    page = client.get("/referrals/new/check").get_data(as_text=True)
    assert "There is a problem" in page and "Send referral" not in page
    assert _count() == 0


def test_a_person_can_be_changed_and_removed(practitioner_client):
    framework()
    client = practitioner_client
    _person(client)
    assert post_form(client, "/referrals/new/people/0", {
        "given_name": "Sara", "family_name": "Smith", "date_of_birth": ["12", "4", "1988"], "gender": "female",
        "relationship_to_family": "parent"}).status_code == 302
    page = client.get("/referrals/new/people").get_data(as_text=True)
    assert "Sara Smith" in page
    assert 'value="Sara"' in client.get("/referrals/new/people/0").get_data(as_text=True)
    assert post_form(client, "/referrals/new/people/0/remove", {}, form_url="/referrals/new/people").status_code == 302
    page = client.get("/referrals/new/people").get_data(as_text=True)
    assert "Sara Smith has been removed" in page and "You have not added anyone yet" in page
    assert client.get("/referrals/new/people/0").status_code == 404


def test_roles_that_do_not_refer_are_refused(finance_officer_client, ig_officer_client):
    for client in (finance_officer_client, ig_officer_client):
        assert client.get("/referrals/new").status_code == 403
        assert client.get("/referrals").status_code == 403

"""What accepting a referral leaves behind: the referral's reasons as the family's identified needs (once
each, however many referrals say them), and the accepting manager taken on to allocating a key worker."""
from datetime import date

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases import services as case_services
from app.cases.models import Family, FamilyStatus, Need
from app.extensions import db
from app.framework.models import Descriptor
from app.referrals.models import Referral
from tests.conftest import post_form
from tests.integration.referrals.helpers import family, person, reason_codes, referral


def _needs(family_id):
    return db.session.execute(select(Descriptor.code, Need.at_attachment, Need.source_agency_id, Need.identified_on)
                              .join(Descriptor, Need.descriptor_id == Descriptor.id)
                              .where(Need.family_id == family_id).order_by(Descriptor.code)).all()


def test_accepting_a_referral_identifies_its_reasons_as_the_familys_needs(programme_manager_client, factory):
    police = factory.user(role="practitioner", agency_kind="police")
    codes = reason_codes(3)
    sent = referral(police, reasons=codes, received_on=date(2026, 1, 5))
    response = post_form(programme_manager_client, f"/referrals/{sent.id}/accept-new", {},
                         form_url=f"/referrals/{sent.id}/triage")
    assert response.status_code == 302
    db.session.expire_all()
    fam_id = db.session.get(Referral, sent.id).family_id
    assert _needs(fam_id) == [(code, True, police.agency_id, date(2026, 1, 5)) for code in sorted(codes)]
    manager = programme_manager_client.user
    assert {n.holding_agency_id for n in db.session.scalars(select(Need).where(Need.family_id == fam_id))} == {
        manager.agency_id}
    accepted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ReferralAccepted")
                                 .order_by(AuditEvent.seq.desc()))
    assert accepted.details["needs_identified"] == 3
    # The manager goes on to allocate the family's key worker.
    assert response.headers["Location"].endswith(f"/families/{fam_id}/lead")
    page = programme_manager_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Allocate a lead practitioner" in page and f"Referral {sent.reference} accepted" in page


def test_a_second_referral_adds_only_the_needs_not_already_identified(programme_manager_client, factory):
    known = family(people=[person("Sarah", "Smith", date(1988, 4, 12), gender="female")])
    first_codes, more = reason_codes(2), reason_codes(4)[2:]
    referrer = factory.user(role="practitioner", agency_kind="school")
    for codes in (first_codes, first_codes[:1] + more):
        sent = referral(referrer, reasons=codes,
                        people=[person("Sarah", "Smith", date(1988, 4, 12), gender="female")])
        url = f"/referrals/{sent.id}/accept/{known.id}"
        sarah = known.members[0]
        assert post_form(programme_manager_client, url, {"person_0": str(sarah.id)}).status_code == 302
    db.session.expire_all()
    assert [row.code for row in _needs(known.id)] == sorted(first_codes + more)


def test_needs_from_a_referral_into_a_case_under_way_emerged_during_the_work(programme_manager_client, factory):
    lead = factory.user("key_worker")
    known = family(people=[person("Amy", "Jones", date(1985, 2, 3))], lead_practitioner=lead,
                   status=FamilyStatus.ACTIVE, attached_on=date(2025, 9, 1))
    sent = referral(factory.user(role="practitioner", agency_kind="health"), reasons=reason_codes(1),
                    people=[person("Amy", "Jones", date(1985, 2, 3))])
    response = post_form(programme_manager_client, f"/referrals/{sent.id}/accept/{known.id}",
                         {"person_0": str(known.members[0].id)})
    # The family has a lead practitioner already: back to the queue, nothing to allocate.
    assert response.status_code == 302 and response.headers["Location"].endswith("/referrals/triage")
    db.session.expire_all()
    [need] = _needs(known.id)
    assert need.at_attachment is False
    assert case_services.identified_at_attachment(db.session.get(Family, known.id)) is False

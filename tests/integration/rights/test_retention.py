"""Retention: the dry-run report (IG only, writes nothing), legal holds, and the run that anonymises expired
families (not held, no open request), keeping references, claim snapshots and the audit chain valid."""
from datetime import date, timedelta

import sqlalchemy as sa

from app.audit import integrity
from app.audit.models import AuditEvent
from app.cases.models import CaseNote, Family, Person
from app.cases.safe_addresses import record_at_risk
from app.claims.models import ClaimSnapshot
from app.claims.rounds import sha256_of
from app.common.time import today_london
from app.common.upload_models import StoredFile
from app.extensions import db
from app.referrals.models import Referral
from app.rights import services
from app.rights.anonymise import PLACEHOLDER
from app.rights.models import Anonymisation, LegalHold
from app.sharing.models import Consent
from app.teamwork.models import Document, DocumentVersion, Meeting, Message, MessageThread
from tests.conftest import post_form, signed_in_client

RETENTION = "/information-governance/retention"


def events(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def snapshot_of_smiths(world):
    names = db.session.execute(sa.select(Person.given_name, Person.family_name, Person.date_of_birth,
                                         Person.nhs_number).order_by(Person.id)).all()
    notes = db.session.scalars(sa.select(CaseNote.body).order_by(CaseNote.id)).all()
    return names, notes, db.session.scalar(sa.select(sa.func.count(StoredFile.id)))


def test_the_dry_run_report_lists_expired_families_and_why_and_writes_nothing(app, world):
    before = snapshot_of_smiths(world)
    page = signed_in_client(app, world.ig).get(RETENTION).get_data(as_text=True)
    assert "Would be anonymised tonight (1)" in page and world.family.reference in page
    # Closed 31 March 2015; the child was 21 then: six years after closure (31 March 2021) is later.
    assert "31 March 2021" in page and "6 years after closure" in page
    assert world.other_family.reference not in page  # an open case never expires
    assert snapshot_of_smiths(world) == before
    assert db.session.scalar(sa.select(sa.func.count(Anonymisation.id))) == 0
    assert events("FamilyAnonymised") == []
    assert [e.purpose for e in events("RetentionReportViewed")] == ["information_governance"]


def test_the_cli_dry_run_changes_nothing(app, world):
    before = snapshot_of_smiths(world)
    result = app.test_cli_runner().invoke(args=["rights", "anonymise", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"Would anonymise family {world.family.reference}: expired 2021-03-31 (after_closure)" in result.output
    assert snapshot_of_smiths(world) == before and events("FamilyAnonymised") == []


def test_anonymising_removes_personal_content_and_keeps_references_snapshots_and_the_chain(app, world):
    other_before = (world.other_person.given_name, world.other_person.date_of_birth)
    snapshot_sha = world.snapshot.sha256
    file_id = db.session.scalar(sa.select(DocumentVersion.stored_file_id)
                                .where(DocumentVersion.document_id == world.document.id))
    record_at_risk(world.mother, since=date(2014, 9, 1), actor=world.key_worker)
    result = app.test_cli_runner().invoke(args=["rights", "anonymise"])
    assert result.exit_code == 0, result.output
    assert f"Anonymised family {world.family.reference}" in result.output

    family = db.session.get(Family, world.family.id)
    assert family.reference and family.address_line_1 is None and family.postcode is None
    for person in db.session.scalars(sa.select(Person).where(Person.family_id == family.id)):
        assert (person.given_name, person.family_name, person.date_of_birth, person.nhs_number) == (
            "Anonymised", "Person", None, None)
        assert person.relationship_to_family is not None  # codes stay for past statistics
        assert person.at_risk_since is None
    bodies = db.session.scalars(sa.select(CaseNote.body).where(CaseNote.family_id == family.id)).all()
    assert bodies and set(bodies) == {PLACEHOLDER}
    assert db.session.scalar(sa.select(Message.body).where(Message.family_id == family.id)) == PLACEHOLDER
    thread_subject = sa.select(MessageThread.subject).where(MessageThread.family_id == family.id)
    assert db.session.scalar(thread_subject) == PLACEHOLDER
    assert db.session.scalar(sa.select(Meeting.minutes).where(Meeting.family_id == family.id)) == PLACEHOLDER
    assert db.session.scalar(sa.select(Meeting.agenda).where(Meeting.family_id == family.id)) is None  # was empty
    assert db.session.scalar(sa.select(Document.title).where(Document.family_id == family.id)) == PLACEHOLDER
    assert db.session.get(StoredFile, file_id) is None  # deleted through the upload service
    assert [e.object_id for e in events("FileDeleted")] == [str(file_id)]
    consent = db.session.scalar(sa.select(Consent).where(Consent.family_id == family.id))
    assert (consent.given_by_name, consent.witness_name) == (PLACEHOLDER, PLACEHOLDER)
    # The other family is untouched.
    other = db.session.get(Person, world.other_person.id)
    assert (other.given_name, other.date_of_birth) == other_before
    assert db.session.scalar(sa.select(CaseNote.body).where(CaseNote.family_id == world.other_family.id)) \
        == "MARKER-OTHER-FAMILY"
    # Claim snapshots and the audit chain are still valid.
    snapshot = db.session.get(ClaimSnapshot, world.snapshot.id)
    assert snapshot.sha256 == snapshot_sha == sha256_of(snapshot.body)
    verified = integrity.verify()
    assert verified.ok, verified.problem
    [event] = events("FamilyAnonymised")
    assert (event.family_id, event.purpose, event.actor_user_id) == (family.id, "information_governance", None)
    assert event.details["reason"] == "after_closure" and event.details["files_deleted"] == 1
    record = db.session.scalar(sa.select(Anonymisation).where(Anonymisation.family_id == family.id))
    assert (record.expired_on, record.reason) == (date(2021, 3, 31), "after_closure")


def test_running_twice_anonymises_nothing_new(app, world):
    first = services.anonymise_expired()
    db.session.commit()
    assert first == 1
    assert services.anonymise_expired() == 0
    assert len(events("FamilyAnonymised")) == 1


def test_a_legal_hold_keeps_a_family_until_it_is_cleared(app, world):
    client = signed_in_client(app, world.ig)
    url = f"/information-governance/families/{world.family.id}/legal-hold"
    missing = post_form(client, url, {"reason": ""}).get_data(as_text=True)
    assert "Enter why the records must be kept" in missing
    placed = post_form(client, url, {"reason": "Civil claim by the family"}, follow_redirects=True)
    assert "Legal hold placed" in placed.get_data(as_text=True)
    report = services.run_retention(dry_run=False)
    assert report.due == [] and [(r.family_id, r.kept_by) for r in report.kept] == [(world.family.id, "legal_hold")]
    assert db.session.get(Person, world.child.id).given_name == "Isla"
    page = client.get(RETENTION).get_data(as_text=True)
    assert "Expired but kept (1)" in page and "Legal hold" in page

    cleared = post_form(client, url, {"reason": "Claim settled"}, follow_redirects=True)
    assert "Legal hold cleared" in cleared.get_data(as_text=True)
    hold = db.session.scalar(sa.select(LegalHold).where(LegalHold.family_id == world.family.id))
    assert (hold.cleared_on, hold.cleared_by_id, hold.clear_reason) == (today_london(), world.ig.id, "Claim settled")
    assert [e.action for e in events("LegalHoldPlaced") + events("LegalHoldCleared")] == [
        "LegalHoldPlaced", "LegalHoldCleared"]
    assert len(services.run_retention(dry_run=False).due) == 1
    assert db.session.get(Person, world.child.id).given_name == "Anonymised"


def test_an_open_subject_access_request_keeps_the_family(app, world):
    services.record_request(world.mother, requester_kind="subject", requester_name="Natalie Smith",
                            received_on=today_london() - timedelta(days=3), verification="photo_id", actor=world.ig)
    report = services.run_retention(dry_run=False)
    assert [(r.family_id, r.kept_by) for r in report.kept] == [(world.family.id, "open_request")]
    assert events("FamilyAnonymised") == []


def test_only_ig_officers_place_holds(app, world):
    client = signed_in_client(app, world.key_worker)
    url = f"/information-governance/families/{world.family.id}/legal-hold"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"reason": "Mine"}).status_code in (400, 403)  # no form token to be had either
    assert db.session.scalar(sa.select(sa.func.count(LegalHold.id))) == 0


def test_a_declined_referral_is_anonymised_after_its_years(app, world):
    from app.framework.services import seed_default_framework, version_in_force
    from app.referrals.models import ConsentPosition, ReferralStatus

    if version_in_force(today_london()) is None:
        seed_default_framework()
    version = version_in_force(today_london())
    referral = Referral(reference="RF-TEST1", status=ReferralStatus.DECLINED, referrer_user_id=world.police.id,
                        referring_agency_id=world.police.agency_id, received_on=date(2020, 1, 6),
                        summary="MARKER-DECLINED", consent_position=ConsentPosition.AGREED,
                        framework_version_id=version.id, triaged_on=date(2020, 1, 8), decline_reason="not_eligible",
                        address_line_1="3 Declined Road")
    db.session.add(referral)
    db.session.commit()
    report = services.run_retention(dry_run=False)
    assert [r.referral_id for r in report.referrals] == [referral.id]
    db.session.refresh(referral)
    assert (referral.summary, referral.address_line_1) == (PLACEHOLDER, None)
    assert services.run_retention(dry_run=False).referrals == []


def test_an_anonymised_family_record_still_opens_for_its_team(app, world):
    services.run_retention(dry_run=False)
    db.session.commit()
    client = signed_in_client(app, world.key_worker)
    base = f"/families/{world.family.id}"
    thread_id = db.session.scalar(sa.select(MessageThread.id).where(MessageThread.family_id == world.family.id))
    meeting_id = db.session.scalar(sa.select(Meeting.id).where(Meeting.family_id == world.family.id))
    for url in (base, f"{base}/timeline", f"{base}/documents", f"{base}/documents/{world.document.id}",
                f"{base}/messages", f"{base}/messages/{thread_id}", f"{base}/meetings", f"{base}/meetings/{meeting_id}",
                f"{base}/consent"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert "MARKER" not in page and "Isla" not in page, url


def test_the_nightly_system_job_runs_the_retention(app, world):
    from app.scheduler.schedule import system_job
    from app.scheduler.system_jobs import resolve

    entry = system_job("anonymise_expired_records")
    assert (entry.trigger, entry.trigger_args) == ("cron", {"hour": 1, "minute": 30})
    resolve(entry.ref)()
    assert [e.family_id for e in events("FamilyAnonymised")] == [world.family.id]


def test_families_expiring_within_a_year_are_listed_as_coming(app, world):
    from app.cases.models import FamilyStatus

    family = db.session.get(Family, world.other_family.id)
    # Closed nearly six years ago, with only adults: expires in 30 days.
    family.status, family.closed_on = FamilyStatus.CLOSED, today_london() - timedelta(days=6 * 365 - 28)
    db.session.commit()
    report = services.run_retention(dry_run=True)
    assert [r.family_id for r in report.upcoming] == [world.other_family.id]
    page = signed_in_client(app, world.ig).get(RETENTION).get_data(as_text=True)
    assert "Expiring in the next year (1)" in page and world.other_family.reference in page

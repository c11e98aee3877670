"""Anonymising a family's records, or a referral that never became a family, once retention expires.

What changes: names become fixed placeholders, dates of birth, identifiers and addresses are removed,
and every free-text field (case notes, interventions and their earlier versions, the assessment and
plan, meetings, messages, documents, handovers, referrals, evidence notes, sharing reasons, merge
records) is replaced by `PLACEHOLDER`; stored files are deleted through the upload service. What stays:
ids, the pseudonymous family reference, codes, statuses and dates of the work (attachment, closure,
interventions), so claim snapshots (references, codes and dates, no personal content) keep their
SHA-256, reports of past periods stay true, and the audit log (ids and codes only, never changed) keeps
its chain.

Dates of birth are removed, not reduced to the year: a year stored as a full date would read as real to
the age rules, and with the household's make-up and the reference a year of birth still narrows who a
family was. Gender and relationship codes stay for the statistics of past periods.

Everything is a set-based UPDATE per table, so a family costs a fixed number of statements.
"""
import sqlalchemy as sa

from app.cases.models import (
    Assessment,
    CaseNote,
    Family,
    FamilyAddress,
    FormDraft,
    Intervention,
    InterventionVersion,
    Person,
    PlanGoal,
)
from app.cases.names import normalise_name, sound_alike_key
from app.claims.models import ClaimOverride
from app.common.upload_models import StoredFile
from app.common.uploads import delete_stored_file
from app.extensions import db
from app.outcomes.models import Evidence, EvidenceImportRow
from app.referrals.models import MergeKind, MergeRecord, Referral, ReferralPerson
from app.reporting.models import NisOptOut
from app.rights.models import LegalHold, SubjectAccessRequest
from app.sharing.models import BreakGlassGrant, Consent, IgAlert, SharingBasis, SharingRequest
from app.teamwork.models import Document, DocumentVersion, HandoverNote, Meeting, Message, MessageThread

PLACEHOLDER = "[Removed under the retention rule]"
GIVEN_NAME = "Anonymised"
FAMILY_NAME = "Person"
NO_ADDRESS = {"address_line_1": None, "address_line_2": None, "town": None, "postcode": None}
NO_IDENTIFIERS = {"nhs_number": None, "upn": None, "ni_number": None, "pnc_number": None}


def _if_set(column):
    """The placeholder where the field held something; NULL stays NULL (nothing was written there)."""
    return sa.case((column.is_(None), None), else_=PLACEHOLDER)


def _person_values():
    return {"given_name": GIVEN_NAME, "family_name": FAMILY_NAME, "other_names": None, "date_of_birth": None,
            "given_name_normal": normalise_name(GIVEN_NAME), "family_name_normal": normalise_name(FAMILY_NAME),
            "given_name_sound": sound_alike_key(GIVEN_NAME), "family_name_sound": sound_alike_key(FAMILY_NAME),
            "school_urn": None, "lives_apart": False, "at_risk_since": None, "at_risk_recorded_by_id": None,
            **NO_IDENTIFIERS, **NO_ADDRESS}


def _referral_person_values():
    return {"given_name": GIVEN_NAME, "family_name": FAMILY_NAME, "other_names": None, "date_of_birth": None,
            **NO_IDENTIFIERS}


def _referral_values():
    return {"summary": PLACEHOLDER, "without_agreement_reason": _if_set(Referral.without_agreement_reason),
            "triage_note": _if_set(Referral.triage_note), **NO_ADDRESS}


# (model, {column: new value}) for the tables with a `family_id`: each becomes one UPDATE ... WHERE family_id.
FAMILY_TABLES = (
    (FamilyAddress, NO_ADDRESS),
    (Assessment, {"sections": {}, "narrative": _if_set(Assessment.narrative)}),
    (PlanGoal, {"action": PLACEHOLDER}),
    (Intervention, {"summary": PLACEHOLDER, "deletion_reason": _if_set(Intervention.deletion_reason)}),
    (CaseNote, {"body": PLACEHOLDER}),
    (Evidence, {"source": PLACEHOLDER, "note": _if_set(Evidence.note),
                "deletion_reason": _if_set(Evidence.deletion_reason)}),
    (Meeting, {"agenda": _if_set(Meeting.agenda), "minutes": _if_set(Meeting.minutes),
               "family_views": _if_set(Meeting.family_views), "decisions": _if_set(Meeting.decisions)}),
    (MessageThread, {"subject": PLACEHOLDER}),
    (Message, {"body": PLACEHOLDER}),
    (Document, {"title": PLACEHOLDER, "description": _if_set(Document.description)}),
    (HandoverNote, {"open_actions": PLACEHOLDER, "risks": PLACEHOLDER, "next_meeting": PLACEHOLDER,
                    "other_notes": _if_set(HandoverNote.other_notes)}),
    (Consent, {"given_by_name": _if_set(Consent.given_by_name), "witness_name": _if_set(Consent.witness_name)}),
    (SharingBasis, {"reason": PLACEHOLDER}),
    (SharingRequest, {"why": _if_set(SharingRequest.why), "answer_reason": _if_set(SharingRequest.answer_reason)}),
    (BreakGlassGrant, {"justification": PLACEHOLDER}),
    (IgAlert, {"note": _if_set(IgAlert.note)}),
    (ClaimOverride, {"reason": PLACEHOLDER}),
    (SubjectAccessRequest, {"requester_name": PLACEHOLDER, "verification_note": _if_set(
        SubjectAccessRequest.verification_note), "extension_reason": _if_set(SubjectAccessRequest.extension_reason)}),
    (LegalHold, {"reason": PLACEHOLDER, "clear_reason": _if_set(LegalHold.clear_reason)}),
)


# The tables reached through a family's people, interventions, evidence or referrals.
VERSION_VALUES = {"summary": PLACEHOLDER}
IMPORT_ROW_VALUES = {"data": {}}
MERGE_VALUES = {"kept_before": {}, "merged_row": {}}
OPT_OUT_VALUES = {"reason": PLACEHOLDER}
DELETED_TABLES = ("form_drafts",)


def covered_columns() -> dict[str, set]:
    """Every table this module rewrites, with the columns it rewrites (a test holds new columns to it)."""
    covered = {model.__tablename__: set(values) for model, values in FAMILY_TABLES}
    covered.update({
        "families": set(NO_ADDRESS), "people": set(_person_values()), "referrals": set(_referral_values()),
        "referral_people": set(_referral_person_values()), "intervention_versions": set(VERSION_VALUES),
        "evidence_import_rows": set(IMPORT_ROW_VALUES), "merge_records": set(MERGE_VALUES),
        "nis_opt_outs": set(OPT_OUT_VALUES)})
    return covered


def _update(model, where, values) -> None:
    db.session.execute(sa.update(model).where(where).values(**values).execution_options(synchronize_session=False))


def _family_files(family_id: int) -> list[int]:
    """The stored files of a family: evidence attachments, signed consent forms, document versions."""
    queries = (
        sa.select(Evidence.stored_file_id).where(Evidence.family_id == family_id, Evidence.stored_file_id.is_not(None)),
        sa.select(Consent.signed_form_id).where(Consent.family_id == family_id, Consent.signed_form_id.is_not(None)),
        sa.select(DocumentVersion.stored_file_id).join(Document, Document.id == DocumentVersion.document_id)
        .where(Document.family_id == family_id),
    )
    return sorted({file_id for query in queries for file_id in db.session.scalars(query)})


def _delete_files(file_ids: list[int]) -> int:
    """Unhook the rows that point at the files, then delete each through the upload service (row now, file on
    disk once the transaction commits, each audited as FileDeleted)."""
    if not file_ids:
        return 0
    _update(Evidence, Evidence.stored_file_id.in_(file_ids), {"stored_file_id": None})
    _update(Consent, Consent.signed_form_id.in_(file_ids), {"signed_form_id": None})
    # A document version is nothing but its file: the version row goes, the document keeps its placeholder.
    db.session.execute(sa.delete(DocumentVersion).where(DocumentVersion.stored_file_id.in_(file_ids))
                       .execution_options(synchronize_session=False))
    deleted = 0
    for stored in db.session.scalars(sa.select(StoredFile).where(StoredFile.id.in_(file_ids)).order_by(StoredFile.id)):
        delete_stored_file(stored)
        deleted += 1
    return deleted


def anonymise_family_records(family_id: int) -> int:
    """Anonymise everything held about one family; returns the number of stored files deleted. The caller
    decides that the family is due, records the `Anonymisation` and audits it."""
    people = sa.select(Person.id).where(Person.family_id == family_id).scalar_subquery()
    referrals = sa.select(Referral.id).where(Referral.family_id == family_id).scalar_subquery()
    files_deleted = _delete_files(_family_files(family_id))

    _update(Family, Family.id == family_id, NO_ADDRESS)
    _update(Person, Person.family_id == family_id, _person_values())
    for model, values in FAMILY_TABLES:
        _update(model, model.family_id == family_id, values)
    _update(InterventionVersion, InterventionVersion.intervention_id.in_(
        sa.select(Intervention.id).where(Intervention.family_id == family_id)), VERSION_VALUES)
    # The family's referrals, and referrals about it marked as duplicates of them.
    about_family = sa.or_(Referral.id.in_(referrals), Referral.duplicate_of_id.in_(referrals))
    referral_ids = sa.select(Referral.id).where(about_family).scalar_subquery()
    _update(Referral, about_family, _referral_values())
    _update(ReferralPerson, sa.or_(ReferralPerson.referral_id.in_(referral_ids), ReferralPerson.person_id.in_(people)),
            _referral_person_values())
    # Imported evidence rows keep what the partner's file said (names, dates of birth, identifiers).
    _update(EvidenceImportRow, sa.or_(EvidenceImportRow.person_id.in_(people), EvidenceImportRow.evidence_id.in_(
        sa.select(Evidence.id).where(Evidence.family_id == family_id))), IMPORT_ROW_VALUES)
    # A merge record keeps the merged row's values so the merge can be undone; after this it cannot be.
    _update(MergeRecord, sa.or_(sa.and_(MergeRecord.kind == MergeKind.FAMILY, MergeRecord.kept_id == family_id),
                                sa.and_(MergeRecord.kind == MergeKind.PERSON, MergeRecord.kept_id.in_(people))),
            MERGE_VALUES)
    _update(NisOptOut, NisOptOut.person_id.in_(people), OPT_OUT_VALUES)
    db.session.execute(sa.delete(FormDraft).where(FormDraft.family_id == family_id)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.expire_all()  # objects already loaded must not show (or write back) what was removed
    return files_deleted


def anonymise_referral_records(referral_id: int) -> None:
    """Anonymise a referral that was declined or marked duplicate and never became part of a family."""
    _update(Referral, Referral.id == referral_id, _referral_values())
    _update(ReferralPerson, ReferralPerson.referral_id == referral_id, _referral_person_values())
    db.session.flush()
    db.session.expire_all()

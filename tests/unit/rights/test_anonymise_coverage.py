"""Anonymisation must reach every text column about a family. This walks the schema: every table that
refers (directly or through another such table) to a family, a person or a referral, and every text or JSON
column in it, is either rewritten by app.rights.anonymise or named below as holding no personal content.
A new free-text column fails here until someone decides which it is."""
import sqlalchemy as sa

import app.models  # noqa: F401  every table
from app.extensions import db
from app.rights.anonymise import DELETED_TABLES, covered_columns

ROOTS = {"families", "people", "referrals"}
# Columns that hold codes, ids, hashes or references, never personal content (and why they may stay).
NOT_PERSONAL = {
    "anonymisations": {"record_class", "reason"},  # the rule that expired
    "api_referrals": {"external_reference"},  # the partner system's own id for the referral
    "audit_events": {"action", "object_type", "object_id", "purpose", "basis", "outcome", "request_id",
                     "source_address", "details", "prev_hmac", "hmac"},  # ids and codes by rule; append-only
    "claims": {"programme", "rule_set_code", "conditions"},  # codes and evidence refs, frozen by the snapshot
    "claim_snapshots": {"body", "sha256"},  # references, codes and dates; must keep their hash
    "claim_overrides": {"programme"},
    "consent_scopes": {"recipient_kind"},
    "families": {"reference", "closure_reason"},  # the pseudonymous reference that survives
    "family_status_changes": {"closure_reason"},
    "intervention_versions": {"person_ids"},
    "evidence_import_rows": {"candidate_person_ids"},
    "merge_records": {"moved"},  # ids of rows moved
    "needs": {"headline_code"},
    "notifications": {"kind", "object_type", "text", "url", "dedupe_key"},  # no names by rule (common/notifications)
    "referrals": {"reference", "submission_token"},
    "referral_reasons": {"headline_code", "descriptor_code"},
    "sharing_requests": {"person_ids", "answer"},
    "team_members": {"role_description"},  # the worker's role, not the family's
}


def _tables_about_families():
    tables = dict(db.metadata.tables)
    reached = set(ROOTS)
    while True:
        more = {name for name, table in tables.items() if name not in reached
                and any(fk.column.table.name in reached for fk in table.foreign_keys)}
        more |= {name for name, table in tables.items() if name not in reached and "family_id" in table.c}
        if not more:
            return {name: tables[name] for name in reached}
        reached |= more


def _text_columns(table):
    return {c.name for c in table.c if isinstance(c.type, sa.String | sa.Text | sa.JSON)
            and not isinstance(c.type, sa.Enum)}


def test_every_text_column_about_a_family_is_anonymised_or_holds_no_personal_content():
    covered = covered_columns()
    left = {}
    for name, table in sorted(_tables_about_families().items()):
        if name in DELETED_TABLES:
            continue
        missing = _text_columns(table) - covered.get(name, set()) - NOT_PERSONAL.get(name, set())
        if missing:
            left[name] = sorted(missing)
    assert left == {}


def test_what_anonymisation_rewrites_exists():
    tables = db.metadata.tables
    for name, columns in covered_columns().items():
        assert columns <= set(tables[name].c.keys()), name

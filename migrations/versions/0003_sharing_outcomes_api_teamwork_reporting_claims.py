"""Sharing (agreements, consents, bases, requests, break-glass, IG alerts), outcome evidence and
judgements, the partner API, teamwork (meetings, messages, documents, handovers, notifications),
reporting (schedules, archive, study opt-outs) and claims (rounds, builds, claims, snapshots,
overrides, targets).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_clients',
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('token_prefix', sa.String(length=16), nullable=False),
    sa.Column('service_user_id', sa.Integer(), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('expires_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_user_id', sa.Integer(), nullable=True),
    sa.Column('last_used_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('length(token_hash) = 64', name=op.f('ck_api_clients_token_hash_length')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_api_clients_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_api_clients_created_by_user_id_users')),
    sa.ForeignKeyConstraint(['revoked_by_user_id'], ['users.id'], name=op.f('fk_api_clients_revoked_by_user_id_users')),
    sa.ForeignKeyConstraint(['service_user_id'], ['users.id'], name=op.f('fk_api_clients_service_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
    sa.UniqueConstraint('service_user_id', name=op.f('uq_api_clients_service_user_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_clients_token_hash'))
    )
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_clients_agency_id'), ['agency_id'], unique=False)

    op.create_table('claim_rounds',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', 'sampled', 'signed_off', 'submitted', 'paid', name='claim_round_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('built_on', sa.Date(), nullable=True),
    sa.Column('prepared_by_user_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_user_id', sa.Integer(), nullable=True),
    sa.Column('approved_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approval_sha256', sa.String(length=64), nullable=True),
    sa.Column('sample_seed', sa.BigInteger(), nullable=True),
    sa.Column('sample_percent', sa.Integer(), nullable=True),
    sa.Column('sampled_by_user_id', sa.Integer(), nullable=True),
    sa.Column('sampled_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('submission_reference', sa.String(length=40), nullable=True),
    sa.Column('submitted_amount_pence', sa.BigInteger(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('paid_amount_pence', sa.BigInteger(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('paid_amount_pence IS NULL OR paid_amount_pence >= 0', name=op.f('ck_claim_rounds_paid_amount')),
    sa.CheckConstraint('sample_percent IS NULL OR (sample_percent >= 1 AND sample_percent <= 100)', name=op.f('ck_claim_rounds_sample_percent')),
    sa.CheckConstraint('submitted_amount_pence IS NULL OR submitted_amount_pence >= 0', name=op.f('ck_claim_rounds_submitted_amount')),
    sa.CheckConstraint('window_start <= window_end', name=op.f('ck_claim_rounds_window_in_order')),
    sa.ForeignKeyConstraint(['approved_by_user_id'], ['users.id'], name=op.f('fk_claim_rounds_approved_by_user_id_users')),
    sa.ForeignKeyConstraint(['prepared_by_user_id'], ['users.id'], name=op.f('fk_claim_rounds_prepared_by_user_id_users')),
    sa.ForeignKeyConstraint(['sampled_by_user_id'], ['users.id'], name=op.f('fk_claim_rounds_sampled_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_rounds')),
    sa.UniqueConstraint('month', name=op.f('uq_claim_rounds_month'))
    )
    op.create_table('claim_targets',
    sa.Column('year_starting', sa.Integer(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('set_by_user_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('target >= 0', name=op.f('ck_claim_targets_target_not_negative')),
    sa.ForeignKeyConstraint(['set_by_user_id'], ['users.id'], name=op.f('fk_claim_targets_set_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_targets')),
    sa.UniqueConstraint('year_starting', name=op.f('uq_claim_targets_year_starting'))
    )
    op.create_table('notifications',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=True),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('read_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'dedupe_key', name=op.f('uq_notifications_user_id_dedupe_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_family_id'), ['family_id'], unique=False)
        batch_op.create_index('ix_notifications_unread', ['user_id', 'read_at_utc'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('report_schedules',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('report_type', sa.Enum('monthly', 'claim-round', 'quarterly-return', 'nis-extract', name='report_type', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('cron', sa.String(length=100), nullable=False),
    sa.Column('period_rule', sa.Enum('previous_month', 'current_month', 'previous_quarter', name='period_rule', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('recipient_roles', sa.JSON(), nullable=False),
    sa.Column('paused', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=True),
    sa.Column('submission_token', sa.String(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_report_schedules_created_by_user_id_users')),
    sa.ForeignKeyConstraint(['updated_by_user_id'], ['users.id'], name=op.f('fk_report_schedules_updated_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_schedules')),
    sa.UniqueConstraint('submission_token', name=op.f('uq_report_schedules_submission_token'))
    )
    op.create_table('sharing_agreements',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('review_on >= starts_on', name=op.f('ck_sharing_agreements_review_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_sharing_agreements_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_agreements'))
    )
    op.create_table('api_idempotency_records',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('endpoint', sa.String(length=80), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=False),
    sa.Column('response_body', sa.JSON(), nullable=False),
    sa.Column('location', sa.String(length=255), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['api_clients.id'], name=op.f('fk_api_idempotency_records_client_id_api_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotency_records')),
    sa.UniqueConstraint('client_id', 'key', name=op.f('uq_api_idempotency_records_client_id_key'))
    )
    op.create_table('break_glass_grants',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('risk_of_harm', 'emergency_contact', 'out_of_hours', 'missing_person', name='break_glass_reason', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('starts_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('expires_at_utc > starts_at_utc', name=op.f('ck_break_glass_grants_expires_after_start')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_break_glass_grants_family_id_families')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_break_glass_grants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_break_glass_grants'))
    )
    with op.batch_alter_table('break_glass_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_break_glass_grants_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_break_glass_grants_user_id'), ['user_id'], unique=False)

    op.create_table('claim_overrides',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=40), nullable=False),
    sa.Column('claim_type', sa.Enum('results', 'attachment_fee', name='claim_override_type', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_claim_overrides_family_id_families')),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['users.id'], name=op.f('fk_claim_overrides_recorded_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_overrides'))
    )
    with op.batch_alter_table('claim_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_overrides_family_id'), ['family_id'], unique=False)

    op.create_table('claim_round_builds',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('built_on', sa.Date(), nullable=False),
    sa.Column('built_by_user_id', sa.Integer(), nullable=True),
    sa.Column('claims_added', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['built_by_user_id'], ['users.id'], name=op.f('fk_claim_round_builds_built_by_user_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['claim_rounds.id'], name=op.f('fk_claim_round_builds_round_id_claim_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_round_builds'))
    )
    with op.batch_alter_table('claim_round_builds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_round_builds_round_id'), ['round_id'], unique=False)

    op.create_table('claims',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=40), nullable=False),
    sa.Column('claim_type', sa.Enum('results', 'attachment_fee', name='claim_type', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('slot', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rule_set_code', sa.String(length=20), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('included', 'rejected', name='claim_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('judged_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('attached_on', sa.Date(), nullable=True),
    sa.Column('sustainment_ends_on', sa.Date(), nullable=True),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('sampled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('sample_result', sa.Enum('signed_off', 'rejected', name='claim_sample_result', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('rejection_reason', sa.Enum('not_eligible', 'need_not_evidenced', 'not_sustained', 'no_whole_family_working', 'duplicate', 'dates_wrong', name='claim_rejection_reason', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('sample_decided_by_user_id', sa.Integer(), nullable=True),
    sa.Column('sample_decided_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("status <> 'rejected' OR rejection_reason IS NOT NULL", name=op.f('ck_claims_rejected_has_reason')),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_claims_amount_not_negative')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_claims_family_id_families')),
    sa.ForeignKeyConstraint(['round_id'], ['claim_rounds.id'], name=op.f('fk_claims_round_id_claim_rounds')),
    sa.ForeignKeyConstraint(['sample_decided_by_user_id'], ['users.id'], name=op.f('fk_claims_sample_decided_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_round_id'), ['round_id'], unique=False)
        batch_op.create_index('uq_claims_family_once', ['family_id', 'programme', 'claim_type', 'slot'], unique=True, postgresql_where=sa.text("status <> 'rejected'"), sqlite_where=sa.text("status <> 'rejected'"))

    op.create_table('documents',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=True),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('current_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_documents_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_documents_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_holding_agency_id'), ['holding_agency_id'], unique=False)

    op.create_table('evidence_import_batches',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('descriptor_id', sa.Integer(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('imported_by_user_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['descriptor_id'], ['framework_descriptors.id'], name=op.f('fk_evidence_import_batches_descriptor_id_framework_descriptors')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_evidence_import_batches_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['imported_by_user_id'], ['users.id'], name=op.f('fk_evidence_import_batches_imported_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_import_batches')),
    sa.UniqueConstraint('sha256', name=op.f('uq_evidence_import_batches_sha256'))
    )
    op.create_table('meetings',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('team_around_family', 'family_network', name='meeting_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('family_views', sa.Text(), nullable=True),
    sa.Column('decisions', sa.Text(), nullable=True),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_meetings_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_meetings_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_meetings_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_holding_agency_id'), ['holding_agency_id'], unique=False)

    op.create_table('message_threads',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('last_message_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_message_threads_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_message_threads_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_message_threads_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_threads'))
    )
    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_threads_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_threads_last_message_at_utc'), ['last_message_at_utc'], unique=False)

    op.create_table('report_archive',
    sa.Column('report_type', sa.Enum('monthly', 'claim-round', 'quarterly-return', 'nis-extract', name='report_type', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('generated_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('generated_by_user_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['generated_by_user_id'], ['users.id'], name=op.f('fk_report_archive_generated_by_user_id_users')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_report_archive_job_id_jobs')),
    sa.ForeignKeyConstraint(['schedule_id'], ['report_schedules.id'], name=op.f('fk_report_archive_schedule_id_report_schedules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_archive')),
    sa.UniqueConstraint('report_type', 'period', name=op.f('uq_report_archive_report_type_period'))
    )
    with op.batch_alter_table('report_archive', schema=None) as batch_op:
        batch_op.create_index('ix_report_archive_generated_at_utc', ['generated_at_utc'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_archive_generated_by_user_id'), ['generated_by_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_archive_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_archive_schedule_id'), ['schedule_id'], unique=False)

    op.create_table('sharing_agreement_flows',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('from_kind', sa.String(length=40), nullable=False),
    sa.Column('to_kind', sa.String(length=40), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('purpose', sa.Enum('case_coordination', 'outcome_evidence', name='sharing_purpose', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['sharing_agreements.id'], name=op.f('fk_sharing_agreement_flows_agreement_id_sharing_agreements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_agreement_flows')),
    sa.UniqueConstraint('agreement_id', 'from_kind', 'to_kind', 'category', 'purpose', name='uq_sharing_agreement_flows_flow')
    )
    with op.batch_alter_table('sharing_agreement_flows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_agreement_flows_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('sharing_requests',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requesting_agency_id', sa.Integer(), nullable=False),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('person_ids', sa.String(length=200), nullable=False),
    sa.Column('why', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('open', 'shared', 'refused', name='sharing_request_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.String(length=40), nullable=True),
    sa.Column('answer_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_sharing_requests_answered_by_id_users')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_sharing_requests_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_sharing_requests_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_sharing_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['requesting_agency_id'], ['agencies.id'], name=op.f('fk_sharing_requests_requesting_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_requests'))
    )
    with op.batch_alter_table('sharing_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_requests_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharing_requests_holding_agency_id'), ['holding_agency_id'], unique=False)

    op.create_table('api_referrals',
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('external_reference', sa.String(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['api_clients.id'], name=op.f('fk_api_referrals_client_id_api_clients')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_api_referrals_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_referrals')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_api_referrals_referral_id'))
    )
    with op.batch_alter_table('api_referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_referrals_client_id'), ['client_id'], unique=False)

    op.create_table('claim_snapshots',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_snapshots_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_snapshots')),
    sa.UniqueConstraint('claim_id', name=op.f('uq_claim_snapshots_claim_id'))
    )
    op.create_table('consents',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('sharing', 'plan_agreement', name='consent_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('given_by', sa.Enum('person', 'parent_carer', name='consent_given_by', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('given_by_name', sa.String(length=120), nullable=True),
    sa.Column('child_competent', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('method', sa.Enum('signed_form', 'verbal', name='consent_method', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('witness_name', sa.String(length=120), nullable=True),
    sa.Column('signed_form_id', sa.Integer(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("method <> 'verbal' OR witness_name IS NOT NULL", name=op.f('ck_consents_verbal_needs_witness')),
    sa.CheckConstraint('review_on IS NULL OR review_on >= given_on', name=op.f('ck_consents_review_after_given')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_consents_family_id_families')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_consents_person_id_people')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consents_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['signed_form_id'], ['stored_files.id'], name=op.f('fk_consents_signed_form_id_stored_files')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_consents_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consents_person_id'), ['person_id'], unique=False)

    op.create_table('document_people',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_people_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_document_people_person_id_people')),
    sa.PrimaryKeyConstraint('document_id', 'person_id', name=op.f('pk_document_people'))
    )
    with op.batch_alter_table('document_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_people_person_id'), ['person_id'], unique=False)

    op.create_table('document_versions',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_versions_document_id_documents')),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_document_versions_stored_file_id_stored_files')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_document_versions_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_versions')),
    sa.UniqueConstraint('document_id', 'version', name=op.f('uq_document_versions_document_id_version'))
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_document_id'), ['document_id'], unique=False)

    op.create_table('evidence',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('descriptor_id', sa.Integer(), nullable=False),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('value_number', sa.Numeric(precision=10, scale=2, asdecimal=False), nullable=True),
    sa.Column('value_yes', sa.Boolean(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('stored_file_id', sa.Integer(), nullable=True),
    sa.Column('recorded_via', sa.Enum('form', 'import', name='evidence_source', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('deleted_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('deletion_reason', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('(value_number IS NULL) <> (value_yes IS NULL)', name=op.f('ck_evidence_one_value')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_evidence_period_in_order')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_evidence_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['descriptor_id'], ['framework_descriptors.id'], name=op.f('fk_evidence_descriptor_id_framework_descriptors')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_evidence_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_evidence_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['import_batch_id'], ['evidence_import_batches.id'], name=op.f('fk_evidence_import_batch_id_evidence_import_batches')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_evidence_need_id_needs')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_evidence_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_evidence_stored_file_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_descriptor_id'), ['descriptor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_holding_agency_id'), ['holding_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_import_batch_id'), ['import_batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_period_end'), ['period_end'], unique=False)

    op.create_table('handover_notes',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('lead_assignment_id', sa.Integer(), nullable=False),
    sa.Column('outgoing_user_id', sa.Integer(), nullable=False),
    sa.Column('incoming_user_id', sa.Integer(), nullable=True),
    sa.Column('open_actions', sa.Text(), nullable=False),
    sa.Column('risks', sa.Text(), nullable=False),
    sa.Column('next_meeting', sa.Text(), nullable=False),
    sa.Column('other_notes', sa.Text(), nullable=True),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('acknowledged_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_handover_notes_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_handover_notes_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['incoming_user_id'], ['users.id'], name=op.f('fk_handover_notes_incoming_user_id_users')),
    sa.ForeignKeyConstraint(['lead_assignment_id'], ['lead_assignments.id'], name=op.f('fk_handover_notes_lead_assignment_id_lead_assignments')),
    sa.ForeignKeyConstraint(['outgoing_user_id'], ['users.id'], name=op.f('fk_handover_notes_outgoing_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_notes')),
    sa.UniqueConstraint('lead_assignment_id', name=op.f('uq_handover_notes_lead_assignment_id'))
    )
    with op.batch_alter_table('handover_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_notes_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_notes_incoming_user_id'), ['incoming_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_notes_outgoing_user_id'), ['outgoing_user_id'], unique=False)

    op.create_table('meeting_attendees',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(user_id IS NULL) <> (person_id IS NULL)', name=op.f('ck_meeting_attendees_user_or_person')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendees_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_meeting_attendees_person_id_people')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_attendees_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendees'))
    )
    with op.batch_alter_table('meeting_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendees_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendees_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendees_user_id'), ['user_id'], unique=False)

    op.create_table('meeting_people',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_people_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_meeting_people_person_id_people')),
    sa.PrimaryKeyConstraint('meeting_id', 'person_id', name=op.f('pk_meeting_people'))
    )
    with op.batch_alter_table('meeting_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_people_person_id'), ['person_id'], unique=False)

    op.create_table('messages',
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_messages_author_id_users')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_messages_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_messages_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['thread_id'], ['message_threads.id'], name=op.f('fk_messages_thread_id_message_threads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_holding_agency_id'), ['holding_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_thread_id'), ['thread_id'], unique=False)

    op.create_table('need_judgements',
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('no_evidence', 'not_resolved', 'resolved', 'came_back', name='need_state', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('recurred_on', sa.Date(), nullable=True),
    sa.Column('evidence_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('refreshed_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_need_judgements_family_id_families')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_need_judgements_need_id_needs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('need_id', name=op.f('pk_need_judgements'))
    )
    with op.batch_alter_table('need_judgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_judgements_family_id'), ['family_id'], unique=False)

    op.create_table('nis_opt_outs',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=False),
    sa.Column('opted_out_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_nis_opt_outs_person_id_people')),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['users.id'], name=op.f('fk_nis_opt_outs_recorded_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nis_opt_outs')),
    sa.UniqueConstraint('person_id', name=op.f('uq_nis_opt_outs_person_id'))
    )
    with op.batch_alter_table('nis_opt_outs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nis_opt_outs_recorded_by_user_id'), ['recorded_by_user_id'], unique=False)

    op.create_table('sharing_bases',
    sa.Column('kind', sa.Enum('duty_to_share', 'safeguarding', 'answered_request', name='sharing_basis_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('recipient_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('review_on >= decided_on', name=op.f('ck_sharing_bases_review_after_decision')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_sharing_bases_decided_by_id_users')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_sharing_bases_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_sharing_bases_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['recipient_agency_id'], ['agencies.id'], name=op.f('fk_sharing_bases_recipient_agency_id_agencies')),
    sa.ForeignKeyConstraint(['request_id'], ['sharing_requests.id'], name=op.f('fk_sharing_bases_request_id_sharing_requests')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_sharing_bases_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_bases'))
    )
    with op.batch_alter_table('sharing_bases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_bases_family_id'), ['family_id'], unique=False)

    op.create_table('consent_scopes',
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('recipient_agency_id', sa.Integer(), nullable=True),
    sa.Column('recipient_kind', sa.String(length=40), nullable=True),
    sa.Column('purpose', sa.Enum('case_coordination', 'outcome_evidence', name='sharing_purpose', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(recipient_agency_id IS NULL) <> (recipient_kind IS NULL)', name=op.f('ck_consent_scopes_one_recipient')),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_consent_scopes_consent_id_consents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_agency_id'], ['agencies.id'], name=op.f('fk_consent_scopes_recipient_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_scopes'))
    )
    with op.batch_alter_table('consent_scopes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_scopes_consent_id'), ['consent_id'], unique=False)

    op.create_table('evidence_import_rows',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('attached', 'unmatched', 'ambiguous', 'resolved', 'discarded', name='import_row_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('match_method', sa.Enum('nhs_number', 'upn', 'matching', 'person', name='match_method', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('candidate_person_ids', sa.JSON(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['evidence_import_batches.id'], name=op.f('fk_evidence_import_rows_batch_id_evidence_import_batches')),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_import_rows_evidence_id_evidence')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_evidence_import_rows_person_id_people')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_evidence_import_rows_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_import_rows')),
    sa.UniqueConstraint('batch_id', 'line', name=op.f('uq_evidence_import_rows_batch_id_line'))
    )
    with op.batch_alter_table('evidence_import_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_import_rows_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_import_rows_status'), ['status'], unique=False)

    op.create_table('evidence_people',
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_people_evidence_id_evidence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_evidence_people_person_id_people')),
    sa.PrimaryKeyConstraint('evidence_id', 'person_id', name=op.f('pk_evidence_people'))
    )
    with op.batch_alter_table('evidence_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_people_person_id'), ['person_id'], unique=False)

    op.create_table('ig_alerts',
    sa.Column('kind', sa.Enum('break_glass', 'safeguarding', name='ig_alert_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=True),
    sa.Column('basis_id', sa.Integer(), nullable=True),
    sa.Column('raised_for_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reviewed_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('justified', 'unjustified', name='ig_alert_outcome', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('(grant_id IS NULL) <> (basis_id IS NULL)', name=op.f('ck_ig_alerts_one_subject')),
    sa.ForeignKeyConstraint(['basis_id'], ['sharing_bases.id'], name=op.f('fk_ig_alerts_basis_id_sharing_bases')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_ig_alerts_family_id_families')),
    sa.ForeignKeyConstraint(['grant_id'], ['break_glass_grants.id'], name=op.f('fk_ig_alerts_grant_id_break_glass_grants')),
    sa.ForeignKeyConstraint(['raised_for_id'], ['users.id'], name=op.f('fk_ig_alerts_raised_for_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_ig_alerts_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ig_alerts'))
    )
    with op.batch_alter_table('ig_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ig_alerts_family_id'), ['family_id'], unique=False)

    op.create_table('meeting_actions',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('plan_goal_id', sa.Integer(), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_meeting_actions_family_id_families')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_actions_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_meeting_actions_owner_user_id_users')),
    sa.ForeignKeyConstraint(['plan_goal_id'], ['plan_goals.id'], name=op.f('fk_meeting_actions_plan_goal_id_plan_goals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_actions')),
    sa.UniqueConstraint('plan_goal_id', name=op.f('uq_meeting_actions_plan_goal_id'))
    )
    with op.batch_alter_table('meeting_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_actions_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_actions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_actions_owner_user_id'), ['owner_user_id'], unique=False)

    op.create_table('message_mentions',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_mentions_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_message_mentions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_mentions')),
    sa.UniqueConstraint('message_id', 'user_id', name=op.f('uq_message_mentions_message_id_user_id'))
    )
    with op.batch_alter_table('message_mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_mentions_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_mentions_user_id'), ['user_id'], unique=False)

    op.create_table('message_people',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_people_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_message_people_person_id_people')),
    sa.PrimaryKeyConstraint('message_id', 'person_id', name=op.f('pk_message_people'))
    )
    with op.batch_alter_table('message_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_people_person_id'), ['person_id'], unique=False)

    op.create_table('sharing_basis_people',
    sa.Column('basis_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['basis_id'], ['sharing_bases.id'], name=op.f('fk_sharing_basis_people_basis_id_sharing_bases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_sharing_basis_people_person_id_people')),
    sa.PrimaryKeyConstraint('basis_id', 'person_id', name=op.f('pk_sharing_basis_people'))
    )
    with op.batch_alter_table('sharing_basis_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_basis_people_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('sharing_basis_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_basis_people_person_id'))

    op.drop_table('sharing_basis_people')
    with op.batch_alter_table('message_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_people_person_id'))

    op.drop_table('message_people')
    with op.batch_alter_table('message_mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_mentions_user_id'))
        batch_op.drop_index(batch_op.f('ix_message_mentions_message_id'))

    op.drop_table('message_mentions')
    with op.batch_alter_table('meeting_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_actions_owner_user_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_actions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_actions_family_id'))

    op.drop_table('meeting_actions')
    with op.batch_alter_table('ig_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ig_alerts_family_id'))

    op.drop_table('ig_alerts')
    with op.batch_alter_table('evidence_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_people_person_id'))

    op.drop_table('evidence_people')
    with op.batch_alter_table('evidence_import_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_import_rows_status'))
        batch_op.drop_index(batch_op.f('ix_evidence_import_rows_batch_id'))

    op.drop_table('evidence_import_rows')
    with op.batch_alter_table('consent_scopes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_scopes_consent_id'))

    op.drop_table('consent_scopes')
    with op.batch_alter_table('sharing_bases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_bases_family_id'))

    op.drop_table('sharing_bases')
    with op.batch_alter_table('nis_opt_outs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nis_opt_outs_recorded_by_user_id'))

    op.drop_table('nis_opt_outs')
    with op.batch_alter_table('need_judgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_judgements_family_id'))

    op.drop_table('need_judgements')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_thread_id'))
        batch_op.drop_index(batch_op.f('ix_messages_holding_agency_id'))
        batch_op.drop_index(batch_op.f('ix_messages_family_id'))

    op.drop_table('messages')
    with op.batch_alter_table('meeting_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_people_person_id'))

    op.drop_table('meeting_people')
    with op.batch_alter_table('meeting_attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendees_user_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_attendees_person_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_attendees_meeting_id'))

    op.drop_table('meeting_attendees')
    with op.batch_alter_table('handover_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_notes_outgoing_user_id'))
        batch_op.drop_index(batch_op.f('ix_handover_notes_incoming_user_id'))
        batch_op.drop_index(batch_op.f('ix_handover_notes_family_id'))

    op.drop_table('handover_notes')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_period_end'))
        batch_op.drop_index(batch_op.f('ix_evidence_need_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_import_batch_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_holding_agency_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_family_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_descriptor_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_document_id'))

    op.drop_table('document_versions')
    with op.batch_alter_table('document_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_people_person_id'))

    op.drop_table('document_people')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_person_id'))
        batch_op.drop_index(batch_op.f('ix_consents_family_id'))

    op.drop_table('consents')
    op.drop_table('claim_snapshots')
    with op.batch_alter_table('api_referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_referrals_client_id'))

    op.drop_table('api_referrals')
    with op.batch_alter_table('sharing_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_requests_holding_agency_id'))
        batch_op.drop_index(batch_op.f('ix_sharing_requests_family_id'))

    op.drop_table('sharing_requests')
    with op.batch_alter_table('sharing_agreement_flows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_agreement_flows_agreement_id'))

    op.drop_table('sharing_agreement_flows')
    with op.batch_alter_table('report_archive', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_archive_schedule_id'))
        batch_op.drop_index(batch_op.f('ix_report_archive_job_id'))
        batch_op.drop_index(batch_op.f('ix_report_archive_generated_by_user_id'))
        batch_op.drop_index('ix_report_archive_generated_at_utc')

    op.drop_table('report_archive')
    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_threads_last_message_at_utc'))
        batch_op.drop_index(batch_op.f('ix_message_threads_family_id'))

    op.drop_table('message_threads')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_holding_agency_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_held_on'))
        batch_op.drop_index(batch_op.f('ix_meetings_family_id'))

    op.drop_table('meetings')
    op.drop_table('evidence_import_batches')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_holding_agency_id'))
        batch_op.drop_index(batch_op.f('ix_documents_family_id'))

    op.drop_table('documents')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('uq_claims_family_once', postgresql_where=sa.text("status <> 'rejected'"), sqlite_where=sa.text("status <> 'rejected'"))
        batch_op.drop_index(batch_op.f('ix_claims_round_id'))
        batch_op.drop_index(batch_op.f('ix_claims_family_id'))

    op.drop_table('claims')
    with op.batch_alter_table('claim_round_builds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_round_builds_round_id'))

    op.drop_table('claim_round_builds')
    with op.batch_alter_table('claim_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_overrides_family_id'))

    op.drop_table('claim_overrides')
    with op.batch_alter_table('break_glass_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_break_glass_grants_user_id'))
        batch_op.drop_index(batch_op.f('ix_break_glass_grants_family_id'))

    op.drop_table('break_glass_grants')
    op.drop_table('api_idempotency_records')
    op.drop_table('sharing_agreements')
    op.drop_table('report_schedules')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))
        batch_op.drop_index('ix_notifications_unread')
        batch_op.drop_index(batch_op.f('ix_notifications_family_id'))

    op.drop_table('notifications')
    op.drop_table('claim_targets')
    op.drop_table('claim_rounds')
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_clients_agency_id'))

    op.drop_table('api_clients')

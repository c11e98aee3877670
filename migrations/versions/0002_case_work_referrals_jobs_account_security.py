"""Case work (needs, assessment, plan, interventions, notes, lifecycle history, drafts), referrals and
merges, the background jobs queue, and account security (MFA, recovery codes, reset links, outbox).

Existing people get their matching keys (normalised and sound-alike names) filled in.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

# The same functions the models use to fill these keys, so old and new rows compare alike.
from app.cases.names import normalise_name, sound_alike_key

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('intervention_types',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention_types')),
    sa.UniqueConstraint('code', name=op.f('uq_intervention_types_code'))
    )
    op.create_table('jobs',
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'succeeded', 'failed', 'cancelled', name='job_status', native_enum=False, create_constraint=True, length=40), server_default='queued', nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=True),
    sa.Column('progress_total', sa.Integer(), nullable=True),
    sa.Column('progress_message', sa.String(length=200), nullable=True),
    sa.Column('requested_by_user_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('max_attempts', sa.Integer(), server_default='3', nullable=False),
    sa.Column('next_attempt_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_owner', sa.String(length=100), nullable=True),
    sa.Column('lease_expires_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['users.id'], name=op.f('fk_jobs_requested_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_jobs_dedupe_key'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_requested_by_user_id'), ['requested_by_user_id'], unique=False)
        batch_op.create_index('ix_jobs_status_next_attempt_at_utc', ['status', 'next_attempt_at_utc'], unique=False)

    op.create_table('merge_records',
    sa.Column('kind', sa.Enum('family', 'person', name='merge_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('merged_by_user_id', sa.Integer(), nullable=True),
    sa.Column('kept_before', sa.JSON(), nullable=False),
    sa.Column('merged_row', sa.JSON(), nullable=False),
    sa.Column('moved', sa.JSON(), nullable=False),
    sa.Column('undone_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_user_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['merged_by_user_id'], ['users.id'], name=op.f('fk_merge_records_merged_by_user_id_users')),
    sa.ForeignKeyConstraint(['undone_by_user_id'], ['users.id'], name=op.f('fk_merge_records_undone_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_merge_records'))
    )
    with op.batch_alter_table('merge_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_merge_records_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_merge_records_merged_by_user_id'), ['merged_by_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_merge_records_merged_id'), ['merged_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_merge_records_undone_by_user_id'), ['undone_by_user_id'], unique=False)

    op.create_table('mfa_recovery_codes',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('used_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mfa_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mfa_recovery_codes'))
    )
    with op.batch_alter_table('mfa_recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mfa_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sent', 'failed', name='outbox_status', native_enum=False, create_constraint=True, length=40), server_default='queued', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('sent_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_outbox_messages_created_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_created_by_user_id'), ['created_by_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_kind'), ['kind'], unique=False)

    op.create_table('password_reset_tokens',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_by_user_id', sa.Integer(), nullable=True),
    sa.Column('expires_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('length(token_hash) = 64', name=op.f('ck_password_reset_tokens_token_hash_length')),
    sa.ForeignKeyConstraint(['issued_by_user_id'], ['users.id'], name=op.f('fk_password_reset_tokens_issued_by_user_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_reset_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_tokens_token_hash'))
    )
    with op.batch_alter_table('password_reset_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('referral_drafts',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_referral_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_drafts')),
    sa.UniqueConstraint('user_id', name=op.f('uq_referral_drafts_user_id'))
    )
    op.create_table('referral_import_batches',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('imported_by_user_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_user_id'], ['users.id'], name=op.f('fk_referral_import_batches_imported_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_import_batches')),
    sa.UniqueConstraint('sha256', name=op.f('uq_referral_import_batches_sha256'))
    )
    with op.batch_alter_table('referral_import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_import_batches_imported_by_user_id'), ['imported_by_user_id'], unique=False)

    op.create_table('used_form_tokens',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('used_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_used_form_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_used_form_tokens'))
    )
    op.create_table('assessments',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_assessments_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_assessments_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_assessments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_family_id'), ['family_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_case_notes_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_case_notes_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_case_notes_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_notes_holding_agency_id'), ['holding_agency_id'], unique=False)

    op.create_table('family_addresses',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('address_line_1', sa.String(length=120), nullable=True),
    sa.Column('address_line_2', sa.String(length=120), nullable=True),
    sa.Column('town', sa.String(length=80), nullable=True),
    sa.Column('postcode', sa.String(length=8), nullable=True),
    sa.Column('moved_in_on', sa.Date(), nullable=True),
    sa.Column('moved_out_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_family_addresses_family_id_families')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_addresses'))
    )
    with op.batch_alter_table('family_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_addresses_family_id'), ['family_id'], unique=False)

    op.create_table('family_status_changes',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('referred', 'attached', 'assessment', 'plan', 'active', 'closed', name='from_status', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('to_status', sa.Enum('referred', 'attached', 'assessment', 'plan', 'active', 'closed', name='to_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('event', sa.Enum('changed', 'closed', 'reopened', name='status_event', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('closure_reason', sa.String(length=40), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('holding_agency_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_family_status_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_family_status_changes_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_family_status_changes_holding_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_status_changes'))
    )
    with op.batch_alter_table('family_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_status_changes_family_id'), ['family_id'], unique=False)

    op.create_table('form_drafts',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('form_key', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('saved_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_form_drafts_family_id_families')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_drafts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_drafts')),
    sa.UniqueConstraint('user_id', 'family_id', 'form_key', name=op.f('uq_form_drafts_user_id_family_id_form_key'))
    )
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_drafts_family_id'), ['family_id'], unique=False)

    op.create_table('interventions',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('deletion_reason', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('duration_minutes >= 0', name=op.f('ck_interventions_duration_not_negative')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_interventions_agency_id_agencies')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_interventions_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_interventions_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_interventions_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_interventions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['type_id'], ['intervention_types.id'], name=op.f('fk_interventions_type_id_intervention_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions'))
    )
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interventions_holding_agency_id'), ['holding_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interventions_occurred_on'), ['occurred_on'], unique=False)

    op.create_table('lead_assignments',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_lead_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_lead_assignments_family_id_families')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lead_assignments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_assignments'))
    )
    with op.batch_alter_table('lead_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_assignments_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('needs',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('descriptor_id', sa.Integer(), nullable=False),
    sa.Column('headline_code', sa.String(length=40), nullable=False),
    sa.Column('identified_on', sa.Date(), nullable=False),
    sa.Column('at_attachment', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('source_agency_id', sa.Integer(), nullable=True),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['descriptor_id'], ['framework_descriptors.id'], name=op.f('fk_needs_descriptor_id_framework_descriptors')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_needs_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_needs_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_needs_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['source_agency_id'], ['agencies.id'], name=op.f('fk_needs_source_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs'))
    )
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_descriptor_id'), ['descriptor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_holding_agency_id'), ['holding_agency_id'], unique=False)

    op.create_table('plan_reviews',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_plan_reviews_family_id_families')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_plan_reviews_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_reviews'))
    )
    with op.batch_alter_table('plan_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_reviews_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_reviews_family_id'), ['family_id'], unique=False)

    op.create_table('referrals',
    sa.Column('reference', sa.String(length=16), nullable=True),
    sa.Column('status', sa.Enum('received', 'accepted', 'declined', 'duplicate', name='referral_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('source', sa.Enum('form', 'import', name='referral_source', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('referrer_user_id', sa.Integer(), nullable=False),
    sa.Column('referring_agency_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('address_line_1', sa.String(length=120), nullable=True),
    sa.Column('address_line_2', sa.String(length=120), nullable=True),
    sa.Column('town', sa.String(length=80), nullable=True),
    sa.Column('postcode', sa.String(length=8), nullable=True),
    sa.Column('no_fixed_address', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('consent_position', sa.Enum('agreed', 'without_agreement', name='consent_position', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('without_agreement_basis', sa.Enum('safeguarding', 'increases_risk', 'duty_to_share', name='without_agreement_basis', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('without_agreement_reason', sa.Text(), nullable=True),
    sa.Column('framework_version_id', sa.Integer(), nullable=False),
    sa.Column('submission_token', sa.String(length=64), nullable=True),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.Column('triaged_by_user_id', sa.Integer(), nullable=True),
    sa.Column('triaged_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('triaged_on', sa.Date(), nullable=True),
    sa.Column('decline_reason', sa.Enum('not_eligible', 'open_to_social_care', 'already_supported', 'moved_away', 'not_enough_information', 'other', name='decline_reason', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('triage_note', sa.Text(), nullable=True),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("consent_position <> 'without_agreement' OR without_agreement_basis IS NOT NULL", name=op.f('ck_referrals_without_agreement_has_basis')),
    sa.CheckConstraint("status <> 'accepted' OR family_id IS NOT NULL", name=op.f('ck_referrals_accepted_has_family')),
    sa.CheckConstraint("status <> 'declined' OR decline_reason IS NOT NULL", name=op.f('ck_referrals_declined_has_reason')),
    sa.CheckConstraint("status <> 'duplicate' OR duplicate_of_id IS NOT NULL", name=op.f('ck_referrals_duplicate_has_original')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['referrals.id'], name=op.f('fk_referrals_duplicate_of_id_referrals')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_referrals_family_id_families')),
    sa.ForeignKeyConstraint(['framework_version_id'], ['framework_versions.id'], name=op.f('fk_referrals_framework_version_id_framework_versions')),
    sa.ForeignKeyConstraint(['import_batch_id'], ['referral_import_batches.id'], name=op.f('fk_referrals_import_batch_id_referral_import_batches')),
    sa.ForeignKeyConstraint(['referrer_user_id'], ['users.id'], name=op.f('fk_referrals_referrer_user_id_users')),
    sa.ForeignKeyConstraint(['referring_agency_id'], ['agencies.id'], name=op.f('fk_referrals_referring_agency_id_agencies')),
    sa.ForeignKeyConstraint(['triaged_by_user_id'], ['users.id'], name=op.f('fk_referrals_triaged_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('reference', name=op.f('uq_referrals_reference')),
    sa.UniqueConstraint('submission_token', name=op.f('uq_referrals_submission_token'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_framework_version_id'), ['framework_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_import_batch_id'), ['import_batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_postcode'), ['postcode'], unique=False)
        batch_op.create_index('ix_referrals_queue', ['status', 'received_on', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_referrer_user_id'), ['referrer_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_referring_agency_id'), ['referring_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_triaged_by_user_id'), ['triaged_by_user_id'], unique=False)

    op.create_table('case_note_people',
    sa.Column('case_note_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_note_id'], ['case_notes.id'], name=op.f('fk_case_note_people_case_note_id_case_notes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_case_note_people_person_id_people')),
    sa.PrimaryKeyConstraint('case_note_id', 'person_id', name=op.f('pk_case_note_people'))
    )
    with op.batch_alter_table('case_note_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_note_people_person_id'), ['person_id'], unique=False)

    op.create_table('intervention_people',
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['intervention_id'], ['interventions.id'], name=op.f('fk_intervention_people_intervention_id_interventions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_intervention_people_person_id_people')),
    sa.PrimaryKeyConstraint('intervention_id', 'person_id', name=op.f('pk_intervention_people'))
    )
    with op.batch_alter_table('intervention_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intervention_people_person_id'), ['person_id'], unique=False)

    op.create_table('intervention_versions',
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('person_ids', sa.JSON(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_intervention_versions_agency_id_agencies')),
    sa.ForeignKeyConstraint(['intervention_id'], ['interventions.id'], name=op.f('fk_intervention_versions_intervention_id_interventions')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_intervention_versions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['users.id'], name=op.f('fk_intervention_versions_superseded_by_id_users')),
    sa.ForeignKeyConstraint(['type_id'], ['intervention_types.id'], name=op.f('fk_intervention_versions_type_id_intervention_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention_versions')),
    sa.UniqueConstraint('intervention_id', 'version', name=op.f('uq_intervention_versions_intervention_id_version'))
    )
    with op.batch_alter_table('intervention_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intervention_versions_intervention_id'), ['intervention_id'], unique=False)

    op.create_table('need_people',
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_need_people_need_id_needs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_need_people_person_id_people')),
    sa.PrimaryKeyConstraint('need_id', 'person_id', name=op.f('pk_need_people'))
    )
    with op.batch_alter_table('need_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_people_person_id'), ['person_id'], unique=False)

    op.create_table('plan_goals',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=500), nullable=False),
    sa.Column('owner_agency_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'done', 'dropped', name='goal_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('holding_agency_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_plan_goals_family_id_families')),
    sa.ForeignKeyConstraint(['holding_agency_id'], ['agencies.id'], name=op.f('fk_plan_goals_holding_agency_id_agencies')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_plan_goals_need_id_needs')),
    sa.ForeignKeyConstraint(['owner_agency_id'], ['agencies.id'], name=op.f('fk_plan_goals_owner_agency_id_agencies')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_plan_goals_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_goals'))
    )
    with op.batch_alter_table('plan_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_goals_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_goals_family_id'), ['family_id'], unique=False)

    op.create_table('referral_people',
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('other_names', sa.String(length=200), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('gender', sa.Enum('male', 'female', 'other', 'not_known', 'not_stated', name='gender', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('relationship_to_family', sa.Enum('parent', 'step_parent', 'carer', 'partner', 'grandparent', 'child', 'step_child', 'sibling', 'other_relative', 'other', name='relationship', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('nhs_number', sa.String(length=10), nullable=True),
    sa.Column('upn', sa.String(length=13), nullable=True),
    sa.Column('ni_number', sa.String(length=9), nullable=True),
    sa.Column('pnc_number', sa.String(length=11), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_referral_people_person_id_people')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_people_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_people')),
    sa.UniqueConstraint('referral_id', 'position', name=op.f('uq_referral_people_referral_id_position'))
    )
    with op.batch_alter_table('referral_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_people_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_people_referral_id'), ['referral_id'], unique=False)

    op.create_table('referral_reasons',
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('headline_code', sa.String(length=40), nullable=False),
    sa.Column('descriptor_code', sa.String(length=60), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_reasons_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_reasons')),
    sa.UniqueConstraint('referral_id', 'descriptor_code', name=op.f('uq_referral_reasons_referral_id_descriptor_code'))
    )
    with op.batch_alter_table('referral_reasons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_reasons_referral_id'), ['referral_id'], unique=False)

    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened_on', sa.Date(), nullable=True))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('given_name_normal', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('family_name_normal', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('given_name_sound', sa.String(length=4), server_default='', nullable=False))
        batch_op.add_column(sa.Column('family_name_sound', sa.String(length=4), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_people_family_name_normal'), ['family_name_normal'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_family_name_sound'), ['family_name_sound'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_given_name_normal'), ['given_name_normal'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_given_name_sound'), ['given_name_sound'], unique=False)
    _fill_name_keys()

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mfa_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('mfa_enrolled_at_utc', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mfa_last_time_step', sa.BigInteger(), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('mfa_last_time_step')
        batch_op.drop_column('mfa_enrolled_at_utc')
        batch_op.drop_column('mfa_secret')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_given_name_sound'))
        batch_op.drop_index(batch_op.f('ix_people_given_name_normal'))
        batch_op.drop_index(batch_op.f('ix_people_family_name_sound'))
        batch_op.drop_index(batch_op.f('ix_people_family_name_normal'))
        batch_op.drop_column('family_name_sound')
        batch_op.drop_column('given_name_sound')
        batch_op.drop_column('family_name_normal')
        batch_op.drop_column('given_name_normal')

    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.drop_column('reopened_on')

    with op.batch_alter_table('referral_reasons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_reasons_referral_id'))

    op.drop_table('referral_reasons')
    with op.batch_alter_table('referral_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_people_referral_id'))
        batch_op.drop_index(batch_op.f('ix_referral_people_person_id'))

    op.drop_table('referral_people')
    with op.batch_alter_table('plan_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_goals_family_id'))
        batch_op.drop_index(batch_op.f('ix_plan_goals_due_on'))

    op.drop_table('plan_goals')
    with op.batch_alter_table('need_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_people_person_id'))

    op.drop_table('need_people')
    with op.batch_alter_table('intervention_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intervention_versions_intervention_id'))

    op.drop_table('intervention_versions')
    with op.batch_alter_table('intervention_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intervention_people_person_id'))

    op.drop_table('intervention_people')
    with op.batch_alter_table('case_note_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_note_people_person_id'))

    op.drop_table('case_note_people')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_triaged_by_user_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_status'))
        batch_op.drop_index(batch_op.f('ix_referrals_referring_agency_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_referrer_user_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_received_on'))
        batch_op.drop_index('ix_referrals_queue')
        batch_op.drop_index(batch_op.f('ix_referrals_postcode'))
        batch_op.drop_index(batch_op.f('ix_referrals_import_batch_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_framework_version_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_family_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_duplicate_of_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('plan_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_reviews_family_id'))
        batch_op.drop_index(batch_op.f('ix_plan_reviews_due_on'))

    op.drop_table('plan_reviews')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_holding_agency_id'))
        batch_op.drop_index(batch_op.f('ix_needs_family_id'))
        batch_op.drop_index(batch_op.f('ix_needs_descriptor_id'))

    op.drop_table('needs')
    with op.batch_alter_table('lead_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_lead_assignments_family_id'))

    op.drop_table('lead_assignments')
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interventions_occurred_on'))
        batch_op.drop_index(batch_op.f('ix_interventions_holding_agency_id'))
        batch_op.drop_index(batch_op.f('ix_interventions_family_id'))

    op.drop_table('interventions')
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_drafts_family_id'))

    op.drop_table('form_drafts')
    with op.batch_alter_table('family_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_status_changes_family_id'))

    op.drop_table('family_status_changes')
    with op.batch_alter_table('family_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_addresses_family_id'))

    op.drop_table('family_addresses')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_holding_agency_id'))
        batch_op.drop_index(batch_op.f('ix_case_notes_family_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_family_id'))

    op.drop_table('assessments')
    op.drop_table('used_form_tokens')
    with op.batch_alter_table('referral_import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_import_batches_imported_by_user_id'))

    op.drop_table('referral_import_batches')
    op.drop_table('referral_drafts')
    with op.batch_alter_table('password_reset_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_tokens_user_id'))

    op.drop_table('password_reset_tokens')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_kind'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_created_by_user_id'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('mfa_recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mfa_recovery_codes_user_id'))

    op.drop_table('mfa_recovery_codes')
    with op.batch_alter_table('merge_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_merge_records_undone_by_user_id'))
        batch_op.drop_index(batch_op.f('ix_merge_records_merged_id'))
        batch_op.drop_index(batch_op.f('ix_merge_records_merged_by_user_id'))
        batch_op.drop_index(batch_op.f('ix_merge_records_kept_id'))

    op.drop_table('merge_records')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_next_attempt_at_utc')
        batch_op.drop_index(batch_op.f('ix_jobs_requested_by_user_id'))
        batch_op.drop_index(batch_op.f('ix_jobs_kind'))

    op.drop_table('jobs')
    op.drop_table('intervention_types')


def _fill_name_keys():
    people = sa.table("people", sa.column("id", sa.Integer), sa.column("given_name", sa.String),
                      sa.column("family_name", sa.String), sa.column("given_name_normal", sa.String),
                      sa.column("family_name_normal", sa.String), sa.column("given_name_sound", sa.String),
                      sa.column("family_name_sound", sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(people.c.id, people.c.given_name, people.c.family_name)).all()
    for row in rows:
        bind.execute(people.update().where(people.c.id == row.id).values(
            given_name_normal=normalise_name(row.given_name), family_name_normal=normalise_name(row.family_name),
            given_name_sound=sound_alike_key(row.given_name), family_name_sound=sound_alike_key(row.family_name)))

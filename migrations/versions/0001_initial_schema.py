"""Initial schema: agencies, users, the audit chain (append-only on PostgreSQL), the outcome
framework, stored files, families, people and the team around the family.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

# Frozen copies of app.audit.models' trigger SQL: a migration must not change when the models do.
APPEND_ONLY_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit_events is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
"""
DROP_APPEND_ONLY_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;
DROP FUNCTION IF EXISTS audit_events_append_only();
"""


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agencies',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('early_help', 'social_care', 'school', 'police', 'youth_justice', 'health', 'housing', 'employment', 'domestic_abuse', 'voluntary', name='agency_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('name', name=op.f('uq_agencies_name'))
    )
    op.create_table('audit_events',
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_agency_id', sa.Integer(), nullable=True),
    sa.Column('object_type', sa.String(length=40), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=40), nullable=True),
    sa.Column('basis', sa.String(length=40), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('request_id', sa.String(length=40), nullable=True),
    sa.Column('source_address', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('prev_hmac', sa.String(length=64), nullable=False),
    sa.Column('hmac', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_events_seq'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_user_id'), ['actor_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_family_id'), ['family_id'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_person_id'), ['person_id'], unique=False)

    op.create_table('framework_versions',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('programme', sa.Enum('supporting_families', 'troubled_families_phase_2', 'families_first', name='programme', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('effective_to IS NULL OR effective_to >= effective_from', name=op.f('ck_framework_versions_effective_dates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_versions')),
    sa.UniqueConstraint('code', name=op.f('uq_framework_versions_code'))
    )
    op.create_table('framework_headlines',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['framework_versions.id'], name=op.f('fk_framework_headlines_version_id_framework_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_headlines')),
    sa.UniqueConstraint('id', 'version_id', name=op.f('uq_framework_headlines_id_version_id')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_framework_headlines_version_id_code'))
    )
    with op.batch_alter_table('framework_headlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framework_headlines_version_id'), ['version_id'], unique=False)

    op.create_table('users',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.Enum('key_worker', 'practitioner', 'programme_manager', 'finance_officer', 'internal_auditor', 'ig_officer', 'agency_admin', 'admin', name='user_role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('is_designated_lead', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('session_generation', sa.Integer(), server_default='1', nullable=False),
    sa.Column('last_signed_in_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_users_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_agency_id'), ['agency_id'], unique=False)

    op.create_table('families',
    sa.Column('reference', sa.String(length=16), nullable=True),
    sa.Column('address_line_1', sa.String(length=120), nullable=True),
    sa.Column('address_line_2', sa.String(length=120), nullable=True),
    sa.Column('town', sa.String(length=80), nullable=True),
    sa.Column('postcode', sa.String(length=8), nullable=True),
    sa.Column('status', sa.Enum('referred', 'attached', 'assessment', 'plan', 'active', 'closed', name='family_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('lead_practitioner_id', sa.Integer(), nullable=True),
    sa.Column('attached_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closure_reason', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('closed_on IS NULL OR attached_on IS NULL OR closed_on >= attached_on', name=op.f('ck_families_closed_after_attached')),
    sa.ForeignKeyConstraint(['lead_practitioner_id'], ['users.id'], name=op.f('fk_families_lead_practitioner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_families')),
    sa.UniqueConstraint('reference', name=op.f('uq_families_reference'))
    )
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_families_lead_practitioner_id'), ['lead_practitioner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_families_postcode'), ['postcode'], unique=False)
        batch_op.create_index(batch_op.f('ix_families_status'), ['status'], unique=False)

    op.create_table('framework_descriptors',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('headline_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('measure', sa.String(length=300), nullable=False),
    sa.Column('resolved_when', sa.Text(), nullable=False),
    sa.Column('measure_kind', sa.Enum('percentage', 'count', 'yes_no', name='measure_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('comparison', sa.Enum('>=', '<=', '==', name='comparison', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('threshold', sa.Numeric(precision=8, scale=2, asdecimal=False), nullable=True),
    sa.Column('consecutive_periods', sa.Integer(), server_default='1', nullable=False),
    sa.Column('period_unit', sa.Enum('term', 'month', 'quarter', 'week', name='period_unit', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact', 'education', 'health', 'mental_health', 'substance_use', 'crime', 'domestic_abuse', 'child_safety', 'housing', 'finance', 'employment', 'case_note', name='data_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("(measure_kind = 'yes_no' AND threshold IS NULL) OR (measure_kind <> 'yes_no' AND threshold IS NOT NULL)", name=op.f('ck_framework_descriptors_threshold_matches_kind')),
    sa.CheckConstraint('consecutive_periods >= 1', name=op.f('ck_framework_descriptors_consecutive_periods_positive')),
    sa.ForeignKeyConstraint(['headline_id', 'version_id'], ['framework_headlines.id', 'framework_headlines.version_id'], name=op.f('fk_framework_descriptors_headline_id_framework_headlines')),
    sa.ForeignKeyConstraint(['version_id'], ['framework_versions.id'], name=op.f('fk_framework_descriptors_version_id_framework_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_descriptors')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_framework_descriptors_version_id_code'))
    )
    with op.batch_alter_table('framework_descriptors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framework_descriptors_headline_id'), ['headline_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_framework_descriptors_version_id'), ['version_id'], unique=False)

    op.create_table('stored_files',
    sa.Column('storage_key', sa.String(length=32), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("content_type IN ('application/pdf', 'image/png', 'image/jpeg', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')", name=op.f('ck_stored_files_content_type')),
    sa.CheckConstraint('length(storage_key) = 32', name=op.f('ck_stored_files_storage_key_length')),
    sa.CheckConstraint('size > 0', name=op.f('ck_stored_files_size_positive')),
    sa.ForeignKeyConstraint(['uploaded_by_user_id'], ['users.id'], name=op.f('fk_stored_files_uploaded_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_stored_files_storage_key'))
    )
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_files_uploaded_by_user_id'), ['uploaded_by_user_id'], unique=False)

    op.create_table('people',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('other_names', sa.String(length=200), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('gender', sa.Enum('male', 'female', 'other', 'not_known', 'not_stated', name='gender', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('relationship_to_family', sa.Enum('parent', 'step_parent', 'carer', 'partner', 'grandparent', 'child', 'step_child', 'sibling', 'other_relative', 'other', name='relationship', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('expectant', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('nhs_number', sa.String(length=10), nullable=True),
    sa.Column('upn', sa.String(length=13), nullable=True),
    sa.Column('school_urn', sa.String(length=6), nullable=True),
    sa.Column('ni_number', sa.String(length=9), nullable=True),
    sa.Column('pnc_number', sa.String(length=11), nullable=True),
    sa.Column('lives_apart', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('address_line_1', sa.String(length=120), nullable=True),
    sa.Column('address_line_2', sa.String(length=120), nullable=True),
    sa.Column('town', sa.String(length=80), nullable=True),
    sa.Column('postcode', sa.String(length=8), nullable=True),
    sa.Column('left_household_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_people_family_id_families')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_date_of_birth'), ['date_of_birth'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_family_id'), ['family_id'], unique=False)
        batch_op.create_index('ix_people_names', ['family_name', 'given_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_nhs_number'), ['nhs_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_ni_number'), ['ni_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_pnc_number'), ['pnc_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_upn'), ['upn'], unique=False)

    op.create_table('team_members',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('role_description', sa.String(length=120), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('left_on IS NULL OR left_on >= joined_on', name=op.f('ck_team_members_left_after_joined')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_team_members_agency_id_agencies')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_team_members_family_id_families')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_members'))
    )
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_members_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_members_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_members_user_id'), ['user_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_TRIGGER_SQL)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DROP_APPEND_ONLY_TRIGGER_SQL)
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_team_members_family_id'))
        batch_op.drop_index(batch_op.f('ix_team_members_agency_id'))

    op.drop_table('team_members')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_upn'))
        batch_op.drop_index(batch_op.f('ix_people_pnc_number'))
        batch_op.drop_index(batch_op.f('ix_people_ni_number'))
        batch_op.drop_index(batch_op.f('ix_people_nhs_number'))
        batch_op.drop_index('ix_people_names')
        batch_op.drop_index(batch_op.f('ix_people_family_id'))
        batch_op.drop_index(batch_op.f('ix_people_date_of_birth'))

    op.drop_table('people')
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_files_uploaded_by_user_id'))

    op.drop_table('stored_files')
    with op.batch_alter_table('framework_descriptors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framework_descriptors_version_id'))
        batch_op.drop_index(batch_op.f('ix_framework_descriptors_headline_id'))

    op.drop_table('framework_descriptors')
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_families_status'))
        batch_op.drop_index(batch_op.f('ix_families_postcode'))
        batch_op.drop_index(batch_op.f('ix_families_lead_practitioner_id'))

    op.drop_table('families')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_agency_id'))

    op.drop_table('users')
    with op.batch_alter_table('framework_headlines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framework_headlines_version_id'))

    op.drop_table('framework_headlines')
    op.drop_table('framework_versions')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_person_id'))
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index(batch_op.f('ix_audit_events_family_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    op.drop_table('agencies')

"""Data rights (subject access requests, legal holds, anonymisations), safe addresses (people at risk),
extra-sensitive records, export-limit IG alerts, and indexes for date-range counts and name prefix searches.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


ONE_SUBJECT_WITH_EXPORT_LIMIT = (
    "(kind = 'export_limit' AND family_id IS NULL AND grant_id IS NULL AND basis_id IS NULL) OR "
    "(kind <> 'export_limit' AND family_id IS NOT NULL AND (grant_id IS NULL) <> (basis_id IS NULL))")
ALERT_KINDS_WITH_EXPORT_LIMIT = "kind IN ('break_glass', 'safeguarding', 'export_limit')"


def upgrade():
    op.create_table('legal_holds',
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('placed_on', sa.Date(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('cleared_on', sa.Date(), nullable=True),
    sa.Column('cleared_by_id', sa.Integer(), nullable=True),
    sa.Column('clear_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('cleared_on IS NULL OR clear_reason IS NOT NULL', name=op.f('ck_legal_holds_cleared_has_reason')),
    sa.ForeignKeyConstraint(['cleared_by_id'], ['users.id'], name=op.f('fk_legal_holds_cleared_by_id_users')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_legal_holds_family_id_families')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_legal_holds_placed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds'))
    )
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_holds_family_id'), ['family_id'], unique=False)
        batch_op.create_index('uq_legal_holds_family_in_force', ['family_id'], unique=True, postgresql_where=sa.text('cleared_on IS NULL'), sqlite_where=sa.text('cleared_on IS NULL'))

    op.create_table('anonymisations',
    sa.Column('record_class', sa.String(length=40), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('expired_on', sa.Date(), nullable=False),
    sa.Column('anonymised_on', sa.Date(), nullable=False),
    sa.Column('files_deleted', sa.Integer(), server_default='0', nullable=False),
    sa.Column('anonymised_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('(family_id IS NULL) <> (referral_id IS NULL)', name=op.f('ck_anonymisations_one_subject')),
    sa.ForeignKeyConstraint(['anonymised_by_id'], ['users.id'], name=op.f('fk_anonymisations_anonymised_by_id_users')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_anonymisations_family_id_families')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_anonymisations_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anonymisations')),
    sa.UniqueConstraint('family_id', name=op.f('uq_anonymisations_family_id')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_anonymisations_referral_id'))
    )
    op.create_table('subject_access_requests',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('requester_kind', sa.Enum('subject', 'parent_carer', 'representative', 'other', name='sar_requester_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('requester_name', sa.String(length=120), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('verification', sa.Enum('photo_id', 'known_to_service', 'documents', 'signed_authority', name='sar_verification_method', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('verification_note', sa.String(length=500), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('extension_months', sa.Integer(), server_default='0', nullable=False),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('extended_on', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('open', 'completed', name='sar_state', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=True),
    sa.Column('last_exported_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('extended_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("state <> 'completed' OR released_on IS NOT NULL", name=op.f('ck_subject_access_requests_completed_has_release')),
    sa.CheckConstraint('due_on >= received_on', name=op.f('ck_subject_access_requests_due_after_received')),
    sa.CheckConstraint('extension_months = 0 OR extension_reason IS NOT NULL', name=op.f('ck_subject_access_requests_extension_has_reason')),
    sa.CheckConstraint('extension_months >= 0 AND extension_months <= 2', name=op.f('ck_subject_access_requests_extension_at_most_two_months')),
    sa.CheckConstraint('released_on IS NULL OR released_on >= received_on', name=op.f('ck_subject_access_requests_released_after_received')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_subject_access_requests_completed_by_id_users')),
    sa.ForeignKeyConstraint(['extended_by_id'], ['users.id'], name=op.f('fk_subject_access_requests_extended_by_id_users')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_subject_access_requests_family_id_families')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_subject_access_requests_person_id_people')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_subject_access_requests_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_access_requests'))
    )
    with op.batch_alter_table('subject_access_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subject_access_requests_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_subject_access_requests_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subject_access_requests_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subject_access_requests_state'), ['state'], unique=False)

    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_families_attached_on'), ['attached_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_families_closed_on'), ['closed_on'], unique=False)

    # Export-limit alerts are about a user, not a family: a new kind, and a subject rule that allows it.
    with op.batch_alter_table('ig_alerts', schema=None) as batch_op:
        batch_op.alter_column('family_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_ig_alerts_one_subject'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_ig_alerts_ig_alert_kind'), type_='check')
        batch_op.create_check_constraint('one_subject', ONE_SUBJECT_WITH_EXPORT_LIMIT)
        batch_op.create_check_constraint('ig_alert_kind', ALERT_KINDS_WITH_EXPORT_LIMIT)

    # Name searches match by prefix (LIKE 'smi%'): on PostgreSQL a btree serves that only with the pattern
    # operator class. Recreated under the same names; plain indexes on SQLite.
    for column in ('given_name_normal', 'family_name_normal'):
        op.drop_index(f'ix_people_{column}', table_name='people')
        op.create_index(f'ix_people_{column}', 'people', [column], postgresql_ops={column: 'varchar_pattern_ops'})

    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('at_risk_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('at_risk_recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_people_at_risk_recorded_by_id_users'), 'users', ['at_risk_recorded_by_id'], ['id'])

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_triaged_on'), ['triaged_on'], unique=False)


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_triaged_on'))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_people_at_risk_recorded_by_id_users'), type_='foreignkey')
        batch_op.drop_column('at_risk_recorded_by_id')
        batch_op.drop_column('at_risk_since')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('extra_sensitive')

    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.drop_column('extra_sensitive')

    for column in ('given_name_normal', 'family_name_normal'):
        op.drop_index(f'ix_people_{column}', table_name='people')
        op.create_index(f'ix_people_{column}', 'people', [column])

    op.execute("DELETE FROM ig_alerts WHERE kind = 'export_limit'")
    with op.batch_alter_table('ig_alerts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ig_alerts_ig_alert_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_ig_alerts_one_subject'), type_='check')
        batch_op.alter_column('family_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.create_check_constraint('ig_alert_kind', "kind IN ('break_glass', 'safeguarding')")
        batch_op.create_check_constraint('one_subject', '(grant_id IS NULL) <> (basis_id IS NULL)')

    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_families_closed_on'))
        batch_op.drop_index(batch_op.f('ix_families_attached_on'))

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('extra_sensitive')

    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_column('extra_sensitive')

    with op.batch_alter_table('subject_access_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subject_access_requests_state'))
        batch_op.drop_index(batch_op.f('ix_subject_access_requests_person_id'))
        batch_op.drop_index(batch_op.f('ix_subject_access_requests_family_id'))
        batch_op.drop_index(batch_op.f('ix_subject_access_requests_due_on'))

    op.drop_table('subject_access_requests')
    op.drop_table('anonymisations')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_index('uq_legal_holds_family_in_force', postgresql_where=sa.text('cleared_on IS NULL'), sqlite_where=sa.text('cleared_on IS NULL'))
        batch_op.drop_index(batch_op.f('ix_legal_holds_family_id'))

    op.drop_table('legal_holds')

"""Extra-sensitive secure messages, discussions and handover notes, and the indexes that keep the dashboard,
the monthly report, the caseload and postcode search flat as a council grows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.create_index('ix_families_status_closed_on', ['status', 'closed_on'], unique=False)
        batch_op.create_index('ix_families_status_lead', ['status', 'lead_practitioner_id'], unique=False)

    with op.batch_alter_table('handover_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.create_index('ix_interventions_by_day', ['occurred_on', 'agency_id', 'type_id', 'family_id', 'deleted_at_utc'], unique=False)

    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('need_judgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_judgements_resolved_on'), ['resolved_on'], unique=False)

    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index('ix_needs_id_headline', ['id', 'headline_code'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_postcode'), ['postcode'], unique=False)

    with op.batch_alter_table('plan_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_plan_reviews_family_held_due', ['family_id', 'held_on', 'due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_reviews_family_held_due')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_postcode'))

    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index('ix_needs_id_headline')

    with op.batch_alter_table('need_judgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_judgements_resolved_on'))

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('extra_sensitive')

    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.drop_column('extra_sensitive')

    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.drop_index('ix_interventions_by_day')

    with op.batch_alter_table('handover_notes', schema=None) as batch_op:
        batch_op.drop_column('extra_sensitive')

    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.drop_index('ix_families_status_lead')
        batch_op.drop_index('ix_families_status_closed_on')

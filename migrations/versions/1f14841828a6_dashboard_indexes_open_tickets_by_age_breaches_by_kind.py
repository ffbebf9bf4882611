"""dashboard indexes: open tickets by age and unit; breaches detected by kind

Revision ID: 1f14841828a6
Revises: d6a4bf2f3276
Create Date: 2026-12-01 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1f14841828a6'
down_revision = "d6a4bf2f3276"
branch_labels = None
depends_on = None

OPEN_ONLY = sa.text("status <> 'closed'")


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_open_received', ['received_at', 'team_unit_id', 'office_unit_id'], unique=False, sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY)

    with op.batch_alter_table('sla_breach', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_breach_detected')
        batch_op.create_index('ix_sla_breach_detected_kind', ['detected_at', 'kind'], unique=False)


def downgrade():
    with op.batch_alter_table('sla_breach', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_breach_detected_kind')
        batch_op.create_index('ix_sla_breach_detected', ['detected_at'], unique=False)

    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_open_received', sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY)

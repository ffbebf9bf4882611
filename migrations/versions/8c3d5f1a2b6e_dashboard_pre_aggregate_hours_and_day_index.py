"""dashboard pre-aggregate: open tickets per hour; indexes by day and scope, open tickets

Revision ID: 8c3d5f1a2b6e
Revises: 5b7e2c91d0a4
Create Date: 2026-12-01 22:00:00.000000

The pre-aggregate gains rows (dimension "hour": the open tickets per WIB hour
received) that only a full rebuild writes, so its state is cleared: the dashboard
counts live until the scheduler's next ``qa.refresh_stats`` pass, which rebuilds every
day when no refresh was made (``hai.qa.stats.refresh``).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "8c3d5f1a2b6e"
down_revision = "5b7e2c91d0a4"
branch_labels = None
depends_on = None

ALL_ROWS = sa.text("dim = 'all'")


def upgrade():
    op.drop_index("ix_qa_ticket_stat_day", table_name="qa_ticket_stat")
    op.create_index(
        "ix_qa_ticket_stat_day_scope", "qa_ticket_stat", ["day", "scope_id", "dim"], unique=False
    )
    op.create_index(
        "ix_qa_ticket_stat_open",
        "qa_ticket_stat",
        ["scope_id", "day", "open_n"],
        unique=False,
        sqlite_where=ALL_ROWS,
        postgresql_where=ALL_ROWS,
    )
    op.execute("DELETE FROM qa_ticket_stat_state")


def downgrade():
    op.drop_index(
        "ix_qa_ticket_stat_open",
        table_name="qa_ticket_stat",
        sqlite_where=ALL_ROWS,
        postgresql_where=ALL_ROWS,
    )
    op.execute("DELETE FROM qa_ticket_stat WHERE dim = 'hour'")
    op.drop_index("ix_qa_ticket_stat_day_scope", table_name="qa_ticket_stat")
    op.create_index("ix_qa_ticket_stat_day", "qa_ticket_stat", ["day"], unique=False)

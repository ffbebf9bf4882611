"""dashboard pre-aggregate: figures per WIB day, unit scope, dimension and key

Revision ID: 5b7e2c91d0a4
Revises: 1f14841828a6
Create Date: 2026-12-01 19:20:00.000000

The tables start empty: with no refresh ever made the dashboard counts live, and the
scheduler's first ``qa.refresh_stats`` pass builds every day (``hai.qa.stats``).
"""

from alembic import op
import sqlalchemy as sa

import hai.db_types


# revision identifiers, used by Alembic.
revision = "5b7e2c91d0a4"
down_revision = "1f14841828a6"
branch_labels = None
depends_on = None

UNRESPONDED = sa.text("first_response_at IS NULL")
COUNTS = (
    "n",
    "r_m",
    "r_ok",
    "f_m",
    "f_ok",
    "reopened",
    "rated1",
    "rated2",
    "rated3",
    "rated4",
    "rated5",
    "calls",
    "open_n",
)


def upgrade():
    op.create_table(
        "qa_ticket_stat",
        sa.Column("scope_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dim", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint("scope_id", "dim", "day", "key", name=op.f("pk_qa_ticket_stat")),
    )
    op.create_index("ix_qa_ticket_stat_day", "qa_ticket_stat", ["day"], unique=False)
    op.create_table(
        "qa_ticket_stat_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_ticket_stat_mark")),
    )
    # Not through batch_alter_table: on SQLite that would copy the ticket table.
    op.create_index(
        "ix_ticket_unresponded_due",
        "ticket",
        ["response_due_at"],
        unique=False,
        sqlite_where=UNRESPONDED,
        postgresql_where=UNRESPONDED,
    )
    op.create_table(
        "qa_ticket_stat_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", hai.db_types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_ticket_stat_state")),
    )


def downgrade():
    op.drop_index(
        "ix_ticket_unresponded_due",
        table_name="ticket",
        sqlite_where=UNRESPONDED,
        postgresql_where=UNRESPONDED,
    )
    op.drop_table("qa_ticket_stat_state")
    op.drop_table("qa_ticket_stat_mark")
    op.drop_index("ix_qa_ticket_stat_day", table_name="qa_ticket_stat")
    op.drop_table("qa_ticket_stat")

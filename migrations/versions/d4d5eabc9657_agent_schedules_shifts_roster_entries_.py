"""agent schedules: shifts, roster entries, attendance

Shifts are WIB time ranges of a day (the default Pagi and Siang are reference data,
loaded by `flask hai seed`); a roster entry puts an agent on a channel for a shift of
a date; attendance events are sign-ins, sign-outs and breaks.

Revision ID: d4d5eabc9657
Revises: ca279a3816f9
Create Date: 2026-12-01 15:20:09.478995

"""

from alembic import op
import sqlalchemy as sa

import hai.db_types


# revision identifiers, used by Alembic.
revision = "d4d5eabc9657"
down_revision = "ca279a3816f9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "schedule_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("break_minutes", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_shift")),
        sa.UniqueConstraint("name", name=op.f("uq_schedule_shift_name")),
    )
    op.create_table(
        "schedule_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "sign_in",
                "sign_out",
                "break_start",
                "break_end",
                name="attendancekind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("at", hai.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_schedule_attendance_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_attendance")),
    )
    with op.batch_alter_table("schedule_attendance", schema=None) as batch_op:
        batch_op.create_index("ix_schedule_attendance_user_at", ["user_id", "at"], unique=False)

    op.create_table(
        "schedule_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("channel_code", sa.String(length=32), nullable=False),
        sa.Column("created_at", hai.db_types.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_schedule_entry_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["schedule_shift.id"],
            name=op.f("fk_schedule_entry_shift_id_schedule_shift"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_schedule_entry_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_entry")),
        sa.UniqueConstraint("user_id", "day", "shift_id", name=op.f("uq_schedule_entry_user_id")),
    )
    with op.batch_alter_table("schedule_entry", schema=None) as batch_op:
        batch_op.create_index("ix_schedule_entry_day", ["day", "shift_id"], unique=False)


def downgrade():
    with op.batch_alter_table("schedule_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_schedule_entry_day")

    op.drop_table("schedule_entry")
    with op.batch_alter_table("schedule_attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_schedule_attendance_user_at")

    op.drop_table("schedule_attendance")
    op.drop_table("schedule_shift")

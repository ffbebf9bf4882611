"""service management: configuration items, problems, releases

Issue 10 parts 2-4 (PER-8 Pasal 22(4), (5), (7)): configuration items with their owner
unit (reference data, loaded by `flask hai seed`), problems with their linked tickets and
timeline, releases; and the ticket's optional configuration item.

On SQLite the ticket column is added and dropped with plain ALTER TABLE, never by
recreating the table: with foreign keys on, dropping the old ticket table would cascade
to its timeline, notifications and breaches.

Revision ID: 686b1260906b
Revises: d4d5eabc9657
Create Date: 2026-12-01 15:39:20.265047

"""

from alembic import op
import sqlalchemy as sa

import hai.db_types


# revision identifiers, used by Alembic.
revision = "686b1260906b"
down_revision = "d4d5eabc9657"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "configuration_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "application",
                "infrastructure",
                "business_process",
                name="cikind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("owner_unit_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("service_codes", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", hai.db_types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", hai.db_types.UTCDateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_unit_id"],
            ["org_unit.id"],
            name=op.f("fk_configuration_item_owner_unit_id_org_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_item")),
        sa.UniqueConstraint("code", name=op.f("uq_configuration_item_code")),
    )
    op.create_table(
        "problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "suggested",
                "confirmed",
                "known_error",
                "fixed",
                "closed",
                "dismissed",
                name="problemstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("ci_id", sa.Integer(), nullable=True),
        sa.Column("scope_id", sa.Integer(), nullable=True),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("workaround_article_id", sa.Integer(), nullable=True),
        sa.Column("fix_reference", sa.String(length=200), nullable=False),
        sa.Column("fix_note", sa.Text(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("dismissed_reason", sa.Text(), nullable=False),
        sa.Column("created_at", hai.db_types.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", hai.db_types.UTCDateTime(), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("known_error_at", hai.db_types.UTCDateTime(), nullable=True),
        sa.Column("fixed_at", hai.db_types.UTCDateTime(), nullable=True),
        sa.Column("closed_at", hai.db_types.UTCDateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("dismissed_at", hai.db_types.UTCDateTime(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ci_id"], ["configuration_item.id"], name=op.f("fk_problem_ci_id_configuration_item")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["user_account.id"], name=op.f("fk_problem_closed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_problem_confirmed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_problem_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["scope_id"], ["catalog_scope.id"], name=op.f("fk_problem_scope_id_catalog_scope")
        ),
        sa.ForeignKeyConstraint(
            ["workaround_article_id"],
            ["article.id"],
            name=op.f("fk_problem_workaround_article_id_article"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem")),
        sa.UniqueConstraint("number", name=op.f("uq_problem_number")),
    )
    op.create_index("ix_problem_ci", "problem", ["ci_id", "status"])
    op.create_index("ix_problem_scope", "problem", ["scope_id", "status"])
    op.create_index("ix_problem_status", "problem", ["status", "id"])

    op.create_table(
        "release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ci_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        sa.Column("announced_by_id", sa.Integer(), nullable=False),
        sa.Column("announced_at", hai.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["announced_by_id"],
            ["user_account.id"],
            name=op.f("fk_release_announced_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_release_article_id_article")
        ),
        sa.ForeignKeyConstraint(
            ["broadcast_id"], ["broadcast.id"], name=op.f("fk_release_broadcast_id_broadcast")
        ),
        sa.ForeignKeyConstraint(
            ["ci_id"], ["configuration_item.id"], name=op.f("fk_release_ci_id_configuration_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release")),
        sa.UniqueConstraint("ci_id", "version", name=op.f("uq_release_ci_id")),
    )
    op.create_index("ix_release_released_on", "release", ["released_on"])

    op.create_table(
        "problem_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("at", hai.db_types.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_problem_event_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problem.id"],
            name=op.f("fk_problem_event_problem_id_problem"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_event")),
    )
    op.create_index("ix_problem_event_problem", "problem_event", ["problem_id", "id"])

    op.create_table(
        "problem_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", hai.db_types.UTCDateTime(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["linked_by_id"],
            ["user_account.id"],
            name=op.f("fk_problem_ticket_linked_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problem.id"],
            name=op.f("fk_problem_ticket_problem_id_problem"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_problem_ticket_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_ticket")),
        sa.UniqueConstraint("problem_id", "ticket_id", name=op.f("uq_problem_ticket_problem_id")),
    )
    op.create_index("ix_problem_ticket_ticket", "problem_ticket", ["ticket_id"])

    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE ticket ADD COLUMN ci_id INTEGER "
            "CONSTRAINT fk_ticket_ci_id_configuration_item REFERENCES configuration_item (id)"
        )
    else:
        op.add_column("ticket", sa.Column("ci_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_ticket_ci_id_configuration_item"),
            "ticket",
            "configuration_item",
            ["ci_id"],
            ["id"],
        )
    op.create_index(op.f("ix_ticket_ci_id"), "ticket", ["ci_id"])


def downgrade():
    op.drop_index(op.f("ix_ticket_ci_id"), table_name="ticket")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE ticket DROP COLUMN ci_id")
    else:
        op.drop_constraint(op.f("fk_ticket_ci_id_configuration_item"), "ticket", type_="foreignkey")
        op.drop_column("ticket", "ci_id")
    op.drop_table("problem_ticket")
    op.drop_table("problem_event")
    op.drop_table("release")
    op.drop_table("problem")
    op.drop_table("configuration_item")

"""ticket text search: a trigram index on PostgreSQL

Revision ID: b7e4a9c2d1f3
Revises: 8c3d5f1a2b6e
Create Date: 2026-12-01 23:00:00.000000

The ticket queue's free-text search (``hai.tickets.queries.SEARCH_TEXT``: every word
anywhere in the subject, description, number or requester's name) read every ticket:
seconds at a million. On PostgreSQL a GIN trigram index (``pg_trgm``, a trusted
extension shipped with the server) answers ``ILIKE '%word%'`` on that expression.
SQLite keeps scanning (no trigram index without duplicating every ticket's text).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e4a9c2d1f3"
down_revision = "8c3d5f1a2b6e"
branch_labels = None
depends_on = None

# The same expression as the query's (PostgreSQL uses the index only for it).
SEARCH_TEXT = (
    "subject || ' ' || description || ' ' || coalesce(number, '') || ' ' || requester_name"
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(f"CREATE INDEX ix_ticket_search ON ticket USING gin (({SEARCH_TEXT}) gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_ticket_search")

"""The queue's free-text search: every word, anywhere in the subject, description, number
or requester's name, in any case; on PostgreSQL answered by the trigram index."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from hai.tickets import queries
from hai.tickets.models import Ticket
from tests.tickets.test_views import intake


@pytest.fixture
def three(staff, login_as, db_session):
    browser = login_as(staff["l1"])
    intake(browser, db_session, subject="Gagal kirim SPM", description="Muncul kode E-42.")
    intake(browser, db_session, subject="Tanya DIPA", requester_name="Budi Santoso")
    intake(browser, db_session, subject="Reset akun", description="50% selesai_ kemarin")
    db_session.commit()
    return browser


def _found(browser, q: str) -> set[str]:
    page = browser.get("/tickets", query_string={"queue": "all", "q": q}).get_data(as_text=True)
    return {s for s in ("Gagal kirim SPM", "Tanya DIPA", "Reset akun") if s in page}


def test_every_word_anywhere_in_any_case(three, db_session):
    assert _found(three, "spm") == {"Gagal kirim SPM"}
    assert _found(three, "kirim e-42") == {"Gagal kirim SPM"}  # subject + description
    assert _found(three, "santoso dipa") == {"Tanya DIPA"}  # requester's name + subject
    assert _found(three, "kirim santoso") == set()  # each word must be found
    assert _found(three, "50% selesai_") == {"Reset akun"}  # wildcards are plain text
    number = db_session.scalar(select(Ticket.number).where(Ticket.subject == "Tanya DIPA"))
    assert _found(three, number[-5:]) == {"Tanya DIPA"}  # part of the number


def test_postgresql_answers_from_the_trigram_index(three, staff, db_session):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's")
    query = queries.queue_query(
        staff["l1"], queries.Filters(queue="all", q="kirim"), now=None
    ).with_only_columns(Ticket.id)
    sql = query.compile(db_session.get_bind(), compile_kwargs={"literal_binds": True})
    db_session.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: force a choice
    plan = "\n".join(r[0] for r in db_session.execute(text(f"EXPLAIN {sql}")))
    assert "ix_ticket_search" in plan, plan

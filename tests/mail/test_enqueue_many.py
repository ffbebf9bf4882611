"""Queuing many emails at once (a breach pass): dedupe by key, one insert."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hai.db_types import utcnow
from hai.errors import RuleError
from hai.mail.models import OutboxMessage
from hai.mail.services import enqueue, enqueue_many


def message(n: int, **kw) -> dict:
    return (
        dict(to=f"agen{n}@kemenkeu.go.id", subject=f"Tiket {n}", body="isi", dedupe_key=f"k{n}")
        | kw
    )


def test_keys_already_queued_or_repeated_are_skipped(db_session):
    now = utcnow()
    enqueue(now=now, **message(1))
    queued = enqueue_many([message(1), message(2), message(3), message(3)], now=now)
    assert queued == 2
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_a_bad_address_names_the_field_and_queues_nothing(db_session):
    with pytest.raises(RuleError) as err:
        enqueue_many([message(1), message(2, to="bukan alamat")], now=utcnow())
    assert err.value.field == "to"
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)) == 0

"""Column types shared by the domains."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC instant on every database.

    SQLite has no time zones, so values are stored as naive UTC and come back
    aware; a naive value on the way in is a programming error.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC instant")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def value_enum(cls, length: int) -> Enum:
    """A Python enum stored by its values (not names) in a VARCHAR: no native enum type,
    so adding a member needs no ALTER TYPE, and the stored text reads as the value."""
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )

"""Shifts, roster entries and attendance events.

A shift is a named time range of a WIB day (no shift crosses midnight). A roster entry
puts one agent on one channel for one shift of one date. Attendance events are the
agent's sign-ins and sign-outs (written at login and logout) and breaks.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime, value_enum
from hai.extensions import db


class Shift(db.Model):
    __tablename__ = "schedule_shift"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    starts: Mapped[time] = mapped_column(Time)  # WIB
    ends: Mapped[time] = mapped_column(Time)  # WIB, after ``starts`` on the same day
    break_minutes: Mapped[int] = mapped_column(default=30)  # allowance per shift
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        return f"{self.name} {self.starts:%H.%M}–{self.ends:%H.%M}"

    def overlaps(self, other: Shift) -> bool:
        return self.starts < other.ends and other.starts < self.ends


class RosterEntry(db.Model):
    """One agent on one channel for one shift of one WIB date."""

    __tablename__ = "schedule_entry"
    __table_args__ = (
        UniqueConstraint("user_id", "day", "shift_id"),
        Index("ix_schedule_entry_day", "day", "shift_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    shift_id: Mapped[int] = mapped_column(ForeignKey("schedule_shift.id"))
    channel_code: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user = relationship("User", foreign_keys=[user_id])
    shift: Mapped[Shift] = relationship(lazy="joined")


class AttendanceKind(enum.Enum):
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    BREAK_START = "break_start"
    BREAK_END = "break_end"

    @property
    def label(self) -> str:
        return {
            "sign_in": "Masuk",
            "sign_out": "Keluar",
            "break_start": "Mulai istirahat",
            "break_end": "Selesai istirahat",
        }[self.value]


class AttendanceEvent(db.Model):
    __tablename__ = "schedule_attendance"
    __table_args__ = (Index("ix_schedule_attendance_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[AttendanceKind] = mapped_column(value_enum(AttendanceKind, 16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

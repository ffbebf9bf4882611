"""Changes to shifts, the roster and attendance, as plain functions for the views, the
login, the demo and the tests. Every function takes the acting user and the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from hai.audit.services import record
from hai.auth.models import User
from hai.auth.roles import Role
from hai.errors import RuleError
from hai.extensions import db
from hai.schedules.models import AttendanceEvent, AttendanceKind, RosterEntry, Shift
from hai.web.timefmt import DAYS, today_wib

# Who is put on the roster (PER-8 Pasal 7(7)a: the Manajer Layanan schedules the agents).
ROSTER_ROLES = (Role.AGEN_L1, Role.AGEN_L2, Role.CSO)
MAX_BREAK_MINUTES = 240


class ScheduleError(RuleError):
    """A scheduling rule refused the change."""


@dataclass(frozen=True)
class ShiftData:
    name: str
    starts: time
    ends: time
    break_minutes: int = 30
    is_active: bool = True


# Working days run 07.30-17.00 WIB: two shifts meeting at midday, each with a break.
DEFAULT_SHIFTS = [
    ShiftData("Pagi", time(7, 30), time(12, 15), 30),
    ShiftData("Siang", time(12, 15), time(17, 0), 30),
]


def is_rosterable(user: User) -> bool:
    return user.is_active and any(user.has_role(r) for r in ROSTER_ROLES)


# --- shifts ------------------------------------------------------------------------------


def load_shifts() -> int:
    """The default shifts (idempotent): reference data, editable afterwards."""
    if db.session.scalar(select(Shift.id).limit(1)) is not None:
        return 0
    for n, data in enumerate(DEFAULT_SHIFTS, 1):
        db.session.add(
            Shift(
                name=data.name,
                starts=data.starts,
                ends=data.ends,
                break_minutes=data.break_minutes,
                position=n,
            )
        )
    db.session.flush()
    return len(DEFAULT_SHIFTS)


def _check_shift(shift: Shift | None, data: ShiftData) -> str:
    name = " ".join((data.name or "").split())[:40]
    if not name:
        raise ScheduleError("Tuliskan nama shift.", "name")
    same_name = select(Shift.id).where(func.lower(Shift.name) == name.lower())
    if shift is not None:
        same_name = same_name.where(Shift.id != shift.id)
    clash = db.session.scalar(same_name)
    if clash is not None:
        raise ScheduleError(f"Nama shift {name} sudah dipakai.", "name")
    if data.ends <= data.starts:
        raise ScheduleError(
            "Jam selesai harus setelah jam mulai (shift tidak melewati tengah malam).", "ends"
        )
    if not 0 <= data.break_minutes <= MAX_BREAK_MINUTES:
        raise ScheduleError(f"Jatah istirahat 0 sampai {MAX_BREAK_MINUTES} menit.", "break_minutes")
    return name


def _double_bookings_after(shift: Shift, starts: time, ends: time) -> int:
    """Agents who would hold two overlapping shifts on one date if ``shift`` got new hours."""
    others = [
        s.id
        for s in db.session.scalars(select(Shift).where(Shift.id != shift.id))
        if s.starts < ends and starts < s.ends
    ]
    if not others:
        return 0
    mine = select(RosterEntry.user_id, RosterEntry.day).where(RosterEntry.shift_id == shift.id)
    theirs = select(RosterEntry.user_id, RosterEntry.day).where(RosterEntry.shift_id.in_(others))
    return db.session.scalar(select(func.count()).select_from(mine.intersect(theirs).subquery()))


def save_shift(shift: Shift | None, data: ShiftData, *, actor, now: datetime) -> Shift:
    """Create a shift (``shift`` None) or change one; entries keep pointing at it."""
    name = _check_shift(shift, data)
    if shift is not None and (data.starts, data.ends) != (shift.starts, shift.ends):
        clashes = _double_bookings_after(shift, data.starts, data.ends)
        if clashes:
            raise ScheduleError(
                f"Jam baru ini membuat {clashes} agen terjadwal pada dua shift yang bertumpang "
                "tindih di tanggal yang sama. Ubah jadwal mereka lebih dahulu.",
                "starts",
            )
    if shift is None:
        last = db.session.scalar(select(func.max(Shift.position))) or 0
        shift = Shift(position=last + 1)
        db.session.add(shift)
    shift.name = name
    shift.starts, shift.ends = data.starts, data.ends
    shift.break_minutes = data.break_minutes
    shift.is_active = data.is_active
    db.session.flush()
    record(
        "schedule.shift_saved",
        now=now,
        actor=actor,
        target=shift,
        name=shift.name,
        hours=f"{shift.starts:%H:%M}-{shift.ends:%H:%M}",
        break_minutes=shift.break_minutes,
        active=shift.is_active,
    )
    return shift


# --- roster ------------------------------------------------------------------------------


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _booking_clash(user_id: int, day: date, shift: Shift) -> RosterEntry | None:
    """The agent's entry on ``day`` whose shift overlaps ``shift``, if any."""
    for entry in db.session.scalars(
        select(RosterEntry).where(RosterEntry.user_id == user_id, RosterEntry.day == day)
    ):
        if entry.shift.overlaps(shift):
            return entry
    return None


def _channel_name(code: str) -> str | None:
    from hai.catalog.models import Channel

    return db.session.scalar(
        select(Channel.name).where(Channel.code == code, Channel.is_active.is_(True))
    )


def add_entry(
    *,
    agent: User | None,
    day: date,
    shift: Shift | None,
    channel_code: str,
    actor,
    now: datetime,
) -> RosterEntry:
    """Put an agent on a channel for a shift of a date (today or later)."""
    if agent is None or not is_rosterable(agent):
        raise ScheduleError("Pilih agen aktif (Agen Layer 1, Agen Layer 2 atau CSO).", "agent_id")
    if day < today_wib(now):
        raise ScheduleError("Tanggal sudah lewat; jadwal baru mulai hari ini.", "day")
    if shift is None or not shift.is_active:
        raise ScheduleError("Pilih shift yang aktif.", "shift_id")
    channel = _channel_name(channel_code)
    if channel is None:
        raise ScheduleError("Pilih kanal layanan.", "channel")
    clash = _booking_clash(agent.id, day, shift)
    if clash is not None:
        raise ScheduleError(
            f"{agent.name} sudah dijadwalkan pada shift {clash.shift.label} "
            f"({_channel_name(clash.channel_code) or clash.channel_code}) "
            f"pada {DAYS[day.weekday()]} {day:%d-%m-%Y}; shift itu bertumpang tindih.",
            "shift_id",
        )
    entry = RosterEntry(
        user_id=agent.id,
        day=day,
        shift_id=shift.id,
        channel_code=channel_code,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(entry)
    db.session.flush()
    record(
        "schedule.entry_added",
        now=now,
        actor=actor,
        target=entry,
        agent=agent.email,
        day=day.isoformat(),
        shift=shift.name,
        channel=channel_code,
    )
    return entry


def remove_entry(entry: RosterEntry, *, actor, now: datetime) -> None:
    """Take an entry off the roster; past days stay (discipline is measured against them)."""
    if entry.day < today_wib(now):
        raise ScheduleError(
            "Jadwal hari yang sudah lewat tidak dapat dihapus: disiplin diukur terhadapnya."
        )
    record(
        "schedule.entry_removed",
        now=now,
        actor=actor,
        target=entry,
        agent=entry.user.email,
        day=entry.day.isoformat(),
        shift=entry.shift.name,
        channel=entry.channel_code,
    )
    db.session.delete(entry)
    db.session.flush()


@dataclass(frozen=True)
class CopyResult:
    copied: int
    skipped: int  # past days, inactive agents or shifts, or already booked


def copy_previous_week(monday: date, *, actor, now: datetime) -> CopyResult:
    """Copy the week before ``monday``'s week into it, day by day; what cannot be copied
    (a day already past, an agent or shift no longer active, a clash) is skipped."""
    monday = week_start(monday)
    today = today_wib(now)
    if monday + timedelta(days=6) < today:
        raise ScheduleError("Minggu ini sudah lewat; salin ke minggu yang akan datang.")
    source = list(
        db.session.scalars(
            select(RosterEntry)
            .where(
                RosterEntry.day >= monday - timedelta(days=7),
                RosterEntry.day < monday,
            )
            .order_by(RosterEntry.day, RosterEntry.id)
        )
    )
    copied = skipped = 0
    for old in source:
        day = old.day + timedelta(days=7)
        agent = old.user
        if (
            day < today
            or not is_rosterable(agent)
            or not old.shift.is_active
            or _channel_name(old.channel_code) is None
            or _booking_clash(agent.id, day, old.shift) is not None
        ):
            skipped += 1
            continue
        db.session.add(
            RosterEntry(
                user_id=agent.id,
                day=day,
                shift_id=old.shift_id,
                channel_code=old.channel_code,
                created_at=now,
                created_by_id=getattr(actor, "id", None),
            )
        )
        db.session.flush()
        copied += 1
    record(
        "schedule.week_copied",
        now=now,
        actor=actor,
        target_type="RosterWeek",
        target_id=monday.isoformat(),
        copied=copied,
        skipped=skipped,
    )
    return CopyResult(copied, skipped)


# --- attendance --------------------------------------------------------------------------


def _attend(user: User, kind: AttendanceKind, now: datetime) -> AttendanceEvent | None:
    if not is_rosterable(user):
        return None  # only rostered staff are measured against a roster
    event = AttendanceEvent(user_id=user.id, kind=kind, at=now)
    db.session.add(event)
    return event


def record_sign_in(user: User, *, now: datetime) -> AttendanceEvent | None:
    """Called at login: the sign-in that discipline compares with the shift's start."""
    return _attend(user, AttendanceKind.SIGN_IN, now)


def record_sign_out(user: User, *, now: datetime) -> AttendanceEvent | None:
    """Called at logout; an open break ends with it."""
    if open_break(user.id) is not None:
        _attend(user, AttendanceKind.BREAK_END, now)
    return _attend(user, AttendanceKind.SIGN_OUT, now)


def open_break(user_id: int) -> datetime | None:
    """When the agent's current break started, or None when not on a break."""
    last = db.session.execute(
        select(AttendanceEvent.kind, AttendanceEvent.at)
        .where(
            AttendanceEvent.user_id == user_id,
            AttendanceEvent.kind.in_([AttendanceKind.BREAK_START, AttendanceKind.BREAK_END]),
        )
        .order_by(AttendanceEvent.at.desc(), AttendanceEvent.id.desc())
        .limit(1)
    ).first()
    return last.at if last is not None and last.kind is AttendanceKind.BREAK_START else None


def start_break(user: User, *, now: datetime) -> AttendanceEvent:
    if not is_rosterable(user):
        raise ScheduleError("Istirahat dicatat untuk agen yang dijadwalkan.")
    if open_break(user.id) is not None:
        raise ScheduleError("Anda sedang istirahat.")
    event = _attend(user, AttendanceKind.BREAK_START, now)
    db.session.flush()
    return event


def end_break(user: User, *, now: datetime) -> AttendanceEvent:
    if open_break(user.id) is None:
        raise ScheduleError("Anda tidak sedang istirahat.")
    event = _attend(user, AttendanceKind.BREAK_END, now)
    db.session.flush()
    return event

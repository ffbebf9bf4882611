"""Show instants in WIB with Indonesian month and day names."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def format_date(value: date | datetime | None, *, with_day: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = value.astimezone(WIB).date()
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return f"{DAYS[value.weekday()]}, {text}" if with_day else text


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return "-"
    local = value.astimezone(WIB)
    return f"{format_date(local)} {local:%H.%M} WIB"


def today_wib(now: datetime | None = None) -> date:
    from hai.db_types import utcnow

    return (now or utcnow()).astimezone(WIB).date()

"""Scheduled work of the catalog domain."""

from __future__ import annotations

from datetime import datetime

from hai.catalog.services import retire_superseded
from hai.web.timefmt import today_wib


def retire_superseded_versions(now: datetime) -> list[str]:
    """A version scheduled for today replaces the one before it."""
    return retire_superseded(today=today_wib(now), now=now)

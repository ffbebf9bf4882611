"""Scheduled work: suggest problems from clusters of disruption tickets."""

from __future__ import annotations

from datetime import datetime

from hai.problems.services import suggest_problems


def suggest(now: datetime) -> int:
    """How many suggestions were made or grown (the Manajer Layanan are notified)."""
    return len(suggest_problems(now))

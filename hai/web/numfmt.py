"""Numbers as Indonesian readers write them: 1.234 (dot for thousands)."""

from __future__ import annotations


def format_number(value) -> str:
    """An int, or a capped count (``value``/``capped``, e.g. queries.Count) as "1.000+"."""
    if value is None:
        return "—"
    capped = bool(getattr(value, "capped", False))
    n = int(getattr(value, "value", value))
    return f"{n:,}".replace(",", ".") + ("+" if capped else "")

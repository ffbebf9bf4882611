"""Writing user text into spreadsheets safely (SECURITY.md: exports)."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A spreadsheet cannot take user text for a formula: such text gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value

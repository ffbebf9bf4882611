"""Indonesian national holidays and collective leave ("cuti bersama").

Thin wrapper around the `holidays` package: the "public" category holds the national
holidays, the "government" category the cuti bersama days decreed each year by joint
ministerial decree (SKB). Names are in Indonesian. Dates far in the future carry the
package's "(perkiraan)" (estimate) suffix for lunar holidays, and cuti bersama only
exists for years the package knows a decree for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import holidays

# The package's country code and categories; see the module docstring.
_COUNTRY = "ID"
_CATEGORIES = ("public", "government")
_LANGUAGE = "id"


@lru_cache(maxsize=256)
def _holidays_for_year(year: int) -> tuple[tuple[date, str], ...]:
    """The holidays of one year, sorted by date.

    Returned as an immutable tuple so that the cached value cannot be modified by a caller.
    """
    table = holidays.country_holidays(
        _COUNTRY, categories=_CATEGORIES, language=_LANGUAGE, years=year
    )
    return tuple(sorted((day, name) for day, name in table.items() if day.year == year))


def indonesian_holidays(years: Iterable[int]) -> dict[date, str]:
    """National holidays and cuti bersama days of the given years, date -> Indonesian name.

    Several holidays on the same date share one entry, their names joined by "; " (as the
    `holidays` package does).
    """
    result: dict[date, str] = {}
    for year in sorted(set(years)):
        result.update(_holidays_for_year(year))
    return result

"""The WIB calendar day, week, hour and weekday of an instant, as SQL functions.

Instants are stored as naive UTC on every database; WIB is UTC+7 all year (no daylight
saving), so each is the UTC instant plus seven hours, truncated. Used where tickets are
grouped by WIB time in SQL (the dashboard, its pre-aggregate, the contacts heat-map).
"""

from __future__ import annotations

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


def _wib_function(name: str, doc: str, type_, postgresql: str, sqlite: str):
    """A SQL function of one instant, written ``postgresql`` (the default) or ``sqlite``
    with ``{}`` for the instant."""
    cls = type(name, (FunctionElement,), {"__doc__": doc, "type": type_, "inherit_cache": True})
    for sql, dialect in ((postgresql, None), (sqlite, "sqlite")):

        def compile_(element, compiler, sql=sql, **kw):
            return sql.format(compiler.process(element.clauses, **kw))

        compiles(cls, *([dialect] if dialect else []))(compile_)
    return cls


wib_day = _wib_function(
    "wib_day",
    "The WIB calendar day of an instant.",
    Date(),
    "CAST(({} + INTERVAL '7 hours') AS DATE)",
    "date({}, '+7 hours')",
)
wib_week = _wib_function(
    "wib_week",
    "The Monday (WIB) of the week of an instant.",
    Date(),
    "CAST(date_trunc('week', {} + INTERVAL '7 hours') AS DATE)",
    "date({}, '+7 hours', 'weekday 0', '-6 days')",
)
wib_hour = _wib_function(
    "wib_hour",
    "0-23, the hour of the instant in WIB.",
    Integer(),
    "CAST(EXTRACT(HOUR FROM ({} + INTERVAL '7 hours')) AS INTEGER)",
    "CAST(strftime('%H', {}, '+7 hours') AS INTEGER)",
)
wib_weekday = _wib_function(
    "wib_weekday",
    "0 (Monday) to 6 (Sunday), the weekday of the instant in WIB (Python's ``weekday``).",
    Integer(),
    "(CAST(EXTRACT(ISODOW FROM ({} + INTERVAL '7 hours')) AS INTEGER) - 1)",
    # %w: 0 is Sunday; shifted so that 0 is Monday.
    "((CAST(strftime('%w', {}, '+7 hours') AS INTEGER) + 6) % 7)",
)

"""The WIB calendar day, week, hour and weekday of an instant, as SQL functions.

Instants are stored as naive UTC on every database; WIB is UTC+7 all year (no daylight
saving), so each is the UTC instant plus seven hours, truncated. Used where tickets are
grouped by WIB time in SQL (the dashboard, its pre-aggregate, the contacts heat-map).
"""

from __future__ import annotations

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class wib_day(FunctionElement):  # noqa: N801 (a SQL function)
    type = Date()
    inherit_cache = True


class wib_week(FunctionElement):  # noqa: N801 (a SQL function)
    """The Monday (WIB) of the week of an instant."""

    type = Date()
    inherit_cache = True


@compiles(wib_day)
def _wib_day_default(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(({arg} + INTERVAL '7 hours') AS DATE)"


@compiles(wib_day, "sqlite")
def _wib_day_sqlite(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return f"date({arg}, '+7 hours')"


@compiles(wib_week)
def _wib_week_default(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('week', {arg} + INTERVAL '7 hours') AS DATE)"


@compiles(wib_week, "sqlite")
def _wib_week_sqlite(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return f"date({arg}, '+7 hours', 'weekday 0', '-6 days')"


class wib_hour(FunctionElement):  # noqa: N801 (a SQL function)
    """0-23, the hour of the instant in WIB."""

    type = Integer()
    inherit_cache = True


class wib_weekday(FunctionElement):  # noqa: N801 (a SQL function)
    """0 (Monday) to 6 (Sunday), the weekday of the instant in WIB (Python's ``weekday``)."""

    type = Integer()
    inherit_cache = True


@compiles(wib_hour)
def _wib_hour_default(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(EXTRACT(HOUR FROM ({arg} + INTERVAL '7 hours')) AS INTEGER)"


@compiles(wib_hour, "sqlite")
def _wib_hour_sqlite(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(strftime('%H', {arg}, '+7 hours') AS INTEGER)"


@compiles(wib_weekday)
def _wib_weekday_default(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return f"(CAST(EXTRACT(ISODOW FROM ({arg} + INTERVAL '7 hours')) AS INTEGER) - 1)"


@compiles(wib_weekday, "sqlite")
def _wib_weekday_sqlite(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    # %w: 0 is Sunday; shifted so that 0 is Monday.
    return f"((CAST(strftime('%w', {arg}, '+7 hours') AS INTEGER) + 6) % 7)"

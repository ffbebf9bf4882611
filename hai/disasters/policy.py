"""Who sees which disaster report.

HAI-DJPb's staff and the disaster team (``DISASTER_VIEW`` through a role other than the
office coordinator's) see every report. An office's Koordinator Kelangsungan Bisnis sees
the reports of their own office, and those they filed themselves; any other report
answers 404, so an id reveals nothing.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import or_, true

from hai.auth.permissions import ROLE_CAPABILITIES, Capability
from hai.auth.roles import Role
from hai.disasters.models import DisasterReport
from hai.extensions import db


def sees_every_report(user) -> bool:
    return any(
        Capability.DISASTER_VIEW in ROLE_CAPABILITIES[role]
        for role in user.roles
        if role is not Role.KOORDINATOR_BCM
    )


def visibility_clause(user):
    """A SQL condition on DisasterReport for what ``user`` may see."""
    if sees_every_report(user):
        return true()
    own = [DisasterReport.reporter_user_id == user.id, DisasterReport.recorded_by_id == user.id]
    if user.unit_id:
        own.append(DisasterReport.office_unit_id == user.unit_id)
    return or_(*own)


def can_view(user, report: DisasterReport) -> bool:
    if sees_every_report(user):
        return True
    return (
        (user.unit_id is not None and report.office_unit_id == user.unit_id)
        or report.reporter_user_id == user.id
        or report.recorded_by_id == user.id
    )


def get_report_or_404(user, report_id: int) -> DisasterReport:
    report = db.session.get(DisasterReport, report_id)
    if report is None or not can_view(user, report):
        abort(404)
    return report

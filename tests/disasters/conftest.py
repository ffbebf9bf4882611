from __future__ import annotations

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.org.models import OrgUnit


@pytest.fixture
def office(db_session):
    return db_session.scalar(select(OrgUnit).where(OrgUnit.code == "KPPN-JYP"))


@pytest.fixture
def people(make_user, office):
    return {
        "bcm": make_user(
            Role.KOORDINATOR_BCM, name="Fajar Koordinator", unit_id=office.id, phone="0811"
        ),
        "l1": make_user(Role.AGEN_L1, name="Andi L1"),
        "head": make_user(Role.KETUA_TIM_BENCANA, name="Gita Ketua Tim"),
        "admin": make_user(Role.ADMIN),
    }


def report_data(office, **over):
    """A report of a flood at ``office`` with every checklist item answered."""
    from hai.db_types import utcnow
    from hai.disasters import services

    template = services.current_template()
    data = dict(
        office_unit_id=office.id,
        reporter_name="Fajar Koordinator",
        reporter_position="",
        reporter_phone="0811",
        reporter_is_employee=True,
        event_type="flood",
        event_at=utcnow(),
        location="Yogyakarta",
        description="Banjir.",
        checklist={i.code: ("unknown", "") for i in template.items},
    )
    data.update(over)
    return services.ReportData(**data)

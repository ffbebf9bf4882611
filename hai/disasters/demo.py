"""Demo disaster reports in several states, for `make run`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hai.auth.models import User
from hai.disasters import services
from hai.disasters.models import DisasterReport
from hai.extensions import db
from hai.org.models import OrgUnit


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def load_demo_disasters(*, now: datetime) -> int:
    if db.session.scalar(select(DisasterReport.id).limit(1)) is not None:
        return 0
    bcm, l1 = _user("bcm@demo.hai.test"), _user("agen1@demo.hai.test")
    head = _user("bencana@demo.hai.test")
    if None in (bcm, l1, head) or bcm.unit_id is None:
        return 0
    template = services.current_template()
    other = db.session.scalar(
        select(OrgUnit).where(OrgUnit.code != "KPPN-JYP", OrgUnit.code.like("KPPN-%"))
    )

    def report(office_id, reporter, event, hours_ago, actor, **answers):
        checklist = {i.code: (answers.get(i.code, "unknown"), "") for i in template.items}
        return services.file_report(
            services.ReportData(
                office_unit_id=office_id,
                reporter_name=reporter,
                reporter_position="",
                reporter_phone="0812-0000-1111",
                reporter_is_employee=True,
                event_type=event,
                event_at=now - timedelta(hours=hours_ago + 1),
                location="Gedung kantor",
                description={
                    "flood": "Air masuk ke lantai dasar setinggi 40 cm; ruang server aman.",
                    "power": "Listrik PLN padam sejak pagi; genset hanya untuk ruang server.",
                    "earthquake": "Gempa terasa kuat; pegawai dievakuasi, gedung diperiksa.",
                }[event],
                checklist=checklist,
            ),
            actor=actor,
            now=now - timedelta(hours=hours_ago),
        )

    report(bcm.unit_id, bcm.name, "power", 2, bcm, people_safe="yes", power="no")
    if other is not None:
        report(other.id, "Satpam Kantor", "flood", 5, l1, people_safe="yes")
    quake = report(bcm.unit_id, bcm.name, "earthquake", 30, bcm, people_safe="yes")
    services.analyse(
        quake,
        functions=["payments", "services"],
        services=["ITSM.01.03"],
        severity="high",
        estimated_recovery_at=now + timedelta(days=2),
        takeover_unit_id=other.id if other is not None else None,
        analysis="Penerbitan SP2D dialihkan sementara; layanan CSO ditutup satu hari.",
        actor=l1,
        now=now - timedelta(hours=28),
    )
    services.forward(quake, actor=l1, now=now - timedelta(hours=27))
    services.update_status(
        quake,
        "in_recovery",
        "Pemeriksaan struktur gedung.",
        actor=head,
        now=now - timedelta(hours=20),
    )
    db.session.commit()
    return 3

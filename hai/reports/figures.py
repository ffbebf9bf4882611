"""A periodic report's figures: computed once into a JSON snapshot by the dashboard's own
functions (``hai.qa.dashboard``, ``hai.qa.metrics``), then laid out as tables that the
web page, the XLSX and the PDF all render — so the three always hold the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from hai.extensions import db
from hai.qa import dashboard as d
from hai.qa import metrics
from hai.qa.metrics import Period
from hai.web.timefmt import today_wib

SNAPSHOT_VERSION = 1
TOP_SCOPES = 10

# Column kinds: how a value is shown on the page and stored in the XLSX.
TEXT, INT, PCT, NUM = "text", "int", "pct", "num"


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (label, kind)
    rows: list[list] = field(default_factory=list)
    note: str = ""
    # A bar chart of one numeric column against the first column: (column index, scale).
    chart: tuple[int, float | None] | None = None


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _compliance(c: d.Compliance) -> dict:
    return {
        "label": c.label,
        "tickets": c.tickets,
        "response_measured": c.response_measured,
        "response_on_time": c.response_on_time,
        "fulfilment_measured": c.fulfilment_measured,
        "fulfilment_on_time": c.fulfilment_on_time,
    }


def _period_dict(period: Period, as_of: datetime) -> dict:
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "as_of": as_of.isoformat(),
        "version": SNAPSHOT_VERSION,
    }


# --- snapshots --------------------------------------------------------------------------------


def monthly(period: Period, *, now: datetime) -> dict:
    """The QA monthly report: every evaluated agent's computed metrics for the month, the
    QA evaluation scores of the month and the training hours attended, with the totals."""
    from hai.auth.models import User
    from hai.qa.models import Evaluation, EvaluationStatus, Training, TrainingAttendance
    from hai.qa.services import evaluable_agents, evaluated_role
    from hai.schedules.discipline import discipline

    as_of = d.as_of_for(period, now)
    agents: list[User] = evaluable_agents()
    rows = {
        m.agent_id: m for m in metrics.agents_metrics([a.id for a in agents], period, as_of=as_of)
    }
    scores = dict(
        db.session.execute(
            select(Evaluation.agent_id, Evaluation.score)
            .where(
                Evaluation.status != EvaluationStatus.DRAFT,
                Evaluation.period_start >= period.start,
                Evaluation.period_end <= period.end,
            )
            .order_by(Evaluation.submitted_at)
        ).all()
    )  # the latest submitted evaluation of the month wins
    hours = dict(
        db.session.execute(
            select(TrainingAttendance.user_id, func.sum(Training.hours))
            .join(Training, Training.id == TrainingAttendance.training_id)
            .where(Training.held_on >= period.start, Training.held_on <= period.end)
            .group_by(TrainingAttendance.user_id)
        ).all()
    )
    channel = d.volume(period, by="channel", grain="week", as_of=as_of)
    return {
        **_period_dict(period, as_of),
        "total": _compliance(d.sla_total(period, as_of=as_of)),
        "ratings": [[c.label, c.count] for c in d.ratings(period).counts],
        "channels": [[k.label, k.count] for k in channel.keys],
        "agents": [
            {
                "name": a.name,
                "role": evaluated_role(a).label,
                "unit": a.unit.name if a.unit else "",
                **{
                    k: v
                    for k, v in rows[a.id].as_dict().items()
                    if k not in ("agent_id", "working_hours")
                },
                "working_hours": rows[a.id].working_hours,
                **{
                    k: v
                    for k, v in discipline(a.id, period, as_of=as_of).as_metrics().items()
                    if k in ("roster_shifts", "roster_absent", "roster_on_time_pct")
                },
                "evaluation_score": scores.get(a.id),
                "training_hours": int(hours.get(a.id) or 0),
            }
            for a in agents
        ],
    }


def _top_scopes(period: Period) -> list[list]:
    from hai.catalog.models import CatalogScope, CatalogService
    from hai.tickets.models import Ticket

    counts = (
        select(Ticket.scope_id, func.count().label("n"))
        .where(metrics.period_clause(period), Ticket.scope_id.is_not(None))
        .group_by(Ticket.scope_id)
        .order_by(func.count().desc(), Ticket.scope_id)
        .limit(TOP_SCOPES)
        .subquery()
    )
    rows = db.session.execute(
        select(CatalogScope.code, CatalogScope.name, CatalogService.code, counts.c.n)
        .join(counts, counts.c.scope_id == CatalogScope.id)
        .join(CatalogService, CatalogService.id == CatalogScope.service_id)
        .order_by(counts.c.n.desc(), CatalogScope.code)
    ).all()
    return [[code, name, service, n] for code, name, service, n in rows]


def _problem_reports(period: Period) -> list[list]:
    from hai.reports.models import Report, ReportKind, ReportStatus

    reports = db.session.scalars(
        select(Report)
        .where(
            Report.kind == ReportKind.PROBLEM,
            Report.status != ReportStatus.DRAFT,
            Report.delivered_at >= period.starts_at,
            Report.delivered_at < period.ends_at,
        )
        .order_by(Report.delivered_at)
    )
    return [[today_wib(r.delivered_at).isoformat(), r.title, r.recommendations] for r in reports]


def quarterly(period: Period, *, now: datetime) -> dict:
    """The quarterly performance report (Pasal 30): SLA compliance overall, per month and
    per channel, service, directorate and office; volumes; the top scopes; breaches;
    ratings; the problem reports delivered in the quarter."""
    as_of = d.as_of_for(period, now)
    months = []
    start = period.start
    while start <= period.end:
        month = Period.month(start.year, start.month)
        months.append(_compliance(d.sla_total(month, as_of=d.as_of_for(month, now))))
        months[-1]["label"] = month.label
        start = month.end + timedelta(days=1)
    return {
        **_period_dict(period, as_of),
        "total": _compliance(d.sla_total(period, as_of=as_of)),
        "months": months,
        "sla": {
            by: [_compliance(c) for c in d.sla_compliance(period, by=by, as_of=as_of)]
            for by in d.DIMENSIONS
        },
        "top_scopes": _top_scopes(period),
        "breaches": [[c.label, c.count] for c in d.breaches(period, as_of=as_of)],
        "ratings": [[c.label, c.count] for c in d.ratings(period).counts],
        "problem_reports": _problem_reports(period),
    }


# --- tables -----------------------------------------------------------------------------------

SLA_COLUMNS = [
    ("Tiket", INT),
    ("Tanggapan diukur", INT),
    ("Tanggapan tepat waktu", INT),
    ("Tanggapan tepat waktu (%)", PCT),
    ("Pemenuhan diukur", INT),
    ("Pemenuhan tepat waktu", INT),
    ("Pemenuhan tepat waktu (%)", PCT),
]


def _sla_row(c: dict) -> list:
    return [
        c["label"],
        c["tickets"],
        c["response_measured"],
        c["response_on_time"],
        _pct(c["response_on_time"], c["response_measured"]),
        c["fulfilment_measured"],
        c["fulfilment_on_time"],
        _pct(c["fulfilment_on_time"], c["fulfilment_measured"]),
    ]


def _average_rating(counts: list[list]) -> float | None:
    total = sum(n for _, n in counts)
    stars = sum((5 - i) * n for i, (_, n) in enumerate(counts))  # listed 5 down to 1
    return round(stars / total, 2) if total else None


def _summary(data: dict) -> Table:
    t = data["total"]
    rows = [
        ["Tiket diterima", t["tickets"]],
        ["Tanggapan pertama tepat waktu (%)", _pct(t["response_on_time"], t["response_measured"])],
        ["Pemenuhan tepat waktu (%)", _pct(t["fulfilment_on_time"], t["fulfilment_measured"])],
        ["Penilaian pengguna", sum(n for _, n in data["ratings"])],
        ["Rata-rata penilaian (1–5)", _average_rating(data["ratings"])],
    ]
    if "breaches" in data:
        rows.append(["Pelanggaran SLA terdeteksi", sum(n for _, n in data["breaches"])])
    return Table("angka-utama", "Angka utama", [("Indikator", TEXT), ("Nilai", NUM)], rows)


def monthly_tables(data: dict) -> list[Table]:
    agents = Table(
        "agen",
        "Kinerja per agen",
        [
            ("Agen", TEXT),
            ("Peran", TEXT),
            ("Unit", TEXT),
            ("Tiket ditangani", INT),
            ("Tanggapan tepat waktu (%)", PCT),
            ("Pemenuhan tepat waktu (%)", PCT),
            ("Dibuka kembali (%)", PCT),
            ("Rata-rata penilaian", NUM),
            ("Panggilan call center", INT),
            ("Jam kerja", NUM),
            ("Panggilan per jam kerja", NUM),
            ("Shift terjadwal", INT),
            ("Hadir tepat waktu (%)", PCT),
            ("Tidak hadir (shift)", INT),
            ("Nilai evaluasi QA", NUM),
            ("Jam pelatihan", INT),
        ],
        [
            [
                a["name"],
                a["role"],
                a["unit"],
                a["tickets_handled"],
                a["response_on_time_pct"],
                a["fulfilment_on_time_pct"],
                a["reopen_rate_pct"],
                a["average_rating"],
                a["calls"],
                a["working_hours"],
                a["calls_per_hour"],
                a.get("roster_shifts"),
                a.get("roster_on_time_pct"),
                a.get("roster_absent"),
                a["evaluation_score"],
                a["training_hours"],
            ]
            for a in data["agents"]
        ],
        note="Dihitung dari tiket yang diterima pada bulan ini (WIB); kehadiran dari jadwal "
        "tugas dan catatan masuk; nilai evaluasi dari evaluasi QA yang telah disampaikan "
        "untuk periode dalam bulan ini.",
        chart=(3, None),
    )
    channels = Table(
        "kanal",
        "Volume per kanal",
        [("Kanal", TEXT), ("Tiket", INT)],
        data["channels"],
        chart=(1, None),
    )
    return [_summary(data), agents, channels]


def quarterly_tables(data: dict) -> list[Table]:
    tables = [
        _summary(data),
        Table(
            "bulan",
            "Per bulan",
            [("Bulan", TEXT), *SLA_COLUMNS],
            [_sla_row(m) for m in data["months"]],
            chart=(1, None),
        ),
    ]
    for by, label in d.DIMENSIONS.items():
        tables.append(
            Table(
                f"sla-{by}",
                f"Ketepatan SLA per {label.lower()}",
                [(label, TEXT), *SLA_COLUMNS],
                [_sla_row(c) for c in data["sla"][by]],
                chart=(7, 100),
            )
        )
    tables += [
        Table(
            "ruang-lingkup",
            f"{TOP_SCOPES} ruang lingkup terbanyak",
            [("Kode", TEXT), ("Ruang lingkup", TEXT), ("Layanan", TEXT), ("Tiket", INT)],
            data["top_scopes"],
        ),
        Table(
            "pelanggaran",
            "Pelanggaran SLA",
            [("Jenis", TEXT), ("Jumlah", INT)],
            data["breaches"],
            chart=(1, None),
        ),
        Table(
            "penilaian",
            "Penilaian pengguna",
            [("Penilaian", TEXT), ("Jumlah", INT)],
            data["ratings"],
        ),
        Table(
            "permasalahan",
            "Laporan permasalahan yang disampaikan",
            [("Tanggal", TEXT), ("Judul", TEXT), ("Kesimpulan/rekomendasi", TEXT)],
            data["problem_reports"],
        ),
    ]
    return tables


def tables(report) -> list[Table]:
    from hai.reports.models import ReportKind

    if not report.data:
        return []
    if report.kind is ReportKind.MONTHLY:
        return monthly_tables(report.data)
    if report.kind is ReportKind.QUARTERLY:
        return quarterly_tables(report.data)
    return []


def compute(kind, period: Period, *, now: datetime) -> dict:
    from hai.reports.models import ReportKind

    return (monthly if kind is ReportKind.MONTHLY else quarterly)(period, now=now)

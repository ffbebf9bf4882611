"""Report rules: drafting the periodic reports on their dates (the scheduler and the
"Susun" button call the same function), recomputing, editing, delivering on time, and
the problem reports to the Kepala Seksi with their response."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hai.audit.services import record
from hai.auth.models import User, UserRole
from hai.auth.roles import Role
from hai.errors import RuleError
from hai.extensions import db
from hai.qa.metrics import Period
from hai.reports import figures
from hai.reports.models import Report, ReportKind, ReportStatus
from hai.web.timefmt import today_wib

# The quarterly report is due by the 10th of the following month (PER-8 Pasal 30(2)); the
# monthly report's date is not set by the regulation: HAI uses the same day.
DUE_DAY = 10
# Who prepares (and is told of) each draft, and who is told when it is delivered.
REVIEWERS = {
    ReportKind.MONTHLY: (Role.QA,),
    ReportKind.QUARTERLY: (Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN),
}
RECIPIENTS = {
    ReportKind.MONTHLY: (Role.KOORDINATOR,),
    ReportKind.QUARTERLY: (Role.KOORDINATOR,),
    ReportKind.PROBLEM: (Role.KEPALA_SEKSI,),
}
TEXT_LIMIT = 20_000


class ReportError(RuleError):
    """A report rule refused the change."""


# --- periods ----------------------------------------------------------------------------------


def following_month(d: date) -> date:
    """The first day of the month after ``d``'s month."""
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def due_on(period: Period) -> date:
    return following_month(period.end).replace(day=DUE_DAY)


def last_month(today: date) -> Period:
    first = today.replace(day=1)
    previous = date.fromordinal(first.toordinal() - 1)
    return Period.month(previous.year, previous.month)


def last_quarter(today: date) -> Period:
    quarter = (today.month - 1) // 3  # the current quarter's index, 0-3
    if quarter == 0:
        return Period.quarter(today.year - 1, 4)
    return Period.quarter(today.year, quarter)


def period_of(report: Report) -> Period:
    return Period(report.period_start, report.period_end)


def title_for(kind: ReportKind, period: Period) -> str:
    return f"{kind.label} {period.label}"


# --- notifications ------------------------------------------------------------------------------


def _users_with(roles) -> list[int]:
    return list(
        db.session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_(roles), User.is_active.is_(True))
            .distinct()
        )
    )


def _notify(user_ids, report: Report, text: str, key: str, *, now: datetime) -> int:
    from hai.tickets.models import Notification

    existing = set(
        db.session.scalars(
            select(Notification.dedupe_key).where(
                Notification.dedupe_key.in_([f"{key}:{u}" for u in user_ids])
            )
        )
    )
    added = 0
    for user_id in user_ids:
        dedupe = f"{key}:{user_id}"
        if dedupe in existing:
            continue
        db.session.add(
            Notification(
                user_id=user_id,
                at=now,
                text=text[:300],
                dedupe_key=dedupe,
                link=f"reports.detail?report_id={report.id}",
            )
        )
        added += 1
    return added


# --- periodic reports -------------------------------------------------------------------------


def periodic_report(kind: ReportKind, period: Period) -> Report | None:
    return db.session.scalar(
        select(Report).where(Report.kind == kind, Report.period_start == period.start)
    )


def check_period(kind: ReportKind, period: Period, *, now: datetime) -> None:
    if kind is ReportKind.PROBLEM:
        raise ReportError("Laporan permasalahan tidak berperiode.", "kind")
    expected = (
        Period.month(period.start.year, period.start.month)
        if kind is ReportKind.MONTHLY
        else Period.quarter(period.start.year, (period.start.month + 2) // 3)
    )
    if period != expected:
        raise ReportError("Periode harus satu bulan atau satu triwulan penuh.", "period")
    if period.end >= today_wib(now):
        raise ReportError("Periode ini belum berakhir; laporan disusun setelahnya.", "period")


def draft_periodic(
    kind: ReportKind, period: Period, *, now: datetime, actor=None
) -> tuple[Report, bool]:
    """The period's report, drafted now with its figures if it does not exist yet (and its
    reviewers told); returns (report, created). Safe to call twice at once."""
    check_period(kind, period, now=now)
    existing = periodic_report(kind, period)
    if existing is not None:
        return existing, False
    report = Report(
        kind=kind,
        status=ReportStatus.DRAFT,
        title=title_for(kind, period),
        period_start=period.start,
        period_end=period.end,
        due_on=due_on(period),
        data=figures.compute(kind, period, now=now),
        generated_at=now,
        created_at=now,
        created_by_id=actor.id if actor is not None else None,
        ticket_numbers=[],
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:  # drafted meanwhile by another process
        return periodic_report(kind, period), False
    _notify(
        _users_with(REVIEWERS[kind]),
        report,
        f"Draf {report.title} siap diperiksa; disampaikan paling lambat {report.due_on:%d-%m-%Y}.",
        f"report:{report.id}:draft",
        now=now,
    )
    record("report.drafted", now=now, actor=actor, target=report, title=report.title)
    return report, True


def draft_due_reports(now: datetime) -> int:
    """The scheduler's job: the last completed month's and quarter's reports exist (drafted
    on the 1st; a missed day catches up the next run). Returns how many were drafted."""
    today = today_wib(now)
    created = 0
    for kind, period in (
        (ReportKind.MONTHLY, last_month(today)),
        (ReportKind.QUARTERLY, last_quarter(today)),
    ):
        _, new = draft_periodic(kind, period, now=now)
        created += new
    return created


def _require_draft(report: Report) -> None:
    if report.status is not ReportStatus.DRAFT:
        raise ReportError("Laporan ini sudah disampaikan dan tidak dapat diubah.")


def recompute(report: Report, *, now: datetime, actor=None) -> None:
    _require_draft(report)
    if not report.is_periodic:
        raise ReportError("Laporan permasalahan tidak memiliki angka yang dihitung.")
    report.data = figures.compute(report.kind, period_of(report), now=now)
    report.generated_at = now
    record("report.recomputed", now=now, actor=actor, target=report)


def _clean(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > TEXT_LIMIT:
        raise ReportError(f"Paling banyak {TEXT_LIMIT:,} karakter.".replace(",", "."))
    return text


NARRATIVE = {
    # periodic reports
    "summary": "Ringkasan",
    "problems": "Permasalahan",
    "recommendations": "Rekomendasi",
    # problem reports
    "regulation": "Peraturan terkait",
    "analysis": "Analisa",
}


def save_narrative(report: Report, values: dict, *, now: datetime, actor) -> None:
    """The texts a reviewer (or a problem report's author) writes."""
    _require_draft(report)
    for name, value in values.items():
        if name not in NARRATIVE and name not in ("title", "ticket_numbers"):
            raise ReportError(f"Isian tidak dikenal: {name}.")
        if name == "ticket_numbers":
            report.ticket_numbers = check_ticket_numbers(value)
            continue
        try:
            setattr(report, name, _clean(value))
        except ReportError as exc:
            raise ReportError(exc.message, name) from None
    if not report.title.strip():
        raise ReportError("Judul wajib diisi.", "title")
    record("report.edited", now=now, actor=actor, target=report)


def check_ticket_numbers(numbers: list[str]) -> list[str]:
    from hai.tickets.models import Ticket

    numbers = list(dict.fromkeys(n.strip().upper() for n in numbers if n.strip()))
    if not numbers:
        return []
    found = set(db.session.scalars(select(Ticket.number).where(Ticket.number.in_(numbers))))
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ReportError("Tiket tidak ditemukan: " + ", ".join(missing) + ".", "ticket_numbers")
    return numbers


def deliver(report: Report, *, now: datetime, actor) -> None:
    """Deliver the report as it stands; a delivered report never changes."""
    _require_draft(report)
    if report.kind is ReportKind.PROBLEM:
        if not report.problems:
            raise ReportError("Uraikan permasalahannya.", "problems")
        if not (report.regulation or report.analysis):
            raise ReportError("Isi peraturan terkait atau analisa permasalahan.", "regulation")
        if not report.recommendations:
            raise ReportError("Isi kesimpulan dan/atau rekomendasi.", "recommendations")
    report.status = ReportStatus.DELIVERED
    report.delivered_at = now
    report.delivered_by_id = actor.id
    late = report.on_time(today_wib(now)) is False
    _notify(
        _users_with(RECIPIENTS[report.kind]),
        report,
        f"{report.title} telah disampaikan" + (" (terlambat)." if late else "."),
        f"report:{report.id}:delivered",
        now=now,
    )
    record("report.delivered", now=now, actor=actor, target=report, late=late)


# --- problem reports --------------------------------------------------------------------------


def create_problem_report(values: dict, *, now: datetime, actor) -> Report:
    report = Report(
        kind=ReportKind.PROBLEM,
        status=ReportStatus.DRAFT,
        title=(values.get("title") or "").strip()[:200],
        created_at=now,
        created_by_id=actor.id,
        data={},
        ticket_numbers=[],
    )
    db.session.add(report)
    save_narrative(report, values, now=now, actor=actor)
    db.session.flush()
    return report


def respond(report: Report, text: str, *, now: datetime, actor) -> None:
    """The Kepala Seksi's response to a delivered problem report; the author is told."""
    if report.kind is not ReportKind.PROBLEM or report.status is not ReportStatus.DELIVERED:
        raise ReportError("Hanya laporan permasalahan yang telah disampaikan dapat ditanggapi.")
    text = _clean(text)
    if not text:
        raise ReportError("Tanggapan wajib diisi.", "response")
    report.response = text
    report.responded_at = now
    report.responded_by_id = actor.id
    report.status = ReportStatus.ANSWERED
    if report.created_by_id:
        _notify(
            [report.created_by_id],
            report,
            f"Kepala Seksi menanggapi laporan permasalahan: {report.title}",
            f"report:{report.id}:answered",
            now=now,
        )
    record("report.answered", now=now, actor=actor, target=report)

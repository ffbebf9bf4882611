"""Schedule pages: the Manajer Layanan's week roster (with the contacts heat-map) and
shifts, the agent's own schedule and breaks, and QA's discipline page."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from hai.auth.models import User
from hai.auth.permissions import Capability, requires
from hai.db_types import utcnow
from hai.extensions import db
from hai.qa.metrics import Period
from hai.schedules import heatmap, queries, services
from hai.schedules.discipline import discipline, grace_minutes
from hai.schedules.forms import ButtonForm, CopyWeekForm, EntryForm, ShiftForm
from hai.schedules.models import RosterEntry, Shift
from hai.web.forms import submit
from hai.web.timefmt import DAYS, today_wib

bp = Blueprint("schedules", __name__)

HEATMAP_WEEKS = (4, 8, 12, 26)
MAX_PERIOD_DAYS = 366


def _week_arg(name: str = "minggu") -> date:
    raw = request.args.get(name, "")
    if not raw:
        return services.week_start(today_wib())
    try:
        return services.week_start(date.fromisoformat(raw))
    except ValueError:
        abort(400)


def _agent_label(user: User) -> str:
    roles = [r.label for r in user.sorted_roles() if r in services.ROSTER_ROLES]
    return f"{user.name} ({', '.join(roles)})"


def _entry_form(monday: date, formdata=None) -> EntryForm:
    form = EntryForm(
        formdata=formdata,
        agents=[(u.id, _agent_label(u)) for u in queries.rosterable_agents()],
        shifts=[(s.id, s.label) for s in queries.shifts(active_only=True)],
        channels=list(queries.channel_names().items()),
    )
    if formdata is None:
        today = today_wib()
        form.day.data = today if monday <= today < monday + timedelta(days=7) else monday
    return form


def _roster_page(monday: date, *, form: EntryForm | None = None, status: int = 200):
    today = today_wib()
    channel = request.args.get("kanal", "")
    names = queries.channel_names()
    if channel not in names:
        channel = ""
    weeks = request.args.get("pekan", "8")
    weeks = int(weeks) if weeks.isdigit() and int(weeks) in HEATMAP_WEEKS else 8
    heat = heatmap.contact_heatmap(
        end=services.week_start(today), weeks=weeks, channel=channel or None
    )
    grid = queries.week_grid(monday)
    demand = heatmap.shift_demand(heat, [(s.id, s.starts, s.ends) for s in grid.shifts])
    return (
        render_template(
            "schedules/roster.html",
            grid=grid,
            monday=monday,
            prev_week=monday - timedelta(days=7),
            next_week=monday + timedelta(days=7),
            today=today,
            days=DAYS,
            names=names,
            form=form or _entry_form(monday),
            copy_form=CopyWeekForm(formdata=None, data={"week": monday}),
            heat=heat,
            chart=heatmap.heatmap_chart(heat),
            demand=demand,
            channel=channel,
            weeks=weeks,
            week_choices=HEATMAP_WEEKS,
        ),
        status,
    )


@bp.route("/jadwal")
@requires(Capability.SCHEDULE_MANAGE)
def roster():
    return _roster_page(_week_arg())


@bp.route("/jadwal/entri", methods=["POST"])
@requires(Capability.SCHEDULE_MANAGE)
def add_entry():
    form = _entry_form(services.week_start(today_wib()), formdata=request.form)
    if form.validate_on_submit():
        agent = (
            db.session.get(User, int(form.agent_id.data)) if form.agent_id.data.isdigit() else None
        )
        shift = (
            db.session.get(Shift, int(form.shift_id.data)) if form.shift_id.data.isdigit() else None
        )
        ok, entry = submit(
            form,
            lambda: services.add_entry(
                agent=agent,
                day=form.day.data,
                shift=shift,
                channel_code=form.channel.data,
                actor=current_user,
                now=utcnow(),
            ),
        )
        if ok:
            flash(
                f"{entry.user.name} dijadwalkan: {DAYS[entry.day.weekday()]} "
                f"{entry.day:%d-%m-%Y}, {entry.shift.label}.",
                "success",
            )
            return redirect(url_for("schedules.roster", minggu=services.week_start(entry.day)))
    monday = services.week_start(form.day.data) if form.day.data else _week_arg()
    return _roster_page(monday, form=form, status=422)


@bp.route("/jadwal/entri/<int:entry_id>/hapus", methods=["POST"])
@requires(Capability.SCHEDULE_MANAGE)
def remove_entry(entry_id: int):
    entry = db.session.get(RosterEntry, entry_id) or abort(404)
    monday = services.week_start(entry.day)
    form = ButtonForm()
    if form.validate_on_submit():
        label = f"{entry.user.name}, {DAYS[entry.day.weekday()]} {entry.day:%d-%m-%Y}"
        ok, _ = submit(form, lambda: services.remove_entry(entry, actor=current_user, now=utcnow()))
        if ok:
            flash(f"Jadwal {label} dihapus.", "success")
    return redirect(url_for("schedules.roster", minggu=monday))


@bp.route("/jadwal/salin", methods=["POST"])
@requires(Capability.SCHEDULE_MANAGE)
def copy_week():
    form = CopyWeekForm()
    if not form.validate_on_submit():
        flash("Minggu tujuan tidak dikenali.", "error")
        return redirect(url_for("schedules.roster"))
    monday = services.week_start(form.week.data)
    ok, result = submit(
        form, lambda: services.copy_previous_week(monday, actor=current_user, now=utcnow())
    )
    if ok:
        flash(
            f"{result.copied} jadwal disalin dari minggu sebelumnya"
            + (
                f"; {result.skipped} dilewati (hari lewat, bentrok atau tidak aktif)."
                if result.skipped
                else "."
            ),
            "success" if result.copied else "info",
        )
    return redirect(url_for("schedules.roster", minggu=monday))


# --- shifts ------------------------------------------------------------------------------


def _shift_data(form: ShiftForm) -> services.ShiftData:
    return services.ShiftData(
        name=form.name.data or "",
        starts=form.starts.data,
        ends=form.ends.data,
        break_minutes=form.break_minutes.data,
        is_active=form.is_active.data,
    )


@bp.route("/jadwal/shift", methods=["GET", "POST"])
@requires(Capability.SCHEDULE_MANAGE)
def shifts():
    form = ShiftForm()
    if form.validate_on_submit():
        ok, shift = submit(
            form,
            lambda: services.save_shift(None, _shift_data(form), actor=current_user, now=utcnow()),
        )
        if ok:
            flash(f"Shift {shift.label} ditambahkan.", "success")
            return redirect(url_for("schedules.shifts"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "schedules/shifts.html", rows=queries.shifts(), form=form, grace=grace_minutes()
    ), status


@bp.route("/jadwal/shift/<int:shift_id>", methods=["GET", "POST"])
@requires(Capability.SCHEDULE_MANAGE)
def shift(shift_id: int):
    row = db.session.get(Shift, shift_id) or abort(404)
    form = ShiftForm(obj=row) if request.method == "GET" else ShiftForm()
    if form.validate_on_submit():
        ok, _ = submit(
            form,
            lambda: services.save_shift(row, _shift_data(form), actor=current_user, now=utcnow()),
        )
        if ok:
            flash(f"Shift {row.label} disimpan.", "success")
            return redirect(url_for("schedules.shifts"))
    status = 422 if request.method == "POST" else 200
    return render_template("schedules/shift.html", shift=row, form=form), status


# --- the agent's own schedule ------------------------------------------------------------


@bp.route("/jadwal/saya")
@requires(Capability.SCHEDULE_OWN)
def mine():
    now = utcnow()
    today = today_wib(now)
    monday = services.week_start(today)
    entries = queries.entries_of(current_user.id, monday, monday + timedelta(days=13))
    month = Period.month(today.year, today.month)
    return render_template(
        "schedules/mine.html",
        entries=entries,
        today=today,
        days=DAYS,
        names=queries.channel_names(),
        on_duty=current_user.id in {u.id for u in queries.on_duty(now)},
        on_break=services.open_break(current_user.id),
        button=ButtonForm(formdata=None),
        d=discipline(current_user.id, month, as_of=now, grace=grace_minutes()),
    )


@bp.route("/jadwal/istirahat", methods=["POST"])
@requires(Capability.SCHEDULE_OWN)
def take_break():
    form = ButtonForm()
    action = request.form.get("action", "")
    if action not in ("mulai", "selesai"):
        abort(400)
    if form.validate_on_submit():
        call = services.start_break if action == "mulai" else services.end_break
        ok, event = submit(form, lambda: call(current_user, now=utcnow()))
        if ok:
            flash(
                "Istirahat dimulai. Tekan “Selesai istirahat” saat kembali bertugas."
                if action == "mulai"
                else "Istirahat selesai. Selamat bertugas kembali.",
                "success",
            )
    return redirect(url_for("schedules.mine"))


# --- QA: discipline against the roster -----------------------------------------------------


def _period_args(today: date) -> tuple[Period, str]:
    this_month = Period.month(today.year, today.month)
    raw_from, raw_to = request.args.get("dari", ""), request.args.get("sampai", "")
    if not raw_from and not raw_to:
        return this_month, ""
    try:
        start = date.fromisoformat(raw_from or raw_to)
        end = date.fromisoformat(raw_to or raw_from)
    except ValueError:
        return this_month, "Tanggal tidak dikenali; ditampilkan bulan berjalan."
    if end < start:
        return this_month, "Tanggal akhir sebelum tanggal awal; ditampilkan bulan berjalan."
    if (end - start).days >= MAX_PERIOD_DAYS:
        return this_month, "Periode paling panjang satu tahun; ditampilkan bulan berjalan."
    return Period(start, end), ""


@bp.route("/jadwal/disiplin")
@requires(Capability.QA_VIEW_ALL)
def discipline_page():
    now = utcnow()
    period, error = _period_args(today_wib(now))
    agents = queries.rosterable_agents()
    raw = request.args.get("agen", "")
    agent = next((a for a in agents if str(a.id) == raw), None)
    if raw and agent is None:
        error = error or "Agen tidak dikenali."
    return render_template(
        "schedules/discipline.html",
        agents=[(a.id, _agent_label(a)) for a in agents],
        agent=agent,
        period=period,
        dari=request.args.get("dari", ""),
        sampai=request.args.get("sampai", ""),
        error=error,
        d=discipline(agent.id, period, as_of=min(now, period.ends_at), grace=grace_minutes())
        if agent
        else None,
        league=_league(agents, period, now) if agent is None else [],
    )


def _league(agents: list[User], period: Period, now) -> list:
    """Every rostered agent's figures for the period (agents without a roster left out)."""
    rows = []
    for a in agents:
        d = discipline(a.id, period, as_of=min(now, period.ends_at), grace=grace_minutes())
        if d.shifts:
            rows.append((a, d))
    return rows

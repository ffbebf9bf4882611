"""Problem pages: the list with the suggestions, a problem's page with its linked tickets,
timeline and the actions of its state, and the problem panel of a ticket."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from hai.auth.permissions import Capability, requires
from hai.cmdb.models import ConfigurationItem
from hai.db_types import utcnow
from hai.extensions import db
from hai.problems import queries, services
from hai.problems.forms import (
    AnalysisForm,
    AnswerForm,
    CloseForm,
    ConfirmForm,
    DismissForm,
    FixedForm,
    LinkForm,
    LinkNumberForm,
    NewProblemForm,
    PlainForm,
    WorkaroundForm,
)
from hai.problems.models import WORKED_ON, Problem, ProblemStatus
from hai.tickets import policy
from hai.tickets.models import Ticket
from hai.web.forms import attach_error, submit

bp = Blueprint("problems", __name__)


def _get_or_404(problem_id: int) -> Problem:
    problem = db.session.get(Problem, problem_id)
    if problem is None:
        abort(404)
    return problem


def _ci(value: str | None) -> ConfigurationItem | None:
    return db.session.get(ConfigurationItem, int(value)) if (value or "").isdigit() else None


# --- list, suggestions, new -------------------------------------------------------------------


@bp.route("/problems")
@requires(Capability.PROBLEM_VIEW)
def index():
    groups = queries.listing()
    ids = [p.id for rows in groups.values() for p in rows]
    return render_template(
        "problems/index.html",
        groups=groups,
        counts=queries.link_counts(ids),
        can_manage=current_user.can(Capability.PROBLEM_MANAGE),
        form=PlainForm(),
        window=services.WINDOW_HOURS,
        threshold=services.THRESHOLD,
    )


@bp.route("/problems/suggest", methods=["POST"])
@requires(Capability.PROBLEM_MANAGE)
def suggest():
    form = PlainForm()
    if not form.validate_on_submit():
        abort(400)
    ok, found = submit(form, lambda: services.suggest_problems(utcnow()))
    if ok:
        made = sum(1 for s in found if s.created)
        grown = len(found) - made
        flash(
            f"Saran baru: {made}; saran yang bertambah tiketnya: {grown}."
            if found
            else "Tidak ada kumpulan tiket gangguan baru.",
            "success" if found else "info",
        )
    return redirect(url_for("problems.index"))


def _tickets_by_number(raw: str | None, field: str) -> list[Ticket]:
    """The tickets named, each one the user may handle; refuse any other."""
    numbers = [n.strip().upper() for n in (raw or "").replace(";", ",").split(",") if n.strip()]
    found = []
    for number in dict.fromkeys(numbers):
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        if ticket is None or not policy.can_handle(current_user, ticket):
            raise services.ProblemError(f"Tiket {number} tidak ditemukan.", field)
        found.append(ticket)
    return found


@bp.route("/problems/new", methods=["GET", "POST"])
@requires(Capability.PROBLEM_MANAGE)
def new():
    form = NewProblemForm(items=queries.ci_choices())
    if form.validate_on_submit():
        now, me = utcnow(), current_user
        ok, problem = submit(
            form,
            lambda: services.create_problem(
                title=form.title.data,
                description=form.description.data or "",
                ci=_ci(form.ci_id.data),
                ticket_list=_tickets_by_number(form.ticket_numbers.data, "ticket_numbers"),
                actor=me,
                now=now,
            ),
        )
        if ok:
            flash(f"Masalah {problem.number} dicatat.", "success")
            return redirect(url_for("problems.detail", problem_id=problem.id))
    status = 422 if form.is_submitted() else 200
    return render_template("problems/new.html", form=form), status


# --- one problem ----------------------------------------------------------------------------

MANAGER_FORMS = {
    "confirm": ConfirmForm,
    "dismiss": DismissForm,
    "analysis": AnalysisForm,
    "workaround": WorkaroundForm,
    "fixed": FixedForm,
    "close": CloseForm,
}
# Which actions each state offers.
OFFERED = {
    ProblemStatus.SUGGESTED: ("confirm", "dismiss"),
    ProblemStatus.CONFIRMED: ("analysis", "workaround", "fixed"),
    ProblemStatus.KNOWN_ERROR: ("analysis", "workaround", "fixed"),
    ProblemStatus.FIXED: ("analysis", "close"),
}


def _manager_form(name: str, problem: Problem):
    version = {"row_version": str(problem.row_version)}
    data = {
        "confirm": {"title": problem.title},
        "analysis": {
            "title": problem.title,
            "description": problem.description,
            "ci_id": str(problem.ci_id or ""),
            "root_cause": problem.root_cause,
            "fix_reference": problem.fix_reference,
        },
        "workaround": {"workaround": problem.workaround},
        "fixed": {"fix_reference": problem.fix_reference},
    }.get(name, {})
    kwargs = {"items": queries.ci_choices()} if name == "analysis" else {}
    return MANAGER_FORMS[name](formdata=None, data={**version, **data}, **kwargs)


def _detail(problem: Problem, status: int = 200, *, forms=None, open_form: str = ""):
    forms = dict(forms or {})
    if current_user.can(Capability.PROBLEM_MANAGE):
        for name in OFFERED.get(problem.status, ()):
            forms.setdefault(name, _manager_form(name, problem))
    can_link = current_user.can(Capability.PROBLEM_LINK) and problem.status.is_active
    if current_user.can(Capability.PROBLEM_LINK) and problem.status in WORKED_ON:
        forms.setdefault(
            "answer", AnswerForm(formdata=None, data={"row_version": str(problem.row_version)})
        )
    if can_link:
        forms.setdefault("link", LinkNumberForm(formdata=None))
        forms.setdefault("plain", PlainForm(formdata=None))
    tickets, hidden = queries.linked_tickets(problem, current_user)
    return (
        render_template(
            "problems/detail.html",
            problem=problem,
            tickets=tickets,
            hidden=hidden,
            candidates=queries.candidate_tickets(problem, current_user) if can_link else [],
            forms=forms,
            open_form=open_form,
            can_link=can_link,
        ),
        status,
    )


@bp.route("/problems/<int:problem_id>")
@requires(Capability.PROBLEM_VIEW)
def detail(problem_id: int):
    return _detail(_get_or_404(problem_id))


def _stale(form, problem: Problem) -> bool:
    if (form.row_version.data or "") == str(problem.row_version):
        return False
    form.form_errors.append(
        "Masalah ini telah diubah oleh petugas lain. Muat ulang halaman lalu coba lagi."
    )
    return True


def _run(form, call):
    """submit(), with a concurrent change of the problem or a ticket reported as stale."""
    try:
        return submit(form, call)
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append("Data baru saja diubah oleh petugas lain. Muat ulang halaman.")
        return False, None


@bp.route("/problems/<int:problem_id>/act/<action>", methods=["POST"])
@requires(Capability.PROBLEM_MANAGE)
def act(problem_id: int, action: str):
    problem = _get_or_404(problem_id)
    if action not in MANAGER_FORMS:
        abort(404)
    kwargs = {"items": queries.ci_choices()} if action == "analysis" else {}
    form = MANAGER_FORMS[action](**kwargs)
    if action not in OFFERED.get(problem.status, ()):
        form.form_errors.append(f"Tidak dapat dilakukan: status masalah {problem.status.label}.")
        return _detail(problem, 409, forms={action: form}, open_form=action)
    if not form.validate_on_submit():
        return _detail(problem, 422, forms={action: form}, open_form=action)
    if _stale(form, problem):
        return _detail(problem, 409, forms={action: form}, open_form=action)
    now, me = utcnow(), current_user

    def run():
        if action == "confirm":
            services.confirm(problem, title=form.title.data, actor=me, now=now)
            return f"Masalah {problem.number} dikonfirmasi; tiket-tiketnya ditautkan."
        if action == "dismiss":
            services.dismiss(problem, form.reason.data, actor=me, now=now)
            return "Saran masalah ditolak."
        if action == "analysis":
            services.save_analysis(
                problem,
                title=form.title.data,
                description=form.description.data or "",
                root_cause=form.root_cause.data or "",
                fix_reference=form.fix_reference.data or "",
                ci=_ci(form.ci_id.data),
                actor=me,
                now=now,
            )
            return "Analisis disimpan."
        if action == "workaround":
            article = services.publish_workaround(problem, form.workaround.data, actor=me, now=now)
            return f"Solusi sementara dicatat di HAIPEDIA ({article.status.label.lower()})."
        if action == "fixed":
            services.mark_fixed(
                problem,
                fix_note=form.fix_note.data,
                fix_reference=form.fix_reference.data or "",
                actor=me,
                now=now,
            )
            return "Masalah ditandai sudah diperbaiki. Tutup untuk menyelesaikan tiket terkait."
        had_workaround = services.live_workaround(problem) is not None
        resolved = services.close(problem, form.message.data, actor=me, now=now)
        done = f"Masalah ditutup; {resolved} tiket terkait dijawab dan diselesaikan."
        return done + (" Artikel solusi sementara diarsipkan." if had_workaround else "")

    ok, message = _run(form, run)
    if not ok:
        db.session.refresh(problem)
        return _detail(problem, 422, forms={action: form}, open_form=action)
    flash(message, "success")
    return redirect(url_for("problems.detail", problem_id=problem.id))


@bp.route("/problems/<int:problem_id>/answer", methods=["POST"])
@requires(Capability.PROBLEM_LINK)
def answer(problem_id: int):
    problem = _get_or_404(problem_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _detail(problem, 422, forms={"answer": form}, open_form="answer")
    if _stale(form, problem):
        return _detail(problem, 409, forms={"answer": form}, open_form="answer")
    now, me = utcnow(), current_user
    ok, count = _run(
        form, lambda: services.answer_together(problem, form.body.data, actor=me, now=now)
    )
    if not ok:
        db.session.refresh(problem)
        return _detail(problem, 422, forms={"answer": form}, open_form="answer")
    flash(f"Balasan dikirim kepada pemohon {count} tiket terkait.", "success")
    return redirect(url_for("problems.detail", problem_id=problem.id))


@bp.route("/problems/<int:problem_id>/tickets", methods=["POST"])
@requires(Capability.PROBLEM_LINK)
def link(problem_id: int):
    """Link a ticket by its number (or one of the candidates listed)."""
    problem = _get_or_404(problem_id)
    form = LinkNumberForm()
    if not form.validate_on_submit():
        return _detail(problem, 422, forms={"link": form}, open_form="link")
    now, me = utcnow(), current_user

    def run():
        found = _tickets_by_number(form.number.data, "number")
        if len(found) != 1:
            raise services.ProblemError("Isi satu nomor tiket.", "number")
        ticket = found[0]
        services.link_ticket(problem, ticket, actor=me, now=now, field="number")
        return ticket

    ok, ticket = _run(form, run)
    if not ok:
        db.session.refresh(problem)
        return _detail(problem, 422, forms={"link": form}, open_form="link")
    flash(f"Tiket {ticket.number} ditautkan ke masalah ini.", "success")
    return redirect(url_for("problems.detail", problem_id=problem.id))


@bp.route("/problems/<int:problem_id>/tickets/<int:ticket_id>/unlink", methods=["POST"])
@requires(Capability.PROBLEM_LINK)
def unlink(problem_id: int, ticket_id: int):
    problem = _get_or_404(problem_id)
    ticket = policy.get_ticket_or_404(current_user, ticket_id, for_handling=True)
    form = PlainForm()
    if not form.validate_on_submit():
        abort(400)
    ok, _ = _run(
        form, lambda: services.unlink_ticket(problem, ticket, actor=current_user, now=utcnow())
    )
    for message in form.form_errors:
        flash(message, "error")
    if ok:
        flash(f"Tautan tiket {ticket.number} ke masalah {problem.number} dilepas.", "success")
    if request.form.get("from") == "ticket":
        return redirect(url_for("tickets.detail", ticket_id=ticket.id))
    return redirect(url_for("problems.detail", problem_id=problem.id))


# --- the ticket's problems and item --------------------------------------------------------


def _ticket_page(ticket: Ticket, status: int = 200, **forms):
    return (
        render_template(
            "problems/ticket.html",
            panel=queries.ticket_panel(current_user, ticket, **forms),
        ),
        status,
    )


@bp.route("/tickets/<int:ticket_id>/masalah")
@requires(Capability.TICKET_VIEW)
def ticket_links(ticket_id: int):
    return _ticket_page(policy.get_ticket_or_404(current_user, ticket_id))


@bp.route("/tickets/<int:ticket_id>/masalah", methods=["POST"])
@requires(Capability.PROBLEM_LINK)
def link_from_ticket(ticket_id: int):
    ticket = policy.get_ticket_or_404(current_user, ticket_id, for_handling=True)
    form = LinkForm(problems=queries.problem_choices(ticket))
    if not form.validate_on_submit():
        return _ticket_page(ticket, 422, link_form=form)
    problem = db.session.get(Problem, int(form.problem_id.data))
    if problem is None:
        attach_error(form, "Masalah tidak ditemukan.", "problem_id")
        return _ticket_page(ticket, 422, link_form=form)
    ok, _ = _run(
        form, lambda: services.link_ticket(problem, ticket, actor=current_user, now=utcnow())
    )
    if not ok:
        db.session.refresh(ticket)
        return _ticket_page(ticket, 422, link_form=form)
    flash(f"Tiket ditautkan ke masalah {problem.number}.", "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket.id) + "#masalah")

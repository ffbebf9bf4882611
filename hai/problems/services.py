"""Problem rules (PER-8 Pasal 22(4)) as plain functions called by the pages and the
scheduler: suggesting problems from clusters of disruption tickets, confirming or
dismissing a suggestion, linking tickets, answering them together, the root cause, the
workaround published to HAIPEDIA for agents, the permanent fix and the closing that
resolves every linked open ticket. Ticket state changes only through hai.tickets.services.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from hai.audit.services import record
from hai.auth.permissions import Capability
from hai.cmdb.models import ConfigurationItem
from hai.cmdb.services import active_items
from hai.errors import RuleError
from hai.extensions import db
from hai.problems.models import (
    ACTIVE,
    WORKED_ON,
    Problem,
    ProblemEvent,
    ProblemStatus,
    ProblemTicket,
)
from hai.sla.calendars import calendar_for
from hai.tickets import services as tickets
from hai.tickets.models import Ticket, TicketType
from hai.web.timefmt import WIB

WINDOW_HOURS = 24  # working hours (PER-8 Pasal 10: Monday-Friday 08:00-16:00 WIB)
THRESHOLD = 5  # disruption tickets on one scope or item within the window
TITLE_MIN, TITLE_MAX = 5, 200
TEXT_MAX = 20_000
MESSAGE_MAX = 5_000


class ProblemError(RuleError):
    """A problem rule refused the change."""


def _event(problem: Problem, action: str, *, now, actor=None, body: str = "", **data):
    event = ProblemEvent(
        problem=problem,
        at=now,
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "name", "") or "Sistem",
        action=action,
        body=body,
        data=data,
    )
    db.session.add(event)
    return event


def _require_manager(actor) -> None:
    if not actor.can(Capability.PROBLEM_MANAGE):
        raise ProblemError("Hanya Manajer Layanan yang dapat melakukan ini.")


def _require(problem: Problem, *statuses: ProblemStatus) -> None:
    if problem.status not in statuses:
        raise ProblemError(f"Tidak dapat dilakukan: status masalah {problem.status.label}.")


def _text(value: str | None, field: str, label: str, *, required: bool, limit=TEXT_MAX) -> str:
    value = (value or "").strip().replace("\r\n", "\n")
    if required and not value:
        raise ProblemError(f"{label} wajib diisi.", field)
    if len(value) > limit:
        raise ProblemError(f"{label} paling panjang {limit:,} karakter.".replace(",", "."), field)
    return value


def _title(value: str | None) -> str:
    title = " ".join((value or "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise ProblemError(f"Judul {TITLE_MIN}–{TITLE_MAX} karakter.", "title")
    return title


def _new(problem: Problem, now: datetime) -> Problem:
    db.session.add(problem)
    db.session.flush()
    problem.number = f"PRB-{now.astimezone(WIB).year}-{problem.id:04d}"
    return problem


def _managers() -> list[int]:
    from hai.auth.models import User, UserRole
    from hai.auth.roles import Role

    return list(
        db.session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.MANAJER_LAYANAN, User.is_active.is_(True))
            .distinct()
        )
    )


def _notify(user_ids, problem: Problem, text: str, key: str, *, now: datetime) -> None:
    from hai.tickets.models import Notification

    keys = [f"problem:{problem.id}:{key}:{u}" for u in user_ids]
    existing = set(
        db.session.scalars(select(Notification.dedupe_key).where(Notification.dedupe_key.in_(keys)))
    )
    for user_id, dedupe in zip(user_ids, keys, strict=True):
        if dedupe not in existing:
            db.session.add(
                Notification(
                    user_id=user_id,
                    at=now,
                    text=text[:300],
                    dedupe_key=dedupe,
                    link=f"problems.detail?problem_id={problem.id}",
                )
            )


# --- suggestions ----------------------------------------------------------------------------


def window_start(now: datetime, window: timedelta, cal=None) -> datetime:
    """The latest instant at least ``window`` of working time before ``now``."""
    cal = cal or calendar_for()
    start = now
    for _ in range(3660):  # ten years of days: far beyond any run of holidays
        start -= timedelta(days=1)
        if cal.elapsed(start, now) >= window:
            break
    return start


def linked_ticket_ids():
    """Tickets already linked to a problem, dismissed suggestions included (a rejected
    cluster is not suggested again)."""
    return select(ProblemTicket.ticket_id)


def _candidates(now: datetime, window: timedelta) -> list[Ticket]:
    """Disruption tickets received within the last ``window`` of working time, not
    confidential, linked to no problem."""
    cal = calendar_for()
    start = window_start(now, window, cal)
    rows = db.session.scalars(
        select(Ticket)
        .where(
            Ticket.type == TicketType.DISRUPTION,
            Ticket.confidential.is_(False),
            Ticket.received_at >= start,
            Ticket.received_at <= now,
            Ticket.id.not_in(linked_ticket_ids()),
        )
        .order_by(Ticket.received_at, Ticket.id)
    )
    return [t for t in rows if cal.elapsed(t.received_at, now) <= window]


def _item_of(ticket: Ticket, items: list[ConfigurationItem]) -> ConfigurationItem | None:
    """The item a handler recorded, else the one serving the ticket's scope most closely."""
    if ticket.ci_id is not None:
        return ticket.ci
    if ticket.service is None:
        return None
    code = ticket.scope.code if ticket.scope else ticket.service.code
    scored = [(ci.match_length(ticket.version.code, code), ci) for ci in items]
    scored = [(n, ci) for n, ci in scored if n]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _active_for(kind: str, key_id: int) -> list[Problem]:
    column = Problem.scope_id if kind == "scope" else Problem.ci_id
    return list(
        db.session.scalars(
            select(Problem).where(column == key_id, Problem.status.in_(ACTIVE)).order_by(Problem.id)
        )
    )


def _link(problem: Problem, ticket: Ticket, *, actor, now: datetime) -> ProblemTicket:
    link = ProblemTicket(
        problem=problem, ticket_id=ticket.id, linked_at=now, linked_by_id=getattr(actor, "id", None)
    )
    db.session.add(link)
    return link


@dataclass
class Suggestion:
    problem: Problem
    created: bool  # False: new tickets added to a pending suggestion
    tickets: list[Ticket]


def suggest_problems(
    now: datetime, *, window_hours: int = WINDOW_HOURS, threshold: int = THRESHOLD
) -> list[Suggestion]:
    """Find clusters of disruption tickets for the Manajer Layanan to confirm.

    A cluster is ``threshold`` or more disruption tickets on the same catalog scope, or
    else on the same configuration item, received within the last ``window_hours``
    working hours (the SLA calendar: a weekend or holiday inside the window does not
    count), none of them linked to a problem. Scopes are grouped first; the tickets they
    leave are grouped by item. A scope or item that already has a pending suggestion gets
    the new tickets added to it; one with a problem being worked on is left to the agents,
    who link the tickets themselves. Idempotent: a linked ticket is never taken again.
    """
    if window_hours <= 0 or threshold < 2:
        raise ProblemError("Jendela minimal 1 jam kerja dan ambang minimal 2 tiket.")
    window = timedelta(hours=window_hours)
    candidates = _candidates(now, window)
    if not candidates:
        return []
    items = active_items()
    results: list[Suggestion] = []
    taken: set[int] = set()

    by_scope: dict[int, list[Ticket]] = defaultdict(list)
    for ticket in candidates:
        if ticket.scope_id is not None:
            by_scope[ticket.scope_id].append(ticket)
    for scope_id in sorted(by_scope):
        group = by_scope[scope_id]
        handled = _suggest("scope", scope_id, group, items, threshold, window_hours, now)
        if handled is not None:
            taken |= {t.id for t in group}
            if isinstance(handled, Suggestion):
                results.append(handled)

    by_item: dict[int, list[Ticket]] = defaultdict(list)
    for ticket in candidates:
        if ticket.id in taken:
            continue
        ci = _item_of(ticket, items)
        if ci is not None:
            by_item[ci.id].append(ticket)
    for ci_id in sorted(by_item):
        handled = _suggest("ci", ci_id, by_item[ci_id], items, threshold, window_hours, now)
        if isinstance(handled, Suggestion):
            results.append(handled)
    db.session.flush()
    return results


def _suggest(kind, key_id, group, items, threshold, window_hours, now):
    """A Suggestion made or grown; True when a problem being worked on covers the key;
    None when the group is below the threshold."""
    active = _active_for(kind, key_id)
    pending = next((p for p in active if p.status is ProblemStatus.SUGGESTED), None)
    if pending is not None:
        for ticket in group:
            _link(pending, ticket, actor=None, now=now)
        _event(
            pending,
            "suggestion_grown",
            now=now,
            body=f"{len(group)} tiket gangguan baru ditambahkan ke saran ini.",
            tickets=[t.number for t in group],
        )
        return Suggestion(pending, False, group)
    if active:
        return True
    if len(group) < threshold:
        return None
    first = group[0]
    if kind == "scope":
        scope, ci = first.scope, None
        found = {getattr(_item_of(t, items), "id", None) for t in group}
        if len(found) == 1 and None not in found:
            ci = db.session.get(ConfigurationItem, found.pop())
        subject = f"{scope.code} {scope.name}"
    else:
        ci = db.session.get(ConfigurationItem, key_id)
        scopes = {t.scope_id for t in group}
        scope = first.scope if len(scopes) == 1 and None not in scopes else None
        subject = ci.name
    problem = _new(
        Problem(
            title=f"Gangguan berulang: {subject}"[:TITLE_MAX],
            description=(
                f"{len(group)} tiket gangguan dalam {window_hours} jam kerja terakhir "
                f"(s.d. {now.astimezone(WIB):%d-%m-%Y %H:%M} WIB) pada "
                + ("ruang lingkup yang sama." if kind == "scope" else "item konfigurasi yang sama.")
            ),
            status=ProblemStatus.SUGGESTED,
            scope_id=scope.id if scope else None,
            ci_id=ci.id if ci else None,
            created_at=now,
        ),
        now,
    )
    for ticket in group:
        _link(problem, ticket, actor=None, now=now)
    _event(
        problem,
        "suggested",
        now=now,
        body=problem.description,
        tickets=[t.number for t in group],
        key=f"{kind}:{key_id}",
    )
    record("problem.suggested", now=now, actor_label="scheduler", target=problem, key=kind)
    _notify(
        _managers(),
        problem,
        f"Saran masalah {problem.number}: {problem.title} ({len(group)} tiket). "
        "Konfirmasi atau tolak.",
        "suggested",
        now=now,
    )
    return Suggestion(problem, True, group)


# --- the Manajer Layanan's decisions ---------------------------------------------------------


def confirm(problem: Problem, *, title: str | None = None, actor, now: datetime) -> None:
    """A suggestion becomes a problem under investigation, with its cluster linked."""
    _require_manager(actor)
    _require(problem, ProblemStatus.SUGGESTED)
    if title is not None and title.strip():
        problem.title = _title(title)
    problem.status = ProblemStatus.CONFIRMED
    problem.confirmed_at = now
    problem.confirmed_by_id = actor.id
    for link in problem.links:
        if link.ticket.status.is_open:
            tickets.add_note(
                link.ticket,
                f"Ditautkan ke masalah {problem.number}: {problem.title}",
                actor=actor,
                now=now,
            )
    _event(problem, "confirmed", now=now, actor=actor, tickets=len(problem.links))
    record("problem.confirmed", now=now, actor=actor, target=problem, number=problem.number)


def dismiss(problem: Problem, reason: str, *, actor, now: datetime) -> None:
    """Reject a suggestion; its tickets stay with it, so they are not suggested again."""
    _require_manager(actor)
    _require(problem, ProblemStatus.SUGGESTED)
    reason = _text(reason, "reason", "Alasan penolakan", required=True, limit=MESSAGE_MAX)
    problem.status = ProblemStatus.DISMISSED
    problem.dismissed_reason = reason
    problem.dismissed_at = now
    _event(problem, "dismissed", now=now, actor=actor, body=reason)
    record("problem.dismissed", now=now, actor=actor, target=problem, number=problem.number)


def create_problem(
    *,
    title: str,
    description: str,
    ci: ConfigurationItem | None,
    ticket_list: list[Ticket],
    actor,
    now: datetime,
) -> Problem:
    """A problem the Manajer Layanan records directly (confirmed from the start)."""
    _require_manager(actor)
    title = _title(title)
    description = _text(description, "description", "Uraian", required=False)
    if ci is not None and not ci.is_active:
        raise ProblemError("Item konfigurasi itu tidak aktif.", "ci_id")
    scopes = {t.scope_id for t in ticket_list}
    problem = _new(
        Problem(
            title=title,
            description=description,
            status=ProblemStatus.CONFIRMED,
            ci_id=ci.id if ci else None,
            scope_id=scopes.pop() if len(scopes) == 1 else None,
            created_at=now,
            created_by_id=actor.id,
            confirmed_at=now,
            confirmed_by_id=actor.id,
        ),
        now,
    )
    _event(problem, "created", now=now, actor=actor, body=description)
    for ticket in ticket_list:
        link_ticket(problem, ticket, actor=actor, now=now, field="ticket_numbers")
    record("problem.created", now=now, actor=actor, target=problem, number=problem.number)
    return problem


def save_analysis(
    problem: Problem,
    *,
    title: str,
    description: str,
    root_cause: str,
    fix_reference: str,
    ci: ConfigurationItem | None,
    actor,
    now: datetime,
) -> None:
    """The investigation's findings: what it is, on which item, its root cause, and the
    reference of the permanent fix (an RFC number, for instance)."""
    _require_manager(actor)
    _require(problem, *WORKED_ON)
    problem.title = _title(title)
    problem.description = _text(description, "description", "Uraian", required=False)
    problem.root_cause = _text(root_cause, "root_cause", "Akar masalah", required=False)
    _set_fix_reference(problem, fix_reference)
    if ci is not None and not ci.is_active and ci.id != problem.ci_id:
        raise ProblemError("Item konfigurasi itu tidak aktif.", "ci_id")
    problem.ci_id = ci.id if ci else None
    _event(problem, "analysis", now=now, actor=actor, body=problem.root_cause)
    record("problem.analysis", now=now, actor=actor, target=problem)


def _workaround_body(problem: Problem, text: str) -> str:
    lines = [f"**Masalah {problem.number}**: {problem.title}", ""]
    if problem.ci:
        owner = problem.ci.owner_unit.name if problem.ci.owner_unit else "-"
        lines += [f"Item konfigurasi: {problem.ci.code} — {problem.ci.name} (pemilik: {owner})", ""]
    if problem.description:
        lines += ["## Gejala", "", problem.description, ""]
    lines += ["## Solusi sementara", "", text, ""]
    if problem.root_cause:
        lines += ["## Akar masalah", "", problem.root_cause, ""]
    lines += [
        "Tiket gangguan yang terkait ditautkan ke masalah ini di HAI; sampaikan solusi "
        "sementara ini kepada pengguna sampai perbaikan permanen selesai."
    ]
    return "\n".join(lines)


def publish_workaround(problem: Problem, text: str, *, actor, now: datetime):
    """The problem becomes a known error: its workaround is written into an internal
    HAIPEDIA article for agents (created the first time, a new revision afterwards),
    published by the reviewer (the Manajer Layanan holds KB_PUBLISH) or else submitted
    for review, following HAIPEDIA's workflow."""
    from hai.haipedia import services as kb
    from hai.haipedia.models import ArticleKind, ArticleStatus, Audience

    _require_manager(actor)
    _require(problem, ProblemStatus.CONFIRMED, ProblemStatus.KNOWN_ERROR)
    text = _text(text, "workaround", "Solusi sementara", required=True)
    tags = ["solusi sementara", problem.number.lower()]
    if problem.ci:
        tags.append(problem.ci.code.lower())
    data = kb.ArticleData(
        title=f"Solusi sementara {problem.number}: {problem.title}"[: kb.TITLE_MAX],
        body=_workaround_body(problem, text),
        kind=ArticleKind.ARTICLE,
        audience=Audience.INTERNAL,
        tags=tags,
        reg_number="PER-8/PB/2020",
        reg_article="Pasal 22 ayat (4)",
        note=f"Solusi sementara masalah {problem.number}",
    )
    article = problem.workaround_article
    try:
        if article is None or article.status is ArticleStatus.ARCHIVED:
            article = kb.create_article(data, actor=actor, now=now)
        elif (article.title, article.body) != (" ".join(data.title.split()), data.body):
            kb.edit_article(article, data, actor=actor, now=now)
        if article.status in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW):
            if actor.can(Capability.KB_PUBLISH):
                kb.publish(article, actor=actor, now=now)
            elif article.status is ArticleStatus.DRAFT:
                kb.submit_for_review(article, actor=actor, now=now)
    except kb.ArticleError as exc:
        raise ProblemError(exc.message, "workaround") from None
    problem.workaround = text
    problem.workaround_article = article
    db.session.flush()
    if problem.status is ProblemStatus.CONFIRMED:
        problem.status = ProblemStatus.KNOWN_ERROR
        problem.known_error_at = now
    _event(problem, "workaround", now=now, actor=actor, body=text, article_id=article.id)
    record("problem.workaround", now=now, actor=actor, target=problem, article=article.id)
    return article


RFC_NUMBER = re.compile(r"\bRFC-\d{4}-\d{5}\b", re.IGNORECASE)


def _set_fix_reference(problem: Problem, reference: str) -> None:
    """The fix's reference, linked to the change request it names (an RFC number)."""
    from hai.changes.models import ChangeRequest

    problem.fix_reference = _text(
        reference, "fix_reference", "Rujukan perbaikan", required=False, limit=200
    )
    match = RFC_NUMBER.search(problem.fix_reference)
    change = None
    if match:
        change = db.session.scalar(
            select(ChangeRequest).where(ChangeRequest.number == match.group(0).upper())
        )
        if change is None:
            raise ProblemError(f"{match.group(0).upper()} tidak ditemukan.", "fix_reference")
    problem.fix_change_id = change.id if change else None


def mark_fixed(
    problem: Problem, *, fix_note: str, fix_reference: str, actor, now: datetime
) -> None:
    """The permanent fix is in place; the root cause must be known by then."""
    _require_manager(actor)
    _require(problem, ProblemStatus.CONFIRMED, ProblemStatus.KNOWN_ERROR)
    if not problem.root_cause:
        raise ProblemError(
            "Catat akar masalah (analisis) sebelum menandai masalah diperbaiki.", "fix_note"
        )
    problem.fix_note = _text(fix_note, "fix_note", "Uraian perbaikan", required=True)
    if fix_reference.strip():
        _set_fix_reference(problem, fix_reference)
    problem.status = ProblemStatus.FIXED
    problem.fixed_at = now
    _event(problem, "fixed", now=now, actor=actor, body=problem.fix_note, ref=problem.fix_reference)
    record("problem.fixed", now=now, actor=actor, target=problem, ref=problem.fix_reference)


def live_workaround(problem: Problem):
    """The workaround's HAIPEDIA article while it is not archived (closing archives it)."""
    from hai.haipedia.models import ArticleStatus

    article = problem.workaround_article
    return article if article is not None and article.status is not ArticleStatus.ARCHIVED else None


def close(problem: Problem, message: str, *, actor, now: datetime) -> int:
    """Close a fixed problem: every linked open ticket is answered with ``message`` and
    closed as resolved, through the ticket services (timeline, email to the requester,
    SLA clock), and the workaround's HAIPEDIA article is archived (it was "until the
    permanent fix": agents must not offer it any more), in the caller's one transaction.
    Returns how many tickets were resolved."""
    from hai.haipedia import services as kb

    _require_manager(actor)
    _require(problem, ProblemStatus.FIXED)
    message = _text(message, "message", "Jawaban kepada pengguna", required=True, limit=MESSAGE_MAX)
    note = f"Diselesaikan dengan penutupan masalah {problem.number}."
    resolved = 0
    for link in problem.links:
        if link.ticket.status.is_open:
            tickets.answer_and_close(link.ticket, message, note=note, actor=actor, now=now)
            resolved += 1
    article = live_workaround(problem)
    if article is not None:
        why = f"Masalah {problem.number} ditutup; perbaikan permanen: {problem.fix_note}"
        try:
            kb.archive(article, why, actor=actor, now=now)
        except kb.ArticleError as exc:
            raise ProblemError(exc.message, "message") from None
    problem.status = ProblemStatus.CLOSED
    problem.resolution = message
    problem.closed_at = now
    problem.closed_by_id = actor.id
    _event(problem, "closed", now=now, actor=actor, body=message, resolved=resolved)
    record("problem.closed", now=now, actor=actor, target=problem, resolved=resolved)
    return resolved


# --- agents: linking and answering together --------------------------------------------------


def active_problem_of(ticket: Ticket) -> Problem | None:
    """The problem being worked on (or suggested) that the ticket is linked to."""
    return db.session.scalar(
        select(Problem)
        .join(ProblemTicket, ProblemTicket.problem_id == Problem.id)
        .where(ProblemTicket.ticket_id == ticket.id, Problem.status.in_(ACTIVE))
        .limit(1)
    )


def link_ticket(
    problem: Problem, ticket: Ticket, *, actor, now: datetime, field: str = "problem_id"
) -> ProblemTicket:
    """An agent links a ticket to a problem (one problem being worked on at a time)."""
    if not problem.status.is_active:
        raise ProblemError(f"Masalah {problem.number} sudah {problem.status.label.lower()}.", field)
    if ticket.confidential:
        raise ProblemError("Tiket rahasia (pengaduan) tidak ditautkan ke masalah.", field)
    if any(link.ticket_id == ticket.id for link in problem.links):
        raise ProblemError(f"Tiket {ticket.number} sudah ditautkan ke masalah ini.", field)
    other = active_problem_of(ticket)
    if other is not None:
        raise ProblemError(
            f"Tiket {ticket.number} sudah ditautkan ke masalah {other.number}.", field
        )
    link = _link(problem, ticket, actor=actor, now=now)
    if ticket.status.is_open:
        tickets.add_note(
            ticket, f"Ditautkan ke masalah {problem.number}: {problem.title}", actor=actor, now=now
        )
    _event(problem, "ticket_linked", now=now, actor=actor, ticket=ticket.number)
    db.session.flush()
    return link


def unlink_ticket(problem: Problem, ticket: Ticket, *, actor, now: datetime) -> None:
    if not problem.status.is_active:
        raise ProblemError(f"Masalah {problem.number} sudah {problem.status.label.lower()}.")
    link = next((lk for lk in problem.links if lk.ticket_id == ticket.id), None)
    if link is None:
        raise ProblemError(f"Tiket {ticket.number} tidak ditautkan ke masalah ini.")
    problem.links.remove(link)
    if ticket.status.is_open:
        tickets.add_note(
            ticket, f"Tautan ke masalah {problem.number} dilepas.", actor=actor, now=now
        )
    _event(problem, "ticket_unlinked", now=now, actor=actor, ticket=ticket.number)
    db.session.flush()


def answer_together(problem: Problem, body: str, *, actor, now: datetime) -> int:
    """One reply to the requester of every linked open ticket (through the ticket
    services: timeline and email as for any reply). The agent must be able to handle
    every one of them; otherwise nothing is sent."""
    from hai.tickets.policy import can_handle

    _require(problem, *WORKED_ON)
    body = _text(body, "body", "Balasan", required=True, limit=MESSAGE_MAX)
    open_tickets = [link.ticket for link in problem.links if link.ticket.status.is_open]
    if not open_tickets:
        raise ProblemError("Tidak ada tiket terbuka yang ditautkan ke masalah ini.", "body")
    refused = [t for t in open_tickets if not can_handle(actor, t)]
    if refused:
        raise ProblemError(
            f"{len(refused)} tiket terkait di luar wewenang Anda; tidak ada balasan yang "
            "dikirim. Mintalah Manajer Layanan menjawabnya.",
            "body",
        )
    for ticket in open_tickets:
        tickets.reply(ticket, body, actor=actor, now=now)
    _event(problem, "answered_together", now=now, actor=actor, body=body, count=len(open_tickets))
    record(
        "problem.answered_together", now=now, actor=actor, target=problem, count=len(open_tickets)
    )
    return len(open_tickets)

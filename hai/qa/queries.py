"""Reads for quality assurance: the follow-up list, certificates, evaluations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from hai.auth.models import User, UserRole
from hai.auth.roles import Role
from hai.extensions import db
from hai.qa.models import Certificate, Evaluation, FollowUpCheck, Training, TrainingAttendance

# Escalations whose follow-up QA verifies (PER-8 Pasal 6(3)g): up to the Kepala Seksi,
# L2 or L3, not the CSO → L1 hand-over.
FOLLOWED_LEVELS = ("kepala_seksi", "l2", "l3")


def follow_up_candidates(
    viewer, *, pending_only: bool = False, ids: list[int] | None = None, limit: int = 200
):
    """Escalated tickets that were answered, as the viewer may see them, oldest answer
    first; with ``pending_only`` those not yet verified."""
    from hai.tickets.models import Level, Ticket
    from hai.tickets.policy import visibility_clause

    query = select(Ticket).where(
        Ticket.escalated_at.is_not(None),
        Ticket.level.in_([Level(v) for v in FOLLOWED_LEVELS]),
        or_(Ticket.answered_at.is_not(None), Ticket.l2_answered_at.is_not(None)),
        visibility_clause(viewer),
    )
    if ids is not None:
        query = query.where(Ticket.id.in_(ids))
    if pending_only:
        query = query.where(~Ticket.id.in_(select(FollowUpCheck.ticket_id)))
    return list(
        db.session.scalars(
            query.order_by(Ticket.answered_at.is_(None), Ticket.answered_at, Ticket.id).limit(limit)
        )
    )


def checks_for(ticket_ids: list[int]) -> dict[int, FollowUpCheck]:
    if not ticket_ids:
        return {}
    rows = db.session.scalars(select(FollowUpCheck).where(FollowUpCheck.ticket_id.in_(ticket_ids)))
    return {r.ticket_id: r for r in rows}


def has_valid_certificate(user_id: int, on: date) -> bool:
    return (
        db.session.scalar(
            select(Certificate.id)
            .where(
                Certificate.user_id == user_id,
                Certificate.issued_on <= on,
                Certificate.expires_on >= on,
            )
            .limit(1)
        )
        is not None
    )


@dataclass(frozen=True)
class CertificateStatus:
    user: User
    trainings: list[Training]
    certificate: Certificate | None  # the latest
    valid: bool


def call_center_agents() -> list[User]:
    """Active Agen Layer 1: they take the call center (PER-8 Pasal 11(1))."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role == Role.AGEN_L1)),
            )
            .order_by(User.name)
        )
    )


def certificate_status(on: date) -> list[CertificateStatus]:
    """Each call-center agent: trainings attended, latest certificate, valid on ``on``."""
    agents = call_center_agents()
    ids = [a.id for a in agents]
    trainings: dict[int, list[Training]] = {i: [] for i in ids}
    for user_id, training in db.session.execute(
        select(TrainingAttendance.user_id, Training)
        .join(Training)
        .where(TrainingAttendance.user_id.in_(ids))
        .order_by(Training.held_on)
    ):
        trainings[user_id].append(training)
    latest: dict[int, Certificate] = {}
    for cert in db.session.scalars(
        select(Certificate).where(Certificate.user_id.in_(ids)).order_by(Certificate.issued_on)
    ):
        latest[cert.user_id] = cert
    return [
        CertificateStatus(
            user=a,
            trainings=trainings[a.id],
            certificate=latest.get(a.id),
            valid=has_valid_certificate(a.id, on),
        )
        for a in agents
    ]


def evaluations_for(user, *, see_all: bool, agent_id: int | None = None) -> list[Evaluation]:
    """Every evaluation for QA and the supervisors; an agent's own, submitted ones."""
    from hai.qa.models import EvaluationStatus

    query = select(Evaluation)
    if not see_all:
        query = query.where(
            Evaluation.agent_id == user.id, Evaluation.status != EvaluationStatus.DRAFT
        )
    elif agent_id is not None:
        query = query.where(Evaluation.agent_id == agent_id)
    return list(
        db.session.scalars(
            query.order_by(Evaluation.period_start.desc(), Evaluation.id.desc()).limit(300)
        )
    )

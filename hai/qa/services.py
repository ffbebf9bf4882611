"""Quality assurance as plain functions for the views, the demo and the tests:
versioned scorecards, evaluations, follow-up verification, trainings and certificates.

An evaluation: draft (tickets sampled, QA scores them) → submitted (metrics frozen,
score computed, the agent told) → acknowledged by the agent (with their response).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select

from hai.audit.services import record
from hai.auth.models import User
from hai.auth.roles import Role
from hai.errors import RuleError
from hai.extensions import db
from hai.qa import metrics as m
from hai.qa.models import (
    Certificate,
    ContactMethod,
    CriterionMode,
    Evaluation,
    EvaluationSample,
    EvaluationScore,
    EvaluationStatus,
    FollowUpCheck,
    Scorecard,
    ScorecardCriterion,
    Training,
    TrainingAttendance,
    TrainingTopic,
)

# Who QA evaluates (PER-8 Pasal 6(3)f, 7(6)e).
EVALUATED_ROLES = (Role.AGEN_L1, Role.AGEN_L2, Role.MANAJER_LAYANAN)
MAX_SAMPLE = 50
SCORES = range(1, 6)


class QaError(RuleError):
    """A quality-assurance rule refused the change."""


@dataclass(frozen=True)
class CriterionData:
    code: str
    label: str
    weight: int
    mode: str
    guide: str = ""
    metric: str = ""
    thresholds: tuple = ()


# The four criteria PER-8 Pasal 6(3)f names: version 1, reference data.
SEED_SCORECARD = [
    CriterionData(
        "hard_skill",
        "Hard skill",
        35,
        "ticket",
        "5: jawaban tepat, lengkap, sesuai katalog, HAIPEDIA dan regulasi; 4: tepat dengan "
        "kekurangan kecil; 3: sebagian tepat, perlu perbaikan; 2: banyak kekeliruan; "
        "1: keliru atau tidak menjawab.",
    ),
    CriterionData(
        "soft_skill",
        "Soft skill",
        25,
        "ticket",
        "5: santun, empatik, bahasa jelas, salam dan penutup sesuai standar; 3: cukup, "
        "ada bagian yang kaku atau kurang jelas; 1: tidak santun atau membingungkan.",
    ),
    CriterionData(
        "discipline",
        "Disiplin",
        20,
        "period",
        "5: hadir dan bertugas sesuai jadwal, prosedur (kelengkapan data, rekaman, "
        "eskalasi) selalu diikuti; 3: beberapa pelanggaran kecil; 1: sering terlambat "
        "atau prosedur tidak diikuti.",
    ),
    CriterionData(
        "calls_per_hour",
        "Panggilan per jam",
        20,
        "metric",
        "Dihitung: tiket call center yang dicatat agen dibagi jam kerja periode. "
        "Nilai 2/3/4/5 mulai 2, 3, 4, 5 panggilan per jam; di bawah 2: nilai 1.",
        "calls_per_hour",
        (2, 3, 4, 5),
    ),
]


# --- scorecards ---------------------------------------------------------------------------


def current_scorecard() -> Scorecard:
    card = db.session.scalar(select(Scorecard).order_by(Scorecard.version.desc()).limit(1))
    if card is None:
        raise QaError("Kartu penilaian belum disiapkan.")
    return card


def _criterion(n: int, c: CriterionData) -> ScorecardCriterion:
    return ScorecardCriterion(
        position=n,
        code=c.code,
        label=c.label,
        weight=c.weight,
        mode=CriterionMode(c.mode),
        guide=c.guide,
        metric=c.metric,
        thresholds=list(c.thresholds),
    )


def load_scorecard(*, now: datetime) -> int:
    """Version 1 of the scorecard (idempotent): reference data."""
    if db.session.scalar(select(Scorecard.id).limit(1)) is not None:
        return 0
    card = Scorecard(version=1, created_at=now, note="Versi awal: empat kriteria PER-8 Pasal 6(3)f")
    for n, c in enumerate(SEED_SCORECARD, 1):
        card.criteria.append(_criterion(n, c))
    db.session.add(card)
    db.session.flush()
    return 1


MODE_WORDS = {"tiket": "ticket", "periode": "period", "metrik": "metric"}


def parse_criteria(text: str) -> list[CriterionData]:
    """Lines ``kode | nama | bobot | cara | panduan``; cara is ``tiket``, ``periode`` or
    ``metrik:<metrik>:<t2>,<t3>,<t4>,<t5>``."""
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|", 4)]
        if len(parts) < 4:
            raise QaError(f"Baris {n}: tulis kode | nama | bobot | cara | panduan.", "criteria")
        code, label, weight, mode = parts[:4]
        guide = parts[4] if len(parts) > 4 else ""
        if not weight.isdigit():
            raise QaError(f"Baris {n}: bobot harus bilangan bulat.", "criteria")
        metric, thresholds = "", ()
        kind, _, rest = mode.lower().partition(":")
        if kind not in MODE_WORDS:
            raise QaError(f"Baris {n}: cara harus tiket, periode atau metrik:….", "criteria")
        if kind == "metrik":
            metric, _, raw = rest.partition(":")
            try:
                thresholds = tuple(float(x) for x in raw.split(",") if x.strip())
            except ValueError:
                raise QaError(f"Baris {n}: ambang harus angka.", "criteria") from None
        rows.append(
            CriterionData(code, label, int(weight), MODE_WORDS[kind], guide, metric, thresholds)
        )
    return rows


def criteria_text(card: Scorecard) -> str:
    """A version as the editing form's lines (the inverse of ``parse_criteria``)."""
    words = {v: k for k, v in MODE_WORDS.items()}
    lines = []
    for c in card.criteria:
        mode = words[c.mode.value]
        if c.mode is CriterionMode.METRIC:
            mode += f":{c.metric}:" + ",".join(f"{t:g}" for t in c.thresholds)
        lines.append(f"{c.code} | {c.label} | {c.weight} | {mode} | {c.guide}")
    return "\n".join(lines)


def new_scorecard_version(
    criteria: list[CriterionData], note: str, *, actor, now: datetime
) -> Scorecard:
    """A new version of the scorecard; evaluations made earlier keep theirs."""
    if not criteria:
        raise QaError("Kartu penilaian perlu sedikitnya satu kriteria.", "criteria")
    seen = set()
    cleaned = []
    for c in criteria:
        code, label = c.code.strip().lower()[:40], c.label.strip()[:200]
        if not code or not label:
            raise QaError("Setiap kriteria perlu kode dan nama.", "criteria")
        if code in seen:
            raise QaError(f"Kode kriteria {code} dipakai dua kali.", "criteria")
        seen.add(code)
        if not 1 <= c.weight <= 100:
            raise QaError(f"Bobot {code} harus 1 sampai 100.", "criteria")
        if c.mode not in {x.value for x in CriterionMode}:
            raise QaError(f"Cara penilaian {code} tidak dikenal.", "criteria")
        if c.mode == CriterionMode.METRIC.value:
            if c.metric not in m.METRICS:
                raise QaError(
                    f"Metrik {c.metric or '-'} tidak dikenal; pilih: {', '.join(m.METRICS)}.",
                    "criteria",
                )
            t = list(c.thresholds)
            if len(t) != 4 or not (t == sorted(t) or t == sorted(t, reverse=True)):
                raise QaError(
                    f"Kriteria {code}: tulis empat ambang berurutan untuk nilai 2, 3, 4, 5.",
                    "criteria",
                )
        cleaned.append(
            CriterionData(
                code,
                label,
                c.weight,
                c.mode,
                c.guide.strip(),
                c.metric if c.mode == "metric" else "",
                tuple(c.thresholds) if c.mode == "metric" else (),
            )
        )
    total = sum(c.weight for c in cleaned)
    if total != 100:
        raise QaError(f"Jumlah bobot harus 100 (sekarang {total}).", "criteria")
    latest = db.session.scalar(select(func.max(Scorecard.version))) or 0
    card = Scorecard(
        version=latest + 1,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
        note=(note or "").strip()[:300],
    )
    for n, c in enumerate(cleaned, 1):
        card.criteria.append(_criterion(n, c))
    db.session.add(card)
    db.session.flush()
    record("qa.scorecard_changed", now=now, actor=actor, target=card, version=card.version)
    return card


# --- evaluations --------------------------------------------------------------------------


def evaluated_role(user: User) -> Role | None:
    return next((r for r in EVALUATED_ROLES if user.has_role(r)), None)


def _evaluable_clause():
    from hai.auth.models import UserRole

    return and_(
        User.is_active.is_(True),
        User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(EVALUATED_ROLES))),
    )


def evaluable_agents() -> list[User]:
    return list(db.session.scalars(select(User).where(_evaluable_clause()).order_by(User.name)))


def evaluable_agent_names() -> dict[int, str]:
    """Id -> name of the agents QA evaluates (without loading the accounts)."""
    return dict(db.session.execute(select(User.id, User.name).where(_evaluable_clause())).all())


def _sample_pool(agent: User, period: m.Period) -> list[int]:
    """The agent's tickets of the period QA may read (confidential complaints are not
    visible to QA, so never sampled)."""
    from hai.tickets.models import Ticket

    return list(
        db.session.scalars(
            select(Ticket.id)
            .where(
                m.period_clause(period),
                m.handled_clause(agent.id),
                Ticket.confidential.is_(False),
            )
            .order_by(Ticket.id)
        )
    )


def create_evaluation(
    agent: User,
    period: m.Period,
    *,
    sample_size: int | None = None,
    seed: int | None = None,
    chosen: list[str] | None = None,
    actor,
    now: datetime,
) -> Evaluation:
    """Open a draft evaluation with its sampled tickets: a random sample of
    ``sample_size`` (the seed recorded, so the draw can be repeated) or the ``chosen``
    ticket numbers, which must be the agent's tickets of the period."""
    from hai.tickets.models import Ticket

    role = evaluated_role(agent)
    if role is None:
        raise QaError(
            "Yang dievaluasi adalah Agen Layer 1, Agen Layer 2 atau Manajer Layanan.", "agent_id"
        )
    if agent.id == getattr(actor, "id", None):
        raise QaError("QA tidak mengevaluasi dirinya sendiri.", "agent_id")
    if period.start > now.astimezone(m.WIB).date():
        raise QaError("Periode evaluasi belum dimulai.", "period_start")
    pool = _sample_pool(agent, period)
    if chosen:
        numbers = [n.strip().upper() for n in chosen if n.strip()]
        rows = {
            row.number: row.id
            for row in db.session.execute(
                select(Ticket.number, Ticket.id).where(Ticket.number.in_(numbers))
            )
        }
        outside = [n for n in numbers if rows.get(n) not in pool]
        if outside:
            raise QaError(
                "Bukan tiket agen ini pada periode tersebut: " + ", ".join(outside) + ".",
                "tickets",
            )
        picked = list(dict.fromkeys(rows[n] for n in numbers))[:MAX_SAMPLE]
        method, seed = "chosen", None
    else:
        size = sample_size if sample_size is not None else 5
        if not 0 <= size <= MAX_SAMPLE:
            raise QaError(f"Jumlah sampel 0 sampai {MAX_SAMPLE}.", "sample_size")
        seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
        picked = sorted(random.Random(seed).sample(pool, min(size, len(pool))))
        method = "random"
    evaluation = Evaluation(
        agent_id=agent.id,
        agent_role=role.value,
        evaluator_id=getattr(actor, "id", None),
        scorecard_id=current_scorecard().id,
        period_start=period.start,
        period_end=period.end,
        sample_method=method,
        sample_seed=seed,
        sample_pool=len(pool),
        created_at=now,
    )
    for n, ticket_id in enumerate(picked, 1):
        evaluation.samples.append(EvaluationSample(ticket_id=ticket_id, position=n))
    db.session.add(evaluation)
    db.session.flush()
    record(
        "qa.evaluation_created",
        now=now,
        actor=actor,
        target=evaluation,
        agent=agent.email,
        period=[period.start.isoformat(), period.end.isoformat()],
        sample=method,
        seed=seed,
    )
    return evaluation


def period_of(evaluation: Evaluation) -> m.Period:
    return m.Period(evaluation.period_start, evaluation.period_end)


def metrics_of(evaluation: Evaluation, *, now: datetime) -> dict:
    """The frozen metrics of a submitted evaluation, or the live ones of a draft: the
    ticket metrics and the discipline against the duty roster (``roster_`` keys)."""
    from hai.schedules.discipline import discipline, grace_minutes

    if evaluation.status is not EvaluationStatus.DRAFT and evaluation.metrics:
        return evaluation.metrics
    period = period_of(evaluation)
    as_of = min(now, period.ends_at)
    return {
        **m.agent_metrics(
            evaluation.agent_id,
            period,
            as_of=as_of,
            calendar_unit_id=evaluation.agent.unit_id,
        ).as_dict(),
        **discipline(evaluation.agent_id, period, as_of=as_of, grace=grace_minutes()).as_metrics(),
    }


def _slots(evaluation: Evaluation) -> list[tuple[ScorecardCriterion, int | None]]:
    """Every (criterion, ticket) QA scores by hand: ticket criteria on each sampled
    ticket (once for the period when nothing was sampled), period criteria once."""
    tickets = [s.ticket_id for s in evaluation.samples] or [None]
    slots = []
    for c in evaluation.scorecard.criteria:
        if c.mode is CriterionMode.TICKET:
            slots += [(c, t) for t in tickets]
        elif c.mode is CriterionMode.PERIOD:
            slots.append((c, None))
    return slots


def save_scores(
    evaluation: Evaluation,
    values: dict[tuple[int, int | None], tuple[str, str]],
    summary: str,
    *,
    actor,
    now: datetime,
) -> int:
    """Store QA's scores (1-5) and comments of a draft; blanks stay unscored."""
    if evaluation.status is not EvaluationStatus.DRAFT:
        raise QaError("Evaluasi yang sudah disampaikan tidak dapat diubah.")
    saved = 0
    for criterion, ticket_id in _slots(evaluation):
        raw, comment = values.get((criterion.id, ticket_id), ("", ""))
        raw = (raw or "").strip()
        existing = evaluation.score_for(criterion.id, ticket_id)
        if not raw:
            if existing is not None:
                evaluation.scores.remove(existing)
            continue
        if not raw.isdigit() or int(raw) not in SCORES:
            raise QaError(f"Nilai {criterion.label} harus 1 sampai 5.", "scores")
        if existing is None:
            existing = EvaluationScore(criterion_id=criterion.id, ticket_id=ticket_id, score=0)
            evaluation.scores.append(existing)
        existing.score = int(raw)
        existing.comment = (comment or "").strip()[:2000]
        saved += 1
    evaluation.summary = (summary or "").strip()[:5000]
    db.session.flush()
    return saved


@dataclass(frozen=True)
class CriterionResult:
    code: str
    label: str
    weight: int
    mode: str
    score: float | None  # 1-5, the mean over the sampled tickets; None: no data
    metric_value: float | None = None


def breakdown(evaluation: Evaluation, metrics: dict) -> list[CriterionResult]:
    """Each criterion's 1-5 score, from the evaluation's own scorecard version."""
    rv = []
    for c in evaluation.scorecard.criteria:
        value = None
        if c.mode is CriterionMode.METRIC:
            value = metrics.get(c.metric)
            score = m.metric_score(value, c.thresholds)
        else:
            given = [s.score for s in evaluation.scores if s.criterion_id == c.id]
            score = round(sum(given) / len(given), 2) if given else None
        rv.append(CriterionResult(c.code, c.label, c.weight, c.mode.value, score, value))
    return rv


def weighted_score(results: list[CriterionResult]) -> float | None:
    """0-100: each criterion's score out of 5, weighted; a criterion without data (a
    metric with nothing to measure) is left out and the other weights scale up."""
    scored = [r for r in results if r.score is not None]
    total = sum(r.weight for r in scored)
    if not total:
        return None
    return round(sum(r.weight * r.score / 5 * 100 for r in scored) / total, 2)


def missing_scores(evaluation: Evaluation) -> list[str]:
    missing = []
    for criterion, ticket_id in _slots(evaluation):
        if evaluation.score_for(criterion.id, ticket_id) is None:
            missing.append(criterion.label)
    return list(dict.fromkeys(missing))


def submit_evaluation(evaluation: Evaluation, *, actor, now: datetime) -> float | None:
    """Freeze the period's metrics, compute the score and tell the agent."""
    from hai.tickets.models import Notification

    if evaluation.status is not EvaluationStatus.DRAFT:
        raise QaError("Evaluasi ini sudah disampaikan.")
    missing = missing_scores(evaluation)
    if missing:
        raise QaError("Belum dinilai: " + ", ".join(missing) + ".", "scores")
    metrics = metrics_of(evaluation, now=now)
    evaluation.metrics = metrics
    evaluation.score = weighted_score(breakdown(evaluation, metrics))
    evaluation.status = EvaluationStatus.SUBMITTED
    evaluation.submitted_at = now
    period = period_of(evaluation)
    db.session.add(
        Notification(
            user_id=evaluation.agent_id,
            at=now,
            text=f"Evaluasi kinerja {period.label} dari QA tersedia.",
            dedupe_key=f"qa:evaluation:{evaluation.id}:submitted",
            link=f"qa.detail?evaluation_id={evaluation.id}",
        )
    )
    db.session.flush()
    record(
        "qa.evaluation_submitted",
        now=now,
        actor=actor,
        target=evaluation,
        score=evaluation.score,
    )
    return evaluation.score


def acknowledge(evaluation: Evaluation, response: str, *, actor, now: datetime) -> None:
    """The agent acknowledges their evaluation, optionally with a response."""
    if evaluation.agent_id != getattr(actor, "id", None):
        raise QaError("Hanya agen yang dievaluasi yang dapat menanggapi.")
    if evaluation.status is not EvaluationStatus.SUBMITTED:
        raise QaError("Evaluasi ini tidak menunggu tanggapan.")
    evaluation.status = EvaluationStatus.ACKNOWLEDGED
    evaluation.acknowledged_at = now
    if response.strip():
        evaluation.agent_response = response.strip()[:5000]
        evaluation.responded_at = now
    db.session.flush()
    record(
        "qa.evaluation_acknowledged",
        now=now,
        actor=actor,
        target=evaluation,
        responded=bool(response.strip()),
    )


# --- follow-up verification (Pasal 6(3)g) ------------------------------------------------


def verify_follow_up(
    ticket, contacted: bool, method: str, note: str, *, actor, now: datetime
) -> FollowUpCheck:
    """Record whether the unit an escalated ticket went to contacted the user."""
    from hai.qa.queries import follow_up_candidates
    from hai.tickets.services import record_follow_up_check

    if db.session.scalar(select(FollowUpCheck.id).where(FollowUpCheck.ticket_id == ticket.id)):
        raise QaError("Tindak lanjut tiket ini sudah diverifikasi.")
    if ticket.id not in {t.id for t in follow_up_candidates(actor, ids=[ticket.id])}:
        raise QaError("Hanya tiket eskalasi yang sudah dijawab yang diverifikasi.")
    chosen = None
    if contacted:
        try:
            chosen = ContactMethod(method)
        except ValueError:
            raise QaError("Pilih cara unit menghubungi pengguna.", "method") from None
    if not note.strip():
        raise QaError("Tuliskan catatan verifikasi (dengan siapa dan apa hasilnya).", "note")
    body = (
        f"Verifikasi QA: unit menghubungi pengguna ({chosen.label})."
        if contacted
        else "Verifikasi QA: unit belum/tidak menghubungi pengguna."
    ) + f"\n{note.strip()}"
    event = record_follow_up_check(
        ticket,
        body,
        contacted=contacted,
        method=chosen.value if chosen else None,
        actor=actor,
        now=now,
    )
    db.session.flush()
    check = FollowUpCheck(
        ticket_id=ticket.id,
        checked_at=now,
        checked_by_id=actor.id,
        contacted=contacted,
        method=chosen,
        note=note.strip()[:5000],
        event_id=event.id,
    )
    db.session.add(check)
    db.session.flush()
    record(
        "qa.follow_up_verified",
        now=now,
        actor=actor,
        target=ticket,
        contacted=contacted,
        method=chosen.value if chosen else None,
    )
    return check


# --- training and certificates (Pasal 6(3)h, 11) -----------------------------------------


@dataclass(frozen=True)
class TrainingData:
    title: str
    topic: str
    held_on: date | None
    hours: int = 0
    organiser: str = ""
    note: str = ""


def record_training(data: TrainingData, *, actor, now: datetime) -> Training:
    if not data.title.strip():
        raise QaError("Judul pelatihan wajib diisi.", "title")
    if data.topic not in {t.value for t in TrainingTopic}:
        raise QaError("Pilih materi pelatihan.", "topic")
    if data.held_on is None:
        raise QaError("Tanggal pelatihan wajib diisi.", "held_on")
    if not 0 <= data.hours <= 1000:
        raise QaError("Jam pelatihan 0 sampai 1000.", "hours")
    training = Training(
        title=data.title.strip()[:200],
        topic=TrainingTopic(data.topic),
        held_on=data.held_on,
        hours=data.hours,
        organiser=data.organiser.strip()[:200],
        note=data.note.strip(),
        created_at=now,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(training)
    db.session.flush()
    record("qa.training_recorded", now=now, actor=actor, target=training, title=training.title)
    return training


def set_attendance(training: Training, user_ids: list[int], *, actor, now: datetime) -> int:
    """The staff who attended (replaces the list)."""
    from hai.auth.roles import STAFF_ROLES

    wanted = set(user_ids)
    users = list(db.session.scalars(select(User).where(User.id.in_(wanted)))) if wanted else []
    if len(users) != len(wanted) or any(not (u.roles & STAFF_ROLES) for u in users):
        raise QaError("Peserta harus pegawai yang terdaftar.", "attendees")
    for row in list(training.attendance):
        if row.user_id not in wanted:
            training.attendance.remove(row)
    present = {a.user_id for a in training.attendance}
    for uid in sorted(wanted - present):
        training.attendance.append(TrainingAttendance(user_id=uid, recorded_at=now))
    db.session.flush()
    record("qa.attendance_recorded", now=now, actor=actor, target=training, count=len(wanted))
    return len(wanted)


def topics_attended(user_id: int, on: date | None = None) -> set[TrainingTopic]:
    query = (
        select(Training.topic).join(TrainingAttendance).where(TrainingAttendance.user_id == user_id)
    )
    if on is not None:
        query = query.where(Training.held_on <= on)
    return set(db.session.scalars(query))


def issue_certificate(
    user: User,
    *,
    number: str,
    issuer: str,
    issued_on: date | None,
    expires_on: date | None,
    actor,
    now: datetime,
) -> Certificate:
    """Record an agent's call-center certificate. PER-8 Pasal 11(3): the agent has taken
    the technical information-service training and the communication training."""
    if not user.has_role(Role.AGEN_L1):
        raise QaError("Sertifikat call center untuk Agen Layer 1.", "user_id")
    if not number.strip():
        raise QaError("Nomor sertifikat wajib diisi.", "number")
    if not issuer.strip():
        raise QaError("Penerbit sertifikat wajib diisi.", "issuer")
    if issued_on is None or expires_on is None:
        raise QaError("Tanggal terbit dan masa berlaku wajib diisi.", "issued_on")
    if expires_on <= issued_on:
        raise QaError("Masa berlaku harus setelah tanggal terbit.", "expires_on")
    missing = {TrainingTopic.INFORMATION, TrainingTopic.COMMUNICATION} - topics_attended(
        user.id, issued_on
    )
    if missing:
        raise QaError(
            "Belum mengikuti pelatihan: "
            + ", ".join(sorted(t.label.lower() for t in missing))
            + " (PER-8 Pasal 11(3)).",
            "user_id",
        )
    cert = Certificate(
        user_id=user.id,
        number=number.strip()[:80],
        issuer=issuer.strip()[:200],
        issued_on=issued_on,
        expires_on=expires_on,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(cert)
    db.session.flush()
    record(
        "qa.certificate_issued",
        now=now,
        actor=actor,
        target=cert,
        user=user.email,
        expires=expires_on.isoformat(),
    )
    return cert

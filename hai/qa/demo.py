"""Demo quality-assurance data for `make run`: two evaluations (one acknowledged by the
agent), two trainings with attendance, a call-center certificate."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hai.auth.models import User
from hai.extensions import db
from hai.qa import services
from hai.qa.metrics import Period
from hai.qa.models import Evaluation, TrainingTopic
from hai.web.timefmt import today_wib


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _score_all(evaluation: Evaluation, score: int, comment: str, *, actor, now) -> None:
    values = {
        (c.id, t): (str(score if n % 2 else max(score - 1, 1)), comment)
        for n, (c, t) in enumerate(services._slots(evaluation))
    }
    services.save_scores(
        evaluation,
        values,
        "Pertahankan ketepatan jawaban; perhatikan salam penutup dan kelengkapan data.",
        actor=actor,
        now=now,
    )


def load_demo_qa(*, now: datetime) -> int:
    if db.session.scalar(select(Evaluation.id).limit(1)) is not None:
        return 0
    qa, l1, l2 = (
        _user("qa@demo.hai.test"),
        _user("agen1@demo.hai.test"),
        _user("agen2@demo.hai.test"),
    )
    if None in (qa, l1, l2):
        return 0
    today = today_wib(now)
    info = services.record_training(
        services.TrainingData(
            "Teknis layanan informasi HAI-DJPb",
            TrainingTopic.INFORMATION.value,
            today - timedelta(days=60),
            16,
            "Setditjen Perbendaharaan",
        ),
        actor=qa,
        now=now,
    )
    services.set_attendance(info, [l1.id, l2.id], actor=qa, now=now)
    talk = services.record_training(
        services.TrainingData(
            "Komunikasi pelayanan prima",
            TrainingTopic.COMMUNICATION.value,
            today - timedelta(days=45),
            8,
            "Balai Diklat Keuangan",
        ),
        actor=qa,
        now=now,
    )
    services.set_attendance(talk, [l1.id], actor=qa, now=now)
    services.issue_certificate(
        l1,
        number="CC-HAI/2026/001",
        issuer="Sekretaris Direktorat Jenderal Perbendaharaan a.n. Direktur Jenderal",
        issued_on=today - timedelta(days=40),
        expires_on=today - timedelta(days=40) + timedelta(days=730),
        actor=qa,
        now=now,
    )
    period = Period(today - timedelta(days=30), today)
    first = services.create_evaluation(l1, period, sample_size=3, seed=2026, actor=qa, now=now)
    _score_all(first, 4, "Jawaban tepat dan santun.", actor=qa, now=now)
    services.submit_evaluation(first, actor=qa, now=now)
    services.acknowledge(
        first,
        "Terima kasih; salam penutup akan saya perbaiki.",
        actor=l1,
        now=now + timedelta(minutes=5),
    )
    second = services.create_evaluation(l2, period, sample_size=2, seed=7, actor=qa, now=now)
    _score_all(second, 3, "Jawaban benar, tetapi terlambat dari target OLA.", actor=qa, now=now)
    services.submit_evaluation(second, actor=qa, now=now)
    db.session.commit()
    return 2

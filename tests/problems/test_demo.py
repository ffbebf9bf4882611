from __future__ import annotations

from sqlalchemy import select

from hai.db_types import utcnow
from hai.demo import load_demo_users
from hai.haipedia.models import ArticleKind, ArticleStatus
from hai.problems.demo import load_demo_service_management
from hai.problems.models import Problem, ProblemStatus
from hai.releases.models import Release
from hai.tickets.models import TicketStatus


def test_demo_problems_in_several_states_and_a_release(db_session):
    now = utcnow()
    load_demo_users(now=now)
    assert load_demo_service_management(now=now) == 4
    problems = {p.status: p for p in db_session.scalars(select(Problem))}
    assert set(problems) == {
        ProblemStatus.SUGGESTED,
        ProblemStatus.CONFIRMED,
        ProblemStatus.KNOWN_ERROR,
        ProblemStatus.CLOSED,
    }
    assert len(problems[ProblemStatus.SUGGESTED].links) == 5
    assert problems[ProblemStatus.KNOWN_ERROR].workaround_article.status is ArticleStatus.PUBLISHED
    assert all(
        link.ticket.status is TicketStatus.CLOSED for link in problems[ProblemStatus.CLOSED].links
    )
    release = db_session.scalar(select(Release))
    assert release.article.kind is ArticleKind.RELEASE_NOTE
    assert load_demo_service_management(now=utcnow()) == 0

"""Propose, review, publish; revisions, diff and restore; ticket → article; CSO Q&A
through HAI CSO into the review queue; release notes; past review-by dates."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from hai.db_types import utcnow
from hai.haipedia import services
from hai.haipedia.models import Article, ArticleKind, ArticleOrigin, ArticleStatus, Audience
from tests.haipedia.conftest import html


def form(**over) -> dict:
    data = {
        "title": "Cara reset kata sandi SAKTI",
        "kind": "article",
        "audience": "public",
        "body": "1. Buka halaman masuk SAKTI\n2. Pilih **Lupa kata sandi**",
        "service_code": "ITSM.01.04",
        "scope_code": "",
        "tags": "sakti, kata sandi",
        "reg_number": "PER-8/PB/2024",
        "reg_title": "Layanan HAI-DJPb",
        "reg_article": "Pasal 19",
        "review_by": "",
        "note": "",
    }
    data.update(over)
    return data


def row_version(page: str, prefix: str = "") -> str:
    name = f"{prefix}-row_version" if prefix else "row_version"
    return re.search(rf'name="{name}" type="hidden" value="(\d+)"', page).group(1)


def test_agent_proposes_and_the_manajer_publishes(login_as, login_fresh, people, db_session):
    l1 = login_as(people["l1"])
    response = l1.post("/haipedia/articles/new", form())
    assert response.status_code == 302
    article = db_session.scalar(select(Article).where(Article.title.like("Cara reset%")))
    assert article.status is ArticleStatus.DRAFT and article.owner_id == people["l1"].id
    assert article.scope_name == "Layanan SAKTI" and article.tags == ["sakti", "kata sandi"]
    page = html(l1.get(f"/haipedia/articles/{article.id}"))
    assert "Terbitkan" not in page  # not an L1's to do
    l1.post(
        f"/haipedia/articles/{article.id}/act/submit",
        {"submit-row_version": row_version(page, "submit")},
    )
    db_session.refresh(article)
    assert article.status is ArticleStatus.IN_REVIEW
    # An L1 agent cannot publish, even by posting the form.
    page = html(l1.get(f"/haipedia/articles/{article.id}"))
    l1.post(f"/haipedia/articles/{article.id}/act/publish", {"publish-row_version": "2"})
    db_session.refresh(article)
    assert article.status is ArticleStatus.IN_REVIEW
    manajer = login_fresh(people["manajer"])
    page = html(manajer.get("/haipedia/articles?tab=review"))
    assert "Cara reset kata sandi SAKTI" in page
    page = html(manajer.get(f"/haipedia/articles/{article.id}"))
    response = manajer.post(
        f"/haipedia/articles/{article.id}/act/publish",
        {"publish-row_version": row_version(page, "publish")},
    )
    assert response.status_code == 302
    db_session.refresh(article)
    assert article.status is ArticleStatus.PUBLISHED
    assert article.live_revision.number == 1 and article.review_by > date.today()


def test_roles_that_may_not_propose(login_as, people):
    qa = login_as(people["qa"])
    assert qa.get("/haipedia/articles").status_code == 200  # reads
    assert qa.get("/haipedia/articles/new").status_code == 403
    assert qa.post("/haipedia/articles/new", form()).status_code == 403


def test_invalid_scope_is_refused_beside_its_field(login_as, people):
    l1 = login_as(people["l1"])
    response = l1.post("/haipedia/articles/new", form(service_code="XXX.99"))
    assert response.status_code == 422
    assert "tidak ada di katalog" in html(response)


def test_revisions_diff_and_restore(login_as, people, db_session, write):
    article = write("Jam layanan CSO KPPN", "Senin sampai Jumat 08.00-16.00 WIB.")
    browser = login_as(people["l2"])
    page = html(browser.get(f"/haipedia/articles/{article.id}/edit"))
    response = browser.post(
        f"/haipedia/articles/{article.id}/edit",
        form(
            title="Jam layanan CSO KPPN",
            body="Senin sampai Kamis 08.00-16.00 WIB.",
            service_code="",
            tags="",
            note="Jumat libur",
            row_version=row_version(page),
        ),
    )
    assert response.status_code == 302, html(response)[:3000]
    db_session.refresh(article)
    assert [r.number for r in article.revisions] == [1, 2]
    second = article.revisions[1]
    assert (second.author_id, second.note) == (people["l2"].id, "Jumat libur")
    assert article.status is ArticleStatus.DRAFT and article.live_revision.number == 1
    diff = html(browser.get(f"/haipedia/articles/{article.id}/revisions/2"))
    assert "- Senin sampai Jumat" in diff and "+ Senin sampai Kamis" in diff
    page = html(browser.get(f"/haipedia/articles/{article.id}"))
    response = browser.post(
        f"/haipedia/articles/{article.id}/act/restore",
        {"restore-row_version": row_version(page, "restore"), "restore-revision": "1"},
    )
    assert response.status_code == 302
    db_session.refresh(article)
    assert [r.number for r in article.revisions] == [1, 2, 3]
    assert article.body == "Senin sampai Jumat 08.00-16.00 WIB."
    assert article.revisions[2].note == "Dipulihkan dari revisi 1"
    # A stale form is refused, nothing overwritten.
    response = browser.post(
        f"/haipedia/articles/{article.id}/edit",
        form(title="Tertimpa", row_version="1"),
    )
    assert response.status_code == 409
    db_session.refresh(article)
    assert article.title == "Jam layanan CSO KPPN"


def test_answered_ticket_becomes_a_draft_in_one_step(login_as, people, db_session):
    from hai.tickets import services as tickets
    from tests.tickets.conftest import scope

    sc = scope(db_session, "ITSM.01.04.01.a")
    ticket = tickets.create_ticket(
        channel_code="call_center",
        received_at=utcnow(),
        requester=tickets.RequesterData(name="Sri", email="sri@satker.go.id", user_type=1),
        subject="Bagaimana menambah user operator SAKTI?",
        description="",
        scope=sc,
        service=sc.service,
        now=utcnow(),
        actor=people["l1"],
    )
    tickets.take(ticket, actor=people["l1"], now=utcnow())
    db_session.commit()
    browser = login_as(people["l1"])
    assert "Jadikan draf artikel" not in html(browser.get(f"/tickets/{ticket.id}"))
    tickets.answer(
        ticket, "Admin satker menambah user di menu Administrasi.", actor=people["l1"], now=utcnow()
    )
    db_session.commit()
    page = html(browser.get(f"/tickets/{ticket.id}"))
    assert "Jadikan draf artikel" in page
    response = browser.post(f"/tickets/{ticket.id}/to-article", {})
    assert response.status_code == 302 and "/edit" in response.headers["Location"]
    article = services.article_from_ticket(ticket)
    assert article.title == "Bagaimana menambah user operator SAKTI?"
    assert article.body == "Admin satker menambah user di menu Administrasi."
    assert (article.service_code, article.scope_code) == (sc.service.code, sc.code)
    assert article.origin is ArticleOrigin.TICKET and article.audience is Audience.INTERNAL
    assert article.status is ArticleStatus.DRAFT
    # Once per ticket: a second click opens the same article.
    response = browser.post(f"/tickets/{ticket.id}/to-article", {})
    assert response.headers["Location"].endswith(f"/haipedia/articles/{article.id}")


def test_cso_question_and_answer_lands_in_the_review_queue(api, people, db_session, login_fresh):
    from sqlalchemy import update

    from hai.auth.models import User
    from hai.org.models import OrgUnit

    kppn = db_session.scalar(select(OrgUnit).where(OrgUnit.code == "KPPN-JKT1"))
    db_session.execute(update(User).where(User.id == people["cso"].id).values(unit_id=kppn.id))
    db_session.commit()
    response = api.post(
        "/api/v1/tickets",
        {
            "channel": "hai_cso",
            "requester": {"name": "Tamu KPPN", "user_type": 1},
            "subject": "Syarat pengajuan retur SP2D",
            "service_code": "BCSM.02.01",
            "cso_email": people["cso"].email,
            "answer": "Lampirkan surat keterangan bank dan perbaikan rekening.",
            "close": True,
        },
    )
    assert response.status_code == 201, response.get_json()
    article = db_session.scalar(select(Article).where(Article.origin == ArticleOrigin.HAI_CSO))
    assert article.status is ArticleStatus.IN_REVIEW
    assert article.title == "Syarat pengajuan retur SP2D"
    assert article.source_ticket.number == response.get_json()["number"]
    assert article.live_revision_id is None and article.audience is Audience.INTERNAL
    page = html(login_fresh(people["manajer"]).get("/haipedia/articles?tab=cso"))
    assert "Syarat pengajuan retur SP2D" in page


def test_release_notes_and_past_review_dates(login_as, people, db_session, write):
    note = write(
        "Rilis SAKTI 2026.2: modul komitmen",
        kind=ArticleKind.RELEASE_NOTE,
    )
    overdue = write("Artikel lama tentang SPAN", author=people["l2"])
    overdue.review_by = date.today() - timedelta(days=3)
    db_session.commit()
    owner = login_as(people["l2"])
    page = html(owner.get("/haipedia/articles?tab=overdue"))
    assert "Artikel lama tentang SPAN" in page
    assert "Rilis SAKTI" not in page
    page = html(owner.get("/haipedia/articles?tab=release_notes"))
    assert "Rilis SAKTI 2026.2" in page and note.kind.value == "release_note"


def test_overdue_list_is_the_owners(login_as, people, db_session, write):
    overdue = write("Artikel lama tentang SPAN", author=people["l2"])
    overdue.review_by = date.today() - timedelta(days=3)
    db_session.commit()
    other = login_as(people["l1"])
    assert "Artikel lama tentang SPAN" not in html(other.get("/haipedia/articles?tab=overdue"))

"""Articles in use: the ticket page's suggestions and one-click insertion (the link is
the usefulness count), the portal's suggestions and deflection record, the public vote."""

from __future__ import annotations

from sqlalchemy import select

from hai.db_types import utcnow
from hai.haipedia.models import ArticleRead, ArticleTicketLink, ArticleVote, Audience
from hai.haipedia.queries import usage_of
from tests.haipedia.conftest import html


def _ticket(db_session, people, subject="Lupa kata sandi SAKTI operator"):
    from hai.tickets import services as tickets
    from tests.tickets.conftest import scope

    sc = scope(db_session, "ITSM.01.04.01.a")
    ticket = tickets.create_ticket(
        channel_code="call_center",
        received_at=utcnow(),
        requester=tickets.RequesterData(name="Sri", email="sri@satker.go.id", user_type=1),
        subject=subject,
        description="",
        scope=sc,
        service=sc.service,
        now=utcnow(),
        actor=people["l1"],
    )
    tickets.take(ticket, actor=people["l1"], now=utcnow())
    db_session.commit()
    return ticket


def test_ticket_page_suggests_and_inserts_an_article(db_session, people, login_as, write):
    public = write("Lupa kata sandi SAKTI", "Pilih **Lupa kata sandi** di halaman masuk.")
    internal = write(
        "Reset manual sandi SAKTI oleh admin", "Hanya tim SITP.", audience=Audience.INTERNAL
    )
    ticket = _ticket(db_session, people)
    browser = login_as(people["l1"])
    page = html(browser.get(f"/tickets/{ticket.id}"))
    assert f"/tickets/{ticket.id}/articles" in page  # the box loads itself
    box = html(browser.htmx_get(f"/tickets/{ticket.id}/articles"))
    assert f"/haipedia/articles/{public.id}" in box and f"/haipedia/articles/{internal.id}" in box
    assert "Sisipkan ke balasan" in box and "Catat sebagai rujukan" in box
    assert "<html" not in box
    response = browser.post(f"/tickets/{ticket.id}/articles/{public.id}/use", {})
    assert response.status_code == 302 and f"sisip={public.id}" in response.headers["Location"]
    page = html(browser.get(response.headers["Location"]))
    assert "Pilih Lupa kata sandi di halaman masuk." in page  # in the reply box, as text
    assert f"/haipedia/{public.id}" in page
    # An internal article is recorded, never put into a reply to the requester.
    response = browser.post(f"/tickets/{ticket.id}/articles/{internal.id}/use", {})
    assert "sisip" not in response.headers["Location"]
    links = db_session.scalars(
        select(ArticleTicketLink.article_id).where(ArticleTicketLink.ticket_id == ticket.id)
    ).all()
    assert sorted(links) == sorted([public.id, internal.id])
    # Twice is still one link.
    browser.post(f"/tickets/{ticket.id}/articles/{public.id}/use", {})
    assert usage_of(public).tickets == 1
    assert "1 tiket" in html(browser.get(f"/haipedia/articles/{public.id}"))


def test_only_handlers_insert_and_only_live_articles(db_session, people, login_as, write):
    draft = write("Draf lupa kata sandi", publish=False)
    ticket = _ticket(db_session, people)
    browser = login_as(people["l1"])
    assert browser.post(f"/tickets/{ticket.id}/articles/{draft.id}/use", {}).status_code == 404


def test_portal_suggests_public_articles_and_records_deflection(
    db_session, requester, portal_login, write, submit_ticket
):
    article = write("Cara rekam data supplier", "Rekam di SAKTI modul Komitmen.")
    browser = portal_login(requester)
    box = html(browser.htmx_get("/portal/saran?subject=rekam+suppl"))
    assert f"/portal/artikel/{article.id}" in box
    page = html(browser.get(f"/portal/artikel/{article.id}?q=rekam+supplier"))
    assert "Rekam di SAKTI modul Komitmen." in page
    assert f"/portal/artikel/{article.id}/dibaca" in page and '"rekam supplier"' in page
    assert db_session.scalar(select(ArticleRead)) is None  # GET changes nothing
    # The page's htmx call records the read.
    fragment = html(
        browser.post(
            f"/portal/artikel/{article.id}/dibaca",
            {"value": "rekam supplier"},
            headers={"HX-Request": "true"},
        )
    )
    read = db_session.scalar(select(ArticleRead).where(ArticleRead.article_id == article.id))
    assert (read.user_id, read.query, read.ticket_id) == (requester.id, "rekam supplier", None)
    assert f'value="{read.id}"' in fragment
    response = browser.post(f"/portal/artikel/{article.id}/terjawab", {"value": str(read.id)})
    assert response.status_code == 302
    db_session.refresh(read)
    assert read.answered is True
    usage = usage_of(article)
    assert (usage.reads, usage.deflected) == (1, 1)
    # Read, then submitted anyway: that read is not a deflection.
    browser.get(f"/portal/artikel/{article.id}")
    browser.post(f"/portal/artikel/{article.id}/dibaca", {"value": ""})
    ticket = submit_ticket(browser)
    second = db_session.scalars(
        select(ArticleRead).where(ArticleRead.article_id == article.id).order_by(ArticleRead.id)
    ).all()[-1]
    assert second.ticket_id == ticket.id
    assert (usage_of(article).reads, usage_of(article).deflected) == (2, 1)


def test_someone_elses_read_cannot_be_marked(
    db_session, requester, register, portal_login, login_fresh, write
):
    from tests.portal.conftest import PASSWORD

    article = write("Cara rekam data supplier", "Isi.")
    browser = portal_login(requester)
    browser.get(f"/portal/artikel/{article.id}")
    browser.post(f"/portal/artikel/{article.id}/dibaca", {"value": ""})
    read = db_session.scalar(select(ArticleRead))
    other = login_fresh(register("lain@satker-uji.go.id"), PASSWORD)
    response = other.post(f"/portal/artikel/{article.id}/terjawab", {"value": str(read.id)})
    assert response.status_code == 404


def test_answered_without_javascript_records_the_read(db_session, requester, portal_login, write):
    article = write("Cara rekam data supplier", "Isi.")
    browser = portal_login(requester)
    browser.get(f"/portal/artikel/{article.id}")
    assert browser.post(f"/portal/artikel/{article.id}/terjawab", {"value": ""}).status_code == 302
    read = db_session.scalar(select(ArticleRead))
    assert read.answered is True and read.user_id == requester.id


def test_vote_once_per_browser_session_with_csrf(client, browser, db_session, write):
    article = write("Jadwal rekonsiliasi", "Setiap bulan.")
    page = html(browser.get(f"/haipedia/{article.id}"))
    assert "Apakah artikel ini membantu?" in page
    assert (
        browser.post(f"/haipedia/{article.id}/vote", {"value": "yes"}, csrf=False).status_code
        == 400
    )
    response = browser.post(
        f"/haipedia/{article.id}/vote", {"value": "yes"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Terima kasih" in html(response)
    browser.post(f"/haipedia/{article.id}/vote", {"value": "no"})
    votes = db_session.scalars(
        select(ArticleVote).where(ArticleVote.article_id == article.id)
    ).all()
    assert [v.helpful for v in votes] == [True]
    assert "Terima kasih" in html(browser.get(f"/haipedia/{article.id}"))
    assert browser.post(f"/haipedia/{article.id}/vote", {"value": "maybe"}).status_code == 400


def test_vote_refused_on_an_internal_article(browser, write):
    internal = write("Internal", "Rahasia.", audience=Audience.INTERNAL)
    browser.get("/haipedia")
    assert browser.post(f"/haipedia/{internal.id}/vote", {"value": "yes"}).status_code == 404

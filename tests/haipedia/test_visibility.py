"""Internal articles never reach the public side or a requester (Pasal 12(4)c): not by
search, suggestion, direct URL or the chatbot; nor do drafts or unpublished edits."""

from __future__ import annotations

from hai.db_types import utcnow
from hai.haipedia import services
from hai.haipedia.models import Audience
from tests.haipedia.conftest import html

SECRET = "Prosedur internal eskalasi gangguan SPAN"


def test_internal_article_is_hidden_from_the_public(client, write):
    internal = write(SECRET, "Nomor darurat tim SPAN: rahasia.", audience=Audience.INTERNAL)
    public = write("Gangguan SPAN yang umum", "Coba lagi setelah 15 menit.")
    page = html(client.get("/haipedia?q=gangguan+span"))
    assert f"/haipedia/{public.id}" in page and f"/haipedia/{internal.id}" not in page
    assert "eskalasi" not in page and "darurat" not in page
    fragment = html(client.get("/haipedia?q=gangguan+span", headers={"HX-Request": "true"}))
    assert f"/haipedia/{public.id}" in fragment and "eskalasi" not in fragment
    assert "<html" not in fragment
    assert client.get(f"/haipedia/{internal.id}").status_code == 404
    assert client.get(f"/haipedia/{public.id}").status_code == 200
    assert SECRET not in html(client.get("/haipedia"))


def test_internal_article_is_hidden_from_requesters(requester, portal_login, write):
    internal = write(SECRET, "Rahasia.", audience=Audience.INTERNAL)
    public = write("Gangguan SPAN yang umum", "Coba lagi nanti.")
    browser = portal_login(requester)
    suggestions = html(browser.htmx_get("/portal/saran?subject=gangguan+span"))
    assert f"/portal/artikel/{public.id}" in suggestions
    assert f"/portal/artikel/{internal.id}" not in suggestions and "eskalasi" not in suggestions
    assert browser.get(f"/portal/artikel/{internal.id}").status_code == 404
    assert browser.get(f"/haipedia/{internal.id}").status_code == 404
    # Staff pages are not theirs at all.
    assert browser.get(f"/haipedia/articles/{internal.id}").status_code == 403
    assert browser.get("/haipedia/articles?q=span").status_code == 403


def test_internal_article_is_never_the_chatbots_answer(api, write):
    write(SECRET, "Rahasia.", audience=Audience.INTERNAL)
    body = api.post("/api/v1/haipedia/answer", {"question": SECRET}).get_json()
    assert body["answered"] is False and body["article"] is None


def test_drafts_and_pending_edits_stay_unpublished(client, db_session, write, people):
    draft = write("Draf jawaban publik", publish=False)
    assert client.get(f"/haipedia/{draft.id}").status_code == 404
    article = write("Jadwal layanan KPPN", "Senin sampai Jumat.", audience=Audience.INTERNAL)
    # An edit that would open it to the public waits for the reviewer.
    services.edit_article(
        article,
        services.ArticleData(
            title="Jadwal layanan KPPN", body="Senin-Jumat 08.00.", audience=Audience.PUBLIC
        ),
        actor=people["l1"],
        now=utcnow(),
    )
    db_session.commit()
    assert client.get(f"/haipedia/{article.id}").status_code == 404
    assert "Jadwal layanan" not in html(client.get("/haipedia?q=jadwal+layanan"))
    services.publish(article, actor=people["manajer"], now=utcnow())
    db_session.commit()
    assert client.get(f"/haipedia/{article.id}").status_code == 200
    # Archived: gone from the public side.
    services.archive(article, "Usang", actor=people["manajer"], now=utcnow())
    db_session.commit()
    assert client.get(f"/haipedia/{article.id}").status_code == 404


def test_public_page_shows_only_the_live_revision(client, db_session, write, people):
    article = write("Cara cek status SP2D", "Buka OM SPAN menu Monitoring.")
    services.edit_article(
        article,
        services.ArticleData(
            title="Cara cek status SP2D",
            body="Catatan internal belum ditinjau.",
            audience=Audience.PUBLIC,
        ),
        actor=people["l1"],
        now=utcnow(),
    )
    db_session.commit()
    page = html(client.get(f"/haipedia/{article.id}"))
    assert "Buka OM SPAN" in page and "belum ditinjau" not in page

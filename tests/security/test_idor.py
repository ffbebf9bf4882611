"""Cross-object tries (IDOR): every kind of record, by id, through every read path —
pages, fragments, downloads, lists and search, POSTs, the public side and the API."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.org.models import OrgUnit
from tests.api.conftest import ApiClient
from tests.tickets.conftest import scope as catalog_scope


def _confidential_ticket(app, db_session, recorder):
    """A WBSM.01 complaint (confidential) recorded by ``recorder``, with a file."""
    from hai.attachments.services import attach_files
    from hai.tickets.services import RequesterData, create_ticket

    wbsm = catalog_scope(db_session, "WBSM.01.01")
    ticket = create_ticket(
        channel_code="email",
        received_at=utcnow(),
        requester=RequesterData(name="Pelapor Rahasia", email="pelapor@test.hai", user_type=7),
        subject="Pengaduan rahasia kode etik",
        description="Isi pengaduan.",
        scope=wbsm,
        service=wbsm.service,
        now=utcnow(),
        actor=recorder,
    )
    db_session.flush()
    [attachment] = attach_files(
        [FileStorage(stream=io.BytesIO(b"bukti pengaduan\n"), filename="bukti.txt")],
        owner_type="ticket",
        owner_id=ticket.id,
        uploader=recorder,
        now=utcnow(),
        root=Path(app.config["UPLOAD_FOLDER"]),
    )
    db_session.commit()
    assert ticket.confidential
    return ticket, attachment


# --- tickets and their attachments -------------------------------------------------------


def test_a_confidential_complaint_is_hidden_on_every_path(app, db_session, make_user, signed_in):
    manajer = make_user(Role.MANAJER_LAYANAN)
    ticket, attachment = _confidential_ticket(app, db_session, manajer)
    tid = ticket.id
    # Roles that see every non-confidential ticket, and one that handles them.
    for role in (Role.AGEN_L1, Role.QA, Role.AGEN_L2, Role.CSO):
        browser = signed_in(make_user(role))
        for url in (
            f"/tickets/{tid}",
            f"/tickets/{tid}/attachments/{attachment.id}",
            f"/tickets/{tid}/articles",
            f"/tickets/{tid}/masalah",
        ):
            assert browser.get(url).status_code == 404, (role, url)
        listing = browser.get(f"/tickets?queue=all&q={ticket.number}").get_data(as_text=True)
        assert "Pengaduan rahasia" not in listing, role
        if role is not Role.QA:  # QA has no handling rights at all (403 before the lookup)
            posted = browser.post(f"/tickets/{tid}/act/note", {"body": "x"}).status_code
            assert posted == 404, role
    assert signed_in(manajer).get(f"/tickets/{tid}").status_code == 200


def test_a_requester_cannot_reach_a_ticket_through_the_staff_pages(objects, db_session, signed_in):
    from hai.auth.models import User

    owner = signed_in(db_session.get(User, objects["portal_user_id"]))
    tid, aid = objects["portal_ticket_id"], objects["portal_attachment_id"]
    for url in (f"/tickets/{tid}", f"/tickets/{tid}/attachments/{aid}", "/tickets"):
        assert owner.get(url).status_code == 403, url


def test_an_attachment_id_of_another_ticket_is_not_served_through_mine(
    objects, db_session, signed_in
):
    from hai.auth.models import User

    owner = signed_in(db_session.get(User, objects["portal_user_id"]))
    mine, theirs = objects["portal_ticket_id"], objects["attachment_id"]
    assert owner.get(f"/portal/tiket/{mine}/lampiran/{theirs}").status_code == 404
    assert (
        owner.get(f"/portal/tiket/{mine}/lampiran/{objects['disaster_attachment_id']}").status_code
        == 404
    )


def test_an_integration_reads_and_updates_only_its_own_tickets(app, objects, db_session):
    from hai.api.tokens import issue_token

    _, first = issue_token("WhatsApp HAI", now=utcnow())
    _, second = issue_token("Integrasi lain", now=utcnow())
    db_session.commit()
    a, b = ApiClient(app.test_client(), first), ApiClient(app.test_client(), second)
    created = a.post(
        "/api/v1/tickets",
        {"channel": "whatsapp", "requester": {"name": "Budi"}, "subject": "Status SP2D"},
    )
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["number"]
    assert a.get(f"/api/v1/tickets/{number}").status_code == 200
    assert b.get(f"/api/v1/tickets/{number}").status_code == 404
    patch = {"impact": "high", "urgency": "high"}
    assert b.patch(f"/api/v1/tickets/{number}", patch).status_code == 404
    from hai.tickets.models import Ticket

    for ticket_id in (objects["portal_ticket_id"], objects["ticket_id"]):
        other = db_session.get(Ticket, ticket_id).number
        for client in (a, b):
            assert client.get(f"/api/v1/tickets/{other}").status_code == 404
            assert client.patch(f"/api/v1/tickets/{other}", patch).status_code == 404
    assert db_session.get(Ticket, objects["ticket_id"]).impact is None


# --- QA evaluations ---------------------------------------------------------------------------


def test_an_agent_cannot_open_or_answer_another_agents_evaluation(objects, make_user, signed_in):
    eid = objects["evaluation_id"]
    for role in (Role.AGEN_L1, Role.AGEN_L2):
        browser = signed_in(make_user(role))
        assert browser.get(f"/qa/evaluasi/{eid}").status_code == 404, role
        assert browser.post(f"/qa/evaluasi/{eid}/tanggapan", {"response": "x"}).status_code == 404
        listing = browser.get("/qa").get_data(as_text=True)
        assert f"/qa/evaluasi/{eid}" not in listing, role


# --- disaster reports ------------------------------------------------------------------------


def test_an_office_coordinator_sees_only_their_own_offices_reports(
    objects, db_session, make_user, signed_in
):
    from hai.disasters.models import DisasterReport

    report = db_session.get(DisasterReport, objects["report_id"])
    own = signed_in(make_user(Role.KOORDINATOR_BCM, unit_id=report.office_unit_id))
    other_unit = db_session.scalar(
        select(OrgUnit).where(OrgUnit.id != report.office_unit_id).limit(1)
    )
    other = signed_in(make_user(Role.KOORDINATOR_BCM, unit_id=other_unit.id))
    rid, photo = report.id, objects["disaster_attachment_id"]
    pages = [f"/bencana/{rid}", f"/bencana/{rid}/cetak", f"/bencana/{rid}/foto/{photo}"]
    for url in pages:
        assert own.get(url).status_code == 200, url
        assert other.get(url).status_code == 404, url
    assert report.number in own.get("/bencana?status=all").get_data(as_text=True)
    assert report.number not in other.get("/bencana?status=all").get_data(as_text=True)
    assert other.post(f"/bencana/{rid}/aksi/clarify", {}).status_code == 404
    # HAI-DJPb's staff and the disaster team see every office's reports.
    for role in (Role.AGEN_L1, Role.KETUA_TIM_BENCANA, Role.KOORDINATOR):
        assert signed_in(make_user(role)).get(f"/bencana/{rid}").status_code == 200, role


# --- HAIPEDIA internal articles --------------------------------------------------------------


@pytest.fixture
def internal_article(db_session, make_user):
    from hai.haipedia import services
    from hai.haipedia.models import Audience

    manajer = make_user(Role.MANAJER_LAYANAN)
    article = services.create_article(
        services.ArticleData(
            title="Prosedur internal eskalasi rahasia",
            body="Hanya untuk petugas: nomor darurat 0800-RAHASIA.",
            audience=Audience.INTERNAL,
        ),
        actor=manajer,
        now=utcnow(),
    )
    services.publish(article, actor=manajer, now=utcnow())
    db_session.commit()
    return article


def test_an_internal_article_never_reaches_the_public_or_requesters(
    internal_article, client, make_user, signed_in
):
    from tests.conftest import Browser

    aid = internal_article.id
    anonymous = Browser(client)
    requester = signed_in(make_user(Role.PENGGUNA))
    assert anonymous.get(f"/haipedia/{aid}").status_code == 404
    assert anonymous.post(f"/haipedia/{aid}/vote", {"helpful": "1"}).status_code == 404
    for browser in (anonymous, requester):
        for url in ("/haipedia?q=eskalasi+rahasia", "/haipedia?q=0800-RAHASIA", "/haipedia"):
            page = browser.get(url).get_data(as_text=True)
            assert "Prosedur internal" not in page and "nomor darurat" not in page, url
    assert requester.get(f"/portal/artikel/{aid}").status_code == 404
    assert requester.post(f"/portal/artikel/{aid}/dibaca", {}).status_code == 404
    assert requester.get("/portal/saran?subject=eskalasi+rahasia").status_code == 200
    assert "Prosedur internal" not in requester.get(
        "/portal/saran?subject=eskalasi+rahasia"
    ).get_data(as_text=True)
    assert requester.get(f"/haipedia/articles/{aid}").status_code == 403


# --- problem reports and RFCs ----------------------------------------------------------------


def test_a_draft_problem_report_is_its_authors_alone(db_session, make_user, signed_in):
    from hai.reports import services

    author = make_user(Role.AGEN_L1)
    report = services.create_problem_report(
        {"title": "Draf laporan rahasia", "problems": "Belum selesai.", "ticket_numbers": []},
        now=utcnow(),
        actor=author,
    )
    db_session.commit()
    rid = report.id
    assert signed_in(author).get(f"/laporan/{rid}").status_code == 200
    for role in (Role.AGEN_L1, Role.AGEN_L2, Role.KEPALA_SEKSI, Role.QA, Role.KOORDINATOR):
        browser = signed_in(make_user(role))
        for url in (f"/laporan/{rid}", f"/laporan/{rid}.xlsx", f"/laporan/{rid}.pdf"):
            assert browser.get(url).status_code in (403, 404), (role, url)
        assert browser.post(f"/laporan/{rid}", {}).status_code in (403, 404), role
        assert browser.post(f"/laporan/{rid}/sampaikan", {}).status_code in (403, 404), role
        assert "Draf laporan rahasia" not in browser.get("/laporan/permasalahan").get_data(
            as_text=True
        )


def test_an_rfc_is_its_requesters_alone_on_the_portal(objects, make_user, signed_in):
    stranger = signed_in(make_user(Role.PENGGUNA))
    cid = objects["change_id"]
    assert stranger.get(f"/portal/perubahan/{cid}").status_code == 404
    assert "Uji akses RFC" not in stranger.get("/portal/perubahan").get_data(as_text=True)
    assert stranger.get(f"/perubahan/{cid}").status_code == 403

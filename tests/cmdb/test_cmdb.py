"""Configuration items (PER-8 Pasal 22(5)): seeded from the catalog, suggested for
tickets, and the page that answers "what is broken where, and who owns it"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from hai.auth.roles import Role
from hai.cmdb import queries, services
from hai.cmdb.models import ConfigurationItem
from hai.db_types import utcnow
from hai.problems import services as problems
from hai.tickets import services as tickets
from hai.tickets.models import TicketType
from hai.web.timefmt import WIB
from tests.problems.conftest import scope_of


def _ci(db_session, code: str) -> ConfigurationItem:
    return db_session.scalar(select(ConfigurationItem).where(ConfigurationItem.code == code))


def _ticket(db_session, agent, code: str, *, type_=TicketType.DISRUPTION, subject="Galat"):
    received = utcnow()
    ticket = tickets.create_ticket(
        channel_code="email",
        received_at=received,
        requester=tickets.RequesterData(name="Pemohon", email="p@satker.test", user_type=1),
        subject=subject,
        description="",
        ticket_type=type_,
        scope=scope_of(code, received.astimezone(WIB)),
        now=received,
        actor=agent,
    )
    db_session.flush()
    return ticket


def test_seed_items_have_owners_and_catalog_codes(db_session):
    span, sakti, net = (_ci(db_session, c) for c in ("SPAN", "SAKTI", "INFRA-JARINGAN"))
    assert span.owner_unit.code == "DIT-SP" and sakti.owner_unit.code == "DIT-SP"
    assert net.owner_unit.code == "DIT-SITP"
    assert "ITSM.01.03" in span.service_codes
    # Loading again adds nothing.
    from hai.cmdb.seed import load_configuration_items

    assert load_configuration_items(now=utcnow()) == 0


def test_the_item_is_suggested_from_the_ticket_scope(db_session, make_user):
    agent = make_user(Role.AGEN_L1)
    ticket = _ticket(db_session, agent, "ITSM.01.03.02")
    assert services.suggest_ci(ticket).code == "SPAN"
    assert services.suggest_ci(_ticket(db_session, agent, "ITSM.02.03")).code == "INFRA-BASISDATA"
    assert services.suggest_ci(_ticket(db_session, agent, "BCSM.02.01.03")).code == "BP-PEMBAYARAN"


def test_version_qualified_codes_match_only_their_version():
    ci = ConfigurationItem(code="X", name="X", service_codes=["2023.0:ITSM.02.03", "ITSM.01.03"])
    assert ci.match_length("2023.0", "ITSM.02.03.01") == len("ITSM.02.03")
    assert ci.match_length("2023.1", "ITSM.02.03") == 0
    assert ci.match_length("2023.1", "ITSM.01.03.04.a") == len("ITSM.01.03")
    assert ci.match_length("2023.1", "ITSM.01.030") == 0


def test_ci_page_lists_open_disruptions_and_problems(db_session, make_user, signed_in):
    agent, manajer = make_user(Role.AGEN_L1), make_user(Role.MANAJER_LAYANAN)
    sakti, span = _ci(db_session, "SAKTI"), _ci(db_session, "SPAN")
    by_scope = _ticket(db_session, agent, "ITSM.01.04.03", subject="SAKTI galat pembayaran")
    recorded = _ticket(db_session, agent, "BCSM.02.01.03", subject="Galat dicatat ke SAKTI")
    tickets.set_configuration_item(recorded, sakti, actor=agent, now=utcnow())
    question = _ticket(
        db_session, agent, "ITSM.01.04.03", type_=TicketType.QUESTION, subject="Tanya"
    )
    closed = _ticket(db_session, agent, "ITSM.01.04.03", subject="Sudah selesai")
    tickets.answer(closed, "Selesai.", actor=agent, now=utcnow())
    tickets.confirm_and_close(closed, "", actor=agent, now=utcnow())
    elsewhere = _ticket(db_session, agent, "ITSM.01.03.01", subject="SPAN galat")
    problem = problems.create_problem(
        title="Galat modul pembayaran SAKTI",
        description="",
        ci=sakti,
        ticket_list=[by_scope],
        actor=manajer,
        now=utcnow(),
    )
    db_session.commit()
    related = queries.related_records(sakti, user=agent)
    assert related.open_disruption_count == 2
    assert {t.id for t in related.open_disruptions} == {by_scope.id, recorded.id}
    assert [p.id for p in related.problems] == [problem.id]
    browser = signed_in(agent)
    page = browser.get(f"/ci/{sakti.id}").get_data(as_text=True)
    assert by_scope.number in page and recorded.number in page and problem.number in page
    assert question.number not in page and closed.number not in page
    assert elsewhere.number not in page
    assert "Direktorat Sistem Perbendaharaan" in page
    assert elsewhere.number in browser.get(f"/ci/{span.id}").get_data(as_text=True)
    overview = browser.get("/ci").get_data(as_text=True)
    assert (
        "SAKTI" in overview
        and "Direktorat Sistem Informasi dan Teknologi Perbendaharaan" in overview
    )


def test_handlers_set_the_ticket_item_from_the_ticket_page(db_session, make_user, signed_in):
    agent = make_user(Role.AGEN_L1)
    ticket = _ticket(db_session, agent, "ITSM.01.04.03")
    sakti = _ci(db_session, "SAKTI")
    db_session.commit()
    browser = signed_in(agent)
    browser.get(f"/tickets/{ticket.id}")
    assert browser.post(f"/tickets/{ticket.id}/ci", {"ci_id": "999999"}).status_code == 422
    assert browser.post(f"/tickets/{ticket.id}/ci", {"ci_id": str(sakti.id)}).status_code == 302
    db_session.refresh(ticket)
    assert ticket.ci_id == sakti.id
    assert any(e.action == "ci_set" for e in ticket.events)
    requester = signed_in(make_user(Role.PENGGUNA))
    assert requester.post(f"/tickets/{ticket.id}/ci", {"ci_id": ""}).status_code == 403
    assert requester.get("/ci").status_code == 403


def test_managers_edit_items_and_bad_input_writes_nothing(db_session, make_user, signed_in):
    admin = make_user(Role.ADMIN)
    agent = make_user(Role.AGEN_L1)
    db_session.commit()
    assert signed_in(agent).get("/ci/new").status_code == 403
    browser = signed_in(admin)
    browser.get("/ci/new")
    unit = _ci(db_session, "SPAN").owner_unit_id
    before = db_session.scalar(select(func.count()).select_from(ConfigurationItem))
    data = {
        "code": "e-kontrak",
        "name": "Aplikasi e-Kontrak",
        "kind": "application",
        "owner_unit_id": str(unit),
        "service_codes": "ITSM.99.99",
        "is_active": "y",
    }
    response = browser.post("/ci/new", data)
    assert response.status_code == 422
    assert 'id="service_codes-error"' in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(ConfigurationItem)) == before
    data["service_codes"] = "ITSM.01.03\n2023.0:ITSM.01.02"
    response = browser.post("/ci/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item = _ci(db_session, "E-KONTRAK")
    assert item.service_codes == ["ITSM.01.03", "2023.0:ITSM.01.02"]
    page = browser.get(f"/ci/{item.id}/edit")
    assert page.status_code == 200
    data.update(code="SPAN", row_version=str(item.row_version))
    response = browser.post(f"/ci/{item.id}/edit", data)
    assert response.status_code == 422
    assert "sudah dipakai" in response.get_data(as_text=True)


def test_related_records_without_a_user_lists_no_ticket_rows(db_session, make_user):
    agent = make_user(Role.AGEN_L1)
    _ticket(db_session, agent, "ITSM.01.04.03")
    related = queries.related_records(_ci(db_session, "SAKTI"))
    assert related.open_disruption_count == 1 and related.open_disruptions == []
    assert isinstance(related.ci.created_at, datetime)

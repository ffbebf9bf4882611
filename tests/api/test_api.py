"""REST API v1 as an integration uses it: every endpoint, its successes and refusals."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from hai.api.models import ApiCall
from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.tickets.models import Level, Ticket, TicketEvent, TicketStatus
from hai.web.timefmt import WIB

REQUESTER = {
    "name": "Sri Operator",
    "email": "sri@satker.go.id",
    "phone": "0811",
    "user_type": 8,
    "unit": "Satker Uji",
    "satker_code": "123456",
}


def new(**over) -> dict:
    body = {
        "channel": "whatsapp",
        "requester": dict(REQUESTER),
        "service_code": "ITSM.01.04.01.a",
        "subject": "Tidak bisa login SAKTI",
        "description": "Muncul pesan kesalahan.",
    }
    body.update(over)
    return body


def tickets(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Ticket))


def test_create_ticket_then_read_it(api, db_session):
    received = (utcnow() - timedelta(minutes=5)).astimezone(WIB).isoformat(timespec="seconds")
    response = api.post("/api/v1/tickets", new(channel="portal", received_at=received))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["number"].startswith("HAI-") and data["status"] == "new"
    assert data["channel"] == "portal" and data["service_code"] == "ITSM.01.04.01.a"
    assert data["received_at"] == received and data["received_at"].endswith("+07:00")
    assert data["first_response_due_at"].endswith("+07:00") and data["priority"] is None
    assert data["resolution_due_at"] > data["first_response_due_at"]
    assert data["breached"] is False
    assert response.headers["Location"] == f"/api/v1/tickets/{data['number']}"
    ticket = db_session.scalar(select(Ticket).where(Ticket.number == data["number"]))
    created = db_session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
    assert created.actor_label == "Integrasi: WhatsApp HAI-DJPb"
    # "Lacak status tiket" (WhatsApp self-service) by number.
    again = api.get(f"/api/v1/tickets/{data['number']}")
    assert again.status_code == 200 and again.get_json() == data


def test_received_at_defaults_to_now_and_is_never_in_the_future(api, db_session):
    assert api.post("/api/v1/tickets", new()).status_code == 201
    before = tickets(db_session)
    future = (utcnow() + timedelta(hours=1)).isoformat()
    response = api.post("/api/v1/tickets", new(received_at=future))
    assert response.status_code == 422
    assert "received_at" in response.get_json()["error"]["fields"]
    naive = api.post("/api/v1/tickets", new(received_at="2026-03-02T09:00:00"))
    assert naive.get_json()["error"]["fields"]["received_at"].startswith("Waktu harus")
    assert tickets(db_session) == before


def test_unknown_service_code_and_missing_fields_name_every_field(api, db_session):
    before = tickets(db_session)
    response = api.post("/api/v1/tickets", new(service_code="XXXX.99"))
    assert response.status_code == 422
    assert "XXXX.99" in response.get_json()["error"]["fields"]["service_code"]
    response = api.post(
        "/api/v1/tickets",
        {"channel": "fax", "requester": {"user_type": 12}, "subject": ""},
    )
    fields = response.get_json()["error"]["fields"]
    assert response.status_code == 422
    assert set(fields) == {"channel", "requester.name", "requester.user_type", "subject"}
    assert tickets(db_session) == before


def test_user_type_without_access_is_forbidden_by_the_catalog_rule(api, db_session):
    before = tickets(db_session)
    requester = dict(REQUESTER, user_type=4)  # type 4 has no access to ITSM.01
    response = api.post("/api/v1/tickets", new(requester=requester))
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "forbidden_user_type" and "service_code" in error["fields"]
    assert tickets(db_session) == before


def test_malformed_bodies_get_400(api, app):
    assert api.post("/api/v1/tickets", [1, 2]).status_code == 400
    raw = app.test_client().post(
        "/api/v1/tickets",
        data="{not json",
        headers={**api.headers, "Content-Type": "application/json"},
    )
    assert raw.status_code == 400 and raw.get_json()["error"]["code"] == "bad_request"
    form = app.test_client().post("/api/v1/tickets", data={"a": "b"}, headers=api.headers)
    assert form.status_code == 400
    wrong_types = api.post("/api/v1/tickets", new(subject=5, requester="Sri", close="ya"))
    fields = wrong_types.get_json()["error"]["fields"]
    assert wrong_types.status_code == 422
    assert {"subject", "requester", "close"} <= set(fields)


def test_without_a_valid_token_401_and_the_session_does_not_count(
    app, db_session, token, make_user, login_as
):
    client = app.test_client()
    for url in ("/api/v1/tickets/HAI-2026-000001", "/api/v1/catalog"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.get("/api/v1/catalog", headers={"Authorization": "Bearer hai_salah"})
    assert bad.status_code == 401
    admin = login_as(make_user(Role.ADMIN))
    assert admin.get("/api/v1/catalog").status_code == 401
    # A revoked token stops working at once.
    from hai.api.tokens import revoke_token

    revoke_token(token[0], now=utcnow())
    db_session.commit()
    assert (
        client.get("/api/v1/catalog", headers={"Authorization": f"Bearer {token[1]}"}).status_code
        == 401
    )


def test_unknown_number_404(api):
    response = api.get("/api/v1/tickets/HAI-2026-999999")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert (
        api.patch(
            "/api/v1/tickets/HAI-2026-999999", {"impact": "high", "urgency": "high"}
        ).status_code
        == 404
    )


def test_patch_impact_and_urgency_sets_priority_and_due_date(api, db_session):
    number = api.post("/api/v1/tickets", new()).get_json()["number"]
    before = api.get(f"/api/v1/tickets/{number}").get_json()
    response = api.patch(f"/api/v1/tickets/{number}", {"impact": "high", "urgency": "high"})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["priority"] == "P1" and data["impact"] == "high"
    assert data["resolution_due_at"] != before["resolution_due_at"]
    wrong = api.patch(f"/api/v1/tickets/{number}", {"impact": "huge", "status": "closed"})
    fields = wrong.get_json()["error"]["fields"]
    assert wrong.status_code == 422 and set(fields) == {"impact", "urgency", "status"}
    assert api.get(f"/api/v1/tickets/{number}").get_json()["priority"] == "P1"


def test_catalog_now_and_on_a_date(api):
    now = api.get("/api/v1/catalog").get_json()
    assert now["version"]["code"] == "2023.1" and len(now["services"]) == 19
    broadcast = next(s for s in now["services"] if s["code"] == "BMSM.01")
    assert broadcast["user_types"] == [8, 9]
    old = api.get("/api/v1/catalog?at=2023-03-01").get_json()
    assert old["version"]["code"] == "2023.0" and len(old["services"]) == 12
    assert api.get("/api/v1/catalog?at=kemarin").status_code == 422
    assert api.get("/api/v1/catalog?at=1990-01-01").status_code == 404


def test_rate_limit_per_token(app, db_session):
    from hai.api.tokens import issue_token
    from tests.api.conftest import ApiClient

    _, secret = issue_token("Uji batas", now=utcnow(), rate_per_minute=2)
    db_session.commit()
    api = ApiClient(app.test_client(), secret)
    assert [api.get("/api/v1/catalog").status_code for _ in range(3)] == [200, 200, 429]
    limited = api.get("/api/v1/catalog")
    assert limited.headers["Retry-After"] == "60"
    assert limited.get_json()["error"]["code"] == "rate_limited"


def test_every_call_is_recorded(api, db_session, token):
    number = api.post("/api/v1/tickets", new()).get_json()["number"]
    api.get(f"/api/v1/tickets/{number}")
    api.post("/api/v1/tickets", new(service_code="XXXX"))
    calls = list(
        db_session.scalars(
            select(ApiCall).where(ApiCall.token_id == token[0].id).order_by(ApiCall.id)
        )
    )
    assert [(c.method, c.status) for c in calls] == [("POST", 201), ("GET", 200), ("POST", 422)]
    assert calls[0].ticket_id is not None and calls[1].ticket_id == calls[0].ticket_id
    db_session.refresh(token[0])
    assert token[0].last_used_at is not None


def test_hai_cso_walk_in_question_answered_and_closed_at_once(api, db_session, make_user):
    from tests.tickets.conftest import unit

    office = unit(db_session, "KPPN-JKT1")
    cso = make_user(Role.CSO, name="Eko CSO", unit_id=office.id)
    response = api.post(
        "/api/v1/tickets",
        new(
            channel="hai_cso",
            cso_email=cso.email,
            answer="Silakan gunakan menu Lupa Password.",
            close=True,
        ),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "closed"
    ticket = db_session.scalar(select(Ticket).where(Ticket.number == response.get_json()["number"]))
    assert ticket.level is Level.CSO and ticket.office_unit_id == office.id
    assert ticket.answered_by_id == cso.id and ticket.status is TicketStatus.CLOSED
    # Only an active CSO account may answer in the API's name.
    l1 = make_user(Role.AGEN_L1)
    refused = api.post("/api/v1/tickets", new(channel="hai_cso", cso_email=l1.email, answer="x"))
    assert refused.status_code == 422 and "cso_email" in refused.get_json()["error"]["fields"]
    no_cso = api.post("/api/v1/tickets", new(channel="hai_cso", answer="x"))
    assert "cso_email" in no_cso.get_json()["error"]["fields"]


def test_openapi_document_is_public_and_lists_the_channels(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.0")
    channels = doc["components"]["schemas"]["NewTicket"]["properties"]["channel"]["enum"]
    assert "whatsapp" in channels and "hai_cso" in channels and len(channels) == 10


def test_a_write_whose_commit_fails_answers_503_not_success(api, db_session, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from hai.extensions import db

    def down():
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    before = tickets(db_session)
    monkeypatch.setattr(db.session, "commit", down)
    response = api.post("/api/v1/tickets", new())
    assert response.status_code == 503
    assert response.get_json()["error"]["code"]
    monkeypatch.undo()
    assert tickets(db_session) == before

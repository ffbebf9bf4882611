"""Follow-up verification of escalated tickets (Pasal 6(3)g); trainings, certificates
and the intake form's warning (Pasal 6(3)h, 11)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.db_types import utcnow
from hai.errors import RuleError
from hai.extensions import db
from hai.qa import queries, services
from hai.qa.models import FollowUpCheck, TrainingTopic
from hai.tickets import services as tickets
from hai.tickets.models import Level, TicketEvent
from hai.web.timefmt import today_wib
from tests.qa.conftest import wib


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def escalated(people, make_ticket, directorate, make_user):
    """One ticket escalated to L2 and answered; one escalated, unanswered; one plain."""
    l1 = people["l1"]
    l2 = make_user(Role.AGEN_L2, unit_id=directorate.id)
    now = utcnow()
    answered = make_ticket(wib(2026, 3, 2, 9), "call_center", l1, subject="Eskalasi dijawab")
    tickets.escalate(answered, Level.L2, note="Perlu L2", actor=l1, now=now, team_unit=directorate)
    tickets.answer(answered, "Sudah diperbaiki.", actor=l2, now=now)
    waiting = make_ticket(wib(2026, 3, 2, 10), "email", l1, subject="Eskalasi belum dijawab")
    tickets.escalate(waiting, Level.KEPALA_SEKSI, note="Ke Kasi", actor=l1, now=now)
    plain = make_ticket(wib(2026, 3, 2, 11), "email", l1, subject="Tanpa eskalasi")
    tickets.answer(plain, "Jawaban.", actor=l1, now=now)
    db.session.commit()
    return {"answered": answered, "waiting": waiting, "plain": plain}


def test_qa_verifies_that_the_unit_contacted_the_user(people, escalated, signed_in, db_session):
    qa = signed_in(people["qa"])
    page = html(qa.get("/qa/verifikasi"))
    assert "Eskalasi dijawab" in page
    assert "Eskalasi belum dijawab" not in page and "Tanpa eskalasi" not in page
    ticket = escalated["answered"]
    prefix = f"t{ticket.id}"
    refused = qa.post(
        f"/qa/verifikasi/{ticket.id}", {f"{prefix}-contacted": "yes", f"{prefix}-note": "x"}
    )
    assert refused.status_code == 422 and "Pilih cara unit menghubungi" in html(refused)
    response = qa.post(
        f"/qa/verifikasi/{ticket.id}",
        {
            f"{prefix}-contacted": "yes",
            f"{prefix}-method": "phone",
            f"{prefix}-note": "Pengguna membenarkan ditelepon L2 pada 3 Maret.",
        },
    )
    assert response.status_code == 302
    check = db_session.scalar(select(FollowUpCheck).where(FollowUpCheck.ticket_id == ticket.id))
    assert check.contacted and check.method.value == "phone"
    event = db_session.get(TicketEvent, check.event_id)
    assert event.ticket_id == ticket.id and event.action == "follow_up_verified"
    assert event.kind.value == "note" and not event.kind.is_public  # internal
    assert "Telepon" in event.body and event.data["contacted"] is True
    # Done: gone from the list of what is still to verify, shown under "all".
    assert "Eskalasi dijawab" not in html(qa.get("/qa/verifikasi"))
    assert "Pengguna membenarkan" in html(qa.get("/qa/verifikasi?tampil=semua"))
    assert "Verifikasi QA" in html(qa.get(f"/tickets/{ticket.id}"))
    with pytest.raises(RuleError, match="sudah diverifikasi"):
        services.verify_follow_up(ticket, False, "", "lagi", actor=people["qa"], now=utcnow())


def test_only_answered_escalations_are_verified(people, escalated):
    with pytest.raises(RuleError, match="tiket eskalasi yang sudah dijawab"):
        services.verify_follow_up(
            escalated["waiting"], False, "", "Belum", actor=people["qa"], now=utcnow()
        )
    check = services.verify_follow_up(
        escalated["answered"], False, "", "Unit belum menelepon.", actor=people["qa"], now=utcnow()
    )
    assert not check.contacted and check.method is None


def _training(people, topic: TrainingTopic, attendees, held_on=None):
    training = services.record_training(
        services.TrainingData("Pelatihan uji", topic.value, held_on or date(2026, 1, 10), 8),
        actor=people["qa"],
        now=utcnow(),
    )
    services.set_attendance(training, [u.id for u in attendees], actor=people["qa"], now=utcnow())
    return training


def test_a_certificate_needs_both_trainings_of_pasal_11(people, db_session):
    l1 = people["l1"]
    _training(people, TrainingTopic.INFORMATION, [l1])

    def issue(**over):
        args = (
            dict(
                number="CC/1",
                issuer="Setditjen",
                issued_on=date(2026, 2, 1),
                expires_on=date(2028, 2, 1),
                actor=people["qa"],
                now=utcnow(),
            )
            | over
        )
        return services.issue_certificate(l1, **args)

    with pytest.raises(RuleError, match="komunikasi"):
        issue()
    _training(people, TrainingTopic.COMMUNICATION, [l1])
    with pytest.raises(RuleError, match="setelah tanggal terbit"):
        issue(expires_on=date(2026, 1, 1))
    cert = issue()
    assert queries.has_valid_certificate(l1.id, date(2026, 2, 1))
    assert not queries.has_valid_certificate(l1.id, date(2028, 2, 2))
    assert cert.valid_on(date(2027, 1, 1))
    with pytest.raises(RuleError, match="Agen Layer 1"):
        services.issue_certificate(
            people["l2"],
            number="x",
            issuer="y",
            issued_on=date(2026, 2, 1),
            expires_on=date(2028, 2, 1),
            actor=people["qa"],
            now=utcnow(),
        )


def test_trainings_attendance_and_the_list_without_certificate(people, signed_in, db_session):
    qa = signed_in(people["qa"])
    response = qa.post(
        "/qa/pelatihan",
        {"title": "Komunikasi efektif", "topic": "communication", "held_on": "2026-01-20",
         "hours": "8", "organiser": "BDK"},
    )  # fmt: skip
    assert response.status_code == 302
    url = response.headers["Location"]
    page = html(qa.get(url))
    assert "Andi L1" in page
    assert qa.post(url, {"attendees": [str(people["l1"].id)]}).status_code == 302
    _training(people, TrainingTopic.INFORMATION, [people["l1"]])
    db.session.commit()
    page = html(qa.get("/qa/sertifikat"))
    assert "Komunikasi efektif" in page and "Andi L1" in page and "Bayu L1" in page
    today = today_wib()
    response = qa.post(
        "/qa/sertifikat/terbitkan",
        {
            "user_id": str(people["l1"].id),
            "number": "CC-2026-01",
            "issuer": "Setditjen",
            "issued_on": (today - timedelta(days=1)).isoformat(),
            "expires_on": (today + timedelta(days=700)).isoformat(),
        },
    )
    assert response.status_code == 302
    statuses = {s.user.name: s.valid for s in queries.certificate_status(today)}
    assert statuses["Andi L1"] is True and statuses["Bayu L1"] is False
    page = html(qa.get("/qa/sertifikat"))
    missing = page.split("Belum bersertifikat")[1].split("</section>")[0]
    assert "Bayu L1" in missing and "Andi L1" not in missing
    # The supervisors see the list; agents do not.
    assert signed_in(people["manajer"]).get("/qa/sertifikat").status_code == 200
    assert signed_in(people["other"]).get("/qa/sertifikat").status_code == 403


WARNING = "belum memiliki sertifikat agen call center"


def test_the_intake_form_warns_an_uncertified_agent_on_call_center(people, signed_in):
    l1 = people["l1"]
    browser = signed_in(l1)
    page = html(browser.get("/tickets/new"))
    assert WARNING in page  # call center is the first channel offered
    # A failed submit on another channel: no warning; on call center: the warning.
    other = browser.post("/tickets/new", {"channel": "email", "requester_name": ""})
    assert other.status_code == 422 and WARNING not in html(other)
    again = browser.post("/tickets/new", {"channel": "call_center", "requester_name": ""})
    assert again.status_code == 422 and WARNING in html(again)
    # Certified: no warning.
    _training(people, TrainingTopic.INFORMATION, [l1])
    _training(people, TrainingTopic.COMMUNICATION, [l1])
    today = today_wib()
    services.issue_certificate(
        l1,
        number="CC/2",
        issuer="Setditjen",
        issued_on=today - timedelta(days=10),
        expires_on=today + timedelta(days=10),
        actor=people["qa"],
        now=utcnow(),
    )
    db.session.commit()
    assert WARNING not in html(browser.get("/tickets/new"))


def test_the_intake_is_not_blocked_for_an_uncertified_agent(people, signed_in, db_session):
    from hai.tickets.models import Ticket

    browser = signed_in(people["l1"])
    browser.get("/tickets/new")
    response = browser.post(
        "/tickets/new",
        {
            "channel": "call_center",
            "received_at": utcnow().astimezone(wib(2026, 1, 1).tzinfo).strftime("%Y-%m-%dT%H:%M"),
            "requester_name": "Penelepon",
            "requester_phone": "0812",
            "requester_user_type": "1",
            "ticket_type": "question",
            "subject": "Pertanyaan lewat telepon",
        },
    )
    assert response.status_code == 302, html(response)[:3000]
    assert db_session.scalar(select(Ticket).where(Ticket.subject == "Pertanyaan lewat telepon"))

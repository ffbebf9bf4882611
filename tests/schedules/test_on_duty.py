"""Who is on duty at an instant, and the assignee choices that put them first."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from hai.db_types import utcnow
from hai.schedules import services
from hai.schedules.queries import ON_DUTY, OTHERS, on_duty, on_duty_first
from hai.web.timefmt import WIB
from tests.schedules.conftest import at, html

DAY = date(2026, 3, 3)
EARLIER = at(DAY - timedelta(days=1), 9)


@pytest.fixture
def roster(people, shifts):
    services.add_entry(
        agent=people["l1"],
        day=DAY,
        shift=shifts["Pagi"],
        channel_code="call_center",
        actor=None,
        now=EARLIER,
    )
    services.add_entry(
        agent=people["l1b"],
        day=DAY,
        shift=shifts["Siang"],
        channel_code="webchat",
        actor=None,
        now=EARLIER,
    )
    services.add_entry(
        agent=people["cso"],
        day=DAY + timedelta(days=1),
        shift=shifts["Pagi"],
        channel_code="hai_cso",
        actor=None,
        now=EARLIER,
    )


def _names(users) -> list[str]:
    return [u.name for u in users]


def test_on_duty_at_the_shift_boundaries(people, roster):
    assert _names(on_duty(at(DAY, 7, 29, 59))) == []
    assert _names(on_duty(at(DAY, 7, 30))) == ["Andi Agen"]  # the start is included
    assert _names(on_duty(at(DAY, 12, 14, 59))) == ["Andi Agen"]
    assert _names(on_duty(at(DAY, 12, 15))) == ["Bayu Agen"]  # the end is not
    assert _names(on_duty(at(DAY, 16, 59, 59))) == ["Bayu Agen"]
    assert _names(on_duty(at(DAY, 17, 0))) == []
    # The CSO's Pagi is the next WIB day: 00:30 UTC of that day is 07:30 WIB.
    assert _names(on_duty(at(DAY + timedelta(days=1), 7, 30).astimezone(WIB))) == ["Eko CSO"]


def test_on_duty_by_channel_and_only_active_agents(people, roster):
    assert _names(on_duty(at(DAY, 9), "call_center")) == ["Andi Agen"]
    assert _names(on_duty(at(DAY, 9), "webchat")) == []
    people["l1"].is_active = False
    assert on_duty(at(DAY, 9)) == []


def test_instants_in_utc_are_read_in_wib(people, roster):
    from datetime import UTC, datetime

    # 00:29 UTC on 3 March is 07:29 WIB: not yet; 00:30 UTC is 07:30 WIB.
    assert on_duty(datetime(2026, 3, 3, 0, 29, tzinfo=UTC)) == []
    assert _names(on_duty(datetime(2026, 3, 3, 0, 30, tzinfo=UTC))) == ["Andi Agen"]


def test_choices_put_the_agents_on_duty_first(people, roster):
    people_list = [
        (people["l1b"].id, "Bayu Agen (Agen Layer 1)"),
        (people["l2"].id, "Budi Layer Dua (Agen Layer 2)"),
        (people["l1"].id, "Andi Agen (Agen Layer 1)"),
    ]
    choices = on_duty_first(people_list, at=at(DAY, 9))
    assert [(c.value, c.optgroup) for c in choices] == [
        (str(people["l1"].id), ON_DUTY),
        (str(people["l1b"].id), OTHERS),
        (str(people["l2"].id), OTHERS),
    ]
    assert choices[0].label == "Andi Agen (Agen Layer 1) — Call Center"
    # Nobody on duty: the list as it was, without groups.
    night = on_duty_first(people_list, at=at(DAY, 22))
    assert [(c.value, c.optgroup) for c in night] == [(str(v), None) for v, _ in people_list]


@pytest.fixture
def on_duty_now(people, db_session):
    """Bayu rostered now on call center, in a shift spanning the whole WIB day."""
    now = utcnow()
    whole_day = services.save_shift(
        None,
        services.ShiftData("Sepanjang hari", time(0, 0), time(23, 59, 59, 999999)),
        actor=None,
        now=now,
    )
    services.add_entry(
        agent=people["l1b"],
        day=now.astimezone(WIB).date(),
        shift=whole_day,
        channel_code="call_center",
        actor=None,
        now=now,
    )
    db_session.commit()
    return people["l1b"]


def _ticket(db_session, actor):
    from hai.tickets.services import RequesterData, create_ticket

    ticket = create_ticket(
        channel_code="email",
        received_at=utcnow(),
        requester=RequesterData(name="Pemohon Uji", email="p@test.hai", user_type=1),
        subject="Uji penugasan",
        description="",
        now=utcnow(),
        actor=actor,
    )
    db_session.commit()
    return ticket


def _options_order(page: str, ids) -> list[int]:
    return sorted(ids, key=lambda i: page.index(f'<option value="{i}"'))


def test_ticket_page_offers_the_agent_on_duty_first(people, on_duty_now, signed_in, db_session):
    ticket = _ticket(db_session, people["manajer"])
    browser = signed_in(people["manajer"])
    page = html(browser.get(f"/tickets/{ticket.id}"))
    assign = page[page.index('name="assignee_id"') :]
    assign = assign[: assign.index("</select>")]
    assert '<optgroup label="Sedang bertugas">' in assign
    assert assign.index("Sedang bertugas") < assign.index("Bayu Agen") < assign.index("Lainnya")
    ids = [people[k].id for k in ("l1", "l1b", "l2", "cso")]
    assert _options_order(assign, ids)[0] == people["l1b"].id
    assert "Bayu Agen (Agen Layer 1) — Call Center" in assign
    # And assigning from the grouped list works.
    response = browser.post(
        f"/tickets/{ticket.id}/act/assign",
        {"assignee_id": str(people["l1b"].id), "row_version": str(ticket.row_version)},
    )
    assert response.status_code == 302
    db_session.refresh(ticket)
    assert ticket.assignee_id == people["l1b"].id


def test_queue_bulk_assign_offers_the_agent_on_duty_first(
    people, on_duty_now, signed_in, db_session
):
    _ticket(db_session, people["manajer"])
    browser = signed_in(people["manajer"])
    page = html(browser.get("/tickets?queue=all"))
    bulk = page[page.index('id="bulk-assignee"') :]
    bulk = bulk[: bulk.index("</select>")]
    assert bulk.index('<optgroup label="Sedang bertugas">') < bulk.index("Bayu Agen")
    assert bulk.index("Bayu Agen") < bulk.index('<optgroup label="Lainnya">')
    assert bulk.count("<optgroup") == bulk.count("</optgroup>") == 2
    assert bulk.index('<optgroup label="Lainnya">') < bulk.index("Andi Agen")

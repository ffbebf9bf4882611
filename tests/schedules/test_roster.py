"""Building the roster: validation (double booking, past dates, who may be rostered),
copying the previous week, removing entries, editing shifts; through the services and
the Manajer Layanan's page."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from hai.errors import RuleError
from hai.schedules import services
from hai.schedules.models import RosterEntry, Shift
from hai.web.timefmt import today_wib
from tests.schedules.conftest import at, html

MONDAY = date(2026, 3, 2)
BEFORE = at(MONDAY - timedelta(days=3), 9)  # the Friday before: the whole week is ahead


def _entries(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(RosterEntry))


def _add(agent, day, shift, channel="call_center", now=BEFORE, actor=None):
    return services.add_entry(
        agent=agent, day=day, shift=shift, channel_code=channel, actor=actor, now=now
    )


def test_the_default_shifts_cover_the_working_day(shifts):
    assert shifts["Pagi"].starts == time(7, 30) and shifts["Pagi"].ends == time(12, 15)
    assert shifts["Siang"].starts == time(12, 15) and shifts["Siang"].ends == time(17, 0)
    assert not shifts["Pagi"].overlaps(shifts["Siang"])  # meeting at 12.15 is no overlap
    assert services.load_shifts() == 0  # idempotent


def test_double_booking_in_overlapping_shifts_is_refused(people, shifts, db_session):
    a = people["l1"]
    _add(a, MONDAY, shifts["Pagi"])
    _add(a, MONDAY, shifts["Siang"], "webchat")  # back to back: fine
    _add(a, MONDAY + timedelta(days=1), shifts["Pagi"])  # another date: fine
    with pytest.raises(RuleError, match="Andi Agen sudah dijadwalkan pada shift Pagi") as exc:
        _add(a, MONDAY, shifts["Pagi"], "email")  # the same shift on another channel
    assert exc.value.field == "shift_id"
    middle = services.save_shift(
        None, services.ShiftData("Tengah", time(11, 0), time(13, 0)), actor=None, now=BEFORE
    )
    with pytest.raises(RuleError, match="bertumpang tindih"):
        _add(a, MONDAY, middle)
    _add(people["l1b"], MONDAY, middle)  # another agent: fine
    assert _entries(db_session) == 4


def test_past_dates_and_non_agents_are_refused(people, shifts):
    with pytest.raises(RuleError, match="Tanggal sudah lewat") as exc:
        _add(people["l1"], MONDAY - timedelta(days=4), shifts["Pagi"])
    assert exc.value.field == "day"
    _add(people["l1"], MONDAY - timedelta(days=3), shifts["Pagi"])  # today is allowed
    for user in (people["qa"], people["manajer"], None):
        with pytest.raises(RuleError, match="Agen Layer 1, Agen Layer 2 atau CSO") as exc:
            _add(user, MONDAY, shifts["Pagi"])
        assert exc.value.field == "agent_id"
    people["l2"].is_active = False
    with pytest.raises(RuleError, match="agen aktif"):
        _add(people["l2"], MONDAY, shifts["Pagi"])
    with pytest.raises(RuleError, match="kanal") as exc:
        _add(people["cso"], MONDAY, shifts["Pagi"], channel="telegram")
    assert exc.value.field == "channel"


def test_copy_previous_week_day_by_day(people, shifts, db_session):
    previous = MONDAY - timedelta(days=7)
    early = at(previous - timedelta(days=3), 9)
    _add(people["l1"], previous, shifts["Pagi"], now=early)
    _add(people["l1"], previous + timedelta(days=2), shifts["Siang"], "webchat", now=early)
    _add(people["cso"], previous + timedelta(days=4), shifts["Pagi"], "hai_cso", now=early)
    _add(people["l2"], previous + timedelta(days=1), shifts["Pagi"], "email", now=early)
    people["l2"].is_active = False  # no longer rostered: skipped
    _add(people["cso"], MONDAY + timedelta(days=4), shifts["Pagi"], "hai_cso")  # already there
    result = services.copy_previous_week(MONDAY, actor=people["manajer"], now=BEFORE)
    assert (result.copied, result.skipped) == (2, 2)
    copied = {
        (e.user_id, e.day, e.shift.name, e.channel_code)
        for e in db_session.scalars(select(RosterEntry).where(RosterEntry.day >= MONDAY))
    }
    assert copied == {
        (people["l1"].id, MONDAY, "Pagi", "call_center"),
        (people["l1"].id, MONDAY + timedelta(days=2), "Siang", "webchat"),
        (people["cso"].id, MONDAY + timedelta(days=4), "Pagi", "hai_cso"),
    }
    # Copying again changes nothing: everything clashes now.
    again = services.copy_previous_week(MONDAY, actor=None, now=BEFORE)
    assert (again.copied, again.skipped) == (0, 4)


def test_copy_skips_the_days_already_past(people, shifts):
    previous = MONDAY - timedelta(days=7)
    early = at(previous - timedelta(days=3), 9)
    for n in range(5):
        _add(people["l1"], previous + timedelta(days=n), shifts["Pagi"], now=early)
    wednesday = at(MONDAY + timedelta(days=2), 8)
    result = services.copy_previous_week(MONDAY, actor=None, now=wednesday)
    assert (result.copied, result.skipped) == (3, 2)  # Wednesday to Friday
    with pytest.raises(RuleError, match="sudah lewat"):
        services.copy_previous_week(MONDAY, actor=None, now=at(MONDAY + timedelta(days=7), 8))


def test_past_entries_stay_and_future_ones_can_be_removed(people, shifts, db_session):
    entry = _add(people["l1"], MONDAY, shifts["Pagi"])
    with pytest.raises(RuleError, match="tidak dapat dihapus"):
        services.remove_entry(entry, actor=None, now=at(MONDAY + timedelta(days=1), 8))
    services.remove_entry(entry, actor=None, now=BEFORE)
    assert _entries(db_session) == 0


def test_shift_rules(people, shifts):
    with pytest.raises(RuleError, match="Jam selesai harus setelah jam mulai") as exc:
        services.save_shift(
            None, services.ShiftData("Malam", time(22, 0), time(6, 0)), actor=None, now=BEFORE
        )
    assert exc.value.field == "ends"
    with pytest.raises(RuleError, match="sudah dipakai"):
        services.save_shift(
            None, services.ShiftData("pagi", time(8, 0), time(9, 0)), actor=None, now=BEFORE
        )
    # Moving Siang's start into Pagi would double-book an agent who holds both.
    _add(people["l1"], MONDAY, shifts["Pagi"])
    _add(people["l1"], MONDAY, shifts["Siang"])
    siang = shifts["Siang"]
    with pytest.raises(RuleError, match="1 agen terjadwal pada dua shift"):
        services.save_shift(
            siang, services.ShiftData("Siang", time(12, 0), time(17, 0)), actor=None, now=BEFORE
        )
    services.save_shift(
        siang, services.ShiftData("Siang", time(12, 15), time(16, 30), 20), actor=None, now=BEFORE
    )
    assert (siang.ends, siang.break_minutes) == (time(16, 30), 20)


# --- through the Manajer Layanan's page ---------------------------------------------------


def _next_monday() -> date:
    today = today_wib()
    return today + timedelta(days=7 - today.weekday())


def test_manajer_builds_the_week_on_the_page(people, shifts, signed_in, db_session):
    browser = signed_in(people["manajer"])
    monday = _next_monday()
    page = browser.get(f"/jadwal?minggu={monday.isoformat()}")
    assert page.status_code == 200
    assert "Peta kontak per jam dan hari" in html(page)
    form = {
        "agent_id": str(people["l1"].id),
        "day": (monday + timedelta(days=1)).isoformat(),
        "shift_id": str(shifts["Pagi"].id),
        "channel": "call_center",
    }
    response = browser.post("/jadwal/entri", form)
    assert response.status_code == 302
    assert f"minggu={monday.isoformat()}" in response.headers["Location"]
    week = html(browser.get(f"/jadwal?minggu={monday.isoformat()}"))
    assert "Andi Agen" in week and "Call Center" in week
    assert _entries(db_session) == 1

    # The same agent again in the same shift: the message beside the shift, nothing saved.
    again = browser.post("/jadwal/entri", {**form, "channel": "email"})
    assert again.status_code == 422
    body = html(again)
    assert 'id="shift_id-error"' in body
    assert "Andi Agen sudah dijadwalkan pada shift Pagi" in body
    assert _entries(db_session) == 1

    # A date in the past: the message beside the date.
    past = browser.post(
        "/jadwal/entri", {**form, "day": (today_wib() - timedelta(days=1)).isoformat()}
    )
    assert past.status_code == 422
    assert 'id="day-error"' in html(past) and "Tanggal sudah lewat" in html(past)
    assert _entries(db_session) == 1

    # A QA officer is not an agent to roster (not even offered).
    qa = browser.post("/jadwal/entri", {**form, "agent_id": str(people["qa"].id)})
    assert qa.status_code == 422 and 'id="agent_id-error"' in html(qa)

    entry = db_session.scalar(select(RosterEntry))
    removed = browser.post(f"/jadwal/entri/{entry.id}/hapus")
    assert removed.status_code == 302
    assert _entries(db_session) == 0


def test_copy_previous_week_on_the_page(people, shifts, signed_in, db_session):
    monday = _next_monday()
    _add(people["l1"], monday, shifts["Pagi"], now=at(monday - timedelta(days=3), 7))
    browser = signed_in(people["manajer"])
    browser.get(f"/jadwal?minggu={(monday + timedelta(days=7)).isoformat()}")
    response = browser.post("/jadwal/salin", {"week": (monday + timedelta(days=7)).isoformat()})
    assert response.status_code == 302
    assert db_session.scalar(
        select(RosterEntry.id).where(RosterEntry.day == monday + timedelta(days=7))
    )
    page = html(browser.get(response.headers["Location"]))
    assert "1 jadwal disalin dari minggu sebelumnya" in page


def test_shift_pages(people, shifts, signed_in, db_session):
    browser = signed_in(people["manajer"])
    assert "Pagi" in html(browser.get("/jadwal/shift"))
    bad = browser.post(
        "/jadwal/shift",
        {"name": "Malam", "starts": "22:00", "ends": "06:00", "break_minutes": "30"},
    )
    assert bad.status_code == 422 and 'id="ends-error"' in html(bad)
    assert db_session.scalar(select(Shift).where(Shift.name == "Malam")) is None
    ok = browser.post(
        "/jadwal/shift",
        {
            "name": "Sore",
            "starts": "15:00",
            "ends": "19:00",
            "break_minutes": "15",
            "is_active": "y",
        },
    )
    assert ok.status_code == 302
    sore = db_session.scalar(select(Shift).where(Shift.name == "Sore"))
    assert (sore.starts, sore.ends, sore.break_minutes, sore.is_active) == (
        time(15),
        time(19),
        15,
        True,
    )
    edit = browser.get(f"/jadwal/shift/{sore.id}")
    assert 'value="15:00"' in html(edit)
    browser.post(
        f"/jadwal/shift/{sore.id}",
        {"name": "Sore", "starts": "15:00", "ends": "18:00", "break_minutes": "15"},
    )
    assert sore.ends == time(18) and sore.is_active is False


def test_only_the_manajer_edits_the_roster(people, shifts, signed_in, db_session):
    monday = _next_monday()
    form = {
        "agent_id": str(people["l1"].id),
        "day": monday.isoformat(),
        "shift_id": str(shifts["Pagi"].id),
        "channel": "call_center",
    }
    for who in ("l1", "qa", "cso"):
        browser = signed_in(people[who])
        assert browser.get("/jadwal").status_code == 403
        assert browser.post("/jadwal/entri", form).status_code == 403
        assert browser.post("/jadwal/salin", {"week": monday.isoformat()}).status_code == 403
    assert _entries(db_session) == 0

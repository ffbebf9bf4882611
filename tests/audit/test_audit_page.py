"""The audit log page: Indonesian action names, readable details, links, filters."""

from __future__ import annotations

from hai.auth.roles import Role


def test_audit_rows_are_readable(make_user, login_as, db_session):
    admin = make_user(Role.ADMIN)
    browser = login_as(admin)
    agent = make_user(Role.AGEN_L1)
    browser.get(f"/admin/users/{agent.id}")
    from tests.auth.test_admin_users import edit_data

    browser.post(f"/admin/users/{agent.id}", edit_data(agent, roles=["agen_l2"]))
    page = browser.get("/admin/audit?action=user.updated").get_data(as_text=True)
    assert "Pengguna diubah" in page
    assert f'href="/admin/users/{agent.id}"' in page
    assert "roles: agen_l1 → agen_l2" in page
    assert "Gagal masuk" not in page  # filtered by action


def test_koordinator_reads_the_log_and_htmx_gets_rows(make_user, login_as):
    browser = login_as(make_user(Role.KOORDINATOR))
    response = browser.htmx_get("/admin/audit?actor=nobody")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and "0 peristiwa" in body

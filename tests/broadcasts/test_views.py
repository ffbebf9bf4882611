"""Broadcast pages as the requester, L1 and the Kepala Seksi use them."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from hai.broadcasts.models import Broadcast, BroadcastStatus


def html(response) -> str:
    return response.get_data(as_text=True)


def form_data(group, **over) -> dict:
    data = {
        "title": "Pemeliharaan SPAN",
        "purpose": "Memberi tahu CSO KPPN.",
        "content": "SPAN tidak dapat diakses Sabtu.",
        "channels": ["email", "portal"],
        "group_ids": [str(group.id)],
        "other_recipients": "",
        "contact_name": "Budi Santoso",
        "contact_position": "Kepala Seksi (Eselon IV)",
        "contact_phone": "021-3449230",
        "contact_email": "budi@kemenkeu.go.id",
    }
    data.update(over)
    return data


def test_requester_asks_and_follows(people, group, login_as, db_session):
    dit = login_as(people["dit"])
    page = html(dit.get("/portal/broadcast/baru"))
    assert "Ajukan permintaan broadcast" in page and "CSO KPPN" in page
    response = dit.post("/portal/broadcast/baru", form_data(group))
    assert response.status_code == 302
    b = db_session.scalar(select(Broadcast))
    assert b.status is BroadcastStatus.SUBMITTED
    mine = html(dit.get("/portal/broadcast"))
    assert b.number in mine and "Diajukan" in mine
    assert "SPAN tidak dapat diakses Sabtu." in html(dit.get(f"/portal/broadcast/{b.id}"))


def test_errors_beside_the_field_and_nothing_stored(people, group, signed_in, db_session):
    dit = signed_in(people["dit"])
    response = dit.post("/portal/broadcast/baru", form_data(group, contact_email="budi@gmail.com"))
    page = html(response)
    assert response.status_code == 422
    assert re.search(r'id="contact_email-error">[^<]*email kedinasan', page)
    assert db_session.scalar(select(func.count()).select_from(Broadcast)) == 0
    # A user type that may not ask sees why, and is refused if it posts anyway.
    satker = signed_in(people["satker"])
    assert "jenis pengguna 8 dan 9" in html(satker.get("/portal/broadcast/baru"))


def test_other_requesters_broadcast_is_404(people, group, signed_in, make_user, db_session):
    from hai.auth.roles import Role

    dit = signed_in(people["dit"])
    dit.post("/portal/broadcast/baru", form_data(group))
    b = db_session.scalar(select(Broadcast))
    other = signed_in(make_user(Role.PENGGUNA, user_type=8, email="lain@kemenkeu.go.id"))
    assert other.get(f"/portal/broadcast/{b.id}").status_code == 404


def test_l1_forwards_kasi_edits_and_approves_with_a_stale_page_refused(
    people, group, signed_in, db_session
):
    signed_in(people["dit"]).post("/portal/broadcast/baru", form_data(group))
    b = db_session.scalar(select(Broadcast))
    l1 = signed_in(people["l1"])
    assert b.number in html(l1.get("/broadcasts"))
    page = html(l1.get(f"/broadcasts/{b.id}"))
    rv = re.search(r'name="forward-row_version" type="hidden" value="(\d+)"', page).group(1)
    response = l1.post(
        f"/broadcasts/{b.id}/act/forward", {"forward-body": "Lengkap.", "forward-row_version": rv}
    )
    assert response.status_code == 302
    # L1 may not edit or approve.
    assert l1.post(f"/broadcasts/{b.id}/act/approve", {}).status_code == 403

    kasi = signed_in(people["kasi"])
    page = html(kasi.get(f"/broadcasts/{b.id}"))
    rv = re.search(r'name="edit-row_version" type="hidden" value="(\d+)"', page).group(1)
    edited = kasi.post(
        f"/broadcasts/{b.id}/act/edit",
        {
            "edit-title": "Pemeliharaan SPAN Sabtu",
            "edit-content": "SPAN tidak dapat diakses Sabtu pagi.",
            "edit-note": "",
            "edit-row_version": rv,
        },
    )
    assert edited.status_code == 302
    # The same (now stale) page's approve form is refused, nothing approved.
    stale = kasi.post(
        f"/broadcasts/{b.id}/act/approve",
        {"approve-sender_id": str(people["l1"].id), "approve-row_version": rv},
    )
    assert stale.status_code == 409 and "diubah oleh pengguna lain" in html(stale)
    page = html(kasi.get(f"/broadcasts/{b.id}"))
    assert 'class="diff-added">+ SPAN tidak dapat diakses Sabtu pagi.' in page
    rv = re.search(r'name="approve-row_version" type="hidden" value="(\d+)"', page).group(1)
    approved = kasi.post(
        f"/broadcasts/{b.id}/act/approve",
        {"approve-sender_id": str(people["l1"].id), "approve-row_version": rv},
    )
    assert approved.status_code == 302
    db_session.refresh(b)
    assert b.status is BroadcastStatus.APPROVED and b.approved_version.number == 2


def test_recipient_groups_admin(make_user, login_as, db_session):
    from hai.auth.roles import Role

    admin = login_as(make_user(Role.ADMIN))
    page = html(admin.get("/admin/recipients"))
    assert "CSO KPPN" in page and "Bank mitra interkoneksi" in page
    response = admin.post("/admin/recipients", {"code": "", "name": "X", "description": ""})
    assert response.status_code == 422
    response = admin.post(
        "/admin/recipients", {"code": "dsu-jatim", "name": "DSU Jawa Timur", "description": ""}
    )
    assert response.status_code == 302
    group_url = response.headers["Location"]
    bad = admin.post(group_url, {"name": "Ani", "email": "bukan-email", "phone": ""})
    assert bad.status_code == 422 and "Alamat email tidak valid." in html(bad)
    ok = admin.post(group_url, {"name": "Ani", "email": "ani@kemenkeu.go.id", "phone": ""})
    assert ok.status_code == 302 and "ani@kemenkeu.go.id" in html(admin.get(group_url))

"""People and recipients of the broadcast workflow."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.broadcasts.models import RecipientContact, RecipientGroup
from hai.broadcasts.services import BroadcastRequest


@pytest.fixture
def app_context(app, db_session):
    """The services read settings (official domains, the gateway) from the app. Not for
    tests that make requests: a held app context would be shared by every request."""
    with app.app_context():
        yield


@pytest.fixture
def people(make_user):
    return {
        "dit": make_user(
            Role.PENGGUNA, user_type=8, email="kasubdit@kemenkeu.go.id", name="Dit. SITP"
        ),
        "satker": make_user(Role.PENGGUNA, user_type=1, email="satker@contoh.go.id"),
        "outside": make_user(Role.PENGGUNA, user_type=8, email="dit@gmail.com"),
        "l1": make_user(Role.AGEN_L1, name="Andi L1"),
        "l1b": make_user(Role.AGEN_L1, name="Bayu L1"),
        "kasi": make_user(Role.KEPALA_SEKSI, name="Kasi"),
    }


@pytest.fixture
def group(db_session):
    g = db_session.scalar(select(RecipientGroup).where(RecipientGroup.code == "CSO-KPPN"))
    for n in range(1, 7):
        g.contacts.append(
            RecipientContact(
                name=f"CSO KPPN {n}",
                email=f"cso{n}@kemenkeu.go.id",
                phone=f"08120000000{n}",
            )
        )
    g.contacts.append(
        RecipientContact(name="Tidak aktif", email="lama@kemenkeu.go.id", is_active=False)
    )
    db_session.commit()
    return g


def request(group, **over) -> BroadcastRequest:
    data = dict(
        title="Pemeliharaan SPAN",
        purpose="Memberi tahu CSO KPPN tentang pemeliharaan.",
        content="SPAN tidak dapat diakses Sabtu 08.00-12.00 WIB.\nMohon sampaikan ke satker.",
        channels=["email", "whatsapp", "portal"],
        group_ids=[group.id],
        contact_name="Budi Santoso",
        contact_position="Kepala Seksi Pengelolaan Sistem (Eselon IV)",
        contact_email="budi.santoso@kemenkeu.go.id",
        contact_phone="021-3449230",
    )
    data.update(over)
    return BroadcastRequest(**data)

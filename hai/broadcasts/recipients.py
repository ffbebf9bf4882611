"""Recipient groups of broadcasts (KEP-428 Lampiran II; DOMAIN.md §8): managed data."""

from __future__ import annotations

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from hai.audit.services import record
from hai.broadcasts.models import RecipientContact, RecipientGroup
from hai.broadcasts.services import BroadcastError
from hai.extensions import db

SEED_GROUPS = [
    ("CSO-KANWIL", "CSO Kantor Wilayah DJPb", "Customer service officer di setiap Kanwil."),
    ("CSO-KPPN", "CSO KPPN", "Customer service officer di setiap KPPN."),
    ("BANK-PERSEPSI", "Bank mitra interkoneksi (BI, Mandiri, BNI, BRI, BTN)", ""),
    ("ESELON-KANWIL", "Pejabat Eselon II/III Kanwil DJPb", "Melalui SMS/WhatsApp."),
    ("ESELON-KPPN", "Pejabat Eselon III KPPN", "Melalui SMS/WhatsApp."),
    ("KONTAK-TERDAFTAR", "Kontak terdaftar", "Kontak yang didaftarkan administrator."),
    ("DSU", "Digital Stakeholder Unit (DSU)", ""),
    ("PENGGUNA-SPAN", "Pengguna SPAN", ""),
]


def load_recipient_groups() -> int:
    """The standard groups (idempotent); administrators add contacts and more groups."""
    existing = set(db.session.scalars(select(RecipientGroup.code)))
    added = 0
    for code, name, description in SEED_GROUPS:
        if code not in existing:
            db.session.add(RecipientGroup(code=code, name=name, description=description))
            added += 1
    db.session.flush()
    return added


def add_group(code: str, name: str, description: str, *, actor, now: datetime) -> RecipientGroup:
    code, name = (code or "").strip().upper(), (name or "").strip()
    if not code:
        raise BroadcastError("Kode kelompok wajib diisi.", "code")
    if not name:
        raise BroadcastError("Nama kelompok wajib diisi.", "name")
    if db.session.scalar(select(RecipientGroup.id).where(RecipientGroup.code == code)):
        raise BroadcastError("Kode kelompok sudah dipakai.", "code")
    group = RecipientGroup(code=code, name=name, description=(description or "").strip())
    db.session.add(group)
    db.session.flush()
    record("broadcast.group_added", now=now, actor=actor, target=group, code=code)
    return group


def add_contact(
    group: RecipientGroup,
    *,
    name: str,
    organisation: str,
    email: str,
    phone: str,
    actor,
    now: datetime,
) -> RecipientContact:
    name, email, phone = (name or "").strip(), (email or "").strip(), (phone or "").strip()
    if not name:
        raise BroadcastError("Nama kontak wajib diisi.", "name")
    if not email and not phone:
        raise BroadcastError("Isi email atau nomor telepon.", "email")
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            raise BroadcastError("Alamat email tidak valid.", "email") from exc
    if phone and not phone.replace("+", "", 1).replace(" ", "").replace("-", "").isdigit():
        raise BroadcastError("Nomor telepon hanya angka (boleh diawali +).", "phone")
    contact = RecipientContact(
        group=group,
        name=name,
        organisation=(organisation or "").strip(),
        email=email,
        phone=phone.replace(" ", "").replace("-", ""),
    )
    db.session.add(contact)
    db.session.flush()
    record("broadcast.contact_added", now=now, actor=actor, target=group, contact=name)
    return contact


def set_contact_active(contact: RecipientContact, active: bool, *, actor, now: datetime) -> None:
    contact.is_active = active
    record(
        "broadcast.contact_" + ("activated" if active else "deactivated"),
        now=now,
        actor=actor,
        target=contact.group,
        contact=contact.name,
    )
    db.session.flush()

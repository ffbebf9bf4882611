"""Reading API request bodies into plain values, and tickets/catalogs into JSON.

Field errors are collected (all of them, not the first) and raised as one ApiError
naming every field, in Indonesian like the rest of the interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion
from hai.tickets.models import BreachKind, SlaBreach, Ticket
from hai.web.timefmt import WIB


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


def invalid(fields: dict[str, str]) -> ApiError:
    return ApiError(422, "invalid", "Data permintaan tidak valid.", fields)


class Reader:
    """Reads typed fields out of a JSON object, remembering every problem."""

    def __init__(self, data: Any, prefix: str = ""):
        self.data = data if isinstance(data, dict) else {}
        self.prefix = prefix
        self.errors: dict[str, str] = {}

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def text(self, key: str, *, required: bool = False, max_len: int = 300) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.errors[self._name(key)] = "Wajib diisi."
            return ""
        if not isinstance(value, str):
            self.errors[self._name(key)] = "Harus berupa teks."
            return ""
        value = value.strip()
        if required and not value:
            self.errors[self._name(key)] = "Wajib diisi."
        if len(value) > max_len:
            self.errors[self._name(key)] = f"Terlalu panjang (maksimum {max_len} karakter)."
        return value

    def integer(self, key: str, *, low: int, high: int) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors[self._name(key)] = f"Harus bilangan bulat {low} sampai {high}."
            return None
        if not low <= value <= high:
            self.errors[self._name(key)] = f"Harus {low} sampai {high}."
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.errors[self._name(key)] = "Harus true atau false."
            return False
        return value

    def instant(self, key: str) -> datetime | None:
        raw = self.text(key, max_len=40)
        if not raw:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            self.errors[self._name(key)] = "Format waktu ISO 8601, mis. 2026-03-02T09:00:00+07:00."
            return None
        if value.tzinfo is None:
            self.errors[self._name(key)] = "Waktu harus dengan zona waktu, mis. +07:00."
            return None
        return value

    def choice(self, key: str, options, *, required: bool = False) -> str:
        value = self.text(key, required=required, max_len=40)
        if value and value not in options:
            self.errors[self._name(key)] = "Harus salah satu dari: " + ", ".join(options) + "."
            return ""
        return value

    def child(self, key: str, *, required: bool = False) -> Reader:
        value = self.data.get(key)
        if value is None and required:
            self.errors[self._name(key)] = "Wajib diisi."
        elif value is not None and not isinstance(value, dict):
            self.errors[self._name(key)] = "Harus berupa objek."
        return Reader(value, prefix=f"{self._name(key)}.")

    def merge(self, other: Reader) -> None:
        self.errors.update(other.errors)


def json_object(request) -> dict:
    """The body as a JSON object, or 400."""
    if not request.is_json:
        raise ApiError(400, "bad_request", "Kirim badan permintaan sebagai application/json.")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", "Badan permintaan harus objek JSON yang sah.")
    return data


# --- catalog codes ---------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogChoice:
    service: CatalogService
    scope: CatalogScope | None


def find_code(version: CatalogVersion, code: str, db_session) -> CatalogChoice | None:
    """A scope code, else a service code, of the given catalog version."""
    scope = db_session.scalar(
        select(CatalogScope)
        .join(CatalogService)
        .where(CatalogService.version_id == version.id, CatalogScope.code == code)
        .limit(1)
    )
    if scope is not None:
        return CatalogChoice(scope.service, scope)
    service = db_session.scalar(
        select(CatalogService)
        .where(CatalogService.version_id == version.id, CatalogService.code == code)
        .limit(1)
    )
    return CatalogChoice(service, None) if service is not None else None


# --- out -------------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    return value.astimezone(WIB).isoformat(timespec="seconds") if value else None


BREACHES = (BreachKind.RESPONSE, BreachKind.FULFILMENT, BreachKind.OLA)


def is_breached(ticket: Ticket, now: datetime, db_session) -> bool:
    """A breach was recorded, or a deadline has passed unmet since the last pass."""
    recorded = db_session.scalar(
        select(SlaBreach.id)
        .where(SlaBreach.ticket_id == ticket.id, SlaBreach.kind.in_(BREACHES))
        .limit(1)
    )
    if recorded is not None:
        return True
    if ticket.paused or ticket.closed_at is not None:
        return False
    late_response = (
        ticket.first_response_at is None
        and ticket.response_due_at is not None
        and ticket.response_due_at < now
    )
    late_answer = (
        ticket.answered_at is None
        and ticket.fulfilment_due_at is not None
        and ticket.fulfilment_due_at < now
    )
    return late_response or late_answer


def ticket_json(ticket: Ticket, now: datetime, db_session) -> dict:
    code = ticket.scope.code if ticket.scope else (ticket.service.code if ticket.service else None)
    return {
        "number": ticket.number,
        "status": ticket.status.value,
        "status_label": ticket.status.label,
        "channel": ticket.channel_code,
        "service_code": code,
        "catalog_version": ticket.version.code,
        "priority": ticket.priority,
        "impact": ticket.impact,
        "urgency": ticket.urgency,
        "received_at": iso(ticket.received_at),
        "first_response_due_at": iso(ticket.response_due_at),
        "resolution_due_at": iso(ticket.fulfilment_due_at),
        "answered_at": iso(ticket.answered_at),
        "closed_at": iso(ticket.closed_at),
        "breached": is_breached(ticket, now, db_session),
    }


def catalog_json(version: CatalogVersion) -> dict:
    def scope_json(scope: CatalogScope) -> dict:
        return {
            "code": scope.code,
            "name": scope.name,
            "norm_hours": scope.norm_hours,
            "scopes": [scope_json(c) for c in scope.children],
        }

    return {
        "version": {
            "code": version.code,
            "title": version.title,
            "state": version.state.value,
            "effective_from": version.effective_from.isoformat()
            if version.effective_from
            else None,
        },
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "responsible_unit": s.responsible_unit_name,
                "norm_hours": s.norm_hours,
                "user_types": sorted(s.access),
                "scopes": [scope_json(sc) for sc in s.top_scopes],
            }
            for s in version.services
        ],
    }


def parse_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise invalid({"at": "Format tanggal YYYY-MM-DD."}) from None

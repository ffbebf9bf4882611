"""Configuration items, kept light: what it is, who owns it, which catalog services it
serves. Enough to answer "what is broken where, and who owns it"."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime, value_enum
from hai.extensions import db


class CIKind(enum.Enum):
    APPLICATION = "application"
    INFRASTRUCTURE = "infrastructure"
    BUSINESS_PROCESS = "business_process"

    @property
    def label(self) -> str:
        return {
            "application": "Aplikasi",
            "infrastructure": "Infrastruktur",
            "business_process": "Proses bisnis",
        }[self.value]


class ConfigurationItem(db.Model):
    __tablename__ = "configuration_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CIKind] = mapped_column(value_enum(CIKind, 24))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    # Catalog codes this item serves: a service or scope code ("ITSM.01.03") matches that
    # code and every code below it in any catalog version; "2023.0:ITSM.02.03" only in
    # that version (the revision reused some codes for other scopes).
    service_codes: Mapped[list] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    owner_unit = relationship("OrgUnit")

    @property
    def label(self) -> str:
        return f"{self.code} — {self.name}"

    def match_length(self, version_code: str, code: str) -> int:
        """How specifically this item serves ``code`` of catalog ``version_code``: the
        length of the longest matching entry, 0 when none matches."""
        best = 0
        for entry in self.service_codes or []:
            version, _, prefix = entry.rpartition(":")
            if version and version != version_code:
                continue
            if code == prefix or code.startswith(prefix + "."):
                best = max(best, len(prefix))
        return best

    def __repr__(self) -> str:
        return f"<ConfigurationItem {self.code}>"

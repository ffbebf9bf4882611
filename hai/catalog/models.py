"""The versioned service catalog (DOMAIN.md §3) and the channels (§6)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.db_types import UTCDateTime
from hai.extensions import db


class VersionState(enum.Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class CatalogVersion(db.Model):
    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date | None] = mapped_column(Date)
    state: Mapped[VersionState] = mapped_column(
        Enum(VersionState, native_enum=False, length=16), default=VersionState.DRAFT
    )
    source: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_version.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    activated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    services: Mapped[list[CatalogService]] = relationship(
        back_populates="version",
        order_by="CatalogService.position",
        cascade="all, delete-orphan",
    )
    linked_units: Mapped[list[CatalogLinkedUnit]] = relationship(
        back_populates="version",
        order_by="CatalogLinkedUnit.number",
        cascade="all, delete-orphan",
    )
    based_on: Mapped[CatalogVersion | None] = relationship(remote_side=[id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    activated_by = relationship("User", foreign_keys=[activated_by_id])

    @property
    def is_editable(self) -> bool:
        return self.state is VersionState.DRAFT

    def __repr__(self) -> str:
        return f"<CatalogVersion {self.code} {self.state.value}>"


class CatalogService(db.Model):
    __tablename__ = "catalog_service"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    definition: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(200), default="")
    responsible_unit_name: Mapped[str] = mapped_column(String(200), default="")
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    norm_hours: Mapped[int | None] = mapped_column()
    norm_text: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(default=0)

    version: Mapped[CatalogVersion] = relationship(back_populates="services")
    responsible_unit = relationship("OrgUnit")
    scopes: Mapped[list[CatalogScope]] = relationship(
        back_populates="service",
        order_by="CatalogScope.position",
        cascade="all, delete-orphan",
    )
    access_rows: Mapped[list[CatalogAccess]] = relationship(
        back_populates="service", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def access(self) -> frozenset[int]:
        return frozenset(a.user_type for a in self.access_rows)

    def allows(self, user_type: int) -> bool:
        return user_type in self.access

    @property
    def top_scopes(self) -> list[CatalogScope]:
        return [s for s in self.scopes if s.parent_id is None]

    def __repr__(self) -> str:
        return f"<CatalogService {self.code}>"


class CatalogAccess(db.Model):
    """One user type (1..11) allowed to use a service (002 §D.2 'o')."""

    __tablename__ = "catalog_access"
    __table_args__ = (UniqueConstraint("service_id", "user_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("catalog_service.id", ondelete="CASCADE"))
    user_type: Mapped[int] = mapped_column()

    service: Mapped[CatalogService] = relationship(back_populates="access_rows")


class CatalogScope(db.Model):
    """A scope (ruang lingkup) or sub-scope of a service, with its norm."""

    __tablename__ = "catalog_scope"
    __table_args__ = (UniqueConstraint("service_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("catalog_service.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_scope.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(8), default="")
    name: Mapped[str] = mapped_column(String(500))
    norm_hours: Mapped[int | None] = mapped_column()
    depth: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    service: Mapped[CatalogService] = relationship(back_populates="scopes")
    parent: Mapped[CatalogScope | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[CatalogScope]] = relationship(
        back_populates="parent", order_by="CatalogScope.position", cascade="all"
    )

    def __repr__(self) -> str:
        return f"<CatalogScope {self.code}>"


class CatalogLinkedUnit(db.Model):
    """An external unit tied to scope codes (002 §F, linked service)."""

    __tablename__ = "catalog_linked_unit"
    __table_args__ = (UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    codes: Mapped[list] = mapped_column(JSON, default=list)

    version: Mapped[CatalogVersion] = relationship(back_populates="linked_units")


class Channel(db.Model):
    """An official channel and when it receives (PER-8 Pasal 9–10; 004 §6.B)."""

    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(200), default="")
    always_open: Mapped[bool] = mapped_column(default=False)
    receiving_hours: Mapped[str] = mapped_column(String(200), default="")
    basis: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

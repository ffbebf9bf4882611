"""Organisation units: Kantor Pusat directorates, Kanwil and KPPN, as a hierarchy."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hai.extensions import db


class UnitKind(enum.Enum):
    KANTOR_PUSAT = "kantor_pusat"
    DIREKTORAT = "direktorat"
    KANWIL = "kanwil"
    KPPN = "kppn"
    BLU = "blu"
    LAINNYA = "lainnya"

    @property
    def label(self) -> str:
        return UNIT_KIND_LABELS[self]


UNIT_KIND_LABELS = {
    UnitKind.KANTOR_PUSAT: "Kantor Pusat",
    UnitKind.DIREKTORAT: "Direktorat/Sekretariat",
    UnitKind.KANWIL: "Kantor Wilayah (Kanwil)",
    UnitKind.KPPN: "KPPN",
    UnitKind.BLU: "Badan Layanan Umum",
    UnitKind.LAINNYA: "Lainnya",
}

# Which kinds may sit under which: a KPPN under a Kanwil, a Kanwil or directorate
# under the Kantor Pusat.
ALLOWED_PARENTS: dict[UnitKind, set[UnitKind | None]] = {
    UnitKind.KANTOR_PUSAT: {None},
    UnitKind.DIREKTORAT: {UnitKind.KANTOR_PUSAT},
    UnitKind.KANWIL: {UnitKind.KANTOR_PUSAT},
    UnitKind.KPPN: {UnitKind.KANWIL},
    UnitKind.BLU: {UnitKind.KANTOR_PUSAT, UnitKind.DIREKTORAT},
    UnitKind.LAINNYA: {None, UnitKind.KANTOR_PUSAT, UnitKind.DIREKTORAT, UnitKind.KANWIL},
}


class OrgUnit(db.Model):
    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent", order_by="OrgUnit.code")

    def ancestors(self) -> list[OrgUnit]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code}>"

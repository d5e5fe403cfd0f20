"""Territories (ISO countries and the industry's named groups) and media rights."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from roundup_crm.models.base import Base, Record, vocabulary
from roundup_crm.models.enums import TerritoryKind


class Territory(Record, Base):
    """A country (code = ISO 3166 alpha-2) or a named group (code = a slug)."""

    __tablename__ = "territories"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[TerritoryKind] = mapped_column(vocabulary(TerritoryKind))
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)

    members: Mapped[list[TerritoryMember]] = relationship(
        foreign_keys="TerritoryMember.group_id",
        cascade="all, delete-orphan",
        back_populates="group",
    )

    def __repr__(self) -> str:
        return f"<Territory {self.code}>"


class TerritoryMember(Record, Base):
    """A group includes (or, with excluded=True, carves out) a country or another group."""

    __tablename__ = "territory_members"
    __table_args__ = (UniqueConstraint("group_id", "member_id"),)

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("territories.id", ondelete="CASCADE"))
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), index=True
    )
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)

    group: Mapped[Territory] = relationship(foreign_keys=[group_id], back_populates="members")
    member: Mapped[Territory] = relationship(foreign_keys=[member_id])


class Right(Record, Base):
    """A media right a deal can grant: theatrical, SVOD, inflight..."""

    __tablename__ = "rights"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)

"""Closed deals: what was licensed, where, for how long, and the money due."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from roundup_crm.models.base import Base, Record, vocabulary
from roundup_crm.models.company import Company
from roundup_crm.models.enums import DealStatus
from roundup_crm.models.film import Film
from roundup_crm.models.territory import Right, Territory

deal_territories = Table(
    "deal_territories",
    Base.metadata,
    Column("deal_id", ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territories.id", ondelete="RESTRICT"), primary_key=True),
)

deal_rights = Table(
    "deal_rights",
    Base.metadata,
    Column("deal_id", ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True),
    Column("right_id", ForeignKey("rights.id", ondelete="RESTRICT"), primary_key=True),
)


class Deal(Record, Base):
    __tablename__ = "deals"
    __table_args__ = (Index(None, "film_id", "term_start", "term_end"),)

    film_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("films.id", ondelete="RESTRICT"))
    company_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("companies.id", ondelete="RESTRICT"), index=True
    )
    opportunity_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL"), unique=True
    )
    agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    term_start: Mapped[date]
    term_end: Mapped[date]
    exclusive: Mapped[bool] = mapped_column(Boolean, default=True)
    mg: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[DealStatus] = mapped_column(
        vocabulary(DealStatus), default=DealStatus.MEMO_SIGNED
    )
    signed_on: Mapped[date] = mapped_column(index=True)
    holdbacks: Mapped[str | None]
    notes: Mapped[str | None]

    film: Mapped[Film] = relationship()
    company: Mapped[Company] = relationship()
    territories: Mapped[list[Territory]] = relationship(
        secondary=deal_territories, order_by="Territory.name"
    )
    rights: Mapped[list[Right]] = relationship(
        secondary=deal_rights, order_by="Right.position"
    )
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="deal", cascade="all, delete-orphan", order_by="Instalment.due_on"
    )


class Instalment(Record, Base):
    """One payment of a deal's MG: on signature, on delivery, ..."""

    __tablename__ = "instalments"

    deal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("deals.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str | None]
    amount: Mapped[Decimal]
    due_on: Mapped[date | None]
    paid_on: Mapped[date | None]

    deal: Mapped[Deal] = relationship(back_populates="instalments")

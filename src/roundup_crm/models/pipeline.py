"""The sales pipeline: a company's interest in a film, its stage history and offers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from roundup_crm.models.base import Base, Record, utcnow, vocabulary
from roundup_crm.models.company import Company, Contact
from roundup_crm.models.enums import Interest, OfferSide, OfferStatus, Stage
from roundup_crm.models.film import Film
from roundup_crm.models.territory import Right, Territory

opportunity_territories = Table(
    "opportunity_territories",
    Base.metadata,
    Column("opportunity_id", ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territories.id", ondelete="RESTRICT"), primary_key=True),
)

opportunity_rights = Table(
    "opportunity_rights",
    Base.metadata,
    Column("opportunity_id", ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True),
    Column("right_id", ForeignKey("rights.id", ondelete="RESTRICT"), primary_key=True),
)


class Opportunity(Record, Base):
    """One company's interest in one film, for a set of territories and rights."""

    __tablename__ = "opportunities"
    __table_args__ = (
        Index(None, "film_id", "stage"),
        Index(None, "company_id", "film_id"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"))
    film_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("films.id", ondelete="RESTRICT"))
    agent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), index=True
    )
    stage: Mapped[Stage] = mapped_column(vocabulary(Stage), default=Stage.LEAD)
    interest: Mapped[Interest | None] = mapped_column(vocabulary(Interest), index=True)
    currency: Mapped[str | None] = mapped_column(String(3))  # of ask and take
    ask: Mapped[Decimal | None]
    take: Mapped[Decimal | None]  # the floor we would accept
    lost_reason: Mapped[str | None]
    stage_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    notes: Mapped[str | None]

    company: Mapped[Company] = relationship()
    film: Mapped[Film] = relationship()
    territories: Mapped[list[Territory]] = relationship(
        secondary=opportunity_territories, order_by="Territory.name"
    )
    rights: Mapped[list[Right]] = relationship(
        secondary=opportunity_rights, order_by="Right.position"
    )
    history: Mapped[list[StageChange]] = relationship(
        back_populates="opportunity",
        cascade="all, delete-orphan",
        order_by="StageChange.changed_at",
    )
    offers: Mapped[list[Offer]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", order_by="Offer.sequence"
    )


class StageChange(Record, Base):
    """A move between pipeline stages; the weekly "what moved" is read from these."""

    __tablename__ = "stage_changes"
    __table_args__ = (Index(None, "opportunity_id", "changed_at"),)

    opportunity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE")
    )
    from_stage: Mapped[Stage | None] = mapped_column(vocabulary(Stage))
    to_stage: Mapped[Stage] = mapped_column(vocabulary(Stage))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    note: Mapped[str | None]

    opportunity: Mapped[Opportunity] = relationship(back_populates="history")


class Offer(Record, Base):
    """An offer from the buyer or our counter-offer; `sequence` keeps the exchange in order."""

    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "sequence"),
        Index(None, "offered_on"),
    )

    opportunity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE")
    )
    sequence: Mapped[int] = mapped_column(Integer)
    side: Mapped[OfferSide] = mapped_column(vocabulary(OfferSide), default=OfferSide.BUYER)
    status: Mapped[OfferStatus] = mapped_column(vocabulary(OfferStatus), default=OfferStatus.OPEN)
    amount: Mapped[Decimal]  # the minimum guarantee (MG)
    currency: Mapped[str] = mapped_column(String(3))
    term_years: Mapped[int | None] = mapped_column(Integer)
    holdbacks: Mapped[str | None]
    terms: Mapped[str | None]  # revenue split, payment schedule, anything else
    offered_on: Mapped[date]
    from_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))

    opportunity: Mapped[Opportunity] = relationship(back_populates="offers")
    from_contact: Mapped[Contact | None] = relationship()

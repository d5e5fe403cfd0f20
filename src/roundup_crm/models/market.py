"""Markets (event editions) and the screenings and events held at them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from roundup_crm.models.base import Base, Record, vocabulary
from roundup_crm.models.enums import ScreeningKind
from roundup_crm.models.film import Film


class Market(Record, Base):
    __tablename__ = "markets"

    name: Mapped[str] = mapped_column(String(200), unique=True)  # "EFM 2026"
    city: Mapped[str | None]
    venue: Mapped[str | None]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    timezone: Mapped[str] = mapped_column(String(64))  # IANA, e.g. Europe/Berlin
    stand: Mapped[str | None]  # our stand or booth

    screenings: Mapped[list[Screening]] = relationship(
        back_populates="market", order_by="Screening.starts_at"
    )

    def __repr__(self) -> str:
        return f"<Market {self.name!r}>"


class Screening(Record, Base):
    """A market screening of a film, or a panel, Q&A or press event around it."""

    __tablename__ = "screenings"

    market_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("markets.id", ondelete="SET NULL"), index=True
    )
    film_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("films.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ScreeningKind] = mapped_column(vocabulary(ScreeningKind))
    title: Mapped[str | None]
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    venue: Mapped[str | None]
    notes: Mapped[str | None]

    market: Mapped[Market | None] = relationship(back_populates="screenings")
    film: Mapped[Film | None] = relationship()
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="screening", cascade="all, delete-orphan"
    )


class Invitation(Record, Base):
    """A buyer or journalist invited to a screening; attendance raises follow-up priority."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("screening_id", "company_id", "contact_id"),)

    screening_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("screenings.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    attended: Mapped[bool | None] = mapped_column(Boolean)

    screening: Mapped[Screening] = relationship(back_populates="invitations")

"""Market meetings: who was met, which films they cared about, how much."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from roundup_crm.models.base import Base, Record, vocabulary
from roundup_crm.models.company import Company, Contact
from roundup_crm.models.enums import Interest, MeetingStatus
from roundup_crm.models.film import Film
from roundup_crm.models.market import Market

meeting_contacts = Table(
    "meeting_contacts",
    Base.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
)


class Meeting(Record, Base):
    __tablename__ = "meetings"
    __table_args__ = (Index(None, "market_id", "starts_at"),)

    market_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("markets.id", ondelete="SET NULL")
    )
    company_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("companies.id", ondelete="RESTRICT"), index=True
    )
    agent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=30)
    place: Mapped[str | None]
    status: Mapped[MeetingStatus] = mapped_column(
        vocabulary(MeetingStatus), default=MeetingStatus.HELD
    )
    notes: Mapped[str | None]

    market: Mapped[Market | None] = relationship()
    company: Mapped[Company] = relationship()
    contacts: Mapped[list[Contact]] = relationship(secondary=meeting_contacts)
    films: Mapped[list[MeetingFilm]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )


class MeetingFilm(Record, Base):
    """A film discussed in a meeting, with the buyer's interest in it."""

    __tablename__ = "meeting_films"
    __table_args__ = (UniqueConstraint("meeting_id", "film_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    film_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("films.id", ondelete="CASCADE"), index=True
    )
    interest: Mapped[Interest | None] = mapped_column(vocabulary(Interest))
    note: Mapped[str | None] = mapped_column(String(2000))

    meeting: Mapped[Meeting] = relationship(back_populates="films")
    film: Mapped[Film] = relationship()

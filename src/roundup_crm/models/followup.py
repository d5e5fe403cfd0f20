"""Follow-up tasks: what to do next, by when, for whom."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from roundup_crm.models.base import Base, Record
from roundup_crm.models.company import Company, Contact
from roundup_crm.models.meeting import Meeting
from roundup_crm.models.pipeline import Opportunity


class FollowUp(Record, Base):
    __tablename__ = "followups"
    __table_args__ = (Index(None, "done_at", "due_on"),)

    title: Mapped[str]
    due_on: Mapped[date | None] = mapped_column(index=True)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    opportunity_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    done_at: Mapped[datetime | None]
    notes: Mapped[str | None]

    meeting: Mapped[Meeting | None] = relationship()
    opportunity: Mapped[Opportunity | None] = relationship()
    company: Mapped[Company | None] = relationship()
    contact: Mapped[Contact | None] = relationship()

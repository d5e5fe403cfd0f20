"""Team members who log work, and the audit trail of every change they make."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from roundup_crm.models.base import Base, Record, utcnow, vocabulary
from roundup_crm.models.enums import AuditAction


class Agent(Record, Base):
    __tablename__ = "agents"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    full_name: Mapped[str | None]
    email: Mapped[str | None]
    phone: Mapped[str | None]
    title: Mapped[str | None]


class AuditEntry(Base):
    """One change to one record: who, when, what. Written by the session hook in db.py."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "entity", "entity_id"), Index(None, "at"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    agent_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[AuditAction] = mapped_column(vocabulary(AuditAction))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[uuid.UUID]
    summary: Mapped[str | None]
    changes: Mapped[dict[str, Any] | None]

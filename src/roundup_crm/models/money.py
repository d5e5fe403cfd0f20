"""Dated exchange rates the user records; reports convert with them, never with a guess."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from roundup_crm.models.base import Base, Rate, Record


class ExchangeRate(Record, Base):
    """1 `base` = `rate` `quote` on `on` (EUR USD 1.08: one euro buys 1.08 dollars)."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("base", "quote", "on"),)

    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Rate())
    on: Mapped[date]

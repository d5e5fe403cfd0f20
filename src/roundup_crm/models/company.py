"""Buyers and distributors, and the people who work there."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from roundup_crm.models.base import Base, Record, vocabulary
from roundup_crm.models.enums import CompanyType
from roundup_crm.models.territory import Territory

company_territories = Table(
    "company_territories",
    Base.metadata,
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territories.id", ondelete="RESTRICT"), primary_key=True),
)


class Company(Record, Base):
    __tablename__ = "companies"

    name: Mapped[str] = mapped_column(index=True)
    # Lower-cased, accent- and legal-suffix-free name: the duplicate-matching key.
    match_key: Mapped[str] = mapped_column(String(300), index=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    type: Mapped[CompanyType] = mapped_column(vocabulary(CompanyType), index=True)
    website: Mapped[str | None]
    genre_preferences: Mapped[list[str]] = mapped_column(default=list)
    tags: Mapped[list[str]] = mapped_column(default=list)
    notes: Mapped[str | None]
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL")
    )

    territories: Mapped[list[Territory]] = relationship(
        secondary=company_territories, order_by="Territory.name"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="company", order_by="Contact.name"
    )

    def __repr__(self) -> str:
        return f"<Company {self.name!r}>"


class Contact(Record, Base):
    __tablename__ = "contacts"

    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(index=True)
    name_native: Mapped[str | None]
    role: Mapped[str | None]
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    preferred_language: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None]
    # Privacy: where the data came from, and whether the person agreed to be contacted.
    source: Mapped[str | None]
    consent: Mapped[str | None] = mapped_column(String(32))
    consent_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]

    company: Mapped[Company | None] = relationship(back_populates="contacts")

    def __repr__(self) -> str:
        return f"<Contact {self.name!r}>"

"""Contacts leaving the CRM: vCards for address books, CSV and XLSX for spreadsheets.

Spreadsheet cells are neutralised (a name starting with "=" stays text), and people
whose data was erased on request are never exported.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.models import Company, Contact
from roundup_crm.services.lookup import find_company

COLUMNS = (
    "name",
    "name_native",
    "company",
    "country",
    "role",
    "email",
    "phone",
    "language",
    "timezone",
    "consent",
    "source",
    "id",
)


@dataclass(frozen=True)
class ContactCard:
    id: uuid.UUID
    name: str
    name_native: str | None
    company: str | None
    country: str | None
    role: str | None
    email: str | None
    phone: str | None
    language: str | None
    timezone: str | None
    consent: str | None
    source: str | None
    notes: str | None
    updated_at: datetime

    def cells(self) -> list[str]:
        return ["" if (v := getattr(self, c)) is None else str(v) for c in COLUMNS]


def contact_cards(session: Session, *, company: str | None = None) -> Iterator[ContactCard]:
    """Every contact not erased, by name, with their company (optionally one company's)."""
    query = (
        select(Contact, Company.name, Company.country)
        .outerjoin(Company, Contact.company_id == Company.id)
        .where(Contact.erased_at.is_(None))
        .order_by(Contact.name, Contact.id)
    )
    if company is not None:
        query = query.where(Contact.company_id == find_company(session, company).id)
    for contact, company_name, country in session.execute(query).yield_per(1000):
        yield ContactCard(
            id=contact.id,
            name=contact.name,
            name_native=contact.name_native,
            company=company_name,
            country=country,
            role=contact.role,
            email=contact.email,
            phone=contact.phone,
            language=contact.preferred_language,
            timezone=contact.timezone,
            consent=contact.consent,
            source=contact.source,
            notes=contact.notes,
            updated_at=contact.updated_at,
        )


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace("\n", "\\n")
        .replace("\r", "")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def _fold(line: str) -> str:
    """RFC 6350 line folding: at most 75 octets a line, continuation lines start with a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # the leading space takes one octet
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


def vcard(card: ContactCard) -> str:
    """One vCard 4.0 (RFC 6350)."""
    given, _, family = card.name.partition(" ")
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"UID:urn:uuid:{card.id}",
        f"FN:{_escape(card.name)}",
        f"N:{_escape(family)};{_escape(given)};;;",
    ]
    if card.name_native:
        lines.append(f"NICKNAME:{_escape(card.name_native)}")
    if card.company:
        lines.append(f"ORG:{_escape(card.company)}")
    if card.role:
        lines.append(f"TITLE:{_escape(card.role)}")
    if card.email:
        lines.append(f"EMAIL;TYPE=work:{_escape(card.email)}")
    if card.phone:
        lines.append(f"TEL;TYPE=work;VALUE=uri:tel:{card.phone}")
    if card.language:
        lines.append(f"LANG:{card.language}")
    if card.timezone:
        lines.append(f"TZ;VALUE=text:{_escape(card.timezone)}")
    if card.country:
        lines.append(f"ADR;TYPE=work:;;;;;;{card.country}")
    if card.notes:
        lines.append(f"NOTE:{_escape(card.notes)}")
    lines.append(f"REV:{card.updated_at.strftime('%Y%m%dT%H%M%SZ')}")
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)


def write_vcf(cards: Iterator[ContactCard], out: IO[str]) -> int:
    count = 0
    for card in cards:
        out.write(vcard(card))
        count += 1
    return count


def write_csv(cards: Iterator[ContactCard], out: IO[str]) -> int:
    from roundup_crm.cli.output import neutralise

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for card in cards:
        writer.writerow([neutralise(c) for c in card.cells()])
        count += 1
    return count


def write_xlsx(cards: Iterator[ContactCard], out: IO[bytes]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from roundup_crm.cli.output import neutralise

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    sheet.append(list(COLUMNS))
    count = 0
    for card in cards:
        row = []
        for value in card.cells():
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            cell.data_type = "s"  # text, always: never a formula, never a number
            row.append(cell)
        sheet.append(row)
        count += 1
    workbook.save(out)
    return count

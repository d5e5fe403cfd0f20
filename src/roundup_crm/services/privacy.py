"""A person's rights over their data: everything held about a contact, and erasing it.

Erasure removes what identifies the person (their contact details, their name on meeting
lists, their name and email in notes and in the audit trail) and keeps the anonymous
business facts: the meeting with the company happened, the offer was made, the deal holds.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from roundup_crm.db import current_agent
from roundup_crm.errors import Conflict, InvalidInput
from roundup_crm.models import (
    AuditAction,
    AuditEntry,
    Company,
    Contact,
    Deal,
    Film,
    FollowUp,
    Invitation,
    Market,
    Meeting,
    MeetingFilm,
    Offer,
    Opportunity,
    Screening,
    StageChange,
    meeting_contacts,
    utcnow,
)
from roundup_crm.services.lookup import find_company, find_contact

ERASED = "[erased]"

# Free text anywhere in the database that may name a person.
NOTE_COLUMNS: tuple[InstrumentedAttribute[Any], ...] = (
    Meeting.notes,
    Meeting.place,
    MeetingFilm.note,
    FollowUp.title,
    FollowUp.notes,
    Opportunity.notes,
    Opportunity.lost_reason,
    StageChange.note,
    Offer.terms,
    Offer.holdbacks,
    Deal.notes,
    Deal.holdbacks,
    Company.notes,
)

# What identifies a person on a contact row; blanked on erasure.
PERSONAL_FIELDS = (
    "name_native",
    "role",
    "email",
    "phone",
    "preferred_language",
    "timezone",
    "notes",
    "source",
    "consent",
    "consent_at",
)


def _person(session: Session, value: str, within: str | None) -> Contact:
    return find_contact(session, value, find_company(session, within) if within else None)


def _terms(contact: Contact) -> list[str]:
    """The strings that point at this person in free text: their name(s) and email."""
    terms = [contact.name, contact.name_native, contact.email, contact.phone]
    return sorted({t.strip() for t in terms if t and len(t.strip()) >= 3}, key=len, reverse=True)


def _mentions(column: InstrumentedAttribute[Any], terms: Iterable[str]) -> Any:
    return or_(*(func.lower(column).contains(t.lower(), autoescape=True) for t in terms))


def _redact(text: str, terms: Iterable[str]) -> str:
    for term in terms:
        pattern = re.escape(term)
        # "Jan" must not eat "January"; a Hangul name takes its particles ("마석도가"), so
        # only Latin letters and digits get word boundaries.
        if term[0].isascii() and term[0].isalnum():
            pattern = r"(?<!\w)" + pattern
        if term[-1].isascii() and term[-1].isalnum():
            pattern += r"(?!\w)"
        text = re.sub(pattern, ERASED, text, flags=re.IGNORECASE)
    return text


def _redact_json(value: Any, terms: list[str]) -> Any:
    if isinstance(value, str):
        return _redact(value, terms)
    if isinstance(value, list):
        return [_redact_json(v, terms) for v in value]
    if isinstance(value, dict):
        return {k: _redact_json(v, terms) for k, v in value.items()}
    return value


def _noted(session: Session, terms: list[str]) -> Iterator[tuple[Any, str]]:
    """Every (row, attribute) whose free text mentions one of `terms`."""
    if not terms:
        return
    for column in NOTE_COLUMNS:
        entity = column.class_
        for row in session.scalars(select(entity).where(_mentions(column, terms))):
            yield row, column.key


def _audit_about(session: Session, contact: Contact, terms: list[str]) -> list[AuditEntry]:
    about = AuditEntry.entity_id == contact.id
    if terms:
        about = or_(
            about,
            _mentions(AuditEntry.summary, terms),
            _mentions(cast(AuditEntry.changes, Text), terms),  # type: ignore[arg-type]
        )
    return list(session.scalars(select(AuditEntry).where(about).order_by(AuditEntry.at)))


# --- Export ---------------------------------------------------------------------------


def personal_data(session: Session, person: str, *, within: str | None = None) -> dict[str, Any]:
    """Everything held about one person, as plain data (what `contact export` writes)."""
    contact = _person(session, person, within)
    terms = _terms(contact)
    company = session.get(Company, contact.company_id) if contact.company_id else None
    meetings = session.execute(
        select(Meeting, Company.name, Market.name)
        .join(meeting_contacts, meeting_contacts.c.meeting_id == Meeting.id)
        .join(Company, Company.id == Meeting.company_id)
        .outerjoin(Market, Market.id == Meeting.market_id)
        .where(meeting_contacts.c.contact_id == contact.id)
        .order_by(Meeting.starts_at)
    ).all()
    followups = session.scalars(
        select(FollowUp)
        .where(
            or_(FollowUp.contact_id == contact.id, _mentions(FollowUp.title, terms))
            if terms
            else FollowUp.contact_id == contact.id
        )
        .order_by(FollowUp.due_on)
    ).all()
    offers = session.execute(
        select(Offer, Film.slug, Company.name)
        .join(Opportunity, Opportunity.id == Offer.opportunity_id)
        .join(Film, Film.id == Opportunity.film_id)
        .join(Company, Company.id == Opportunity.company_id)
        .where(Offer.from_contact_id == contact.id)
        .order_by(Offer.offered_on)
    ).all()
    invitations = session.execute(
        select(Invitation, Screening.title, Screening.starts_at)
        .join(Screening, Screening.id == Invitation.screening_id)
        .where(Invitation.contact_id == contact.id)
    ).all()
    notes = [
        {
            "record": row.__table__.name,
            "id": str(row.id),
            "field": key,
            "text": getattr(row, key),
        }
        for row, key in _noted(session, terms)
    ]
    audit = [
        {
            "at": e.at,
            "agent": e.agent_name,
            "action": e.action.value,
            "record": e.entity,
            "id": str(e.entity_id),
            "summary": e.summary,
            "changes": e.changes,
        }
        for e in _audit_about(session, contact, terms)
    ]
    return {
        "exported_at": utcnow(),
        "contact": {
            "id": str(contact.id),
            "name": contact.name,
            "company": company.name if company else None,
            **{name: getattr(contact, name) for name in PERSONAL_FIELDS},
            "erased_at": contact.erased_at,
            "created_at": contact.created_at,
            "updated_at": contact.updated_at,
        },
        "meetings": [
            {
                "id": str(m.id),
                "starts_at": m.starts_at,
                "market": market,
                "company": company_name,
                "status": m.status.value,
                "place": m.place,
                "notes": m.notes,
            }
            for m, company_name, market in meetings
        ],
        "followups": [
            {
                "id": str(f.id),
                "title": f.title,
                "due_on": f.due_on,
                "done_at": f.done_at,
                "notes": f.notes,
            }
            for f in followups
        ],
        "offers": [
            {
                "id": str(o.id),
                "film": slug,
                "company": company_name,
                "amount": o.amount,
                "currency": o.currency,
                "offered_on": o.offered_on,
                "terms": o.terms,
            }
            for o, slug, company_name in offers
        ],
        "screening_invitations": [
            {"screening": title, "starts_at": starts_at, "attended": inv.attended}
            for inv, title, starts_at in invitations
        ],
        "notes_mentioning": notes,
        "audit": audit,
    }


# --- Erasure --------------------------------------------------------------------------


@dataclass
class Erasure:
    contact_id: uuid.UUID
    erased_at: datetime
    meetings_unlinked: int = 0
    links_cleared: int = 0  # follow-ups, offers, invitations that named them
    notes_redacted: int = 0
    audit_scrubbed: int = 0
    letters: list[Path] = field(default_factory=list)  # files for the user to delete
    unreadable: list[Path] = field(default_factory=list)  # files we could not search

    @property
    def short_id(self) -> str:
        return self.contact_id.hex[:8]


def erase_contact(
    session: Session,
    person: str,
    *,
    within: str | None = None,
    letters: Path | None = None,
) -> Erasure:
    """Remove a person's data everywhere; keep the anonymous business facts.

    The contact row stays (so counts and the company's history hold) with every personal
    field blank and `erased_at` set. Their name and email are replaced by "[erased]" in
    notes and in earlier audit entries; the erasure itself is audited without them.
    """
    if letters is not None and not letters.expanduser().is_dir():
        raise InvalidInput("letters", str(letters), "not a folder")
    contact = _person(session, person, within)
    if contact.erased_at is not None:
        raise Conflict(
            f"contact {contact.short_id} was already erased on {contact.erased_at:%Y-%m-%d}"
        )
    terms = _terms(contact)
    agent = current_agent(session)
    session.flush()
    report = Erasure(contact_id=contact.id, erased_at=utcnow())
    # The audit hook would copy the erased values into the trail: this unit of work
    # writes one entry of its own instead.
    session.info["audit"] = False
    try:
        unlinked = session.execute(
            delete(meeting_contacts).where(meeting_contacts.c.contact_id == contact.id)
        )
        report.meetings_unlinked = getattr(unlinked, "rowcount", 0) or 0
        for row in session.scalars(select(FollowUp).where(FollowUp.contact_id == contact.id)):
            row.contact_id = None
            report.links_cleared += 1
        for offer in session.scalars(select(Offer).where(Offer.from_contact_id == contact.id)):
            offer.from_contact_id = None
            report.links_cleared += 1
        for inv in session.scalars(select(Invitation).where(Invitation.contact_id == contact.id)):
            inv.contact_id = None
            report.links_cleared += 1
        for row, key in list(_noted(session, terms)):
            before = getattr(row, key)
            after = _redact(before, terms)
            if after != before:
                setattr(row, key, after)
                report.notes_redacted += 1
        for entry in _audit_about(session, contact, terms):
            entry.summary = ERASED if entry.entity_id == contact.id else _redact(
                entry.summary or "", terms
            )
            if entry.changes:
                entry.changes = (
                    {key: [ERASED, ERASED] for key in entry.changes}
                    if entry.entity_id == contact.id
                    else _redact_json(entry.changes, terms)
                )
            report.audit_scrubbed += 1
        contact.name = ERASED
        for name in PERSONAL_FIELDS:
            setattr(contact, name, None)
        contact.erased_at = report.erased_at
        session.flush()
    finally:
        session.info.pop("audit", None)
    session.add(
        AuditEntry(
            id=uuid.uuid4(),
            agent_id=agent.id,
            agent_name=agent.name,
            action=AuditAction.ERASE,
            entity="contacts",
            entity_id=contact.id,
            summary=ERASED,
            changes={
                "erased_at": [None, str(report.erased_at)],
                "meetings_unlinked": report.meetings_unlinked,
                "links_cleared": report.links_cleared,
                "notes_redacted": report.notes_redacted,
                "audit_scrubbed": report.audit_scrubbed,
            },
        )
    )
    if letters is not None:
        report.letters, report.unreadable = letters_mentioning(letters.expanduser(), terms)
    session.flush()
    return report


def letters_mentioning(folder: Path, terms: list[str]) -> tuple[list[Path], list[Path]]:
    """Files under `folder` (follow-up letters, emails, reports) that name the person,
    and the PDFs that could not be searched because no PDF reader is installed."""
    found: list[Path] = []
    unreadable: list[Path] = []
    lowered = [" ".join(t.lower().split()) for t in terms]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = _file_text(path)
        if text is None:
            unreadable.append(path)
        # Letters wrap lines and use no-break spaces between first and last names.
        elif any(t in " ".join(text.lower().split()) for t in lowered):
            found.append(path)
    return found, unreadable


def _file_text(path: Path) -> str | None:
    data = path.read_bytes()
    if path.suffix.lower() == ".pdf":
        try:
            from pypdf import PdfReader
        except ImportError:
            return None
        import io

        try:
            pages = PdfReader(io.BytesIO(data)).pages
            return "\n".join(page.extract_text() or "" for page in pages)
        except Exception:  # a damaged PDF is listed for checking by hand
            return None
    text = data.decode("utf-8", errors="replace")
    # HTML letters escape names ("O&#39;Brien"); emails may fold them in quoted-printable.
    return html.unescape(text) + "\n" + text.replace("=\n", "")

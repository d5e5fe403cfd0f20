"""People at buyers: adding, editing, listing and showing contacts.

Privacy: every contact carries where their details came from (`source`) and whether they
agreed to be contacted (`consent`, stamped with the time it was recorded).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roundup_crm.errors import Conflict, InvalidInput
from roundup_crm.models import Company, Contact, Meeting, meeting_contacts, utcnow
from roundup_crm.services import validate
from roundup_crm.services.lookup import find_company, find_contact
from roundup_crm.services.parsing import parse_country, zone
from roundup_crm.services.search import text_match

# Lawful bases a sales company records for keeping someone's details (GDPR wording).
CONSENT = ("given", "refused", "withdrawn", "legitimate-interest", "unknown")


def consent(value: str) -> str:
    key = value.strip().lower().replace(" ", "-").replace("_", "-")
    if key in ("yes", "opt-in", "opted-in"):
        key = "given"
    if key in ("no", "opt-out", "opted-out"):
        key = "refused"
    if key not in CONSENT:
        raise InvalidInput("consent", value, f"expected one of {', '.join(CONSENT)}")
    return key


def timezone_name(value: str) -> str:
    zone(value.strip(), field="timezone")
    return value.strip()


def _optional_line(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    return validate.required_name(value, field=field)


def _refuse_duplicate_email(session: Session, contact: Contact) -> None:
    if not contact.email:
        return
    existing = session.scalars(
        select(Contact).where(
            func.lower(Contact.email) == contact.email.lower(),
            Contact.id != contact.id,
            Contact.erased_at.is_(None),
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"email {contact.email!r} already belongs to {existing.name!r} "
            f"(id {existing.short_id}): use that contact, or --allow-duplicate"
        )


def add_contact(
    session: Session,
    *,
    name: str,
    company: str | None = None,
    name_native: str | None = None,
    role: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    language: str | None = None,
    timezone: str | None = None,
    notes: str | None = None,
    source: str | None = None,
    consent_value: str | None = None,
    allow_duplicate: bool = False,
) -> Contact:
    """A person, usually at a company. A national phone number is read in the company's
    country; an email already on file is refused unless allowed."""
    employer: Company | None = find_company(session, company) if company else None
    contact = Contact(
        company=employer,
        name=validate.required_name(name, field="name"),
        name_native=_optional_line(name_native, "native name"),
        role=_optional_line(role, "role"),
        email=validate.email(email),
        phone=validate.phone(phone, country=employer.country if employer else None),
        preferred_language=validate.language(language, field="language"),
        timezone=timezone_name(timezone) if timezone else None,
        notes=validate.clean_text(notes, field="notes"),
        source=_optional_line(source, "source"),
    )
    if consent_value:
        contact.consent = consent(consent_value)
        contact.consent_at = utcnow()
    session.add(contact)
    if not allow_duplicate:
        _refuse_duplicate_email(session, contact)
    session.flush()
    return contact


CONTACT_FIELDS = (
    "name",
    "company",
    "name_native",
    "role",
    "email",
    "phone",
    "language",
    "timezone",
    "notes",
    "source",
    "consent",
)


def edit_contact(
    session: Session,
    value: str,
    *,
    changes: dict[str, str | None],
    within: str | None = None,
    allow_duplicate: bool = False,
) -> Contact:
    """Change a contact; options not given stay as they are ("" clears a field)."""
    contact = find_contact(session, value, find_company(session, within) if within else None)
    given = {k: v for k, v in changes.items() if v is not None}
    unknown = set(given) - set(CONTACT_FIELDS)
    if unknown:
        raise InvalidInput("field", sorted(unknown)[0], "not a contact field")
    if not given:
        raise InvalidInput("contact edit", value, "nothing to change: give at least one option")
    if "company" in given:
        raw = given["company"] or ""
        contact.company = find_company(session, raw) if raw.strip() else None
    if "name" in given:
        contact.name = validate.required_name(given["name"], field="name")
    if "name_native" in given:
        contact.name_native = _optional_line(given["name_native"], "native name")
    if "role" in given:
        contact.role = _optional_line(given["role"], "role")
    if "email" in given:
        contact.email = validate.email(given["email"])
    if "phone" in given:
        country = contact.company.country if contact.company else None
        contact.phone = validate.phone(given["phone"], country=country)
    if "language" in given:
        contact.preferred_language = validate.language(given["language"], field="language")
    if "timezone" in given:
        raw = given["timezone"] or ""
        contact.timezone = timezone_name(raw) if raw.strip() else None
    if "notes" in given:
        contact.notes = validate.clean_text(given["notes"], field="notes")
    if "source" in given:
        contact.source = _optional_line(given["source"], "source")
    if "consent" in given:
        raw = given["consent"] or ""
        new = consent(raw) if raw.strip() else None
        if new != contact.consent:
            contact.consent, contact.consent_at = new, utcnow() if new else None
    if "email" in given and not allow_duplicate:
        _refuse_duplicate_email(session, contact)
    session.flush()
    return contact


def list_contacts(
    session: Session,
    *,
    company: str | None = None,
    country: str | None = None,
    language: str | None = None,
    search: str | None = None,
) -> list[dict[str, Any]]:
    query = (
        select(Contact, Company.name)
        .outerjoin(Company, Company.id == Contact.company_id)
        .where(Contact.erased_at.is_(None))
    )
    if company:
        query = query.where(Contact.company_id == find_company(session, company).id)
    if country:
        query = query.where(Company.country == parse_country(country))
    if language:
        query = query.where(
            Contact.preferred_language == validate.language(language, field="language")
        )
    if search:
        columns = [Contact.name, Contact.name_native, Contact.email, Contact.role]
        query = query.where(text_match(session, columns, search))
    rows = session.execute(query.order_by(Contact.name, Contact.id))
    return [
        {
            "id": contact.short_id,
            "name": contact.name,
            "company": company_name,
            "role": contact.role,
            "email": contact.email,
            "phone": contact.phone,
            "language": contact.preferred_language,
            "timezone": contact.timezone,
        }
        for contact, company_name in rows
    ]


def contact_record(session: Session, contact: Contact) -> dict[str, Any]:
    meetings, last_met = session.execute(
        select(func.count(Meeting.id), func.max(Meeting.starts_at))
        .join(meeting_contacts, meeting_contacts.c.meeting_id == Meeting.id)
        .where(meeting_contacts.c.contact_id == contact.id)
    ).one()
    return {
        "id": str(contact.id),
        "name": contact.name,
        "name_native": contact.name_native,
        "company": contact.company.name if contact.company else None,
        "role": contact.role,
        "email": contact.email,
        "phone": contact.phone,
        "preferred_language": contact.preferred_language,
        "timezone": contact.timezone,
        "notes": contact.notes,
        "source": contact.source,
        "consent": contact.consent,
        "consent_at": contact.consent_at,
        "meetings": meetings,
        "last_met_at": last_met,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }


def show_contact(session: Session, value: str, *, within: str | None = None) -> dict[str, Any]:
    company = find_company(session, within) if within else None
    return contact_record(session, find_contact(session, value, company))

"""Finding records by the names users type: slugs, unique title or name prefixes, short ids."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import String, cast, func, or_, select, true
from sqlalchemy.orm import Session

from roundup_crm.errors import Ambiguous, InvalidInput, NotFound
from roundup_crm.models import Company, Contact, Film, FollowUp, Market, Meeting, Opportunity
from roundup_crm.models.base import Record

R = TypeVar("R", bound=Record)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def by_short_id(session: Session, model: type[R], value: str, kind: str) -> R | None:
    """A record by its full UUID or the first hex digits users see (at least 4)."""
    raw = value.strip().lower().replace("-", "")
    if len(raw) < 4 or any(c not in "0123456789abcdef" for c in raw):
        return None
    if len(raw) == 32:
        return session.get(model, uuid.UUID(raw))
    id_text = func.replace(cast(model.id, String), "-", "")
    matches = session.scalars(select(model).where(id_text.like(f"{raw}%")).limit(11)).all()
    if len(matches) > 1:
        raise Ambiguous(kind, value, [m.short_id for m in matches])
    return matches[0] if matches else None


def _one_by_name(
    session: Session,
    model: type[R],
    kind: str,
    value: str,
    exact: Sequence[Any],
    prefix_column: Any,
    label: Callable[[R], str],
) -> R:
    raw = value.strip()
    if not raw:
        raise InvalidInput(kind, value, "empty")
    for condition in exact:
        found = session.scalars(select(model).where(condition).limit(2)).all()
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Ambiguous(kind, value, [label(f) for f in found])
    pattern = _escape_like(raw.lower()) + "%"
    candidates = session.scalars(
        select(model).where(func.lower(prefix_column).like(pattern, escape="\\")).limit(21)
    ).all()
    if not candidates and not raw.isascii():
        # SQLite's lower() folds ASCII only: "Kino Świat" must also match as typed.
        candidates = session.scalars(
            select(model).where(prefix_column.like(_escape_like(raw) + "%", escape="\\")).limit(21)
        ).all()
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        raise Ambiguous(kind, value, [label(c) for c in candidates])
    by_id = by_short_id(session, model, raw, kind)
    if by_id is not None:
        return by_id
    raise NotFound(kind, value)


def find_film(session: Session, value: str) -> Film:
    """A film by slug, exact title, original title, or a unique title prefix."""
    raw = value.strip()
    return _one_by_name(
        session,
        Film,
        "film",
        value,
        exact=[
            Film.slug == raw.lower(),
            func.lower(Film.title) == raw.lower(),
            Film.original_title == raw,
        ],
        prefix_column=Film.title,
        label=lambda f: f"{f.slug} ({f.title})",
    )


def find_company(session: Session, value: str) -> Company:
    """A company by exact name or a unique name prefix (merged-away companies excluded)."""
    raw = value.strip()
    live = Company.merged_into_id.is_(None)
    return _one_by_name(
        session,
        Company,
        "company",
        value,
        exact=[live & (func.lower(Company.name) == raw.lower()), live & (Company.name == raw)],
        prefix_column=Company.name,
        label=lambda c: f"{c.name} ({c.country or '?'})",
    )


def find_contact(session: Session, value: str, company: Company | None = None) -> Contact:
    """A contact by email, exact name or unique name prefix (within a company if given)."""
    raw = value.strip()
    scope = Contact.company_id == company.id if company is not None else true()
    return _one_by_name(
        session,
        Contact,
        "contact",
        value,
        exact=[
            scope & (func.lower(Contact.email) == raw.lower()),
            scope & (func.lower(Contact.name) == raw.lower()),
        ],
        prefix_column=Contact.name,
        label=lambda c: f"{c.name} <{c.email or 'no email'}>",
    )


def find_market(session: Session, value: str) -> Market:
    """A market by exact name ("EFM 2026") or unique prefix ("EFM" when only one)."""
    raw = value.strip()
    return _one_by_name(
        session,
        Market,
        "market",
        value,
        exact=[func.lower(Market.name) == raw.lower()],
        prefix_column=Market.name,
        label=lambda m: m.name,
    )


def find_by_id(session: Session, model: type[R], value: str, kind: str) -> R:
    found = by_short_id(session, model, value, kind)
    if found is None:
        raise NotFound(kind, value, "give the id shown in lists (at least 4 characters)")
    return found


def find_meeting(session: Session, value: str) -> Meeting:
    return find_by_id(session, Meeting, value, "meeting")


def find_followup(session: Session, value: str) -> FollowUp:
    return find_by_id(session, FollowUp, value, "follow-up")


def find_opportunity(session: Session, value: str) -> Opportunity:
    return find_by_id(session, Opportunity, value, "opportunity")


def search_condition(columns: Sequence[Any], text: str) -> Any:
    """Case-insensitive substring match on any of `columns`."""
    pattern = f"%{_escape_like(text.lower())}%"
    return or_(*(func.lower(c).like(pattern, escape="\\") for c in columns))

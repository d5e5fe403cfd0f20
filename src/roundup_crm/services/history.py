"""Who changed what, when: reading the audit trail the session hook writes on every change."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from roundup_crm.errors import Ambiguous, CRMError, NotFound
from roundup_crm.models import (
    AuditEntry,
    BoxOffice,
    Contact,
    Credit,
    FestivalEntry,
    FilmAsset,
    PressQuote,
    Screening,
)
from roundup_crm.services.lookup import find_company, find_contact, find_film, find_market
from roundup_crm.services.parsing import parse_int

# Rows that belong to a film and whose changes are part of the film's story.
_FILM_PARTS = (Credit, FestivalEntry, PressQuote, BoxOffice, FilmAsset)


def _resolve(session: Session, value: str) -> tuple[str, str, list[uuid.UUID]]:
    """(kind, label, ids whose entries tell this object's history)."""
    found: list[tuple[str, str, list[uuid.UUID]]] = []
    ambiguous: list[str] = []
    finders: list[tuple[str, Any]] = [
        ("film", find_film),
        ("company", find_company),
        ("contact", find_contact),
        ("market", find_market),
    ]
    for kind, finder in finders:
        try:
            record = finder(session, value)
        except Ambiguous as exc:
            ambiguous += [f"{kind} {c}" for c in exc.candidates]
            continue
        except CRMError:
            continue
        found.append((kind, _label(record), _related_ids(session, kind, record)))
    if len(found) == 1 and not ambiguous:
        return found[0]
    if found or ambiguous:
        raise Ambiguous("object", value, [f"{k} {label}" for k, label, _ in found] + ambiguous)
    by_id = _by_entry_id(session, value)
    if by_id is not None:
        return by_id
    raise NotFound("object", value, "give a film, company, contact, market or an id")


def _label(record: Any) -> str:
    return str(getattr(record, "slug", None) or getattr(record, "name", None) or record.id)


def _related_ids(session: Session, kind: str, record: Any) -> list[uuid.UUID]:
    ids = [record.id]
    if kind == "film":
        for part in _FILM_PARTS:
            ids += session.scalars(select(part.id).where(part.film_id == record.id)).all()
    elif kind == "company":
        ids += session.scalars(select(Contact.id).where(Contact.company_id == record.id)).all()
    elif kind == "market":
        ids += session.scalars(select(Screening.id).where(Screening.market_id == record.id)).all()
    return ids


def _by_entry_id(session: Session, value: str) -> tuple[str, str, list[uuid.UUID]] | None:
    """Any record by its id (also one deleted since), as the audit trail knows it."""
    raw = value.strip().lower().replace("-", "")
    if len(raw) < 4 or any(c not in "0123456789abcdef" for c in raw):
        return None
    id_text = func.replace(cast(AuditEntry.entity_id, String), "-", "")
    rows = session.execute(
        select(AuditEntry.entity_id, AuditEntry.entity, func.max(AuditEntry.summary))
        .where(id_text.like(f"{raw}%"))
        .group_by(AuditEntry.entity_id, AuditEntry.entity)
        .limit(11)
    ).all()
    if len(rows) > 1:
        raise Ambiguous("id", value, [f"{r[0].hex[:8]} {r[1]} {r[2]}" for r in rows])
    if not rows:
        return None
    entity_id, entity, summary = rows[0]
    return entity, summary or entity_id.hex[:8], [entity_id]


def history(session: Session, value: str, *, limit: str | None = None) -> dict[str, Any]:
    """Every recorded change to an object (and, for a film, to its credits, festivals,
    quotes, box office and assets; for a company, to its contacts), newest first."""
    kind, label, ids = _resolve(session, value)
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity_id.in_(ids))
        .order_by(AuditEntry.at.desc(), AuditEntry.entity)
    )
    if limit is not None:
        query = query.limit(parse_int(limit, field="limit", minimum=1))
    entries = [
        {
            "at": entry.at,
            "agent": entry.agent_name,
            "action": entry.action,
            "record": entry.entity,
            "id": entry.entity_id.hex[:8],
            "summary": entry.summary,
            "changes": _describe(entry.changes),
        }
        for entry in session.scalars(query)
    ]
    return {"object": f"{kind} {label}", "entries": entries}


def _describe(changes: dict[str, Any] | None) -> str:
    if not changes:
        return ""
    parts = []
    for field, pair in sorted(changes.items()):
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        parts.append(f"{field}: {_short(old)} -> {_short(new)}")
    return "; ".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, list) and value:
        value = ", ".join(str(v) for v in value)
    text = "-" if value in (None, "", []) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."

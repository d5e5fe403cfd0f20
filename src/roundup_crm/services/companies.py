"""Buyers and distributors: adding, editing, listing and showing companies."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from roundup_crm.db import check_version
from roundup_crm.errors import Conflict, InvalidInput
from roundup_crm.models import (
    Company,
    CompanyType,
    Contact,
    Meeting,
    Opportunity,
    Territory,
    company_territories,
    short_id,
)
from roundup_crm.services import validate
from roundup_crm.services.lookup import find_company
from roundup_crm.services.parsing import parse_country, parse_int
from roundup_crm.services.search import json_text_contains, text_match
from roundup_crm.services.territories import find_territories, find_territory, overlapping

MAX_TAG = 50


def _tag(value: str, *, field: str = "tag") -> str | None:
    if not value.strip():
        return None
    tag = validate.required_name(value, field=field, max_length=MAX_TAG).lower()
    return " ".join(tag.split())


def _tags(values: Iterable[str], *, field: str = "tag") -> list[str]:
    out: list[str] = []
    for value in values:
        for part in value.replace(",", ";").split(";"):
            tag = _tag(part, field=field)
            if tag and tag not in out:
                out.append(tag)
    return out


@dataclass
class ListChange:
    """How an edit changes a list: replace it, or add and remove items."""

    replace: list[str] | None = None
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.replace is None and not self.add and not self.remove


def _changed(current: Sequence[str], change: ListChange, parse: Any) -> list[str]:
    result = list(current) if change.replace is None else parse(change.replace)
    for item in parse(change.add):
        if item not in result:
            result.append(item)
    removing = parse(change.remove)
    return [item for item in result if item not in removing]


def duplicate_of(
    session: Session, name: str, country: str | None, *, exclude: uuid.UUID | None = None
) -> Company | None:
    """A live company that is the same buyer: same match key, same country."""
    query = select(Company).where(
        Company.match_key == validate.match_key(name),
        Company.country == country if country else Company.country.is_(None),
        Company.merged_into_id.is_(None),
    )
    if exclude is not None:
        query = query.where(Company.id != exclude)
    return session.scalars(query.limit(1)).first()


def _refuse_duplicate(session: Session, company: Company) -> None:
    existing = duplicate_of(session, company.name, company.country, exclude=company.id)
    if existing is not None:
        where = f" in {existing.country}" if existing.country else ""
        raise Conflict(
            f"company {company.name!r} looks like {existing.name!r}{where} "
            f"(id {existing.short_id}), already recorded: use that one, or --allow-duplicate"
        )


def add_company(
    session: Session,
    *,
    name: str,
    country: str | None = None,
    type: str | None = None,
    website: str | None = None,
    territories: Iterable[str] = (),
    genres: Iterable[str] = (),
    tags: Iterable[str] = (),
    notes: str | None = None,
    allow_duplicate: bool = False,
) -> Company:
    """A new buyer. Refused when the same company (name match key + country) exists."""
    clean_name = validate.required_name(name, field="name")
    company = Company(
        name=clean_name,
        match_key=validate.match_key(clean_name),
        country=parse_country(country) if country else None,
        type=validate.company_type(type) if type else CompanyType.THEATRICAL,
        website=validate.url(website, field="website"),
        genre_preferences=_tags(genres, field="genre"),
        tags=_tags(tags),
        notes=validate.clean_text(notes, field="notes"),
    )
    if not company.match_key:
        raise InvalidInput("name", name, "needs at least one letter or digit")
    company.territories = find_territories(session, territories)
    if not allow_duplicate:
        _refuse_duplicate(session, company)
    session.add(company)
    session.flush()
    return company


def edit_company(
    session: Session,
    value: str,
    *,
    name: str | None = None,
    country: str | None = None,
    type: str | None = None,
    website: str | None = None,
    notes: str | None = None,
    territories: ListChange | None = None,
    genres: ListChange | None = None,
    tags: ListChange | None = None,
    allow_duplicate: bool = False,
    expect_version: int | None = None,
) -> Company:
    """Change a company; options not given stay as they are ("" clears a field)."""
    company = find_company(session, value)
    check_version(session, company, expect_version)
    territories = territories or ListChange()
    genres = genres or ListChange()
    tags = tags or ListChange()
    scalars = (name, country, type, website, notes)
    if all(v is None for v in scalars) and territories.empty and genres.empty and tags.empty:
        raise InvalidInput("company edit", value, "nothing to change: give at least one option")
    if name is not None:
        company.name = validate.required_name(name, field="name")
        company.match_key = validate.match_key(company.name)
    if country is not None:
        company.country = parse_country(country) if country.strip() else None
    if type is not None:
        company.type = validate.company_type(type)
    if website is not None:
        company.website = validate.url(website, field="website")
    if notes is not None:
        company.notes = validate.clean_text(notes, field="notes")
    if not territories.empty:
        current = [t.code for t in company.territories]

        def resolve(values: Iterable[str]) -> list[str]:
            return [t.code for t in find_territories(session, values)]

        codes = _changed(current, territories, resolve)
        chosen = select(Territory).where(Territory.code.in_(codes))
        by_code = {t.code: t for t in session.scalars(chosen)}
        company.territories = [by_code[c] for c in codes]
    if not genres.empty:
        company.genre_preferences = _changed(
            company.genre_preferences, genres, lambda v: _tags(v, field="genre")
        )
    if not tags.empty:
        company.tags = _changed(company.tags, tags, _tags)
    if (name is not None or country is not None) and not allow_duplicate:
        _refuse_duplicate(session, company)
    session.flush()
    return company


def company_query(
    session: Session,
    *,
    country: str | None = None,
    territory: str | None = None,
    type: str | None = None,
    tag: str | None = None,
    search: str | None = None,
    after: str | None = None,
) -> Select[Company]:
    """The filtered, name-ordered query behind `company list` (all filtering in SQL)."""
    query = select(Company).where(Company.merged_into_id.is_(None))
    if country:
        query = query.where(Company.country == parse_country(country))
    if territory:
        ids, codes = overlapping(session, find_territory(session, territory))
        buys_for = select(company_territories.c.company_id).where(
            company_territories.c.territory_id.in_(ids)
        )
        has_none = (
            ~select(company_territories.c.company_id)
            .where(company_territories.c.company_id == Company.id)
            .exists()
        )
        # A company that lists no territories is taken to buy for its own country.
        query = query.where(
            or_(Company.id.in_(buys_for), Company.country.in_(sorted(codes)) & has_none)
        )
    if type:
        query = query.where(Company.type == validate.company_type(type))
    if tag:
        clean = _tag(tag)
        if clean is None:
            raise InvalidInput("tag", tag, "is empty")
        query = query.where(json_text_contains(Company.tags, clean))
    if search:
        query = query.where(text_match(session, [Company.name, Company.notes], search))
    if after:
        query = query.where(Company.name > after)
    return query.order_by(Company.name, Company.id)


def list_companies(
    session: Session,
    *,
    country: str | None = None,
    territory: str | None = None,
    type: str | None = None,
    tag: str | None = None,
    search: str | None = None,
    after: str | None = None,
    limit: str | None = None,
) -> list[dict[str, Any]]:
    query = company_query(
        session,
        country=country,
        territory=territory,
        type=type,
        tag=tag,
        search=search,
        after=after,
    )
    if limit is not None:
        query = query.limit(parse_int(limit, field="limit", minimum=1))
    # Plain columns, not ORM objects: listing 10k companies should not build 10k entities.
    # Contacts are counted per listed company (an index look-up each), and territories read
    # in one query for the whole page rather than one per company.
    contacts = (
        select(func.count(Contact.id))
        .where(Contact.company_id == Company.id, Contact.erased_at.is_(None))
        .scalar_subquery()
    )
    page = query.with_only_columns(
        Company.id, Company.name, Company.country, Company.type, Company.tags, contacts
    )
    rows = session.execute(page).all()
    listed = query.with_only_columns(Company.id).subquery()
    names: dict[uuid.UUID, list[str]] = {}
    for company_id, name in session.execute(
        select(company_territories.c.company_id, Territory.name)
        .join(Territory, Territory.id == company_territories.c.territory_id)
        .where(company_territories.c.company_id.in_(select(listed.c.id)))
        .order_by(Territory.name)
    ):
        names.setdefault(company_id, []).append(name)
    return [
        {
            "id": short_id(company_id),
            "name": name,
            "country": country,
            "type": type_,
            "territories": names.get(company_id, []),
            "contacts": count,
            "tags": tags,
        }
        for company_id, name, country, type_, tags, count in rows
    ]


def company_record(session: Session, company: Company) -> dict[str, Any]:
    contacts = list(
        session.scalars(
            select(Contact)
            .where(Contact.company_id == company.id, Contact.erased_at.is_(None))
            .order_by(Contact.name)
        )
    )
    meetings, last_met = session.execute(
        select(func.count(Meeting.id), func.max(Meeting.starts_at)).where(
            Meeting.company_id == company.id
        )
    ).one()
    opportunities = session.scalar(
        select(func.count(Opportunity.id)).where(Opportunity.company_id == company.id)
    )
    return {
        "id": str(company.id),
        "name": company.name,
        "country": company.country,
        "type": company.type,
        "website": company.website,
        "territories": [
            {"code": t.code, "name": t.name}
            for t in sorted(company.territories, key=lambda t: t.name)
        ],
        "genre_preferences": company.genre_preferences,
        "tags": company.tags,
        "notes": company.notes,
        "match_key": company.match_key,
        "contacts": [
            {"id": c.short_id, "name": c.name, "role": c.role, "email": c.email, "phone": c.phone}
            for c in contacts
        ],
        "meetings": meetings,
        "last_met_at": last_met,
        "opportunities": opportunities or 0,
        "created_at": company.created_at,
        "updated_at": company.updated_at,
        "version": company.version,
    }


def show_company(session: Session, value: str) -> dict[str, Any]:
    return company_record(session, find_company(session, value))

"""Builders for pipeline tests: films, buyers, opportunities and deals with keyword options.

Service tests build their world here directly; the CLI is tested through its own commands.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.models import (
    Company,
    CompanyType,
    Deal,
    Film,
    Opportunity,
    Right,
    Stage,
    Territory,
)
from roundup_crm.services.validate import match_key


def film(session: Session, slug: str = "the-roundup", title: str | None = None) -> Film:
    row = Film(slug=slug, title=title or slug.replace("-", " ").title())
    session.add(row)
    session.flush()
    return row


def territories(session: Session, codes: list[str]) -> list[Territory]:
    found = {t.code: t for t in session.scalars(select(Territory).where(Territory.code.in_(codes)))}
    return [found[c] for c in codes]


def rights(session: Session, codes: list[str]) -> list[Right]:
    found = {r.code: r for r in session.scalars(select(Right).where(Right.code.in_(codes)))}
    return [found[c] for c in codes]


def company(
    session: Session,
    name: str,
    *,
    country: str | None = None,
    buys_for: list[str] | None = None,
    type: CompanyType = CompanyType.THEATRICAL,
) -> Company:
    row = Company(name=name, match_key=match_key(name), country=country, type=type)
    row.territories = territories(session, buys_for or [])
    session.add(row)
    session.flush()
    return row


def opportunity(
    session: Session,
    film: Film,
    company: Company,
    *,
    stage: Stage = Stage.OFFER,
    territories_: list[str] | None = None,
    rights_: list[str] | None = None,
) -> Opportunity:
    row = Opportunity(film_id=film.id, company_id=company.id, stage=stage)
    row.territories = territories(session, territories_ or [])
    row.rights = rights(session, rights_ or [])
    session.add(row)
    session.flush()
    return row


def deal(
    session: Session,
    film: Film,
    company: Company,
    *,
    territories_: list[str],
    rights_: list[str],
    start: date = date(2026, 1, 1),
    end: date = date(2032, 12, 31),
    exclusive: bool = True,
    mg: str = "100000",
) -> Deal:
    row = Deal(
        id=uuid.uuid4(),
        film_id=film.id,
        company_id=company.id,
        term_start=start,
        term_end=end,
        exclusive=exclusive,
        mg=Decimal(mg),
        currency="EUR",
        signed_on=start,
    )
    row.territories = territories(session, territories_)
    row.rights = rights(session, rights_)
    session.add(row)
    session.flush()
    return row

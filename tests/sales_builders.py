"""Builders for pipeline tests: films, buyers, opportunities and deals with keyword options.

Service tests build their world here directly; the CLI is tested through its own commands.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.db import Database
from roundup_crm.models import (
    Company,
    CompanyType,
    Contact,
    Deal,
    Film,
    Market,
    Opportunity,
    Right,
    Screening,
    ScreeningKind,
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


def market(
    session: Session,
    name: str = "EFM 2026",
    *,
    starts: date = date(2026, 2, 12),
    ends: date = date(2026, 2, 18),
    timezone: str = "Europe/Berlin",
    stand: str | None = "Hall 7, B12",
) -> Market:
    row = Market(name=name, starts_on=starts, ends_on=ends, timezone=timezone, stand=stand)
    session.add(row)
    session.flush()
    return row


def contact(session: Session, company: Company, name: str, email: str | None = None) -> Contact:
    row = Contact(company_id=company.id, name=name, email=email)
    session.add(row)
    session.flush()
    return row


def screening(
    session: Session, market: Market, film: Film, starts_at: datetime, minutes: int = 120
) -> Screening:
    row = Screening(
        market_id=market.id,
        film_id=film.id,
        kind=ScreeningKind.MARKET_SCREENING,
        starts_at=starts_at,
        duration_minutes=minutes,
        venue="CinemaxX 3",
    )
    session.add(row)
    session.flush()
    return row


def efm_world(database: Database) -> None:
    """The Roundup films, three buyers with contacts, EFM 2026 and one market screening."""
    with database.begin() as session:
        for slug, title, order in [
            ("the-outlaws", "The Outlaws", 1),
            ("the-roundup", "The Roundup", 2),
            ("the-roundup-no-way-out", "The Roundup: No Way Out", 3),
            ("the-roundup-punishment", "The Roundup: Punishment", 4),
        ]:
            row = film(session, slug, title)
            row.series_order = order
        splendid = company(
            session, "Splendid Film", country="DE", buys_for=["german-speaking-europe"]
        )
        contact(session, splendid, "Anna Weber", "anna@splendid.example")
        lumiere = company(session, "Lumière Publishing", country="BE", buys_for=["benelux"])
        contact(session, lumiere, "Jan Peeters")
        company(session, "Metropolitan Filmexport", country="FR")
        efm = market(session)
        punishment = session.scalars(
            select(Film).where(Film.slug == "the-roundup-punishment")
        ).one()
        screening(session, efm, punishment, datetime(2026, 2, 14, 10, 0, tzinfo=UTC))

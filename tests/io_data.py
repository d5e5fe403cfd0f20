"""A small database with one of every related record, for the import/export and merge tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.models import (
    Company,
    CompanyType,
    Contact,
    Deal,
    ExchangeRate,
    Film,
    FilmStatus,
    FollowUp,
    Instalment,
    Interest,
    Invitation,
    Market,
    Meeting,
    MeetingFilm,
    Offer,
    Opportunity,
    Right,
    Screening,
    ScreeningKind,
    Stage,
    StageChange,
    Territory,
)


@dataclass
class Sample:
    film: Film
    survivor: Company
    duplicate: Company
    anna: Contact
    anna_again: Contact
    market: Market


def populate(session: Session) -> Sample:
    """Two spellings of one buyer, each with meetings, pipeline, deals, invitations..."""
    germany = session.scalar(select(Territory).where(Territory.code == "DE"))
    austria = session.scalar(select(Territory).where(Territory.code == "AT"))
    svod = session.scalar(select(Right).where(Right.code == "svod"))
    assert germany is not None and austria is not None and svod is not None
    film = Film(
        slug="the-roundup-punishment",
        title="The Roundup: Punishment",
        original_title="범죄도시4",
        year=2024,
        status=FilmStatus.RELEASED,
        genres=["crime", "action"],
    )
    survivor = Company(
        name="Nordlicht Filmverleih GmbH",
        match_key="nordlicht filmverleih",
        country="DE",
        type=CompanyType.THEATRICAL,
        tags=["priority"],
        territories=[germany],
    )
    duplicate = Company(
        name="Nordlicht Film-Verleih",
        match_key="nordlicht film verleih",
        country="DE",
        type=CompanyType.THEATRICAL,
        tags=["efm"],
        notes="Met at EFM 2025.",
        territories=[germany, austria],
        website="https://nordlicht.example",
    )
    anna = Contact(name="Anna Schmidt", email="anna@nordlicht.example", company=survivor)
    anna_again = Contact(
        name="Anna Schmidt", phone="+49301234567", role="Head of Acquisitions", company=duplicate
    )
    market = Market(
        name="EFM 2026",
        city="Berlin",
        venue="Gropius Bau",
        stand="41",
        starts_on=date(2026, 2, 12),
        ends_on=date(2026, 2, 18),
        timezone="Europe/Berlin",
    )
    session.add_all([film, survivor, duplicate, anna, anna_again, market])
    session.flush()
    meeting = Meeting(
        market_id=market.id,
        company_id=duplicate.id,
        starts_at=datetime(2026, 2, 13, 9, 0, tzinfo=UTC),
        notes="Wants Korean action; 한국어 메모.",
        contacts=[anna_again],
    )
    meeting.films.append(MeetingFilm(film_id=film.id, interest=Interest.HOT, note="screener"))
    opportunity = Opportunity(
        company_id=duplicate.id,
        film_id=film.id,
        stage=Stage.OFFER,
        interest=Interest.HOT,
        currency="EUR",
        ask=Decimal("250000.00"),
        take=Decimal("180000.50"),
        territories=[germany],
        rights=[svod],
    )
    opportunity.history.append(StageChange(from_stage=None, to_stage=Stage.LEAD))
    opportunity.history.append(StageChange(from_stage=Stage.LEAD, to_stage=Stage.OFFER))
    opportunity.offers.append(
        Offer(
            sequence=1,
            amount=Decimal("150000.00"),
            currency="EUR",
            offered_on=date(2026, 2, 14),
            from_contact=anna_again,
        )
    )
    deal = Deal(
        film_id=film.id,
        company_id=duplicate.id,
        term_start=date(2026, 3, 1),
        term_end=date(2033, 2, 28),
        mg=Decimal("200000.00"),
        currency="EUR",
        signed_on=date(2026, 2, 20),
        territories=[austria],
        rights=[svod],
    )
    deal.instalments.append(Instalment(amount=Decimal("50000.00"), due_on=date(2026, 3, 1)))
    screening = Screening(
        market_id=market.id,
        film_id=film.id,
        kind=ScreeningKind.MARKET_SCREENING,
        starts_at=datetime(2026, 2, 14, 17, 0, tzinfo=UTC),
        venue="CinemaxX 7",
    )
    session.add_all([meeting, opportunity, deal, screening])
    session.flush()
    session.add_all(
        [
            Invitation(
                screening_id=screening.id, company_id=duplicate.id, contact_id=anna_again.id
            ),
            FollowUp(
                title="Send the screener link",
                due_on=date(2026, 2, 20),
                company_id=duplicate.id,
                contact_id=anna_again.id,
                meeting_id=meeting.id,
            ),
            ExchangeRate(base="EUR", quote="USD", rate=Decimal("1.08123456"), on=date(2026, 2, 1)),
        ]
    )
    session.flush()
    return Sample(film, survivor, duplicate, anna, anna_again, market)

"""The market report as plain data: who we met at one market, what they wanted, what followed.

Meetings count by status; buyers met are the companies of held meetings, counted once
each, by country and by company type; films by interest come from the films discussed
in held meetings; offers received and deals closed are those dated within the market's
days; follow-ups still open are those logged on the market's meetings and not done.
A fixed number of queries, whatever the size of the market.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from roundup_crm.models import (
    Agent,
    Company,
    Deal,
    Film,
    FollowUp,
    Interest,
    Meeting,
    MeetingFilm,
    MeetingStatus,
    Offer,
    OfferSide,
    Opportunity,
    Territory,
    TerritoryKind,
)
from roundup_crm.models.base import utcnow
from roundup_crm.reports.common import Section, Totals, convert, total_over, totals
from roundup_crm.services.fx import Converter

COUNTRIES_SHOWN = 15
OFFERS_SHOWN = 30
DEALS_SHOWN = 30
FOLLOWUPS_SHOWN = 40
INTERESTS = tuple(i.value for i in Interest)


@dataclass(frozen=True)
class MarketInfo:
    name: str
    city: str
    venue: str
    stand: str
    starts_on: date
    ends_on: date
    timezone: str


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class FilmInterest:
    film: str
    hot: int
    warm: int
    cold: int
    passed: int

    @property
    def total(self) -> int:
        return self.hot + self.warm + self.cold + self.passed


@dataclass(frozen=True)
class OfferReceived:
    on: date
    film: str
    buyer: str
    amount: Decimal
    currency: str
    converted: Decimal | None


@dataclass(frozen=True)
class DealClosed:
    signed_on: date
    film: str
    buyer: str
    mg: Decimal
    currency: str
    converted: Decimal | None


@dataclass(frozen=True)
class OpenFollowUp:
    due_on: date | None
    title: str
    company: str
    agent: str
    overdue: bool


@dataclass(frozen=True)
class MarketReport:
    market: MarketInfo
    currency: str
    generated_at: datetime
    meetings_by_status: tuple[Count, ...]
    meetings_by_agent: tuple[Count, ...]
    buyers_met: int
    buyers_by_country: tuple[Count, ...]  # largest first; the rest folded into "Others"
    buyers_by_type: tuple[Count, ...]
    films: tuple[FilmInterest, ...]
    offers: Section[OfferReceived]
    offer_totals: Totals
    deals: Section[DealClosed]
    deal_totals: Totals
    followups: Section[OpenFollowUp]
    followups_by_agent: tuple[Count, ...]
    missing_rates: tuple[str, ...]

    @property
    def meetings_held(self) -> int:
        return next((c.count for c in self.meetings_by_status if c.label == "held"), 0)

    @property
    def title(self) -> str:
        return f"Market report: {self.market.name}"


def _value(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def market_report(
    session: Session,
    *,
    market: str,
    currency: str = "EUR",
    today: date | None = None,
    now: datetime | None = None,
) -> MarketReport:
    from roundup_crm.services.lookup import find_market

    found = find_market(session, market)
    today = today or date.today()
    converter = Converter(session, target=currency, on=found.ends_on)
    held = (Meeting.market_id == found.id, Meeting.status == MeetingStatus.HELD)
    agent_name = func.coalesce(Agent.full_name, Agent.name, literal("(no agent)"))

    by_status = session.execute(
        select(Meeting.status, func.count())
        .where(Meeting.market_id == found.id)
        .group_by(Meeting.status)
    ).all()
    statuses = {_value(s): n for s, n in by_status}
    by_agent = session.execute(
        select(agent_name, func.count())
        .select_from(Meeting)
        .outerjoin(Agent, Agent.id == Meeting.agent_id)
        .where(*held)
        .group_by(agent_name)
        .order_by(func.count().desc(), agent_name)
    ).all()

    met = select(Meeting.company_id).where(*held).distinct().subquery()
    country_name = func.coalesce(Territory.name, Company.country, literal("(no country)"))
    by_country = session.execute(
        select(country_name, func.count())
        .select_from(met)
        .join(Company, Company.id == met.c.company_id)
        .outerjoin(
            Territory,
            (Territory.code == Company.country) & (Territory.kind == TerritoryKind.COUNTRY),
        )
        .group_by(country_name)
        .order_by(func.count().desc(), country_name)
    ).all()
    by_type = session.execute(
        select(Company.type, func.count())
        .select_from(met)
        .join(Company, Company.id == met.c.company_id)
        .group_by(Company.type)
        .order_by(func.count().desc(), Company.type)
    ).all()
    countries = [Count(name, n) for name, n in by_country]
    if len(countries) > COUNTRIES_SHOWN:
        rest = countries[COUNTRIES_SHOWN - 1 :]
        countries = [
            *countries[: COUNTRIES_SHOWN - 1],
            Count(f"Others ({len(rest)} countries)", sum(c.count for c in rest)),
        ]

    interest_rows = session.execute(
        select(Film.title, MeetingFilm.interest, func.count())
        .join(Meeting, Meeting.id == MeetingFilm.meeting_id)
        .join(Film, Film.id == MeetingFilm.film_id)
        .where(*held)
        .group_by(Film.title, MeetingFilm.interest)
    ).all()
    per_film: dict[str, dict[str, int]] = defaultdict(dict)
    for title, interest, n in interest_rows:
        per_film[title][_value(interest) or "unrated"] = n
    films = sorted(
        (
            FilmInterest(
                film=title,
                hot=c.get("hot", 0),
                warm=c.get("warm", 0),
                cold=c.get("cold", 0),
                passed=c.get("pass", 0),
            )
            for title, c in per_film.items()
        ),
        key=lambda f: (-f.hot, -f.warm, -f.total, f.film),
    )

    in_market = (Offer.offered_on >= found.starts_on, Offer.offered_on <= found.ends_on)
    offer_rows = session.execute(
        select(
            Offer.offered_on,
            Offer.amount,
            Offer.currency,
            Film.title,
            Company.name,
            total_over(),
        )
        .join(Opportunity, Opportunity.id == Offer.opportunity_id)
        .join(Film, Film.id == Opportunity.film_id)
        .join(Company, Company.id == Opportunity.company_id)
        .where(*in_market, Offer.side == OfferSide.BUYER)
        .order_by(Offer.offered_on, Offer.amount.desc(), Offer.id)
        .limit(OFFERS_SHOWN)
    ).all()
    offer_sums = session.execute(
        select(Offer.currency, func.sum(Offer.amount), func.count())
        .where(*in_market, Offer.side == OfferSide.BUYER)
        .group_by(Offer.currency)
    ).all()
    signed = (Deal.signed_on >= found.starts_on, Deal.signed_on <= found.ends_on)
    deal_rows = session.execute(
        select(Deal.signed_on, Deal.mg, Deal.currency, Film.title, Company.name, total_over())
        .join(Film, Film.id == Deal.film_id)
        .join(Company, Company.id == Deal.company_id)
        .where(*signed)
        .order_by(Deal.signed_on, Deal.mg.desc(), Deal.id)
        .limit(DEALS_SHOWN)
    ).all()
    deal_sums = session.execute(
        select(Deal.currency, func.sum(Deal.mg), func.count())
        .where(*signed)
        .group_by(Deal.currency)
    ).all()

    still_open = (
        Meeting.market_id == found.id,
        FollowUp.done_at.is_(None),
    )
    followup_rows = session.execute(
        select(
            FollowUp.due_on,
            FollowUp.title,
            Company.name,
            agent_name,
            total_over(),
        )
        .join(Meeting, Meeting.id == FollowUp.meeting_id)
        .join(Company, Company.id == Meeting.company_id)
        .outerjoin(Agent, Agent.id == FollowUp.owner_id)
        .where(*still_open)
        .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.id)
        .limit(FOLLOWUPS_SHOWN)
    ).all()
    followups_by_agent = session.execute(
        select(agent_name, func.count())
        .select_from(FollowUp)
        .join(Meeting, Meeting.id == FollowUp.meeting_id)
        .outerjoin(Agent, Agent.id == FollowUp.owner_id)
        .where(*still_open)
        .group_by(agent_name)
        .order_by(func.count().desc(), agent_name)
    ).all()

    offer_totals = totals(converter, offer_sums)
    deal_totals = totals(converter, deal_sums)
    return MarketReport(
        market=MarketInfo(
            name=found.name,
            city=found.city or "",
            venue=found.venue or "",
            stand=found.stand or "",
            starts_on=found.starts_on,
            ends_on=found.ends_on,
            timezone=found.timezone,
        ),
        currency=converter.target,
        generated_at=now or utcnow(),
        meetings_by_status=tuple(
            Count(s.value, statuses[s.value]) for s in MeetingStatus if s.value in statuses
        ),
        meetings_by_agent=tuple(Count(name, n) for name, n in by_agent),
        buyers_met=sum(n for _, n in by_country),
        buyers_by_country=tuple(countries),
        buyers_by_type=tuple(Count(_value(t), n) for t, n in by_type),
        films=tuple(films),
        offers=Section(
            tuple(
                OfferReceived(
                    on=r[0],
                    film=r[3],
                    buyer=r[4],
                    amount=r[1],
                    currency=r[2],
                    converted=convert(converter, r[1], r[2]),
                )
                for r in offer_rows
            ),
            offer_rows[0].total if offer_rows else 0,
        ),
        offer_totals=offer_totals,
        deals=Section(
            tuple(
                DealClosed(
                    signed_on=r[0],
                    film=r[3],
                    buyer=r[4],
                    mg=r[1],
                    currency=r[2],
                    converted=convert(converter, r[1], r[2]),
                )
                for r in deal_rows
            ),
            deal_rows[0].total if deal_rows else 0,
        ),
        deal_totals=deal_totals,
        followups=Section(
            tuple(
                OpenFollowUp(
                    due_on=r[0],
                    title=r[1],
                    company=r[2],
                    agent=r[3],
                    overdue=r[0] is not None and r[0] < today,
                )
                for r in followup_rows
            ),
            followup_rows[0].total if followup_rows else 0,
        ),
        followups_by_agent=tuple(Count(name, n) for name, n in followups_by_agent),
        missing_rates=tuple(sorted({*offer_totals.missing, *deal_totals.missing})),
    )

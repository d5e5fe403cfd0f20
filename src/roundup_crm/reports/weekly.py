"""The weekly pipeline report as plain data: what moved, where each film stands, what to chase.

Positions (stages, open offers, live deals) are as recorded when the report runs; what
moved is read from the period's stage history, offers and deals. All aggregation is in
SQL and the number of queries is fixed (about twenty), whatever the size of the data:
long lists are cut to their first rows in SQL and carry their full count.

Dates: the period is whole UTC days. The report is "as of" the day after the period (the
Monday a weekly report is read): a follow-up due before that day and not done by then is
overdue; an offer's days open are counted to it. Amounts are converted with the latest
rates on or before the period's last day (see services/fx.py for the rule).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Table, case, func, literal, or_, select
from sqlalchemy.orm import Session

from roundup_crm.config import usable_cores
from roundup_crm.db import snapshot_twin
from roundup_crm.models import (
    Agent,
    Company,
    Deal,
    Film,
    FollowUp,
    Interest,
    Market,
    Meeting,
    MeetingFilm,
    MeetingStatus,
    Offer,
    OfferSide,
    OfferStatus,
    Opportunity,
    Right,
    Stage,
    StageChange,
    Territory,
    TerritoryKind,
    deal_territories,
    opportunity_rights,
)
from roundup_crm.models.base import utcnow
from roundup_crm.reports.common import (
    Period,
    Scratch,
    Section,
    Totals,
    company_country_name,
    convert,
    days_between,
    expansion_table,
    factor_table,
    opportunity_scope,
    territory_label,
    total_over,
    totals,
)
from roundup_crm.services.fx import Converter

# Which stages put a territory "under offer" comes from the avails rules, so the report
# and `roundup-crm avails` never disagree.
try:
    from roundup_crm.services.avails import OFFER_STAGES
except ImportError:  # pragma: no cover - the avails service ships with the pipeline
    OFFER_STAGES = (Stage.OFFER, Stage.NEGOTIATING)

# How many rows each list shows; the rest is counted ("and 812 more"). Kept small: the
# PDF's cost is its table rows (WeasyPrint lays out every cell), and a manager reads the
# top of each list; CSV and JSON carry the same rows plus every film.
MOVES_SHOWN = 20
OFFERS_SHOWN = 15
DEALS_SHOWN = 15
LOST_SHOWN = 10
REASONS_SHOWN = 6
OUTSTANDING_SHOWN = 20
HOT_SHOWN = 15
OVERDUE_PER_AGENT = 3
FILMS_IN_DETAIL = 3
# Films in the PDF's table, those with the most business first.
FILMS_IN_TABLE = 15
FILM_ROWS = 5
FILM_ROWS_ONE_FILM = 40
TERRITORY_BARS = 10

MOVE_WEIGHT = (
    Stage.WON,
    Stage.LOST,
    Stage.NEGOTIATING,
    Stage.OFFER,
    Stage.SCREENER_SENT,
    Stage.PITCHED,
    Stage.LEAD,
)
OPEN_OFFER_STATUSES = (OfferStatus.OPEN, OfferStatus.COUNTERED)
NO_MARKET = "(no market)"
NO_REASON = "(no reason given)"


@dataclass(frozen=True)
class Move:
    at: datetime
    film: str
    buyer: str
    territory: str
    from_stage: str
    to_stage: str
    agent: str
    note: str


@dataclass(frozen=True)
class NewOffer:
    on: date
    film: str
    buyer: str
    territory: str
    side: str
    amount: Decimal
    currency: str
    converted: Decimal | None
    term_years: int | None


@dataclass(frozen=True)
class ClosedDeal:
    signed_on: date
    film: str
    buyer: str
    territories: str
    mg: Decimal
    currency: str
    converted: Decimal | None
    term_start: date
    term_end: date
    agent: str


@dataclass(frozen=True)
class Lost:
    at: datetime
    film: str
    buyer: str
    territory: str
    reason: str
    agent: str


@dataclass(frozen=True)
class Outstanding:
    """An opportunity under offer, with the buyer's latest offer against our prices."""

    film: str
    buyer: str
    country: str
    territory: str
    rights: str
    offer: Decimal
    currency: str
    converted: Decimal | None
    ask: Decimal | None
    take: Decimal | None
    price_currency: str | None
    offered_on: date
    days_open: int
    under_take: bool | None  # None when offer and take cannot be compared (no rate)


@dataclass(frozen=True)
class Sold:
    buyer: str
    territories: str
    mg: Decimal
    currency: str
    term_start: date
    term_end: date
    exclusive: bool


@dataclass(frozen=True)
class FilmPosition:
    """Where one film stands: countries sold / under offer / open, money closed and offered."""

    slug: str
    title: str
    countries_sold: int
    countries_under_offer: int
    countries_open: int
    deals_live: int
    opportunities_open: int
    mg: Totals
    outstanding: Totals
    detailed: bool = False
    sold: Section[Sold] = field(default_factory=lambda: Section((), 0))
    under_offer: Section[Outstanding] = field(default_factory=lambda: Section((), 0))


@dataclass(frozen=True)
class HotBuyer:
    buyer: str
    country: str
    film: str
    territory: str
    stage: str
    agent: str
    since: datetime


@dataclass(frozen=True)
class OverdueFollowUp:
    due_on: date
    days_late: int
    title: str
    company: str


@dataclass(frozen=True)
class AgentOverdue:
    agent: str
    count: int
    oldest: date
    items: tuple[OverdueFollowUp, ...]

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass(frozen=True)
class MarketMeetings:
    market: str
    meetings: int
    buyers: int


@dataclass(frozen=True)
class StageStat:
    stage: str
    count: int
    asks: Totals


@dataclass(frozen=True)
class TerritoryValue:
    territory: str
    sold: Decimal
    offered: Decimal

    @property
    def total(self) -> Decimal:
        return self.sold + self.offered


@dataclass(frozen=True)
class WeeklyReport:
    period: Period
    currency: str
    generated_at: datetime
    film: str | None  # the film the report is limited to, if any
    rates_used: tuple[str, ...]
    missing_rates: tuple[str, ...]
    moves: Section[Move]
    moves_by_stage: tuple[tuple[str, int], ...]
    new_offers: Section[NewOffer]
    new_offer_totals: Totals
    deals: Section[ClosedDeal]
    deal_totals: Totals
    lost: Section[Lost]
    lost_reasons: tuple[tuple[str, int], ...]
    films: tuple[FilmPosition, ...]  # the most business first
    mg_totals: Totals
    outstanding: Section[Outstanding]
    outstanding_totals: Totals
    under_take: int
    hot: Section[HotBuyer]
    overdue: tuple[AgentOverdue, ...]
    meetings: tuple[MarketMeetings, ...]
    funnel: tuple[StageStat, ...]
    territories: tuple[TerritoryValue, ...]  # sorted, largest first, every territory

    @property
    def films_in_table(self) -> tuple[FilmPosition, ...]:
        return self.films[:FILMS_IN_TABLE]

    @property
    def films_left_out(self) -> int:
        return max(len(self.films) - FILMS_IN_TABLE, 0)

    @property
    def overdue_total(self) -> int:
        return sum(a.count for a in self.overdue)

    @property
    def meetings_total(self) -> int:
        return sum(m.meetings for m in self.meetings)

    @property
    def title(self) -> str:
        scope = f" — {self.film}" if self.film else ""
        return f"Weekly pipeline report {self.period.label}{scope}"


def _agent_name() -> Any:
    return func.coalesce(Agent.full_name, Agent.name, literal("—"))


def _stage(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))


class _Query:
    """The report's queries, sharing the period, the film filter and the converter."""

    def __init__(
        self,
        session: Session,
        scratch: Scratch,
        period: Period,
        converter: Converter,
        film_id: uuid.UUID | None,
        currencies: set[str],
    ) -> None:
        self.session = session
        self.scratch = scratch
        self.period = period
        self.converter = converter
        self.film_id = film_id
        self.missing: set[str] = set()
        self.currencies = currencies
        self.fx = factor_table(scratch, converter, currencies)
        self._latest: Table | None = None

    def live_deal(self) -> tuple[Any, ...]:
        """A deal holds its territories at the end of the period when it was signed by
        then and its term has not ended (the avails rule: a term starting later still
        holds them)."""
        return (Deal.signed_on <= self.period.until, Deal.term_end >= self.period.as_of)

    def films(self, column: Any) -> Any:
        return column == self.film_id if self.film_id is not None else literal(True)

    def totals(self, rows: Any) -> Totals:
        found = totals(self.converter, rows)
        self.missing.update(found.missing)
        return found

    # --- what moved ---------------------------------------------------------------------
    def moves(self) -> Section[Move]:
        """The moves that matter most first (won, lost, negotiating, offer...), then the
        latest: in a busy week the list shows deals, not the hundredth new lead."""
        sc = StageChange
        weight = case(
            {stage: rank for rank, stage in enumerate(MOVE_WEIGHT)}, value=sc.to_stage, else_=9
        ).label("weight")
        # The moves shown are picked first; names are looked up for those rows only.
        top = (
            select(
                sc.id,
                sc.changed_at,
                sc.from_stage,
                sc.to_stage,
                sc.note,
                sc.opportunity_id,
                sc.agent_id,
                Opportunity.film_id,
                Opportunity.company_id,
                weight,
                total_over(),
            )
            .join(Opportunity, Opportunity.id == sc.opportunity_id)
            .where(
                sc.changed_at >= self.period.start,
                sc.changed_at < self.period.end,
                self.films(Opportunity.film_id),
            )
            .order_by(weight, sc.changed_at.desc(), sc.id)
            .limit(MOVES_SHOWN)
            .subquery()
        )
        rows = self.session.execute(
            select(
                top,
                Film.title.label("film"),
                Company.name.label("buyer"),
                _agent_name().label("agent"),
                territory_label(top.c.opportunity_id).label("territory"),
            )
            .join(Film, Film.id == top.c.film_id)
            .join(Company, Company.id == top.c.company_id)
            .outerjoin(Agent, Agent.id == top.c.agent_id)
            .order_by(top.c.weight, top.c.changed_at.desc(), top.c.id)
        ).all()
        return Section(
            tuple(
                Move(
                    at=r.changed_at,
                    film=r.film,
                    buyer=r.buyer,
                    territory=r.territory or "",
                    from_stage=_stage(r.from_stage),
                    to_stage=_stage(r.to_stage),
                    agent=r.agent,
                    note=r.note or "",
                )
                for r in rows
            ),
            rows[0].total if rows else 0,
        )

    def moves_by_stage(self) -> tuple[tuple[str, int], ...]:
        sc = StageChange
        query = (
            select(sc.to_stage, func.count())
            .join(Opportunity, Opportunity.id == sc.opportunity_id)
            .where(
                sc.changed_at >= self.period.start,
                sc.changed_at < self.period.end,
                self.films(Opportunity.film_id),
            )
            .group_by(sc.to_stage)
        )
        counts = {_stage(stage): n for stage, n in self.session.execute(query)}
        return tuple((s.value, counts[s.value]) for s in Stage if s.value in counts)

    def new_offers(self) -> tuple[Section[NewOffer], Totals]:
        scope = (
            Offer.offered_on >= self.period.since,
            Offer.offered_on <= self.period.until,
            self.films(Opportunity.film_id),
        )
        top = (
            select(
                Offer.id,
                Offer.offered_on,
                Offer.side,
                Offer.amount,
                Offer.currency,
                Offer.term_years,
                Offer.opportunity_id,
                Film.title.label("film"),
                Company.name.label("buyer"),
                total_over(),
            )
            .join(Opportunity, Opportunity.id == Offer.opportunity_id)
            .join(Film, Film.id == Opportunity.film_id)
            .join(Company, Company.id == Opportunity.company_id)
            .where(*scope)
            .order_by(Offer.offered_on.desc(), Offer.amount.desc(), Offer.id)
            .limit(OFFERS_SHOWN)
            .subquery()
        )
        rows = self.session.execute(
            select(top, territory_label(top.c.opportunity_id).label("territory")).order_by(
                top.c.offered_on.desc(), top.c.amount.desc(), top.c.id
            )
        ).all()
        sums = self.session.execute(
            select(Offer.currency, func.sum(Offer.amount), func.count())
            .join(Opportunity, Opportunity.id == Offer.opportunity_id)
            .where(*scope, Offer.side == OfferSide.BUYER)
            .group_by(Offer.currency)
        ).all()
        offers = tuple(
            NewOffer(
                on=r.offered_on,
                film=r.film,
                buyer=r.buyer,
                territory=r.territory or "",
                side=_stage(r.side),
                amount=r.amount,
                currency=r.currency,
                converted=convert(self.converter, r.amount, r.currency),
                term_years=r.term_years,
            )
            for r in rows
        )
        return Section(offers, rows[0].total if rows else 0), self.totals(sums)

    def deals(self) -> tuple[Section[ClosedDeal], Totals]:
        scope = (
            Deal.signed_on >= self.period.since,
            Deal.signed_on <= self.period.until,
            self.films(Deal.film_id),
        )
        top = (
            select(
                Deal.id,
                Deal.signed_on,
                Deal.mg,
                Deal.currency,
                Deal.term_start,
                Deal.term_end,
                Film.title.label("film"),
                Company.name.label("buyer"),
                _agent_name().label("agent"),
                total_over(),
            )
            .join(Film, Film.id == Deal.film_id)
            .join(Company, Company.id == Deal.company_id)
            .outerjoin(Agent, Agent.id == Deal.agent_id)
            .where(*scope)
            .order_by(Deal.signed_on.desc(), Deal.mg.desc(), Deal.id)
            .limit(DEALS_SHOWN)
            .subquery()
        )
        rows = self.session.execute(
            select(top, _deal_territories(top.c.id).label("territories")).order_by(
                top.c.signed_on.desc(), top.c.mg.desc(), top.c.id
            )
        ).all()
        sums = self.session.execute(
            select(Deal.currency, func.sum(Deal.mg), func.count())
            .where(*scope)
            .group_by(Deal.currency)
        ).all()
        deals = tuple(
            ClosedDeal(
                signed_on=r.signed_on,
                film=r.film,
                buyer=r.buyer,
                territories=r.territories or "",
                mg=r.mg,
                currency=r.currency,
                converted=convert(self.converter, r.mg, r.currency),
                term_start=r.term_start,
                term_end=r.term_end,
                agent=r.agent,
            )
            for r in rows
        )
        return Section(deals, rows[0].total if rows else 0), self.totals(sums)

    def lost(self) -> tuple[Section[Lost], tuple[tuple[str, int], ...]]:
        sc = StageChange
        scope = (
            sc.to_stage == Stage.LOST,
            sc.changed_at >= self.period.start,
            sc.changed_at < self.period.end,
            self.films(Opportunity.film_id),
        )
        top = (
            select(
                sc.id,
                sc.changed_at,
                sc.opportunity_id,
                Opportunity.lost_reason,
                Film.title.label("film"),
                Company.name.label("buyer"),
                _agent_name().label("agent"),
                total_over(),
            )
            .join(Opportunity, Opportunity.id == sc.opportunity_id)
            .join(Film, Film.id == Opportunity.film_id)
            .join(Company, Company.id == Opportunity.company_id)
            .outerjoin(Agent, Agent.id == sc.agent_id)
            .where(*scope)
            .order_by(sc.changed_at.desc(), sc.id)
            .limit(LOST_SHOWN)
            .subquery()
        )
        rows = self.session.execute(
            select(top, territory_label(top.c.opportunity_id).label("territory")).order_by(
                top.c.changed_at.desc(), top.c.id
            )
        ).all()
        reason = func.coalesce(func.nullif(Opportunity.lost_reason, ""), literal(NO_REASON))
        reasons = self.session.execute(
            select(reason, func.count().label("n"))
            .select_from(sc)
            .join(Opportunity, Opportunity.id == sc.opportunity_id)
            .where(*scope)
            .group_by(reason)
            .order_by(func.count().desc(), reason)
            .limit(REASONS_SHOWN)
        ).all()
        lost = tuple(
            Lost(
                at=r.changed_at,
                film=r.film,
                buyer=r.buyer,
                territory=r.territory or "",
                reason=r.lost_reason or NO_REASON,
                agent=r.agent,
            )
            for r in rows
        )
        return Section(lost, rows[0].total if rows else 0), tuple((r[0], r[1]) for r in reasons)

    # --- positions ----------------------------------------------------------------------
    def latest_offers(self) -> Table:
        """The buyer's latest live offer on each opportunity under offer (window function),
        computed once into a temporary table that four queries join."""
        if self._latest is not None:
            return self._latest
        ranked = (
            select(
                Offer.opportunity_id,
                Opportunity.film_id,
                Opportunity.company_id,
                Offer.amount,
                Offer.currency,
                Offer.offered_on,
                func.row_number()
                .over(partition_by=Offer.opportunity_id, order_by=Offer.sequence.desc())
                .label("rank"),
            )
            .join(Opportunity, Opportunity.id == Offer.opportunity_id)
            .where(
                Opportunity.stage.in_(OFFER_STAGES),
                Offer.side == OfferSide.BUYER,
                Offer.status.in_(OPEN_OFFER_STATUSES),
                Offer.offered_on <= self.period.until,
                self.films(Opportunity.film_id),
            )
            .subquery()
        )
        self._latest = self.scratch.table(
            "latest_offers",
            [
                Column("opportunity_id", Offer.opportunity_id.type, primary_key=True),
                Column("film_id", Opportunity.film_id.type),
                Column("company_id", Opportunity.company_id.type),
                Column("amount", Offer.amount.type),
                Column("currency", Offer.currency.type),
                Column("offered_on", Offer.offered_on.type),
            ],
            query=select(
                ranked.c.opportunity_id,
                ranked.c.film_id,
                ranked.c.company_id,
                ranked.c.amount,
                ranked.c.currency,
                ranked.c.offered_on,
            ).where(ranked.c.rank == 1),
        )
        return self._latest

    def outstanding_rows(self, latest: Any, *, per_film: bool, films: list[uuid.UUID]) -> Any:
        """The largest offers outstanding (in the reporting currency), overall or for each
        of `films`: picked from the latest offers alone, then completed with the
        opportunity's prices and the names, for the rows shown only."""
        fx = self.fx
        value = latest.c.amount * fx.c.factor
        order = (value.is_(None), value.desc(), latest.c.offered_on, latest.c.opportunity_id)
        columns = [
            latest.c.opportunity_id,
            latest.c.amount,
            latest.c.currency,
            latest.c.offered_on,
            latest.c.film_id,
            latest.c.company_id,
            value.label("value"),
        ]
        if per_film:
            columns += [
                func.row_number().over(partition_by=latest.c.film_id, order_by=order).label("n"),
                func.count().over(partition_by=latest.c.film_id).label("total"),
            ]
        else:
            columns += [total_over()]
        query = (
            select(*columns).select_from(latest).outerjoin(fx, fx.c.currency == latest.c.currency)
        )
        if per_film:
            ranked = query.where(latest.c.film_id.in_(films)).subquery()
            limit = FILM_ROWS_ONE_FILM if self.film_id is not None else FILM_ROWS
            top = select(ranked).where(ranked.c.n <= limit).subquery()
            sort: tuple[Any, ...] = (top.c.film_id, top.c.n)
        else:
            top = query.order_by(*order).limit(OUTSTANDING_SHOWN).subquery()
            shown = top.c.value
            sort = (shown.is_(None), shown.desc(), top.c.offered_on, top.c.opportunity_id)
        return self.session.execute(
            select(
                top,
                Opportunity.ask,
                Opportunity.take,
                Opportunity.currency.label("price_currency"),
                Film.title.label("film"),
                Company.name.label("buyer"),
                Company.country,
                territory_label(top.c.opportunity_id).label("territory"),
                _rights_label(top.c.opportunity_id).label("rights"),
                company_country_name(Company.country).label("country_name"),
            )
            .join(Opportunity, Opportunity.id == top.c.opportunity_id)
            .join(Film, Film.id == top.c.film_id)
            .join(Company, Company.id == top.c.company_id)
            .order_by(*sort)
        ).all()

    def outstanding(self, row: Any) -> Outstanding:
        converted = convert(self.converter, row.amount, row.currency)
        return Outstanding(
            film=row.film,
            buyer=row.buyer,
            country=row.country_name or row.country or "",
            territory=row.territory or row.country_name or "",
            rights=row.rights or "All rights",
            offer=row.amount,
            currency=row.currency,
            converted=converted,
            ask=row.ask,
            take=row.take,
            price_currency=row.price_currency,
            offered_on=row.offered_on,
            days_open=days_between(self.period.as_of, row.offered_on) or 0,
            under_take=self.under_take(row.amount, row.currency, row.take, row.price_currency),
        )

    def under_take(
        self, offer: Decimal, currency: str, take: Decimal | None, take_currency: str | None
    ) -> bool | None:
        if take is None:
            return False
        if take_currency in (None, currency):
            return offer < take
        assert take_currency is not None
        offer_value = self.converter.convert(offer, currency)
        take_value = self.converter.convert(take, take_currency)
        if offer_value is None or take_value is None:
            return None
        return offer_value < take_value

    def under_take_count(self, latest: Any) -> int:
        fx_offer = self.fx.alias("fx_offer")
        fx_take = self.fx.alias("fx_take")
        same = or_(Opportunity.currency.is_(None), Opportunity.currency == latest.c.currency)
        query = (
            select(func.count())
            .select_from(latest)
            .join(Opportunity, Opportunity.id == latest.c.opportunity_id)
            .outerjoin(fx_offer, fx_offer.c.currency == latest.c.currency)
            .outerjoin(fx_take, fx_take.c.currency == Opportunity.currency)
            .where(
                Opportunity.take.is_not(None),
                case(
                    (same, latest.c.amount < Opportunity.take),
                    else_=latest.c.amount * fx_offer.c.factor < Opportunity.take * fx_take.c.factor,
                ),
            )
        )
        return int(self.session.scalar(query) or 0)

    def film_positions(self) -> list[dict[str, Any]]:
        """One row per film with business: countries sold / under offer / open, counts."""
        exp = expansion_table(self.scratch)
        sold = (
            select(Deal.film_id, exp.c.country)
            .join(deal_territories, deal_territories.c.deal_id == Deal.id)
            .join(Territory, Territory.id == deal_territories.c.territory_id)
            .join(exp, exp.c.code == Territory.code)
            .where(*self.live_deal(), self.films(Deal.film_id))
            .distinct()
            .cte("sold_countries")
        )
        offered_opps = (
            select(Opportunity.id, Opportunity.film_id, Opportunity.company_id)
            .where(Opportunity.stage.in_(OFFER_STAGES), self.films(Opportunity.film_id))
            .cte("offered_opportunities")
        )
        scope = opportunity_scope(offered_opps)
        offered = (
            select(scope.c.film_id, exp.c.country)
            .join(exp, exp.c.code == scope.c.code)
            .where(
                ~select(sold.c.country)
                .where(sold.c.film_id == scope.c.film_id, sold.c.country == exp.c.country)
                .exists()
            )
            .distinct()
            .subquery()
        )
        sold_n = select(sold.c.film_id, func.count().label("n")).group_by(sold.c.film_id).subquery()
        offered_n = (
            select(offered.c.film_id, func.count().label("n"))
            .group_by(offered.c.film_id)
            .subquery()
        )
        live = (
            select(Deal.film_id, func.count().label("n"))
            .where(*self.live_deal())
            .group_by(Deal.film_id)
            .subquery()
        )
        open_opps = (
            select(Opportunity.film_id, func.count().label("n"))
            .where(Opportunity.stage.not_in((Stage.WON, Stage.LOST)))
            .group_by(Opportunity.film_id)
            .subquery()
        )
        all_countries = (
            select(func.count())
            .select_from(Territory)
            .where(Territory.kind == TerritoryKind.COUNTRY)
            .scalar_subquery()
        )
        has_business = or_(
            select(Opportunity.id).where(Opportunity.film_id == Film.id).exists(),
            select(Deal.id).where(Deal.film_id == Film.id).exists(),
        )
        rows = self.session.execute(
            select(
                Film.id,
                Film.slug,
                Film.title,
                func.coalesce(sold_n.c.n, 0).label("sold"),
                func.coalesce(offered_n.c.n, 0).label("offered"),
                all_countries.label("countries"),
                func.coalesce(live.c.n, 0).label("deals"),
                func.coalesce(open_opps.c.n, 0).label("open_opps"),
            )
            .outerjoin(sold_n, sold_n.c.film_id == Film.id)
            .outerjoin(offered_n, offered_n.c.film_id == Film.id)
            .outerjoin(live, live.c.film_id == Film.id)
            .outerjoin(open_opps, open_opps.c.film_id == Film.id)
            .where(self.films(Film.id) if self.film_id is not None else has_business)
            .order_by(Film.title)
        ).all()
        return [r._asdict() for r in rows]

    def film_money(self, latest: Any) -> tuple[dict[Any, list[Any]], dict[Any, list[Any]]]:
        mg: dict[Any, list[Any]] = defaultdict(list)
        for film_id, currency, amount, n in self.session.execute(
            select(Deal.film_id, Deal.currency, func.sum(Deal.mg), func.count())
            .where(Deal.signed_on <= self.period.until, self.films(Deal.film_id))
            .group_by(Deal.film_id, Deal.currency)
        ):
            mg[film_id].append((currency, amount, n))
        offered: dict[Any, list[Any]] = defaultdict(list)
        for film_id, currency, amount, n in self.session.execute(
            select(latest.c.film_id, latest.c.currency, func.sum(latest.c.amount), func.count())
            .group_by(latest.c.film_id, latest.c.currency)
        ):
            offered[film_id].append((currency, amount, n))
        return mg, offered

    def sold_rows(self, films: list[uuid.UUID]) -> dict[Any, Section[Sold]]:
        if not films:
            return {}
        limit = FILM_ROWS_ONE_FILM if self.film_id is not None else FILM_ROWS
        ranked = (
            select(
                Deal.id,
                Deal.film_id,
                Deal.mg,
                Deal.currency,
                Deal.term_start,
                Deal.term_end,
                Deal.exclusive,
                Company.name.label("buyer"),
                func.row_number()
                .over(partition_by=Deal.film_id, order_by=(Deal.mg.desc(), Deal.id))
                .label("n"),
                func.count().over(partition_by=Deal.film_id).label("total"),
            )
            .join(Company, Company.id == Deal.company_id)
            .where(Deal.film_id.in_(films), *self.live_deal())
            .subquery()
        )
        top = select(ranked).where(ranked.c.n <= limit).subquery()
        rows = self.session.execute(
            select(top, _deal_territories(top.c.id).label("territories")).order_by(
                top.c.film_id, top.c.n
            )
        ).all()
        grouped: dict[Any, list[Any]] = defaultdict(list)
        for r in rows:
            grouped[r.film_id].append(r)
        return {
            film_id: Section(
                tuple(
                    Sold(
                        buyer=r.buyer,
                        territories=r.territories or "",
                        mg=r.mg,
                        currency=r.currency,
                        term_start=r.term_start,
                        term_end=r.term_end,
                        exclusive=bool(r.exclusive),
                    )
                    for r in found
                ),
                found[0].total,
            )
            for film_id, found in grouped.items()
        }

    def money(self) -> _Money:
        """The report's second half: everything that reads the latest offers (money per
        film, the films with the most of it shown in detail with their open offers,
        offers outstanding, value by territory), then hot buyers and the funnel, which
        even out the two halves' time."""
        latest = self.latest_offers()
        mg_rows, offered_rows = self.film_money(latest)
        mg = {film: totals(self.converter, rows) for film, rows in mg_rows.items()}
        offered = {film: totals(self.converter, rows) for film, rows in offered_rows.items()}
        detailed = self.most_money(mg, offered)
        under: dict[Any, list[Outstanding]] = defaultdict(list)
        under_totals: dict[Any, int] = {}
        if detailed:
            for r in self.outstanding_rows(latest, per_film=True, films=list(detailed)):
                under[r.film_id].append(self.outstanding(r))
                under_totals[r.film_id] = r.total
        all_mg = self.totals(r for rows in mg_rows.values() for r in rows)
        all_offered = self.totals(r for rows in offered_rows.values() for r in rows)
        top = self.outstanding_rows(latest, per_film=False, films=[])
        return _Money(
            mg=mg,
            offered=offered,
            detailed=detailed,
            under_offer={f: Section(tuple(under[f]), under_totals.get(f, 0)) for f in detailed},
            mg_totals=all_mg,
            outstanding=Section(
                tuple(self.outstanding(r) for r in top), top[0].total if top else 0
            ),
            outstanding_totals=all_offered,
            under_take=self.under_take_count(latest),
            territories=self.territory_values(),
            hot=self.hot(),
            funnel=self.funnel(),
        )

    def most_money(self, mg: dict[Any, Totals], offered: dict[Any, Totals]) -> tuple[Any, ...]:
        """The films with the most MG closed and offered (in the reporting currency)."""
        none = Totals(self.converter.target)
        money = {}
        for film in {*mg, *offered}:
            closed, open_ = mg.get(film, none), offered.get(film, none)
            if closed.count or open_.count:
                money[film] = closed.converted + open_.converted
        if not money:
            return ()
        found = self.session.execute(select(Film.id, Film.title).where(Film.id.in_(money)))
        titles = {film: title for film, title in found}
        ranked = sorted(money, key=lambda f: (-money[f], titles.get(f, "")))
        return tuple(ranked[:FILMS_IN_DETAIL])

    def positions(self, film_rows: list[dict[str, Any]], money: _Money) -> tuple[FilmPosition, ...]:
        """Where each film stands: the films with the most money first, in detail."""
        none = Totals(self.converter.target)
        prepared = [
            (row, money.mg.get(row["id"], none), money.offered.get(row["id"], none))
            for row in film_rows
        ]
        ranked = sorted(prepared, key=lambda p: (-(p[1].converted + p[2].converted), p[0]["title"]))
        sold = self.sold_rows(list(money.detailed))
        return tuple(
            FilmPosition(
                slug=row["slug"],
                title=row["title"],
                countries_sold=row["sold"],
                countries_under_offer=row["offered"],
                countries_open=row["countries"] - row["sold"] - row["offered"],
                deals_live=row["deals"],
                opportunities_open=row["open_opps"],
                mg=film_mg,
                outstanding=film_offered,
                detailed=row["id"] in money.detailed,
                sold=sold.get(row["id"], Section((), 0)),
                under_offer=money.under_offer.get(row["id"], Section((), 0)),
            )
            for row, film_mg, film_offered in ranked
        )

    # --- people to chase ----------------------------------------------------------------
    def hot(self) -> Section[HotBuyer]:
        no_offer = ~select(Offer.id).where(Offer.opportunity_id == Opportunity.id).exists()
        # The buyers shown are picked first; names are looked up for those rows only.
        top = (
            select(
                Opportunity.id,
                Opportunity.stage,
                Opportunity.stage_changed_at,
                Opportunity.film_id,
                Opportunity.company_id,
                Opportunity.agent_id,
                total_over(),
            )
            .where(
                Opportunity.interest == Interest.HOT,
                Opportunity.stage.not_in((Stage.WON, Stage.LOST)),
                no_offer,
                self.films(Opportunity.film_id),
            )
            .order_by(Opportunity.stage_changed_at.desc(), Opportunity.id)
            .limit(HOT_SHOWN)
            .subquery()
        )
        rows = self.session.execute(
            select(
                top,
                Film.title.label("film"),
                Company.name.label("buyer"),
                Company.country,
                _agent_name().label("agent"),
                territory_label(top.c.id).label("territory"),
                company_country_name(Company.country).label("country_name"),
            )
            .join(Film, Film.id == top.c.film_id)
            .join(Company, Company.id == top.c.company_id)
            .outerjoin(Agent, Agent.id == top.c.agent_id)
            .order_by(top.c.stage_changed_at.desc(), top.c.id)
        ).all()
        return Section(
            tuple(
                HotBuyer(
                    buyer=r.buyer,
                    country=r.country_name or r.country or "",
                    film=r.film,
                    territory=r.territory or r.country_name or "",
                    stage=_stage(r.stage),
                    agent=r.agent,
                    since=r.stage_changed_at,
                )
                for r in rows
            ),
            rows[0].total if rows else 0,
        )

    def overdue(self) -> tuple[AgentOverdue, ...]:
        as_of = self.period.as_of
        film_scope: Any = literal(True)
        if self.film_id is not None:
            film_scope = or_(
                select(Opportunity.id)
                .where(Opportunity.id == FollowUp.opportunity_id)
                .where(Opportunity.film_id == self.film_id)
                .exists(),
                select(MeetingFilm.id)
                .where(MeetingFilm.meeting_id == FollowUp.meeting_id)
                .where(MeetingFilm.film_id == self.film_id)
                .exists(),
            )
        # The follow-ups shown are picked first; whose company they concern (theirs, else
        # their meeting's, else their opportunity's) is looked up for those rows only.
        ranked = (
            select(
                FollowUp.owner_id,
                FollowUp.due_on,
                FollowUp.title,
                FollowUp.company_id,
                FollowUp.meeting_id,
                FollowUp.opportunity_id,
                func.row_number()
                .over(partition_by=FollowUp.owner_id, order_by=(FollowUp.due_on, FollowUp.id))
                .label("n"),
                func.count().over(partition_by=FollowUp.owner_id).label("total"),
            )
            .where(
                FollowUp.due_on < as_of,
                or_(FollowUp.done_at.is_(None), FollowUp.done_at >= self.period.end),
                film_scope,
            )
            .subquery()
        )
        shown = select(ranked).where(ranked.c.n <= OVERDUE_PER_AGENT).subquery()
        company_id = func.coalesce(shown.c.company_id, Meeting.company_id, Opportunity.company_id)
        rows = self.session.execute(
            select(
                shown.c.owner_id,
                shown.c.due_on,
                shown.c.title,
                shown.c.total,
                Company.name.label("company"),
                _agent_name().label("agent"),
            )
            .outerjoin(Meeting, Meeting.id == shown.c.meeting_id)
            .outerjoin(Opportunity, Opportunity.id == shown.c.opportunity_id)
            .outerjoin(Company, Company.id == company_id)
            .outerjoin(Agent, Agent.id == shown.c.owner_id)
            .order_by(shown.c.total.desc(), shown.c.owner_id, shown.c.n)
        ).all()
        grouped: dict[Any, list[Any]] = {}
        for r in rows:
            grouped.setdefault(r.owner_id, []).append(r)
        return tuple(
            AgentOverdue(
                agent=found[0].agent if found[0].owner_id is not None else "(no owner)",
                count=found[0].total,
                oldest=found[0].due_on,
                items=tuple(
                    OverdueFollowUp(
                        due_on=r.due_on,
                        days_late=(as_of - r.due_on).days,
                        title=r.title,
                        company=r.company or "",
                    )
                    for r in found
                ),
            )
            for found in grouped.values()
        )

    def meetings(self) -> tuple[MarketMeetings, ...]:
        name = func.coalesce(Market.name, literal(NO_MARKET))
        film_scope: Any = literal(True)
        if self.film_id is not None:
            film_scope = (
                select(MeetingFilm.id)
                .where(MeetingFilm.meeting_id == Meeting.id, MeetingFilm.film_id == self.film_id)
                .exists()
            )
        rows = self.session.execute(
            select(name, func.count(), func.count(Meeting.company_id.distinct()))
            .select_from(Meeting)
            .outerjoin(Market, Market.id == Meeting.market_id)
            .where(
                Meeting.status == MeetingStatus.HELD,
                Meeting.starts_at >= self.period.start,
                Meeting.starts_at < self.period.end,
                film_scope,
            )
            .group_by(name)
            .order_by(func.count().desc(), name)
        ).all()
        return tuple(MarketMeetings(market=r[0], meetings=r[1], buyers=r[2]) for r in rows)

    # --- charts -------------------------------------------------------------------------
    def funnel(self) -> tuple[StageStat, ...]:
        rows = self.session.execute(
            select(Opportunity.stage, Opportunity.currency, func.count(), func.sum(Opportunity.ask))
            .where(self.films(Opportunity.film_id))
            .group_by(Opportunity.stage, Opportunity.currency)
        ).all()
        per_stage: dict[str, list[tuple[str, Decimal | None, int]]] = defaultdict(list)
        counts: dict[str, int] = defaultdict(int)
        for stage, currency, n, asked in rows:
            counts[_stage(stage)] += n
            if currency is not None:
                per_stage[_stage(stage)].append((currency, asked, n))
        return tuple(
            StageStat(s.value, counts.get(s.value, 0), self.totals(per_stage.get(s.value, [])))
            for s in Stage
        )

    def territory_values(self) -> tuple[TerritoryValue, ...]:
        """Live MGs and outstanding offers per territory in the reporting currency. An
        amount spanning several territories is shared equally between them, so the bars
        add up to the totals; amounts with no rate are left out (and named as missing)."""
        fx = self.fx
        deal_share = (
            select(
                Territory.name.label("territory"),
                (
                    Deal.mg
                    * fx.c.factor
                    / func.count().over(partition_by=deal_territories.c.deal_id)
                ).label("sold"),
                literal(0.0).label("offered"),
            )
            .select_from(Deal)
            .join(fx, fx.c.currency == Deal.currency)
            .join(deal_territories, deal_territories.c.deal_id == Deal.id)
            .join(Territory, Territory.id == deal_territories.c.territory_id)
            .where(*self.live_deal(), self.films(Deal.film_id))
        )
        latest = self.latest_offers()
        offer_opps = select(
            latest.c.opportunity_id.label("id"), latest.c.film_id, latest.c.company_id
        ).cte("chart_offer_opportunities")
        scope = opportunity_scope(offer_opps)
        offer_share = (
            select(
                Territory.name.label("territory"),
                literal(0.0).label("sold"),
                (
                    latest.c.amount
                    * fx.c.factor
                    / func.count().over(partition_by=scope.c.opportunity_id)
                ).label("offered"),
            )
            .select_from(scope)
            .join(latest, latest.c.opportunity_id == scope.c.opportunity_id)
            .join(fx, fx.c.currency == latest.c.currency)
            .join(Territory, Territory.code == scope.c.code)
        )
        shares = deal_share.union_all(offer_share).subquery()
        rows = self.session.execute(
            select(shares.c.territory, func.sum(shares.c.sold), func.sum(shares.c.offered))
            .group_by(shares.c.territory)
            .order_by((func.sum(shares.c.sold) + func.sum(shares.c.offered)).desc())
        ).all()
        return tuple(
            TerritoryValue(
                territory=name,
                sold=_money(sold),
                offered=_money(offered),
            )
            for name, sold, offered in rows
        )


def _money(value: Any) -> Decimal:
    return Decimal(repr(float(value or 0))).quantize(Decimal("1"))


def _deal_territories(deal_id: Any) -> Any:
    return (
        select(func.aggregate_strings(Territory.name, ", "))
        .join(deal_territories, deal_territories.c.territory_id == Territory.id)
        .where(deal_territories.c.deal_id == deal_id)
        .scalar_subquery()
    )


def _rights_label(opportunity_id: Any) -> Any:
    return (
        select(func.aggregate_strings(Right.name, ", "))
        .join(opportunity_rights, opportunity_rights.c.right_id == Right.id)
        .where(opportunity_rights.c.opportunity_id == opportunity_id)
        .scalar_subquery()
    )


def _currencies(session: Session) -> set[str]:
    """Every currency an amount in the pipeline is in."""
    found = session.scalars(
        select(Deal.currency).union(select(Offer.currency), select(Opportunity.currency))
    )
    return set(found.all()) - {None}


@dataclass(frozen=True)
class _Money:
    """The report's second half (`_Query.money`), read on a connection of its own."""

    mg: dict[Any, Totals]  # MG of the deals signed, per film
    offered: dict[Any, Totals]  # latest offers, per film
    detailed: tuple[Any, ...]  # the films with the most money, shown in detail
    under_offer: dict[Any, Section[Outstanding]]  # their offers outstanding
    mg_totals: Totals
    outstanding: Section[Outstanding]
    outstanding_totals: Totals
    under_take: int
    territories: tuple[TerritoryValue, ...]
    hot: Section[HotBuyer]
    funnel: tuple[StageStat, ...]


def _read_money(query: _Query) -> _Money:
    money = query.money()
    query.scratch.close()
    return money


def weekly_report(
    session: Session,
    *,
    period: Period,
    currency: str = "EUR",
    film: str | None = None,
    now: datetime | None = None,
) -> WeeklyReport:
    """Build the weekly report for `period`, optionally for one film, in `currency`.

    The report reads in two halves at once where the database allows it: money (latest
    offers, MGs, offers outstanding, value by territory), hot buyers and the funnel on a
    second connection that sees the same snapshot (db.snapshot_twin), in a thread, while
    this one reads what moved, the countries each film has sold and the follow-ups. Both
    engines run the SQL outside Python's lock, so the halves overlap.
    """
    with snapshot_twin(session) as twin:
        film_row = None
        if film is not None:
            from roundup_crm.services.lookup import find_film

            film_row = find_film(session, film)
        film_id = film_row.id if film_row else None
        converter = Converter(session, target=currency, on=period.until)
        currencies = _currencies(session)

        def query_on(reader: Session) -> _Query:
            return _Query(reader, Scratch(reader), period, converter, film_id, currencies)

        with ThreadPoolExecutor(max_workers=1) as pool:
            money = None
            if twin is not None and usable_cores() > 1:
                twin_query = query_on(twin)
                money = pool.submit(_read_money, twin_query)
            query = query_on(session)
            moves = query.moves()
            by_stage = query.moves_by_stage()
            new_offers, new_offer_totals = query.new_offers()
            deals, deal_totals = query.deals()
            lost, reasons = query.lost()
            film_rows = query.film_positions()
            overdue = query.overdue()
            meetings = query.meetings()
            if money is None:
                money_part, money_query = _read_money(query), query
            else:
                money_part, money_query = money.result(), twin_query
            films = query.positions(film_rows, money_part)
            query.scratch.close()
    missing = set(query.missing) | money_query.missing
    return WeeklyReport(
        period=period,
        currency=converter.target,
        generated_at=now or utcnow(),
        film=film_row.title if film_row else None,
        rates_used=tuple(r.describe() for r in converter.used(currencies)),
        missing_rates=tuple(sorted(missing)),
        moves=moves,
        moves_by_stage=by_stage,
        new_offers=new_offers,
        new_offer_totals=new_offer_totals,
        deals=deals,
        deal_totals=deal_totals,
        lost=lost,
        lost_reasons=reasons,
        films=films,
        mg_totals=money_part.mg_totals,
        outstanding=money_part.outstanding,
        outstanding_totals=money_part.outstanding_totals,
        under_take=money_part.under_take,
        hot=money_part.hot,
        overdue=overdue,
        meetings=meetings,
        funnel=money_part.funnel,
        territories=money_part.territories,
    )

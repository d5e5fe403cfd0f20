"""Building blocks shared by the reports: periods, money totals, SQL helpers.

Every report is a handful of set-based queries whose number does not depend on the
data: amounts are summed in SQL per currency, long lists are cut in SQL (with the full
count carried alongside), and exchange-rate factors and territory expansions are handed
to SQL as small VALUES tables rather than applied row by row in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Float,
    Select,
    String,
    column,
    func,
    select,
    values,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from roundup_crm.errors import InvalidInput
from roundup_crm.models import (
    Company,
    Territory,
    TerritoryKind,
    company_territories,
    opportunity_territories,
)
from roundup_crm.services.fx import Converter, MissingRate

T = TypeVar("T")


@dataclass(frozen=True)
class Period:
    """Days `since` to `until`, both included; times are compared in UTC."""

    since: date
    until: date

    def __post_init__(self) -> None:
        if self.until < self.since:
            raise InvalidInput("until", self.until.isoformat(), "is before --since")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.since, time(), UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return datetime.combine(self.until + timedelta(days=1), time(), UTC)

    @property
    def as_of(self) -> date:
        """The day the report is read: the day after the period (a Monday for a week)."""
        return self.until + timedelta(days=1)

    @property
    def label(self) -> str:
        iso = self.since.isocalendar()
        if self.since.weekday() == 0 and self.until == self.since + timedelta(days=6):
            return f"{iso.year}-W{iso.week:02d}"
        return f"{self.since.isoformat()} to {self.until.isoformat()}"


def last_complete_week(today: date) -> Period:
    """The ISO week (Monday to Sunday) before the one `today` falls in."""
    monday = today - timedelta(days=today.weekday() + 7)
    return Period(monday, monday + timedelta(days=6))


@dataclass(frozen=True)
class Section(Generic[T]):
    """The rows shown of a list, and how many there are in all."""

    rows: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)

    def __bool__(self) -> bool:
        return self.total > 0


def section(rows: Sequence[T], totals: Sequence[int]) -> Section[T]:
    return Section(tuple(rows), totals[0] if totals else 0)


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    amount: Decimal
    count: int
    converted: Decimal | None  # None when no rate reaches the reporting currency


@dataclass(frozen=True)
class Totals:
    """Amounts per original currency, and their sum in the reporting currency."""

    currency: str
    by_currency: tuple[CurrencyTotal, ...] = ()
    missing: tuple[str, ...] = ()  # "no USD->EUR rate on or before ..."

    @property
    def converted(self) -> Decimal:
        return sum((t.converted for t in self.by_currency if t.converted is not None), Decimal(0))

    @property
    def count(self) -> int:
        return sum(t.count for t in self.by_currency)

    @property
    def complete(self) -> bool:
        return not self.missing


def totals(converter: Converter, rows: Iterable[tuple[str, Decimal | None, int]]) -> Totals:
    """(currency, amount, count) rows, summed per currency in SQL, into Totals."""
    merged: dict[str, tuple[Decimal, int]] = {}
    for currency, amount, count in rows:
        if amount is None:
            continue
        old = merged.get(currency, (Decimal(0), 0))
        merged[currency] = (old[0] + amount, old[1] + int(count))
    by_currency = tuple(
        CurrencyTotal(currency, amount, count, converter.convert(amount, currency))
        for currency, (amount, count) in sorted(merged.items())
    )
    missing = tuple(str(m) for m in converter.missing(merged) if isinstance(m, MissingRate))
    return Totals(converter.target, by_currency, missing)


def convert(converter: Converter, amount: Decimal | None, currency: str | None) -> Decimal | None:
    if amount is None or currency is None:
        return None
    return converter.convert(amount, currency)


def factor_table(converter: Converter, currencies: Iterable[str]) -> Any:
    """A VALUES table (currency, factor) of the currencies that convert, for SQL sorting
    and summing in the reporting currency. Unconvertible currencies are absent, so an
    inner join leaves their amounts out (they are named as missing rates elsewhere)."""
    factors = converter.factors(currencies)
    # A row that matches no currency keeps the VALUES clause valid when nothing converts.
    data = [(code, float(factor)) for code, factor in sorted(factors.items())] or [("", 0.0)]
    return (
        values(column("currency", String), column("factor", Float), name="fx_factors")
        .data(data)
        .cte("fx_factors")
    )


def expansion_table(session: Session) -> Any:
    """A VALUES table (code, country): each territory code with the ISO countries it
    covers, groups expanded with their exclusions by the territory service's rules.

    Reference data, not business data: its size does not grow with deals or offers.
    """
    from roundup_crm.services.territories import _expand, _membership

    members = _membership(session)
    country_rows = session.scalars(
        select(Territory.code).where(Territory.kind == TerritoryKind.COUNTRY)
    ).all()
    pairs = [(code, code) for code in country_rows]
    for group in members:
        pairs += [(group, country) for country in sorted(_expand(group, members, frozenset()))]
    data = pairs or [("", "")]
    return (
        values(column("code", String), column("country", String), name="territory_countries")
        .data(data)
        .cte("territory_countries")
    )


def opportunity_scope(opportunities: Any) -> Any:
    """(opportunity_id, film_id, territory_code) for the given opportunities, following
    the avails rule: an opportunity's own territories, else the territories its company
    buys for, else the company's country."""
    own = (
        select(
            opportunities.c.id.label("opportunity_id"),
            opportunities.c.film_id,
            Territory.code.label("code"),
        )
        .join(
            opportunity_territories, opportunity_territories.c.opportunity_id == opportunities.c.id
        )
        .join(Territory, Territory.id == opportunity_territories.c.territory_id)
    )
    has_own = (
        select(opportunity_territories.c.opportunity_id)
        .where(opportunity_territories.c.opportunity_id == opportunities.c.id)
        .exists()
    )
    buyer = (
        select(opportunities.c.id, opportunities.c.film_id, Territory.code)
        .join(company_territories, company_territories.c.company_id == opportunities.c.company_id)
        .join(Territory, Territory.id == company_territories.c.territory_id)
        .where(~has_own)
    )
    has_buyer = (
        select(company_territories.c.company_id)
        .where(company_territories.c.company_id == opportunities.c.company_id)
        .exists()
    )
    home = (
        select(opportunities.c.id, opportunities.c.film_id, Company.country)
        .join(Company, Company.id == opportunities.c.company_id)
        .where(~has_own, ~has_buyer, Company.country.is_not(None))
    )
    return own.union_all(buyer, home).cte("opportunity_scope")


def territory_label(opportunity_id: Any) -> ColumnElement[str]:
    """The territories an opportunity names, as one string (for rows being printed)."""
    return (
        select(func.aggregate_strings(Territory.name, ", "))
        .join(opportunity_territories, opportunity_territories.c.territory_id == Territory.id)
        .where(opportunity_territories.c.opportunity_id == opportunity_id)
        .scalar_subquery()
    )


def company_country_name(country: Any) -> ColumnElement[str]:
    return (
        select(Territory.name)
        .where(Territory.code == country, Territory.kind == TerritoryKind.COUNTRY)
        .scalar_subquery()
    )


def total_over() -> Any:
    """count(*) over the whole result before LIMIT: the full count, in the same query."""
    return func.count().over().label("total")


def limited(query: Select[Any], limit: int) -> Any:
    return query.limit(limit).subquery()


def days_between(later: date, earlier: date | None) -> int | None:
    return None if earlier is None else (later - earlier).days


def truncate(text: str | None, length: int) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def as_date(value: Any) -> date | None:
    """Dates read back from aggregates (SQLite returns text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Labelled:
    """A name with an optional short qualifier, e.g. a buyer and its country."""

    name: str
    detail: str = ""


def pairs(mapping: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(mapping.items(), key=lambda kv: (-kv[1], kv[0])))

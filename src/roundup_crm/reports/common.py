"""Building blocks shared by the reports: periods, money totals, SQL helpers.

Every report is a handful of set-based queries whose number does not depend on the
data: amounts are summed in SQL per currency, long lists are cut in SQL (with the full
count carried alongside), and exchange-rate factors and territory expansions are handed
to SQL as small tables rather than applied row by row in Python. What several queries of
one report join on (those tables, the latest offer of each opportunity) is written once
into temporary tables of the report's own connection (`Scratch`), indexed, and dropped
when the report is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Column,
    Float,
    Index,
    MetaData,
    Select,
    String,
    Table,
    func,
    select,
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


class Scratch:
    """Temporary tables one report fills once and joins many times.

    They live in the session's connection only (other agents never see them), inside the
    report's transaction, and are dropped by `close()`; a report that fails rolls back,
    which removes them too.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.metadata = MetaData()
        self.tables: list[Table] = []

    def table(
        self,
        name: str,
        columns: Sequence[Column[Any]],
        *,
        rows: Sequence[Mapping[str, Any]] = (),
        query: Select[Any] | None = None,
        index: Sequence[str] = (),
    ) -> Table:
        table = Table(f"report_{name}", self.metadata, *columns, prefixes=["TEMPORARY"])
        connection = self.session.connection()
        table.create(connection)
        self.tables.append(table)
        if query is not None:
            connection.execute(table.insert().from_select([c.name for c in columns], query))
        if rows:
            connection.execute(table.insert(), list(rows))
        if index:
            Index(f"ix_report_{name}", *(table.c[n] for n in index)).create(connection)
        return table

    def close(self) -> None:
        connection = self.session.connection()
        for table in reversed(self.tables):
            table.drop(connection)
        self.tables.clear()


def factor_table(scratch: Scratch, converter: Converter, currencies: Iterable[str]) -> Table:
    """A table (currency, factor) of the currencies that convert, for SQL sorting and
    summing in the reporting currency. Unconvertible currencies are absent, so an inner
    join leaves their amounts out (they are named as missing rates elsewhere)."""
    factors = converter.factors(currencies)
    return scratch.table(
        "fx_factors",
        [Column("currency", String(3), primary_key=True), Column("factor", Float)],
        rows=[{"currency": code, "factor": float(f)} for code, f in sorted(factors.items())],
    )


def expansion_table(scratch: Scratch) -> Table:
    """A table (code, country): each territory code with the ISO countries it covers,
    groups expanded with their exclusions by the territory service's rules.

    Reference data, not business data: its size does not grow with deals or offers.
    """
    from roundup_crm.services.territories import _expand, _membership

    session = scratch.session
    members = _membership(session)
    country_rows = session.scalars(
        select(Territory.code).where(Territory.kind == TerritoryKind.COUNTRY)
    ).all()
    pairs = [(code, code) for code in country_rows]
    for group in members:
        pairs += [(group, country) for country in sorted(_expand(group, members, frozenset()))]
    return scratch.table(
        "territory_countries",
        [
            Column("code", String(64), primary_key=True),
            Column("country", String(8), primary_key=True),
        ],
        rows=[{"code": code, "country": country} for code, country in pairs],
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

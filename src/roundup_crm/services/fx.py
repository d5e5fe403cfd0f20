"""Exchange rates the user records, and conversion with them for reports.

Rule (documented in the README): an amount in currency A is converted to B with the
latest rate recorded **on or before** the conversion date, looked for in this order:

1. a direct rate A->B or its inverse B->A, whichever is the more recent (on a tie, the
   direct one);
2. otherwise through one common currency C with rates between A and C and between C and
   B (each direct or inverse, each the latest on or before the date); among several such
   C, the one whose older leg is the most recent wins, then alphabetical order.

No path means no conversion: the amount stays in its own currency, the report names the
missing rate ("no USD->EUR rate on or before 2026-02-15"), and it is never taken as 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.errors import InvalidInput
from roundup_crm.models import ExchangeRate
from roundup_crm.services.parsing import parse_currency

CENT = Decimal("0.01")
MAX_RATE = Decimal("9999999999")


def parse_rate(value: str, *, field: str = "rate") -> Decimal:
    from decimal import InvalidOperation

    try:
        rate = Decimal(value.strip().replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise InvalidInput(field, value, "expected a number like 1.08") from None
    if not rate.is_finite() or rate <= 0:
        raise InvalidInput(field, value, "must be a positive number")
    if rate > MAX_RATE:
        raise InvalidInput(field, value, "is too large to be an exchange rate")
    if rate != rate.quantize(Decimal("0.00000001")):
        raise InvalidInput(field, value, "has more than eight decimals")
    return rate


def add_rate(session: Session, *, base: str, quote: str, rate: str, on: date) -> ExchangeRate:
    """Record `1 base = rate quote` on a date; recording the same pair and day again
    replaces the rate (a correction), it does not add a second one."""
    base_code = parse_currency(base, field="base currency")
    quote_code = parse_currency(quote, field="quote currency")
    if base_code == quote_code:
        raise InvalidInput("quote currency", quote, "must differ from the base currency")
    value = parse_rate(rate)
    existing = session.scalar(
        select(ExchangeRate).where(
            ExchangeRate.base == base_code, ExchangeRate.quote == quote_code, ExchangeRate.on == on
        )
    )
    if existing is not None:
        existing.rate = value
        session.flush()
        return existing
    recorded = ExchangeRate(base=base_code, quote=quote_code, rate=value, on=on)
    session.add(recorded)
    session.flush()
    return recorded


def list_rates(
    session: Session, *, currency: str | None = None, until: date | None = None
) -> list[ExchangeRate]:
    """Recorded rates, newest first; only those involving `currency` if given."""
    query = select(ExchangeRate).order_by(
        ExchangeRate.on.desc(), ExchangeRate.base, ExchangeRate.quote
    )
    if currency:
        code = parse_currency(currency)
        query = query.where((ExchangeRate.base == code) | (ExchangeRate.quote == code))
    if until is not None:
        query = query.where(ExchangeRate.on <= until)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Rate:
    """How one unit of `source` becomes `target`, and which recorded rates say so."""

    source: str
    target: str
    factor: Decimal
    on: date | None  # the date of the oldest rate used; None for the identity
    via: str | None = None

    def describe(self) -> str:
        if self.on is None:
            return f"{self.source} = {self.target}"
        path = f" via {self.via}" if self.via else ""
        factor = self.factor.quantize(Decimal("0.000001")).normalize()
        return f"1 {self.source} = {factor:f} {self.target}{path} (rate of {self.on})"


@dataclass(frozen=True)
class MissingRate:
    source: str
    target: str
    on: date

    def __str__(self) -> str:
        return f"no {self.source}->{self.target} rate on or before {self.on.isoformat()}"


class Converter:
    """Converts to one currency on one date with the rates known then: one query."""

    def __init__(self, session: Session, *, target: str, on: date) -> None:
        self.target = parse_currency(target, field="currency")
        self.on = on
        # Only the latest rate of each pair matters; the table is small (typed by hand),
        # so it is read once and reduced here.
        latest: dict[tuple[str, str], tuple[date, Decimal]] = {}
        for base, quote, rate, day in session.execute(
            select(ExchangeRate.base, ExchangeRate.quote, ExchangeRate.rate, ExchangeRate.on)
            .where(ExchangeRate.on <= on)
            .order_by(ExchangeRate.on)
        ):
            latest[(base, quote)] = (day, rate)
        self._latest = latest
        self._cache: dict[str, Rate | MissingRate] = {}

    def _leg(self, source: str, target: str) -> tuple[date, Decimal] | None:
        direct = self._latest.get((source, target))
        inverse = self._latest.get((target, source))
        if inverse is not None and (direct is None or inverse[0] > direct[0]):
            return inverse[0], Decimal(1) / inverse[1]
        return direct

    def rate(self, source: str) -> Rate | MissingRate:
        found = self._cache.get(source)
        if found is None:
            found = self._find(source)
            self._cache[source] = found
        return found

    def _find(self, source: str) -> Rate | MissingRate:
        if source == self.target:
            return Rate(source, self.target, Decimal(1), None)
        leg = self._leg(source, self.target)
        if leg is not None:
            return Rate(source, self.target, leg[1], leg[0])
        currencies = {c for pair in self._latest for c in pair} - {source, self.target}
        best: tuple[date, str, Decimal] | None = None
        for via in sorted(currencies):
            first, second = self._leg(source, via), self._leg(via, self.target)
            if first is None or second is None:
                continue
            oldest = min(first[0], second[0])
            if best is None or oldest > best[0]:
                best = (oldest, via, first[1] * second[1])
        if best is None:
            return MissingRate(source, self.target, self.on)
        return Rate(source, self.target, best[2], best[0], via=best[1])

    def convert(self, amount: Decimal, currency: str) -> Decimal | None:
        found = self.rate(currency)
        if isinstance(found, MissingRate):
            return None
        return (amount * found.factor).quantize(CENT, rounding=ROUND_HALF_UP)

    def factors(self, currencies: Iterable[str]) -> dict[str, Decimal]:
        """currency -> factor for each currency that can be converted."""
        out = {}
        for currency in currencies:
            found = self.rate(currency)
            if isinstance(found, Rate):
                out[currency] = found.factor
        return out

    def missing(self, currencies: Iterable[str]) -> tuple[MissingRate, ...]:
        found = (self.rate(c) for c in sorted(set(currencies)))
        return tuple(m for m in found if isinstance(m, MissingRate))

    def used(self, currencies: Iterable[str]) -> tuple[Rate, ...]:
        found = (self.rate(c) for c in sorted(set(currencies)) if c != self.target)
        return tuple(r for r in found if isinstance(r, Rate))

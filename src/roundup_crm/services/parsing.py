"""Reading what users type: dates, times in a market's zone, money, currencies, countries.

Every parser raises InvalidInput naming the field and the value, so a command can say
exactly what was wrong before anything is written.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from roundup_crm.errors import InvalidInput

MAX_AMOUNT = Decimal("9999999999999.99")


def parse_date(value: str, *, field: str = "date", today: date | None = None) -> date:
    """ISO dates (2026-02-14), plus `today`, `tomorrow`, `yesterday` and `+3d` / `+2w`."""
    raw = value.strip().lower()
    base = today or date.today()
    if raw == "today":
        return base
    if raw == "tomorrow":
        return base + timedelta(days=1)
    if raw == "yesterday":
        return base - timedelta(days=1)
    relative = re.fullmatch(r"([+-])(\d{1,3})([dw])", raw)
    if relative:
        sign, count, unit = relative.groups()
        days = int(count) * (7 if unit == "w" else 1)
        return base + timedelta(days=days if sign == "+" else -days)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(field, value, "expected a date like 2026-02-14") from None


def zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """An IANA time zone (Europe/Berlin)."""
    try:
        if not name or name != name.strip() or "\0" in name:
            raise ValueError
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(field, name, "not an IANA time zone such as Europe/Berlin") from None


def parse_datetime(
    value: str, tz: ZoneInfo, *, field: str = "time", day: date | None = None
) -> datetime:
    """A time typed at a market, read in that market's zone; returned in UTC.

    Accepts `2026-02-14 10:30`, `2026-02-14T10:30`, an explicit offset, or `10:30` alone
    (on `day`, default today in that zone).
    """
    raw = value.strip()
    clock = re.fullmatch(r"(\d{1,2})[:h.](\d{2})", raw)
    try:
        if clock:
            hour, minute = int(clock.group(1)), int(clock.group(2))
            on = day or datetime.now(tz).date()
            local = datetime.combine(on, time(hour, minute), tz)
        else:
            parsed = datetime.fromisoformat(raw.replace(" ", "T", 1))
            local = parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    except ValueError:
        raise InvalidInput(field, value, "expected a time like 2026-02-14 10:30 or 10:30") from None
    return local.astimezone(UTC)


def parse_amount(value: str | Decimal | int, *, field: str = "amount") -> Decimal:
    """A money amount: `250000`, `250,000`, `250k`, `1.2m`; positive, at most two decimals."""
    raw = str(value).strip().replace("_", "").replace(",", "").replace(" ", "")
    multiplier = Decimal(1)
    if raw[-1:].lower() in ("k", "m"):
        multiplier = Decimal(1000) if raw[-1].lower() == "k" else Decimal(1_000_000)
        raw = raw[:-1]
    try:
        amount = Decimal(raw) * multiplier
    except InvalidOperation:
        raise InvalidInput(field, value, "expected an amount like 250000 or 250k") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(field, value, "must be a positive amount")
    if amount > MAX_AMOUNT:
        raise InvalidInput(field, value, "is larger than any deal this tool can hold")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(field, value, "has more than two decimals")
    return amount.quantize(Decimal("0.01"))


@cache
def _currencies() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def parse_currency(value: str, *, field: str = "currency") -> str:
    """An ISO 4217 code (EUR, usd)."""
    code = value.strip().upper()
    if code not in _currencies():
        raise InvalidInput(field, value, "not an ISO 4217 currency code such as EUR or USD")
    return code


def parse_money(value: str, *, field: str = "amount") -> tuple[Decimal, str]:
    """`250000 EUR`, `EUR 250k`, `USD1.2m` -> (amount, currency)."""
    match = re.fullmatch(r"\s*([A-Za-z]{3})?\s*([0-9][0-9.,_ ]*[kKmM]?)\s*([A-Za-z]{3})?\s*", value)
    if not match or bool(match.group(1)) == bool(match.group(3)):
        raise InvalidInput(field, value, "expected an amount and a currency, like 250000 EUR")
    amount = parse_amount(match.group(2), field=field)
    currency = parse_currency(match.group(1) or match.group(3), field=f"{field} currency")
    return amount, currency


def parse_country(value: str, *, field: str = "country") -> str:
    """An ISO 3166 country by code or name -> its alpha-2 code."""
    from roundup_crm.services.reference import COUNTRY_ALIASES, countries
    from roundup_crm.services.territories import fold

    raw = value.strip()
    if raw.upper() in countries():
        return raw.upper()
    alias = COUNTRY_ALIASES.get(fold(raw))
    if alias:
        return alias
    by_name = {fold(name): code for code, name in countries().items()}
    if fold(raw) in by_name:
        return by_name[fold(raw)]
    import pycountry

    try:
        return str(pycountry.countries.lookup(raw).alpha_2)
    except LookupError:
        raise InvalidInput(field, value, "not an ISO 3166 country code or name") from None


def parse_iso_week(value: str, *, field: str = "week") -> tuple[date, date]:
    """`2026-W07` -> (Monday, Sunday) of that ISO week."""
    match = re.fullmatch(r"(\d{4})-?W(\d{1,2})", value.strip(), flags=re.IGNORECASE)
    if not match:
        raise InvalidInput(field, value, "expected an ISO week like 2026-W07")
    try:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise InvalidInput(field, value, "no such ISO week") from None
    return monday, monday + timedelta(days=6)


def parse_int(
    value: str | int,
    *,
    field: str,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """A whole number typed by a user (`1,200,000` allowed), within bounds if given."""
    raw = str(value).strip().replace(",", "").replace("_", "")
    if not re.fullmatch(r"[+-]?\d{1,18}", raw):
        raise InvalidInput(field, value, "expected a whole number")
    number = int(raw)
    if minimum is not None and number < minimum:
        raise InvalidInput(field, value, f"must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise InvalidInput(field, value, f"must be at most {maximum}")
    return number

"""Territories as users type them ("Germany", "DE", "German-speaking Europe") and as sets."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roundup_crm.errors import Ambiguous, InvalidInput
from roundup_crm.models import Right, Territory, TerritoryKind, TerritoryMember

# Letters that carry no combining accent in Unicode, yet people type them bare.
_BARE_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
)


def fold(value: str) -> str:
    """Case- and accent-insensitive form of a name: "Ciné-Lumière" -> "cine-lumiere".

    Recomposed at the end so Hangul stays in syllables ("범죄도시" folds to itself)
    instead of the jamo NFKD splits it into.
    """
    if value.isascii():  # the common case, and called per row by search on SQLite
        return value.lower().strip()
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).translate(_BARE_LETTERS).strip()


def find_territory(session: Session, value: str, *, field: str = "territory") -> Territory:
    """A territory by ISO code (alpha-2 or alpha-3), group code, or name."""
    raw = value.strip()
    if not raw:
        raise InvalidInput(field, value, "empty")
    upper = raw.upper()
    found = session.scalar(select(Territory).where(Territory.code.in_([upper, raw.lower()])))
    if found is not None:
        return found
    found = session.scalar(select(Territory).where(func.lower(Territory.name) == raw.lower()))
    if found is not None:
        return found
    code = _country_code(raw)
    if code is not None:
        found = session.scalar(select(Territory).where(Territory.code == code))
        if found is not None:
            return found
    folded = fold(raw)
    candidates = [t for t in session.scalars(select(Territory)) if fold(t.name).startswith(folded)]
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        raise Ambiguous(field, value, [f"{t.name} ({t.code})" for t in candidates])
    raise InvalidInput(field, value, "not an ISO country code, country name or territory group")


def _country_code(value: str) -> str | None:
    from roundup_crm.services.reference import COUNTRY_ALIASES

    alias = COUNTRY_ALIASES.get(fold(value))
    if alias:
        return alias
    import pycountry

    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        return None


def find_territories(
    session: Session, values: Iterable[str], *, field: str = "territory"
) -> list[Territory]:
    seen: dict[uuid.UUID, Territory] = {}
    for value in values:
        for part in _split(value):
            territory = find_territory(session, part, field=field)
            seen.setdefault(territory.id, territory)
    return list(seen.values())


def _split(value: str) -> list[str]:
    """`--territory "DE; AT"` and repeated options both work; names may contain commas."""
    return [p.strip() for p in value.split(";") if p.strip()]


def country_codes(session: Session, territories: Iterable[Territory]) -> set[str]:
    """The ISO countries a set of territories covers, groups expanded, exclusions applied."""
    members = _membership(session)
    codes: set[str] = set()
    for territory in territories:
        codes |= _expand(territory.code, members, frozenset())
    return codes


def overlapping(session: Session, territory: Territory) -> tuple[list[uuid.UUID], set[str]]:
    """Every territory (country or group) sharing a country with `territory`, and those
    countries: a buyer for "German-speaking Europe" buys for Germany, and the reverse."""
    members = _membership(session)
    wanted = _expand(territory.code, members, frozenset())
    ids = [
        territory_id
        for territory_id, code in session.execute(select(Territory.id, Territory.code))
        if _expand(code, members, frozenset()) & wanted
    ]
    return ids, wanted


def _membership(session: Session) -> dict[str, list[tuple[str, bool]]]:
    group = select(Territory.code).where(Territory.id == TerritoryMember.group_id).scalar_subquery()
    member = (
        select(Territory.code).where(Territory.id == TerritoryMember.member_id).scalar_subquery()
    )
    rows = session.execute(select(group, member, TerritoryMember.excluded))
    out: dict[str, list[tuple[str, bool]]] = {}
    for group_code, member_code, excluded in rows:
        out.setdefault(group_code, []).append((member_code, bool(excluded)))
    return out


def _expand(
    code: str, members: dict[str, list[tuple[str, bool]]], path: frozenset[str]
) -> set[str]:
    if code not in members:
        # A country, or a group with no members yet.
        return {code} if len(code) == 2 else set()
    if code in path:
        return set()  # a cycle in user-defined groups: ignore the loop
    included: set[str] = set()
    excluded: set[str] = set()
    for member, is_excluded in members[code]:
        target = excluded if is_excluded else included
        target |= _expand(member, members, path | {code})
    return included - excluded


class CountryExpander:
    """Expands territory codes to ISO countries with one membership query, memoised per code.

    For callers that expand many territories at once (avails, deal overlap checks), where
    calling `country_codes` per deal would query the membership table each time.
    """

    def __init__(self, session: Session) -> None:
        self._members = _membership(session)
        self._cache: dict[str, frozenset[str]] = {}

    def __call__(self, code: str) -> frozenset[str]:
        found = self._cache.get(code)
        if found is None:
            found = frozenset(_expand(code, self._members, frozenset()))
            self._cache[code] = found
        return found

    def countries(self, codes: Iterable[str]) -> frozenset[str]:
        out: set[str] = set()
        for code in codes:
            out |= self(code)
        return frozenset(out)

    def groups(self) -> list[str]:
        """The codes of every group that has members."""
        return list(self._members)


def is_country(territory: Territory) -> bool:
    return territory.kind == TerritoryKind.COUNTRY


ALL_RIGHTS = "all-rights"
EXCLUDED_FROM_ALL_RIGHTS = {"remake", ALL_RIGHTS}


def find_rights(session: Session, values: Iterable[str], *, field: str = "right") -> list[Right]:
    """Rights by code or name ("svod", "Free TV"); `all-rights` stays itself here."""
    known = {r.code: r for r in session.scalars(select(Right).order_by(Right.position))}
    by_name = {fold(r.name): r for r in known.values()}
    found: dict[str, Right] = {}
    for value in values:
        for part in _split(value.replace(",", ";")):
            key = fold(part).replace(" ", "-").replace("_", "-")
            right = known.get(key) or by_name.get(fold(part))
            if right is None:
                raise InvalidInput(field, part, f"not a media right ({', '.join(known)})")
            found.setdefault(right.code, right)
    return list(found.values())


def right_codes(rights: Iterable[Right | str], all_codes: Iterable[str]) -> set[str]:
    """Rights as a set of codes, `all-rights` expanded to every right but remake."""
    codes: set[str] = set()
    for right in rights:
        code = right if isinstance(right, str) else right.code
        if code == ALL_RIGHTS:
            codes |= {c for c in all_codes if c not in EXCLUDED_FROM_ALL_RIGHTS}
        else:
            codes.add(code)
    return codes

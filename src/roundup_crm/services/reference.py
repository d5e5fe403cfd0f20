"""The reference data every database starts with: countries, territory groups, rights."""

from __future__ import annotations

import tomllib
import uuid
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.models import Right, Territory, TerritoryKind, TerritoryMember

# Names as the trade says them, where ISO's differ ("Korea, Republic of").
COUNTRY_NAMES = {
    "BO": "Bolivia",
    "BN": "Brunei",
    "CZ": "Czech Republic",
    "IR": "Iran",
    "KP": "North Korea",
    "KR": "South Korea",
    "LA": "Laos",
    "MD": "Moldova",
    "PS": "Palestine",
    "RU": "Russia",
    "SY": "Syria",
    "TR": "Turkey",
    "TW": "Taiwan",
    "TZ": "Tanzania",
    "VE": "Venezuela",
    "VN": "Vietnam",
}

# Not in ISO 3166-1, yet licensed as a territory of its own (user-assigned code).
EXTRA_COUNTRIES = {"XK": "Kosovo"}

# Other names a user may type for a country.
COUNTRY_ALIASES = {
    "korea": "KR",
    "republic of korea": "KR",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "usa": "US",
    "america": "US",
    "holland": "NL",
    "czechia": "CZ",
    "türkiye": "TR",
    "turkiye": "TR",
    "uae": "AE",
    "hong kong sar": "HK",
}


@cache
def countries() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> the name shown to users."""
    import pycountry

    names = {
        c.alpha_2: COUNTRY_NAMES.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        for c in pycountry.countries
    }
    names.update(EXTRA_COUNTRIES)
    return names


@cache
def territory_groups() -> dict[str, dict[str, Any]]:
    text = resources.files("roundup_crm.data").joinpath("territory_groups.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def rights() -> list[dict[str, str]]:
    text = resources.files("roundup_crm.data").joinpath("rights.toml").read_text("utf-8")
    return list(tomllib.loads(text)["rights"])


def seed_reference_data(session: Session) -> None:
    """Insert whatever reference rows are missing. Safe to run any number of times."""
    existing = {t.code: t for t in session.scalars(select(Territory))}
    for code, name in countries().items():
        if code not in existing:
            existing[code] = Territory(
                id=uuid.uuid4(), code=code, name=name, kind=TerritoryKind.COUNTRY, builtin=True
            )
            session.add(existing[code])
    for code, spec in territory_groups().items():
        if code in existing:
            continue
        group = Territory(
            id=uuid.uuid4(), code=code, name=spec["name"], kind=TerritoryKind.GROUP, builtin=True
        )
        session.add(group)
        existing[code] = group
        members = list(spec.get("members", []))
        if spec.get("all_countries"):
            members = [c for c in countries() if c not in EXTRA_COUNTRIES] + members
        for member in members:
            group.members.append(TerritoryMember(id=uuid.uuid4(), member=existing[member]))
        for member in spec.get("exclude", []):
            group.members.append(
                TerritoryMember(id=uuid.uuid4(), member=existing[member], excluded=True)
            )
    known_rights = set(session.scalars(select(Right.code)))
    for position, right in enumerate(rights()):
        if right["code"] not in known_rights:
            session.add(
                Right(id=uuid.uuid4(), code=right["code"], name=right["name"], position=position)
            )
    session.flush()

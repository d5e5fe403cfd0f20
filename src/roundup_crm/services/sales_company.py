"""Our own sales company as documents present it: name, address, sales and press contacts.

These are the user's settings, not records: they live in the `[company]` section of
`config.toml` in the data folder (or the file ROUNDUP_CONFIG names), so a branded press
kit never needs them typed into a template:

    [company]
    name = "Seoul Screen Sales"
    address = "12 Teheran-ro, Gangnam-gu, Seoul 06234, South Korea"
    website = "https://seoulscreen.example"
    email = "sales@seoulscreen.example"
    phone = "+82 2 555 0100"

    [[company.contacts]]
    name = "Kim Ji-won"
    name_ko = "김지원"
    title = "Head of International Sales"
    role = "sales"            # or "press"
    email = "jiwon.kim@seoulscreen.example"
    phone = "+82 10 5555 0101"

A team member recorded as an agent (with an email or phone) can be added as a sales
contact for one document with `presskit --contact NAME`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roundup_crm.errors import Ambiguous, ConfigError, InvalidInput, NotFound
from roundup_crm.services import validate

SALES, PRESS = "sales", "press"
CONTACT_ROLES = (SALES, PRESS)


@dataclass(frozen=True)
class CompanyContact:
    """A person buyers or journalists write to."""

    name: str
    role: str = SALES
    name_ko: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class SalesCompany:
    name: str
    address: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    contacts: tuple[CompanyContact, ...] = ()


def load_sales_company(path: Path | None = None) -> SalesCompany | None:
    """The `[company]` section of the user's config file, checked; None when there is none."""
    from roundup_crm.config import config_file

    path = path or config_file()
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    section = data.get("company")
    if section is None:
        return None
    return parse_sales_company(section, where=f"{path} [company]")


def parse_sales_company(section: Any, *, where: str = "[company]") -> SalesCompany:
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    known = {"name", "address", "website", "email", "phone", "contacts"}
    _no_unknown(section, known, where)
    try:
        contacts = section.get("contacts", [])
        if not isinstance(contacts, list):
            raise InvalidInput("contacts", contacts, "expected a list of [[company.contacts]]")
        return SalesCompany(
            name=validate.required_name(_text(section, "name"), field="company name"),
            address=validate.clean_text(_text(section, "address"), field="address"),
            website=validate.url(_text(section, "website"), field="website"),
            email=validate.email(_text(section, "email")),
            phone=_phone(_text(section, "phone")),
            contacts=tuple(_contact(c, f"{where} contact {i + 1}") for i, c in enumerate(contacts)),
        )
    except InvalidInput as exc:
        raise ConfigError(f"{where}: {exc.message}") from None


def _contact(entry: Any, where: str) -> CompanyContact:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    _no_unknown(entry, {"name", "name_ko", "title", "role", "email", "phone"}, where)
    role = (_text(entry, "role") or SALES).strip().lower()
    if role not in CONTACT_ROLES:
        raise InvalidInput("role", role, f"expected one of {', '.join(CONTACT_ROLES)}")
    return CompanyContact(
        name=validate.required_name(_text(entry, "name"), field="contact name"),
        role=role,
        name_ko=validate.clean_text(_text(entry, "name_ko"), field="name_ko"),
        title=validate.clean_text(_text(entry, "title"), field="title"),
        email=validate.email(_text(entry, "email")),
        phone=_phone(_text(entry, "phone")),
    )


def _text(table: dict[str, Any], key: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(key, value, "expected text in quotes")
    return value


def _no_unknown(table: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown setting {unknown[0]!r} ({', '.join(sorted(known))})")


def _phone(value: str | None) -> str | None:
    return validate.phone(value) if value else None


def agent_contacts(session: Session, names: tuple[str, ...]) -> tuple[CompanyContact, ...]:
    """Team members (agents, by login or full name) as sales contacts, in the order given."""
    from roundup_crm.models import Agent

    found = []
    for name in names:
        raw = name.strip()
        matches = session.scalars(
            select(Agent)
            .where(
                (func.lower(Agent.name) == raw.lower())
                | (func.lower(Agent.full_name) == raw.lower())
            )
            .limit(2)
        ).all()
        if not matches:
            raise NotFound("contact", name, "no agent with that login or full name")
        if len(matches) > 1:
            raise Ambiguous("contact", name, [a.name for a in matches])
        agent = matches[0]
        if not (agent.email or agent.phone):
            raise InvalidInput("contact", name, "the agent has no email or phone on record")
        found.append(
            CompanyContact(
                name=agent.full_name or agent.name,
                title=agent.title,
                email=agent.email,
                phone=agent.phone,
            )
        )
    return tuple(found)

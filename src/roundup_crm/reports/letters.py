"""Post-market follow-up letters as plain data: one per buyer company met at a market.

A letter thanks the people met, recaps the films discussed (the buyer's interest, the
notes taken, screener links), says whether those films are still available in the
buyer's territories (from the avails service, read once per film), lists the next
steps agreed (the follow-ups logged on the meetings) and is signed by the agent who
held the meetings. Reading takes a fixed number of queries plus one avails grid per
film discussed.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.documents.environment import labels
from roundup_crm.models import (
    Agent,
    Company,
    Contact,
    Film,
    FollowUp,
    Interest,
    Meeting,
    MeetingFilm,
    MeetingStatus,
    Territory,
    company_territories,
    meeting_contacts,
)
from roundup_crm.models.base import utcnow

# The strongest interest shown over several meetings is the one recapped.
INTEREST_ORDER = {Interest.HOT: 0, Interest.WARM: 1, Interest.COLD: 2, Interest.PASS: 3}


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str | None
    role: str | None = None


@dataclass(frozen=True)
class Availability:
    """Countries of the buyer's territories sharing one status for a film."""

    countries: tuple[str, ...]  # names in the letter's language
    status: str  # "yours" (licensed to this buyer), "available", "partly", "under-offer",
    # "licensed" (to someone else)
    rights: tuple[str, ...] = ()  # the rights still open, when partly available


@dataclass(frozen=True)
class FilmRecap:
    slug: str
    title: str
    year: int | None
    interest: str | None
    notes: tuple[str, ...]
    screener_url: str | None
    screener_password: str | None
    availability: tuple[Availability, ...]


@dataclass(frozen=True)
class NextStep:
    title: str
    due_on: date | None
    done: bool


@dataclass(frozen=True)
class Signature:
    name: str
    title: str | None
    email: str | None
    phone: str | None
    company: str | None


@dataclass(frozen=True)
class FollowupLetter:
    lang: str
    market: str
    city: str | None
    company: str
    company_slug: str
    met_on: tuple[date, ...]
    recipients: tuple[Recipient, ...]  # contacts met, with or without an email
    films: tuple[FilmRecap, ...]
    next_steps: tuple[NextStep, ...]
    signature: Signature
    generated_at: datetime

    @property
    def addressed(self) -> tuple[Recipient, ...]:
        return tuple(r for r in self.recipients if r.email)

    @property
    def without_email(self) -> tuple[Recipient, ...]:
        return tuple(r for r in self.recipients if not r.email)

    @property
    def film_slugs(self) -> tuple[str, ...]:
        return tuple(f.slug for f in self.films)


def slugify(name: str) -> str:
    import re
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "buyer"


def _country_names(lang: str) -> dict[str, str]:
    from roundup_crm.services.reference import countries

    names = dict(countries())
    if lang != "en":
        from babel import Locale

        localised = Locale.parse("ko_KR" if lang == "ko" else lang).territories
        names.update({code: localised[code] for code in names if code in localised})
    return names


def _availability(
    grid: Any,
    countries: list[str],
    buyer: str,
    names: dict[str, str],
    right_names: Mapping[str, str],
) -> tuple[Availability, ...]:
    """The buyer's countries folded by status. Offers from this buyer do not make a
    country unavailable to them; licences to others do."""
    folded: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    index = {row.country: row for row in grid.rows}
    for code in countries:
        row = index.get(code)
        if row is None:
            continue
        open_rights = []
        sold = offered = theirs = 0
        for right, cell in zip(grid.rights, row.cells, strict=True):
            if cell.sales and all(sale.buyer == buyer for sale in cell.sales):
                theirs += 1
            elif cell.sales:
                sold += 1
            elif cell.offers and set(cell.offers) != {buyer}:
                offered += 1
            else:
                open_rights.append(right_names.get(right.code, right.name))
        if theirs and not sold and not offered:
            key = ("yours", ())
        elif not sold and not offered:
            key = ("available", ())
        elif not open_rights:
            key = ("licensed", ()) if sold else ("under-offer", ())
        else:
            key = ("partly", tuple(open_rights))
        folded.setdefault(key, []).append(names.get(code, code))
    order = {"yours": 0, "available": 1, "partly": 2, "under-offer": 3, "licensed": 4}
    return tuple(
        Availability(tuple(sorted(found)), status, rights)
        for (status, rights), found in sorted(folded.items(), key=lambda kv: order[kv[0][0]])
    )


def followup_letters(
    session: Session,
    *,
    market: str,
    lang: str = "en",
    company: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> list[FollowupLetter]:
    """One letter per company with a held meeting at `market` (or only `company`)."""
    from roundup_crm.services.avails import film_avails
    from roundup_crm.services.lookup import find_company, find_market
    from roundup_crm.services.sales_company import load_sales_company
    from roundup_crm.services.territories import CountryExpander

    found = find_market(session, market)
    only = find_company(session, company) if company else None
    scope = [Meeting.market_id == found.id, Meeting.status == MeetingStatus.HELD]
    if only is not None:
        scope.append(Meeting.company_id == only.id)
    meetings = session.execute(
        select(Meeting.id, Meeting.company_id, Meeting.agent_id, Meeting.starts_at)
        .where(*scope)
        .order_by(Meeting.starts_at)
    ).all()
    if not meetings:
        return []
    meeting_ids = select(Meeting.id).where(*scope)
    companies = {
        c.id: c
        for c in session.execute(
            select(Company.id, Company.name, Company.country).where(
                Company.id.in_(select(Meeting.company_id).where(*scope))
            )
        )
    }
    contacts: dict[uuid.UUID, dict[uuid.UUID, Recipient]] = defaultdict(dict)
    for company_id, contact_id, name, email, role in session.execute(
        select(Meeting.company_id, Contact.id, Contact.name, Contact.email, Contact.role)
        .join(meeting_contacts, meeting_contacts.c.meeting_id == Meeting.id)
        .join(Contact, Contact.id == meeting_contacts.c.contact_id)
        .where(*scope, Contact.erased_at.is_(None))
        .order_by(Contact.name)
    ):
        contacts[company_id][contact_id] = Recipient(name, email, role)
    discussed = session.execute(
        select(
            Meeting.company_id,
            MeetingFilm.interest,
            MeetingFilm.note,
            Film.id,
            Film.slug,
            Film.title,
            Film.year,
            Film.screener_url,
            Film.screener_password,
        )
        .join(Meeting, Meeting.id == MeetingFilm.meeting_id)
        .join(Film, Film.id == MeetingFilm.film_id)
        .where(*scope)
        .order_by(Meeting.starts_at, Film.title)
    ).all()
    steps: dict[uuid.UUID, list[NextStep]] = defaultdict(list)
    for company_id, title, due_on, done_at in session.execute(
        select(Meeting.company_id, FollowUp.title, FollowUp.due_on, FollowUp.done_at)
        .join(Meeting, Meeting.id == FollowUp.meeting_id)
        .where(FollowUp.meeting_id.in_(meeting_ids))
        .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.title)
    ):
        steps[company_id].append(NextStep(title, due_on, done_at is not None))
    agents = {
        a.id: a
        for a in session.scalars(
            select(Agent).where(Agent.id.in_({m.agent_id for m in meetings} - {None}))
        )
    }
    buys_for: dict[uuid.UUID, list[str]] = defaultdict(list)
    for company_id, code in session.execute(
        select(company_territories.c.company_id, Territory.code)
        .join(Territory, Territory.id == company_territories.c.territory_id)
        .where(company_territories.c.company_id.in_(list(companies)))
    ):
        buys_for[company_id].append(code)

    on = today or date.today()
    grids = {film_id: film_avails(session, slug, on=on) for _, _, _, film_id, slug, *_ in discussed}
    expander = CountryExpander(session)
    names = _country_names(lang)
    right_names = labels(lang).get("rights", {})
    sales_company = load_sales_company()
    zone = ZoneInfo(found.timezone)

    by_company: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in meetings:
        by_company[row.company_id].append(row)
    films_by_company: dict[uuid.UUID, dict[uuid.UUID, list[Any]]] = defaultdict(dict)
    for item in discussed:
        films_by_company[item.company_id].setdefault(item.id, []).append(item)

    letters = []
    for company_id, held in by_company.items():
        buyer = companies[company_id]
        territory_codes = buys_for.get(company_id) or ([buyer.country] if buyer.country else [])
        countries = sorted(expander.countries(territory_codes))
        recaps = []
        for film_id, rows in films_by_company[company_id].items():
            interests = [r.interest for r in rows if r.interest is not None]
            best = min(interests, key=lambda i: INTEREST_ORDER[i]) if interests else None
            first = rows[0]
            recaps.append(
                FilmRecap(
                    slug=first.slug,
                    title=first.title,
                    year=first.year,
                    interest=best.value if best else None,
                    notes=tuple(dict.fromkeys(r.note for r in rows if r.note)),
                    screener_url=first.screener_url,
                    screener_password=first.screener_password,
                    availability=_availability(
                        grids[film_id], countries, buyer.name, names, right_names
                    ),
                )
            )
        agent_counts: dict[Any, int] = defaultdict(int)
        for row in held:
            agent_counts[row.agent_id] += 1
        lead = max(agent_counts, key=lambda a: (agent_counts[a], a is not None))
        agent = agents.get(lead)
        signature = Signature(
            name=(agent.full_name or agent.name)
            if agent
            else (sales_company.name if sales_company else ""),
            title=agent.title if agent else None,
            email=agent.email if agent else (sales_company.email if sales_company else None),
            phone=agent.phone if agent else None,
            company=sales_company.name if sales_company else None,
        )
        letters.append(
            FollowupLetter(
                lang=lang,
                market=found.name,
                city=found.city,
                company=buyer.name,
                company_slug=slugify(buyer.name),
                met_on=tuple(sorted({r.starts_at.astimezone(zone).date() for r in held})),
                recipients=tuple(contacts[company_id].values()),
                films=tuple(recaps),
                next_steps=tuple(steps[company_id]),
                signature=signature,
                generated_at=now or utcnow(),
            )
        )
    return sorted(letters, key=lambda letter: letter.company.lower())

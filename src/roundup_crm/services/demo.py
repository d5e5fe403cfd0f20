"""The demo: the Roundup catalogue, invented buyers in 30+ territories, EFM and Cannes 2026.

Every demo row has a fixed id derived from its natural key, so loading twice finds the
rows already there and adds nothing: the demo is idempotent.
"""

from __future__ import annotations

import random
import tomllib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.models import (
    Agent,
    BoxOffice,
    Company,
    CompanyType,
    Contact,
    Credit,
    CreditRole,
    Deal,
    DealStatus,
    ExchangeRate,
    FestivalEntry,
    Film,
    FilmStatus,
    FollowUp,
    Instalment,
    Interest,
    Invitation,
    Market,
    Meeting,
    MeetingFilm,
    MeetingStatus,
    Offer,
    OfferSide,
    OfferStatus,
    Opportunity,
    Right,
    Screening,
    ScreeningKind,
    Stage,
    StageChange,
    Territory,
)
from roundup_crm.models.base import Record
from roundup_crm.services.sales_company import SalesCompany
from roundup_crm.services.validate import match_key

NAMESPACE = uuid.UUID("5b1f7a52-4c0e-4d8e-9a51-2f3d7c1e8b90")
SERIES = "The Roundup"
R = TypeVar("R", bound=Record)


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


# name, country, type, territories bought for, contacts (name, role, language, zone)
COMPANIES: list[tuple[str, str, CompanyType, list[str], list[tuple[str, str, str, str]]]] = [
    (
        "Nordlicht Filmverleih GmbH",
        "DE",
        CompanyType.THEATRICAL,
        ["german-speaking-europe"],
        [
            ("Katrin Vogel", "Head of Acquisitions", "de", "Europe/Berlin"),
            ("Felix Brandt", "Acquisitions Manager", "de", "Europe/Berlin"),
        ],
    ),
    (
        "Alpenglühen Media",
        "AT",
        CompanyType.PAY_TV,
        ["AT", "CH"],
        [("Lena Hofer", "Programme Buyer", "de", "Europe/Vienna")],
    ),
    (
        "Lumière Noire Distribution",
        "FR",
        CompanyType.THEATRICAL,
        ["france-and-territories"],
        [("Camille Roussel", "Directrice des acquisitions", "fr", "Europe/Paris")],
    ),
    (
        "Canal Étoile",
        "FR",
        CompanyType.PAY_TV,
        ["FR"],
        [("Julien Marchand", "Film Buyer", "fr", "Europe/Paris")],
    ),
    (
        "Tulipa Pictures B.V.",
        "NL",
        CompanyType.THEATRICAL,
        ["benelux"],
        [("Sanne de Wit", "Acquisitions", "nl", "Europe/Amsterdam")],
    ),
    (
        "Fjordlys Film AS",
        "NO",
        CompanyType.THEATRICAL,
        ["scandinavia"],
        [("Ingrid Solberg", "CEO", "no", "Europe/Oslo")],
    ),
    (
        "Nordsken Streaming AB",
        "SE",
        CompanyType.SVOD,
        ["nordics"],
        [("Oskar Lind", "Content Acquisitions", "sv", "Europe/Stockholm")],
    ),
    (
        "Dragomir Film d.o.o.",
        "RS",
        CompanyType.THEATRICAL,
        ["ex-yugoslavia"],
        [("Milan Petrović", "Managing Director", "sr", "Europe/Belgrade")],
    ),
    (
        "Vistula Screen Sp. z o.o.",
        "PL",
        CompanyType.FREE_TV,
        ["PL"],
        [("Agnieszka Nowak", "Film Purchasing", "pl", "Europe/Warsaw")],
    ),
    (
        "Baltic Reel OÜ",
        "EE",
        CompanyType.TVOD,
        ["baltics"],
        [("Kristjan Tamm", "Founder", "et", "Europe/Tallinn")],
    ),
    (
        "Iberia Lux Cine S.L.",
        "ES",
        CompanyType.THEATRICAL,
        ["iberia"],
        [("Lucía Ortega", "Head of Acquisitions", "es", "Europe/Madrid")],
    ),
    (
        "Tramonto Film S.r.l.",
        "IT",
        CompanyType.HOME_ENTERTAINMENT,
        ["italy"],
        [("Marco Bellini", "Acquisitions", "it", "Europe/Rome")],
    ),
    (
        "Thames Gate Pictures Ltd",
        "GB",
        CompanyType.THEATRICAL,
        ["uk-and-ireland"],
        [
            ("Harriet Cole", "Head of Acquisitions", "en", "Europe/London"),
            ("Tom Whitfield", "Acquisitions Executive", "en", "Europe/London"),
        ],
    ),
    (
        "Harbourlight Entertainment",
        "US",
        CompanyType.SVOD,
        ["north-america"],
        [("Dana Whitaker", "VP Content Acquisition", "en", "America/Los_Angeles")],
    ),
    (
        "Red Mesa Releasing",
        "US",
        CompanyType.THEATRICAL,
        ["US"],
        [("Marcus Reyes", "President", "en", "America/New_York")],
    ),
    (
        "Maple Frame Films",
        "CA",
        CompanyType.AVOD,
        ["CA"],
        [("Chloé Tremblay", "Programming", "fr", "America/Toronto")],
    ),
    (
        "Sol de Mayo Distribución",
        "AR",
        CompanyType.THEATRICAL,
        ["latin-america-excl-brazil"],
        [("Martín Suárez", "Director", "es", "America/Argentina/Buenos_Aires")],
    ),
    (
        "Cinemar Brasil Ltda.",
        "BR",
        CompanyType.PAY_TV,
        ["BR"],
        [("Beatriz Costa", "Film Buyer", "pt", "America/Sao_Paulo")],
    ),
    (
        "Sakura Gate Pictures K.K.",
        "JP",
        CompanyType.THEATRICAL,
        ["JP"],
        [
            ("Haruka Mori", "International Acquisitions", "ja", "Asia/Tokyo"),
            ("Kenji Ishida", "Managing Director", "ja", "Asia/Tokyo"),
        ],
    ),
    (
        "Jade Harbour Films Ltd",
        "HK",
        CompanyType.THEATRICAL,
        ["greater-china"],
        [("Vivian Leung", "Acquisitions Director", "zh", "Asia/Hong_Kong")],
    ),
    (
        "Formosa Nightfall Co., Ltd.",
        "TW",
        CompanyType.SVOD,
        ["TW"],
        [("Chen Yi-ting", "Content Manager", "zh", "Asia/Taipei")],
    ),
    (
        "Lion City Screens Pte. Ltd.",
        "SG",
        CompanyType.THEATRICAL,
        ["sg-my-id-vn"],
        [("Rachel Tan", "General Manager", "en", "Asia/Singapore")],
    ),
    (
        "Bayan Films Inc.",
        "PH",
        CompanyType.FREE_TV,
        ["PH"],
        [("Miguel Santos", "Acquisitions Head", "en", "Asia/Manila")],
    ),
    (
        "Chao Phraya Pictures",
        "TH",
        CompanyType.THEATRICAL,
        ["TH"],
        [("Niran Chaiyasit", "Managing Director", "th", "Asia/Bangkok")],
    ),
    (
        "Garuda Layar",
        "ID",
        CompanyType.AVOD,
        ["ID"],
        [("Putri Wijaya", "Content Acquisitions", "id", "Asia/Jakarta")],
    ),
    (
        "Southern Cross Screen Pty Ltd",
        "AU",
        CompanyType.THEATRICAL,
        ["australia-new-zealand"],
        [("Liam O'Connor", "Head of Acquisitions", "en", "Australia/Sydney")],
    ),
    (
        "Bosporus Film",
        "TR",
        CompanyType.THEATRICAL,
        ["TR"],
        [("Elif Kaya", "Acquisitions", "tr", "Europe/Istanbul")],
    ),
    (
        "Desert Rose Media FZ-LLC",
        "AE",
        CompanyType.PAY_TV,
        ["mena"],
        [("Omar Haddad", "Film Acquisitions", "ar", "Asia/Dubai")],
    ),
    (
        "Steppe Cinema LLP",
        "KZ",
        CompanyType.THEATRICAL,
        ["cis"],
        [("Aigerim Bekova", "Director", "ru", "Asia/Almaty")],
    ),
    (
        "Mumbai Monsoon Pictures",
        "IN",
        CompanyType.THEATRICAL,
        ["india-subcontinent"],
        [("Priya Raman", "Acquisitions", "hi", "Asia/Kolkata")],
    ),
    (
        "Hellas Nights",
        "GR",
        CompanyType.FREE_TV,
        ["GR", "CY"],
        [("Nikos Papadakis", "Programme Director", "el", "Europe/Athens")],
    ),
    (
        "Cape Reel Distribution",
        "ZA",
        CompanyType.TVOD,
        ["africa-sub-saharan"],
        [("Thandi Mokoena", "Content Lead", "en", "Africa/Johannesburg")],
    ),
    (
        "SkyCabin Entertainment",
        "IE",
        CompanyType.INFLIGHT,
        ["world"],
        [("Aoife Byrne", "Inflight Programming", "en", "Europe/Dublin")],
    ),
    (
        "Kestrel Sales & Co.",
        "GB",
        CompanyType.SALES_AGENT,
        [],
        [("Oliver Grant", "Partner", "en", "Europe/London")],
    ),
    (
        "Han River Genre Film Festival",
        "KR",
        CompanyType.FESTIVAL,
        [],
        [("Park Seo-yeon", "Programmer", "ko", "Asia/Seoul")],
    ),
    (
        "Screen Orient Weekly",
        "GB",
        CompanyType.PRESS,
        [],
        [("Gemma Hart", "Asia Correspondent", "en", "Europe/London")],
    ),
]

AGENTS = [
    (
        "minji",
        "Kim Min-ji",
        "Head of International Sales",
        "minji.kim@seoulscreen.example",
        "+82 2 555 0101",
    ),
    (
        "jonas",
        "Jonas Becker",
        "Sales Manager, Europe",
        "jonas.becker@seoulscreen.example",
        "+49 30 5550 1234",
    ),
]

# The sales company the demo's documents are signed by, when config.toml names none.
DEMO_COMPANY = SalesCompany(
    name="Seoul Screen Sales",
    address="12 Teheran-ro, Gangnam-gu, Seoul 06234, South Korea",
    website="https://seoulscreen.example",
    email="sales@seoulscreen.example",
    phone="+8225550100",
)

MARKETS = [
    (
        "EFM 2026",
        "Berlin",
        "Gropius Bau",
        date(2026, 2, 12),
        date(2026, 2, 18),
        "Europe/Berlin",
        "Gropius Bau, stand 41",
    ),
    (
        "Cannes Marché du Film 2026",
        "Cannes",
        "Palais des Festivals",
        date(2026, 5, 12),
        date(2026, 5, 20),
        "Europe/Paris",
        "Riviera, stand G12",
    ),
]

RATES = [  # 1 base = rate quote, as recorded by the team
    ("EUR", "USD", "1.0850", date(2026, 2, 13)),
    ("GBP", "USD", "1.2710", date(2026, 2, 13)),
    ("USD", "JPY", "151.20", date(2026, 2, 13)),
    ("USD", "KRW", "1384.50", date(2026, 2, 13)),
    ("EUR", "USD", "1.0920", date(2026, 5, 15)),
    ("GBP", "USD", "1.2650", date(2026, 5, 15)),
    ("USD", "JPY", "149.80", date(2026, 5, 15)),
    ("USD", "KRW", "1371.00", date(2026, 5, 15)),
]

# Asks and floors per film in USD, for one mid-sized territory.
ASKS = {
    "the-outlaws": (Decimal("40000"), Decimal("25000")),
    "the-roundup": (Decimal("90000"), Decimal("60000")),
    "the-roundup-no-way-out": (Decimal("110000"), Decimal("75000")),
    "the-roundup-punishment": (Decimal("150000"), Decimal("100000")),
    "the-roundup-5": (Decimal("250000"), Decimal("180000")),
}

# Buyer currency for offers, by company country.
OFFER_CURRENCY = {
    "DE": "EUR",
    "AT": "EUR",
    "FR": "EUR",
    "NL": "EUR",
    "ES": "EUR",
    "IT": "EUR",
    "IE": "EUR",
    "GR": "EUR",
    "EE": "EUR",
    "GB": "GBP",
    "JP": "JPY",
    "TR": "TRY",
}


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        target = self.created if created else self.existing
        target[kind] = target.get(kind, 0) + 1

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


class _Loader:
    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.today = today
        self.summary = DemoSummary()
        self.rng = random.Random(2026)
        self.territories = {t.code: t for t in session.scalars(select(Territory))}
        self.rights = {r.code: r for r in session.scalars(select(Right))}

    def ensure(self, model: type[R], key: str, **values: Any) -> tuple[R, bool]:
        """The row with this demo key: found as it is, or created with `values`."""
        ident = demo_id(model.__tablename__, key)  # type: ignore[attr-defined]
        found = self.session.get(model, ident)
        self.summary.count(model.__tablename__, found is None)  # type: ignore[attr-defined]
        if found is not None:
            return found, False
        row = model(id=ident, **values)
        self.session.add(row)
        return row, True

    # -- catalogue ----------------------------------------------------------------------
    def films(self) -> dict[str, Film]:
        text = resources.files("roundup_crm.data").joinpath("demo_films.toml").read_text("utf-8")
        films: dict[str, Film] = {}
        for spec in tomllib.loads(text)["films"]:
            spec = dict(spec)
            credits = spec.pop("credits", [])
            festivals = spec.pop("festivals", [])
            box_office = spec.pop("box_office", [])
            spec["status"] = FilmStatus(spec["status"])
            film, created = self.ensure(
                Film,
                spec["slug"],
                series=SERIES,
                country="KR",
                languages=["ko"],
                subtitles=["en"],
                **spec,
            )
            films[film.slug] = film
            if not created:
                continue
            for position, credit in enumerate(credits):
                film.credits.append(
                    Credit(role=CreditRole(credit.pop("role")), position=position, **credit)
                )
            for entry in festivals:
                film.festivals.append(FestivalEntry(**entry))
            for fact in box_office:
                film.box_office.append(BoxOffice(**fact))
        return films

    # -- people -------------------------------------------------------------------------
    def agents(self) -> list[Agent]:
        rows = []
        for name, full_name, title, email, phone in AGENTS:
            agent, _ = self.ensure(
                Agent,
                name,
                name=name,
                full_name=full_name,
                title=title,
                email=email,
                phone=phone,
            )
            rows.append(agent)
        return rows

    def companies(self) -> list[Company]:
        rows = []
        for name, country, kind, territories, contacts in COMPANIES:
            domain = match_key(name).split()[0] + ".example"
            company, created = self.ensure(
                Company,
                name,
                name=name,
                match_key=match_key(name),
                country=country,
                type=kind,
                website=f"https://www.{domain}",
                tags=["demo"],
            )
            rows.append(company)
            if not created:
                continue
            company.territories = [self.territories[t] for t in territories]
            for person, role, language, zone in contacts:
                local = match_key(person).replace(" ", ".")
                contact, _ = self.ensure(
                    Contact,
                    f"{name}/{person}",
                    name=person,
                    role=role,
                    email=f"{local}@{domain}",
                    preferred_language=language,
                    timezone=zone,
                    source="EFM 2026 attendee list",
                    consent="legitimate-interest",
                )
                company.contacts.append(contact)
        return rows

    def markets(self) -> list[Market]:
        rows = []
        for name, city, venue, starts, ends, zone, stand in MARKETS:
            market, _ = self.ensure(
                Market,
                name,
                name=name,
                city=city,
                venue=venue,
                starts_on=starts,
                ends_on=ends,
                timezone=zone,
                stand=stand,
            )
            rows.append(market)
        return rows

    def rates(self) -> None:
        for base, quote, rate, on in RATES:
            self.ensure(
                ExchangeRate,
                f"{base}{quote}{on}",
                base=base,
                quote=quote,
                rate=Decimal(rate),
                on=on,
            )

    # -- markets: screenings, meetings, the pipeline ------------------------------------
    def screenings(
        self, markets: list[Market], films: dict[str, Film], companies: list[Company]
    ) -> None:
        efm, cannes = markets
        plans = [
            (
                efm,
                films["the-roundup-5"],
                ScreeningKind.PRESS_EVENT,
                "Promo reel presentation",
                date(2026, 2, 13),
                time(14, 0),
                45,
                "Gropius Bau, Room 2",
            ),
            (
                efm,
                films["the-roundup-punishment"],
                ScreeningKind.MARKET_SCREENING,
                None,
                date(2026, 2, 14),
                time(9, 30),
                109,
                "CinemaxX 9",
            ),
            (
                cannes,
                films["the-roundup-punishment"],
                ScreeningKind.MARKET_SCREENING,
                None,
                date(2026, 5, 14),
                time(11, 0),
                109,
                "Palais F",
            ),
        ]
        for market, film, kind, title, day, at, minutes, venue in plans:
            starts = datetime.combine(day, at, ZoneInfo(market.timezone)).astimezone(UTC)
            screening, created = self.ensure(
                Screening,
                f"{market.name}/{film.slug}/{day}",
                market=market,
                film=film,
                kind=kind,
                title=title,
                starts_at=starts,
                duration_minutes=minutes,
                venue=venue,
            )
            if created:
                for company in self.rng.sample(companies[:30], 8):
                    screening.invitations.append(
                        Invitation(company_id=company.id, attended=self.rng.random() < 0.6)
                    )

    def meetings(
        self,
        markets: list[Market],
        films: dict[str, Film],
        companies: list[Company],
        agents: list[Agent],
    ) -> None:
        efm, cannes = markets
        buyers = [c for c in companies if c.type not in (CompanyType.PRESS, CompanyType.FESTIVAL)]
        released = [f for f in films.values() if f.slug != "the-roundup-5"]
        schedule = [(efm, day) for day in range(12, 18) for _ in range(8)][:46]
        schedule += [(cannes, day) for day in range(13, 18) for _ in range(3)]
        slots: dict[tuple[str, int], int] = {}
        opportunities: dict[tuple[uuid.UUID, uuid.UUID], Opportunity] = {}
        for number, (market, day) in enumerate(schedule):
            company = (
                buyers[number % len(buyers)] if number < len(buyers) else self.rng.choice(buyers)
            )
            agent = (
                agents[0] if company.country not in ("DE", "AT", "FR", "NL", "GB") else agents[1]
            )
            slot = slots.get((market.name, day), 0)
            slots[(market.name, day)] = slot + 1
            local_day = market.starts_on.replace(day=day)
            starts = datetime.combine(
                local_day, time(9 + slot, 30 if slot % 2 else 0), ZoneInfo(market.timezone)
            ).astimezone(UTC)
            discussed = self.rng.sample(released, k=self.rng.choice((1, 2, 2, 3)))
            if market is efm and self.rng.random() < 0.4:
                discussed.append(films["the-roundup-5"])
            interests = [
                self.rng.choices(list(Interest), weights=(3, 4, 2, 1))[0] for _ in discussed
            ]
            meeting, created = self.ensure(
                Meeting,
                f"{market.name}/{number}",
                market=market,
                company=company,
                agent_id=agent.id,
                starts_at=starts,
                duration_minutes=30,
                place=market.stand,
                status=MeetingStatus.HELD,
                notes=_meeting_note(company, discussed, interests),
            )
            if not created:
                continue
            meeting.contacts = company.contacts[:1]
            for film, interest in zip(discussed, interests, strict=True):
                meeting.films.append(
                    MeetingFilm(film=film, interest=interest, note=_film_note(interest))
                )
                if interest != Interest.PASS:
                    key = (company.id, film.id)
                    if key not in opportunities:
                        opportunities[key] = self.opportunity(
                            company, film, agent, interest, starts, number
                        )
            if any(i in (Interest.HOT, Interest.WARM) for i in interests):
                film = discussed[
                    interests.index(
                        next(i for i in interests if i in (Interest.HOT, Interest.WARM))
                    )
                ]
                due = local_day + timedelta(days=4)
                self.ensure(
                    FollowUp,
                    f"{market.name}/{number}/screener",
                    title=f"Send {film.title} screener link to {company.name}",
                    due_on=due,
                    owner_id=agent.id,
                    meeting=meeting,
                    company=company,
                    contact=company.contacts[0] if company.contacts else None,
                    done_at=(
                        datetime.combine(due - timedelta(days=1), time(17), UTC)
                        if number % 3
                        else None
                    ),
                )
        self.session.flush()  # deals point at opportunities by id
        self.deals(films, companies, agents, opportunities)
        self.upcoming_followups(companies, agents)

    def opportunity(
        self,
        company: Company,
        film: Film,
        agent: Agent,
        interest: Interest,
        met_at: datetime,
        number: int,
    ) -> Opportunity:
        ask, take = ASKS[film.slug]
        territories = [self.territories[t.code] for t in company.territories] or (
            [self.territories[company.country]] if company.country else []
        )
        rights = (
            ["theatrical", "svod", "pay-tv", "free-tv"]
            if company.type in (CompanyType.THEATRICAL,)
            else [_RIGHT_FOR_TYPE.get(company.type, "all-rights")]
        )
        opp, created = self.ensure(
            Opportunity,
            f"{company.name}/{film.slug}",
            company=company,
            film=film,
            agent_id=agent.id,
            interest=interest,
            currency="USD",
            ask=ask,
            take=take,
            stage=Stage.LEAD,
            stage_changed_at=met_at,
        )
        if not created:
            return opp
        opp.territories = territories
        opp.rights = [self.rights[r] for r in rights]
        roll = self.rng.random()
        # A cold mention without a real pitch stays a lead.
        path = (
            [Stage.LEAD]
            if interest == Interest.COLD and roll > 0.75
            else [Stage.LEAD, Stage.PITCHED]
        )
        if interest == Interest.HOT:
            path += [Stage.SCREENER_SENT, Stage.OFFER] + ([Stage.NEGOTIATING] if roll < 0.5 else [])
        elif interest == Interest.WARM:
            path += [Stage.SCREENER_SENT] if roll < 0.6 else []
        elif roll < 0.5:
            path += [Stage.LOST]
        when = met_at
        previous: Stage | None = None
        for stage in path:
            opp.history.append(
                StageChange(from_stage=previous, to_stage=stage, changed_at=when, agent_id=agent.id)
            )
            previous = stage
            when += timedelta(days=1, hours=self.rng.randint(1, 20))
        opp.stage = path[-1]
        opp.stage_changed_at = opp.history[-1].changed_at
        if opp.stage == Stage.LOST:
            opp.lost_reason = self.rng.choice(
                [
                    "Price above their budget",
                    "Already bought a competing Korean title",
                    "Prefers to wait for the fifth film",
                ]
            )
        if opp.stage in (Stage.OFFER, Stage.NEGOTIATING):
            self.offers(opp, company, ask, take, opp.history[-1].changed_at)
        return opp

    def offers(
        self, opp: Opportunity, company: Company, ask: Decimal, take: Decimal, at: datetime
    ) -> None:
        currency = OFFER_CURRENCY.get(company.country or "", "USD")
        factor = {
            "EUR": Decimal("0.92"),
            "GBP": Decimal("0.79"),
            "JPY": Decimal("150"),
            "TRY": Decimal("32"),
            "USD": Decimal("1"),
        }[currency]
        first = (take * Decimal(self.rng.choice(("0.8", "0.95", "1.1"))) * factor).quantize(
            Decimal("1000")
        )
        opp.offers.append(
            Offer(
                sequence=1,
                side=OfferSide.BUYER,
                amount=first,
                currency=currency,
                term_years=self.rng.choice((5, 7, 10)),
                offered_on=at.date(),
                status=OfferStatus.OPEN,
                from_contact_id=company.contacts[0].id if company.contacts else None,
            )
        )
        if opp.stage == Stage.NEGOTIATING:
            opp.offers[0].status = OfferStatus.COUNTERED
            counter = (ask * Decimal("0.9") * factor).quantize(Decimal("1000"))
            opp.offers.append(
                Offer(
                    sequence=2,
                    side=OfferSide.SELLER,
                    amount=counter,
                    currency=currency,
                    term_years=opp.offers[0].term_years,
                    offered_on=at.date() + timedelta(days=1),
                    status=OfferStatus.COUNTERED,
                )
            )
            opp.offers.append(
                Offer(
                    sequence=3,
                    side=OfferSide.BUYER,
                    amount=((first + counter) / 2).quantize(Decimal("1000")),
                    currency=currency,
                    term_years=opp.offers[0].term_years,
                    offered_on=at.date() + timedelta(days=2),
                    status=OfferStatus.OPEN,
                )
            )

    def deals(
        self,
        films: dict[str, Film],
        companies: list[Company],
        agents: list[Agent],
        opportunities: dict[tuple[uuid.UUID, uuid.UUID], Opportunity],
    ) -> None:
        by_name = {c.name: c for c in companies}
        plans = [
            (
                "Nordlicht Filmverleih GmbH",
                "the-roundup-punishment",
                ["german-speaking-europe"],
                ["theatrical", "svod", "pay-tv", "free-tv", "home-video"],
                date(2026, 2, 16),
                date(2026, 4, 1),
                7,
                Decimal("165000"),
                "EUR",
                DealStatus.LONG_FORM_SIGNED,
                agents[1],
            ),
            (
                "Sakura Gate Pictures K.K.",
                "the-roundup-no-way-out",
                ["JP"],
                ["all-rights"],
                date(2026, 5, 16),
                date(2026, 7, 1),
                10,
                Decimal("16500000"),
                "JPY",
                DealStatus.MEMO_SIGNED,
                agents[0],
            ),
        ]
        for (
            name,
            slug,
            territories,
            rights,
            signed,
            start,
            years,
            mg,
            currency,
            status,
            agent,
        ) in plans:
            company, film = by_name[name], films[slug]
            opp = opportunities.get((company.id, film.id))
            if opp is None and self.session.get(Deal, demo_id("deals", f"{name}/{slug}")) is None:
                signed_at = datetime.combine(signed, time(10), UTC) - timedelta(days=3)
                opp = self.opportunity(company, film, agent, Interest.HOT, signed_at, 0)
                self.session.flush()
            deal, created = self.ensure(
                Deal,
                f"{name}/{slug}",
                film=film,
                company=company,
                opportunity_id=opp.id if opp else None,
                agent_id=agent.id,
                term_start=start,
                term_end=start.replace(year=start.year + years) - timedelta(days=1),
                exclusive=True,
                mg=mg,
                currency=currency,
                status=status,
                signed_on=signed,
            )
            if not created:
                continue
            deal.territories = [self.territories[t] for t in territories]
            deal.rights = [self.rights[r] for r in rights]
            deal.instalments = [
                Instalment(
                    description="20% on signature",
                    amount=mg * Decimal("0.2"),
                    due_on=signed + timedelta(days=14),
                    paid_on=signed + timedelta(days=10),
                ),
                Instalment(
                    description="80% on delivery",
                    amount=mg * Decimal("0.8"),
                    due_on=start - timedelta(days=14),
                ),
            ]
            if opp is not None:
                won_at = datetime.combine(signed, time(16), UTC)
                opp.history.append(
                    StageChange(
                        from_stage=opp.stage,
                        to_stage=Stage.WON,
                        changed_at=won_at,
                        agent_id=agent.id,
                    )
                )
                opp.stage, opp.stage_changed_at = Stage.WON, won_at
                for offer in opp.offers:
                    if offer.status == OfferStatus.OPEN:
                        offer.status = OfferStatus.ACCEPTED

    def upcoming_followups(self, companies: list[Company], agents: list[Agent]) -> None:
        plans = [
            ("Harbourlight Entertainment", "Book AFM meeting: Punishment SVOD window", 3),
            ("Jade Harbour Films Ltd", "Send The Roundup 5 promo reel", 6),
            ("Thames Gate Pictures Ltd", "Call back about the counter-offer", 10),
        ]
        by_name = {c.name: c for c in companies}
        for name, title, days in plans:
            company = by_name[name]
            self.ensure(
                FollowUp,
                f"upcoming/{name}",
                title=title,
                due_on=self.today + timedelta(days=days),
                owner_id=agents[0].id,
                company=company,
            )


_RIGHT_FOR_TYPE = {
    CompanyType.FREE_TV: "free-tv",
    CompanyType.PAY_TV: "pay-tv",
    CompanyType.SVOD: "svod",
    CompanyType.AVOD: "avod",
    CompanyType.TVOD: "tvod",
    CompanyType.HOME_ENTERTAINMENT: "home-video",
    CompanyType.INFLIGHT: "inflight",
}


def _meeting_note(company: Company, films: list[Film], interests: list[Interest]) -> str:
    hot = [f.title for f, i in zip(films, interests, strict=True) if i == Interest.HOT]
    if hot:
        return f"{company.name} keen on {', '.join(hot)}; asked about holdbacks and delivery."
    return f"Catch-up with {company.name}; slate presented."


def _film_note(interest: Interest) -> str:
    return {
        Interest.HOT: "Wants a screener today; budget approved.",
        Interest.WARM: "Will watch the screener with their team.",
        Interest.COLD: "Library title, low priority for them.",
        Interest.PASS: "Not for their line-up.",
    }[interest]


def load_demo(session: Session, *, today: date | None = None) -> DemoSummary:
    """Load the demo into `session`'s database; rows already there are left as they are."""
    loader = _Loader(session, today or date.today())
    films = loader.films()
    agents = loader.agents()
    companies = loader.companies()
    markets = loader.markets()
    loader.rates()
    session.flush()
    loader.screenings(markets, films, companies)
    loader.meetings(markets, films, companies, agents)
    session.flush()
    return loader.summary

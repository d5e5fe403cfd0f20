"""The benchmark dataset: deterministic, realistic rows for every table, bulk-inserted.

Everything is drawn from `random.Random` streams seeded from one number, and "now" is a
fixed instant (ANCHOR), so one seed always gives the same rows, ids included. Rows go in
through SQLAlchemy Core `executemany` in batches, one transaction per table, on a
database migrated with the project's own migrations.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Table, func, select
from sqlalchemy.orm import Session

from benchmarks import names
from roundup_crm.db import Database
from roundup_crm.models import (
    Agent,
    AuditAction,
    AuditEntry,
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
    Market,
    Meeting,
    MeetingFilm,
    MeetingStatus,
    Offer,
    OfferSide,
    OfferStatus,
    Opportunity,
    PressQuote,
    Right,
    Screening,
    ScreeningKind,
    Stage,
    StageChange,
    Territory,
    TerritoryKind,
    company_territories,
    deal_rights,
    deal_territories,
    meeting_contacts,
    opportunity_rights,
    opportunity_territories,
)
from roundup_crm.models.base import UTCDateTime
from roundup_crm.services.territories import CountryExpander, right_codes
from roundup_crm.services.validate import match_key


class Weighted:
    """Draws from a population with fixed weights, cumulated once (draws are hot loops)."""

    def __init__(self, population: Sequence[Any], weights: Iterable[float]) -> None:
        self.population = list(population)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def one(self, rng: random.Random) -> Any:
        return self.population[bisect.bisect(self.cumulative, rng.random() * self.total)]

    def many(self, rng: random.Random, k: int) -> list[Any]:
        return rng.choices(self.population, cum_weights=self.cumulative, k=k)


def weighted(pairs: Sequence[tuple[Any, float]]) -> Weighted:
    return Weighted([v for v, _ in pairs], [w for _, w in pairs])


def zipf(population: Sequence[Any], exponent: float = 1.0) -> Weighted:
    """The first few items are much more likely than the rest (hot buyers, hot titles)."""
    return Weighted(population, (1.0 / (i + 1) ** exponent for i in range(len(population))))


# "Now" in the dataset: the Tuesday of EFM 2026. Week 2026-W07 (9-15 February) is the
# last complete week, with four market days in it: the week the weekly report is run on.
ANCHOR = datetime(2026, 2, 17, 17, 0, tzinfo=UTC)
REPORT_WEEK = "2026-W07"
# Bump when the generated rows change: cached benchmark datasets are then made anew.
VERSION = 1
REPORTING_CURRENCY = "EUR"
FIRST_YEAR = 2016


@dataclass(frozen=True)
class Size:
    films: int
    companies: int
    countries: int
    contacts: int
    markets: int
    meetings: int
    opportunities: int
    stage_changes: int
    offers: int
    deals: int
    followups: int


SIZES: dict[str, Size] = {
    "small": Size(
        films=20,
        companies=500,
        countries=40,
        contacts=1_500,
        markets=8,
        meetings=3_000,
        opportunities=5_000,
        stage_changes=25_000,
        offers=1_500,
        deals=150,
        followups=3_000,
    ),
    "medium": Size(
        films=80,
        companies=3_000,
        countries=100,
        contacts=9_000,
        markets=30,
        meetings=30_000,
        opportunities=60_000,
        stage_changes=300_000,
        offers=15_000,
        deals=1_500,
        followups=30_000,
    ),
    "large": Size(
        films=200,
        companies=10_000,
        countries=150,
        contacts=30_000,
        markets=60,
        meetings=100_000,
        opportunities=200_000,
        stage_changes=1_000_000,
        offers=50_000,
        deals=5_000,
        followups=100_000,
    ),
}

# The film markets of the sales calendar: (short name, city, venue, zone, month, day, days).
MARKETS = [
    ("EFM", "Berlin", "Gropius Bau", "Europe/Berlin", 2, 12, 7),
    ("FILMART", "Hong Kong", "HKCEC", "Asia/Hong_Kong", 3, 11, 4),
    ("Marché du Film", "Cannes", "Palais des Festivals", "Europe/Paris", 5, 14, 9),
    ("TIFF", "Toronto", "TIFF Lightbox", "America/Toronto", 9, 7, 6),
    ("ACFM", "Busan", "BEXCO", "Asia/Seoul", 10, 5, 4),
    ("AFM", "Las Vegas", "Caesars Forum", "America/Los_Angeles", 11, 4, 6),
    ("Ventana Sur", "Montevideo", "Antel Arena", "America/Montevideo", 12, 1, 4),
]

# The big buying countries first, by how many buyers a sales company deals with there.
MAJOR_COUNTRIES = [
    "US",
    "DE",
    "FR",
    "JP",
    "GB",
    "CN",
    "KR",
    "IT",
    "ES",
    "TW",
    "HK",
    "AU",
    "CA",
    "BR",
    "MX",
    "NL",
    "TH",
    "VN",
    "ID",
    "PH",
    "SG",
    "MY",
    "TR",
    "PL",
    "RU",
    "IN",
    "AE",
    "SE",
    "BE",
    "AT",
    "CH",
    "DK",
    "NO",
    "FI",
    "PT",
    "GR",
    "CZ",
    "HU",
    "RO",
    "AR",
]
CURRENCY_OF = {
    "US": "USD",
    "GB": "GBP",
    "JP": "JPY",
    "KR": "KRW",
    "CN": "CNY",
    "AU": "AUD",
    "CA": "CAD",
    "HK": "HKD",
    "TW": "TWD",
    "CH": "CHF",
}
EURO = {
    "DE",
    "FR",
    "IT",
    "ES",
    "NL",
    "BE",
    "AT",
    "FI",
    "PT",
    "GR",
    "IE",
    "LU",
    "SK",
    "SI",
    "EE",
    "LV",
    "LT",
    "HR",
    "MT",
    "CY",
}
# Units of each currency per euro, a level around which the dated rates wander.
EUR_RATES = {
    "USD": 1.12,
    "GBP": 0.86,
    "JPY": 140.0,
    "KRW": 1400.0,
    "CNY": 7.6,
    "AUD": 1.6,
    "CAD": 1.48,
    "HKD": 8.7,
    "TWD": 34.0,
    "CHF": 1.05,
}
PER_DOLLAR = {
    code: Decimal(f"{rate / EUR_RATES['USD']:.4f}")
    for code, rate in {**EUR_RATES, "EUR": 1.0}.items()
}
TIER_ONE = {"US", "CN", "JP", "DE", "FR", "GB", "KR"}
TIER_TWO = {"IT", "ES", "TW", "HK", "AU", "CA", "BR", "MX", "NL", "TH", "TR", "RU", "IN"}

COMPANY_TYPES = [
    (CompanyType.THEATRICAL, 38),
    (CompanyType.FREE_TV, 9),
    (CompanyType.PAY_TV, 8),
    (CompanyType.SVOD, 12),
    (CompanyType.AVOD, 4),
    (CompanyType.TVOD, 4),
    (CompanyType.HOME_ENTERTAINMENT, 10),
    (CompanyType.INFLIGHT, 4),
    (CompanyType.SALES_AGENT, 5),
    (CompanyType.FESTIVAL, 4),
    (CompanyType.PRESS, 2),
]
PICK_COMPANY_TYPE = weighted(COMPANY_TYPES)
NOT_BUYERS = {CompanyType.FESTIVAL, CompanyType.PRESS}
RIGHTS_BOUGHT: dict[CompanyType, list[list[str]]] = {
    CompanyType.THEATRICAL: [
        ["all-rights"],
        ["theatrical", "home-video", "tvod", "est"],
        ["theatrical", "non-theatrical", "free-tv", "pay-tv"],
        ["theatrical"],
    ],
    CompanyType.FREE_TV: [["free-tv"], ["free-tv", "avod"]],
    CompanyType.PAY_TV: [["pay-tv"], ["pay-tv", "svod"]],
    CompanyType.SVOD: [["svod"], ["svod", "tvod", "est"]],
    CompanyType.AVOD: [["avod"]],
    CompanyType.TVOD: [["tvod", "est"]],
    CompanyType.HOME_ENTERTAINMENT: [["home-video", "tvod", "est"], ["home-video"]],
    CompanyType.INFLIGHT: [["inflight", "ship", "hotel"], ["inflight"]],
    CompanyType.SALES_AGENT: [["all-rights"], ["remake"]],
}
OPEN_STAGES = [Stage.LEAD, Stage.PITCHED, Stage.SCREENER_SENT, Stage.OFFER, Stage.NEGOTIATING]
# Where opportunities stand before deals are allocated: most never get past a pitch.
STAGE_MIX = [(0, 38), (1, 25), (2, 15), (3, 6), (4, 8)]
PICK_STAGE = weighted(STAGE_MIX)
LOST_SHARE = 0.09
INTERESTS = [(Interest.HOT, 10), (Interest.WARM, 30), (Interest.COLD, 35), (Interest.PASS, 25)]
PICK_INTEREST = weighted(INTERESTS)
PICK_OPEN_INTEREST = weighted(INTERESTS[:3])
MEETING_OUTCOME = weighted(
    [(MeetingStatus.HELD, 92), (MeetingStatus.CANCELLED, 5), (MeetingStatus.NO_SHOW, 3)]
)
AGENTS = [
    ("minji", "Minji Seo"),
    ("daniel", "Daniel Kraus"),
    ("soyeon", "So-yeon Park"),
    ("lucas", "Lucas Ferreira"),
    ("haruka", "Haruka Mori"),
    ("elena", "Elena Rossi"),
    ("junho", "Jun-ho Lee"),
    ("claire", "Claire Dubois"),
    ("sam", "Sam Carter"),
    ("yuna", "Yuna Kim"),
    ("marco", "Marco Bianchi"),
    ("ines", "Inês Costa"),
]


def scaled(size: Size, **overrides: int) -> Size:
    """A size with some counts changed (a 50-film catalogue for batch press kits...)."""
    return replace(size, **overrides)


@dataclass
class Report:
    """What a generation wrote: rows per table and seconds per step."""

    counts: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0
    writing: float = 0.0  # of which encoding and inserting rows


def stable_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def country_zones() -> dict[str, str]:
    """Each country's first IANA zone, from the tz database's own table."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    zones: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            zones.setdefault(parts[0], parts[2])
    return zones


# --------------------------------------------------------------------------------------
# Plain rows, before they are written: what later tables need to know of earlier ones.


@dataclass
class FilmRow:
    id: uuid.UUID
    slug: str
    title: str
    year: int


@dataclass
class CompanyRow:
    id: uuid.UUID
    name: str
    country: str
    type: CompanyType
    contacts: list[uuid.UUID] = field(default_factory=list)


@dataclass
class MarketRow:
    id: uuid.UUID
    name: str
    zone: ZoneInfo
    days: list[date]


@dataclass
class OpportunityPlan:
    id: uuid.UUID
    company: CompanyRow
    film: FilmRow
    created: datetime
    currency: str
    ask: Decimal
    take: Decimal
    interest: Interest | None
    agent: uuid.UUID
    territories: list[str]
    rights: list[str]
    path: list[Stage]  # stages reached, in order; the last is the current stage
    times: list[datetime] = field(default_factory=list)
    lost_reason: str | None = None
    offers: int = 0


@dataclass
class Generator:
    """Writes one dataset into one migrated, otherwise empty database."""

    engine: Engine
    size: Size
    seed: int = 1
    batch_size: int = 5_000
    progress: Callable[[str], None] | None = None
    report: Report = field(default_factory=Report)
    _writers: dict[str, _Writer] = field(default_factory=dict)

    def rng(self, part: str) -> random.Random:
        # One independent stream per part: adding rows to one table never shifts another.
        return random.Random(f"{self.seed}:{part}")

    # -- writing -----------------------------------------------------------------------

    def write(self, table: Table, rows: Iterable[dict[str, Any]]) -> int:
        """Insert rows in batches of `batch_size`, all in one transaction.

        The statement is Core's own INSERT for the table, and each value goes through its
        column type's bind processor (the one the ORM would use) before `executemany`:
        per row, only the conversions themselves remain.
        """
        writer = self._writers.get(table.name)
        if writer is None:
            writer = self._writers[table.name] = _Writer(table, self.engine.dialect)
        count = 0
        with self.engine.begin() as conn:
            for batch in _batches(rows, self.batch_size):
                started = time.perf_counter()
                conn.exec_driver_sql(writer.sql, [writer.encode(row) for row in batch])
                count += len(batch)
                self.report.writing += time.perf_counter() - started
        self.report.counts[table.name] += count
        return count

    def step(self, name: str, work: Callable[[], None]) -> None:
        started = time.perf_counter()
        work()
        self.report.seconds[name] = time.perf_counter() - started
        if self.progress is not None:
            self.progress(f"{name}: {self.report.seconds[name]:.1f} s")

    # -- the whole run -----------------------------------------------------------------

    def run(self) -> Report:
        started = time.perf_counter()
        self.load_reference()
        self.step("agents", self.agents)
        self.step("films", self.films)
        self.step("companies", self.companies)
        self.step("contacts", self.contacts)
        self.step("markets", self.markets)
        self.step("meetings", self.meetings)
        self.step("opportunities", self.opportunities)
        self.step("deals", self.deals)
        self.step("stage changes", self.stage_changes)
        self.step("offers", self.offers)
        self.step("follow-ups", self.followups)
        self.step("exchange rates", self.exchange_rates)
        self.audit()
        self.report.total_seconds = time.perf_counter() - started
        return self.report

    def load_reference(self) -> None:
        with Session(self.engine) as session:
            territories = session.scalars(select(Territory)).all()
            self.territory_ids = {t.code: t.id for t in territories}
            self.rights_ids = {r.code: r.id for r in session.scalars(select(Right))}
            # Which countries each territory covers, expanded once with the shared rules.
            expand = CountryExpander(session)
            self.covers = {t.code: expand(t.code) for t in territories}
            self.groups_of: dict[str, list[str]] = defaultdict(list)
            for t in territories:
                if t.kind == TerritoryKind.GROUP and len(self.covers[t.code]) <= 12:
                    for code in self.covers[t.code]:
                        self.groups_of[code].append(t.code)
            if session.scalar(select(func.count()).select_from(Company)):
                raise RuntimeError(
                    "the database already holds companies: generate into an empty one"
                )
        countries = [c for c, t in self.territory_ids.items() if len(c) == 2 and c != "XK"]
        rng = self.rng("countries")
        rest = sorted(set(countries) - set(MAJOR_COUNTRIES))
        rng.shuffle(rest)
        chosen = (MAJOR_COUNTRIES + rest)[: self.size.countries]
        self.countries = zipf(chosen, exponent=0.9)
        self.zones = country_zones()

    def agents(self) -> None:
        rng = self.rng("agents")
        self.agent_ids = [stable_uuid(rng) for _ in AGENTS]
        created = datetime(FIRST_YEAR, 1, 4, 9, tzinfo=UTC)
        self.write(
            Agent.__table__,  # type: ignore[arg-type]
            (
                _record(
                    id_,
                    created,
                    name=name,
                    full_name=full,
                    email=f"{name}@roundup-sales.kr",
                    phone=None,
                    title="Sales agent",
                )
                for id_, (name, full) in zip(self.agent_ids, AGENTS, strict=True)
            ),
        )

    # -- catalogue ---------------------------------------------------------------------

    def films(self) -> None:
        rng = self.rng("films")
        self.film_rows: list[FilmRow] = []
        films, credits, festivals, quotes, box_office = [], [], [], [], []
        seen = {slug for slug, *_ in names.ROUNDUP_FILMS}
        specs: list[tuple[Any, ...]] = [
            (*f, "Roundup", i + 1) for i, f in enumerate(names.ROUNDUP_FILMS)
        ]
        while len(specs) < self.size.films:
            title = f"{rng.choice(names.TITLE_FIRST)} {rng.choice(names.TITLE_SECOND)}"
            year = rng.randint(FIRST_YEAR - 4, 2026)
            slug = _slug(title)
            if slug in seen:
                slug = f"{slug}-{year}"
            if slug in seen:
                continue
            seen.add(slug)
            original = f"{rng.choice(names.TITLE_KO_FIRST)} {rng.choice(names.TITLE_KO_SECOND)}"
            specs.append((slug, title, original, None, year, rng.randint(88, 139), None, None))
        for slug, title, original, romanised, year, runtime, series, order in specs[
            : self.size.films
        ]:
            film_id = stable_uuid(rng)
            created = datetime(max(FIRST_YEAR, year - 1), rng.randint(1, 12), 1, tzinfo=UTC)
            self.film_rows.append(FilmRow(film_id, slug, title, year))
            genres = ["crime", "action", *rng.sample(names.GENRES[2:], 1)]
            films.append(
                _record(
                    film_id,
                    created,
                    slug=slug,
                    title=title,
                    original_title=original,
                    original_title_romanised=romanised,
                    alternate_titles=["Crime City"] if slug == "the-outlaws" else [],
                    series=series,
                    series_order=order,
                    year=year,
                    runtime_minutes=runtime,
                    genres=genres,
                    status=FilmStatus.RELEASED if year < 2026 else FilmStatus.POST,
                    logline=f"A {genres[2]} in which a detective takes on the gangs of {title}.",
                    synopsis_short=_synopsis(rng, title, 3),
                    synopsis_long=_synopsis(rng, title, 12),
                    director_statement=_synopsis(rng, title, 4),
                    country="KR",
                    languages=["ko"],
                    subtitles=["en", "fr", "es"],
                    aspect_ratio="2.39:1",
                    sound="5.1 Dolby Digital",
                    format="DCP",
                    production_companies=["BIGPUNCH Pictures", "Hong Film", "B.A. Entertainment"],
                    trailer_url=f"https://vimeo.com/roundup/{slug}",
                    screener_url=f"https://screeners.roundup-sales.kr/{slug}",
                    screener_password=None,
                    logline_ko=f"{original}: 괴물 형사가 돌아왔다.",
                    synopsis_short_ko=f"{original}의 형사들이 범죄 조직을 소탕한다.",
                    synopsis_long_ko=None,
                )
            )
            credits += _credits(rng, film_id, created)
            for position in range(rng.randint(0, 3)):
                festivals.append(
                    _record(
                        stable_uuid(rng),
                        created,
                        film_id=film_id,
                        festival=rng.choice(
                            ["Berlinale", "Cannes", "Busan", "Fantasia", "Sitges", "Udine Far East"]
                        ),
                        year=year,
                        section=rng.choice(
                            [
                                "Special Gala",
                                "Midnight Screenings",
                                "Official Selection",
                                "Panorama",
                            ]
                        ),
                        award="Audience Award" if position == 0 and rng.random() < 0.2 else None,
                        won=False,
                    )
                )
            for position in range(rng.randint(0, 4)):
                quotes.append(
                    _record(
                        stable_uuid(rng),
                        created,
                        film_id=film_id,
                        quote=rng.choice(
                            [
                                "Relentless, funny and brutal.",
                                "Ma Dong-seok punches through the screen.",
                                "The best Korean action ride of the year.",
                                "A crowd-pleaser with real bite.",
                            ]
                        ),
                        source=rng.choice(
                            [
                                "Variety",
                                "Screen Daily",
                                "The Hollywood Reporter",
                                "IndieWire",
                                "Cine21",
                            ]
                        ),
                        position=position,
                    )
                )
            for country in rng.sample(
                ["KR", "US", "TW", "VN", "HK", "SG", "JP"], rng.randint(1, 4)
            ):
                admissions = int(rng.lognormvariate(13, 1.2)) if country == "KR" else None
                box_office.append(
                    _record(
                        stable_uuid(rng),
                        created,
                        film_id=film_id,
                        country=country,
                        admissions=admissions,
                        gross=Decimal(rng.randint(50_000, 90_000_000)),
                        currency="USD",
                        as_of=date(min(year + 1, 2026), 1, 31),
                        source="KOBIS" if country == "KR" else "Box Office Mojo",
                    )
                )
        self.write(Film.__table__, films)  # type: ignore[arg-type]
        self.write(Credit.__table__, credits)  # type: ignore[arg-type]
        self.write(FestivalEntry.__table__, festivals)  # type: ignore[arg-type]
        self.write(PressQuote.__table__, quotes)  # type: ignore[arg-type]
        self.write(BoxOffice.__table__, box_office)  # type: ignore[arg-type]
        # Buyers ask about the franchise and recent titles far more than the back catalogue.
        by_interest = sorted(
            self.film_rows, key=lambda f: (f.slug not in seen_roundup(), -f.year, f.slug)
        )
        self.hot_films = zipf(by_interest, exponent=0.8)

    # -- buyers ------------------------------------------------------------------------

    def companies(self) -> None:
        rng = self.rng("companies")
        self.company_rows: list[CompanyRow] = []
        taken: set[tuple[str, str]] = set()
        # Every country has a buyer or more; the big markets have most of them.
        countries = self.countries.population + self.countries.many(
            rng, max(0, self.size.companies - len(self.countries.population))
        )
        countries = countries[: self.size.companies]
        types = PICK_COMPANY_TYPE.many(rng, self.size.companies)
        rows, links = [], []
        for country, kind in zip(countries, types, strict=True):
            while True:
                base = f"{rng.choice(names.COMPANY_FIRST)} {rng.choice(names.COMPANY_SECOND)}"
                if rng.random() < 0.3:
                    base = (
                        f"{base} {rng.choice(['International', 'Asia', 'Europe', 'Group', 'One'])}"
                    )
                legal = names.LEGAL_FORM.get(country)
                name = f"{base} {legal}" if legal and rng.random() < 0.7 else base
                if (match_key(name), country) not in taken:
                    break
            taken.add((match_key(name), country))
            company = CompanyRow(stable_uuid(rng), name, country, kind)
            self.company_rows.append(company)
            created = _random_time(rng, datetime(FIRST_YEAR, 1, 1, tzinfo=UTC), ANCHOR)
            rows.append(
                _record(
                    company.id,
                    created,
                    name=name,
                    match_key=match_key(name),
                    country=country,
                    type=kind,
                    website=f"https://www.{_slug(base)}.example",
                    genre_preferences=rng.sample(names.GENRES, rng.randint(1, 3)),
                    tags=["hot"] if rng.random() < 0.05 else [],
                    notes=rng.choice(names.NOTE_BITS) if rng.random() < 0.2 else None,
                    merged_into_id=None,
                )
            )
            links.append({"company_id": company.id, "territory_id": self.territory_ids[country]})
            groups = self.groups_of.get(country)
            if groups and rng.random() < 0.15:
                group = rng.choice(groups)
                links.append({"company_id": company.id, "territory_id": self.territory_ids[group]})
        self.write(Company.__table__, rows)  # type: ignore[arg-type]
        self.write(company_territories, links)
        buyers = [c for c in self.company_rows if c.type not in NOT_BUYERS]
        shuffled = list(buyers)
        rng.shuffle(shuffled)
        self.hot_buyers = zipf(shuffled, exponent=0.85)

    def contacts(self) -> None:
        rng = self.rng("contacts")
        rows = []
        # Every company gets one contact; the rest go to the busiest buyers first.
        owners = list(self.company_rows)
        owners += zipf(self.company_rows, exponent=0.6).many(rng, self.size.contacts - len(owners))
        emails: set[str] = set()
        for company in owners[: self.size.contacts]:
            native = None
            if company.country == "KR":
                (surname, surname_ko), (given, given_ko) = (
                    rng.choice(names.SURNAMES_KO),
                    rng.choice(names.GIVEN_KO),
                )
                name, native = f"{given} {surname}", f"{surname_ko}{given_ko}"
            else:
                region = _region(company.country)
                given, surname = (
                    rng.choice(names.PEOPLE[region][0]),
                    rng.choice(names.PEOPLE[region][1]),
                )
                name = f"{given} {surname}"
            domain = _slug(company.name.split()[0]) + ".example"
            email = f"{_ascii(name.split()[0])}.{_ascii(name.split()[-1])}@{domain}"
            if email in emails:
                email = email.replace("@", f"{len(emails)}@")
            emails.add(email)
            contact_id = stable_uuid(rng)
            company.contacts.append(contact_id)
            created = _random_time(rng, datetime(FIRST_YEAR, 1, 1, tzinfo=UTC), ANCHOR)
            rows.append(
                _record(
                    contact_id,
                    created,
                    company_id=company.id,
                    name=name,
                    name_native=native,
                    role=rng.choice(names.ROLES),
                    email=email,
                    phone=_phone(rng),
                    preferred_language="ko" if native else "en",
                    timezone=self.zones.get(company.country),
                    notes=None,
                    source=rng.choice(
                        [
                            "EFM attendee list",
                            "Cannes Marché badge scan",
                            "business card",
                            "colleague's spreadsheet",
                        ]
                    ),
                    consent="legitimate-interest",
                    consent_at=created,
                    erased_at=None,
                )
            )
        self.write(Contact.__table__, rows)  # type: ignore[arg-type]

    def markets(self) -> None:
        rng = self.rng("markets")
        editions = []
        for year in range(FIRST_YEAR, 2027):
            for short, city, venue, zone, month, day, days in MARKETS:
                starts = date(year, month, day)
                if short == "Ventana Sur" and year < 2021:
                    continue
                if starts <= ANCHOR.date():
                    editions.append((starts, f"{short} {year}", city, venue, zone, days))
        editions = sorted(editions)[-self.size.markets :]
        self.market_rows: list[MarketRow] = []
        rows, screenings = [], []
        for starts, name, city, venue, zone, days in editions:
            market = MarketRow(
                stable_uuid(rng),
                name,
                ZoneInfo(zone),
                [starts + timedelta(days=d) for d in range(days)],
            )
            self.market_rows.append(market)
            created = datetime.combine(starts - timedelta(days=60), datetime.min.time(), UTC)
            rows.append(
                _record(
                    market.id,
                    created,
                    name=name,
                    city=city,
                    venue=venue,
                    starts_on=starts,
                    ends_on=market.days[-1],
                    timezone=zone,
                    stand=f"Hall {rng.randint(1, 5)}, "
                    f"stand {rng.choice('ABCDEF')}{rng.randint(1, 40)}",
                )
            )
            for film in self.hot_films.many(rng, min(6, len(self.film_rows))):
                local = datetime.combine(rng.choice(market.days), datetime.min.time()).replace(
                    hour=rng.choice([9, 11, 14, 16, 19]), tzinfo=market.zone
                )
                screenings.append(
                    _record(
                        stable_uuid(rng),
                        created,
                        market_id=market.id,
                        film_id=film.id,
                        kind=ScreeningKind.MARKET_SCREENING,
                        title=film.title,
                        starts_at=local.astimezone(UTC),
                        duration_minutes=120,
                        venue=f"{venue} screen {rng.randint(1, 8)}",
                        notes=None,
                    )
                )
        self.write(Market.__table__, rows)  # type: ignore[arg-type]
        self.write(Screening.__table__, screenings)  # type: ignore[arg-type]

    # -- meetings ----------------------------------------------------------------------

    def meetings(self) -> None:
        rng = self.rng("meetings")
        self.discussed: list[tuple[CompanyRow, FilmRow, datetime, Interest]] = []
        self.meeting_refs: list[tuple[uuid.UUID, CompanyRow, datetime, uuid.UUID, FilmRow]] = []
        # Recent markets are busier: the sales team grew.
        markets = zipf(list(reversed(self.market_rows)), exponent=0.3)
        slots = [(h, m) for h in range(9, 19) for m in (0, 30)]
        meetings: list[dict[str, Any]] = []
        films: list[dict[str, Any]] = []
        contacts: list[dict[str, Any]] = []
        for _ in range(self.size.meetings):
            company = self.hot_buyers.one(rng)
            agent = rng.choice(self.agent_ids)
            if rng.random() < 0.93:
                market = markets.one(rng)
                hour, minute = rng.choice(slots)
                day = rng.choice(market.days)
                local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=market.zone)
                starts, market_id = local.astimezone(UTC), market.id
                place = "our stand"
            else:
                starts = _random_time(rng, datetime(FIRST_YEAR, 1, 10, tzinfo=UTC), ANCHOR)
                starts = starts.replace(minute=0, second=0, microsecond=0)
                market_id, place = None, rng.choice(["video call", "their office", "phone"])
            status = MeetingStatus.SCHEDULED if starts > ANCHOR else MEETING_OUTCOME.one(rng)
            meeting_id = stable_uuid(rng)
            meetings.append(
                _record(
                    meeting_id,
                    min(starts, ANCHOR) - timedelta(days=rng.randint(0, 20)),
                    market_id=market_id,
                    company_id=company.id,
                    agent_id=agent,
                    starts_at=starts,
                    duration_minutes=30,
                    place=place,
                    status=status,
                    notes=rng.choice(names.NOTE_BITS) if rng.random() < 0.4 else None,
                )
            )
            people = company.contacts
            met = people[:2] if len(people) >= 2 and rng.random() < 0.3 else people[:1]
            contacts += ({"meeting_id": meeting_id, "contact_id": c} for c in met)
            discussed = {f.id: f for f in self.hot_films.many(rng, rng.randint(1, 4))}
            for film in discussed.values():
                interest = PICK_INTEREST.one(rng)
                films.append(
                    _record(
                        stable_uuid(rng),
                        starts,
                        meeting_id=meeting_id,
                        film_id=film.id,
                        interest=interest,
                        note=rng.choice(names.NOTE_BITS) if rng.random() < 0.15 else None,
                    )
                )
                if status == MeetingStatus.HELD:
                    self.discussed.append((company, film, starts, interest))
            self.meeting_refs.append(
                (meeting_id, company, starts, agent, next(iter(discussed.values())))
            )
        self.write(Meeting.__table__, meetings)  # type: ignore[arg-type]
        self.write(MeetingFilm.__table__, films)  # type: ignore[arg-type]
        self.write(meeting_contacts, contacts)

    # -- pipeline ----------------------------------------------------------------------

    def opportunities(self) -> None:
        rng = self.rng("opportunities")
        plans: list[OpportunityPlan] = []
        pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
        target = self.size.opportunities
        if target > 0.6 * len(self.hot_buyers.population) * len(self.film_rows):
            raise ValueError(f"{target} opportunities need more buyers or films: one per pair")
        # Most opportunities come out of a market meeting about that film...
        discussed = [d for d in self.discussed if d[3] != Interest.PASS]
        rng.shuffle(discussed)
        sources: Iterator[tuple[CompanyRow, FilmRow, datetime, Interest | None]] = iter(discussed)
        from_meetings = int(target * 0.7)
        while len(plans) < target:
            if len(plans) < from_meetings:
                found = next(sources, None)
                if found is None:
                    from_meetings = len(plans)
                    continue
                company, film, created, interest = found
            else:  # ...the rest from screeners requested by mail, calls, festival contacts.
                company, film = self.hot_buyers.one(rng), self.hot_films.one(rng)
                if rng.random() < 0.5:  # and the long tail of buyers met once
                    company = rng.choice(self.hot_buyers.population)
                    film = rng.choice(self.film_rows)
                created = _random_time(
                    rng, datetime(max(FIRST_YEAR, film.year - 1), 1, 1, tzinfo=UTC), ANCHOR
                )
                interest = PICK_OPEN_INTEREST.one(rng) if rng.random() < 0.6 else None
            if (company.id, film.id) in pairs:
                continue
            pairs.add((company.id, film.id))
            plans.append(self._plan(rng, company, film, created, interest))
        self.plans = plans

    def _plan(
        self,
        rng: random.Random,
        company: CompanyRow,
        film: FilmRow,
        created: datetime,
        interest: Interest | None,
    ) -> OpportunityPlan:
        currency = CURRENCY_OF.get(company.country) or ("EUR" if company.country in EURO else "USD")
        tier = 0 if company.country in TIER_ONE else 1 if company.country in TIER_TWO else 2
        usd = rng.lognormvariate([12.6, 11.0, 9.6][tier], 0.5)  # ~300k, ~60k, ~15k
        ask = max(_round(Decimal(int(usd)) * PER_DOLLAR[currency], 1000), Decimal(1000))
        take = _round(ask * Decimal(rng.choice(["0.70", "0.75", "0.80", "0.85"])), 100)
        territories = [company.country]
        groups = self.groups_of.get(company.country)
        if groups and rng.random() < 0.12:
            territories = [rng.choice(groups)]
        rights = rng.choice(RIGHTS_BOUGHT[company.type])
        reached = PICK_STAGE.one(rng)
        path = [Stage.LEAD]
        for stage in OPEN_STAGES[1 : reached + 1]:
            if stage == Stage.SCREENER_SENT and rng.random() < 0.2:
                continue  # a buyer who had seen it at the market screening
            path.append(stage)
        lost_reason = None
        if reached < 4 and rng.random() < LOST_SHARE / 0.9:
            path.append(Stage.LOST)
            lost_reason = rng.choice(names.LOST_REASONS)
        plan = OpportunityPlan(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            company=company,
            film=film,
            created=created,
            currency=currency,
            ask=ask,
            take=take,
            interest=interest,
            agent=rng.choice(self.agent_ids),
            territories=territories,
            rights=rights,
            path=path,
            lost_reason=lost_reason,
        )
        plan.times = _stage_times(rng, created, len(path))
        plan.created = plan.times[0]
        return plan

    def deals(self) -> None:
        """Turn negotiations into deals that never overlap on territory x right x time."""
        rng = self.rng("deals")
        all_rights = list(self.rights_ids)
        taken: dict[tuple[uuid.UUID, str, str], list[tuple[date, date]]] = defaultdict(list)
        negotiating = [p for p in self.plans if p.path[-1] == Stage.NEGOTIATING]
        rng.shuffle(negotiating)
        won: list[tuple[OpportunityPlan, date, date, date]] = []
        for plan in negotiating:
            if len(won) >= self.size.deals:
                break
            signed = (plan.times[-1] + timedelta(days=rng.randint(3, 40))).date()
            if signed > ANCHOR.date():
                continue
            start = signed + timedelta(days=rng.randint(0, 120))
            end = date(start.year + rng.choice([5, 7, 10, 15]), start.month, min(start.day, 28))
            cells = [
                (plan.film.id, country, right)
                for territory in plan.territories
                for country in self.covers[territory]
                for right in right_codes(plan.rights, all_rights)
            ]
            if any(s <= end and start <= e for cell in cells for s, e in taken[cell]):
                if rng.random() < 0.5:
                    plan.path.append(Stage.LOST)
                    plan.times.append(_office_hours(signed, rng))
                    plan.lost_reason = names.SOLD_ELSEWHERE
                continue
            for cell in cells:
                taken[cell].append((start, end))
            plan.path.append(Stage.WON)
            plan.times.append(_office_hours(signed, rng))
            won.append((plan, signed, start, end))
        self.won = won
        self._plan_offers(self.rng("offer counts"))
        self._add_back_and_forth(self.rng("stage detours"))
        self._write_opportunities()
        self._write_deals(rng)

    def _plan_offers(self, rng: random.Random) -> None:
        """How many offers each opportunity got: most one or two, a few long haggles."""
        eligible = [p for p in self.plans if Stage.OFFER in p.path or Stage.NEGOTIATING in p.path]
        rng.shuffle(eligible)
        eligible = eligible[: self.size.offers]
        if not eligible:
            return
        for plan in eligible:
            plan.offers = 1
        remaining = self.size.offers - len(eligible)
        haggled = zipf(eligible, exponent=1.1)
        for plan in haggled.many(rng, remaining):
            plan.offers += 1

    def _add_back_and_forth(self, rng: random.Random) -> None:
        """Stage moves beyond the straight path (a buyer pushed back to pitched, then on)."""
        base = sum(len(p.path) for p in self.plans)
        extra = self.size.stage_changes - base
        if extra <= 0:
            return
        if extra % 2:
            # Drop one intermediate stage somewhere so the detours (pairs) land exactly.
            for plan in self.plans:
                if len(plan.path) >= 3 and plan.path[1] != Stage.LOST:
                    del plan.path[1], plan.times[1]
                    extra += 1
                    break
        movable = [p for p in self.plans if len(p.path) >= 2]
        weights = [len(p.path) - 1 for p in movable]
        detours: Counter[int] = Counter()
        for index in rng.choices(range(len(movable)), weights=weights, k=extra // 2):
            detours[index] += 1
        for index, count in detours.items():
            plan = movable[index]
            for _ in range(count):
                # After reaching stage i (>0), go back to i-1 and forward again.
                at = rng.randrange(1, len(plan.path))
                if plan.path[at] in (Stage.WON, Stage.LOST):
                    at -= 1
                if at == 0:
                    at = 1
                back = plan.path[at - 1]
                if back in (Stage.WON, Stage.LOST):
                    back = Stage.PITCHED
                plan.path[at + 1 : at + 1] = [back, plan.path[at]]
            plan.times = _stage_times(rng, plan.created, len(plan.path), last=plan.times[-1])
            plan.created = plan.times[0]

    def _write_opportunities(self) -> None:
        rng = self.rng("opportunity rows")
        rows, territories, rights = [], [], []
        for plan in self.plans:
            rows.append(
                _record(
                    plan.id,
                    plan.created,
                    updated=plan.times[-1],
                    company_id=plan.company.id,
                    film_id=plan.film.id,
                    agent_id=plan.agent,
                    stage=plan.path[-1],
                    interest=plan.interest,
                    currency=plan.currency,
                    ask=plan.ask,
                    take=plan.take,
                    lost_reason=plan.lost_reason,
                    stage_changed_at=plan.times[-1],
                    notes=rng.choice(names.NOTE_BITS) if rng.random() < 0.1 else None,
                )
            )
            territories += [
                {"opportunity_id": plan.id, "territory_id": self.territory_ids[t]}
                for t in plan.territories
            ]
            rights += [
                {"opportunity_id": plan.id, "right_id": self.rights_ids[r]} for r in plan.rights
            ]
        self.write(Opportunity.__table__, rows)  # type: ignore[arg-type]
        self.write(opportunity_territories, territories)
        self.write(opportunity_rights, rights)

    def _write_deals(self, rng: random.Random) -> None:
        deals, territories, rights, instalments = [], [], [], []
        self.deal_mg: dict[uuid.UUID, Decimal] = {}
        for plan, signed, start, end in self.won:
            deal_id = stable_uuid(rng)
            mg = _round(plan.ask * Decimal(rng.choice(["0.85", "0.9", "0.95", "1"])), 100)
            self.deal_mg[plan.id] = mg
            age = (ANCHOR.date() - signed).days
            status = (
                DealStatus.PAID
                if age > 400
                else DealStatus.DELIVERED
                if age > 200
                else DealStatus.LONG_FORM_SIGNED
                if age > 60
                else DealStatus.MEMO_SIGNED
            )
            signed_at = datetime.combine(signed, datetime.min.time(), UTC) + timedelta(hours=15)
            deals.append(
                _record(
                    deal_id,
                    signed_at,
                    film_id=plan.film.id,
                    company_id=plan.company.id,
                    opportunity_id=plan.id,
                    agent_id=plan.agent,
                    term_start=start,
                    term_end=end,
                    exclusive=True,
                    mg=mg,
                    currency=plan.currency,
                    status=status,
                    signed_on=signed,
                    holdbacks="SVOD 6 months after theatrical"
                    if "all-rights" in plan.rights
                    else None,
                    notes=None,
                )
            )
            territories += [
                {"deal_id": deal_id, "territory_id": self.territory_ids[t]}
                for t in plan.territories
            ]
            rights += [{"deal_id": deal_id, "right_id": self.rights_ids[r]} for r in plan.rights]
            first = (mg * Decimal("0.2")).quantize(Decimal("0.01"))
            for description, amount, due in (
                ("on signature", first, signed + timedelta(days=30)),
                ("on delivery", mg - first, start),
            ):
                instalments.append(
                    _record(
                        stable_uuid(rng),
                        signed_at,
                        deal_id=deal_id,
                        description=description,
                        amount=amount,
                        due_on=due,
                        paid_on=due + timedelta(days=rng.randint(0, 45))
                        if due + timedelta(days=45) < ANCHOR.date()
                        else None,
                    )
                )
        self.write(Deal.__table__, deals)  # type: ignore[arg-type]
        self.write(deal_territories, territories)
        self.write(deal_rights, rights)
        self.write(Instalment.__table__, instalments)  # type: ignore[arg-type]

    def stage_changes(self) -> None:
        rng = self.rng("stage changes")

        def rows() -> Iterator[dict[str, Any]]:
            for plan in self.plans:
                previous: Stage | None = None
                for stage, at in zip(plan.path, plan.times, strict=True):
                    yield _record(
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        at,
                        opportunity_id=plan.id,
                        from_stage=previous,
                        to_stage=stage,
                        changed_at=at,
                        agent_id=plan.agent,
                        note=plan.lost_reason if stage == Stage.LOST else None,
                    )
                    previous = stage

        self.write(StageChange.__table__, rows())  # type: ignore[arg-type]

    def offers(self) -> None:
        rng = self.rng("offers")
        rows = []
        for plan in self.plans:
            if not plan.offers:
                continue
            stage_at = (
                plan.times[plan.path.index(Stage.OFFER)]
                if Stage.OFFER in plan.path
                else plan.times[plan.path.index(Stage.NEGOTIATING)]
            )
            final = self.deal_mg.get(plan.id)
            amount = _round(plan.take * Decimal(rng.choice(["0.6", "0.7", "0.8", "0.9"])), 100)
            day = stage_at.date()
            contact = plan.company.contacts[0] if plan.company.contacts else None
            for sequence in range(1, plan.offers + 1):
                last = sequence == plan.offers
                side = OfferSide.BUYER if sequence % 2 else OfferSide.SELLER
                if last and final is not None:
                    amount = final
                if plan.path[-1] == Stage.WON and last:
                    status = OfferStatus.ACCEPTED
                elif plan.path[-1] == Stage.LOST and last:
                    status = OfferStatus.REJECTED
                else:
                    status = OfferStatus.OPEN if last else OfferStatus.COUNTERED
                rows.append(
                    _record(
                        stable_uuid(rng),
                        datetime.combine(day, datetime.min.time(), UTC),
                        opportunity_id=plan.id,
                        sequence=sequence,
                        side=side,
                        status=status,
                        amount=amount,
                        currency=plan.currency,
                        term_years=rng.choice([5, 7, 10, 15]),
                        holdbacks=None,
                        terms="MG against 50% of net receipts",
                        offered_on=min(day, ANCHOR.date()),
                        from_contact_id=contact if side == OfferSide.BUYER else None,
                        agent_id=plan.agent,
                    )
                )
                # Each side moves towards the other: buyers up, us down towards the ask.
                amount = min(plan.ask, _round(amount * Decimal("1.1"), 100))
                day += timedelta(days=rng.randint(1, 9))
        self.write(Offer.__table__, rows)  # type: ignore[arg-type]

    def followups(self) -> None:
        rng = self.rng("followups")
        rows = []
        from_meetings = int(self.size.followups * 0.8)
        meetings = self.meeting_refs
        for index in range(self.size.followups):
            if index < from_meetings and meetings:
                meeting_id, company, at, agent, film = meetings[index % len(meetings)]
                opportunity_id = None
            else:
                plan = self.plans[rng.randrange(len(self.plans))]
                meeting_id, company, at, agent, film = (
                    None,
                    plan.company,
                    plan.times[-1],
                    plan.agent,
                    plan.film,
                )
                opportunity_id = plan.id
            due = (at + timedelta(days=rng.randint(2, 21))).date()
            if due < ANCHOR.date() - timedelta(days=14):
                done = rng.random() < 0.92
            else:
                done = rng.random() < 0.4 and due <= ANCHOR.date()
            done_at = (
                (
                    datetime.combine(due, datetime.min.time(), UTC)
                    - timedelta(hours=rng.randint(0, 72))
                )
                if done
                else None
            )
            rows.append(
                _record(
                    stable_uuid(rng),
                    min(at, ANCHOR),
                    title=rng.choice(names.FOLLOWUP_TITLES).format(film=film.title),
                    due_on=due,
                    owner_id=agent,
                    meeting_id=meeting_id,
                    opportunity_id=opportunity_id,
                    company_id=company.id,
                    contact_id=company.contacts[0] if company.contacts else None,
                    done_at=max(done_at, at) if done_at else None,
                    notes=None,
                )
            )
        self.write(FollowUp.__table__, rows)  # type: ignore[arg-type]

    def exchange_rates(self) -> None:
        """Monthly rates from the euro to every currency an opportunity uses, weekly lately."""
        rng = self.rng("exchange rates")
        used = sorted({p.currency for p in self.plans} - {REPORTING_CURRENCY})
        days = [
            date(y, m, 1)
            for y in range(FIRST_YEAR, 2027)
            for m in range(1, 13)
            if date(y, m, 1) <= ANCHOR.date()
        ]
        weekly = ANCHOR.date() - timedelta(days=364)
        days += [
            weekly + timedelta(days=7 * w)
            for w in range(53)
            if (weekly + timedelta(days=7 * w)).day != 1
        ]
        rows = []
        for currency in used:
            level = EUR_RATES.get(currency, 1.0)
            for day in sorted(days):
                level *= 1 + rng.gauss(0, 0.01)
                rows.append(
                    _record(
                        stable_uuid(rng),
                        datetime.combine(day, datetime.min.time(), UTC),
                        base=REPORTING_CURRENCY,
                        quote=currency,
                        rate=Decimal(f"{level:.6f}"),
                        on=day,
                    )
                )
        self.write(ExchangeRate.__table__, rows)  # type: ignore[arg-type]

    def audit(self) -> None:
        """Bulk inserts bypass the audit hook: one entry says what was loaded, by whom."""
        rng = self.rng("audit")
        total = sum(self.report.counts.values())
        self.write(
            AuditEntry.__table__,  # type: ignore[arg-type]
            [
                {
                    "id": stable_uuid(rng),
                    "at": ANCHOR,
                    "agent_id": self.agent_ids[0],
                    "agent_name": AGENTS[0][0],
                    "action": AuditAction.IMPORT,
                    "entity": "dataset",
                    "entity_id": uuid.UUID(int=self.seed % (1 << 128), version=4),
                    "summary": f"benchmark dataset, seed {self.seed}: {total} rows",
                    "changes": {k: v for k, v in sorted(self.report.counts.items())},
                }
            ],
        )


# --------------------------------------------------------------------------------------


def seen_roundup() -> set[str]:
    return {slug for slug, *_ in names.ROUNDUP_FILMS}


def _record(
    id_: uuid.UUID, created: datetime, *, updated: datetime | None = None, **values: Any
) -> dict[str, Any]:
    return {
        "id": id_,
        "created_at": created,
        "updated_at": updated or created,
        "version": 1,
        **values,
    }


class _Writer:
    """Core's INSERT for one table and its columns' bind processors, prepared once."""

    def __init__(self, table: Table, dialect: Any) -> None:
        compiled = table.insert().compile(dialect=dialect)
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        self.keys = (
            list(compiled.positiontup or []) if self.positional else [c.key for c in table.columns]
        )
        by_key = {c.key: c for c in table.columns}
        kinds = Counter(repr(by_key[k].type) for k in self.keys)
        # Timestamp columns share a processor that remembers its last value: a row's
        # created_at, updated_at and changed_at are usually one and the same object.
        shared: dict[str, Callable[[Any], Any] | None] = {}
        self.processors: list[tuple[int, Callable[[Any], Any]]] = []
        for index, key in enumerate(self.keys):
            column_type = by_key[key].type
            kind = repr(column_type)
            if kind not in shared:
                process: Callable[[Any], Any] | None = column_type.dialect_impl(
                    dialect
                ).bind_processor(dialect)
                if process is not None and kinds[kind] > 1 and isinstance(column_type, UTCDateTime):
                    process = _remember_last(process)
                shared[kind] = process
            if shared[kind] is not None:
                self.processors.append((index, shared[kind]))  # type: ignore[arg-type]

    def encode(self, row: dict[str, Any]) -> Any:
        values = [row[k] for k in self.keys]
        for index, process in self.processors:
            value = values[index]
            if value is not None:
                values[index] = process(value)
        return tuple(values) if self.positional else dict(zip(self.keys, values, strict=True))


def _remember_last(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    last_in: Any = object()
    last_out: Any = None

    def remembered(value: Any) -> Any:
        nonlocal last_in, last_out
        if value is not last_in:
            last_in, last_out = value, process(value)
        return last_out

    return remembered


def _round(amount: Decimal, step: int) -> Decimal:
    return (amount / step).quantize(Decimal(1)) * step


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _random_time(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = (end - start).total_seconds()
    return start + timedelta(seconds=int(rng.random() * span))


def _office_hours(day: date, rng: random.Random) -> datetime:
    at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=rng.randint(8, 18))
    return min(at, ANCHOR)


def _stage_times(
    rng: random.Random, created: datetime, count: int, last: datetime | None = None
) -> list[datetime]:
    """Strictly increasing times for a stage history, days to weeks apart, ending at `last`
    (or where the gaps lead, never after ANCHOR). A history squeezed into the last
    minutes before ANCHOR starts a little earlier, so no two moves share a second."""
    gaps = [rng.expovariate(1 / 12) + 0.05 for _ in range(count - 1)]
    end = last or min(ANCHOR, created + timedelta(days=sum(gaps)))
    span = int((end - created).total_seconds())
    total = sum(gaps) or 1.0
    steps = [max(60, int(gap / total * span)) for gap in gaps]
    if steps and sum(steps) < span:
        steps[-1] += span - sum(steps)
    at = end - timedelta(seconds=sum(steps))
    times = [at]
    for step in steps:
        at += timedelta(seconds=step)
        times.append(at)
    return times


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in _ascii(text)).split())


def _ascii(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if c.isascii() and not unicodedata.combining(c))


def _region(country: str) -> str:
    if country in {"JP", "CN", "TW", "HK", "VN", "TH", "ID", "PH", "SG", "MY", "IN"}:
        return "east_asian"
    if country in {"FR", "ES", "IT", "PT", "BR", "MX", "AR", "CL", "CO", "PE", "BE"}:
        return "latin"
    return "western"


def _phone(rng: random.Random) -> str:
    return f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}"


def _synopsis(rng: random.Random, title: str, sentences: int) -> str:
    parts = [
        f"In {title}, a detective with fists like hammers is sent to a lawless city.",
        "A gang of loan sharks and kidnappers has found a new way to launder money.",
        "The squad follows the money from Seoul's back alleys to a resort in Vietnam.",
        "Every lead ends in a fight, and every fight ends with a joke.",
        "The villain is always one step ahead, until he is not.",
        "Based on cases from the files of Seoul's violent crimes unit.",
    ]
    return " ".join(rng.choice(parts) for _ in range(sentences))


def _credits(rng: random.Random, film_id: uuid.UUID, created: datetime) -> list[dict[str, Any]]:
    roles = [
        CreditRole.DIRECTOR,
        CreditRole.WRITER,
        CreditRole.PRODUCER,
        CreditRole.PRODUCER,
        CreditRole.DOP,
        CreditRole.EDITOR,
        CreditRole.COMPOSER,
        CreditRole.MARTIAL_ARTS,
        *[CreditRole.CAST] * 6,
    ]
    rows = []
    for position, role in enumerate(roles):
        (surname, surname_ko), (given, given_ko) = (
            rng.choice(names.SURNAMES_KO),
            rng.choice(names.GIVEN_KO),
        )
        rows.append(
            _record(
                stable_uuid(rng),
                created,
                film_id=film_id,
                name=f"{surname} {given}",
                name_ko=f"{surname_ko}{given_ko}",
                role=role,
                character=f"Detective {rng.choice(names.SURNAMES_KO)[0]}"
                if role == CreditRole.CAST
                else None,
                bio=f"{given} {surname} has worked on Korean genre films for twenty years.",
                bio_ko=None,
                position=position,
            )
        )
    return rows


def migrate(url: str) -> None:
    """Bring a database to the project's newest schema with its own migrations."""
    from roundup_crm.migrate import upgrade

    database = Database(url, agent="benchmarks")
    try:
        upgrade(database)
    finally:
        database.dispose()


def generate(
    url: str, size: Size | str, *, seed: int = 1, progress: Callable[[str], None] | None = None
) -> Report:
    """Migrate the database at `url` and fill it with one dataset."""
    spec = SIZES[size] if isinstance(size, str) else size
    started = time.perf_counter()
    migrate(url)
    database = Database(url, agent="benchmarks")
    try:
        if database.engine.dialect.name == "sqlite":
            _fast_sqlite(database.engine)
        with _indexes_built_after(database.engine):
            report = Generator(database.engine, spec, seed=seed, progress=progress).run()
        with database.engine.connect() as conn:
            _analyze(conn)
        # The whole job, migrations, indexes and planner statistics included.
        report.total_seconds = time.perf_counter() - started
        return report
    finally:
        database.dispose()


@contextmanager
def _indexes_built_after(engine: Engine) -> Iterator[None]:
    """Load the rows first, then build the secondary indexes in one sorted pass each:
    much faster than growing them row by row under random UUID keys."""
    from roundup_crm.models import metadata

    secondary = [i for t in metadata.sorted_tables for i in t.indexes if not i.unique]
    with engine.begin() as conn:
        for index in secondary:
            index.drop(conn)
    try:
        yield
    finally:
        with engine.begin() as conn:
            for index in secondary:
                index.create(conn)


def _fast_sqlite(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _bulk_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # A throw-away load: a large page cache, and no fsync until the end.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA cache_size = -262144")
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.close()


def _analyze(conn: Connection) -> None:
    """Planner statistics, as a database that has been in use for a while would have."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("ANALYZE")
    else:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def table_counts(engine: Engine) -> dict[str, int]:
    from roundup_crm.models import metadata

    with engine.connect() as conn:
        return {
            name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in metadata.tables.items()
        }


__all__ = [
    "ANCHOR",
    "REPORTING_CURRENCY",
    "REPORT_WEEK",
    "SIZES",
    "Generator",
    "Report",
    "Size",
    "generate",
    "migrate",
    "scaled",
    "table_counts",
]

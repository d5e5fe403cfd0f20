"""What a press kit and a sales sheet say about a film, read once into frozen data.

The query layer of the press kit: a handful of queries per film turn the film's record
(credits, festivals, quotes, box office, assets, screenings at the current market) into
plain frozen dataclasses, already in the document's language. Templates only format
these; no ORM object reaches them, so nothing can lazy-load from a template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.documents.environment import labels
from roundup_crm.models import (
    AssetKind,
    BoxOffice,
    Credit,
    CreditRole,
    FestivalEntry,
    Film,
    FilmAsset,
    FilmStatus,
    Market,
    PressQuote,
    Screening,
    ScreeningKind,
    Territory,
    TerritoryKind,
)
from roundup_crm.services.sales_company import PRESS, SALES, CompanyContact, SalesCompany

# The order credits are listed in, the way a press kit's credit block reads.
ROLE_ORDER = (
    CreditRole.DIRECTOR,
    CreditRole.WRITER,
    CreditRole.PRODUCER,
    CreditRole.EXECUTIVE_PRODUCER,
    CreditRole.CAST,
    CreditRole.DOP,
    CreditRole.EDITOR,
    CreditRole.COMPOSER,
    CreditRole.PRODUCTION_DESIGNER,
    CreditRole.MARTIAL_ARTS,
    CreditRole.OTHER,
)
KEY_CAST = 4  # names on the cover and the sales sheet
SHEET_SCREENINGS = 4  # market screenings a one-page sheet has room for
SHEET_LOGLINE = 240  # characters of logline a one-page sheet has room for
SHEET_LAURELS = 2


@dataclass(frozen=True)
class Name:
    """A person or title in the document's script first, the other script after."""

    primary: str
    secondary: str | None = None


@dataclass(frozen=True)
class CreditLine:
    name: Name
    role: str  # CreditRole value
    character: str | None
    bio: str | None


@dataclass(frozen=True)
class RoleCredits:
    """One line of the full credits: a role and everyone credited in it."""

    role: str
    label: str
    people: tuple[CreditLine, ...]


@dataclass(frozen=True)
class Festival:
    festival: str
    year: int
    section: str | None
    award: str | None
    won: bool


@dataclass(frozen=True)
class Quote:
    text: str
    source: str


@dataclass(frozen=True)
class BoxOfficeFact:
    country: str
    admissions: int | None
    gross: Decimal | None
    currency: str | None
    as_of: date | None
    source: str | None


@dataclass(frozen=True)
class Image:
    src: str  # a file: URI inside the asset folder, or the URL as recorded (then refused)
    caption: str | None
    width: int | None
    height: int | None

    @property
    def portrait(self) -> bool:
        return bool(self.width and self.height and self.height > self.width)


@dataclass(frozen=True)
class Link:
    kind: str  # "trailer" | "screener"
    url: str
    clickable: bool  # only http(s) links become PDF link annotations
    qr: str | None  # a PNG data: URI of a QR code of the link


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class ScreeningSlot:
    starts_at: datetime  # UTC; shown in the market's zone
    ends_at: datetime
    kind: str
    title: str | None
    venue: str | None


@dataclass(frozen=True)
class MarketAt:
    name: str
    city: str | None
    venue: str | None
    stand: str | None
    timezone: str
    starts_on: date
    ends_on: date
    screenings: tuple[ScreeningSlot, ...]
    more_screenings: int = 0  # left off a one-page sheet


@dataclass(frozen=True)
class Availability:
    """Territories a buyer can still license, folded into the trade's group names.

    With most of the world open it reads "worldwide except ..." and lists what is gone,
    so the text stays short whatever the number of deals.
    """

    open_count: int
    total: int
    excluding: bool
    groups: tuple[str, ...]
    countries: tuple[str, ...]
    as_of: date

    @property
    def everywhere(self) -> bool:
        return self.total > 0 and self.open_count == self.total

    @property
    def names(self) -> tuple[str, ...]:
        return self.groups + self.countries

    @property
    def size(self) -> int:
        """Characters the list takes, so the sheet can choose a type size that fits."""
        return sum(len(n) + 2 for n in self.names)


@dataclass(frozen=True)
class PressKit:
    """Everything one press kit or sales sheet prints, in one language."""

    lang: str
    slug: str
    title: Name  # the document language's title first
    international_title: str
    original_title: str | None
    original_title_romanised: str | None
    alternate_titles: tuple[str, ...]
    series: str | None
    series_order: int | None
    year: int | None
    runtime_minutes: int | None
    genres: tuple[str, ...]
    status: str
    released: bool
    logline: str | None
    synopsis_short: tuple[str, ...]  # paragraphs
    synopsis_long: tuple[str, ...]
    director_statement: tuple[str, ...]
    directors: tuple[Name, ...]
    writers: tuple[Name, ...]
    key_cast: tuple[Name, ...]
    cast: tuple[CreditLine, ...]
    profiles: tuple[CreditLine, ...]  # people with a bio, director first
    credits: tuple[RoleCredits, ...]
    specs: tuple[Fact, ...]
    festivals: tuple[Festival, ...]
    laurels: tuple[Festival, ...]
    quotes: tuple[Quote, ...]
    box_office: tuple[BoxOfficeFact, ...]
    poster: Image | None
    stills: tuple[Image, ...]
    links: tuple[Link, ...]
    market: MarketAt | None
    company: SalesCompany | None
    sales_contacts: tuple[CompanyContact, ...]
    press_contacts: tuple[CompanyContact, ...]
    availability: Availability | None
    generated_at: datetime

    @property
    def document_title(self) -> str:
        return self.title.primary

    @property
    def keywords(self) -> str:
        words = [self.international_title, self.original_title, self.series, *self.genres]
        return ", ".join(w for w in words if w)


def load_presskit(
    session: Session,
    film: Film,
    *,
    lang: str,
    today: date,
    generated_at: datetime,
    market: Market | None = None,
    company: SalesCompany | None = None,
    sales_contacts: tuple[CompanyContact, ...] = (),
    assets_dir: Path | None = None,
    sheet: bool = False,
) -> PressKit:
    """Read one film's press kit in `lang`; `market` is the market whose screenings show.

    `sales_contacts` (team members picked for this document) replace the company's own.
    """
    people = company.contacts if company else ()
    words = labels(lang)
    korean = lang == "ko"
    credits = session.scalars(
        select(Credit).where(Credit.film_id == film.id).order_by(Credit.position, Credit.name)
    ).all()
    festivals = session.scalars(
        select(FestivalEntry)
        .where(FestivalEntry.film_id == film.id)
        .order_by(FestivalEntry.year, FestivalEntry.festival)
    ).all()
    quotes = session.scalars(
        select(PressQuote).where(PressQuote.film_id == film.id).order_by(PressQuote.position)
    ).all()
    box_office = session.scalars(select(BoxOffice).where(BoxOffice.film_id == film.id)).all()
    assets = session.scalars(
        select(FilmAsset).where(FilmAsset.film_id == film.id).order_by(FilmAsset.position)
    ).all()

    lines = [_credit_line(c, korean) for c in credits]
    by_role: dict[str, list[CreditLine]] = {}
    for line in lines:
        by_role.setdefault(line.role, []).append(line)
    role_order = [r.value for r in ROLE_ORDER]
    full_credits = tuple(
        RoleCredits(role=role, label=words[f"role_{role.replace('-', '_')}"], people=tuple(people))
        for role, people in sorted(by_role.items(), key=lambda item: role_order.index(item[0]))
    )
    profiles = tuple(
        sorted(
            (line for line in lines if line.bio),
            key=lambda line: (line.role != CreditRole.DIRECTOR, line.role != CreditRole.CAST),
        )
    )
    entries = tuple(
        Festival(e.festival, e.year, e.section, e.award, e.won)
        for e in sorted(festivals, key=lambda e: (e.year, e.festival), reverse=True)
    )
    posters = [a for a in assets if a.kind == AssetKind.POSTER]
    title = _title(film, korean)
    return PressKit(
        lang=lang,
        slug=film.slug,
        title=title,
        international_title=film.title,
        original_title=film.original_title,
        original_title_romanised=film.original_title_romanised,
        alternate_titles=tuple(film.alternate_titles or ()),
        series=film.series,
        series_order=film.series_order,
        year=film.year,
        runtime_minutes=film.runtime_minutes,
        genres=tuple(_genre(g, words) for g in film.genres or ()),
        status=words[f"status_{film.status.value.replace('-', '_')}"],
        released=film.status in (FilmStatus.RELEASED, FilmStatus.COMPLETED),
        logline=_sheet_text(_pick(film.logline_ko, film.logline, korean), sheet),
        synopsis_short=_paragraphs(_pick(film.synopsis_short_ko, film.synopsis_short, korean)),
        synopsis_long=_paragraphs(_pick(film.synopsis_long_ko, film.synopsis_long, korean)),
        director_statement=_paragraphs(film.director_statement),
        directors=tuple(line.name for line in by_role.get(CreditRole.DIRECTOR, [])),
        writers=tuple(line.name for line in by_role.get(CreditRole.WRITER, [])),
        key_cast=tuple(line.name for line in by_role.get(CreditRole.CAST, [])[:KEY_CAST]),
        cast=tuple(by_role.get(CreditRole.CAST, [])),
        profiles=profiles,
        credits=full_credits,
        specs=_specs(film, lang, words, sheet=sheet),
        festivals=entries,
        laurels=tuple(sorted(entries, key=lambda e: not e.won)[: SHEET_LAURELS if sheet else 4]),
        quotes=tuple(Quote(q.quote, q.source) for q in quotes),
        box_office=tuple(
            BoxOfficeFact(
                country=country_name(b.country, lang),
                admissions=b.admissions,
                gross=b.gross,
                currency=b.currency,
                as_of=b.as_of,
                source=b.source,
            )
            for b in sorted(box_office, key=lambda b: (-(b.admissions or 0), b.country))
        ),
        poster=_image(posters[0], assets_dir) if posters else None,
        stills=tuple(_image(a, assets_dir) for a in assets if a.kind == AssetKind.STILL),
        links=tuple(
            _link(kind, url)
            for kind, url in (("trailer", film.trailer_url), ("screener", film.screener_url))
            if url
        ),
        market=_market_at(session, film, market, sheet=sheet) if market is not None else None,
        company=company,
        sales_contacts=sales_contacts or tuple(c for c in people if c.role == SALES),
        press_contacts=tuple(c for c in people if c.role == PRESS),
        availability=_availability(session, film, lang, today) if sheet else None,
        generated_at=generated_at,
    )


def current_market(session: Session, today: date) -> Market | None:
    """The market on today (the one ending first if two overlap), else the next one."""
    return session.scalars(
        select(Market)
        .where(Market.ends_on >= today)
        .order_by((Market.starts_on > today), Market.starts_on, Market.ends_on)
        .limit(1)
    ).first()


def _pick(korean_text: str | None, english_text: str | None, korean: bool) -> str | None:
    """The Korean text in a Korean document when the film has one, else the English."""
    if korean and korean_text and korean_text.strip():
        return korean_text
    return english_text


def _paragraphs(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip())


def _sheet_text(text: str | None, sheet: bool) -> str | None:
    """A logline cut at a word to what one page holds (only on the sales sheet)."""
    if text is None or not sheet or len(text) <= SHEET_LOGLINE:
        return text
    cut = text[:SHEET_LOGLINE].rsplit(" ", 1)[0].rstrip(",;:.-– ")
    return cut + "…"


def _title(film: Film, korean: bool) -> Name:
    if korean and film.original_title:
        return Name(film.original_title, film.title)
    return Name(film.title, film.original_title)


def _name(credit: Credit, korean: bool) -> Name:
    if korean and credit.name_ko:
        return Name(credit.name_ko, credit.name)
    return Name(credit.name, credit.name_ko)


def _credit_line(credit: Credit, korean: bool) -> CreditLine:
    return CreditLine(
        name=_name(credit, korean),
        role=credit.role.value,
        character=credit.character,
        bio=_pick(credit.bio_ko, credit.bio, korean),
    )


def _genre(genre: str, words: Mapping[str, Any]) -> str:
    known = words.get("genres", {})
    return str(known.get(genre.strip().lower(), genre.strip().capitalize()))


# What a buyer scans a one-page sheet for; the press kit lists every spec.
SHEET_SPECS = (
    "spec_runtime",
    "spec_year",
    "spec_country",
    "spec_language",
    "spec_genre",
    "spec_format",
    "spec_status",
)


def _specs(
    film: Film, lang: str, words: Mapping[str, Any], *, sheet: bool = False
) -> tuple[Fact, ...]:
    facts = [
        (
            "spec_runtime",
            words["minutes"].format(n=film.runtime_minutes) if film.runtime_minutes else None,
        ),
        ("spec_year", str(film.year) if film.year else None),
        ("spec_country", country_name(film.country, lang) if film.country else None),
        ("spec_language", ", ".join(language_name(code, lang) for code in film.languages or ())),
        ("spec_subtitles", ", ".join(language_name(code, lang) for code in film.subtitles or ())),
        ("spec_genre", ", ".join(_genre(g, words) for g in film.genres or ())),
        ("spec_aspect_ratio", film.aspect_ratio),
        ("spec_sound", film.sound),
        ("spec_format", film.format),
        ("spec_production", ", ".join(film.production_companies or ())),
        (
            "spec_status",
            None
            if film.status == FilmStatus.RELEASED
            else words[f"status_{film.status.value.replace('-', '_')}"],
        ),
    ]
    return tuple(
        Fact(words[key], value)
        for key, value in facts
        if value and (not sheet or key in SHEET_SPECS)
    )


def country_name(code: str, lang: str) -> str:
    """A country as the document's reader calls it: "South Korea" / "대한민국"."""
    code = code.upper()
    if lang == "ko":
        name = _babel_names("ko", "territories").get(code)
        if name:
            return name
    from roundup_crm.services.reference import countries

    return countries().get(code, code)


def language_name(code: str, lang: str) -> str:
    name = _babel_names(lang, "languages").get(code.lower())
    if name:
        return name
    import pycountry

    found = pycountry.languages.get(alpha_2=code) or pycountry.languages.get(alpha_3=code)
    return str(found.name) if found else code


_NAMES: dict[tuple[str, str], Mapping[str, str]] = {}


def _babel_names(lang: str, kind: str) -> Mapping[str, str]:
    key = (lang, kind)
    if key not in _NAMES:
        from babel import Locale

        _NAMES[key] = dict(getattr(Locale.parse("ko_KR" if lang == "ko" else "en_GB"), kind))
    return _NAMES[key]


def _image(asset: FilmAsset, assets_dir: Path | None) -> Image:
    path = asset.path.strip()
    if urlsplit(path).scheme or assets_dir is None:
        # Recorded as a URL (or no asset folder): pass it on as it is, so the fetcher
        # refuses it in the open and reports it, rather than the kit silently lacking it.
        src = path
    else:
        src = (assets_dir / path).resolve().as_uri()
    return Image(src=src, caption=asset.caption, width=asset.width, height=asset.height)


def _link(kind: str, url: str) -> Link:
    url = url.strip()
    clickable = urlsplit(url).scheme in ("http", "https")
    return Link(kind=kind, url=url, clickable=clickable, qr=qr_code(url) if clickable else None)


@lru_cache(maxsize=256)
def qr_code(url: str) -> str:
    """The link as a QR code: a one-pixel-per-module PNG data: URI (fetched by nobody).

    The stylesheet scales it up with `image-rendering: pixelated`, so it prints as sharp
    as vectors at a fraction of the cost of drawing an SVG path of every module.
    """
    import segno

    return str(segno.make(url, error="m").png_data_uri(scale=1, border=0, dark="#1c1c1c"))


def _market_at(session: Session, film: Film, market: Market, *, sheet: bool) -> MarketAt:
    screenings = session.scalars(
        select(Screening)
        .where(Screening.market_id == market.id, Screening.film_id == film.id)
        .order_by(Screening.starts_at)
    ).all()
    slots = [
        ScreeningSlot(
            starts_at=s.starts_at,
            ends_at=s.starts_at + timedelta(minutes=s.duration_minutes),
            kind=s.kind.value,
            title=s.title,
            venue=s.venue,
        )
        for s in screenings
    ]
    if sheet:
        # On one page, screenings for buyers come before press events.
        slots.sort(key=lambda s: (s.kind != ScreeningKind.MARKET_SCREENING, s.starts_at))
        shown = sorted(slots[:SHEET_SCREENINGS], key=lambda s: s.starts_at)
    else:
        shown = slots
    return MarketAt(
        name=market.name,
        city=market.city,
        venue=market.venue,
        stand=market.stand,
        timezone=market.timezone,
        starts_on=market.starts_on,
        ends_on=market.ends_on,
        screenings=tuple(shown),
        more_screenings=len(slots) - len(shown),
    )


def _availability(session: Session, film: Film, lang: str, today: date) -> Availability:
    """Open territories (every right but remake, not under offer) in group names."""
    from roundup_crm.services.avails import available_countries
    from roundup_crm.services.territories import CountryExpander

    open_codes = set(available_countries(session, film, on=today))
    all_codes = set(
        session.scalars(select(Territory.code).where(Territory.kind == TerritoryKind.COUNTRY))
    )
    expand = CountryExpander(session)
    group_names = labels(lang).get("groups", {})
    groups = [
        (str(group_names.get(code, name)), expand(code))
        for code, name in session.execute(
            select(Territory.code, Territory.name).where(Territory.kind == TerritoryKind.GROUP)
        )
    ]
    return summarise_availability(open_codes, all_codes, groups, lang=lang, as_of=today)


def summarise_availability(
    open_codes: set[str],
    all_codes: set[str],
    groups: Sequence[tuple[str, frozenset[str]]],
    *,
    lang: str,
    as_of: date,
) -> Availability:
    """Fold a set of countries into whole groups plus single countries, shortest side."""
    open_codes = open_codes & all_codes
    closed = all_codes - open_codes
    excluding = len(open_codes) > len(all_codes) / 2
    listed = closed if excluding else open_codes
    # A "group" of (nearly) every country says nothing a buyer can use.
    usable = [(n, m) for n, m in groups if 1 < len(m) < len(all_codes) / 2]
    group_names, rest = fold_groups(listed, usable)
    return Availability(
        open_count=len(open_codes),
        total=len(all_codes),
        excluding=excluding,
        groups=tuple(group_names),
        countries=tuple(sorted((country_name(c, lang) for c in rest), key=str.casefold)),
        as_of=as_of,
    )


def fold_groups(
    codes: Iterable[str], groups: Sequence[tuple[str, frozenset[str]]]
) -> tuple[list[str], set[str]]:
    """The largest named groups wholly inside `codes`, then the countries left over."""
    wanted = set(codes)
    left = set(wanted)
    chosen: list[str] = []
    # Groups may overlap (Luxembourg is in Benelux and in German-speaking Europe): a group
    # is named when all of it is wanted and it still covers two countries not yet named.
    for name, members in sorted(groups, key=lambda g: (-len(g[1]), g[0])):
        if members <= wanted and len(members & left) >= 2:
            chosen.append(name)
            left -= members
    return sorted(chosen, key=str.casefold), left

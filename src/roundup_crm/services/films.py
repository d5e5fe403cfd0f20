"""The catalogue: adding and editing films, their credits, festivals, quotes and box office."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session, selectinload

from roundup_crm.errors import Ambiguous, InvalidInput, NotFound
from roundup_crm.models import (
    BoxOffice,
    Credit,
    CreditRole,
    FestivalEntry,
    Film,
    FilmStatus,
    PressQuote,
)
from roundup_crm.services import validate
from roundup_crm.services.lookup import find_film
from roundup_crm.services.parsing import (
    parse_amount,
    parse_country,
    parse_currency,
    parse_date,
    parse_int,
    parse_money,
)
from roundup_crm.services.search import json_text_contains, text_match
from roundup_crm.services.territories import fold

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 120
FIRST_FILM_YEAR = 1888
LAST_PLAUSIBLE_YEAR = 2100


def slugify(text: str) -> str:
    """The ASCII slug of a title: "The Roundup: No Way Out" -> "the-roundup-no-way-out"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:MAX_SLUG].strip("-")


def _slug(value: str) -> str:
    slug = value.strip().lower()
    if not SLUG_RE.fullmatch(slug) or len(slug) > MAX_SLUG:
        raise InvalidInput("slug", value, "use lower-case ASCII letters, digits and hyphens")
    return slug


def _status(value: str) -> FilmStatus:
    key = value.strip().lower().replace(" ", "-").replace("_", "-")
    if key in ("preproduction", "pre-prod"):
        key = "pre-production"
    if key in ("post-production", "postproduction"):
        key = "post"
    for status in FilmStatus:
        if key == status.value:
            return status
    choices = ", ".join(s.value for s in FilmStatus)
    raise InvalidInput("status", value, f"not a film status ({choices})")


def _text(field: str) -> Callable[[str], str | None]:
    return lambda value: validate.clean_text(value, field=field)


def _line(field: str, max_length: int = validate.MAX_NAME) -> Callable[[str], str | None]:
    def parse(value: str) -> str | None:
        if not value.strip():
            return None
        return validate.required_name(value, field=field, max_length=max_length)

    return parse


def _year(value: str) -> int:
    return parse_int(value, field="year", minimum=FIRST_FILM_YEAR, maximum=LAST_PLAUSIBLE_YEAR)


# Scalar fields a user may set on `film add` / `film edit`, each with its parser.
FILM_FIELDS: dict[str, Callable[[str], Any]] = {
    "title": lambda v: validate.required_name(v, field="title"),
    "original_title": _line("original title"),
    "original_title_romanised": _line("romanised title"),
    "series": _line("series", 200),
    "series_order": lambda v: parse_int(v, field="series order", minimum=1, maximum=1000),
    "year": _year,
    "runtime_minutes": lambda v: parse_int(v, field="runtime", minimum=1, maximum=1000),
    "status": _status,
    "logline": _text("logline"),
    "logline_ko": _text("Korean logline"),
    "synopsis_short": _text("short synopsis"),
    "synopsis_short_ko": _text("Korean short synopsis"),
    "synopsis_long": _text("long synopsis"),
    "synopsis_long_ko": _text("Korean long synopsis"),
    "director_statement": _text("director's statement"),
    "country": lambda v: parse_country(v, field="country"),
    "aspect_ratio": _line("aspect ratio", 20),
    "sound": _line("sound", 100),
    "format": _line("format", 100),
    "trailer_url": lambda v: validate.url(v, field="trailer url"),
    "screener_url": lambda v: validate.url(v, field="screener url"),
    "screener_password": _line("screener password", 100),
}

# List fields: given on `film edit`, the new list replaces the old one.
FILM_LISTS: dict[str, Callable[[str], str | None]] = {
    "alternate_titles": _line("alternate title"),
    "genres": lambda v: _line("genre", 50)(v.lower()) if v.strip() else None,
    "languages": lambda v: validate.language(v, field="language"),
    "subtitles": lambda v: validate.language(v, field="subtitle language"),
    "production_companies": _line("production company"),
}


def _parse_list(field: str, values: Iterable[str]) -> list[str]:
    parser = FILM_LISTS[field]
    out: list[str] = []
    for value in values:
        # "crime; action" and repeated options both work.
        for part in value.split(";"):
            parsed = parser(part)
            if parsed and parsed not in out:
                out.append(parsed)
    return out


def _apply(film: Film, values: Mapping[str, Any], lists: Mapping[str, Iterable[str]]) -> None:
    for field, raw in values.items():
        if field not in FILM_FIELDS:
            raise InvalidInput("field", field, "not a film field")
        if raw is None:
            continue
        setattr(film, field, FILM_FIELDS[field](raw) if raw != "" else None)
    for field, items in lists.items():
        if field not in FILM_LISTS:
            raise InvalidInput("field", field, "not a film list field")
        setattr(film, field, _parse_list(field, items))


def _check_slug_free(session: Session, slug: str, film: Film | None = None) -> None:
    taken = session.scalar(select(Film).where(Film.slug == slug))
    if taken is not None and taken is not film:
        raise InvalidInput("slug", slug, f"already used by {taken.title!r}: give another --slug")


def add_film(
    session: Session,
    *,
    title: str,
    slug: str | None = None,
    values: Mapping[str, Any] | None = None,
    lists: Mapping[str, Iterable[str]] | None = None,
) -> Film:
    """A new film. The slug comes from the title (or the romanised title) unless given."""
    values = dict(values or {})
    film = Film(title=validate.required_name(title, field="title"), status=FilmStatus.DEVELOPMENT)
    _apply(film, values, lists or {})
    if slug is not None:
        film.slug = _slug(slug)
    else:
        derived = slugify(film.title) or slugify(film.original_title_romanised or "")
        if not derived:
            raise InvalidInput(
                "slug",
                film.title,
                "cannot be made from this title: give --slug or --romanised-title",
            )
        film.slug = derived
    _check_slug_free(session, film.slug)
    session.add(film)
    session.flush()
    return film


def edit_film(
    session: Session,
    value: str,
    *,
    slug: str | None = None,
    values: Mapping[str, Any] | None = None,
    lists: Mapping[str, Iterable[str]] | None = None,
) -> Film:
    """Change a film's facts; fields not given stay as they are ("" clears one)."""
    film = find_film(session, value)
    if not values and not lists and slug is None:
        raise InvalidInput("film edit", value, "nothing to change: give at least one option")
    if values and "title" in values and values["title"] == "":
        raise InvalidInput("title", "", "is required")
    _apply(film, values or {}, lists or {})
    if slug is not None:
        film.slug = _slug(slug)
        _check_slug_free(session, film.slug, film)
    session.flush()
    return film


def list_films(
    session: Session,
    *,
    series: str | None = None,
    status: str | None = None,
    genre: str | None = None,
    search: str | None = None,
) -> list[dict[str, Any]]:
    query = select(Film).order_by(
        Film.series.is_(None), Film.series, Film.series_order, Film.year, Film.title
    )
    if series:
        query = query.where(func.lower(Film.series) == series.strip().lower())
    if status:
        query = query.where(Film.status == _status(status))
    if genre:
        query = query.where(json_text_contains(Film.genres, genre.strip().lower()))
    if search:
        columns = [
            Film.title,
            Film.original_title,
            Film.original_title_romanised,
            cast(Film.alternate_titles, String),
            Film.slug,
        ]
        query = query.where(text_match(session, columns, search))
    return [
        {
            "slug": film.slug,
            "title": film.title,
            "original_title": film.original_title,
            "year": film.year,
            "series": film.series,
            "series_order": film.series_order,
            "status": film.status,
            "runtime_minutes": film.runtime_minutes,
            "genres": film.genres,
        }
        for film in session.scalars(query)
    ]


def film_record(film: Film) -> dict[str, Any]:
    """Everything recorded about a film, as plain data (for `film show` and JSON)."""
    return {
        "id": str(film.id),
        "slug": film.slug,
        "title": film.title,
        "original_title": film.original_title,
        "original_title_romanised": film.original_title_romanised,
        "alternate_titles": film.alternate_titles,
        "series": film.series,
        "series_order": film.series_order,
        "year": film.year,
        "runtime_minutes": film.runtime_minutes,
        "genres": film.genres,
        "status": film.status,
        "country": film.country,
        "languages": film.languages,
        "subtitles": film.subtitles,
        "aspect_ratio": film.aspect_ratio,
        "sound": film.sound,
        "format": film.format,
        "production_companies": film.production_companies,
        "logline": film.logline,
        "logline_ko": film.logline_ko,
        "synopsis_short": film.synopsis_short,
        "synopsis_short_ko": film.synopsis_short_ko,
        "synopsis_long": film.synopsis_long,
        "synopsis_long_ko": film.synopsis_long_ko,
        "director_statement": film.director_statement,
        "trailer_url": film.trailer_url,
        "screener_url": film.screener_url,
        "screener_password": film.screener_password,
        "credits": [credit_row(c) for c in film.credits],
        "festivals": [festival_row(f) for f in film.festivals],
        "quotes": [quote_row(q) for q in film.quotes],
        "box_office": [box_office_row(b) for b in _box_office_order(film.box_office)],
        "assets": [
            {
                "id": a.short_id,
                "kind": a.kind,
                "path": a.path,
                "media_type": a.media_type,
                "width": a.width,
                "height": a.height,
                "caption": a.caption,
            }
            for a in film.assets
        ],
        "created_at": film.created_at,
        "updated_at": film.updated_at,
    }


def show_film(session: Session, value: str) -> dict[str, Any]:
    film = find_film(session, value)
    film = session.scalars(
        select(Film)
        .where(Film.id == film.id)
        .options(
            selectinload(Film.credits),
            selectinload(Film.festivals),
            selectinload(Film.quotes),
            selectinload(Film.box_office),
            selectinload(Film.assets),
        )
    ).one()
    return film_record(film)


def _box_office_order(rows: list[BoxOffice]) -> list[BoxOffice]:
    return sorted(rows, key=lambda b: (b.country, b.as_of is None, b.as_of))


def credit_row(credit: Credit) -> dict[str, Any]:
    return {
        "id": credit.short_id,
        "order": credit.position,
        "role": credit.role,
        "name": credit.name,
        "name_ko": credit.name_ko,
        "character": credit.character,
        "bio": credit.bio,
        "bio_ko": credit.bio_ko,
    }


def festival_row(entry: FestivalEntry) -> dict[str, Any]:
    return {
        "id": entry.short_id,
        "festival": entry.festival,
        "year": entry.year,
        "section": entry.section,
        "award": entry.award,
        "won": entry.won,
    }


def quote_row(quote: PressQuote) -> dict[str, Any]:
    return {"id": quote.short_id, "quote": quote.quote, "source": quote.source}


def box_office_row(fact: BoxOffice) -> dict[str, Any]:
    return {
        "id": fact.short_id,
        "country": fact.country,
        "admissions": fact.admissions,
        "gross": fact.gross,
        "currency": fact.currency,
        "as_of": fact.as_of,
        "source": fact.source,
    }


# --- Credits -----------------------------------------------------------------------

_ROLE_SYNONYMS = {
    "actor": CreditRole.CAST,
    "actress": CreditRole.CAST,
    "cinematographer": CreditRole.DOP,
    "director of photography": CreditRole.DOP,
    "dp": CreditRole.DOP,
    "screenwriter": CreditRole.WRITER,
    "screenplay": CreditRole.WRITER,
    "music": CreditRole.COMPOSER,
    "executive producer": CreditRole.EXECUTIVE_PRODUCER,
    "ep": CreditRole.EXECUTIVE_PRODUCER,
    "production designer": CreditRole.PRODUCTION_DESIGNER,
    "martial arts director": CreditRole.MARTIAL_ARTS,
    "action director": CreditRole.MARTIAL_ARTS,
    "stunt coordinator": CreditRole.MARTIAL_ARTS,
}


def credit_role(value: str) -> CreditRole:
    key = " ".join(value.strip().lower().replace("_", " ").split())
    for role in CreditRole:
        if key in (role.value, role.value.replace("-", " ")):
            return role
    if key in _ROLE_SYNONYMS:
        return _ROLE_SYNONYMS[key]
    choices = ", ".join(r.value for r in CreditRole)
    raise InvalidInput("role", value, f"not a credit role ({choices})")


def _position(siblings: Sequence[Credit | PressQuote], order: str | None) -> int:
    """Where a new credit or quote goes: last, or at `order` with the rest moved down."""
    if order is None:
        return max((s.position for s in siblings), default=0) + 1
    position = parse_int(order, field="order", minimum=1, maximum=10_000)
    if any(s.position == position for s in siblings):
        for sibling in siblings:
            if sibling.position >= position:
                sibling.position += 1
    return position


def add_credit(
    session: Session,
    film_value: str,
    *,
    name: str,
    role: str,
    name_ko: str | None = None,
    character: str | None = None,
    bio: str | None = None,
    bio_ko: str | None = None,
    order: str | None = None,
) -> Credit:
    """A person on a film. Without --order the credit goes after the others."""
    film = find_film(session, film_value)
    parsed_role = credit_role(role)
    credits = session.scalars(select(Credit).where(Credit.film_id == film.id)).all()
    position = _position(credits, order)
    if character and parsed_role != CreditRole.CAST:
        raise InvalidInput("character", character, "only cast credits play a character")
    credit = Credit(
        film=film,
        name=validate.required_name(name, field="name"),
        name_ko=_line("Korean name")(name_ko) if name_ko else None,
        role=parsed_role,
        character=_line("character")(character) if character else None,
        bio=validate.clean_text(bio, field="bio"),
        bio_ko=validate.clean_text(bio_ko, field="Korean bio"),
        position=position,
    )
    session.add(credit)
    session.flush()
    return credit


def list_credits(session: Session, film_value: str, *, role: str | None = None) -> list[Credit]:
    film = find_film(session, film_value)
    query = select(Credit).where(Credit.film_id == film.id)
    if role:
        query = query.where(Credit.role == credit_role(role))
    return list(session.scalars(query.order_by(Credit.position, Credit.name)))


def _find_credit(session: Session, film: Film, value: str) -> Credit:
    credits = list(session.scalars(select(Credit).where(Credit.film_id == film.id)))
    raw = value.strip().lower().replace("-", "")
    by_id = [c for c in credits if len(raw) >= 4 and c.id.hex.startswith(raw)]
    by_name = [
        c for c in credits if fold(c.name) == fold(value) or (c.name_ko or "") == value.strip()
    ]
    found = by_id or by_name
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise Ambiguous("credit", value, [f"{c.short_id} {c.name} ({c.role.value})" for c in found])
    raise NotFound("credit", value, f"not on {film.title}: see `roundup-crm film credit list`")


def remove_credit(session: Session, film_value: str, credit_value: str) -> Credit:
    """Take a credit off a film, by its id or the person's name."""
    film = find_film(session, film_value)
    credit = _find_credit(session, film, credit_value)
    session.delete(credit)
    session.flush()
    return credit


# --- Festivals, quotes, box office -------------------------------------------------


def add_festival(
    session: Session,
    film_value: str,
    *,
    festival: str,
    year: str,
    section: str | None = None,
    award: str | None = None,
    won: bool = False,
) -> FestivalEntry:
    """A festival selection, or an award nomination (or win, with won=True)."""
    film = find_film(session, film_value)
    if won and not award:
        raise InvalidInput("award", "", "say which award was won (--award)")
    entry = FestivalEntry(
        film=film,
        festival=validate.required_name(festival, field="festival"),
        year=_year(year),
        section=_line("section")(section) if section else None,
        award=_line("award")(award) if award else None,
        won=won,
    )
    session.add(entry)
    session.flush()
    return entry


def add_quote(
    session: Session, film_value: str, *, quote: str, source: str, order: str | None = None
) -> PressQuote:
    film = find_film(session, film_value)
    text = validate.clean_text(quote, field="quote", max_length=2000)
    if not text:
        raise InvalidInput("quote", quote, "is required")
    quotes = session.scalars(select(PressQuote).where(PressQuote.film_id == film.id)).all()
    position = _position(quotes, order)
    item = PressQuote(
        film=film,
        quote=text,
        source=validate.required_name(source, field="source"),
        position=position,
    )
    session.add(item)
    session.flush()
    return item


def add_box_office(
    session: Session,
    film_value: str,
    *,
    country: str,
    admissions: str | None = None,
    gross: str | None = None,
    currency: str | None = None,
    as_of: str | None = None,
    source: str | None = None,
) -> BoxOffice:
    """Admissions and/or gross in one country as of a date, with where the figure came from.

    `--gross "12.5m USD"` carries its currency; a bare `--gross 12500000` needs `--currency`.
    """
    film = find_film(session, film_value)
    if admissions is None and gross is None:
        raise InvalidInput("box office", country, "give --admissions, --gross or both")
    fact = BoxOffice(country=parse_country(country, field="country"))
    if admissions is not None:
        fact.admissions = parse_int(admissions, field="admissions", minimum=0)
    if gross is not None:
        if re.search(r"[A-Za-z]{3}", gross):
            amount, gross_currency = parse_money(gross, field="gross")
            if currency and parse_currency(currency) != gross_currency:
                raise InvalidInput("currency", currency, f"differs from the gross {gross!r}")
        elif currency:
            amount, gross_currency = parse_amount(gross, field="gross"), parse_currency(currency)
        else:
            raise InvalidInput("currency", "", f"say the currency of gross {gross!r} (--currency)")
        fact.gross, fact.currency = amount, gross_currency
    elif currency:
        raise InvalidInput("currency", currency, "given without --gross")
    if as_of:
        fact.as_of = parse_date(as_of, field="as of")
    fact.source = _line("source")(source) if source else None
    fact.film = film
    session.add(fact)
    session.flush()
    return fact

"""`roundup-crm film`: the catalogue, its credits, festivals, quotes, box office and artwork."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, emit_record, format_option

F = TypeVar("F", bound=Callable[..., Any])

# (option, field, help) for the facts `film add` and `film edit` take; all are read and
# checked by the film service, so a bad value is one clear line.
FACTS = [
    ("--original-title", "original_title", "Original title (Hangul for the Korean films)."),
    ("--romanised-title", "original_title_romanised", "The original title in Latin letters."),
    ("--series", "series", 'Series or franchise ("The Roundup").'),
    ("--series-order", "series_order", "Place in the series (1, 2, ...)."),
    ("--year", "year", "Year of release or completion."),
    ("--runtime", "runtime_minutes", "Running time in minutes."),
    ("--status", "status", "development, pre-production, production, post, completed, released."),
    ("--country", "country", "Country of production (code or name)."),
    ("--logline", "logline", "One-sentence pitch."),
    ("--logline-ko", "logline_ko", "The logline in Korean."),
    ("--synopsis", "synopsis_short", "Short synopsis."),
    ("--synopsis-ko", "synopsis_short_ko", "Short synopsis in Korean."),
    ("--long-synopsis", "synopsis_long", "Long synopsis."),
    ("--long-synopsis-ko", "synopsis_long_ko", "Long synopsis in Korean."),
    ("--director-statement", "director_statement", "Director's statement."),
    ("--aspect-ratio", "aspect_ratio", "e.g. 2.39:1."),
    ("--sound", "sound", "e.g. Dolby Atmos."),
    ("--delivery-format", "format", "Delivery format, e.g. DCP 4K."),
    ("--trailer", "trailer_url", "Trailer link."),
    ("--screener", "screener_url", "Screener link."),
    ("--screener-password", "screener_password", "Screener password."),
]
LISTS = [
    ("--alt-title", "alternate_titles", 'Alternate title ("Crime City"); repeatable.'),
    ("--genre", "genres", "Genre; repeatable."),
    ("--language", "languages", "Spoken language (code or name); repeatable."),
    ("--subtitles", "subtitles", "Subtitle language; repeatable."),
    ("--production-company", "production_companies", "Production company; repeatable."),
]


def film_fact_options(func: F) -> F:
    for option, field, help_text in reversed(LISTS):
        func = click.option(option, field, multiple=True, metavar="TEXT", help=help_text)(func)
    for option, field, help_text in reversed(FACTS):
        func = click.option(option, field, default=None, metavar="TEXT", help=help_text)(func)
    return func


def _split(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    values = {field: kwargs.pop(field) for _, field, _ in FACTS}
    lists = {field: list(kwargs.pop(field)) for _, field, _ in LISTS}
    return values, {k: v for k, v in lists.items() if v}


@click.group()
def film() -> None:
    """Add, edit, list and show films in the catalogue.

    Example:

        roundup-crm film add "The Roundup: Punishment" --original-title "범죄도시4" --year 2024
    """


@film.command("add")
@click.argument("title")
@click.option("--slug", help="Short name used in commands (default: from the title).")
@film_fact_options
@pass_app
def add(app: App, title: str, slug: str | None, **kwargs: Any) -> None:
    """Add a film to the catalogue.

    The slug is made from the title; a Hangul-only title needs --slug or --romanised-title.

    Example:

        roundup-crm film add "The Roundup: Punishment" --original-title "범죄도시4"
            --alt-title "Crime City 4" --series "The Roundup" --series-order 4
            --year 2024 --runtime 109 --genre crime --genre action --status released
    """
    from roundup_crm.services.films import add_film

    values, lists = _split(kwargs)
    with app.db.begin() as session:
        added = add_film(session, title=title, slug=slug, values=values, lists=lists)
        click.echo(f"added film {added.slug} ({added.title})")


@film.command("edit")
@click.argument("film_name", metavar="FILM")
@click.option("--title", help="New international title.")
@click.option("--slug", help="New slug.")
@film_fact_options
@pass_app
def edit(app: App, film_name: str, title: str | None, slug: str | None, **kwargs: Any) -> None:
    """Change a film's facts; list options (--genre...) replace the whole list.

    An empty value clears a field: --logline "".

    Example:

        roundup-crm film edit the-roundup-punishment --status released --runtime 109
    """
    from roundup_crm.services.films import edit_film

    values, lists = _split(kwargs)
    if title is not None:
        values["title"] = title
    values = {k: v for k, v in values.items() if v is not None}
    with app.db.begin() as session:
        changed = edit_film(session, film_name, slug=slug, values=values, lists=lists)
        click.echo(f"updated film {changed.slug} ({changed.title})")


@film.command("list")
@click.option("--series", help="Only this series.")
@click.option("--status", help="Only films at this status.")
@click.option("--genre", help="Only films of this genre.")
@click.option("--search", help="Words in a title (any language, accents ignored).")
@format_option
@pass_app
def list_(
    app: App,
    series: str | None,
    status: str | None,
    genre: str | None,
    search: str | None,
    fmt: str,
) -> None:
    """List the films in the catalogue.

    Example:

        roundup-crm film list --series "The Roundup" --format csv
    """
    from roundup_crm.services.films import list_films

    with app.db.begin(readonly=True) as session:
        rows = list_films(session, series=series, status=status, genre=genre, search=search)
    emit(rows, fmt=fmt, empty="No films yet: add one with `roundup-crm film add`.")


@film.command("show")
@click.argument("film_name", metavar="FILM")
@format_option
@pass_app
def show(app: App, film_name: str, fmt: str) -> None:
    """Show a film's fact sheet: facts, credits, festivals, quotes, box office, artwork.

    Example:

        roundup-crm film show the-roundup-punishment
    """
    from roundup_crm.services.films import show_film

    with app.db.begin(readonly=True) as session:
        record = show_film(session, film_name)
    if fmt != "table":
        emit_record(record, fmt=fmt)
        return
    parts = {k: record.pop(k) for k in ("credits", "festivals", "quotes", "box_office", "assets")}
    emit_record(record, title=f"{record['title']} ({record['slug']})")
    sections = [
        ("Credits", "credits", ["order", "role", "name", "name_ko", "character"]),
        ("Festivals and awards", "festivals", ["year", "festival", "section", "award", "won"]),
        ("Press quotes", "quotes", ["quote", "source"]),
        (
            "Box office",
            "box_office",
            ["country", "admissions", "gross", "currency", "as_of", "source"],
        ),
        ("Artwork", "assets", ["kind", "path", "width", "height", "caption"]),
    ]
    for heading, key, columns in sections:
        if parts[key]:
            click.echo()
            emit(parts[key], columns=columns, title=heading)


# --- Credits ------------------------------------------------------------------------


@film.group()
def credit() -> None:
    """Cast and crew of a film.

    Example:

        roundup-crm film credit add the-roundup-punishment "Ma Dong-seok" --role cast
    """


@credit.command("add")
@click.argument("film_name", metavar="FILM")
@click.argument("name")
@click.option("--role", required=True, help="director, writer, producer, cast, dop, editor...")
@click.option("--name-ko", help="The name in Hangul.")
@click.option("--character", help="The part played (cast only).")
@click.option("--bio", help="Short biography.")
@click.option("--bio-ko", help="Short biography in Korean.")
@click.option("--order", help="Billing order (default: after the others).")
@pass_app
def credit_add(
    app: App,
    film_name: str,
    name: str,
    role: str,
    name_ko: str | None,
    character: str | None,
    bio: str | None,
    bio_ko: str | None,
    order: str | None,
) -> None:
    """Credit a person on a film (name romanised, plus Hangul).

    Example:

        roundup-crm film credit add the-roundup-punishment "Ma Dong-seok" --name-ko "마동석"
            --role cast --character "Ma Seok-do"
    """
    from roundup_crm.services.films import add_credit

    with app.db.begin() as session:
        added = add_credit(
            session,
            film_name,
            name=name,
            role=role,
            name_ko=name_ko,
            character=character,
            bio=bio,
            bio_ko=bio_ko,
            order=order,
        )
        click.echo(
            f"credited {added.name} ({added.role.value}) on {added.film.slug} [{added.short_id}]"
        )


@credit.command("list")
@click.argument("film_name", metavar="FILM")
@click.option("--role", help="Only this role.")
@format_option
@pass_app
def credit_list(app: App, film_name: str, role: str | None, fmt: str) -> None:
    """List a film's credits in billing order.

    Example:

        roundup-crm film credit list the-roundup-punishment --role cast
    """
    from roundup_crm.services.films import credit_row, list_credits

    with app.db.begin(readonly=True) as session:
        rows = [credit_row(c) for c in list_credits(session, film_name, role=role)]
    emit(
        rows,
        fmt=fmt,
        columns=["id", "order", "role", "name", "name_ko", "character", "bio", "bio_ko"],
    )


@credit.command("remove")
@click.argument("film_name", metavar="FILM")
@click.argument("person", metavar="CREDIT")
@pass_app
def credit_remove(app: App, film_name: str, person: str) -> None:
    """Take a credit off a film, by the person's name or the credit id.

    Example:

        roundup-crm film credit remove the-roundup-punishment "Ma Dong-seok"
    """
    from roundup_crm.services.films import remove_credit

    with app.db.begin() as session:
        removed = remove_credit(session, film_name, person)
        click.echo(f"removed {removed.name} ({removed.role.value}) from {removed.film.slug}")


# --- Artwork --------------------------------------------------------------------------


@film.group()
def asset() -> None:
    """Posters and stills, kept in the managed asset folder.

    Example:

        roundup-crm film asset add the-roundup-punishment poster.jpg --kind poster
    """


@asset.command("add")
@click.argument("film_name", metavar="FILM")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", default="still", show_default=True, help="poster, still or logo.")
@click.option("--caption", help="Caption or credit line.")
@pass_app
def asset_add(app: App, film_name: str, file: Path, kind: str, caption: str | None) -> None:
    """Copy a poster or still (PNG, JPEG or WebP) into the asset folder and record it.

    Example:

        roundup-crm film asset add the-roundup-punishment ~/Downloads/still-03.jpg
            --kind still --caption "Ma Seok-do (Ma Dong-seok)"
    """
    from roundup_crm.services.assets import add_asset

    assets_dir = app.settings.assets_dir
    with app.db.begin() as session:
        added = add_asset(
            session, film_name, file, kind=kind, caption=caption, assets_dir=assets_dir
        )
        click.echo(
            f"added {added.kind.value} {added.path} ({added.width}x{added.height}) "
            f"[{added.short_id}]"
        )


@asset.command("list")
@click.argument("film_name", metavar="FILM")
@format_option
@pass_app
def asset_list(app: App, film_name: str, fmt: str) -> None:
    """List a film's posters and stills (paths are inside the asset folder).

    Example:

        roundup-crm film asset list the-roundup-punishment --format json
    """
    from roundup_crm.services.films import show_film

    with app.db.begin(readonly=True) as session:
        rows = show_film(session, film_name)["assets"]
    emit(rows, fmt=fmt, columns=["id", "kind", "path", "media_type", "width", "height", "caption"])


# --- Festivals, quotes, box office ---------------------------------------------------


@film.group()
def festival() -> None:
    """Festival selections and awards.

    Example:

        roundup-crm film festival add the-roundup-punishment Berlinale 2024
            --section "Berlinale Special Gala"
    """


@festival.command("add")
@click.argument("film_name", metavar="FILM")
@click.argument("festival_name", metavar="FESTIVAL")
@click.argument("year")
@click.option("--section", help='Section ("Berlinale Special Gala").')
@click.option("--award", help="Award the film was nominated for or won.")
@click.option("--won", is_flag=True, help="The award was won (not only a nomination).")
@pass_app
def festival_add(
    app: App,
    film_name: str,
    festival_name: str,
    year: str,
    section: str | None,
    award: str | None,
    won: bool,
) -> None:
    """Record a festival selection or award.

    Example:

        roundup-crm film festival add the-roundup-punishment Berlinale 2024
            --section "Berlinale Special Gala"
    """
    from roundup_crm.services.films import add_festival

    with app.db.begin() as session:
        entry = add_festival(
            session,
            film_name,
            festival=festival_name,
            year=year,
            section=section,
            award=award,
            won=won,
        )
        click.echo(
            f"recorded {entry.festival} {entry.year} for {entry.film.slug} [{entry.short_id}]"
        )


@festival.command("list")
@click.argument("film_name", metavar="FILM")
@format_option
@pass_app
def festival_list(app: App, film_name: str, fmt: str) -> None:
    """List a film's festivals and awards.

    Example:

        roundup-crm film festival list the-roundup-punishment
    """
    from roundup_crm.services.films import show_film

    with app.db.begin(readonly=True) as session:
        rows = show_film(session, film_name)["festivals"]
    emit(rows, fmt=fmt, columns=["id", "year", "festival", "section", "award", "won"])


@film.group()
def quote() -> None:
    """Press quotes for the press kit.

    Example:

        roundup-crm film quote add the-roundup "Pure crowd-pleasing mayhem" --source Variety
    """


@quote.command("add")
@click.argument("film_name", metavar="FILM")
@click.argument("text")
@click.option("--source", required=True, help="Publication or critic.")
@click.option("--order", help="Position in the press kit (default: last).")
@pass_app
def quote_add(app: App, film_name: str, text: str, source: str, order: str | None) -> None:
    """Add a press quote.

    Example:

        roundup-crm film quote add the-roundup "Pure crowd-pleasing mayhem" --source Variety
    """
    from roundup_crm.services.films import add_quote

    with app.db.begin() as session:
        item = add_quote(session, film_name, quote=text, source=source, order=order)
        click.echo(f"added quote from {item.source} to {item.film.slug} [{item.short_id}]")


@quote.command("list")
@click.argument("film_name", metavar="FILM")
@format_option
@pass_app
def quote_list(app: App, film_name: str, fmt: str) -> None:
    """List a film's press quotes.

    Example:

        roundup-crm film quote list the-roundup
    """
    from roundup_crm.services.films import show_film

    with app.db.begin(readonly=True) as session:
        rows = show_film(session, film_name)["quotes"]
    emit(rows, fmt=fmt, columns=["id", "quote", "source"])


@film.group()
def boxoffice() -> None:
    """Box office and admissions, per country, with date and source.

    Example:

        roundup-crm film boxoffice add the-roundup KR --admissions 12693415 --source KOFIC
    """


@boxoffice.command("add")
@click.argument("film_name", metavar="FILM")
@click.argument("country")
@click.option("--admissions", help="Tickets sold.")
@click.option("--gross", help='Takings, "98.2m USD" or an amount with --currency.')
@click.option("--currency", help="Currency of --gross (ISO 4217).")
@click.option("--as-of", help="Date the figure was true on.")
@click.option("--source", help="Where the figure comes from (KOFIC, Box Office Mojo...).")
@pass_app
def boxoffice_add(
    app: App,
    film_name: str,
    country: str,
    admissions: str | None,
    gross: str | None,
    currency: str | None,
    as_of: str | None,
    source: str | None,
) -> None:
    """Record admissions and/or gross in one country.

    Example:

        roundup-crm film boxoffice add the-roundup KR --admissions 12693415
            --gross "98.2m USD" --as-of 2022-08-31 --source KOFIC
    """
    from roundup_crm.services.films import add_box_office

    with app.db.begin() as session:
        fact = add_box_office(
            session,
            film_name,
            country=country,
            admissions=admissions,
            gross=gross,
            currency=currency,
            as_of=as_of,
            source=source,
        )
        click.echo(f"recorded box office in {fact.country} for {fact.film.slug} [{fact.short_id}]")


@boxoffice.command("list")
@click.argument("film_name", metavar="FILM")
@format_option
@pass_app
def boxoffice_list(app: App, film_name: str, fmt: str) -> None:
    """List a film's box office facts.

    Example:

        roundup-crm film boxoffice list the-roundup --format csv
    """
    from roundup_crm.services.films import show_film

    with app.db.begin(readonly=True) as session:
        rows = show_film(session, film_name)["box_office"]
    emit(
        rows,
        fmt=fmt,
        columns=["id", "country", "admissions", "gross", "currency", "as_of", "source"],
    )

"""`roundup-crm presskit`: a film's press kit or one-page sales sheet as PDF (or HTML)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from roundup_crm.cli.app import App, pass_app


@click.command()
@click.argument("films", metavar="FILM", nargs=-1)
@click.option("--all", "every_film", is_flag=True, help="Every film in the catalogue.")
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="File to write (`-` for standard output), or a folder: one file per film there.",
)
@click.option(
    "--lang",
    "langs",
    multiple=True,
    default=("en",),
    show_default=True,
    metavar="en|ko",
    help="Language of the labels and texts; repeat for both (--lang en --lang ko).",
)
@click.option("--sheet", is_flag=True, help="The one-page sales sheet for buyers instead.")
@click.option("--html", is_flag=True, help="Write the HTML instead of the PDF.")
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="ROUNDUP_TEMPLATES",
    help="Your folder of branded templates; files it lacks come from the shipped ones.",
)
@click.option(
    "--market", metavar="MARKET", help="Market whose screenings to list (default: the current one)."
)
@click.option(
    "--contact",
    "contacts",
    multiple=True,
    metavar="AGENT",
    help="Team member (login or full name) to list as sales contact; repeatable.",
)
@pass_app
def presskit(
    app: App,
    films: tuple[str, ...],
    every_film: bool,
    output: str | None,
    langs: tuple[str, ...],
    sheet: bool,
    html: bool,
    templates: Path | None,
    market: str | None,
    contacts: tuple[str, ...],
) -> None:
    """Make a film's press kit or one-page sales sheet, in English or Korean.

    The file name defaults to `<slug>-presskit-<lang>.pdf` (`<slug>-sheet-<lang>.pdf`
    with --sheet). Sales and press contacts come from the [company] section of
    config.toml in your data folder (see the README), or from --contact.

    Example:

    \b
        roundup-crm presskit the-roundup-punishment --lang ko
        roundup-crm presskit "The Roundup: Punishment" --sheet --market "EFM 2026"
        roundup-crm presskit --all --lang en --lang ko -o presskits/
    """
    from roundup_crm.cli.output import progress
    from roundup_crm.documents.worker import pdf_worker
    from roundup_crm.errors import InvalidInput

    if every_film and films:
        raise click.UsageError("give film names or --all, not both")
    if not every_film and not films:
        raise click.UsageError("name a film (slug or title), or use --all")
    if templates is not None and not templates.is_dir():
        raise InvalidInput("templates", str(templates), "not a folder")
    # Entered first: the worker imports WeasyPrint while this process reads the films.
    with pdf_worker(not html, templates, [app.settings.assets_dir]) as worker:
        from roundup_crm.services.presskit import (
            PressKitRenderer,
            Request,
            check_language,
            read_presskits,
            refused_summary,
        )
        from roundup_crm.services.sales_company import load_sales_company

        requests = [
            Request(lang=check_language(lang), sheet=sheet) for lang in dict.fromkeys(langs)
        ]
        batch = every_film or len(films) * len(requests) > 1
        if batch and output is not None and (output == "-" or Path(output).is_file()):
            raise InvalidInput("output", output, "several files need a folder")

        company = load_sales_company()
        with app.db.begin() as session:
            kits = read_presskits(
                session,
                None if every_film else films,
                requests=requests,
                market=market,
                company=company,
                contacts=contacts,
                assets_dir=app.settings.assets_dir,
            )
        if not kits:
            click.echo("No films in the catalogue.", err=True)
            return

        renderer = PressKitRenderer(templates, app.settings.assets_dir, worker)
        folder = _folder(output, batch)
        written: list[Path] = []
        documents = []
        for document in progress(
            renderer.render_all(kits, html=html), total=len(kits), label="press kits"
        ):
            documents.append(document)
            if output == "-":
                sys.stdout.buffer.write(document.content)
                continue
            target = folder / document.filename if folder is not None else Path(output or "")
            target.write_bytes(document.content)
            written.append(target)

        warning = refused_summary(documents)
        if warning:
            click.echo(warning, err=True)
        if len(written) == 1:
            click.echo(str(written[0]))
        elif written:
            kind = "sales sheets" if sheet else "press kits"
            click.echo(f"wrote {len(written)} {kind} to {folder}")


def _folder(output: str | None, batch: bool) -> Path | None:
    """Where files go by their default names, or None when `output` names the one file."""
    if output is None:
        return Path.cwd()
    if output == "-":
        return None
    path = Path(output)
    if batch or path.is_dir() or output.endswith(("/", "\\")):
        path.mkdir(parents=True, exist_ok=True)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    return None

"""`roundup-crm import`: buyer lists from CSV/XLSX, and full JSON backups."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import progress

if TYPE_CHECKING:
    from roundup_crm.io.buyers import ImportReport

LISTED_DUPLICATES = 20


@click.group(name="import")
def import_group() -> None:
    """Import buyer lists (CSV, XLSX) or a full JSON export.

    Example:

        roundup-crm import contacts efm-2026-attendees.xlsx --dry-run
    """


def _buyer_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("file", type=click.Path(path_type=Path, dir_okay=False)),
        click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing."),
        click.option(
            "--map",
            "maps",
            multiple=True,
            metavar="COLUMN=FIELD",
            help="Read COLUMN as FIELD (FIELD - skips the column). Repeatable.",
        ),
        click.option(
            "--on-duplicate",
            type=click.Choice(["skip", "update", "error"]),
            default="skip",
            show_default=True,
            help="What to do with a company or contact already in the database.",
        ),
        click.option(
            "--sheet", metavar="NAME", help="Worksheet of an .xlsx file (default: first)."
        ),
        click.option(
            "--encoding",
            metavar="NAME",
            help="Text encoding of a CSV file (default: detected; e.g. cp1252, cp949, utf-16).",
        ),
        click.option(
            "--skip-invalid",
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="FILE",
            help="Write bad rows to FILE (CSV) and import the rest.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run(app: App, kind: str, file: Path, **options: Any) -> None:
    from roundup_crm.errors import InvalidInput
    from roundup_crm.io.buyers import RejectWriter, import_buyers, open_buyer_file

    mapping: dict[str, str] = {}
    for item in options.pop("maps"):
        column, sep, target = item.rpartition("=")
        if not sep or not column:
            raise InvalidInput("--map", item, "expected COLUMN=FIELD")
        mapping[column] = target.strip()
    reject_path = options.pop("skip_invalid")
    rejects = RejectWriter(reject_path) if reject_path is not None else None
    dry_run = options["dry_run"]
    # Opened before the database: a big file is read by a helper process forked here.
    with (
        open_buyer_file(
            file,
            kind=kind,  # type: ignore[arg-type]
            mapping=mapping,
            encoding=options.pop("encoding"),
            sheet=options.pop("sheet"),
            keep_cells=rejects is not None,
            database_url=app.settings.database_url,
        ) as rows,
        app.db.begin(readonly=dry_run) as session,
    ):
        report = import_buyers(
            session,
            rows,
            rejects=rejects,
            track=lambda rows: progress(rows, label=f"importing {file.name}"),
            **options,
        )
    _print_report(report, reject_path)


def _print_report(report: ImportReport, reject_path: Path | None) -> None:
    from roundup_crm.io.buyers import OUTCOMES

    head = "Dry run, nothing written" if report.dry_run else "Imported"
    click.echo(f"{head}: {report.source}, {report.rows} rows")
    click.echo("columns: " + ", ".join(f"{h} -> {f}" for h, f in report.mapped.items()))
    if report.ignored:
        click.echo("ignored columns: " + ", ".join(report.ignored))
    width = max(len(o) for o in OUTCOMES)
    for outcome, meaning in OUTCOMES.items():
        count = report.counts[outcome]
        if not count:
            continue
        click.echo(f"  {outcome.ljust(width)}  {count:>8}  {meaning}")
        if report.dry_run:
            for example in report.examples.get(outcome, []):
                click.echo(f"      {example}")
            if count > len(report.examples.get(outcome, [])):
                click.echo(f"      ... and {count - len(report.examples[outcome])} more")
    if not report.changed and not report.dry_run:
        click.echo("Nothing new: the database already holds everything in this file.")
    if report.rejected and reject_path is not None:
        click.echo(f"{report.rejected} bad row(s) set aside in {reject_path}")
    duplicates = report.possible_duplicates
    if duplicates:
        click.echo(
            f"{len(duplicates)} possible duplicate(s), nothing merged "
            "(review with `roundup-crm dedupe companies`, merge with `roundup-crm company merge`):"
        )
        for dup in duplicates[:LISTED_DUPLICATES]:
            click.echo(
                f"  line {dup.line}: {dup.name!r} ({dup.country or 'no country'}) "
                f"is like {dup.similar_to!r} ({dup.score:.0f}%)"
            )
        if len(duplicates) > LISTED_DUPLICATES:
            click.echo(f"  ... and {len(duplicates) - LISTED_DUPLICATES} more")


@import_group.command()
@_buyer_options
@pass_app
def companies(app: App, file: Path, **options: Any) -> None:
    """Import companies from a CSV or XLSX file (contacts on the same rows come too).

    Headers such as Company, Organisation, Country, Territory, Type, Website map
    themselves; use --map for the rest. Companies match on name (legal form, case,
    accents ignored) and country, so importing a file twice changes nothing. Any bad
    row stops the import with nothing written, unless --skip-invalid sets it aside.

    Example:

        roundup-crm import companies buyers.csv --dry-run --map "Firma=company"
    """
    _run(app, "companies", file, **options)


@import_group.command()
@_buyer_options
@pass_app
def contacts(app: App, file: Path, **options: Any) -> None:
    """Import contacts (and their companies) from a CSV or XLSX file.

    Headers such as Name, Contact, First Name, Last Name, E-mail, Phone, Title,
    Company map themselves; use --map for the rest. Contacts match on email (or on
    name within their company), so importing a file twice changes nothing.

    Example:

        roundup-crm import contacts efm-attendees.xlsx --sheet Buyers --on-duplicate update
    """
    _run(app, "contacts", file, **options)


@import_group.command(name="all")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@pass_app
def import_all(app: App, file: Path) -> None:
    """Load a JSON export (`roundup-crm export`) into an empty database.

    Ids, timestamps, versions, history and the audit log come back as they were, so
    a team can move from a laptop's SQLite to a shared PostgreSQL server and back.

    Example:

        roundup-crm --db postgresql://crm@db.example/roundup import all roundup.json
    """
    from roundup_crm.io.backup import import_json, open_export

    # Opened before the database: a big file is read by a helper process forked here.
    with (
        open_export(file, database_url=app.settings.database_url) as export,
        app.db.begin() as session,
    ):
        counts = import_json(session, export)
    click.echo(f"imported {sum(counts.values())} rows into {len(counts)} tables from {file.name}")

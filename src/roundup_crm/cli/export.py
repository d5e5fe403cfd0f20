"""`roundup-crm export`: the whole database as JSON, or contacts for address books."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from roundup_crm.cli.app import App, pass_app


@click.group(invoke_without_command=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json"]),
    default="json",
    show_default=True,
    help="Export format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (default: standard output).",
)
@click.option(
    "--only",
    metavar="GROUPS",
    help="Comma-separated: films, companies, contacts, markets, meetings, opportunities, "
    "deals, followups, exchange-rates, territories, agents, audit.",
)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None, only: str | None) -> None:
    """Export everything (or some records) as JSON, losslessly.

    The file keeps ids, timestamps, versions, history and the audit log, so
    `roundup-crm import all FILE` rebuilds the same database elsewhere: from a
    laptop's SQLite to the team's PostgreSQL, and back.

    Example:

        roundup-crm export --format json -o roundup-2026-02-20.json
    """
    if ctx.invoked_subcommand is not None:
        return
    from roundup_crm.errors import InvalidInput
    from roundup_crm.io.backup import JsonWriter, export_json, export_sink

    app = ctx.find_object(App)
    assert app is not None
    groups = [g for g in only.split(",") if g.strip()] if only else None
    if output is None:
        with app.db.begin(readonly=True) as session:
            export_json(session, JsonWriter(sys.stdout, app.db.engine.dialect), only=groups)
        return
    if not output.parent.is_dir():
        raise InvalidInput("--output", str(output), "no such folder")
    partial = output.with_name(output.name + ".partial")
    try:
        # Opened before the database: from SQLite, a helper process forked here writes.
        with (
            export_sink(partial, database_url=app.settings.database_url) as sink,
            app.db.begin(readonly=True) as session,
        ):
            counts = export_json(session, sink, only=groups)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
    click.echo(
        f"exported {sum(counts.values())} rows from {len(counts)} tables to {output}", err=True
    )


@export.command(name="contacts")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["vcf", "csv", "xlsx"]),
    default="vcf",
    show_default=True,
    help="vcf for address books, csv or xlsx for spreadsheets.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (default: standard output; required for xlsx).",
)
@click.option("--company", metavar="NAME", help="Only the contacts of this company.")
@pass_app
def export_contacts(app: App, fmt: str, output: Path | None, company: str | None) -> None:
    """Export contacts as vCards, CSV or XLSX (erased people are left out).

    Spreadsheet cells that would run as formulas are neutralised.

    Example:

        roundup-crm export contacts --format xlsx -o buyers.xlsx
    """
    from roundup_crm.errors import InvalidInput
    from roundup_crm.io import contacts as writers

    if fmt == "xlsx" and output is None:
        raise InvalidInput("--output", "", "xlsx is a binary file: give -o FILE.xlsx")
    with app.db.begin(readonly=True) as session:
        cards = writers.contact_cards(session, company=company)
        if fmt == "xlsx":
            assert output is not None
            with output.open("wb") as binary:
                count = writers.write_xlsx(cards, binary)
        elif output is None:
            count = (writers.write_vcf if fmt == "vcf" else writers.write_csv)(cards, sys.stdout)
        else:
            newline = "" if fmt == "vcf" else None
            with output.open("w", encoding="utf-8", newline=newline) as text:
                count = (writers.write_vcf if fmt == "vcf" else writers.write_csv)(cards, text)
    if output is not None:
        click.echo(f"exported {count} contacts to {output}", err=True)

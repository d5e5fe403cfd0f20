"""`roundup-crm avails FILM`: where a film is sold, under offer, or open, by right."""

from __future__ import annotations

import csv
import json
import sys
from typing import TYPE_CHECKING, Any

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, format_option, neutralise, plain

if TYPE_CHECKING:
    from roundup_crm.services.avails import Avails, Cell


def _short(cell: Cell) -> str:
    if cell.sales:
        sale = cell.sales[0]
        more = f" +{len(cell.sales) - 1}" if len(cell.sales) > 1 else ""
        nx = "*" if not sale.exclusive else ""
        return f"sold {sale.buyer}{nx}{more} to {sale.term_end:%Y-%m}"
    if cell.offers:
        more = f" +{len(cell.offers) - 1}" if len(cell.offers) > 1 else ""
        return f"offer {cell.offers[0]}{more}"
    return "open"


def _cell_json(cell: Cell) -> dict[str, Any]:
    return {
        "status": cell.status,
        "sold_to": [
            {
                "buyer": s.buyer,
                "deal": s.deal_ref,
                "term_start": s.term_start,
                "term_end": s.term_end,
                "exclusive": s.exclusive,
            }
            for s in cell.sales
        ],
        "offers": list(cell.offers),
    }


def _json(grid: Avails) -> str:
    codes = grid.right_codes
    data = {
        "film": grid.film,
        "title": grid.title,
        "on": grid.on,
        "rights": list(codes),
        "counts": grid.counts(),
        "groups": [
            {
                "label": g.label,
                "countries": list(g.countries),
                "cells": {code: _cell_json(c) for code, c in zip(codes, g.cells, strict=True)},
            }
            for g in grid.compact()
        ],
        "countries": [
            {
                "country": r.country,
                "name": r.name,
                "cells": {code: _cell_json(c) for code, c in zip(codes, r.cells, strict=True)},
            }
            for r in grid.rows
        ],
    }
    return json.dumps(plain(data), ensure_ascii=False, indent=2)


def _csv(grid: Avails) -> None:
    """One line per country and right: the shape a spreadsheet filters best."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["country", "name", "right", "status", "buyer", "deal", "term_end", "offers"])
    for row in grid.rows:
        for right, cell in zip(grid.right_codes, row.cells, strict=True):
            sale = cell.sales[0] if cell.sales else None
            writer.writerow(
                [
                    row.country,
                    neutralise(row.name),
                    right,
                    cell.status,
                    neutralise(sale.buyer) if sale else "",
                    sale.deal_ref if sale else "",
                    sale.term_end.isoformat() if sale else "",
                    neutralise("; ".join(cell.offers)),
                ]
            )


@click.command()
@click.argument("film")
@click.option("--on", "on", help="Avails on this date (default today).")
@click.option(
    "--rights", "rights", multiple=True, help="Only these rights (svod, theatrical; repeatable)."
)
@click.option("--full", is_flag=True, help="One line per country instead of grouping them.")
@format_option
@pass_app
def avails(
    app: App, film: str, on: str | None, rights: tuple[str, ...], full: bool, fmt: str
) -> None:
    """Show a film's avails: territories x rights sold (to whom, until when), under offer, open.

    Countries with the same situation are grouped on one line (--full lists each). JSON
    gives both views; CSV gives one line per country and right.

    Example:

        roundup-crm avails the-roundup-punishment --rights theatrical --rights svod
    """
    from roundup_crm.services.avails import film_avails
    from roundup_crm.services.parsing import parse_date
    from roundup_crm.services.territories import find_rights

    with app.db.begin(readonly=True) as session:
        day = parse_date(on, field="on") if on else None
        wanted = [r.code for r in find_rights(session, rights)] if rights else None
        grid = film_avails(session, film, on=day, rights=wanted)
    if fmt == "json":
        click.echo(_json(grid))
        return
    if fmt == "csv":
        _csv(grid)
        return
    codes = grid.right_codes
    if full:
        lines = [
            {
                "territory": f"{r.name} ({r.country})",
                **{c: _short(x) for c, x in zip(codes, r.cells, strict=True)},
            }
            for r in grid.rows
        ]
    else:
        lines = [
            {"territory": g.label, **{c: _short(x) for c, x in zip(codes, g.cells, strict=True)}}
            for g in grid.compact()
        ]
    counts = grid.counts()
    emit(
        lines,
        fmt="table",
        columns=["territory", *codes],
        title=f"Avails: {grid.title} on {grid.on}",
    )
    click.echo(
        f"{counts['sold']} sold, {counts['offer']} under offer, {counts['open']} open "
        "(country x right; * non-exclusive)"
    )

"""`roundup-crm search`: find films, buyers, people and meeting notes by a few words."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, format_option


@click.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", default="20", show_default=True, help="At most this many per kind.")
@format_option
@pass_app
def search(app: App, text: tuple[str, ...], limit: str, fmt: str) -> None:
    """Search films, companies, contacts and meeting notes (accents and case ignored).

    Every word must occur; "cine lumiere" finds "Ciné-Lumière", Hangul works too.

    Example:

        roundup-crm search cine lumiere
    """
    from roundup_crm.services.parsing import parse_int
    from roundup_crm.services.search import search as run_search

    with app.db.begin(readonly=True) as session:
        hits = run_search(session, " ".join(text), limit=parse_int(limit, field="limit", minimum=1))
    emit(
        [h.row() for h in hits],
        fmt=fmt,
        columns=["kind", "id", "name", "detail"],
        empty="Nothing found.",
    )

"""`roundup-crm history`: who changed a record, what, and when."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, format_option


@click.command()
@click.argument("name", metavar="OBJECT")
@click.option("--limit", help="Only the newest this many changes.")
@format_option
@pass_app
def history(app: App, name: str, limit: str | None, fmt: str) -> None:
    """Show who changed a film, company, contact or market, what and when.

    OBJECT is a film slug or title, a company or contact name, a market, or any id.
    A film's history includes its credits, festivals, quotes, box office and artwork;
    a company's includes its contacts.

    Example:

        roundup-crm history the-roundup-punishment --limit 20
    """
    from roundup_crm.services.history import history as read_history

    with app.db.begin(readonly=True) as session:
        found = read_history(session, name, limit=limit)
    emit(
        found["entries"],
        fmt=fmt,
        columns=["at", "agent", "action", "record", "id", "summary", "changes"],
        title=f"History of {found['object']}" if fmt == "table" else None,
        empty=f"No recorded changes to {found['object']}.",
    )

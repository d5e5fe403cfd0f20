"""`roundup-crm dedupe`: companies that are probably one buyer entered twice."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, format_option


@click.group()
def dedupe() -> None:
    """Find records that are probably the same buyer entered twice.

    Example:

        roundup-crm dedupe companies --threshold 85
    """


@dedupe.command()
@click.option(
    "--threshold",
    type=click.IntRange(50, 100),
    default=90,
    show_default=True,
    help="How alike two names must be (0-100) after case, accents and legal forms.",
)
@click.option("--country", help="Only companies based in this country.")
@format_option
@pass_app
def companies(app: App, threshold: int, country: str | None, fmt: str) -> None:
    """List pairs of companies in one country whose names are alike.

    Nothing is merged: review the pairs, then `roundup-crm company merge A B`.

    Example:

        roundup-crm dedupe companies --country DE
    """
    from roundup_crm.services.dedupe import likely_duplicates

    with app.db.begin(readonly=True) as session:
        pairs = likely_duplicates(session, threshold=threshold, country=country)
    rows = [
        {
            "company": p.first.name,
            "duplicate": p.second.name,
            "country": p.first.country,
            "score": round(p.score),
            "merge": f'roundup-crm company merge "{p.first.name}" "{p.second.name}"',
        }
        for p in pairs
    ]
    emit(
        rows,
        fmt=fmt,
        columns=["company", "duplicate", "country", "score", "merge"],
        empty="No likely duplicates.",
    )

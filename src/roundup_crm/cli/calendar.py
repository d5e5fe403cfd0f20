"""Writing a market's calendar file for `schedule --ics`."""

from __future__ import annotations

from pathlib import Path

import click

from roundup_crm.cli.app import App


def write_market_calendar(app: App, *, market: str, day: str | None, path: Path) -> None:
    """Write the .ics file and say how many events it holds."""
    from roundup_crm.io.ics import market_calendar, to_ics

    with app.db.begin(readonly=True) as session:
        calendar = market_calendar(session, market=market, day=day)
    path.write_bytes(to_ics(calendar))
    click.echo(f"wrote {len(calendar.events)} events of {calendar.market} to {path}")

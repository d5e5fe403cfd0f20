"""`roundup-crm schedule`: the day's plan at the stand, clashes flagged."""

from __future__ import annotations

from pathlib import Path

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, format_option


@click.command()
@click.option("--market", required=True, help="Market name (unique prefix is enough).")
@click.option("--day", help="The day, in the market's zone (default today, or its first day).")
@click.option("--agent", help="Only this agent's meetings.")
@click.option(
    "--ics",
    "ics_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Write the market's meetings and screenings (all days, or --day) to an iCalendar file.",
)
@format_option
@pass_app
def schedule(
    app: App, market: str, day: str | None, agent: str | None, fmt: str, ics_file: Path | None
) -> None:
    """Show the day's plan at a market: meetings and screenings, clashes flagged.

    Times are in the market's zone. A clash is two meetings of one agent that overlap,
    or a meeting about a film held while that film is screening.

    Example:

        roundup-crm schedule --market "EFM 2026" --day 2026-02-14
        roundup-crm schedule --market "EFM 2026" --ics efm-2026.ics
    """
    if ics_file is not None:
        from roundup_crm.cli.calendar import write_market_calendar

        write_market_calendar(app, market=market, day=day, path=ics_file)
        return
    from roundup_crm.services.meetings import day_plan

    with app.db.begin(readonly=True) as session:
        plan = day_plan(session, market=market, day=day, agent=agent)
    rows = [
        {
            "id": item.ref,
            "kind": item.kind,
            "start": item.starts_at.strftime("%H:%M") if fmt == "table" else item.starts_at,
            "end": item.ends_at.strftime("%H:%M") if fmt == "table" else item.ends_at,
            "what": item.title,
            "contacts": list(item.contacts),
            "films": list(item.films),
            "place": item.place,
            "agent": item.agent,
            "status": item.status,
            "clash": "; ".join(item.clashes) if fmt != "json" else list(item.clashes),
        }
        for item in plan.items
    ]
    title = f"{plan.market}, {plan.day:%A %d %B %Y} ({plan.timezone})"
    if plan.stand:
        title += f", stand {plan.stand}"
    emit(rows, fmt=fmt, title=title, empty=f"Nothing planned on {plan.day} at {plan.market}.")
    if fmt == "table" and plan.clash_count:
        click.echo(f"{plan.clash_count} item(s) clash", err=True)

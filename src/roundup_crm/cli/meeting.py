"""`roundup-crm meeting`: log a market meeting in seconds, plan meetings, look them up."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, emit_record, format_option


@click.group()
def meeting() -> None:
    """Log, schedule, list and show market meetings.

    Example:

        roundup-crm meeting log --market "EFM 2026" --company Splendid --film the-roundup:hot
    """


def _meeting_options(func: click.decorators.FC) -> click.decorators.FC:
    for decorator in reversed(
        [
            click.option(
                "--market",
                help="Market name (unique prefix is enough); leave out for a meeting elsewhere.",
            ),
            click.option(
                "--tz",
                metavar="ZONE",
                help="Without --market: the zone of --at, e.g. Asia/Seoul (default: this "
                "computer's).",
            ),
            click.option("--company", required=True, help="The buyer met."),
            click.option("--contact", "contacts", multiple=True, help="Who came (repeatable)."),
            click.option("--duration", type=int, help="Minutes (default 30)."),
            click.option("--place", help="Where (default: our stand)."),
            click.option("--note", help="What was said."),
        ]
    ):
        func = decorator(func)
    return func


@meeting.command("log")
@_meeting_options
@click.option(
    "--at",
    help="When, in the market's zone (or --tz): 10:30 or 2026-02-14 10:30 (default now).",
)
@click.option(
    "--film",
    "films",
    multiple=True,
    metavar="SLUG[:hot|warm|cold|pass]",
    help="A film discussed and the buyer's interest (repeatable).",
)
@click.option("--followup", help="What to do next (owned by you).")
@click.option("--due", help="When the follow-up is due: 2026-02-20, tomorrow, +3d.")
@click.option(
    "--status",
    default="held",
    show_default=True,
    help="held, no-show or cancelled.",
)
@pass_app
def log(
    app: App,
    market: str | None,
    tz: str | None,
    company: str,
    contacts: tuple[str, ...],
    duration: int | None,
    place: str | None,
    note: str | None,
    at: str | None,
    films: tuple[str, ...],
    followup: str | None,
    due: str | None,
    status: str,
) -> None:
    """Record a meeting, the films discussed, a note and a follow-up in one go.

    Each film's opportunity with the buyer is created (at `pitched`) or updated; `pass`
    moves it to lost ("passed at <market>"). A meeting scheduled with the buyer at that
    time is filled in rather than duplicated. Without --market (a visit, a call), --at is
    read in --tz or this computer's time zone.

    Example:

        roundup-crm meeting log --market EFM --company "Splendid Film" --contact "Anna Weber"
          --at 10:30 --film the-roundup-punishment:hot --film the-outlaws:pass
          --note "wants theatrical + SVOD" --followup "send screener" --due +2d
    """
    from roundup_crm.services.meetings import log_meeting

    with app.db.begin() as session:
        logged = log_meeting(
            session,
            market=market,
            tz=tz,
            company=company,
            contacts=contacts,
            at=at,
            duration=duration,
            place=place,
            note=note,
            films=films,
            followup=followup,
            due=due,
            status=status,
        )
        verb = "filled in scheduled meeting" if logged.filled_in else "logged meeting"
        where = f"at {logged.market} " if logged.market else ""
        click.echo(
            f"{verb} {logged.meeting.short_id} {where}"
            f"{logged.local_start:%Y-%m-%d %H:%M %Z} ({logged.meeting.status.value})"
        )
        for outcome in logged.outcomes:
            change = "new" if outcome.created else ""
            if outcome.moved_from:
                change = f"{outcome.moved_from} -> {outcome.stage}"
            click.echo(
                f"  {outcome.film}  {outcome.interest or '-'}  opportunity "
                f"{outcome.opportunity_ref} {outcome.stage}" + (f" ({change})" if change else "")
            )
        if logged.followup is not None:
            due_text = f" due {logged.followup.due_on}" if logged.followup.due_on else ""
            click.echo(f"  follow-up {logged.followup.short_id}: {logged.followup.title}{due_text}")


@meeting.command()
@_meeting_options
@click.option(
    "--at", required=True, help="When, in the market's zone (or --tz): 2026-02-14 10:30."
)
@click.option("--film", "films", multiple=True, metavar="SLUG", help="A film to pitch.")
@pass_app
def schedule(
    app: App,
    market: str | None,
    tz: str | None,
    company: str,
    contacts: tuple[str, ...],
    duration: int | None,
    place: str | None,
    note: str | None,
    at: str,
    films: tuple[str, ...],
) -> None:
    """Plan a meeting (status scheduled); clashes with your day are reported.

    Example:

        roundup-crm meeting schedule --market EFM --company "Splendid Film"
          --at "2026-02-14 10:30" --film the-roundup-punishment
    """
    from roundup_crm.services.meetings import schedule_meeting

    with app.db.begin() as session:
        planned, clashes = schedule_meeting(
            session,
            market=market,
            tz=tz,
            company=company,
            contacts=contacts,
            at=at,
            duration=duration,
            place=place,
            note=note,
            films=films,
        )
        click.echo(f"scheduled meeting {planned.short_id}")
    for clash in clashes:
        click.echo(f"warning: clash: {clash}", err=True)


@meeting.command("list")
@click.option("--market", help="Only this market.")
@click.option("--day", help="Only this day, in the market's zone.")
@click.option("--company", help="Only meetings with this buyer.")
@click.option("--agent", help="Only meetings of this agent.")
@click.option("--status", help="scheduled, held, cancelled or no-show.")
@format_option
@pass_app
def list_(
    app: App,
    market: str | None,
    day: str | None,
    company: str | None,
    agent: str | None,
    status: str | None,
    fmt: str,
) -> None:
    """List meetings in time order (times in the market's zone).

    Example:

        roundup-crm meeting list --market "EFM 2026" --day 2026-02-14
    """
    from roundup_crm.services.meetings import list_meetings

    with app.db.begin(readonly=True) as session:
        rows = list_meetings(
            session, market=market, day=day, company=company, agent=agent, status=status
        )
    emit(
        [r.as_dict() for r in rows],
        fmt=fmt,
        columns=[
            "id",
            "starts",
            "minutes",
            "market",
            "company",
            "contacts",
            "films",
            "agent",
            "status",
            "place",
        ],
        empty="No meetings.",
    )


@meeting.command()
@click.argument("meeting_id", metavar="ID")
@format_option
@pass_app
def show(app: App, meeting_id: str, fmt: str) -> None:
    """Show one meeting: who, when, films discussed, notes and follow-ups.

    Example:

        roundup-crm meeting show 3f2a9c1e
    """
    from roundup_crm.services.lookup import find_meeting
    from roundup_crm.services.meetings import meeting_view

    with app.db.begin(readonly=True) as session:
        view = meeting_view(session, find_meeting(session, meeting_id))
    record = view.row.as_dict()
    record["notes"] = view.row.notes
    record["followups"] = [
        f"{f.title} (due {f.due_on or '-'}{', done' if f.done else ''}) [{f.id.hex[:8]}]"
        for f in view.followups
    ]
    emit_record(record, fmt=fmt, title=f"Meeting with {view.row.company}")

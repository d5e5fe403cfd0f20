"""`roundup-crm market` and `roundup-crm screening`: market editions and what happens there."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, emit_record, format_option

SCREENING_COLUMNS = ["id", "at", "kind", "film", "title", "venue", "minutes", "invited", "attended"]


@click.group()
def market() -> None:
    """Add, list and show markets (EFM, Cannes, AFM...), each in its own time zone.

    Example:

        roundup-crm market add "EFM 2026" --city Berlin --from 2026-02-12 --to 2026-02-18
            --timezone Europe/Berlin
    """


@market.command("add")
@click.argument("name")
@click.option("--from", "starts_on", required=True, help="First day (2026-02-12).")
@click.option("--to", "ends_on", required=True, help="Last day (2026-02-18).")
@click.option("--timezone", required=True, help="IANA zone times are typed in (Europe/Berlin).")
@click.option("--city", help="City.")
@click.option("--venue", help="Venue (Gropius Bau).")
@click.option("--stand", help="Our stand or booth.")
@pass_app
def add(
    app: App,
    name: str,
    starts_on: str,
    ends_on: str,
    timezone: str,
    city: str | None,
    venue: str | None,
    stand: str | None,
) -> None:
    """Add a market edition with its dates, time zone and our stand.

    Example:

        roundup-crm market add "EFM 2026" --city Berlin --venue "Gropius Bau"
            --from 2026-02-12 --to 2026-02-18 --timezone Europe/Berlin --stand "B12"
    """
    from roundup_crm.services.markets import add_market

    with app.db.begin() as session:
        added = add_market(
            session,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            timezone=timezone,
            city=city,
            venue=venue,
            stand=stand,
        )
        click.echo(
            f"added market {added.name} ({added.starts_on} to {added.ends_on}, "
            f"{added.timezone}) [{added.short_id}]"
        )


@market.command("list")
@click.option("--year", help="Only markets starting in this year.")
@format_option
@pass_app
def list_(app: App, year: str | None, fmt: str) -> None:
    """List markets, newest first, with meeting and screening counts.

    Example:

        roundup-crm market list --year 2026
    """
    from roundup_crm.services.markets import list_markets

    with app.db.begin(readonly=True) as session:
        rows = list_markets(session, year=year)
    emit(
        rows,
        fmt=fmt,
        columns=[
            "id",
            "name",
            "city",
            "starts_on",
            "ends_on",
            "timezone",
            "stand",
            "meetings",
            "screenings",
        ],
        empty="No markets yet.",
    )


@market.command("show")
@click.argument("market_name", metavar="MARKET")
@format_option
@pass_app
def show(app: App, market_name: str, fmt: str) -> None:
    """Show a market: dates, zone, stand, meetings per day and status, screenings.

    Times are shown on the market's clock.

    Example:

        roundup-crm market show "EFM 2026"
    """
    from roundup_crm.services.markets import show_market

    with app.db.begin(readonly=True) as session:
        record = show_market(session, market_name)
    if fmt != "table":
        emit_record(record, fmt=fmt)
        return
    screenings = record.pop("screenings")
    by_status = record.pop("meetings_by_status")
    by_day = record.pop("meetings_by_day")
    record["meetings_by_status"] = ", ".join(f"{k} {v}" for k, v in by_status.items())
    record["meetings_by_day"] = ", ".join(f"{k}: {v}" for k, v in by_day.items())
    emit_record(record, title=record["name"])
    if screenings:
        click.echo()
        emit(
            screenings,
            columns=SCREENING_COLUMNS,
            title=f"Screenings and events ({record['timezone']})",
        )


@click.group()
def screening() -> None:
    """Market screenings, press screenings, panels, Q&As and press events.

    Example:

        roundup-crm screening add --market "EFM 2026" --film the-roundup-punishment
            --at "2026-02-14 10:00" --venue "CinemaxX 7"
    """


@screening.command("add")
@click.option("--market", "market_name", required=True, help="Market it happens at.")
@click.option("--film", "film_name", help="Film screened or presented.")
@click.option("--at", "at", required=True, help="Start, on the market's clock (2026-02-14 10:00).")
@click.option("--venue", help="Cinema or room.")
@click.option(
    "--kind",
    default="market-screening",
    show_default=True,
    help="market-screening, press-screening, panel, q-and-a or press-event.",
)
@click.option("--minutes", help="Length (default: the film's runtime).")
@click.option("--title", help="Title of a panel or event.")
@click.option("--notes", help="Notes.")
@pass_app
def screening_add(
    app: App,
    market_name: str,
    film_name: str | None,
    at: str,
    venue: str | None,
    kind: str,
    minutes: str | None,
    title: str | None,
    notes: str | None,
) -> None:
    """Add a screening or event; the time is read in the market's time zone.

    Example:

        roundup-crm screening add --market "EFM 2026" --film the-roundup-punishment
            --at "2026-02-14 10:00" --venue "CinemaxX 7" --kind market-screening
    """
    from roundup_crm.services.markets import add_screening, local

    with app.db.begin() as session:
        added = add_screening(
            session,
            market=market_name,
            film=film_name,
            at=at,
            venue=venue,
            kind=kind,
            minutes=minutes,
            title=title,
            notes=notes,
        )
        when = local(added.starts_at, added.market)
        click.echo(f"added {added.kind.value} at {when:%Y-%m-%d %H:%M %Z} [{added.short_id}]")


@screening.command("list")
@click.option("--market", "market_name", help="Only at this market.")
@click.option("--film", "film_name", help="Only of this film.")
@format_option
@pass_app
def screening_list(app: App, market_name: str | None, film_name: str | None, fmt: str) -> None:
    """List screenings and events, with invitations and attendance.

    Example:

        roundup-crm screening list --market "EFM 2026"
    """
    from roundup_crm.services.markets import list_screenings

    with app.db.begin(readonly=True) as session:
        rows = list_screenings(session, market=market_name, film=film_name)
    emit(rows, fmt=fmt, columns=SCREENING_COLUMNS, empty="No screenings.")


@screening.command("invite")
@click.argument("screening_id", metavar="SCREENING")
@click.option("--company", required=True, help="Buyer invited.")
@click.option("--contact", help="Person invited (at that company).")
@click.option("--attended/--no-show", default=None, help="Record whether they came.")
@pass_app
def screening_invite(
    app: App, screening_id: str, company: str, contact: str | None, attended: bool | None
) -> None:
    """Invite a buyer to a screening, or record that they attended.

    SCREENING is the id shown by `screening list`, or a film with one screening.

    Example:

        roundup-crm screening invite 3fa2c1d0 --company Nordlicht --contact "Anna Becker"
            --attended
    """
    from roundup_crm.services.markets import invite

    with app.db.begin() as session:
        invitation = invite(
            session, screening_id, company=company, contact=contact, attended=attended
        )
        state = {True: "attended", False: "did not come", None: "invited"}[invitation.attended]
        click.echo(f"{state}: screening {invitation.screening.short_id} [{invitation.short_id}]")

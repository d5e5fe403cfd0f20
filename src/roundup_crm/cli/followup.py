"""`roundup-crm followup`: the next steps with buyers, by due date."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, format_option

LIST_COLUMNS = ["id", "due", "title", "company", "contact", "film", "owner", "meeting", "done"]


@click.group()
def followup() -> None:
    """Add, list and complete follow-ups.

    Example:

        roundup-crm followup list --overdue --mine
    """


@followup.command()
@click.argument("title")
@click.option("--due", help="Due date: 2026-02-20, tomorrow, +3d.")
@click.option("--company", help="The buyer it is about.")
@click.option("--contact", help="The person to reach.")
@click.option("--film", help="The film it is about (links the buyer's opportunity).")
@click.option("--opportunity", help="The opportunity id it is about.")
@click.option("--meeting", help="The meeting id it comes from.")
@click.option("--owner", help="The agent who owns it (default: you).")
@click.option("--notes", help="Free text.")
@pass_app
def add(
    app: App,
    title: str,
    due: str | None,
    company: str | None,
    contact: str | None,
    film: str | None,
    opportunity: str | None,
    meeting: str | None,
    owner: str | None,
    notes: str | None,
) -> None:
    """Add a follow-up: what to do, by when, for which buyer.

    Example:

        roundup-crm followup add "send Cannes invitation" --company "Splendid Film" --due +2w
    """
    from roundup_crm.services.followups import add_followup

    with app.db.begin() as session:
        task = add_followup(
            session,
            title=title,
            due=due,
            company=company,
            contact=contact,
            film=film,
            opportunity=opportunity,
            meeting=meeting,
            owner=owner,
            notes=notes,
        )
        click.echo(f"follow-up {task.short_id}" + (f" due {task.due_on}" if task.due_on else ""))


@followup.command("list")
@click.option("--overdue", is_flag=True, help="Only those past their due date.")
@click.option("--agent", help="Only this agent's.")
@click.option("--mine", is_flag=True, help="Only yours.")
@click.option("--company", help="Only those about this buyer.")
@click.option("--all", "include_done", is_flag=True, help="Include those done.")
@format_option
@pass_app
def list_(
    app: App,
    overdue: bool,
    agent: str | None,
    mine: bool,
    company: str | None,
    include_done: bool,
    fmt: str,
) -> None:
    """List open follow-ups by due date (overdue ones flagged).

    Example:

        roundup-crm followup list --overdue --agent mina
    """
    from roundup_crm.services.followups import list_followups

    with app.db.begin(readonly=True) as session:
        rows = list_followups(
            session,
            overdue=overdue,
            agent=agent,
            mine=mine,
            company=company,
            include_done=include_done,
        )
    out = [r.as_dict() for r in rows]
    if fmt == "table":
        for record, row in zip(out, rows, strict=True):
            if row.overdue:
                record["due"] = f"{row.due_on} OVERDUE"
    emit(
        out,
        fmt=fmt,
        columns=[*LIST_COLUMNS, "overdue"] if fmt != "table" else LIST_COLUMNS,
        empty="No follow-ups.",
    )


@followup.command()
@click.argument("followup_id", metavar="ID")
@click.option("--note", help="How it went.")
@pass_app
def done(app: App, followup_id: str, note: str | None) -> None:
    """Mark a follow-up done.

    Example:

        roundup-crm followup done 5d0c81aa --note "screener link sent"
    """
    from roundup_crm.services.followups import complete

    with app.db.begin() as session:
        task = complete(session, followup_id, note=note)
        click.echo(f"follow-up {task.short_id} done: {task.title}")

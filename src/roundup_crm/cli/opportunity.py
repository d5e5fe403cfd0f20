"""`roundup-crm opportunity` (alias `interest`): a buyer's interest in a film, by stage."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, emit_record, format_option

LIST_COLUMNS = [
    "id",
    "film",
    "company",
    "country",
    "stage",
    "interest",
    "territories",
    "rights",
    "currency",
    "ask",
    "take",
    "latest_offer",
    "latest_offer_currency",
    "agent",
    "stage_changed",
]


@click.group()
def opportunity() -> None:
    """Set, list, move and show opportunities (a buyer's interest in a film).

    Example:

        roundup-crm opportunity list --film the-roundup-punishment --stage negotiating
    """


@opportunity.command("set")
@click.option("--film", required=True, help="Film slug or title.")
@click.option("--company", required=True, help="The buyer.")
@click.option("--territory", "territories", multiple=True, help="DE, Germany, Benelux...")
@click.option("--right", "rights", multiple=True, help="theatrical, svod, all-rights...")
@click.option("--ask", help="Asking price (250000, 250k).")
@click.option("--take", help="The floor we would accept.")
@click.option("--currency", help="Currency of ask and take (EUR, USD).")
@click.option("--interest", help="hot, warm, cold or pass.")
@click.option("--stage", help="Open stage for a new one or to move to (default lead).")
@click.option("--notes", help="Free text.")
@pass_app
def set_(
    app: App,
    film: str,
    company: str,
    territories: tuple[str, ...],
    rights: tuple[str, ...],
    ask: str | None,
    take: str | None,
    currency: str | None,
    interest: str | None,
    stage: str | None,
    notes: str | None,
) -> None:
    """Create or update a buyer's open opportunity for a film.

    Example:

        roundup-crm opportunity set --film the-roundup-punishment --company "Splendid Film"
          --territory "German-speaking Europe" --right theatrical --right svod
          --ask 300k --take 220k --currency EUR --interest hot
    """
    from roundup_crm.services.pipeline import set_opportunity

    with app.db.begin() as session:
        row, created = set_opportunity(
            session,
            film=film,
            company=company,
            territories=territories,
            rights=rights,
            ask=ask,
            take=take,
            currency=currency,
            interest=interest,
            stage=stage,
            notes=notes,
        )
        click.echo(
            f"{'created' if created else 'updated'} opportunity {row.short_id} ({row.stage})"
        )


@opportunity.command("list")
@click.option("--film", help="Only this film.")
@click.option("--company", help="Only this buyer.")
@click.option("--stage", help="lead, pitched, screener-sent, offer, negotiating, won, lost.")
@click.option("--interest", help="hot, warm, cold or pass.")
@click.option("--agent", help="Only this agent's.")
@click.option("--open", "open_only", is_flag=True, help="Leave out won and lost.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows.")
@format_option
@pass_app
def list_(
    app: App,
    film: str | None,
    company: str | None,
    stage: str | None,
    interest: str | None,
    agent: str | None,
    open_only: bool,
    limit: int | None,
    fmt: str,
) -> None:
    """List opportunities with their latest offer, most recently moved first.

    Example:

        roundup-crm opportunity list --film the-roundup --interest hot --format csv
    """
    from roundup_crm.services.pipeline import list_opportunities

    with app.db.begin(readonly=True) as session:
        rows = list_opportunities(
            session,
            film=film,
            company=company,
            stage=stage,
            interest=interest,
            agent=agent,
            include_closed=not open_only,
            limit=limit,
        )
    emit([r.as_dict() for r in rows], fmt=fmt, columns=LIST_COLUMNS, empty="No opportunities.")


@opportunity.command()
@click.argument("args", nargs=-1, required=True, metavar="[ID] STAGE")
@click.option("--film", help="With --company, instead of the id.")
@click.option("--company", help="With --film, instead of the id.")
@click.option("--reason", help="Why it was lost (required for lost).")
@click.option("--note", help="A note kept in the history.")
@pass_app
def move(
    app: App,
    args: tuple[str, ...],
    film: str | None,
    company: str | None,
    reason: str | None,
    note: str | None,
) -> None:
    """Move an opportunity to another stage; the change is kept in its history.

    Example:

        roundup-crm opportunity move 3f2a9c1e screener-sent --note "link sent"
        roundup-crm opportunity move lost --film the-outlaws --company Splendid --reason "price"
    """
    from roundup_crm.errors import InvalidInput
    from roundup_crm.services.pipeline import move_opportunity, resolve

    if len(args) == 2:
        reference, stage = args
    elif len(args) == 1:
        reference, stage = None, args[0]
    else:
        raise InvalidInput("stage", " ".join(args), "expected [ID] STAGE")
    with app.db.begin() as session:
        row = resolve(session, reference, film=film, company=company)
        before = row.stage.value
        move_opportunity(session, row, stage, reason=reason, note=note)
        click.echo(f"opportunity {row.short_id}: {before} -> {row.stage.value}")


@opportunity.command()
@click.argument("reference", metavar="[ID]", required=False)
@click.option("--film", help="With --company, instead of the id.")
@click.option("--company", help="With --film, instead of the id.")
@format_option
@pass_app
def show(app: App, reference: str | None, film: str | None, company: str | None, fmt: str) -> None:
    """Show an opportunity: its terms, stage history and offers in order.

    Example:

        roundup-crm opportunity show --film the-roundup --company "Splendid Film"
    """
    from roundup_crm.cli.output import plain
    from roundup_crm.services.pipeline import opportunity_view, resolve

    with app.db.begin(readonly=True) as session:
        view = opportunity_view(session, resolve(session, reference, film=film, company=company))
    record = view.row.as_dict()
    record["lost_reason"] = view.lost_reason
    record["notes"] = view.notes
    if fmt == "json":
        record["history"] = [plain(h.__dict__) for h in view.history]
        record["offers"] = [plain(o.__dict__) for o in view.offers]
        emit_record(record, fmt=fmt)
        return
    emit_record(record, fmt=fmt, title=f"{view.row.company} / {view.row.film}")
    if fmt != "table":
        return
    click.echo("\nhistory")
    for h in view.history:
        src = f"{h.from_stage} -> " if h.from_stage else ""
        click.echo(
            f"  {h.at:%Y-%m-%d %H:%M} UTC  {src}{h.to_stage}  {h.agent or ''}"
            + (f"  {h.note}" if h.note else "")
        )
    if view.offers:
        click.echo("\noffers")
    for o in view.offers:
        who = "us (counter)" if o.side == "seller" else (o.from_contact or "buyer")
        extra = ", ".join(
            p
            for p in (
                o.terms,
                f"{o.term_years} years" if o.term_years else "",
                f"holdbacks: {o.holdbacks}" if o.holdbacks else "",
            )
            if p
        )
        click.echo(
            f"  #{o.sequence} {o.offered_on}  {o.amount:,} {o.currency}  from {who}  "
            f"[{o.status}]  {extra}  {o.comparison}".rstrip()
        )

"""`roundup-crm deal`: close deals (overlaps refused), follow their paperwork and payment."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, emit_record, format_option

LIST_COLUMNS = [
    "id",
    "film",
    "company",
    "territories",
    "rights",
    "term_start",
    "term_end",
    "exclusive",
    "mg",
    "currency",
    "status",
    "signed_on",
    "opportunity",
]


@click.group()
def deal() -> None:
    """Close, list and show deals; move them from memo to paid.

    Example:

        roundup-crm deal close --film the-roundup --company "Splendid Film" --years 7
    """


@deal.command()
@click.option("--opportunity", help="The opportunity won (else --film and --company).")
@click.option("--film", help="Film slug or title.")
@click.option("--company", help="The buyer.")
@click.option("--territory", "territories", multiple=True, help="Default: the opportunity's.")
@click.option("--right", "rights", multiple=True, help="Default: the opportunity's.")
@click.option("--term-start", help="First day of the licence (default the signing date).")
@click.option("--term-end", help="Last day of the licence.")
@click.option("--years", type=int, help="Licence term in years, instead of --term-end.")
@click.option("--exclusive/--non-exclusive", default=True, show_default=True)
@click.option("--mg", help="Minimum guarantee (default: the latest offer).")
@click.option("--currency", help="Currency of the MG (default: the latest offer's).")
@click.option(
    "--instalment",
    "instalments",
    multiple=True,
    help='"40% 2026-02-20 on signature" (repeatable; must add up to the MG).',
)
@click.option("--signed", help="Signing date (default today).")
@click.option("--holdbacks", help="Holdbacks agreed, as text.")
@click.option("--notes", help="Free text.")
@pass_app
def close(
    app: App,
    opportunity: str | None,
    film: str | None,
    company: str | None,
    territories: tuple[str, ...],
    rights: tuple[str, ...],
    term_start: str | None,
    term_end: str | None,
    years: int | None,
    exclusive: bool,
    mg: str | None,
    currency: str | None,
    instalments: tuple[str, ...],
    signed: str | None,
    holdbacks: str | None,
    notes: str | None,
) -> None:
    """Close a deal and mark the opportunity won; an overlapping deal is refused.

    Example:

        roundup-crm deal close --film the-roundup --company "Splendid Film"
          --territory "German-speaking Europe" --right all-rights --years 7
          --mg 200k --currency EUR --instalment "40% on signature" --instalment "60% on delivery"
    """
    from roundup_crm.services.deals import close_deal

    with app.db.begin() as session:
        row = close_deal(
            session,
            opportunity=opportunity,
            film=film,
            company=company,
            territories=territories,
            rights=rights,
            term_start=term_start,
            term_end=term_end,
            years=years,
            exclusive=exclusive,
            mg=mg,
            currency=currency,
            instalments=instalments,
            signed_on=signed,
            holdbacks=holdbacks,
            notes=notes,
        )
        click.echo(
            f"closed deal {row.short_id}: {row.mg:,} {row.currency}, "
            f"{row.term_start} to {row.term_end}" + ("" if row.exclusive else " (non-exclusive)")
        )


@deal.command("list")
@click.option("--film", help="Only this film.")
@click.option("--company", help="Only this buyer.")
@click.option("--status", help="memo-signed, long-form-signed, delivered or paid.")
@format_option
@pass_app
def list_(app: App, film: str | None, company: str | None, status: str | None, fmt: str) -> None:
    """List deals, newest signature first.

    Example:

        roundup-crm deal list --film the-roundup --format json
    """
    from roundup_crm.services.deals import list_deals

    with app.db.begin(readonly=True) as session:
        rows = list_deals(session, film=film, company=company, status=status)
    emit([r.as_dict() for r in rows], fmt=fmt, columns=LIST_COLUMNS, empty="No deals.")


@deal.command()
@click.argument("deal_id", metavar="ID")
@format_option
@pass_app
def show(app: App, deal_id: str, fmt: str) -> None:
    """Show a deal: what, where, how long, the money and its instalments.

    Example:

        roundup-crm deal show 7be1c2d4
    """
    from roundup_crm.services.deals import deal_view, find_deal

    with app.db.begin(readonly=True) as session:
        view = deal_view(session, find_deal(session, deal_id))
    record = view.row.as_dict()
    record["countries"] = list(view.countries)
    record["holdbacks"] = view.holdbacks
    record["notes"] = view.notes
    record["instalments"] = [
        f"{i.amount:,} {view.row.currency} {i.description or ''}"
        + (f" due {i.due_on}" if i.due_on else "")
        + (f" paid {i.paid_on}" if i.paid_on else "")
        for i in view.instalments
    ]
    emit_record(record, fmt=fmt, title=f"Deal {view.row.ref}: {view.row.company} / {view.row.film}")


@deal.command()
@click.argument("deal_id", metavar="ID")
@click.argument("status", metavar="memo-signed|long-form-signed|delivered|paid")
@click.option("--date", "on", help="For paid: the payment date (default today).")
@pass_app
def status(app: App, deal_id: str, status: str, on: str | None) -> None:
    """Move a deal forward: memo-signed, long-form-signed, delivered, paid.

    Example:

        roundup-crm deal status 7be1c2d4 long-form-signed
    """
    from roundup_crm.services.deals import find_deal, set_status

    with app.db.begin() as session:
        row = set_status(session, find_deal(session, deal_id), status, on=on)
        click.echo(f"deal {row.short_id} is {row.status.value}")

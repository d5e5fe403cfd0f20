"""`roundup-crm offer`: record buyers' offers and our counter-offers, in order."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app


@click.group()
def offer() -> None:
    """Record offers and counter-offers on an opportunity.

    Example:

        roundup-crm offer add --film the-roundup --company "Splendid Film" 180000 EUR --mg
    """


@offer.command()
@click.argument("args", nargs=-1, required=True, metavar="[OPPORTUNITY] AMOUNT CURRENCY")
@click.option("--film", help="With --company, instead of the opportunity id.")
@click.option("--company", help="With --film, instead of the opportunity id.")
@click.option("--mg", is_flag=True, help="The amount is a minimum guarantee (else a flat fee).")
@click.option("--term-years", type=int, help="Licence term offered, in years.")
@click.option("--holdbacks", help="Holdbacks asked for, as text.")
@click.option("--terms", help="Anything else: revenue split, payment schedule.")
@click.option("--date", "offered_on", help="When it was made (default today).")
@click.option("--from", "from_contact", help="The contact who made it.")
@click.option("--counter", is_flag=True, help="Our counter-offer, not the buyer's.")
@pass_app
def add(
    app: App,
    args: tuple[str, ...],
    film: str | None,
    company: str | None,
    mg: bool,
    term_years: int | None,
    holdbacks: str | None,
    terms: str | None,
    offered_on: str | None,
    from_contact: str | None,
    counter: bool,
) -> None:
    """Record an offer (or, with --counter, ours) and compare it with ask and take.

    The first offer moves the opportunity to `offer`, the next ones to `negotiating`.
    An offer below the take price is flagged "below floor".

    Example:

        roundup-crm offer add 3f2a9c1e 180000 EUR --mg --term-years 7 --from "Anna Weber"
        roundup-crm offer add --film the-roundup --company Splendid 240k EUR --counter
    """
    from roundup_crm.errors import InvalidInput
    from roundup_crm.services.pipeline import add_offer

    if len(args) == 3:
        reference, amount, currency = args
    elif len(args) == 2:
        reference, (amount, currency) = None, args
    else:
        raise InvalidInput("offer", " ".join(args), "expected [OPPORTUNITY] AMOUNT CURRENCY")
    if reference and (film or company):
        raise InvalidInput("opportunity", reference, "give the id or --film/--company, not both")
    with app.db.begin() as session:
        row, comparison = add_offer(
            session,
            opportunity=reference,
            film=film,
            company=company,
            amount=amount,
            currency=currency,
            mg=mg,
            term_years=term_years,
            holdbacks=holdbacks,
            terms=terms,
            offered_on=offered_on,
            from_contact=from_contact,
            counter=counter,
        )
        stage = row.opportunity.stage.value
        what = "counter-offer" if counter else "offer"
        click.echo(
            f"{what} #{row.sequence} {row.amount:,} {row.currency} on opportunity "
            f"{row.opportunity.short_id} (now {stage})"
        )
        click.echo(f"  {comparison.note}")
        if comparison.below_floor:
            click.echo("warning: below floor", err=True)

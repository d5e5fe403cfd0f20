"""`roundup-crm fx`: the dated exchange rates reports convert with."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, emit_record, format_option


@click.group()
def fx() -> None:
    """Record and list the exchange rates reports convert with.

    A rate reads `1 BASE = RATE QUOTE` on a date. Reports use the latest rate on or
    before the date they convert on (direct, inverse, or through one common currency)
    and name any rate that is missing instead of guessing.

    Example:

        roundup-crm fx add EUR USD 1.08 --date 2026-02-13
    """


@fx.command("add")
@click.argument("base")
@click.argument("quote")
@click.argument("rate")
@click.option("--date", "on", required=True, metavar="DATE", help="Day the rate applies from.")
@format_option
@pass_app
def add(app: App, base: str, quote: str, rate: str, on: str, fmt: str) -> None:
    """Record that 1 BASE buys RATE QUOTE from a date on.

    Recording the same pair on the same day again corrects the rate.

    Example:

        roundup-crm fx add EUR USD 1.08 --date 2026-02-13
    """
    from roundup_crm.services.fx import add_rate
    from roundup_crm.services.parsing import parse_date

    day = parse_date(on, field="date")
    with app.db.begin() as session:
        recorded = add_rate(session, base=base, quote=quote, rate=rate, on=day)
        row = _row(recorded)
    emit_record(row, fmt=fmt, title="Exchange rate recorded")


@fx.command("list")
@click.option("--currency", metavar="CODE", help="Only rates involving this currency.")
@format_option
@pass_app
def list_(app: App, currency: str | None, fmt: str) -> None:
    """List recorded exchange rates, newest first.

    Example:

        roundup-crm fx list --currency USD
    """
    from roundup_crm.services.fx import list_rates

    with app.db.begin(readonly=True) as session:
        rows = [_row(r) for r in list_rates(session, currency=currency)]
    emit(rows, fmt=fmt, columns=["date", "base", "quote", "rate"], empty="No exchange rates yet.")


def _row(rate: object) -> dict[str, object]:
    from roundup_crm.models import ExchangeRate

    assert isinstance(rate, ExchangeRate)
    return {
        "date": rate.on,
        "base": rate.base,
        "quote": rate.quote,
        "rate": f"{rate.rate.normalize():f}",
    }

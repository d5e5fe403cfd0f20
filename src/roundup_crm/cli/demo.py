"""`roundup-crm demo`: the Roundup catalogue, buyers and two markets, ready to explore."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app


@click.command()
@pass_app
def demo(app: App) -> None:
    """Load the demo catalogue, buyers and markets.

    Five Roundup films (범죄도시), 36 invented buyer companies in 32 countries, EFM and
    Cannes 2026 with about sixty meetings, opportunities at every stage, offers in
    several currencies, two closed deals and follow-ups. Running it again adds nothing.

    Example:

        roundup-crm demo && roundup-crm pipeline
    """
    from roundup_crm.services.demo import load_demo

    with app.db.begin() as session:
        summary = load_demo(session)
    if summary.total_created:
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.created.items()))
        click.echo(f"Demo loaded into {app.db.display_url}: {parts}.")
    else:
        click.echo(f"Demo already in {app.db.display_url}: nothing added.")

"""`roundup-crm demo`: the Roundup catalogue, buyers and two markets, ready to explore."""

from __future__ import annotations

from pathlib import Path

import click

from roundup_crm.cli.app import App, pass_app


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the demo's documents here: press kits (English, Korean), sales sheet, "
    "the weekly report of the demo week.",
)
@pass_app
def demo(app: App, out: Path | None) -> None:
    """Load the demo catalogue, buyers and markets.

    Five Roundup films (범죄도시), 36 invented buyer companies in 32 countries, EFM and
    Cannes 2026 with about sixty meetings, opportunities at every stage, offers in
    several currencies, two closed deals and follow-ups. Running it again adds nothing.

    With --out, also writes the press kit of The Roundup: Punishment in English and
    Korean, its one-page sales sheet and the weekly pipeline report of the demo week
    (2026-W08, the week EFM 2026 closes) into that folder.

    Example:

        roundup-crm demo --out demo-output && roundup-crm pipeline
    """
    from roundup_crm.services.demo import load_demo
    from roundup_crm.services.presskit import demo_presskits
    from roundup_crm.services.reports import demo_weekly
    from roundup_crm.services.sales_company import load_sales_company

    company = load_sales_company()
    with app.db.begin() as session:
        summary = load_demo(session)
        kits = (
            demo_presskits(session, company=company, assets_dir=app.settings.assets_dir)
            if out is not None
            else []
        )
        weekly = demo_weekly(session) if out is not None else None
    if summary.total_created:
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.created.items()))
        click.echo(f"Demo loaded into {app.db.display_url}: {parts}.")
    else:
        click.echo(f"Demo already in {app.db.display_url}: nothing added.")
    if out is not None:
        # Rendering after the transaction: the database is not held while PDFs are made.
        from roundup_crm.services.presskit import PressKitRenderer, write_documents

        renderer = PressKitRenderer(assets_dir=app.settings.assets_dir)
        for path in write_documents(renderer.render_all(kits), out):
            click.echo(f"wrote {path}")
        if weekly is not None:
            from roundup_crm.services.reports import Documents, write_output

            report = out / f"weekly-report-{weekly.period.label}.pdf"
            write_output(report, Documents().weekly(weekly, author=app.settings.agent))
            click.echo(f"wrote {report}")

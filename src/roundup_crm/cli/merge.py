"""`company merge` and `contact merge`: one buyer (or person) entered twice becomes one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, format_option

if TYPE_CHECKING:
    from roundup_crm.services.merge import MergePlan


def _show(plan: MergePlan, dry_run: bool, fmt: str) -> None:
    head = "Would merge" if dry_run else "Merged"
    title = f"{head} {plan.kind} {plan.merged!r} into {plan.survivor!r}"
    rows = plan.rows()
    if fmt == "table":
        click.echo(title)
    emit(rows, fmt=fmt, columns=["what", "moved"], empty="Nothing to move.")
    if fmt == "table" and plan.combined:
        click.echo("survivor gains: " + ", ".join(sorted(plan.combined)))
    if dry_run and fmt == "table":
        click.echo("Dry run: nothing was written.")


@click.command(name="merge")
@click.argument("survivor")
@click.argument("merged")
@click.option("--dry-run", is_flag=True, help="Show what would move; write nothing.")
@format_option
@pass_app
def company_merge(app: App, survivor: str, merged: str, dry_run: bool, fmt: str) -> None:
    """Merge company MERGED into SURVIVOR: its meetings, deals, contacts... move over.

    Meetings, opportunities, deals, follow-ups, invitations, contacts and territories
    move to SURVIVOR; tags, genres and notes are combined. MERGED stays on file marked
    as merged (lookups skip it), and the audit log keeps a merge entry listing what moved.

    Example:

        roundup-crm company merge "Nordlicht Filmverleih" "Nordlicht Film Verleih GmbH" --dry-run
    """
    from roundup_crm.services.merge import merge_companies

    with app.db.begin(readonly=dry_run) as session:
        plan = merge_companies(session, survivor, merged, dry_run=dry_run)
    _show(plan, dry_run, fmt)


@click.command(name="merge")
@click.argument("survivor")
@click.argument("merged")
@click.option("--dry-run", is_flag=True, help="Show what would move; write nothing.")
@format_option
@pass_app
def contact_merge(app: App, survivor: str, merged: str, dry_run: bool, fmt: str) -> None:
    """Merge contact MERGED into SURVIVOR, then delete MERGED.

    Meetings, invitations, follow-ups and offers move to SURVIVOR, which also gains
    the details it lacks (email, phone, role...). The merge entry in the audit log
    keeps MERGED's details.

    Example:

        roundup-crm contact merge anna@nordlicht.de "Anna Schmidt (old)"
    """
    from roundup_crm.services.merge import merge_contacts

    with app.db.begin(readonly=dry_run) as session:
        plan = merge_contacts(session, survivor, merged, dry_run=dry_run)
    _show(plan, dry_run, fmt)

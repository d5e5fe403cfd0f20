"""`roundup-crm doctor`: is this machine ready to make press kits and reports?"""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, format_option


@click.command()
@format_option
@pass_app
def doctor(app: App, fmt: str) -> None:
    """Check Pango, the Hangul font and the database.

    Exits 1 when something needed is missing; a warning alone exits 0.

    Example:

        roundup-crm doctor
    """
    from roundup_crm.services.doctor import FAIL, run_checks

    checks = run_checks(app.settings)
    emit([{"check": c.name, "status": c.status, "detail": c.detail} for c in checks], fmt=fmt)
    if any(c.status == FAIL for c in checks):
        raise SystemExit(1)

"""Test helpers for the catalogue commands: row counts, and refusals that write nothing."""

from __future__ import annotations

from sqlalchemy import text

from roundup_crm.db import make_engine
from tests.conftest import Cli

TABLES = (
    "films",
    "credits",
    "festival_entries",
    "press_quotes",
    "box_office",
    "film_assets",
    "companies",
    "company_territories",
    "contacts",
    "markets",
    "screenings",
    "invitations",
    "territories",
    "territory_members",
    "audit_log",
)


def row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
    finally:
        engine.dispose()


def refused(cli: Cli, *args: str, field: str, value: str | None = None, code: int = 2) -> str:
    """Run a command that must fail: one line naming the field (and value), nothing written."""
    before = row_counts(cli.url)
    result = cli(*args, expect=code)
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert "Traceback" not in result.output
    assert field in message, message
    if value is not None:
        assert value in message, message
    assert row_counts(cli.url) == before, f"`{' '.join(args)}` wrote something"
    return message

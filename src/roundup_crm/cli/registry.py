"""Every top-level command: where it lives and its one-line help.

Kept apart from the command modules so `roundup-crm --help` lists them without importing
any of them (and so without SQLAlchemy). tests/test_cli_help.py keeps the lines here
equal to each command's own help.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    module: str
    attribute: str
    short_help: str


COMMANDS: dict[str, Entry] = {
    "db": Entry("roundup_crm.cli.db", "db", "Create, migrate, check and back up the database."),
    "demo": Entry("roundup_crm.cli.demo", "demo", "Load the demo catalogue, buyers and markets."),
    "doctor": Entry(
        "roundup_crm.cli.doctor", "doctor", "Check Pango, the Hangul font and the database."
    ),
}

ALIASES: dict[str, str] = {}

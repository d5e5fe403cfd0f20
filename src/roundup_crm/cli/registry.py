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
    "doctor": Entry(
        "roundup_crm.cli.doctor", "doctor", "Check Pango, the Hangul font and the database."
    ),
    "meeting": Entry(
        "roundup_crm.cli.meeting", "meeting", "Log, schedule, list and show market meetings."
    ),
    "schedule": Entry(
        "roundup_crm.cli.schedule",
        "schedule",
        "Show the day's plan at a market: meetings and screenings, clashes flagged.",
    ),
    "opportunity": Entry(
        "roundup_crm.cli.opportunity",
        "opportunity",
        "Set, list, move and show opportunities (a buyer's interest in a film).",
    ),
    "offer": Entry(
        "roundup_crm.cli.offer", "offer", "Record offers and counter-offers on an opportunity."
    ),
    "deal": Entry(
        "roundup_crm.cli.deal", "deal", "Close, list and show deals; move them from memo to paid."
    ),
    "avails": Entry(
        "roundup_crm.cli.avails",
        "avails",
        "Show a film's avails: territories x rights sold (to whom, until when), under offer, open.",
    ),
    "followup": Entry("roundup_crm.cli.followup", "followup", "Add, list and complete follow-ups."),
    "pipeline": Entry(
        "roundup_crm.cli.pipeline",
        "pipeline",
        "Show the pipeline board: opportunities by stage, with counts and value.",
    ),
}

ALIASES: dict[str, str] = {"interest": "opportunity"}

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
    "fx": Entry(
        "roundup_crm.cli.fx", "fx", "Record and list the exchange rates reports convert with."
    ),
    "presskit": Entry(
        "roundup_crm.cli.presskit",
        "presskit",
        "Make a film's press kit or one-page sales sheet, in English or Korean.",
    ),
    "report": Entry(
        "roundup_crm.cli.report",
        "report",
        "Weekly pipeline reports, market reports and post-market follow-up letters.",
    ),
    "export": Entry(
        "roundup_crm.cli.export",
        "export",
        "Export everything (or some records) as JSON, losslessly.",
    ),
    "import": Entry(
        "roundup_crm.cli.importer",
        "import_group",
        "Import buyer lists (CSV, XLSX) or a full JSON export.",
    ),
    "dedupe": Entry(
        "roundup_crm.cli.dedupe",
        "dedupe",
        "Find records that are probably the same buyer entered twice.",
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
    "film": Entry(
        "roundup_crm.cli.film", "film", "Add, edit, list and show films in the catalogue."
    ),
    "company": Entry(
        "roundup_crm.cli.company", "company", "Add, edit, list and show buyers and distributors."
    ),
    "contact": Entry(
        "roundup_crm.cli.contact", "contact", "Add, edit, list and show the people at buyers."
    ),
    "market": Entry(
        "roundup_crm.cli.market",
        "market",
        "Add, list and show markets (EFM, Cannes, AFM...), each in its own time zone.",
    ),
    "screening": Entry(
        "roundup_crm.cli.market",
        "screening",
        "Market screenings, press screenings, panels, Q&As and press events.",
    ),
    "territory": Entry(
        "roundup_crm.cli.territory",
        "territory",
        "List and show territories; define your own groups of countries.",
    ),
    "search": Entry(
        "roundup_crm.cli.search",
        "search",
        "Search films, companies, contacts and meeting notes (accents and case ignored).",
    ),
    "history": Entry(
        "roundup_crm.cli.history",
        "history",
        "Show who changed a film, company, contact or market, what and when.",
    ),
}

ALIASES: dict[str, str] = {"interest": "opportunity"}

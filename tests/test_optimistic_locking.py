"""Two agents editing one record: the second save is refused and told what changed, never
silently overwritten; a command that loses a race for the database is run again."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest
from sqlalchemy import select

from roundup_crm import db as db_module
from roundup_crm.db import Database
from roundup_crm.errors import StaleEdit
from roundup_crm.models import Company, Film, Meeting, Opportunity
from tests import sales_builders as build
from tests.conftest import Cli

SET = ("opportunity", "set", "--film", "the-roundup", "--company", "Splendid")


@pytest.fixture
def efm(cli: Cli) -> Cli:
    database = Database(cli.url)
    build.efm_world(database)
    database.dispose()
    return cli


def _show(cli: Cli) -> dict:
    out = cli("opportunity", "show", "--film", "the-roundup", "--company", "Splendid",
              "--format", "json")
    return json.loads(out.stdout)


def test_second_save_of_the_same_version_is_refused_naming_the_changes(efm: Cli) -> None:
    efm(*SET, "--ask", "300k", "--currency", "EUR")
    read = _show(efm)["version"]
    bob = Cli(efm.url, agent="bob")
    bob(*SET, "--ask", "320k", "--take", "200k", "--expect-version", str(read))

    refused = efm(*SET, "--ask", "250k", "--expect-version", str(read), expect=1)
    message = refused.stderr.strip()
    assert message.count("\n") == 0 and "Traceback" not in message
    shown = _show(efm)
    assert f"opportunity {shown['id']}" in message
    assert f"version {read + 1}, not {read}" in message
    assert "bob changed ask, take" in message
    assert "nothing was written" in message
    assert shown["ask"] in ("320000.00", 320000.0, "320000")
    # With the version just shown, the same edit goes through.
    efm(*SET, "--ask", "250k", "--expect-version", str(shown["version"]))


def test_a_stale_move_is_refused_and_the_stage_stays(efm: Cli) -> None:
    efm(*SET, "--stage", "pitched")
    read = _show(efm)["version"]
    Cli(efm.url, agent="bob")("opportunity", "move", "screener-sent", "--film", "the-roundup",
                              "--company", "Splendid", "--expect-version", str(read))
    refused = efm("opportunity", "move", "lost", "--film", "the-roundup", "--company",
                  "Splendid", "--reason", "price", "--expect-version", str(read), expect=1)
    assert "bob changed stage" in refused.stderr
    assert _show(efm)["stage"] == "screener-sent"


def test_edits_of_films_companies_and_contacts_check_the_version_too(efm: Cli) -> None:
    bob = Cli(efm.url, agent="bob")

    def version(*show: str) -> str:
        return str(json.loads(efm(*show, "--format", "json").stdout)["version"])

    film = version("film", "show", "the-roundup")
    bob("film", "edit", "the-roundup", "--runtime", "105", "--expect-version", film)
    assert "bob changed runtime" in efm(
        "film", "edit", "the-roundup", "--runtime", "106", "--expect-version", film, expect=1
    ).stderr
    company = version("company", "show", "Splendid")
    bob("company", "edit", "Splendid", "--notes", "buys everything", "--expect-version", company)
    assert "bob changed notes" in efm(
        "company", "edit", "Splendid", "--website", "splendid.example",
        "--expect-version", company, expect=1,
    ).stderr
    person = version("contact", "show", "Anna Weber")
    bob("contact", "edit", "Anna Weber", "--role", "CEO", "--expect-version", person)
    assert "bob changed role" in efm(
        "contact", "edit", "Anna Weber", "--role", "CFO", "--expect-version", person, expect=1
    ).stderr
    shown = json.loads(efm("company", "show", "Splendid", "--format", "json").stdout)
    assert shown["version"] == int(company) + 1 and shown["notes"] == "buys everything"
    assert json.loads(efm("contact", "show", "Anna Weber", "--format", "json").stdout)[
        "role"
    ] == "CEO"
    # A version from the future is a typing mistake, not a conflict.
    assert "expect-version" in efm(
        "contact", "edit", "Anna Weber", "--role", "CFO", "--expect-version", "99", expect=2
    ).stderr


def test_a_record_saved_under_an_open_transaction_is_named(postgres_url: str) -> None:
    """PostgreSQL's READ COMMITTED lets another agent save between our read and our write:
    the version column catches it and the message says who changed what."""
    database = Database(postgres_url, agent="ann")
    build.efm_world(database)
    with database.begin() as session:
        film = session.scalars(select(Film).where(Film.slug == "the-roundup")).one()
        company = session.scalars(select(Company)).first()
        assert company is not None
        opp = build.opportunity(session, film, company)
        opp_id = opp.id
    other = Database(postgres_url, agent="bob")
    with pytest.raises(StaleEdit) as caught, database.begin() as session:
        mine = session.get(Opportunity, opp_id)
        assert mine is not None
        with other.begin() as theirs:
            row = theirs.get(Opportunity, opp_id)
            assert row is not None
            row.notes = "bob was here"
        mine.notes = "ann was here"
    assert caught.value.retriable
    assert f"opportunity {opp_id.hex[:8]} is at version 2, not 1: bob changed notes" in str(
        caught.value
    )
    with database.begin(readonly=True) as session:
        assert session.get(Opportunity, opp_id).notes == "bob was here"  # type: ignore[union-attr]
    database.dispose()
    other.dispose()


def _hold_write_lock(path: str, seconds: float, ready: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    time.sleep(seconds)
    conn.execute("ROLLBACK")
    conn.close()


def _meeting_count(url: str) -> int:
    database = Database(url)
    with database.begin(readonly=True) as session:
        count = len(session.scalars(select(Meeting.id)).all())
    database.dispose()
    return count


LOG = ("meeting", "log", "--market", "EFM", "--company", "Splendid", "--at",
       "2026-02-14 11:00", "--film", "the-roundup:hot")


def test_a_command_that_cannot_get_the_lock_in_time_is_run_again(
    sqlite_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(sqlite_cli.url)
    build.efm_world(database)
    database.dispose()
    # Another process holds the write lock longer than this one is willing to wait.
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 20)
    ready = threading.Event()
    holder = threading.Thread(
        target=_hold_write_lock, args=(sqlite_cli.url.removeprefix("sqlite:///"), 0.3, ready)
    )
    holder.start()
    ready.wait()
    sqlite_cli(*LOG)
    holder.join()
    assert _meeting_count(sqlite_cli.url) == 1


def test_a_database_busy_for_too_long_is_one_clear_line_and_writes_nothing(
    sqlite_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(sqlite_cli.url)
    build.efm_world(database)
    database.dispose()
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 5)
    ready = threading.Event()
    holder = threading.Thread(
        target=_hold_write_lock, args=(sqlite_cli.url.removeprefix("sqlite:///"), 4.0, ready)
    )
    holder.start()
    ready.wait()
    result = sqlite_cli(*LOG, expect=3)
    holder.join()
    assert result.stderr.strip().startswith("Error: the database stayed busy")
    assert "nothing was written" in result.stderr
    assert _meeting_count(sqlite_cli.url) == 0

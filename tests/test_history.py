"""`history`: who changed what and when, from the audit trail."""

from __future__ import annotations

import json

from tests.catalogue import refused
from tests.conftest import Cli


def test_history_of_a_film_includes_its_parts(cli: Cli) -> None:
    cli("film", "add", "The Roundup", "--year", "2022")
    mina = Cli(cli.url, agent="mina")
    mina("film", "edit", "the-roundup", "--year", "2023", "--status", "released")
    mina("film", "credit", "add", "the-roundup", "Ma Dong-seok", "--role", "cast")
    entries = json.loads(cli("history", "the-roundup", "--format", "json").stdout)
    assert [(e["agent"], e["action"], e["record"]) for e in entries] == [
        ("mina", "create", "credits"),
        ("mina", "update", "films"),
        ("tester", "create", "films"),
    ]
    assert "year: 2022 -> 2023" in entries[1]["changes"]
    assert "status: development -> released" in entries[1]["changes"]
    assert set(entries[0]) == {"at", "agent", "action", "record", "id", "summary", "changes"}
    assert (
        len(json.loads(cli("history", "the-roundup", "--limit", "1", "--format", "json").stdout))
        == 1
    )
    # Any id works, even one the lists show in short.
    credit_id = entries[0]["id"]
    by_id = json.loads(cli("history", credit_id, "--format", "json").stdout)
    assert [e["summary"] for e in by_id] == ["Ma Dong-seok"]


def test_history_of_a_company_includes_its_contacts(cli: Cli) -> None:
    cli("company", "add", "Nordlicht Filmverleih", "--country", "DE")
    cli("contact", "add", "Anna Becker", "--company", "Nordlicht")
    cli("company", "edit", "Nordlicht", "--notes", "Met at EFM")
    out = cli("history", "Nordlicht Filmverleih").stdout
    assert "History of company Nordlicht Filmverleih" in out
    assert "Anna Becker" in out and "notes: - -> Met at EFM" in out


def test_list_changes_are_in_the_history(cli: Cli) -> None:
    """Territories, rights and the people at a meeting live in association tables: a change
    to them is an update like any other, with the whole list before and after."""
    cli("company", "add", "Nordlicht Filmverleih", "--country", "DE", "--territory", "DE")
    cli("company", "edit", "Nordlicht", "--add-territory", "AT", "--add-territory", "CH")
    entries = json.loads(cli("history", "Nordlicht", "--format", "json").stdout)
    assert entries[0]["action"] == "update"
    assert entries[0]["changes"] == "territories: DE -> AT, CH, DE"
    cli("company", "edit", "Nordlicht", "--remove-territory", "DE")
    latest = json.loads(cli("history", "Nordlicht", "--format", "json").stdout)[0]
    assert latest["changes"] == "territories: AT, CH, DE -> AT, CH"


def test_unknown_and_ambiguous_objects(cli: Cli) -> None:
    cli("company", "add", "Nordlicht", "--country", "DE")
    cli("film", "add", "Nordlicht Nights")
    message = refused(cli, "history", "Nordlicht", field="object", value="Nordlicht")
    assert "company Nordlicht" in message and "film nordlicht-nights" in message
    refused(cli, "history", "Nobody", field="object", value="Nobody")
    refused(cli, "history", "Nordlicht Nights", "--limit", "x", field="limit", value="x")

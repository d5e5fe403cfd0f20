"""A person's data: `contact export` gives everything held about them, `contact erase`
removes it everywhere while the anonymous business facts stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from roundup_crm.db import Database, parse_url
from roundup_crm.models import Base
from tests import sales_builders as build
from tests.conftest import Cli

NAME, EMAIL = "Anna Weber", "anna@splendid.example"


@pytest.fixture
def anna(cli: Cli) -> Cli:
    database = Database(cli.url)
    build.efm_world(database)
    database.dispose()
    cli("company", "edit", "Splendid", "--notes", f"ask for {NAME} at the stand")
    cli("contact", "edit", NAME, "--phone", "+49 30 1234567", "--role", "Head of Acquisitions",
        "--source", "EFM badge", "--consent", "given")
    cli("meeting", "log", "--market", "EFM", "--company", "Splendid", "--contact", NAME,
        "--at", "2026-02-14 11:00", "--film", "the-roundup:hot",
        "--note", f"{NAME} loved it; January release; write to {EMAIL.upper()}",
        "--followup", f"send {NAME} the screener", "--due", "2026-02-20")
    cli("offer", "add", "--film", "the-roundup", "--company", "Splendid", "180000", "EUR",
        "--from", NAME, "--holdbacks", "none")
    cli("opportunity", "set", "--film", "the-roundup", "--company", "Splendid",
        "--notes", f"{NAME} decides with her boss")
    return cli


def _every_text(url: str) -> str:
    """Every string and JSON cell of every table, as one lower-cased text."""
    engine = create_engine(parse_url(url))
    parts: list[str] = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                parts.extend(
                    json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v)
                    for v in row
                    if isinstance(v, str | dict | list)
                )
    engine.dispose()
    return "\n".join(parts).lower()


def test_export_holds_everything_about_the_person(anna: Cli, tmp_path: Path) -> None:
    out = tmp_path / "anna.json"
    anna("contact", "export", EMAIL, "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    person = data["contact"]
    assert (person["name"], person["email"], person["phone"]) == (NAME, EMAIL, "+49301234567")
    assert person["role"] == "Head of Acquisitions" and person["consent"] == "given"
    assert person["company"] == "Splendid Film"
    assert [m["company"] for m in data["meetings"]] == ["Splendid Film"]
    assert "loved it" in data["meetings"][0]["notes"]
    assert [f["title"] for f in data["followups"]] == [f"send {NAME} the screener"]
    assert [(o["film"], o["amount"]) for o in data["offers"]] == [("the-roundup", "180000.00")]
    noted = {(n["record"], n["field"]) for n in data["notes_mentioning"]}
    assert {("companies", "notes"), ("meetings", "notes"), ("opportunities", "notes")} <= noted
    assert {a["action"] for a in data["audit"] if a["record"] == "contacts"} >= {
        "create",
        "update",
    }
    printed = json.loads(anna("contact", "export", NAME, "--at", "Splendid").stdout)
    assert printed["contact"]["id"] == person["id"]


def test_erase_removes_the_person_everywhere_and_keeps_the_business(
    anna: Cli, tmp_path: Path
) -> None:
    letters = tmp_path / "letters"
    (letters / "efm").mkdir(parents=True)
    (letters / "efm" / "splendid-film.html").write_text(
        f"<p>Dear {NAME.replace(' ', '&nbsp;')},</p>", encoding="utf-8"
    )
    (letters / "efm" / "lumiere.eml").write_text("Dear Jan Peeters,\n", encoding="utf-8")
    (letters / "memo.txt").write_text(f"cc: {EMAIL}\n", encoding="utf-8")
    before = json.loads(anna("contact", "export", EMAIL).stdout)

    done = anna("contact", "erase", EMAIL, "--letters", str(letters), "--yes")
    assert f"erased contact {before['contact']['id'][:8]}" in done.stdout
    assert "taken off 1 meeting(s)" in done.stdout
    listed = [line.split("delete: ")[1] for line in done.stdout.splitlines() if "delete: " in line]
    assert sorted(Path(p).name for p in listed) == ["memo.txt", "splendid-film.html"]

    everything = _every_text(anna.url)
    for personal in (NAME.lower(), EMAIL, "+49301234567", "head of acquisitions", "efm badge"):
        assert personal not in everything, personal
    # "January" is not the name "Jan...": only whole names are redacted.
    assert "[erased] loved it; january release; write to [erased]" in everything

    meetings = json.loads(anna("meeting", "list", "--company", "Splendid", "--format",
                               "json").stdout)
    assert [(m["company"], m["contacts"], m["films"]) for m in meetings] == [
        ("Splendid Film", [], ["the-roundup:hot"])
    ]
    shown = json.loads(anna("opportunity", "show", "--film", "the-roundup", "--company",
                            "Splendid", "--format", "json").stdout)
    assert [o["amount"] for o in shown["offers"]] == ["180000.00"]
    after = json.loads(anna("contact", "export", before["contact"]["id"][:8]).stdout)
    assert after["contact"]["name"] == "[erased]" and after["contact"]["erased_at"]
    assert after["contact"]["company"] == "Splendid Film"
    erasures = [a for a in after["audit"] if a["action"] == "erase"]
    assert len(erasures) == 1 and erasures[0]["agent"] == "tester"
    assert anna("contact", "erase", before["contact"]["id"][:8], "--yes", expect=1).stderr.count(
        "already erased"
    ) == 1


def test_erase_refuses_bad_input_and_writes_nothing(anna: Cli, tmp_path: Path) -> None:
    before = anna("contact", "export", EMAIL).stdout
    assert "unknown contact" in anna("contact", "erase", "Nobody Here", "--yes", expect=2).stderr
    refused = anna("contact", "erase", EMAIL, "--letters", str(tmp_path / "nope"), "--yes",
                   expect=2)
    assert "letters" in refused.stderr
    anna("contact", "erase", EMAIL, input="n\n", expect=1)  # said no at the prompt
    after = anna("contact", "export", EMAIL).stdout
    assert json.loads(after)["contact"] == json.loads(before)["contact"]

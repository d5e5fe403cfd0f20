"""`meeting log|schedule|list|show` and `schedule`: the agent's day at a market."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from roundup_crm.db import Database
from roundup_crm.models import Opportunity, StageChange
from tests import sales_builders as build
from tests.conftest import Cli

TABLES = (
    "meetings",
    "meeting_films",
    "opportunities",
    "stage_changes",
    "followups",
    "offers",
    "deals",
    "audit_log",
)


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        out = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
    engine.dispose()
    return out


@pytest.fixture
def efm(cli: Cli) -> Cli:
    database = Database(cli.url)
    build.efm_world(database)
    database.dispose()
    return cli


def as_json(result: Any) -> Any:
    return json.loads(result.stdout)


def test_meeting_log_records_everything_in_one_go(efm: Cli) -> None:
    out = efm(
        "meeting",
        "log",
        "--market",
        "EFM",
        "--company",
        "Splendid",
        "--contact",
        "Anna Weber",
        "--at",
        "2026-02-14 09:30",
        "--film",
        "the-roundup-punishment:hot",
        "--film",
        "The Roundup: No Way Out",
        "--film",
        "the-outlaws:pass",
        "--note",
        "wants theatrical and SVOD",
        "--followup",
        "send screener",
        "--due",
        "2026-02-16",
    ).stdout
    assert "logged meeting" in out and "2026-02-14 09:30 CET" in out
    assert "the-roundup-punishment  hot  opportunity" in out and "pitched (new)" in out
    assert "the-outlaws  pass" in out and "lost" in out
    assert "follow-up" in out and "due 2026-02-16" in out

    meetings = as_json(efm("meeting", "list", "--market", "EFM", "--format", "json"))
    assert len(meetings) == 1
    (m,) = meetings
    assert m["starts"] == "2026-02-14T09:30:00+01:00"
    assert m["contacts"] == ["Anna Weber"] and m["status"] == "held"
    assert m["place"] == "Hall 7, B12"
    assert sorted(m["films"]) == [
        "the-outlaws:pass",
        "the-roundup-no-way-out",
        "the-roundup-punishment:hot",
    ]

    opps = {o["film"]: o for o in as_json(efm("opportunity", "list", "--format", "json"))}
    assert opps["the-roundup-punishment"]["stage"] == "pitched"
    assert opps["the-roundup-punishment"]["interest"] == "hot"
    assert opps["the-roundup-punishment"]["agent"] == "tester"
    assert opps["the-roundup-no-way-out"]["interest"] is None
    assert opps["the-outlaws"]["stage"] == "lost"
    shown = efm("opportunity", "show", "--film", "the-outlaws", "--company", "Splendid").stdout
    assert "passed at EFM 2026" in shown and "pitched -> lost" in shown

    tasks = as_json(efm("followup", "list", "--format", "json"))
    assert [(t["title"], t["due"], t["owner"], t["contact"]) for t in tasks] == [
        ("send screener", "2026-02-16", "tester", "Anna Weber")
    ]
    detail = efm("meeting", "show", m["id"]).stdout
    assert "wants theatrical and SVOD" in detail and "send screener" in detail


def test_a_second_meeting_updates_the_opportunity(efm: Cli) -> None:
    base = ("meeting", "log", "--market", "EFM", "--company", "Lumière")
    efm(*base, "--at", "2026-02-13 10:00", "--film", "the-roundup:cold")
    efm(*base, "--at", "2026-02-15 16:00", "--film", "the-roundup:hot")
    (opp,) = as_json(efm("opportunity", "list", "--format", "json"))
    assert opp["interest"] == "hot" and opp["stage"] == "pitched"
    database = Database(efm.url)
    with database.begin() as session:
        assert session.scalar(select(func.count()).select_from(Opportunity)) == 1
        assert session.scalar(select(func.count()).select_from(StageChange)) == 1
    database.dispose()


def test_a_pass_then_renewed_interest_reopens_the_same_opportunity(efm: Cli) -> None:
    base = ("meeting", "log", "--market", "EFM", "--company", "Lumière")
    efm(*base, "--at", "2026-02-13 10:00", "--film", "the-roundup:pass")
    efm(*base, "--at", "2026-02-14 10:00", "--film", "the-roundup:pass")
    (opp,) = as_json(efm("opportunity", "list", "--format", "json"))
    assert opp["stage"] == "lost"
    out = efm(*base, "--at", "2026-02-15 10:00", "--film", "the-roundup:warm").stdout
    assert "lost -> pitched" in out
    (again,) = as_json(efm("opportunity", "list", "--format", "json"))
    assert again["id"] == opp["id"] and again["stage"] == "pitched"


def test_a_meeting_typed_up_later_moves_the_pipeline_when_it_was_held(efm: Cli) -> None:
    """Moves are dated at the meeting, so the weekly report counts them in its week;
    a meeting older than an opportunity's latest move comes right after it."""
    efm("opportunity", "set", "--film", "the-roundup", "--company", "Lumière")
    base = ("meeting", "log", "--market", "EFM", "--company", "Lumière")
    efm(*base, "--at", "2026-02-13 10:00", "--film", "the-roundup-punishment:pass")
    efm(*base, "--at", "2026-02-14 10:00", "--film", "the-roundup:warm")
    database = Database(efm.url)
    with database.begin() as session:
        changes = session.execute(
            select(Opportunity.film_id, StageChange.to_stage, StageChange.changed_at)
            .join(Opportunity, StageChange.opportunity_id == Opportunity.id)
            .order_by(StageChange.changed_at)
        ).all()
    database.dispose()
    stages = [(c.to_stage.value, c.changed_at.isoformat()) for c in changes]
    # The lead was set now (after the market); the later meeting's move follows it.
    assert stages[0][0] == "pitched" and stages[0][1] == "2026-02-13T09:00:00+00:00"
    assert stages[1][0] == "lost" and stages[1][1] == "2026-02-13T09:00:00.000001+00:00"
    assert [s for s, _ in stages[2:]] == ["lead", "pitched"]
    assert stages[3][1] > stages[2][1] > "2026-02-14T09:00"
    week = json.loads(
        efm("report", "weekly", "--week", "2026-W07", "--format", "json").stdout
    )
    assert week["moves"]["total"] == 2


def test_a_lead_moves_to_pitched_when_discussed(efm: Cli) -> None:
    efm("opportunity", "set", "--film", "the-roundup", "--company", "Lumière")
    out = efm(
        "meeting",
        "log",
        "--market",
        "EFM",
        "--company",
        "Lumière",
        "--at",
        "2026-02-13 10:00",
        "--film",
        "the-roundup:warm",
    ).stdout
    assert "lead -> pitched" in out


def test_a_scheduled_meeting_is_filled_in_not_duplicated(efm: Cli) -> None:
    out = efm(
        "meeting",
        "schedule",
        "--market",
        "EFM",
        "--company",
        "Splendid",
        "--at",
        "2026-02-14 15:00",
        "--film",
        "the-roundup",
    ).stdout
    assert "scheduled meeting" in out
    logged = efm(
        "meeting",
        "log",
        "--market",
        "EFM",
        "--company",
        "Splendid",
        "--at",
        "2026-02-14 15:10",
        "--film",
        "the-roundup:warm",
    ).stdout
    assert "filled in scheduled meeting" in logged
    (m,) = as_json(efm("meeting", "list", "--format", "json"))
    assert m["status"] == "held" and m["films"] == ["the-roundup:warm"]
    assert m["starts"] == "2026-02-14T15:10:00+01:00"
    again = efm(
        "meeting",
        "schedule",
        "--market",
        "EFM",
        "--company",
        "Splendid",
        "--at",
        "2026-02-14 17:00",
    )
    assert again.exit_code == 0
    dup = efm(
        "meeting",
        "schedule",
        "--market",
        "EFM",
        "--company",
        "Splendid",
        "--at",
        "2026-02-14 17:00",
        expect=1,
    )
    assert "already scheduled" in dup.stderr


def test_schedule_flags_overlaps_and_screening_clashes(efm: Cli) -> None:
    efm(
        "meeting",
        "schedule",
        "--market",
        "EFM",
        "--company",
        "Splendid",
        "--at",
        "2026-02-14 11:30",
        "--film",
        "the-roundup-punishment",
    )
    clash = efm(
        "meeting", "schedule", "--market", "EFM", "--company", "Lumière", "--at", "2026-02-14 11:45"
    )
    assert "clash: overlaps Splendid Film at 11:30" in clash.stderr
    efm(
        "meeting",
        "schedule",
        "--market",
        "EFM",
        "--company",
        "Metropolitan",
        "--at",
        "2026-02-14 14:00",
    )
    plan = as_json(efm("schedule", "--market", "EFM", "--day", "2026-02-14", "--format", "json"))
    by_what = {p["what"]: p for p in plan}
    assert [p["kind"] for p in plan] == ["screening", "meeting", "meeting", "meeting"]
    assert plan[0]["start"] == "2026-02-14T11:00:00+01:00"
    splendid = by_what["Splendid Film"]["clash"]
    assert any("overlaps Lumière" in c for c in splendid)
    assert any("the-roundup-punishment screening at 11:00" in c for c in splendid)
    assert by_what["Metropolitan Filmexport"]["clash"] == []
    table = efm("schedule", "--market", "EFM", "--day", "2026-02-14")
    assert "11:30" in table.stdout and "Hall 7, B12" in table.stdout
    assert "clash" in table.stderr
    other_day = efm("schedule", "--market", "EFM", "--day", "2026-02-15")
    assert "Nothing planned" in other_day.stderr
    # times typed and shown in the market's zone
    listed = as_json(efm("meeting", "list", "--day", "2026-02-14", "--format", "json"))
    assert [m["starts"][11:16] for m in listed] == ["11:30", "11:45", "14:00"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--film", "no-such-film:hot"), "unknown film 'no-such-film'"),
        (("--film", "the-roundup:tepid"), "invalid film interest 'tepid'"),
        (
            ("--film", "the-roundup", "--due", "next tuesday", "--followup", "x"),
            "invalid due 'next tuesday'",
        ),
        (("--film", "the-roundup", "--due", "2026-02-20"), "invalid due"),
        (("--at", "25:99"), "invalid at"),
        (("--at", "10:30"), "today is not a day of EFM 2026"),
        (("--contact", "Jan Peeters"), "does not work at Splendid Film"),
        (("--status", "maybe"), "invalid status 'maybe'"),
        (("--status", "no-show", "--film", "the-roundup"), "has no films discussed"),
        (("--duration", "0"), "invalid duration"),
        (("--market", "Cannes"), "unknown market 'Cannes'"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    efm: Cli, args: tuple[str, ...], field: str
) -> None:
    before = counts(efm.url)
    base = ["meeting", "log", "--market", "EFM", "--company", "Splendid"]
    if "--market" in args:
        base = ["meeting", "log", "--company", "Splendid"]
    result = efm(*base, *args, expect=2)
    assert field in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert counts(efm.url) == before


def test_a_meeting_outside_any_market_is_in_the_agents_zone(
    efm: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An office visit in Seoul and a call typed on a laptop set to Paris time: no market,
    no stand; times read and shown in --tz or the computer's zone; history says where."""
    out = efm(
        "meeting", "log", "--company", "Splendid", "--tz", "Asia/Seoul",
        "--at", "2026-03-04 10:30", "--film", "the-roundup:hot", "--film", "the-outlaws:pass",
        "--note", "office visit", "--followup", "send the contract", "--due", "2026-03-06",
    ).stdout  # fmt: skip
    assert out.startswith("logged meeting ") and "2026-03-04 10:30 KST (held)" in out
    assert " at " not in out.splitlines()[0]
    (held,) = as_json(efm("meeting", "list", "--format", "json"))
    assert held["market"] is None and held["place"] is None
    opportunities = {o["film"]: o for o in as_json(efm("opportunity", "list", "--format", "json"))}
    assert opportunities["the-outlaws"]["stage"] == "lost"
    history = efm("opportunity", "show", opportunities["the-outlaws"]["id"]).stdout
    assert "passed in a meeting on 2026-03-04" in history

    # The computer's zone (TZ) when --tz is not given; a planned call is filled in later.
    monkeypatch.setenv("TZ", "Europe/Paris")
    efm("meeting", "schedule", "--company", "Lumière", "--at", "2026-03-05 09:00")
    clash = efm("meeting", "schedule", "--company", "Splendid", "--at", "2026-03-05 09:15")
    assert "clash: overlaps Lumière Publishing at 2026-03-05 09:00 CET" in clash.stderr
    filled = efm(
        "meeting", "log", "--company", "Lumière", "--at", "2026-03-05 09:05",
        "--film", "the-roundup:warm",
    ).stdout  # fmt: skip
    assert "filled in scheduled meeting" in filled and "2026-03-05 09:05 CET" in filled
    starts = {
        m["company"]: m["starts"] for m in as_json(efm("meeting", "list", "--format", "json"))
    }
    assert starts["Lumière Publishing"] == "2026-03-05T09:05:00+01:00"
    assert starts["Splendid Film"] == "2026-03-05T09:15:00+01:00"
    # The same clock time at the market is not the same meeting.
    at_market = efm(
        "meeting", "log", "--market", "EFM", "--company", "Lumière", "--at", "2026-02-14 09:05"
    ).stdout
    assert "logged meeting" in at_market and "at EFM 2026" in at_market


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--tz", "Mars/Olympus"), "invalid tz 'Mars/Olympus'"),
        (("--market", "EFM", "--tz", "Asia/Seoul"), "invalid tz 'Asia/Seoul': times at a market"),
    ],
)
def test_bad_zone_names_the_field_and_writes_nothing(
    efm: Cli, args: tuple[str, ...], message: str
) -> None:
    before = counts(efm.url)
    result = efm(
        "meeting", "log", "--company", "Splendid", "--at", "2026-03-04 10:30", *args, expect=2
    )
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert counts(efm.url) == before


def test_clock_time_on_a_one_day_market(efm: Cli) -> None:
    database = Database(efm.url)
    from datetime import date

    with database.begin() as session:
        build.market(
            session,
            "Busan Asian Film Market day",
            starts=date(2026, 10, 5),
            ends=date(2026, 10, 5),
            timezone="Asia/Seoul",
            stand=None,
        )
    database.dispose()
    out = efm("meeting", "log", "--market", "Busan", "--company", "Splendid", "--at", "10:30")
    assert "2026-10-05 10:30 KST" in out.stdout


def test_meeting_log_imports_nothing_heavy(efm: Cli) -> None:
    code = (
        "import sys\nfrom roundup_crm.cli import main\n"
        "try:\n"
        f"    main(['--db', {efm.url!r}, 'meeting', 'log', '--market', 'EFM', "
        "'--company', 'Splendid', '--at', '2026-02-14 12:00', '--film', 'the-roundup:hot', "
        "'--followup', 'call', '--due', '2026-02-20'])\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "heavy = ('rich', 'pycountry', 'babel', 'phonenumbers', 'email_validator', "
        "'weasyprint', 'alembic', 'jinja2', 'openpyxl')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"

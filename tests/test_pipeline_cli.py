"""Opportunities, offers, deals, avails, follow-ups and the board, through the CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest

from roundup_crm.db import Database
from tests import sales_builders as build
from tests.conftest import Cli
from tests.test_meetings import counts


@pytest.fixture
def efm(cli: Cli) -> Cli:
    database = Database(cli.url)
    build.efm_world(database)
    database.dispose()
    return cli


def as_json(result: Any) -> Any:
    return json.loads(result.stdout)


SET = ("opportunity", "set", "--film", "the-roundup", "--company", "Splendid")


def test_opportunity_set_move_and_history(efm: Cli) -> None:
    out = efm(
        *SET,
        "--territory",
        "German-speaking Europe",
        "--right",
        "theatrical",
        "--right",
        "SVOD",
        "--ask",
        "300k",
        "--take",
        "220,000",
        "--currency",
        "eur",
        "--interest",
        "warm",
    ).stdout
    assert out.startswith("created opportunity") and "(lead)" in out
    assert efm(*SET, "--interest", "hot").stdout.startswith("updated opportunity")
    (opp,) = as_json(efm("interest", "list", "--format", "json"))
    assert opp["territories"] == ["german-speaking-europe"]
    assert opp["rights"] == ["theatrical", "svod"]
    assert (opp["ask"], opp["take"], opp["currency"], opp["interest"]) == (
        "300000.00",
        "220000.00",
        "EUR",
        "hot",
    )
    efm("opportunity", "move", opp["id"], "screener-sent", "--note", "link sent")
    lost = efm("opportunity", "move", opp["id"], "lost", expect=2)
    assert "needs --reason" in lost.stderr
    assert (
        "an opportunity is won by `deal close`"
        in efm("opportunity", "move", opp["id"], "won", expect=2).stderr
    )
    efm(
        "opportunity",
        "move",
        "lost",
        "--film",
        "the-roundup",
        "--company",
        "Splendid",
        "--reason",
        "price too high",
    )
    shown = efm("opportunity", "show", opp["id"]).stdout
    assert "lead -> screener-sent" in shown and "screener-sent -> lost" in shown
    assert "price too high" in shown
    # reopened, it stays one opportunity with its history
    efm("opportunity", "move", opp["id"], "negotiating", "--note", "came back")
    assert as_json(efm("opportunity", "list", "--stage", "negotiating", "--format", "json"))
    csv_out = efm("opportunity", "list", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,film,company,country,stage,interest")


def test_offers_in_sequence_compared_with_ask_and_take(efm: Cli) -> None:
    efm(*SET, "--ask", "300k", "--take", "220k", "--currency", "EUR")
    first = efm(
        "offer",
        "add",
        "--film",
        "the-roundup",
        "--company",
        "Splendid",
        "180000",
        "EUR",
        "--mg",
        "--term-years",
        "7",
        "--from",
        "Anna Weber",
        "--date",
        "2026-02-14",
    )
    assert "offer #1 180,000.00 EUR" in first.stdout and "(now offer)" in first.stdout
    assert "60% of ask" in first.stdout and "below floor" in first.stdout
    assert "below floor" in first.stderr
    (opp,) = as_json(efm("opportunity", "list", "--format", "json"))
    counter = efm("offer", "add", opp["id"], "260k", "EUR", "--counter", "--date", "2026-02-15")
    assert "counter-offer #2" in counter.stdout and "(now negotiating)" in counter.stdout
    assert "above take" in counter.stdout
    third = efm("offer", "add", opp["id"], "235000", "EUR", "--mg", "--date", "2026-02-16")
    assert "offer #3" in third.stdout
    shown = efm("opportunity", "show", opp["id"]).stdout
    assert shown.index("#1") < shown.index("#2") < shown.index("#3")
    assert "[countered]" in shown and "us (counter)" in shown and "Anna Weber" in shown
    data = as_json(efm("opportunity", "show", opp["id"], "--format", "json"))
    assert [o["status"] for o in data["offers"]] == ["countered", "countered", "open"]
    assert [h["to_stage"] for h in data["history"]] == ["lead", "offer", "negotiating"]
    # an offer in another currency without a rate is not compared, not guessed
    usd = efm("offer", "add", opp["id"], "250000", "USD")
    assert "no USD/EUR exchange rate recorded" in usd.stdout


def test_offer_on_a_pair_without_opportunity_starts_one(efm: Cli) -> None:
    efm("offer", "add", "--film", "the-outlaws", "--company", "Metropolitan", "50k", "EUR")
    (opp,) = as_json(efm("opportunity", "list", "--format", "json"))
    assert opp["stage"] == "offer" and opp["latest_offer"] == "50000.00"


def test_close_deal_refuses_overlaps_and_feeds_avails(efm: Cli) -> None:
    efm(*SET, "--territory", "German-speaking Europe", "--right", "all-rights")
    efm("offer", "add", "--film", "the-roundup", "--company", "Splendid", "200k", "EUR", "--mg")
    out = efm(
        "deal",
        "close",
        "--film",
        "the-roundup",
        "--company",
        "Splendid",
        "--term-start",
        "2026-03-01",
        "--years",
        "7",
        "--signed",
        "2026-02-15",
        "--instalment",
        "40% 2026-03-01 on signature",
        "--instalment",
        "60% on delivery",
    )
    assert "closed deal" in out.stdout and "200,000.00 EUR" in out.stdout
    assert "2026-03-01 to 2033-02-28" in out.stdout
    (deal,) = as_json(efm("deal", "list", "--format", "json"))
    assert deal["territories"] == ["german-speaking-europe"] and deal["status"] == "memo-signed"
    (opp,) = as_json(efm("opportunity", "list", "--format", "json"))
    assert opp["stage"] == "won"
    shown = efm("deal", "show", deal["id"]).stdout
    assert "80,000.00 EUR on signature due 2026-03-01" in shown
    assert "120,000.00 EUR on delivery" in shown

    before = counts(efm.url)
    clash = efm(
        "deal",
        "close",
        "--film",
        "the-roundup",
        "--company",
        "Lumière",
        "--territory",
        "AT",
        "--right",
        "svod",
        "--term-start",
        "2030-01-01",
        "--years",
        "2",
        "--mg",
        "10k",
        "--currency",
        "EUR",
        expect=1,
    )
    assert f"deal {deal['id']} with Splendid Film" in clash.stderr
    assert "svod in AT" in clash.stderr
    assert counts(efm.url) == before
    # remake was never part of all-rights; after the term, Austria is free again
    efm(
        "deal",
        "close",
        "--film",
        "the-roundup",
        "--company",
        "Lumière",
        "--territory",
        "AT",
        "--right",
        "remake",
        "--term-start",
        "2026-03-01",
        "--years",
        "10",
        "--mg",
        "5k",
        "--currency",
        "EUR",
    )

    grid = as_json(efm("avails", "the-roundup", "--on", "2026-06-01", "--format", "json"))
    de = next(c for c in grid["countries"] if c["country"] == "DE")
    assert de["cells"]["svod"]["status"] == "sold"
    assert de["cells"]["svod"]["sold_to"][0]["buyer"] == "Splendid Film"
    assert de["cells"]["svod"]["sold_to"][0]["term_end"] == "2033-02-28"
    assert de["cells"]["remake"]["status"] == "open"
    assert grid["groups"][0]["label"] == "Austria"
    later = as_json(efm("avails", "the-roundup", "--on", "2034-01-01", "--format", "json"))
    assert later["counts"]["sold"] == 1  # only the 10-year remake deal is left

    table = efm("avails", "the-roundup", "--on", "2026-06-01", "--rights", "svod").stdout
    assert "German-speaking Europe" in table  # remake not shown: Austria joins its group
    assert "sold Splendid Film to 2033-02" in table and "Rest of world" in table
    csv_lines = efm("avails", "the-roundup", "--on", "2026-06-01", "--format", "csv").stdout
    assert "DE,Germany,svod,sold,Splendid Film" in csv_lines

    assert "long-form-signed" in efm("deal", "status", deal["id"], "long-form-signed").stdout
    back = efm("deal", "status", deal["id"], "memo-signed", expect=2)
    assert "already long-form-signed" in back.stderr
    efm("deal", "status", deal["id"], "paid", "--date", "2026-09-01")
    assert "paid 2026-09-01" in efm("deal", "show", deal["id"]).stdout


def test_non_exclusive_deals_can_share_a_territory(efm: Cli) -> None:
    common = (
        "--territory",
        "FR",
        "--right",
        "svod",
        "--term-start",
        "2026-03-01",
        "--years",
        "2",
        "--mg",
        "10k",
        "--currency",
        "EUR",
        "--non-exclusive",
    )
    efm("deal", "close", "--film", "the-outlaws", "--company", "Metropolitan", *common)
    efm("deal", "close", "--film", "the-outlaws", "--company", "Lumière", *common)
    exclusive = efm(
        "deal", "close", "--film", "the-outlaws", "--company", "Splendid", *common[:-1], expect=1
    )
    assert "overlaps an existing deal" in exclusive.stderr and "and 1 more" in exclusive.stderr


def test_followups_add_list_overdue_done(efm: Cli) -> None:
    efm(
        "followup",
        "add",
        "send screener",
        "--company",
        "Splendid",
        "--contact",
        "Anna",
        "--due",
        "2020-01-01",
    )
    efm("followup", "add", "Cannes invitation", "--company", "Lumière", "--due", "+30d")
    overdue = as_json(efm("followup", "list", "--overdue", "--format", "json"))
    assert [t["title"] for t in overdue] == ["send screener"] and overdue[0]["overdue"]
    assert "OVERDUE" in efm("followup", "list").stdout
    assert len(as_json(efm("followup", "list", "--mine", "--format", "json"))) == 2
    assert as_json(efm("followup", "list", "--agent", "tester", "--format", "json"))
    assert "unknown agent 'nobody'" in efm("followup", "list", "--agent", "nobody", expect=2).stderr
    efm("followup", "done", overdue[0]["id"], "--note", "sent")
    assert [t["title"] for t in as_json(efm("followup", "list", "--format", "json"))] == [
        "Cannes invitation"
    ]
    assert "already done" in efm("followup", "done", overdue[0]["id"], expect=1).stderr


def test_pipeline_board_counts_and_values(efm: Cli) -> None:
    efm(*SET, "--ask", "300k", "--currency", "EUR")
    efm(
        "opportunity",
        "set",
        "--film",
        "the-roundup",
        "--company",
        "Lumière",
        "--ask",
        "80k",
        "--currency",
        "EUR",
    )
    efm("offer", "add", "--film", "the-outlaws", "--company", "Metropolitan", "50k", "USD")
    board = as_json(efm("pipeline", "--format", "json"))
    stages = {s["stage"]: s for s in board["stages"]}
    assert list(stages) == [
        "lead",
        "pitched",
        "screener-sent",
        "offer",
        "negotiating",
        "won",
        "lost",
    ]
    assert stages["lead"]["count"] == 2 and stages["lead"]["value"] == {"EUR": "380000.00"}
    assert stages["offer"]["value"] == {"USD": "50000.00"}
    assert stages["offer"]["cards"][0]["company"] == "Metropolitan Filmexport"
    only = as_json(efm("pipeline", "--film", "the-outlaws", "--format", "json"))
    assert sum(s["count"] for s in only["stages"]) == 1
    text = efm("pipeline").stdout
    assert "LEAD  2  380,000.00 EUR" in text and "Splendid Film / the-roundup" in text
    assert efm("pipeline", "--format", "csv").stdout.startswith("stage,count,value")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((*SET, "--ask", "lots", "--currency", "EUR"), "invalid ask 'lots'"),
        ((*SET, "--ask", "10k", "--currency", "EURO"), "invalid currency 'EURO'"),
        ((*SET, "--territory", "Atlantis"), "invalid territory 'Atlantis'"),
        ((*SET, "--right", "cinema"), "invalid right 'cinema'"),
        ((*SET, "--interest", "lukewarm"), "invalid interest 'lukewarm'"),
        ((*SET, "--stage", "won"), "invalid stage 'won'"),
        ((*SET, "--ask", "10k", "--take", "20k", "--currency", "EUR"), "invalid take"),
        (("opportunity", "set", "--film", "nope", "--company", "Splendid"), "unknown film"),
        (
            ("opportunity", "set", "--film", "the-roundup", "--company", "Nobody"),
            "unknown company 'Nobody'",
        ),
        (
            ("opportunity", "set", "--film", "The R", "--company", "Lumière"),
            "ambiguous film 'The R'",
        ),
        (
            ("offer", "add", "--film", "the-roundup", "--company", "Splendid", "1e5x", "EUR"),
            "invalid amount",
        ),
        (
            ("offer", "add", "--film", "the-roundup", "--company", "Splendid", "100", "XYZ"),
            "invalid currency 'XYZ'",
        ),
        (
            (
                "offer",
                "add",
                "--film",
                "the-roundup",
                "--company",
                "Splendid",
                "100",
                "EUR",
                "--date",
                "14/02/2026",
            ),
            "invalid date '14/02/2026'",
        ),
        (
            (
                "deal",
                "close",
                "--film",
                "the-roundup",
                "--company",
                "Splendid",
                "--territory",
                "DE",
                "--right",
                "svod",
                "--years",
                "5",
                "--mg",
                "10k",
                "--currency",
                "EUR",
                "--term-start",
                "2026-02-30",
            ),
            "invalid term-start",
        ),
        (
            (
                "deal",
                "close",
                "--film",
                "the-roundup",
                "--company",
                "Splendid",
                "--territory",
                "DE",
                "--right",
                "svod",
                "--years",
                "5",
                "--mg",
                "10k",
                "--currency",
                "EUR",
                "--instalment",
                "30% on signature",
            ),
            "invalid instalment",
        ),
        (
            (
                "deal",
                "close",
                "--film",
                "the-roundup",
                "--company",
                "Splendid",
                "--territory",
                "DE",
                "--right",
                "svod",
                "--mg",
                "10k",
                "--currency",
                "EUR",
            ),
            "invalid term-end",
        ),
        (("avails", "nope"), "unknown film 'nope'"),
        (("avails", "the-roundup", "--on", "someday"), "invalid on 'someday'"),
        (("avails", "the-roundup", "--rights", "cinema"), "invalid right 'cinema'"),
        (("followup", "add", "x", "--due", "soon"), "invalid due 'soon'"),
        (("followup", "done", "zzzz"), "unknown follow-up"),
        (("opportunity", "list", "--interest", "meh"), "invalid interest 'meh'"),
        (("pipeline", "--film", "nope"), "unknown film"),
        (("deal", "status", "abcd", "paid"), "unknown deal 'abcd'"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(
    efm: Cli, args: tuple[str, ...], message: str
) -> None:
    before = counts(efm.url)
    result = efm(*args, expect=2)
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert counts(efm.url) == before

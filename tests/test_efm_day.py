"""A scripted day at the EFM, end to end through the command line only."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Cli

FILMS = [
    ("The Outlaws", "the-outlaws", "범죄도시", "1", "2017"),
    ("The Roundup", "the-roundup", "범죄도시2", "2", "2022"),
    ("The Roundup: No Way Out", "no-way-out", "범죄도시3", "3", "2023"),
    ("The Roundup: Punishment", "punishment", "범죄도시4", "4", "2024"),
]

BUYERS = [
    ("Splendid Film", "DE", "German-speaking Europe", "Anna Weber", "anna@splendid.example"),
    ("Lumière Publishing", "BE", "Benelux", "Jan Peeters", "jan@lumiere.example"),
    ("Metropolitan Filmexport", "FR", "FR", "Claire Martin", "claire@metro.example"),
    ("Koch Media Italia", "IT", "IT", "Marco Rossi", "marco@koch.example"),
    ("Njutafilms", "SE", "Scandinavia", "Sara Lind", "sara@njuta.example"),
    ("Well Go USA", "US", "North America", "Doris Pfardrescher", "doris@wellgo.example"),
    ("Madman Entertainment", "AU", "Australia & New Zealand", "Tim Read", "tim@madman.example"),
    ("Encore Films", "SG", "SG", "Joyce Lim", "joyce@encore.example"),
    ("Kino Świat", "PL", "PL", "Tomasz Nowak", "tomasz@kino.example"),
    ("Golden Village", "SG", "MY", "Lee Wei", "lee@gv.example"),
]


def as_json(result: Any) -> Any:
    return json.loads(result.stdout)


def test_a_day_at_the_efm(cli: Cli) -> None:
    # Catalogue, buyers and the market, as an agent would set them up.
    for title, slug, original, order, year in FILMS:
        cli(
            "film",
            "add",
            title,
            "--slug",
            slug,
            "--original-title",
            original,
            "--series",
            "The Roundup",
            "--series-order",
            order,
            "--year",
            year,
            "--runtime",
            "105",
            "--status",
            "released",
        )
    for name, country, territory, person, email in BUYERS:
        cli("company", "add", name, "--country", country, "--territory", territory)
        cli("contact", "add", person, "--company", name, "--email", email)
    cli(
        "market",
        "add",
        "EFM 2026",
        "--city",
        "Berlin",
        "--from",
        "2026-02-12",
        "--to",
        "2026-02-18",
        "--timezone",
        "Europe/Berlin",
        "--stand",
        "Gropius Bau B12",
    )
    cli(
        "screening",
        "add",
        "--market",
        "EFM",
        "--film",
        "punishment",
        "--at",
        "2026-02-14 09:00",
        "--venue",
        "CinemaxX 3",
        "--minutes",
        "110",
    )

    # A plan made before the day, then twenty meetings logged at the stand.
    cli(
        "meeting",
        "schedule",
        "--market",
        "EFM",
        "--company",
        "Splendid",
        "--at",
        "2026-02-14 10:00",
        "--film",
        "punishment",
    )
    day = "2026-02-14"
    meetings = [
        ("Splendid", "Anna Weber", "10:00", ["punishment:hot", "no-way-out:warm"]),
        ("Lumière", "Jan Peeters", "10:30", ["punishment:hot", "the-outlaws:pass"]),
        ("Metropolitan", "Claire Martin", "11:00", ["punishment:warm"]),
        ("Koch", "Marco Rossi", "11:30", ["the-roundup:cold", "punishment:warm"]),
        ("Njutafilms", "Sara Lind", "12:00", ["punishment:hot"]),
        ("Well Go", "Doris Pfardrescher", "12:30", ["punishment:hot", "no-way-out:hot"]),
        ("Madman", "Tim Read", "13:30", ["punishment:warm"]),
        ("Encore", "Joyce Lim", "14:00", ["the-roundup:warm"]),
        ("Kino", "Tomasz Nowak", "14:30", ["punishment:cold"]),
        ("Golden Village", "Lee Wei", "15:00", ["punishment:pass"]),
    ]
    for index, (company, person, at, films) in enumerate(meetings):
        for round_, when in enumerate((f"{day} {at}", f"2026-02-16 {at}")):
            args = [
                "meeting",
                "log",
                "--market",
                "EFM",
                "--company",
                company,
                "--contact",
                person,
                "--at",
                when,
                "--note",
                f"round {round_ + 1}",
            ]
            for film in films:
                args += ["--film", film]
            if round_ == 0:
                args += ["--followup", f"send screener to {person}", "--due", "2026-02-20"]
            out = cli(*args).stdout
            if index == 0 and round_ == 0:
                assert "filled in scheduled meeting" in out
    assert len(as_json(cli("meeting", "list", "--market", "EFM", "--format", "json"))) == 20
    plan = as_json(cli("schedule", "--market", "EFM", "--day", day, "--format", "json"))
    assert plan[0]["kind"] == "screening" and len(plan) == 11
    splendid = next(p for p in plan if p["what"] == "Splendid Film")
    assert any("punishment screening" in c for c in splendid["clash"])
    assert len(as_json(cli("followup", "list", "--mine", "--format", "json"))) == 10

    # Move opportunities on, record offers and a counter-offer, close a deal.
    cli(
        "opportunity",
        "set",
        "--film",
        "punishment",
        "--company",
        "Splendid",
        "--territory",
        "German-speaking Europe",
        "--right",
        "all-rights",
        "--ask",
        "400k",
        "--take",
        "300k",
        "--currency",
        "EUR",
    )
    cli(
        "opportunity",
        "move",
        "screener-sent",
        "--film",
        "punishment",
        "--company",
        "Well Go",
        "--note",
        "screener link sent",
    )
    cli(
        "opportunity",
        "move",
        "lost",
        "--film",
        "punishment",
        "--company",
        "Kino",
        "--reason",
        "bought a competing title",
    )
    first = cli(
        "offer",
        "add",
        "--film",
        "punishment",
        "--company",
        "Splendid",
        "250000",
        "EUR",
        "--mg",
        "--term-years",
        "7",
        "--from",
        "Anna Weber",
    )
    assert "below floor" in first.stdout
    cli("offer", "add", "--film", "punishment", "--company", "Splendid", "380k", "EUR", "--counter")
    cli(
        "offer",
        "add",
        "--film",
        "punishment",
        "--company",
        "Splendid",
        "330k",
        "EUR",
        "--mg",
        "--term-years",
        "7",
    )
    cli("offer", "add", "--film", "punishment", "--company", "Well Go", "500k", "USD", "--mg")
    shown = cli("opportunity", "show", "--film", "punishment", "--company", "Splendid").stdout
    assert shown.index("#1") < shown.index("#2") < shown.index("#3")
    deal = cli(
        "deal",
        "close",
        "--film",
        "punishment",
        "--company",
        "Splendid",
        "--term-start",
        "2026-04-01",
        "--years",
        "7",
        "--signed",
        "2026-02-16",
        "--instalment",
        "20% 2026-02-16 on signature",
        "--instalment",
        "80% on delivery",
    )
    assert "330,000.00 EUR" in deal.stdout and "2026-04-01 to 2033-03-31" in deal.stdout
    refused = cli(
        "deal",
        "close",
        "--film",
        "punishment",
        "--company",
        "Lumière",
        "--territory",
        "AT",
        "--right",
        "svod",
        "--years",
        "3",
        "--mg",
        "20k",
        "--currency",
        "EUR",
        "--term-start",
        "2027-01-01",
        expect=1,
    )
    assert "Splendid Film" in refused.stderr

    # Avails and the board reflect the day.
    grid = as_json(cli("avails", "punishment", "--on", "2026-06-01", "--format", "json"))
    cells = {c["country"]: c["cells"] for c in grid["countries"]}
    assert cells["DE"]["theatrical"]["sold_to"][0]["buyer"] == "Splendid Film"
    assert cells["US"]["svod"]["status"] == "offer"
    assert cells["US"]["svod"]["offers"] == ["Well Go USA"]
    assert cells["FR"]["svod"]["status"] == "open"
    assert grid["groups"][0]["label"] == "German-speaking Europe"
    assert "Rest of world" in cli("avails", "punishment", "--on", "2026-06-01").stdout

    board = {
        s["stage"]: s
        for s in as_json(cli("pipeline", "--film", "punishment", "--format", "json"))["stages"]
    }
    assert board["won"]["count"] == 1 and board["won"]["value"] == {"EUR": "330000.00"}
    assert board["offer"]["count"] == 1 and board["offer"]["value"] == {"USD": "500000.00"}
    assert board["lost"]["count"] == 2  # Golden Village passed, Kino bought elsewhere
    assert board["pitched"]["count"] == 5
    text = cli("pipeline").stdout
    assert "WON  1" in text and "Splendid Film / punishment" in text
    lost = as_json(cli("opportunity", "list", "--stage", "lost", "--format", "json"))
    assert {o["company"] for o in lost} == {"Golden Village", "Kino Świat", "Lumière Publishing"}

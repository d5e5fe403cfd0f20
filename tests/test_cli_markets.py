"""Markets, screenings and invitations, on the market's clock."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from roundup_crm.db import make_engine
from tests.catalogue import refused
from tests.conftest import Cli


def setup_efm(cli: Cli) -> None:
    cli(
        "market",
        "add",
        "EFM 2026",
        "--city",
        "Berlin",
        "--venue",
        "Gropius Bau",
        "--from",
        "2026-02-12",
        "--to",
        "2026-02-18",
        "--timezone",
        "Europe/Berlin",
        "--stand",
        "B12",
    )
    cli("film", "add", "The Roundup: Punishment", "--runtime", "109")
    cli("company", "add", "Nordlicht Filmverleih", "--country", "DE")
    cli("company", "add", "Ciné-Lumière", "--country", "FR")
    cli("contact", "add", "Anna Becker", "--company", "Nordlicht")


def test_market_screening_invitation_flow(cli: Cli) -> None:
    setup_efm(cli)
    out = cli(
        "screening",
        "add",
        "--market",
        "EFM",
        "--film",
        "the-roundup-punishment",
        "--at",
        "2026-02-14 10:00",
        "--venue",
        "CinemaxX 7",
    ).stdout
    assert "2026-02-14 10:00 CET" in out
    cli(
        "screening",
        "add",
        "--market",
        "EFM 2026",
        "--kind",
        "panel",
        "--title",
        "K-Action today",
        "--at",
        "2026-02-15 16:30",
        "--minutes",
        "45",
    )

    # Stored in UTC: 10:00 in Berlin in February is 09:00 UTC.
    engine = make_engine(cli.url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT min(starts_at) FROM screenings")).scalar_one()
    engine.dispose()
    assert str(stored).startswith("2026-02-14 09:00")

    screenings = json.loads(cli("screening", "list", "--market", "EFM", "--format", "json").stdout)
    assert [(s["at"], s["kind"], s["minutes"]) for s in screenings] == [
        ("2026-02-14 10:00", "market-screening", 109),
        ("2026-02-15 16:30", "panel", 45),
    ]
    first = screenings[0]["id"]
    cli("screening", "invite", first, "--company", "Nordlicht", "--contact", "Anna")
    cli("screening", "invite", "the-roundup-punishment", "--company", "Ciné")
    # Inviting again records attendance on the same invitation.
    cli("screening", "invite", first, "--company", "Nordlicht", "--contact", "Anna", "--attended")
    row = json.loads(
        cli("screening", "list", "--film", "the-roundup-punishment", "--format", "json").stdout
    )[0]
    assert (row["invited"], row["attended"]) == (2, 1)

    record = json.loads(cli("market", "show", "EFM", "--format", "json").stdout)
    assert record["timezone"] == "Europe/Berlin" and record["stand"] == "B12"
    assert record["meetings"] == 0
    assert [s["at"] for s in record["screenings"]] == ["2026-02-14 10:00", "2026-02-15 16:30"]
    table = cli("market", "show", "EFM").stdout
    assert "CinemaxX 7" in table and "K-Action today" in table

    markets = json.loads(cli("market", "list", "--format", "json").stdout)
    assert markets[0]["name"] == "EFM 2026" and markets[0]["screenings"] == 2
    assert set(markets[0]) == {
        "id",
        "name",
        "city",
        "starts_on",
        "ends_on",
        "timezone",
        "stand",
        "meetings",
        "screenings",
    }
    assert json.loads(cli("market", "list", "--year", "2025", "--format", "json").stdout) == []


@pytest.mark.parametrize(
    ("args", "field", "value"),
    [
        (
            (
                "market",
                "add",
                "Cannes 2026",
                "--from",
                "2026-05-13",
                "--to",
                "2026-05-12",
                "--timezone",
                "Europe/Paris",
            ),
            "end date",
            "2026-05-12",
        ),
        (
            (
                "market",
                "add",
                "Cannes 2026",
                "--from",
                "13 May",
                "--to",
                "2026-05-22",
                "--timezone",
                "Europe/Paris",
            ),
            "start date",
            "13 May",
        ),
        (
            (
                "market",
                "add",
                "AFM 2026",
                "--from",
                "2026-11-03",
                "--to",
                "2026-11-09",
                "--timezone",
                "America/LA",
            ),
            "timezone",
            "America/LA",
        ),
        (
            (
                "market",
                "add",
                "efm 2026",
                "--from",
                "2026-02-12",
                "--to",
                "2026-02-18",
                "--timezone",
                "Europe/Berlin",
            ),
            "EFM 2026",
            None,
        ),
        (("market", "show", "Venice"), "market", "Venice"),
        (("market", "list", "--year", "next"), "year", "next"),
        (
            (
                "screening",
                "add",
                "--market",
                "EFM",
                "--film",
                "the-roundup-punishment",
                "--at",
                "2026-03-14 10:00",
            ),
            "time",
            "2026-03-14 10:00",
        ),
        (
            (
                "screening",
                "add",
                "--market",
                "EFM",
                "--film",
                "the-roundup-punishment",
                "--at",
                "half past ten",
            ),
            "time",
            "half past ten",
        ),
        (("screening", "add", "--market", "EFM", "--at", "2026-02-14 10:00"), "film", None),
        (
            (
                "screening",
                "add",
                "--market",
                "EFM",
                "--film",
                "the-roundup-punishment",
                "--at",
                "2026-02-14 10:00",
                "--kind",
                "party",
            ),
            "kind",
            "party",
        ),
        (
            (
                "screening",
                "add",
                "--market",
                "Venice",
                "--film",
                "the-roundup-punishment",
                "--at",
                "2026-02-14 10:00",
            ),
            "market",
            "Venice",
        ),
        (
            (
                "screening",
                "add",
                "--market",
                "EFM",
                "--film",
                "the-roundup-punishment",
                "--at",
                "2026-02-14 10:00",
                "--minutes",
                "0",
            ),
            "minutes",
            "0",
        ),
        (
            ("screening", "invite", "the-roundup-punishment", "--company", "Nordlicht"),
            "screening",
            "the-roundup-punishment",
        ),
        (("screening", "invite", "ffffffff", "--company", "Nordlicht"), "screening", "ffffffff"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    cli: Cli, args: tuple[str, ...], field: str, value: str | None
) -> None:
    setup_efm(cli)
    refused(cli, *args, field=field, value=value, code=1 if field == "EFM 2026" else 2)


def test_invite_refuses_a_contact_of_another_company(cli: Cli) -> None:
    setup_efm(cli)
    cli(
        "screening",
        "add",
        "--market",
        "EFM",
        "--film",
        "the-roundup-punishment",
        "--at",
        "2026-02-14 10:00",
    )
    refused(
        cli,
        "screening",
        "invite",
        "the-roundup-punishment",
        "--company",
        "Ciné",
        "--contact",
        "Anna",
        field="contact",
        value="Anna",
    )

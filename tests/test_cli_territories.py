"""Territories and user-defined territory groups."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from roundup_crm.errors import InvalidInput
from roundup_crm.services.territories import country_codes, find_territory
from roundup_crm.services.territory_groups import add_group, edit_group
from tests.catalogue import refused
from tests.conftest import Cli


def test_list_and_show(cli: Cli) -> None:
    groups = json.loads(cli("territory", "list", "--groups", "--format", "json").stdout)
    assert all(g["kind"] == "group" for g in groups)
    by_code = {g["code"]: g for g in groups}
    assert by_code["cis-excl-baltics"]["countries"] == 12
    everything = json.loads(cli("territory", "list", "--format", "json").stdout)
    assert len(everything) > len(groups) + 200

    shown = json.loads(cli("territory", "show", "CIS excl. Baltics", "--format", "json").stdout)
    codes = {c["code"] for c in shown["countries"]}
    assert "RU" in codes and "EE" not in codes
    assert shown["excluded"] == ["Baltics (baltics)"]
    germany = json.loads(cli("territory", "show", "Germany", "--format", "json").stdout)
    assert "German-speaking Europe (german-speaking-europe)" in germany["in_groups"]
    assert "Russia (RU)" in cli("territory", "show", "cis").stdout


def test_define_and_edit_a_group(cli: Cli) -> None:
    cli(
        "territory",
        "group",
        "add",
        "DACH excl. Switzerland",
        "--member",
        "German-speaking Europe",
        "--exclude",
        "CH",
    )
    shown = json.loads(cli("territory", "show", "DACH excl", "--format", "json").stdout)
    assert {c["code"] for c in shown["countries"]} == {"DE", "AT", "LI", "LU"}
    assert shown["builtin"] is False
    cli(
        "territory",
        "group",
        "edit",
        "dach-excl-switzerland",
        "--exclude",
        "LI",
        "--member",
        "Poland",
    )
    shown = json.loads(cli("territory", "show", "DACH excl", "--format", "json").stdout)
    assert {c["code"] for c in shown["countries"]} == {"DE", "AT", "LU", "PL"}
    cli("territory", "group", "edit", "dach-excl-switzerland", "--remove", "PL")
    # A company buying for the new group is found by its countries.
    cli("company", "add", "Nordlicht", "--country", "DE", "--territory", "DACH excl. Switzerland")
    found = json.loads(cli("company", "list", "--territory", "AT", "--format", "json").stdout)
    assert [c["name"] for c in found] == ["Nordlicht"]


@pytest.mark.parametrize(
    ("args", "field", "value"),
    [
        (("territory", "group", "edit", "Mine", "--member", "Loop"), "member", "Loop"),
        (("territory", "group", "edit", "Mine", "--member", "Mine"), "member", "Mine"),
        (
            ("territory", "group", "add", "Nothing", "--member", "DE", "--exclude", "DE"),
            "exclude",
            "Germany",
        ),
        (
            (
                "territory",
                "group",
                "add",
                "Empty",
                "--member",
                "AT",
                "--exclude",
                "German-speaking Europe",
            ),
            "exclude",
            "German-speaking Europe",
        ),
        (("territory", "group", "add", "Bogus", "--member", "Atlantis"), "member", "Atlantis"),
        (("territory", "group", "add", "No members"), "member", None),
        (("territory", "group", "add", "Mine", "--member", "FR"), "Mine", None),
        (("territory", "group", "add", "X", "--member", "FR"), "code", None),
        (("territory", "group", "edit", "Germany", "--member", "FR"), "group", "Germany"),
        (("territory", "group", "edit", "Mine", "--remove", "FR"), "remove", "France"),
        (("territory", "show", "Narnia"), "territory", "Narnia"),
    ],
)
def test_bad_groups_are_refused_and_write_nothing(
    cli: Cli, args: tuple[str, ...], field: str, value: str | None
) -> None:
    cli("territory", "group", "add", "Mine", "--member", "DE", "--member", "AT")
    cli("territory", "group", "add", "Loop", "--member", "Mine")
    refused(cli, *args, field=field, value=value, code=1 if field == "Mine" else 2)


def test_cycles_through_several_groups_are_refused(session: Session) -> None:
    add_group(session, name="Alpha group", members=["DE"])
    add_group(session, name="Beta group", members=["Alpha group"])
    add_group(session, name="Gamma group", members=["Beta group", "FR"])
    with pytest.raises(InvalidInput, match="Alpha group contains Gamma group contains Beta"):
        edit_group(session, "Alpha group", members=["Gamma group"])
    gamma = find_territory(session, "Gamma group")
    assert country_codes(session, [gamma]) == {"DE", "FR"}

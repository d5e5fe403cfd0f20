"""Companies and contacts from the command line."""

from __future__ import annotations

import json

import pytest

from tests.catalogue import refused, row_counts
from tests.conftest import Cli


def add_buyers(cli: Cli) -> None:
    cli(
        "company",
        "add",
        "Nordlicht Filmverleih GmbH",
        "--country",
        "Germany",
        "--type",
        "distributor",
        "--territory",
        "German-speaking Europe",
        "--genre",
        "Thriller",
        "--tag",
        "efm-2026",
        "--website",
        "nordlicht.example",
    )
    cli(
        "company",
        "add",
        "Ciné-Lumière SAS",
        "--country",
        "FR",
        "--territory",
        "France",
        "--tag",
        "hot-buyer",
        "--notes",
        "Loves Korean thrillers",
    )
    cli(
        "company",
        "add",
        "Benelux Pictures",
        "--country",
        "NL",
        "--type",
        "svod",
        "--territory",
        "Benelux",
        "--tag",
        "hot-buyer",
    )
    cli("company", "add", "Wien Film", "--country", "AT")


def names(cli: Cli, *args: str) -> list[str]:
    return [r["name"] for r in json.loads(cli("company", "list", *args, "--format", "json").stdout)]


def test_add_list_filter_and_show_companies(cli: Cli) -> None:
    add_buyers(cli)
    assert names(cli) == [
        "Benelux Pictures",
        "Ciné-Lumière SAS",
        "Nordlicht Filmverleih GmbH",
        "Wien Film",
    ]
    assert names(cli, "--country", "Germany") == ["Nordlicht Filmverleih GmbH"]
    # Germany is covered by a German-speaking Europe buyer; Austria also by the Austrian
    # company that lists no territories of its own.
    assert names(cli, "--territory", "DE") == ["Nordlicht Filmverleih GmbH"]
    assert names(cli, "--territory", "Austria") == ["Nordlicht Filmverleih GmbH", "Wien Film"]
    assert names(cli, "--territory", "Luxembourg") == [
        "Benelux Pictures",
        "Nordlicht Filmverleih GmbH",
    ]
    assert names(cli, "--type", "svod") == ["Benelux Pictures"]
    assert names(cli, "--tag", "HOT-BUYER") == ["Benelux Pictures", "Ciné-Lumière SAS"]
    assert names(cli, "--search", "cine lumiere") == ["Ciné-Lumière SAS"]
    assert names(cli, "--search", "korean") == ["Ciné-Lumière SAS"]
    assert names(cli, "--after", "Ciné-Lumière SAS", "--limit", "1") == [
        "Nordlicht Filmverleih GmbH"
    ]

    rows = json.loads(cli("company", "list", "--format", "json").stdout)
    assert set(rows[0]) == {"id", "name", "country", "type", "territories", "contacts", "tags"}
    header = cli("company", "list", "--format", "csv").stdout.splitlines()[0]
    assert header == "id,name,country,type,territories,contacts,tags"

    record = json.loads(cli("company", "show", "Nordlicht", "--format", "json").stdout)
    assert record["match_key"] == "nordlicht filmverleih"
    assert record["type"] == "theatrical-distributor"
    assert record["website"] == "https://nordlicht.example"
    assert record["territories"] == [
        {"code": "german-speaking-europe", "name": "German-speaking Europe"}
    ]
    assert record["genre_preferences"] == ["thriller"]


def test_edit_company_lists_and_fields(cli: Cli) -> None:
    add_buyers(cli)
    cli(
        "company",
        "edit",
        "Nordlicht",
        "--add-territory",
        "Benelux",
        "--remove-tag",
        "efm-2026",
        "--add-tag",
        "hot-buyer",
        "--website",
        "",
    )
    record = json.loads(cli("company", "show", "Nordlicht", "--format", "json").stdout)
    assert [t["code"] for t in record["territories"]] == ["benelux", "german-speaking-europe"]
    assert record["tags"] == ["hot-buyer"]
    assert record["website"] is None
    cli("company", "edit", "Nordlicht", "--territory", "DE", "--name", "Nordlicht Film AG")
    record = json.loads(cli("company", "show", "Nordlicht", "--format", "json").stdout)
    assert [t["code"] for t in record["territories"]] == ["DE"]
    assert record["match_key"] == "nordlicht film"


def test_same_company_twice_is_refused_naming_the_first(cli: Cli) -> None:
    add_buyers(cli)
    message = refused(
        cli,
        "company",
        "add",
        "NORDLICHT FILMVERLEIH",
        "--country",
        "DE",
        field="Nordlicht Filmverleih GmbH",
        code=1,
    )
    assert "--allow-duplicate" in message
    # Another country is another company; and the refusal can be overridden.
    cli("company", "add", "Nordlicht Filmverleih", "--country", "AT")
    cli("company", "add", "Nordlicht Filmverleih", "--country", "DE", "--allow-duplicate")
    # Renaming into a duplicate is refused too.
    refused(
        cli,
        "company",
        "edit",
        "Wien",
        "--name",
        "Ciné Lumière",
        "--country",
        "FR",
        field="Ciné-Lumière SAS",
        code=1,
    )


@pytest.mark.parametrize(
    ("args", "field", "value"),
    [
        (("company", "add", ""), "name", None),
        (("company", "add", "X", "--country", "Atlantis"), "country", "Atlantis"),
        (("company", "add", "X", "--type", "bakery"), "type", "bakery"),
        (("company", "add", "X", "--territory", "Narnia"), "territory", "Narnia"),
        (("company", "add", "X", "--website", "ftp://x.example"), "website", "ftp://x.example"),
        (("company", "add", "X", "--notes", "bad\x00byte"), "notes", None),
        (("company", "edit", "Nobody Films", "--country", "DE"), "company", "Nobody Films"),
        (("company", "edit", "Wien"), "company edit", "Wien"),
        (("company", "edit", "Wien", "--add-territory", "Mordor"), "territory", "Mordor"),
        (("company", "list", "--country", "Atlantis"), "country", "Atlantis"),
        (("company", "list", "--limit", "ten"), "limit", "ten"),
        (("company", "show", "Nowhere"), "company", "Nowhere"),
        (("contact", "add", "A", "--company", "Nobody Films"), "company", "Nobody Films"),
        (("contact", "add", "A", "--email", "a@"), "email", "a@"),
        (("contact", "add", "A", "--phone", "12"), "phone", "12"),
        (("contact", "add", "A", "--phone", "030 1234567"), "phone", "030 1234567"),
        (("contact", "add", "A", "--timezone", "Berlin"), "timezone", "Berlin"),
        (("contact", "add", "A", "--language", "Elvish"), "language", "Elvish"),
        (("contact", "add", "A", "--consent", "maybe"), "consent", "maybe"),
        (("contact", "edit", "Anna", "--email", "nope"), "email", "nope"),
        (("contact", "edit", "Anna"), "contact edit", "Anna"),
        (("contact", "show", "Zed"), "contact", "Zed"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    cli: Cli, args: tuple[str, ...], field: str, value: str | None
) -> None:
    add_buyers(cli)
    cli("contact", "add", "Anna Becker", "--company", "Nordlicht", "--email", "anna@nl.example")
    refused(cli, *args, field=field, value=value)


def test_contacts(cli: Cli) -> None:
    add_buyers(cli)
    cli(
        "contact",
        "add",
        "Anna Becker",
        "--company",
        "Nordlicht",
        "--role",
        "Head of Acquisitions",
        "--email",
        "Anna.Becker@Nordlicht.example",
        "--phone",
        "030 1234567",
        "--language",
        "German",
        "--timezone",
        "Europe/Berlin",
        "--source",
        "EFM 2026 stand",
        "--consent",
        "given",
    )
    cli(
        "contact",
        "add",
        "Jean Dupont",
        "--company",
        "Ciné",
        "--phone",
        "+33 1 23 45 67 89",
        "--language",
        "fr",
    )
    rows = json.loads(cli("contact", "list", "--format", "json").stdout)
    assert [r["name"] for r in rows] == ["Anna Becker", "Jean Dupont"]
    assert set(rows[0]) == {
        "id",
        "name",
        "company",
        "role",
        "email",
        "phone",
        "language",
        "timezone",
    }
    anna = rows[0]
    assert anna["phone"] == "+49301234567"  # read in the company's country
    assert anna["language"] == "de"
    assert anna["company"] == "Nordlicht Filmverleih GmbH"
    assert [
        r["name"]
        for r in json.loads(cli("contact", "list", "--country", "FR", "--format", "json").stdout)
    ] == ["Jean Dupont"]
    assert [
        r["name"]
        for r in json.loads(
            cli("contact", "list", "--search", "acquisitions", "--format", "json").stdout
        )
    ] == ["Anna Becker"]

    record = json.loads(
        cli("contact", "show", "anna.becker@nordlicht.example", "--format", "json").stdout
    )
    assert record["consent"] == "given" and record["consent_at"]
    assert record["source"] == "EFM 2026 stand"
    assert record["timezone"] == "Europe/Berlin"

    cli("contact", "edit", "Anna", "--consent", "withdrawn", "--role", "")
    record = json.loads(cli("contact", "show", "Anna", "--format", "json").stdout)
    assert record["consent"] == "withdrawn" and record["role"] is None

    before = row_counts(cli.url)
    message = cli(
        "contact", "add", "A. Becker", "--email", "anna.becker@nordlicht.example", expect=1
    ).stderr
    assert "Anna Becker" in message and row_counts(cli.url) == before
    cli(
        "contact",
        "add",
        "A. Becker",
        "--email",
        "anna.becker@nordlicht.example",
        "--allow-duplicate",
    )
    assert "Nordlicht" in cli("company", "show", "Nordlicht").stdout
    assert "Anna Becker" in cli("company", "show", "Nordlicht").stdout

"""Films from the command line: the catalogue, credits, festivals, quotes, box office."""

from __future__ import annotations

import json

import pytest

from tests.catalogue import refused
from tests.conftest import Cli

PUNISHMENT = "the-roundup-punishment"


def add_punishment(cli: Cli) -> None:
    cli(
        "film",
        "add",
        "The Roundup: Punishment",
        "--original-title",
        "범죄도시4",
        "--alt-title",
        "Crime City 4",
        "--series",
        "The Roundup",
        "--series-order",
        "4",
        "--year",
        "2024",
        "--runtime",
        "109",
        "--genre",
        "Crime",
        "--genre",
        "action",
        "--status",
        "released",
        "--country",
        "South Korea",
        "--language",
        "ko",
        "--logline",
        "Detective Ma Seok-do takes on an online gambling ring.",
    )


def test_add_show_and_list_a_film(cli: Cli) -> None:
    add_punishment(cli)
    cli(
        "film",
        "add",
        "범죄도시",
        "--romanised-title",
        "Beomjoe Dosi",
        "--year",
        "2017",
        "--series",
        "The Roundup",
        "--series-order",
        "1",
        "--alt-title",
        "The Outlaws",
    )
    record = json.loads(cli("film", "show", PUNISHMENT, "--format", "json").stdout)
    assert record["title"] == "The Roundup: Punishment"
    assert record["original_title"] == "범죄도시4"
    assert record["alternate_titles"] == ["Crime City 4"]
    assert record["genres"] == ["crime", "action"]
    assert record["languages"] == ["ko"]
    assert record["country"] == "KR"
    assert record["runtime_minutes"] == 109
    assert record["status"] == "released"

    films = json.loads(cli("film", "list", "--format", "json").stdout)
    assert [f["slug"] for f in films] == ["beomjoe-dosi", PUNISHMENT]  # series order
    assert set(films[0]) == {
        "slug",
        "title",
        "original_title",
        "year",
        "series",
        "series_order",
        "status",
        "runtime_minutes",
        "genres",
    }
    assert [
        f["slug"]
        for f in json.loads(cli("film", "list", "--genre", "crime", "--format", "json").stdout)
    ] == [PUNISHMENT]
    # A film is found by its original title and by a unique title prefix too.
    assert "Crime City 4" in cli("film", "show", "범죄도시4").stdout
    assert "Crime City 4" in cli("film", "show", "The Roundup: P").stdout


def test_fact_sheet_shows_credits_festivals_quotes_and_box_office(cli: Cli) -> None:
    add_punishment(cli)
    cli(
        "film",
        "credit",
        "add",
        PUNISHMENT,
        "Heo Myeong-haeng",
        "--role",
        "director",
        "--name-ko",
        "허명행",
    )
    cli(
        "film",
        "credit",
        "add",
        PUNISHMENT,
        "Ma Dong-seok",
        "--name-ko",
        "마동석",
        "--role",
        "actor",
        "--character",
        "Ma Seok-do",
        "--bio",
        "Star of the series.",
    )
    cli(
        "film",
        "credit",
        "add",
        PUNISHMENT,
        "Kim Mu-yeol",
        "--role",
        "cast",
        "--character",
        "Baek Chang-gi",
        "--order",
        "1",
    )
    cli(
        "film",
        "festival",
        "add",
        PUNISHMENT,
        "Berlinale",
        "2024",
        "--section",
        "Berlinale Special Gala",
    )
    cli("film", "quote", "add", PUNISHMENT, "A knockout.", "--source", "Screen Daily")
    cli(
        "film",
        "boxoffice",
        "add",
        PUNISHMENT,
        "Korea",
        "--admissions",
        "11,500,000",
        "--gross",
        "86m USD",
        "--as-of",
        "2024-06-30",
        "--source",
        "KOFIC",
    )

    sheet = cli("film", "show", PUNISHMENT).stdout
    for fact in (
        "범죄도시4",
        "Ma Dong-seok",
        "마동석",
        "Ma Seok-do",
        "Berlinale Special Gala",
        "A knockout.",
        "Screen Daily",
        "11500000",
        "86000000.00",
        "KOFIC",
    ):
        assert fact in sheet, fact

    credits = json.loads(cli("film", "credit", "list", PUNISHMENT, "--format", "json").stdout)
    assert [(c["name"], c["role"]) for c in credits] == [
        ("Kim Mu-yeol", "cast"),
        ("Heo Myeong-haeng", "director"),
        ("Ma Dong-seok", "cast"),
    ]
    cast = json.loads(
        cli("film", "credit", "list", PUNISHMENT, "--role", "cast", "--format", "json").stdout
    )
    assert {c["name"] for c in cast} == {"Kim Mu-yeol", "Ma Dong-seok"}
    cli("film", "credit", "remove", PUNISHMENT, "kim mu-yeol")
    csv_out = cli("film", "credit", "list", PUNISHMENT, "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "id,order,role,name,name_ko,character,bio,bio_ko"
    assert "Kim Mu-yeol" not in csv_out

    record = json.loads(cli("film", "show", PUNISHMENT, "--format", "json").stdout)
    assert record["festivals"][0]["section"] == "Berlinale Special Gala"
    assert record["box_office"][0]["gross"] == "86000000.00"
    assert record["box_office"][0]["currency"] == "USD"
    assert record["box_office"][0]["admissions"] == 11_500_000


def test_edit_changes_only_what_is_given(cli: Cli) -> None:
    add_punishment(cli)
    cli("film", "edit", PUNISHMENT, "--runtime", "110", "--genre", "thriller", "--logline", "")
    record = json.loads(cli("film", "show", PUNISHMENT, "--format", "json").stdout)
    assert record["runtime_minutes"] == 110
    assert record["genres"] == ["thriller"]
    assert record["logline"] is None
    assert record["year"] == 2024
    cli("film", "edit", PUNISHMENT, "--slug", "punishment")
    assert "Crime City 4" in cli("film", "show", "punishment").stdout


@pytest.mark.parametrize(
    ("args", "field", "value"),
    [
        (("film", "add", "범죄도시"), "slug", "범죄도시"),
        (("film", "add", "X", "--slug", "Not A Slug"), "slug", "Not A Slug"),
        (("film", "add", "X", "--year", "20x4"), "year", "20x4"),
        (("film", "add", "X", "--year", "1700"), "year", "1700"),
        (("film", "add", "X", "--runtime", "-5"), "runtime", "-5"),
        (("film", "add", "X", "--status", "finished"), "status", "finished"),
        (("film", "add", "X", "--country", "Atlantis"), "country", "Atlantis"),
        (("film", "add", "X", "--language", "Klingonish"), "language", "Klingonish"),
        (("film", "add", "X", "--trailer", "javascript:alert(1)"), "trailer url", "javascript"),
        (("film", "add", "  "), "title", None),
        (("film", "add", "The Roundup: Punishment"), "slug", PUNISHMENT),
        (("film", "edit", "nope", "--year", "2020"), "film", "nope"),
        (("film", "edit", PUNISHMENT), "film edit", PUNISHMENT),
        (("film", "edit", PUNISHMENT, "--title", ""), "title", None),
        (("film", "credit", "add", PUNISHMENT, "Someone", "--role", "caterer"), "role", "caterer"),
        (
            (
                "film",
                "credit",
                "add",
                PUNISHMENT,
                "Someone",
                "--role",
                "director",
                "--character",
                "Boss",
            ),
            "character",
            "Boss",
        ),
        (("film", "credit", "add", "nope", "Someone", "--role", "cast"), "film", "nope"),
        (("film", "credit", "remove", PUNISHMENT, "Nobody"), "credit", "Nobody"),
        (("film", "festival", "add", PUNISHMENT, "Berlinale", "24th"), "year", "24th"),
        (("film", "festival", "add", PUNISHMENT, "Berlinale", "2024", "--won"), "award", None),
        (("film", "quote", "add", PUNISHMENT, " ", "--source", "Variety"), "quote", None),
        (("film", "boxoffice", "add", PUNISHMENT, "KR"), "box office", "KR"),
        (("film", "boxoffice", "add", PUNISHMENT, "XX", "--admissions", "5"), "country", "XX"),
        (("film", "boxoffice", "add", PUNISHMENT, "KR", "--gross", "5m"), "currency", "5m"),
        (("film", "boxoffice", "add", PUNISHMENT, "KR", "--gross", "5m ZZZ"), "currency", "ZZZ"),
        (
            ("film", "boxoffice", "add", PUNISHMENT, "KR", "--admissions", "many"),
            "admissions",
            "many",
        ),
        (
            (
                "film",
                "boxoffice",
                "add",
                PUNISHMENT,
                "KR",
                "--admissions",
                "5",
                "--as-of",
                "31/12/2024",
            ),
            "as of",
            "31/12/2024",
        ),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    cli: Cli, args: tuple[str, ...], field: str, value: str | None
) -> None:
    add_punishment(cli)
    refused(cli, *args, field=field, value=value)


def test_ambiguous_title_prefix_lists_the_candidates(cli: Cli) -> None:
    add_punishment(cli)
    cli("film", "add", "The Roundup: No Way Out", "--year", "2023")
    message = refused(cli, "film", "show", "The Roundup", field="film")
    assert "ambiguous" in message
    assert PUNISHMENT in message and "the-roundup-no-way-out" in message

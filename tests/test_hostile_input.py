"""Hostile input at the write commands: random text, dates, amounts, currencies, territory
names, huge strings, NUL bytes, control characters, right-to-left and Hangul text.

Whatever comes in, a command either succeeds (Hangul names are names) or refuses with one
`Error:` line and exit 1 or 2, never a traceback, and a refused command writes nothing.
The number of examples is bounded so the suite stays fast; raise it locally with
ROUNDUP_HYPOTHESIS_EXAMPLES=500.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from roundup_crm.db import Database, parse_url
from roundup_crm.models import Base
from tests import sales_builders as build
from tests.conftest import Cli

# The huge strings are the point; hypothesis need not warn about printing them.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
EXAMPLES = int(os.environ.get("ROUNDUP_HYPOTHESIS_EXAMPLES", "30"))
hostile_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

NASTY = [
    "",
    " ",
    "\x00",
    "Splendid\x00Film",
    "\x1b[31mred\x1b[0m",
    "line\nbreak",
    "tab\there",
    "\u202eelif.exe",  # right-to-left override
    "\u200f\u05e9\u05dc\u05d5\u05dd",  # Hebrew with a right-to-left mark
    "مرحبا بالعالم",
    "범죄도시4",
    "마석도 (馬錫道)",
    "👮\u200d♂️🎬",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "{{ 7 * 7 }}",
    "{% for x in range(10**9) %}{% endfor %}",
    "<script>alert(1)</script>",
    "file:///etc/passwd",
    "../../../../etc/passwd",
    "http://169.254.169.254/latest/meta-data/",
    "' OR 1=1; DROP TABLE companies; --",
    "A" * 20_001,
    "가" * 20_001,
    "9" * 400,
    "\ud7a3" * 10,
]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=60))
DATES = st.one_of(
    TEXT,
    st.dates().map(str),
    st.sampled_from(
        ["0001-01-01", "9999-12-31", "2026-02-30", "+999d", "-999w", "2026-13-01", "today"]
    ),
)
TIMES = st.one_of(
    DATES,
    st.datetimes().map(str),
    st.sampled_from(
        [
            "0001-01-01 00:00",
            "9999-12-31 23:59",
            "0001-01-01T00:00+14:00",
            "9999-12-31T23:59-12:00",
            "2026-02-14 25:00",
            "10:99",
            "99:00",
            "2026-03-29 02:30",  # does not exist in Berlin (clocks go forward)
        ]
    ),
)
AMOUNTS = st.one_of(
    TEXT,
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["NaN", "sNaN", "-Infinity", "1e999999999", "1E-999999999", "0.001", "-5", "250k",
         "1.2m", "9999999999999.99", "10000000000000", "1_000", "1,2,3", "k", "m", "0x10"]
    ),
)
CURRENCIES = st.one_of(
    TEXT, st.sampled_from(["EUR", "usd", "KRW", "XXX", "ZZZ", "€", "eur ", "E U R", "EURO"])
)
TERRITORIES = st.one_of(
    TEXT,
    st.sampled_from(
        ["DE", "Germany", "Benelux", "German-speaking Europe", "Korea", "XK", "ZZ", "world",
         "Latin America excl. BR", "Deutschland", "대한민국", "UK"]
    ),
)
FILMS = st.one_of(
    TEXT,
    st.sampled_from(["the-roundup", "the-roundup:hot", "the-outlaws:pass", "The Roundup: No"
                     " Way Out", "the-roundup:boiling", ":hot", "the-roundup::"]),
)


class State:
    """Row counts of every table, in one query."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(parse_url(url))
        counts = ", ".join(
            f"(SELECT count(*) FROM {t.name})" for t in Base.metadata.sorted_tables
        )
        self.query = text(f"SELECT {counts}")

    def __call__(self) -> tuple[int, ...]:
        with self.engine.connect() as conn:
            return tuple(conn.execute(self.query).one())


@pytest.fixture
def world(cli: Cli) -> Iterator[tuple[Cli, State]]:
    """Each test runs on SQLite and on PostgreSQL (which refuses NUL in text outright)."""
    database = Database(cli.url)
    build.efm_world(database)
    database.dispose()
    cli("opportunity", "set", "--film", "the-roundup", "--company", "Splendid",
        "--ask", "300k", "--currency", "EUR", "--territory", "DE")
    state = State(cli.url)
    yield cli, state
    state.engine.dispose()


def attack(world: tuple[Cli, State], *args: str | None) -> int:
    """Run a command with hostile values (None: leave the option out); check the outcome."""
    cli, state = world
    argv: list[str] = []
    for arg in args:
        if arg is None:
            argv.pop()  # the option name before it
        else:
            argv.append(arg)
    before = state()
    result = cli(*argv, expect=None)  # exceptions propagate: a traceback fails the test
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-500:])
    if result.exit_code:
        lines = result.stderr.strip().splitlines()
        assert any(line.startswith("Error: ") for line in lines), result.stderr[-500:]
        assert max(map(len, lines)) < 1000, "the message should quote a value, not echo a book"
        assert state() == before, "a refused command wrote something"
    return result.exit_code


@hostile_settings
@given(name=TEXT, country=TERRITORIES, type_=TEXT, website=TEXT, notes=TEXT)
def test_company_add(world, name: str, country: str, type_: str, website: str, notes: str) -> None:
    attack(world, "company", "add", name, "--country", country, "--type",
           type_ if len(type_) % 2 else "theatrical", "--website", website, "--notes", notes)


@hostile_settings
@given(name=TEXT, email=TEXT, phone=TEXT, language=TEXT, tz=TEXT, notes=TEXT, native=TEXT)
def test_contact_add(world, name, email, phone, language, tz, notes, native) -> None:
    attack(world, "contact", "add", name, "--company", "Splendid", "--email", email,
           "--phone", phone, "--language", language, "--timezone", tz, "--notes", notes,
           "--name-native", native)


@hostile_settings
@given(title=TEXT, original=TEXT, year=AMOUNTS, runtime=AMOUNTS, logline=TEXT, country=TEXT,
       trailer=TEXT, genre=TEXT)
def test_film_add(world, title, original, year, runtime, logline, country, trailer, genre) -> None:
    attack(world, "film", "add", title, "--original-title", original, "--year", year,
           "--runtime", runtime, "--logline", logline, "--country", country,
           "--trailer", trailer, "--genre", genre)


@hostile_settings
@given(field=st.sampled_from(["--logline", "--synopsis-ko", "--year", "--status", "--screener",
                              "--series-order", "--title", "--slug", "--language",
                              "--aspect-ratio"]),
       value=st.one_of(TEXT, AMOUNTS))
def test_film_edit(world, field: str, value: str) -> None:
    attack(world, "film", "edit", "the-roundup", field, value)


@hostile_settings
@given(company=st.one_of(TEXT, st.just("Splendid")), at=TIMES, film=FILMS, note=TEXT,
       followup=TEXT, due=DATES, place=TEXT, contact=st.one_of(TEXT, st.just("Anna Weber")))
def test_meeting_log(world, company, at, film, note, followup, due, place, contact) -> None:
    attack(world, "meeting", "log", "--market", "EFM 2026", "--company", company, "--at", at,
           "--film", film, "--note", note, "--followup", followup, "--due", due,
           "--place", place, "--contact", contact)


@hostile_settings
@given(amount=AMOUNTS, currency=CURRENCIES, day=DATES, holdbacks=TEXT, term=AMOUNTS)
def test_offer_add(world, amount, currency, day, holdbacks, term) -> None:
    attack(world, "offer", "add", "--film", "the-roundup", "--company", "Splendid", amount,
           currency, "--date", day, "--holdbacks", holdbacks)


@hostile_settings
@given(territory=TERRITORIES, right=TEXT, ask=AMOUNTS, take=AMOUNTS, currency=CURRENCIES,
       interest=TEXT, stage=TEXT, notes=TEXT)
def test_opportunity_set(world, territory, right, ask, take, currency, interest, stage,
                         notes) -> None:
    attack(world, "opportunity", "set", "--film", "the-roundup", "--company", "Splendid",
           "--territory", territory, "--right", right, "--ask", ask, "--take", take,
           "--currency", currency, "--interest", interest, "--stage", stage, "--notes", notes)


@hostile_settings
@given(mg=AMOUNTS, currency=CURRENCIES, start=DATES, end=DATES, signed=DATES,
       territory=TERRITORIES, instalment=TEXT, holdbacks=TEXT)
def test_deal_close(world, mg, currency, start, end, signed, territory, instalment,
                    holdbacks) -> None:
    attack(world, "deal", "close", "--film", "the-roundup", "--company", "Splendid",
           "--right", "theatrical", "--territory", territory, "--mg", mg, "--currency",
           currency, "--term-start", start, "--term-end", end, "--signed", signed,
           "--instalment", instalment, "--holdbacks", holdbacks)


HEADER = ["Company", "Country", "Type", "Website", "Contact", "Title", "E-mail", "Phone"]


@hostile_settings
@given(
    rows=st.lists(st.lists(TEXT, min_size=8, max_size=8), min_size=1, max_size=4),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp949", "latin-1", "raw"]),
    garbage=st.binary(max_size=200),
)
def test_import_contacts(world, tmp_path_factory, rows, encoding, garbage) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    path: Path = tmp_path_factory.mktemp("import") / "buyers.csv"
    if encoding == "raw":
        path.write_bytes(out.getvalue().encode("utf-8", "surrogatepass") + garbage)
    else:
        path.write_bytes(out.getvalue().encode(encoding, errors="replace"))
    attack(world, "import", "contacts", str(path))

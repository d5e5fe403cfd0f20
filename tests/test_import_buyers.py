"""Buyer list imports: encodings, delimiters, XLSX, headers, bad rows, dedupe, re-import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select, text

from roundup_crm.errors import InvalidInput
from roundup_crm.models import AuditEntry, Company, Contact
from roundup_crm.services import validate
from tests.conftest import Cli

ROWS = [
    ["Company", "Country", "Type", "Contact", "E-mail", "Phone"],
    [
        "Müller Filmverleih GmbH",
        "Germany",
        "Distributor",
        "Jörg Müller",
        "jorg@mueller.example",
        "+49 30 1234567",
    ],
    ["주식회사 롯데엔터테인먼트", "KR", "theatrical", "김민지", "minji@lotte.example", ""],
    [
        "Cinéma Lumière SAS",
        "France",
        "svod",
        "Chloé Martin",
        "chloe@lumiere.example",
        "01 42 00 00 00",
    ],
]


def write_csv(
    path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def counts(url: str) -> tuple[int, int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        result = (
            conn.scalar(select(func.count()).select_from(Company)) or 0,
            conn.scalar(select(func.count()).select_from(Contact)) or 0,
            conn.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        )
    engine.dispose()
    return result


def names(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = set(conn.scalars(text("SELECT name FROM companies")))
    engine.dispose()
    return found


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le"])
def test_each_encoding_is_detected(sqlite_cli: Cli, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "buyers.csv", ROWS, encoding=encoding)
    out = sqlite_cli("import", "contacts", str(path)).stdout
    assert "3 rows" in out
    assert {"Müller Filmverleih GmbH", "주식회사 롯데엔터테인먼트", "Cinéma Lumière SAS"} == names(
        sqlite_cli.url
    )


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr"])
def test_korean_encodings_are_detected(sqlite_cli: Cli, tmp_path: Path, encoding: str) -> None:
    rows = [
        ["회사", "Country", "Contact", "E-mail"],
        ["주식회사 롯데엔터테인먼트", "KR", "김민지", "minji@lotte.example"],
        ["쇼박스", "KR", "이서준", "seojun@showbox.example"],
    ]
    path = write_csv(tmp_path / "buyers.csv", rows, encoding=encoding)
    out = sqlite_cli("import", "contacts", str(path), "--map", "회사=company").stdout
    assert "cp949" in out or "euc" in out
    assert names(sqlite_cli.url) == {"주식회사 롯데엔터테인먼트", "쇼박스"}


def test_cp1252_is_detected(sqlite_cli: Cli, tmp_path: Path) -> None:
    rows = [r for r in ROWS if "롯데" not in r[0]]
    path = write_csv(tmp_path / "buyers.csv", rows, encoding="cp1252", delimiter=";")
    out = sqlite_cli("import", "companies", str(path)).stdout
    assert "cp1252" in out and "semicolon" in out
    assert names(sqlite_cli.url) == {"Müller Filmverleih GmbH", "Cinéma Lumière SAS"}


def test_wrong_encoding_given_is_refused(sqlite_cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "buyers.csv", ROWS, encoding="utf-16")
    result = sqlite_cli("import", "contacts", str(path), "--encoding", "nope", expect=2)
    assert "--encoding" in result.stderr
    assert counts(sqlite_cli.url)[:2] == (0, 0)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed(sqlite_cli: Cli, tmp_path: Path, delimiter: str) -> None:
    path = write_csv(tmp_path / "buyers.csv", ROWS, delimiter=delimiter)
    sqlite_cli("import", "contacts", str(path))
    assert counts(sqlite_cli.url)[:2] == (3, 3)


def test_xlsx_with_merged_header_cells_title_row_and_empty_rows(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Buyers"
    sheet.append(["EFM 2026 attendee list"])
    sheet.merge_cells("A1:E1")
    sheet.append(["Company", None, "Contact", None, None])
    sheet.merge_cells("A2:B2")
    sheet.merge_cells("C2:E2")
    sheet.append(["Name", "Country", "Name", "E-mail", "Phone"])
    sheet.append([])
    sheet.append(
        ["Nordlicht Filmverleih GmbH", "DE", "Anna Schmidt", "anna@nordlicht.example", 4930123456]
    )
    sheet.append([None, None, None, None, None])
    sheet.append(
        ["Lumière Distribution", "FR", "Paul Durand", "paul@lumiere.example", "+33 1 42 00 00 00"]
    )
    path = tmp_path / "buyers.xlsx"
    book.save(path)
    out = sqlite_cli("import", "contacts", str(path), "--sheet", "Buyers").stdout
    assert "Company Name -> company" in out and "Contact Name -> contact" in out
    engine = create_engine(sqlite_cli.url)
    with engine.connect() as conn:
        people = conn.execute(text("SELECT name, email, phone FROM contacts ORDER BY name")).all()
    engine.dispose()
    assert [tuple(p) for p in people] == [
        ("Anna Schmidt", "anna@nordlicht.example", "+4930123456"),
        ("Paul Durand", "paul@lumiere.example", "+33142000000"),
    ]


def test_unknown_sheet_is_named(sqlite_cli: Cli, tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "b.xlsx"
    Workbook().save(path)
    assert (
        "no such sheet"
        in sqlite_cli("import", "companies", str(path), "--sheet", "X", expect=2).stderr
    )


def test_header_synonyms_and_map(sqlite_cli: Cli, tmp_path: Path) -> None:
    rows = [
        ["Organisation", "Territory", "Full Name", "E-Mail Address", "Firma-Notiz"],
        ["Alpenglühen Media", "Austria", "Lena Hofer", "lena@alpen.example", "buys dubbed"],
    ]
    path = write_csv(tmp_path / "b.csv", rows)
    out = sqlite_cli("import", "contacts", str(path), "--map", "Firma-Notiz=company_notes").stdout
    assert "Organisation -> company" in out and "Territory -> territories" in out
    engine = create_engine(sqlite_cli.url)
    with engine.connect() as conn:
        company = conn.execute(text("SELECT name, country, notes FROM companies")).one()
        links = conn.scalar(text("SELECT count(*) FROM company_territories"))
    engine.dispose()
    assert tuple(company) == ("Alpenglühen Media", "AT", "buys dubbed")
    assert links == 1
    bad = sqlite_cli("import", "contacts", str(path), "--map", "Nope=company", expect=2)
    assert "no column 'Nope'" in bad.stderr


def test_bad_rows_import_nothing_and_each_is_named(sqlite_cli: Cli, tmp_path: Path) -> None:
    rows = [
        ROWS[0],
        ROWS[1],
        ["Bad Mail Ltd", "Germany", "distributor", "Tom", "tom@", ""],
        ["", "France", "", "", "", ""],
        ["Nowhere Films", "Atlantis", "cinema chain", "Eve", "eve@nowhere.example", "12"],
    ]
    path = write_csv(tmp_path / "b.csv", rows)
    result = sqlite_cli("import", "contacts", str(path), expect=2)
    err = result.stderr
    assert "3 bad row(s), nothing was imported" in err
    assert "line 3, column 'E-mail': invalid email 'tom@'" in err
    assert "line 4, column 'Company': invalid company '': is required" in err
    assert "line 5, column 'Country': invalid country 'Atlantis'" in err
    assert "line 5, column 'Type': invalid type 'cinema chain'" in err
    assert "line 5, column 'Phone'" in err
    assert counts(sqlite_cli.url) == (0, 0, 0)
    # The same words as `company add`: one validator for both.
    with pytest.raises(InvalidInput) as refused:
        validate.email("tom@")
    assert str(refused.value) in err


def test_skip_invalid_writes_rejects_and_imports_the_rest(sqlite_cli: Cli, tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[1], ["=HYPERLINK(1)", "Germany", "x", "Tom", "tom@", ""]]
    path = write_csv(tmp_path / "b.csv", rows)
    rejects = tmp_path / "rejects.csv"
    out = sqlite_cli("import", "contacts", str(path), "--skip-invalid", str(rejects)).stdout
    assert "1 bad row(s) set aside" in out
    assert counts(sqlite_cli.url)[:2] == (1, 1)
    saved = list(csv.reader(rejects.read_text(encoding="utf-8-sig").splitlines()))
    assert saved[0][:2] == ["line", "problem"]
    assert saved[1][0] == "3" and "invalid email" in saved[1][1]
    assert saved[1][2] == "'=HYPERLINK(1)"


def test_reimport_changes_nothing(sqlite_cli: Cli, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        [*ROWS, ["MÜLLER FILMVERLEIH", "DE", "", "Jörg Müller", "JORG@mueller.example", ""]],
    )
    sqlite_cli("import", "contacts", str(path))
    before = counts(sqlite_cli.url)
    assert before[:2] == (3, 3)
    again = sqlite_cli("import", "contacts", str(path)).stdout
    assert "Nothing new" in again
    assert counts(sqlite_cli.url) == before
    sqlite_cli("import", "contacts", str(path), "--on-duplicate", "update")
    assert counts(sqlite_cli.url) == before


def test_one_audit_entry_per_import(sqlite_cli: Cli, tmp_path: Path) -> None:
    sqlite_cli("import", "contacts", str(write_csv(tmp_path / "b.csv", ROWS)))
    engine = create_engine(sqlite_cli.url)
    with engine.connect() as conn:
        entries = conn.execute(
            text("SELECT action, summary FROM audit_log WHERE action = 'import'")
        ).all()
    engine.dispose()
    assert len(entries) == 1
    assert "3 company created" in entries[0][1] and "3 contact created" in entries[0][1]


def test_on_duplicate_update_and_error(sqlite_cli: Cli, tmp_path: Path) -> None:
    sqlite_cli("import", "contacts", str(write_csv(tmp_path / "a.csv", ROWS)))
    changed = [
        ROWS[0],
        [
            "Müller Filmverleih",
            "DE",
            "svod",
            "Jörg Müller",
            "jorg@mueller.example",
            "+49 30 7654321",
        ],
    ]
    path = write_csv(tmp_path / "b.csv", changed)
    refused = sqlite_cli("import", "contacts", str(path), "--on-duplicate", "error", expect=2)
    assert "already in the database" in refused.stderr
    out = sqlite_cli("import", "contacts", str(path), "--on-duplicate", "update").stdout
    assert "company updated" in out and "contact updated" in out
    engine = create_engine(sqlite_cli.url)
    with engine.connect() as conn:
        company = conn.execute(
            text("SELECT type, version FROM companies WHERE country = 'DE'")
        ).one()
        phone = conn.scalar(text("SELECT phone FROM contacts WHERE email = 'jorg@mueller.example'"))
    engine.dispose()
    assert tuple(company) == ("svod", 2)
    assert phone == "+49307654321"


def test_dry_run_reports_possible_duplicates_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    cli(
        "import",
        "companies",
        str(
            write_csv(
                tmp_path / "a.csv", [["Company", "Country"], ["Nordlicht Filmverleih GmbH", "DE"]]
            )
        ),
    )
    rows = [
        ["Company", "Country"],
        ["Nordlicht Filmverleh", "DE"],
        ["Nordlicht Filmverleih AG", "AT"],
        ["Sunrise Pictures", "DE"],
    ]
    out = cli("import", "companies", str(write_csv(tmp_path / "b.csv", rows)), "--dry-run").stdout
    assert "Dry run, nothing written" in out
    assert "1 possible duplicate(s), nothing merged" in out
    assert "'Nordlicht Filmverleh' (DE) is like 'Nordlicht Filmverleih GmbH'" in out
    assert "line 3: Nordlicht Filmverleih AG (AT)" in out  # another country: another buyer
    dupes = cli("dedupe", "companies", "--format", "csv").stdout
    assert dupes.strip().splitlines() == ["company,duplicate,country,score,merge"]


def test_near_duplicate_index_scales_by_blocking() -> None:
    from roundup_crm.services.dedupe import NearDuplicateIndex

    index: NearDuplicateIndex[int] = NearDuplicateIndex(90)
    for number in range(20_000):
        index.add(f"buyer{number} pictures", "DE", number)
    assert index.similar("buyer19999 pictures", "DE")[0] == (19_999, 100.0)
    assert index.similar("buyer19999 pictures", "FR") == []


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(
        r"[A-Za-z0-9._%+!#-]{1,20}@[A-Za-z0-9-]{1,12}(\.[A-Za-z0-9-]{1,8}){1,2}", fullmatch=True
    )
)
def test_fast_email_path_agrees_with_email_validator(address: str) -> None:
    from email_validator import EmailNotValidError, validate_email

    try:
        expected: str | None = str(validate_email(address, check_deliverability=False).normalized)
    except EmailNotValidError:
        expected = None
    try:
        got: str | None = validate.email(address)
    except InvalidInput:
        got = None
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\+[1-9][0-9]{0,2}[ ]?(\(0\))?[ 0-9./-]{4,16}", fullmatch=True))
def test_fast_phone_path_agrees_with_phonenumbers(number: str) -> None:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
        ok = phonenumbers.is_possible_number(parsed)
        expected = (
            phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) if ok else None
        )
    except phonenumbers.NumberParseException:
        expected = None
    try:
        got = validate.phone(number)
    except InvalidInput:
        got = None
    assert got == expected


def test_import_runs_on_both_engines(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ROWS)
    cli("import", "contacts", str(path))
    assert "Nothing new" in cli("import", "contacts", str(path)).stdout
    listing = cli("export", "contacts", "--format", "csv").stdout
    assert "김민지" in listing and "jorg@mueller.example" in listing


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(
        r"(https?://)?([a-zA-Z0-9-]{1,12}\.){1,3}[a-zA-Z]{2,6}(/[a-zA-Z0-9._~/-]{0,20})?",
        fullmatch=True,
    )
)
def test_fast_url_path_agrees_with_urlparse(link: str) -> None:
    """Plain links skip urlparse; what they give back is what urlparse would have."""
    from urllib.parse import urlparse

    parsed = urlparse(link if "://" in link else f"https://{link}")
    ok = parsed.scheme in ("http", "https") and bool(parsed.netloc)
    try:
        got: str | None = validate.url(link)
    except InvalidInput:
        got = None
    assert got == (parsed.geturl() if ok else None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_match_key_equals_the_unicode_path(name: str) -> None:
    """match_key folds an ASCII name with lower() alone: the Unicode steps it skips
    (NFKD, dropping combining marks, NFKC) give the same text for any ASCII input."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = unicodedata.normalize(
        "NFKC", "".join(c for c in folded if not unicodedata.combining(c))
    )
    assert folded == name.lower()


def test_first_import_into_empty_tables_builds_every_index(cli: Cli, tmp_path: Path) -> None:
    """A first import drops the secondary indexes of the empty tables and builds them at
    the end of the same transaction: the schema is whole again (alembic check)."""
    from roundup_crm import migrate
    from roundup_crm.db import Database

    cli("import", "contacts", str(write_csv(tmp_path / "b.csv", ROWS)))
    database = Database(cli.url)
    try:
        migrate.check(database)
        with database.begin(readonly=True) as session:
            assert session.scalar(
                select(func.count()).select_from(Company).where(Company.country == "DE")
            )
    finally:
        database.dispose()

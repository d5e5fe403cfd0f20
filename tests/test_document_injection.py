"""Template and document injection, end to end through the commands that write documents:
Jinja in notes is printed not run, HTML is escaped, local files are not read into them;
spreadsheet formulas in exported cells are neutralised."""

from __future__ import annotations

import csv
import email
import io
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from roundup_crm.cli.output import neutralise
from roundup_crm.db import Database
from roundup_crm.models import MeetingFilm
from tests import sales_builders as build
from tests.conftest import Cli

JINJA = (
    "{{ 'EVAL' ~ 'UATED' }} {% for x in range(3) %}loop{% endfor %} {{ self.__init__.__globals__ }}"
)
# What the first expression would print if the note were run as a template: text that cannot
# turn up anywhere else in a document, unlike a number that a temporary path may contain.
EVALUATED = "EVALUATED"


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_followup_letters_print_template_syntax_and_markup_as_text(
    cli: Cli, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    database = Database(cli.url)
    build.efm_world(database)
    cli(
        "meeting",
        "log",
        "--market",
        "EFM",
        "--company",
        "Splendid",
        "--contact",
        "Anna Weber",
        "--at",
        "2026-02-14 11:00",
        "--film",
        "the-roundup:hot",
    )
    note = f'{JINJA} <script>alert(1)</script> <img src="file://{secret}">'
    with database.begin() as session:
        for row in session.scalars(select(MeetingFilm)):
            row.note = note
    database.dispose()

    folder = tmp_path / "letters"
    cli("report", "followup", "--market", "EFM 2026", "-o", str(folder), "--eml")
    text = pdf_text((folder / "splendid-film.pdf").read_bytes())
    assert "{{ 'EVAL' ~ 'UATED' }}" in text
    assert "{% for x in range(3) %}loop{% endfor %}" in text
    assert EVALUATED not in text and "looplooploop" not in text
    assert "<script>alert(1)</script>" in text  # shown, not run
    assert "TOP-SECRET-CONTENT" not in text
    with (folder / "splendid-film.eml").open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("html",))
    assert body is not None
    html = body.get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "{{ &#39;EVAL&#39; ~ &#39;UATED&#39; }}" in html and EVALUATED not in html
    assert "TOP-SECRET-CONTENT" not in html


def test_press_kit_prints_template_syntax_in_film_text(sqlite_cli: Cli, tmp_path: Path) -> None:
    sqlite_cli(
        "film",
        "add",
        "Injected",
        "--slug",
        "injected",
        "--logline",
        JINJA,
        "--synopsis",
        "<b>bold?</b> {{ range(10**9) | list }}",
    )
    out = tmp_path / "kit.pdf"
    sqlite_cli("presskit", "injected", "-o", str(out))
    text = pdf_text(out.read_bytes())
    assert "{{ 'EVAL' ~ 'UATED' }}" in text and EVALUATED not in text
    assert "looplooploop" not in text
    assert "<b>bold?</b> {{ range(10**9) | list }}" in text


FORMULAS = ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_every_spreadsheet_export_neutralises_formulas(sqlite_cli: Cli, tmp_path: Path) -> None:
    for i, formula in enumerate(FORMULAS):
        # "--" so that "-2+3 Films" is a name, not an option.
        sqlite_cli(
            "company",
            "add",
            "--type",
            "theatrical",
            "--notes",
            formula,
            "--",
            f"{formula.strip()} Films {i}",
        )
        sqlite_cli(
            "contact",
            "add",
            "--role",
            formula.strip(),
            "--email",
            f"p{i}@example.com",
            "--",
            f"{formula.strip()} Person {i}",
        )
    listed = list(csv.reader(io.StringIO(sqlite_cli("company", "list", "--format", "csv").stdout)))
    people = list(csv.reader(io.StringIO(sqlite_cli("contact", "list", "--format", "csv").stdout)))
    exported = tmp_path / "people.xlsx"
    sqlite_cli("export", "contacts", "--format", "xlsx", "-o", str(exported))
    book = load_workbook(exported, read_only=True)
    try:
        sheet = book.active
        assert sheet is not None
        cells = [c for row in listed[1:] + people[1:] for c in row]
        cells += [str(c) for row in sheet.iter_rows(min_row=2, values_only=True) for c in row if c]
    finally:
        book.close()  # read-only workbooks keep the file open until closed
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    # Values that only look numeric keep their sign in JSON, which no spreadsheet runs.
    assert json.loads(sqlite_cli("company", "list", "--format", "json").stdout)


def test_neutralise_covers_look_alike_and_padded_formulas() -> None:
    for cell in ("=1+1", " =1+1", "\u00a0=1", "＝1+1", "＋1", "－1", "＠SUM(1)", "\n=1"):
        assert neutralise(cell).startswith("'"), cell
    for cell in ("Splendid Film", "범죄도시4", "", "1+1", "a=b"):
        assert neutralise(cell) == cell

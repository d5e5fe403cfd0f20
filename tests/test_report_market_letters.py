"""Market report, follow-up letters and their e-mail drafts, on the fixed EFM 2026 world."""

from __future__ import annotations

import email
import io
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from pypdf import PdfReader

from roundup_crm.db import Database
from roundup_crm.services.reports import followups, market
from tests.conftest import Cli
from tests.report_data import build_world


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def world(url: str) -> None:
    db = Database(url)
    with db.begin() as session:
        build_world(session)
    db.dispose()


def test_market_report_figures(database: Database) -> None:
    with database.begin() as session:
        build_world(session)
    with database.begin(readonly=True) as session:
        report = market(session, market="EFM 2026")
    assert report.meetings_held == 3
    assert {c.label: c.count for c in report.meetings_by_status} == {"held": 3, "cancelled": 1}
    assert report.buyers_met == 3
    assert {c.label: c.count for c in report.buyers_by_country} == {
        "Germany": 1,
        "Japan": 1,
        "United States": 1,
    }
    assert {c.label: c.count for c in report.buyers_by_type} == {
        "theatrical-distributor": 2,
        "home-entertainment": 1,
    }
    punishment = next(f for f in report.films if f.film == "The Roundup: Punishment")
    assert (punishment.hot, punishment.warm, punishment.total) == (2, 1, 3)
    # Offers dated 12-18 February from buyers: Kadokawa's JPY, Splendid's two EUR offers.
    assert report.offers.total == 3
    assert {t.currency: t.amount for t in report.offer_totals.by_currency} == {
        "EUR": 330000,
        "JPY": 30000000,
    }
    assert report.missing_rates == ("no JPY->EUR rate on or before 2026-02-18",)
    assert report.deals.total == 0
    assert {c.label: c.count for c in report.followups_by_agent} == {"Ana Kim": 2, "Ben Park": 1}


def test_market_report_pdf(cli: Cli, tmp_path: Path) -> None:
    world(cli.url)
    target = tmp_path / "efm.pdf"
    cli("report", "market", "EFM 2026", "-o", str(target))
    reader = PdfReader(str(target))
    assert reader.metadata is not None and reader.metadata.title == "Market report: EFM 2026"
    text = pdf_text(target.read_bytes())
    for fact in (
        "Meetings held 3",
        "Kadokawa",
        "Theatrical distributor 2",  # buyer types in words, not codes
        "Send SVOD offer terms",
        "no JPY->EUR rate",
    ):
        assert fact in text, fact
    assert "unknown market 'Cannes'" in cli("report", "market", "Cannes", expect=2).stderr


def test_letters_recap_what_was_discussed(database: Database) -> None:
    with database.begin() as session:
        build_world(session)
    with database.begin(readonly=True) as session:
        letters = followups(session, market="EFM 2026").letters
    assert [letter.company for letter in letters] == ["Kadokawa", "Splendid Film", "Well Go USA"]
    splendid = letters[1]
    assert [r.name for r in splendid.addressed] == ["Sabine Weber"]
    assert [r.name for r in splendid.without_email] == ["Marc Roth"]
    films = {f.slug: f for f in splendid.films}
    assert films["the-roundup-punishment"].interest == "hot"
    assert films["the-roundup-punishment"].notes == ("wants a German dub <b>fast</b>",)
    assert films["the-outlaws"].screener_password == "efm26"
    # Splendid already holds The Outlaws in its territories; Punishment is open there.
    assert [a.status for a in films["the-outlaws"].availability] == ["yours"]
    assert films["the-roundup-punishment"].availability[0].status == "available"
    assert len(films["the-roundup-punishment"].availability[0].countries) == 5
    assert [s.title for s in splendid.next_steps] == ["Send screener link", "Meet again at Cannes"]
    assert (splendid.signature.name, splendid.signature.email) == (
        "Ana Kim",
        "ana@seoulscreen.example",
    )
    wellgo = letters[2]
    assert wellgo.signature.name == "Ben Park"
    # Well Go's own offer does not make the US unavailable to Well Go.
    assert wellgo.films[0].availability[0].status == "available"


def test_followup_pdfs_and_eml_drafts(cli: Cli, tmp_path: Path) -> None:
    world(cli.url)
    folder = tmp_path / "letters"
    out = cli("report", "followup", "--market", "EFM 2026", "-o", str(folder), "--eml")
    assert "Marc Roth" in out.stdout  # listed as met but without an e-mail address
    assert sorted(p.name for p in folder.iterdir()) == [
        "kadokawa.eml",
        "kadokawa.pdf",
        "splendid-film.eml",
        "splendid-film.pdf",
        "well-go-usa.eml",
        "well-go-usa.pdf",
    ]
    text = pdf_text((folder / "splendid-film.pdf").read_bytes())
    for fact in (
        "Dear Marc Roth and Sabine Weber",
        "EFM 2026",
        "The Roundup: Punishment",
        "very keen",
        "wants a German dub <b>fast</b>",
        "https://screeners.example/outlaws",
        "Send screener link",
        "Head of International Sales",
    ):
        assert fact in text, fact

    with (folder / "splendid-film.eml").open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == "Following up on our meeting at EFM 2026"
    assert message["X-Unsent"] == "1"
    assert [a.addr_spec for a in message["To"].addresses] == ["sabine@splendid.example"]
    assert message["From"].addresses[0].display_name == "Ana Kim"
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert "wants a German dub <b>fast</b>" in plain.get_content()
    assert "wants a German dub &lt;b&gt;fast&lt;/b&gt;" in html.get_content()
    assert list(message.iter_attachments()) == []


def test_korean_letters(sqlite_cli: Cli, tmp_path: Path) -> None:
    world(sqlite_cli.url)
    folder = tmp_path / "ko"
    sqlite_cli("report", "followup", "--market", "EFM", "--lang", "ko", "-o", str(folder))
    text = pdf_text((folder / "kadokawa.pdf").read_bytes())
    assert "EFM 2026 미팅 관련 후속 안내" in text
    assert "일본" in text  # Japan, in Korean


def test_korean_letter_names_the_open_rights_in_korean(database: Database) -> None:
    """Punishment's theatrical rights in Japan went to another buyer: Kadokawa's letter
    lists what is still open there, in the letter's language."""
    from sqlalchemy import select

    from roundup_crm.models import Film
    from tests import sales_builders as build

    with database.begin() as session:
        build_world(session)
        punishment = session.scalars(
            select(Film).where(Film.slug == "the-roundup-punishment")
        ).one()
        toho = build.company(session, "Toho-Towa", country="JP")
        build.deal(session, punishment, toho, territories_=["JP"], rights_=["theatrical"])
    for lang, expected, sold in (
        ("ko", ("SVOD", "홈비디오"), "극장"),
        ("en", ("SVOD",), "Theatrical"),
    ):
        with database.begin(readonly=True) as session:
            letters = followups(session, market="EFM 2026", lang=lang).letters
        kadokawa = next(letter for letter in letters if letter.company == "Kadokawa")
        film = next(f for f in kadokawa.films if f.slug == "the-roundup-punishment")
        (partly,) = film.availability
        assert partly.status == "partly", lang
        assert set(expected) <= set(partly.rights) and sold not in partly.rights, partly.rights


def test_press_kits_are_attached(sqlite_cli: Cli, tmp_path: Path) -> None:
    world(sqlite_cli.url)
    folder = tmp_path / "letters"
    sqlite_cli(
        "report",
        "followup",
        "--market",
        "EFM 2026",
        "--company",
        "Splendid",
        "-o",
        str(folder),
        "--eml",
        "--attach-presskit",
    )
    with (folder / "splendid-film.eml").open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=policy.default)
    assert isinstance(message, EmailMessage)
    attachments = {a.get_filename(): a.get_content() for a in message.iter_attachments()}
    assert set(attachments) == {
        "the-outlaws-presskit-en.pdf",
        "the-roundup-punishment-presskit-en.pdf",
    }
    assert "The Outlaws" in pdf_text(attachments["the-outlaws-presskit-en.pdf"])


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--market", "Cannes 2031"], 2, "unknown market 'Cannes 2031'"),
        (["--market", "EFM", "--attach-presskit"], 2, "--attach-presskit needs --eml"),
        (["--market", "EFM", "--company", "Nobody"], 2, "unknown company 'Nobody'"),
    ],
)
def test_followup_bad_input(
    sqlite_cli: Cli, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    world(sqlite_cli.url)
    result = sqlite_cli("report", "followup", *args, "-o", str(tmp_path / "x"), expect=code)
    assert message in result.stderr
    assert not (tmp_path / "x").exists()


def test_demo_writes_the_weekly_report_of_the_demo_week(sqlite_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    sqlite_cli("demo", "--out", str(out))
    report = out / "weekly-report-2026-W08.pdf"
    text = " ".join(pdf_text(report.read_bytes()).split())
    assert "Weekly pipeline report 2026-W08" in text
    assert "EFM 2026" in text  # meetings held at the market that week
    assert "Nordlicht Filmverleih GmbH" in text  # the deal signed on 16 February

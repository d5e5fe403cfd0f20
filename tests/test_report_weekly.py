"""The weekly report's figures against the hand-computed ones of tests/report_data.py."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from roundup_crm.db import Database
from roundup_crm.models import AuditEntry, ExchangeRate, Territory, TerritoryKind
from roundup_crm.reports.common import last_complete_week
from roundup_crm.services.reports import report_period, weekly
from tests.conftest import Cli
from tests.report_data import build_world


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


@pytest.fixture
def world_db(database: Database) -> Database:
    with database.begin() as session:
        build_world(session)
    return database


def countries(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Territory)
            .where(Territory.kind == TerritoryKind.COUNTRY)
        )
        or 0
    )


def test_figures_match_the_hand_computed_ones(world_db: Database) -> None:
    with world_db.begin(readonly=True) as session:
        report = weekly(session, week="2026-W07")
        all_countries = countries(session)
    assert report.period.as_of == date(2026, 2, 16)
    assert report.moves.total == 5
    assert dict(report.moves_by_stage) == {
        "pitched": 1,
        "offer": 1,
        "negotiating": 1,
        "won": 1,
        "lost": 1,
    }
    # Won and lost first, then negotiations, offers, the rest.
    assert [m.to_stage for m in report.moves.rows] == [
        "won",
        "lost",
        "negotiating",
        "offer",
        "pitched",
    ]
    third = report.moves.rows[2]
    assert (third.buyer, third.from_stage, third.agent, third.note) == (
        "Splendid Film",
        "offer",
        "Ana Kim",
        "counter at 250k",
    )
    assert report.new_offers.total == 5
    offers = {
        t.currency: (t.amount, t.count, t.converted) for t in report.new_offer_totals.by_currency
    }
    assert offers == {
        "EUR": (Decimal("330000.00"), 2, Decimal("330000.00")),
        "USD": (Decimal("400000.00"), 1, Decimal("363636.36")),
        "JPY": (Decimal("30000000.00"), 1, None),
    }
    assert report.new_offer_totals.converted == Decimal("693636.36")
    assert report.missing_rates == ("no JPY->EUR rate on or before 2026-02-15",)
    assert report.deals.total == 1
    assert report.deal_totals.converted == Decimal("72727.27")
    assert [(x.buyer, x.reason, x.agent) for x in report.lost.rows] == [
        ("Capelight Pictures", "price too high", "Ben Park")
    ]
    films = {f.slug: f for f in report.films}
    outlaws, roundup4 = films["the-outlaws"], films["the-roundup-punishment"]
    assert (outlaws.countries_sold, outlaws.countries_under_offer) == (7, 0)
    assert outlaws.countries_open == all_countries - 7
    assert outlaws.mg.converted == Decimal("192727.27")
    assert {s.buyer for s in outlaws.sold.rows} == {"Splendid Film", "Madman Entertainment"}
    assert (roundup4.countries_sold, roundup4.countries_under_offer) == (0, 7)
    assert roundup4.outstanding.converted == Decimal("543636.36")
    assert not roundup4.outstanding.complete
    assert report.outstanding.total == 3 and report.under_take == 1
    by_buyer = {o.buyer: o for o in report.outstanding.rows}
    assert by_buyer["Splendid Film"].under_take is True
    assert by_buyer["Splendid Film"].offer == Decimal("180000.00")  # latest buyer offer
    assert by_buyer["Splendid Film"].days_open == 1
    assert by_buyer["Well Go USA"].days_open == 6
    assert set(by_buyer["Well Go USA"].rights.split(", ")) == {"SVOD", "Home video"}
    assert by_buyer["Kadokawa"].territory == "Japan"  # the buyer's own territory
    assert report.outstanding.rows[0].buyer == "Well Go USA"  # largest in EUR
    assert [(h.buyer, h.film) for h in report.hot.rows] == [
        ("Capelight Pictures", "The Roundup: Punishment")
    ]
    assert [(a.agent, a.count) for a in report.overdue] == [("Ben Park", 2), ("Ana Kim", 1)]
    assert [f.title for f in report.overdue[1].items] == ["Send screener link"]
    assert [(m.market, m.meetings, m.buyers) for m in report.meetings] == [
        ("EFM 2026", 3, 3),
        ("(no market)", 1, 1),
    ]
    funnel = {s.stage: s.count for s in report.funnel}
    assert funnel == {
        "lead": 0,
        "pitched": 1,
        "screener-sent": 0,
        "offer": 2,
        "negotiating": 1,
        "won": 1,
        "lost": 1,
    }
    shares = {t.territory: (t.sold, t.offered) for t in report.territories}
    assert shares["German-speaking Europe"] == (Decimal(120000), Decimal(180000))
    assert shares["Australia"] == (Decimal(36364), Decimal(0))


def test_one_film_and_a_rate_through_a_common_currency(world_db: Database) -> None:
    with world_db.begin() as session:
        # JPY reaches EUR through USD: 1 USD = 150 JPY, 1 EUR = 1.10 USD.
        session.add(ExchangeRate(base="USD", quote="JPY", rate=Decimal(150), on=date(2026, 2, 3)))
    with world_db.begin(readonly=True) as session:
        report = weekly(session, week="2026-W07", film="the-roundup-punishment")
    assert report.film == "The Roundup: Punishment"
    assert report.missing_rates == ()
    assert [f.slug for f in report.films] == ["the-roundup-punishment"]
    # 30,000,000 JPY / 150 / 1.10 = 181,818.18 EUR
    jpy = {t.currency: t.converted for t in report.outstanding_totals.by_currency}["JPY"]
    assert jpy == Decimal("181818.18")
    assert report.moves.total == 3
    assert report.deals.total == 0
    # Follow-ups of meetings where the film was discussed; the company comes from the meeting.
    overdue = {a.agent: [(i.title, i.company) for i in a.items] for a in report.overdue}
    assert overdue == {
        "Ana Kim": [("Send screener link", "Splendid Film")],
        "Ben Park": [("Send SVOD offer terms", "Well Go USA")],
    }


def test_query_count_does_not_grow_with_the_data(world_db: Database) -> None:
    def count_queries() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(world_db.engine, "before_cursor_execute", listener)
        try:
            with world_db.begin(readonly=True) as session:
                weekly(session, week="2026-W07")
        finally:
            event.remove(world_db.engine, "before_cursor_execute", listener)
        return len(seen)

    small = count_queries()
    print(f"weekly report: {small} queries")
    with world_db.begin() as session:
        for copy in range(1, 6):  # five more worlds: six times the pipeline
            build_world(session, copy)
    large = count_queries()
    assert small == large
    # About 25 queries, plus creating, filling, indexing and dropping the report's three
    # temporary tables (exchange factors, territory expansion, latest offers), and on the
    # second connection that reads offers and deals alongside: pinning its snapshot and
    # its own exchange factors.
    assert small <= 45, small


def test_default_period_is_the_last_complete_iso_week() -> None:
    period = report_period(today=date(2026, 2, 18))
    assert (period.since, period.until) == (date(2026, 2, 9), date(2026, 2, 15))
    assert period == last_complete_week(date(2026, 2, 16))
    assert report_period(since="2026-02-01", until="2026-02-03").label == "2026-02-01 to 2026-02-03"


def test_pdf_csv_json_carry_the_figures(cli: Cli, tmp_path: Path) -> None:
    db = Database(cli.url)
    with db.begin() as session:
        build_world(session)
    db.dispose()
    target = tmp_path / "weekly.pdf"
    cli("report", "weekly", "--week", "2026-W07", "-o", str(target))
    reader = PdfReader(str(target))
    assert reader.metadata is not None
    assert reader.metadata.title == "Weekly pipeline report 2026-W07"
    assert reader.metadata.author == "tester"
    text = pdf_text(target.read_bytes())
    for fact in (
        "no JPY->EUR rate on or before 2026-02-15",
        "€693,636",  # new offers converted
        "€192,727",  # The Outlaws' MG to date
        "€543,636",  # The Roundup: Punishment outstanding
        "Splendid Film",
        "price too high",
        "Ben Park: 2 overdue",
        "Ana Kim: 1 overdue",
        "under take",
        "EFM 2026",
    ):
        assert fact in text, fact

    out = cli("report", "weekly", "--week", "2026-W07", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    moves = [r for r in rows if r["section"] == "moves"]
    assert len(moves) == 5
    totals = {r["what"]: r for r in rows if r["section"] == "totals"}
    assert totals["new_offers_in_period (all, in EUR)"]["amount"] == "693636.36"
    assert "no JPY->EUR rate" in totals["offers_outstanding (all, in EUR)"]["note"]
    overdue = [(r["agent"], r["what"]) for r in rows if r["section"] == "overdue"]
    assert ("Ana Kim", "Send screener link") in overdue

    data = json.loads(cli("report", "weekly", "--week", "2026-W07", "--format", "json").stdout)
    assert data["moves"]["total"] == 5
    assert data["new_offer_totals"]["converted"] == "693636.36"
    assert data["missing_rates"] == ["no JPY->EUR rate on or before 2026-02-15"]
    assert {a["agent"]: a["count"] for a in data["overdue"]} == {"Ben Park": 2, "Ana Kim": 1}
    table = cli("report", "weekly", "--week", "2026-W07", "--format", "table").stdout
    assert "Capelight Pictures" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-W99"], "invalid week '2026-W99'"),
        (["--week", "2026-W07", "--since", "2026-02-01"], "not both"),
        (["--since", "2026-02-10", "--until", "2026-02-01"], "before --since"),
        (["--currency", "EURO"], "invalid currency 'EURO'"),
        (["--film", "no-such-film"], "unknown film 'no-such-film'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(sqlite_cli: Cli, args: list[str], message: str) -> None:
    result = sqlite_cli("report", "weekly", *args, "--format", "json", expect=2)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_fx_add_and_list(cli: Cli) -> None:
    cli("fx", "add", "eur", "usd", "1.08", "--date", "2026-02-13")
    cli("fx", "add", "EUR", "USD", "1.09", "--date", "2026-02-13")  # a correction
    rows = json.loads(cli("fx", "list", "--format", "json").stdout)
    assert rows == [{"date": "2026-02-13", "base": "EUR", "quote": "USD", "rate": "1.09"}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["EUR", "EUR", "1", "--date", "2026-02-13"], "must differ"),
        (["EUR", "XYZ", "1", "--date", "2026-02-13"], "invalid quote currency 'XYZ'"),
        (["EUR", "USD", "0", "--date", "2026-02-13"], "must be a positive number"),
        (["EUR", "USD", "abc", "--date", "2026-02-13"], "invalid rate 'abc'"),
        (["EUR", "USD", "1.1", "--date", "13/02/2026"], "invalid date '13/02/2026'"),
    ],
)
def test_fx_add_refuses_bad_input_and_writes_nothing(
    sqlite_cli: Cli, args: list[str], message: str
) -> None:
    result = sqlite_cli("fx", "add", *args, expect=2)
    assert message in result.stderr
    db = Database(sqlite_cli.url)
    with db.begin(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(ExchangeRate)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    db.dispose()

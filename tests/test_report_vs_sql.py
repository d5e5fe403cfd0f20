"""The weekly report's totals equal hand-written SQL over the benchmark dataset (small size).

The SQL here is written independently of the report's query layer (NOT EXISTS instead of
a window function for the latest offer, plain text instead of SQLAlchemy expressions), so
a mistake in one is not repeated in the other.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from benchmarks.dataset import REPORT_WEEK, generate
from sqlalchemy import text
from sqlalchemy.engine import Connection

from roundup_crm.db import Database
from roundup_crm.services.reports import weekly

pytestmark = pytest.mark.slow

SINCE, UNTIL, AS_OF = "2026-02-09", "2026-02-15", "2026-02-16"


def _money(rows: list[tuple[str, object, int]]) -> dict[str, tuple[Decimal, int]]:
    return {
        currency: (Decimal(str(amount)).quantize(Decimal("0.01")), int(count))
        for currency, amount, count in rows
    }


def _moment(conn: Connection, day: str) -> str:
    return f"{day} 00:00:00" if conn.dialect.name == "sqlite" else f"{day} 00:00:00+00:00"


def test_totals_match_hand_written_sql(db_url: str) -> None:
    generate(db_url, "small")
    database = Database(db_url, agent="tester")
    try:
        with database.begin(readonly=True) as session:
            report = weekly(session, week=REPORT_WEEK, currency="EUR")
        with database.engine.connect() as conn:
            start, end = _moment(conn, SINCE), _moment(conn, AS_OF)
            moves = conn.execute(
                text(
                    "SELECT count(*) FROM stage_changes "
                    "WHERE changed_at >= :start AND changed_at < :end"
                ),
                {"start": start, "end": end},
            ).scalar()
            deals = conn.execute(
                text(
                    "SELECT currency, sum(mg), count(*) FROM deals "
                    "WHERE signed_on >= :since AND signed_on <= :until GROUP BY currency"
                ),
                {"since": SINCE, "until": UNTIL},
            ).all()
            mg_to_date = conn.execute(
                text(
                    "SELECT currency, sum(mg), count(*) FROM deals "
                    "WHERE signed_on <= :until GROUP BY currency"
                ),
                {"until": UNTIL},
            ).all()
            new_offers = conn.execute(
                text(
                    "SELECT currency, sum(amount), count(*) FROM offers WHERE side = 'buyer' "
                    "AND offered_on >= :since AND offered_on <= :until GROUP BY currency"
                ),
                {"since": SINCE, "until": UNTIL},
            ).all()
            live = (
                "o.side = 'buyer' AND o.status IN ('open', 'countered') AND o.offered_on <= :until"
            )
            outstanding = conn.execute(
                text(
                    "SELECT o.currency, sum(o.amount), count(*) FROM offers o "
                    "JOIN opportunities p ON p.id = o.opportunity_id "
                    f"WHERE p.stage IN ('offer', 'negotiating') AND {live} "
                    "AND NOT EXISTS (SELECT 1 FROM offers o2 "
                    "WHERE o2.opportunity_id = o.opportunity_id AND o2.sequence > o.sequence "
                    f"AND {live.replace('o.', 'o2.')}) GROUP BY o.currency"
                ),
                {"until": UNTIL},
            ).all()
            overdue = conn.execute(
                text(
                    "SELECT count(*) FROM followups WHERE due_on < :as_of "
                    "AND (done_at IS NULL OR done_at >= :end)"
                ),
                {"as_of": AS_OF, "end": end},
            ).scalar()
            held = conn.execute(
                text(
                    "SELECT count(*) FROM meetings WHERE status = 'held' "
                    "AND starts_at >= :start AND starts_at < :end"
                ),
                {"start": start, "end": end},
            ).scalar()
            lost = conn.execute(
                text(
                    "SELECT count(*) FROM stage_changes WHERE to_stage = 'lost' "
                    "AND changed_at >= :start AND changed_at < :end"
                ),
                {"start": start, "end": end},
            ).scalar()
    finally:
        database.dispose()

    def mine(totals: object) -> dict[str, tuple[Decimal, int]]:
        return {t.currency: (t.amount, t.count) for t in totals.by_currency}  # type: ignore[attr-defined]

    assert moves and report.moves.total == moves
    assert report.lost.total == lost
    assert mine(report.deal_totals) == _money(deals)
    assert mine(report.mg_totals) == _money(mg_to_date)
    assert mine(report.new_offer_totals) == _money(new_offers)
    assert mine(report.outstanding_totals) == _money(outstanding)
    assert report.outstanding.total == sum(int(n) for _, _, n in outstanding)
    assert report.overdue_total == overdue
    assert report.meetings_total == held
    assert report.outstanding_totals.by_currency  # the dataset has offers outstanding

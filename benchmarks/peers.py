"""The floors roundup-crm is measured against: what the same work costs written by hand.

    python benchmarks/peers.py raw-import buyers.csv out.db     # csv + sqlite3 executemany
    python benchmarks/peers.py weekly-sql URL 2026-W07          # the weekly totals in SQL
    python benchmarks/peers.py dump-json URL out.json           # every table, as JSON

Each talks to the database through the bare driver (sqlite3 or psycopg), no ORM, so
its time is the floor any well-built command doing the same work can approach.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit


def raw_import(csv_path: str, db_path: str) -> None:
    """Load a CSV into one table of text columns: no validation, no dedupe, no types."""
    db = sqlite3.connect(db_path)
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        columns = ", ".join(f'"c{i}" TEXT' for i in range(len(header)))
        db.execute(f"CREATE TABLE buyers ({columns})")
        db.executemany(f"INSERT INTO buyers VALUES ({', '.join('?' * len(header))})", rows)
    db.commit()
    db.close()


def connect(url: str) -> tuple[Any, str]:
    """A DBAPI connection and its parameter marker, from a roundup-crm database URL."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        return sqlite3.connect(url.split(":///", 1)[1]), "?"
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)), "%s"


# One pass per figure; `{p}` is the driver's parameter marker. Amounts are converted to
# euros with the latest rate recorded on or before the day they refer to.
WEEKLY = {
    "stage_moves": "SELECT count(*) FROM stage_changes"
    " WHERE changed_at >= {p} AND changed_at < {p}",
    "moves_to_won": "SELECT count(*) FROM stage_changes"
    " WHERE changed_at >= {p} AND changed_at < {p} AND to_stage = 'won'",
    "new_offers": "SELECT count(*) FROM offers WHERE offered_on >= {p} AND offered_on <= {p}",
    "deals_closed": "SELECT count(*) FROM deals WHERE signed_on >= {p} AND signed_on <= {p}",
    "mg_closed_eur": "SELECT sum(d.mg / CASE WHEN d.currency = 'EUR' THEN 1 ELSE ("
    "SELECT r.rate FROM exchange_rates r WHERE r.base = 'EUR' AND r.quote = d.currency"
    ' AND r."on" <= d.signed_on ORDER BY r."on" DESC LIMIT 1) END)'
    " FROM deals d WHERE d.signed_on >= {p} AND d.signed_on <= {p}",
    "offers_outstanding_eur": "SELECT sum(o.amount / CASE WHEN o.currency = 'EUR' THEN 1 ELSE ("
    "SELECT r.rate FROM exchange_rates r WHERE r.base = 'EUR' AND r.quote = o.currency"
    ' AND r."on" <= {p} ORDER BY r."on" DESC LIMIT 1) END)'
    " FROM offers o WHERE o.status = 'open' AND o.offered_on <= {p}",
    "overdue_followups": "SELECT count(*) FROM followups WHERE done_at IS NULL AND due_on < {p}",
    "meetings_held": "SELECT count(*) FROM meetings WHERE status = 'held'"
    " AND starts_at >= {p} AND starts_at < {p}",
}


def week_bounds(week: str) -> tuple[date, date]:
    year, number = week.upper().split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    return monday, monday + timedelta(days=6)


def weekly_totals(url: str, week: str) -> dict[str, Any]:
    monday, sunday = week_bounds(week)
    start = datetime.combine(monday, datetime.min.time(), UTC)
    end = start + timedelta(days=7)
    conn, marker = connect(url)
    sqlite = marker == "?"

    def at(value: datetime) -> Any:
        # SQLite holds naive UTC text in SQLAlchemy's format; PostgreSQL takes the value.
        return value.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else value

    def day(value: date) -> Any:
        return value.isoformat() if sqlite else value

    params = {
        "stage_moves": (at(start), at(end)),
        "moves_to_won": (at(start), at(end)),
        "new_offers": (day(monday), day(sunday)),
        "deals_closed": (day(monday), day(sunday)),
        "mg_closed_eur": (day(monday), day(sunday)),
        "offers_outstanding_eur": (day(sunday), day(sunday)),
        "overdue_followups": (day(monday),),
        "meetings_held": (at(start), at(end)),
    }
    totals: dict[str, Any] = {}
    cursor = conn.cursor()
    for name, sql in WEEKLY.items():
        cursor.execute(sql.format(p=marker), params[name])
        value = cursor.fetchone()[0]
        totals[name] = round(float(value), 2) if value is not None and "eur" in name else value
    conn.close()
    return totals


def dump_json(url: str, out_path: str) -> None:
    """Every row of every table, read through the driver and written as JSON."""
    conn, marker = connect(url)
    cursor = conn.cursor()
    if marker == "?":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' ORDER BY table_name"
        )
    tables = [row[0] for row in cursor.fetchall()]
    with open(out_path, "w", encoding="utf-8") as handle:
        handle.write("{")
        for index, table in enumerate(tables):
            cursor.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            handle.write(("," if index else "") + json.dumps(table) + ":")
            json.dump(rows, handle, default=str, ensure_ascii=False)
        handle.write("}")
    conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("raw-import")
    p.add_argument("csv")
    p.add_argument("db")
    p = sub.add_parser("weekly-sql")
    p.add_argument("url")
    p.add_argument("week")
    p = sub.add_parser("dump-json")
    p.add_argument("url")
    p.add_argument("out")
    args = parser.parse_args(argv)
    if args.command == "raw-import":
        raw_import(args.csv, args.db)
    elif args.command == "weekly-sql":
        json.dump(weekly_totals(args.url, args.week), sys.stdout)
        sys.stdout.write("\n")
    else:
        dump_json(args.url, args.out)


if __name__ == "__main__":
    main()

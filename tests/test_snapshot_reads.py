"""Reading one report on two connections at once (db.snapshot_twin): both see the same
snapshot, whatever other agents commit meanwhile, and the report comes out the same."""

from __future__ import annotations

import dataclasses
import time
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roundup_crm.db import Database, snapshot_twin
from roundup_crm.models import ExchangeRate
from roundup_crm.services.reports import weekly
from tests.report_data import build_world


def _add_rate(database: Database, day: int) -> None:
    with database.begin() as session:
        rate = ExchangeRate(base="EUR", quote="USD", rate=Decimal("1.08"), on=date(2026, 2, day))
        session.add(rate)


def _rates(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ExchangeRate)) or 0)


def test_the_twin_reads_what_the_session_reads_while_others_commit(database: Database) -> None:
    _add_rate(database, 1)
    with database.begin(readonly=True) as session, snapshot_twin(session) as twin:
        assert twin is not None
        _add_rate(database, 2)  # another agent commits after both snapshots were taken
        assert (_rates(session), _rates(twin)) == (1, 1)
    with database.begin(readonly=True) as later:
        assert _rates(later) == 2


def test_no_twin_for_a_writing_session_or_an_in_memory_database(database: Database) -> None:
    with database.begin() as session, snapshot_twin(session) as twin:
        assert twin is None  # another connection would not see what is not committed yet
    memory = Database("sqlite://")
    try:
        with memory.begin(readonly=True) as session, snapshot_twin(session) as twin:
            assert twin is None
    finally:
        memory.dispose()


def test_the_weekly_report_read_in_two_halves_equals_the_one_read_in_one(
    database: Database,
) -> None:
    with database.begin() as session:
        build_world(session)
    with database.begin(readonly=True) as session:  # offers and deals on the twin
        halves = weekly(session, week="2026-W07", currency="EUR")
    with database.begin() as session:  # a writing session reads everything itself
        whole = weekly(session, week="2026-W07", currency="EUR")
    assert halves.outstanding.total and halves.films and halves.territories
    assert dataclasses.replace(halves, generated_at=whole.generated_at) == whole


def test_a_report_does_not_wait_for_an_agent_writing_on_sqlite(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    writer = Database(sqlite_url)
    try:
        with database.begin() as session:
            build_world(session)
        with writer.begin() as busy:  # another agent holds the write lock meanwhile
            busy.add(ExchangeRate(base="EUR", quote="GBP", rate=Decimal("0.85"), on=date.today()))
            busy.flush()
            started = time.monotonic()
            with database.begin(readonly=True) as session:
                with snapshot_twin(session) as twin:
                    assert twin is None  # read alone rather than wait for the write lock
                report = weekly(session, week="2026-W07", currency="EUR")
            assert time.monotonic() - started < 10  # the busy timeout is 30 s
        assert report.outstanding.total
    finally:
        writer.dispose()
        database.dispose()

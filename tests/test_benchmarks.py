"""The benchmark harness: the generator's small size on both engines, and every scenario
run once through run.py's API (correctness of the harness, not timing)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import click
import pytest
from benchmarks import dataset, peers, run
from sqlalchemy import func, select, text

from roundup_crm.cli import main
from roundup_crm.cli.registry import COMMANDS
from roundup_crm.db import Database
from roundup_crm.models import (
    Company,
    Deal,
    Film,
    Meeting,
    Offer,
    Opportunity,
    Stage,
    StageChange,
    deal_rights,
    deal_territories,
    metadata,
)
from roundup_crm.services.avails import overlapping_deals
from roundup_crm.services.database import integrity_problems
from roundup_crm.services.territories import CountryExpander
from tests.conftest import new_sqlite_url

SMALL = dataset.SIZES["small"]


@pytest.fixture
def small(db_url: str) -> Iterator[Database]:
    dataset.generate(db_url, "small", seed=1)
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.mark.slow
def test_small_dataset_has_the_promised_rows(small: Database) -> None:
    counts = dataset.table_counts(small.engine)
    assert counts["films"] == SMALL.films
    assert counts["companies"] == SMALL.companies
    assert counts["contacts"] == SMALL.contacts
    assert counts["markets"] == SMALL.markets
    assert counts["meetings"] == SMALL.meetings
    assert counts["opportunities"] == SMALL.opportunities
    assert counts["stage_changes"] == SMALL.stage_changes
    assert counts["offers"] == SMALL.offers
    assert counts["deals"] == SMALL.deals
    assert counts["followups"] == SMALL.followups
    assert counts["meeting_films"] >= SMALL.meetings
    assert counts["opportunity_territories"] >= SMALL.opportunities
    assert counts["exchange_rates"] > 0
    with small.begin(readonly=True) as session:
        countries = session.scalar(select(func.count(func.distinct(Company.country))))
        assert countries == SMALL.countries
        assert session.scalar(select(func.count()).where(Film.slug == "the-roundup-punishment"))
        # Times come back UTC-aware and money as exact Decimal, as the ORM promises.
        change = session.scalars(select(StageChange).limit(1)).one()
        assert change.changed_at.tzinfo is UTC
        offer = session.scalars(select(Offer).limit(1)).one()
        assert isinstance(offer.amount, Decimal)
        assert offer.amount == offer.amount.quantize(Decimal("0.01"))


@pytest.mark.slow
def test_small_dataset_is_consistent(small: Database) -> None:
    assert integrity_problems(small) == []
    with small.begin(readonly=True) as session:
        # Each opportunity stands where its last stage change took it.
        latest = (
            select(StageChange.opportunity_id, func.max(StageChange.changed_at).label("at"))
            .group_by(StageChange.opportunity_id)
            .subquery()
        )
        rows = session.execute(
            select(Opportunity.stage, Opportunity.stage_changed_at, StageChange.to_stage)
            .join(latest, latest.c.opportunity_id == Opportunity.id)
            .join(
                StageChange,
                (StageChange.opportunity_id == Opportunity.id)
                & (StageChange.changed_at == latest.c.at),
            )
        ).all()
        assert len(rows) >= SMALL.opportunities
        assert all(stage == to_stage for stage, _, to_stage in rows)
        won = session.scalar(select(func.count()).where(Opportunity.stage == Stage.WON))
        assert won == SMALL.deals
        # Meetings sit on market days, in each market's own daytime.
        hours = session.scalars(select(Meeting.starts_at).where(Meeting.market_id.is_not(None)))
        assert all(h.tzinfo is UTC for h in hours)


@pytest.mark.slow
def test_small_dataset_deals_never_overlap(small: Database) -> None:
    with small.begin(readonly=True) as session:
        deals = session.scalars(select(Deal)).all()
        assert len(deals) == SMALL.deals
        expand = CountryExpander(session)
        territories: dict[object, list[str]] = defaultdict(list)
        for deal_id, code in session.execute(
            text(
                "SELECT dt.deal_id, t.code FROM deal_territories dt"
                " JOIN territories t ON t.id = dt.territory_id"
            )
        ):
            territories[deal_id].append(code)
        rights: dict[object, list[str]] = defaultdict(list)
        for deal_id, code in session.execute(
            text(
                "SELECT dr.deal_id, r.code FROM deal_rights dr JOIN rights r ON r.id = dr.right_id"
            )
        ):
            rights[deal_id].append(code)
        assert len(territories) == len(rights) == len(deals)
        for deal in deals:
            key = deal.id.hex if small.engine.dialect.name == "sqlite" else deal.id
            clashes = overlapping_deals(
                session,
                deal.film_id,
                countries=expand.countries(territories[key]),
                rights=frozenset(rights[key]),
                term_start=deal.term_start,
                term_end=deal.term_end,
                exclusive=deal.exclusive,
                ignore=deal.id,
            )
            assert clashes == [], [c.describe() for c in clashes]
    assert deal_territories.name in metadata.tables and deal_rights.name in metadata.tables


def _digest(url: str) -> str:
    """Every row of every table, in id order: equal digests mean equal data."""
    database = Database(url)
    digest = hashlib.sha256()
    with database.engine.connect() as conn:
        for name, table in sorted(metadata.tables.items()):
            order = list(table.primary_key.columns)
            for row in conn.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
            digest.update(name.encode())
    database.dispose()
    return digest.hexdigest()


@pytest.mark.slow
def test_same_seed_same_data(sqlite_template: Path, tmp_path: Path) -> None:
    first, second, other = (new_sqlite_url(sqlite_template, tmp_path) for _ in range(3))
    size = dataset.scaled(SMALL, meetings=800, opportunities=1_500, stage_changes=7_000,
                          offers=400, deals=40, followups=600)  # fmt: skip
    for url, seed in ((first, 7), (second, 7), (other, 8)):
        dataset.generate(url, size, seed=seed)
    assert _digest(first) == _digest(second)
    assert _digest(first) != _digest(other)


def test_generating_into_a_filled_database_is_refused(sqlite_url: str) -> None:
    size = dataset.scaled(SMALL, meetings=10, opportunities=20, stage_changes=100, offers=5,
                          deals=1, followups=10)  # fmt: skip
    dataset.generate(sqlite_url, size)
    with pytest.raises(RuntimeError, match="already holds companies"):
        dataset.generate(sqlite_url, size)


@pytest.mark.slow
def test_weekly_floor_counts_what_the_models_hold(small: Database) -> None:
    url = small.url.render_as_string(hide_password=False)
    totals = peers.weekly_totals(url, dataset.REPORT_WEEK)
    monday, sunday = peers.week_bounds(dataset.REPORT_WEEK)
    start = datetime.combine(monday, time(), UTC)
    with small.begin(readonly=True) as session:
        moves = session.scalar(
            select(func.count()).where(
                StageChange.changed_at >= start,
                StageChange.changed_at < start + timedelta(days=7),
            )
        )
        deals = session.scalar(
            select(func.count()).where(Deal.signed_on >= monday, Deal.signed_on <= sunday)
        )
    assert totals["stage_moves"] == moves
    assert totals["deals_closed"] == deals
    assert totals["stage_moves"] > 100  # the report week is a busy market week


def test_judge_says_what_is_over() -> None:
    measure = run.Measure("x", "x", wall=[0.2, 0.3, 0.25], peak_mb=[50, 320, 60])
    outcome = run.Outcome("s", "s", "ok", ratios={"floor": 1.5})
    target = run.Target("t", seconds=0.5, ratios=(("floor", 1.3),), peak_mb=300)
    assert run.judge(target, measure, outcome) == "over: 1.50× floor > 1.3×; 320 MB > 300 MB"
    assert run.judge(run.Target("t", seconds=0.5), measure, outcome) == "meets"
    assert run.judge(run.Target("t"), measure, outcome) == "-"


def _missing(path: tuple[str, ...]) -> bool:
    if path[0] not in COMMANDS:
        return True
    command = main.get_command(click.Context(main), path[0])
    for name in path[1:]:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
        if command is None:
            return True
    return False


@pytest.mark.slow
def test_every_scenario_runs_once_on_the_small_size(tmp_path: Path) -> None:
    harness = run.Run(size="small", repeat=1, work=tmp_path / "work", log=lambda _: None)
    outcomes = {o.name: o for o in run.run_scenarios(harness)}
    assert set(outcomes) == set(run.SCENARIOS)
    failed = {name: o.reason for name, o in outcomes.items() if o.status == "failed"}
    assert failed == {}
    unavailable = {name for name, o in outcomes.items() if o.status == "unavailable"}
    expected = {
        name for name, s in run.SCENARIOS.items() if any(_missing(path) for path in s.needs)
    }
    assert unavailable == expected
    for name, outcome in outcomes.items():
        if outcome.status == "unavailable":
            assert outcome.subject is None and "missing" in outcome.reason
            continue
        assert outcome.subject is not None and len(outcome.subject["runs"]) == 1, name
        assert outcome.subject["peak_mb"] > 5, name
        assert outcome.peers and all(p["median_s"] > 0 for p in outcome.peers), name
        assert set(outcome.ratios) == {p["label"] for p in outcome.peers}
    table = run.markdown(list(outcomes.values()), run.machine(harness))
    assert table.count("\n| ") == len(run.SCENARIOS) + 1
    for name in unavailable:
        assert "not available" in table
        assert run.SCENARIOS[name].title in table


def test_a_scenario_that_cannot_run_is_a_failure(tmp_path: Path) -> None:
    harness = run.Run(size="small", repeat=1, work=tmp_path / "work", log=lambda _: None)
    broken = run.Scenario(
        "broken",
        "a command that exits 2",
        needs=(),
        target=run.Target("-"),
        repeat=1,
        plan=lambda r: run.Plan(run.Command("bad", [r.crm, "no-such-command"])),
    )
    try:
        outcome = run.run_scenario(harness, broken)
    finally:
        harness.timed.close()
    assert outcome.status == "failed"
    assert "no-such-command" in outcome.reason and "exited 2" in outcome.reason

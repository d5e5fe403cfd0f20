"""Time `export --format json` and `import all` on a pipeline-sized dataset.

    python benchmarks/backup_roundtrip.py [--stage-changes 1000000]

Fills a fresh SQLite database through Core inserts (films, buyers, contacts, meetings,
opportunities and their stage history, offers, follow-ups: the shape of the large
benchmark dataset), then exports it and imports the file into another fresh database,
each in its own process, and checks that the second export equals the first.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from roundup_crm.db import Database
from roundup_crm.io.bulk import BulkInsert
from roundup_crm.models import (
    Company,
    CompanyType,
    Contact,
    Film,
    FollowUp,
    Interest,
    Market,
    Meeting,
    MeetingStatus,
    Offer,
    Opportunity,
    Stage,
    StageChange,
)

BIN = Path(sys.executable).parent
STAGES = list(Stage)


def fill(url: str, stage_changes: int, seed: int = 11) -> dict[str, int]:
    rng = random.Random(seed)
    database = Database(url)
    database.ensure_ready()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    sizes = {
        "films": 200,
        "companies": 10_000,
        "contacts": 30_000,
        "markets": 60,
        "meetings": 100_000,
        "opportunities": 200_000,
        "stage_changes": stage_changes,
        "offers": 50_000,
        "followups": 100_000,
    }

    def ids(count: int) -> list[uuid.UUID]:
        return [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(count)]

    def stamp(i: int) -> datetime:
        return start + timedelta(minutes=i * 7 % 900_000, microseconds=i % 999_983)

    films, companies, contacts = ids(200), ids(10_000), ids(30_000)
    markets, opportunities = ids(60), ids(200_000)
    with database.begin() as session:
        conn = session.connection()

        def load(model: type, rows: list[dict[str, object]]) -> None:
            BulkInsert(conn, model.__table__).write(rows)  # type: ignore[attr-defined]

        common = {"version": 1}
        load(
            Film,
            [
                {
                    **common,
                    "id": f,
                    "created_at": stamp(i),
                    "updated_at": stamp(i),
                    "slug": f"film-{i}",
                    "title": f"The Roundup {i}",
                    "original_title": f"범죄도시 {i}",
                    "alternate_titles": [],
                    "genres": ["crime", "action"],
                    "status": "released",
                    "languages": ["ko"],
                    "subtitles": [],
                    "production_companies": [],
                }
                for i, f in enumerate(films)
            ],
        )
        load(
            Company,
            [
                {
                    **common,
                    "id": c,
                    "created_at": stamp(i),
                    "updated_at": stamp(i),
                    "name": f"Buyer {i}",
                    "match_key": f"buyer {i}",
                    "country": rng.choice(["DE", "FR", "KR", "JP", "US"]),
                    "type": rng.choice(list(CompanyType)),
                    "genre_preferences": [],
                    "tags": [],
                }
                for i, c in enumerate(companies)
            ],
        )
        load(
            Contact,
            [
                {
                    **common,
                    "id": p,
                    "created_at": stamp(i),
                    "updated_at": stamp(i),
                    "company_id": companies[i % 10_000],
                    "name": f"Person {i}",
                    "email": f"p{i}@buyer.example",
                }
                for i, p in enumerate(contacts)
            ],
        )
        load(
            Market,
            [
                {
                    **common,
                    "id": m,
                    "created_at": stamp(i),
                    "updated_at": stamp(i),
                    "name": f"Market {i}",
                    "starts_on": date(2020 + i // 6, 1 + i % 6, 10),
                    "ends_on": date(2020 + i // 6, 1 + i % 6, 18),
                    "timezone": "Europe/Berlin",
                }
                for i, m in enumerate(markets)
            ],
        )
        load(
            Meeting,
            [
                {
                    **common,
                    "id": m,
                    "created_at": stamp(i),
                    "updated_at": stamp(i),
                    "market_id": markets[i % 60],
                    "company_id": companies[i % 10_000],
                    "starts_at": stamp(i),
                    "duration_minutes": 30,
                    "status": MeetingStatus.HELD,
                    "notes": "만남 notes",
                }
                for i, m in enumerate(ids(100_000))
            ],
        )
        load(
            Opportunity,
            [
                {
                    **common,
                    "id": o,
                    "created_at": stamp(i),
                    "updated_at": stamp(i),
                    "company_id": companies[i % 10_000],
                    "film_id": films[i % 200],
                    "stage": rng.choice(STAGES),
                    "interest": Interest.WARM,
                    "currency": "USD",
                    "ask": Decimal(100_000 + i) / 4,
                    "take": Decimal(50_000),
                    "stage_changed_at": stamp(i),
                }
                for i, o in enumerate(opportunities)
            ],
        )
        batch: list[dict[str, object]] = []
        bulk = BulkInsert(conn, StageChange.__table__)  # type: ignore[arg-type]
        for i, s in enumerate(ids(stage_changes)):
            batch.append(
                {
                    **common,
                    "id": s,
                    "created_at": stamp(i),
                    "updated_at": stamp(i),
                    "opportunity_id": opportunities[i % 200_000],
                    "from_stage": STAGES[i % 5],
                    "to_stage": STAGES[(i + 1) % 5],
                    "changed_at": stamp(i),
                }
            )
            if len(batch) == 20_000:
                bulk.write(batch)
                batch = []
        bulk.write(batch)
        load(
            Offer,
            [
                {
                    **common,
                    "id": o,
                    "created_at": stamp(i),
                    "updated_at": stamp(i),
                    "opportunity_id": opportunities[i],
                    "sequence": 1,
                    "side": "buyer",
                    "status": "open",
                    "amount": Decimal(i * 10 + 5) / 100,
                    "currency": "EUR",
                    "offered_on": date(2025, 1, 1),
                }
                for i, o in enumerate(ids(50_000))
            ],
        )
        load(
            FollowUp,
            [
                {
                    **common,
                    "id": f,
                    "created_at": stamp(i),
                    "updated_at": stamp(i),
                    "title": f"Send screener {i}",
                    "due_on": date(2025, 1, 1) + timedelta(days=i % 300),
                    "company_id": companies[i % 10_000],
                }
                for i, f in enumerate(ids(100_000))
            ],
        )
    database.dispose()
    return sizes


def timed(command: list[str]) -> tuple[float, float]:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage-changes", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Keep the files in this folder.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = args.keep or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        source, target = work / "source.db", work / "target.db"
        for path in (source, target):
            path.unlink(missing_ok=True)
        begun = time.perf_counter()
        sizes = fill(f"sqlite:///{source}", args.stage_changes)
        print(
            f"dataset: {sum(sizes.values())} rows ({sizes}) in {time.perf_counter() - begun:.1f}s"
        )
        crm = str(BIN / "roundup-crm")
        first, second = work / "export.json", work / "again.json"
        wall, cpu = timed([crm, "--db", f"sqlite:///{source}", "export", "-o", str(first)])
        print(f"export:  {wall:.1f}s wall, {cpu:.1f}s CPU, {first.stat().st_size / 1e6:.0f} MB")
        wall, cpu = timed([crm, "--db", f"sqlite:///{target}", "import", "all", str(first)])
        print(f"import:  {wall:.1f}s wall, {cpu:.1f}s CPU")
        timed([crm, "--db", f"sqlite:///{target}", "export", "-o", str(second)])
        same = first.read_text().split("\n", 1)[1] == second.read_text().split("\n", 1)[1]
        print(f"second export equals the first: {same}")


if __name__ == "__main__":
    main()

"""Timed search and company lists at market scale: 10k companies, 100k meeting notes.

    .venv/bin/python benchmarks/search_catalogue.py [--db URL] [--companies N] [--meetings N]

Without --db it builds a throw-away SQLite file. The data are bulk-inserted with Core (the
audit hook is not what is measured here); each scenario runs five times, the median is shown.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from roundup_crm.db import Database
from roundup_crm.models import Company, CompanyType, Contact, Film, Meeting, Territory
from roundup_crm.services import validate
from roundup_crm.services.companies import list_companies
from roundup_crm.services.search import search

WORDS = [
    "films",
    "pictures",
    "distribution",
    "media",
    "entertainment",
    "cinema",
    "vision",
    "lumière",
    "nordlicht",
    "kino",
    "estrella",
    "sol",
    "luna",
    "norte",
    "aurora",
    "cité",
    "étoile",
    "północ",
    "filmes",
    "vídeo",
]
NOTES = (
    "wants the remake rights",
    "asked for a screener link after the market",
    "price too high, come back at Cannes",
    "very keen on the series, needs Korean subtitles",
    "passed: no action titles this year",
)


def build(database: Database, companies: int, meetings: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = datetime(2026, 2, 14, 9, 0, tzinfo=UTC)
    with database.begin() as session:
        countries = [
            c for (c,) in session.execute(select(Territory.code).where(Territory.kind == "country"))
        ]
        films = []
        for number, (title, original) in enumerate(
            [
                ("The Outlaws", "범죄도시"),
                ("The Roundup", "범죄도시2"),
                ("The Roundup: No Way Out", "범죄도시3"),
                ("The Roundup: Punishment", "범죄도시4"),
            ],
            start=1,
        ):
            films.append(
                {
                    "id": uuid.uuid4(),
                    "slug": f"film-{number}",
                    "title": title,
                    "original_title": original,
                    "alternate_titles": [],
                    "genres": ["crime"],
                    "languages": ["ko"],
                    "subtitles": [],
                    "production_companies": [],
                    "status": "released",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        session.execute(insert(Film), films)
        company_rows = []
        for number in range(companies):
            name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {number}"
            company_rows.append(
                {
                    "id": uuid.uuid4(),
                    "name": name,
                    "match_key": validate.match_key(name),
                    "country": rng.choice(countries),
                    "type": rng.choice(list(CompanyType)).value,
                    "genre_preferences": [],
                    "tags": rng.sample(["efm", "hot", "asia", "tv"], 2),
                    "notes": rng.choice(NOTES),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        session.execute(insert(Company), company_rows)
        contact_rows = [
            {
                "id": uuid.uuid4(),
                "company_id": c["id"],
                "name": f"Person {i}",
                "email": f"p{i}@example.com",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for i, c in enumerate(company_rows * 3)
        ]
        session.execute(insert(Contact), contact_rows)
        for start in range(0, meetings, 20_000):
            session.execute(
                insert(Meeting),
                [
                    {
                        "id": uuid.uuid4(),
                        "company_id": rng.choice(company_rows)["id"],
                        "starts_at": now + timedelta(minutes=30 * i),
                        "duration_minutes": 30,
                        "status": "held",
                        "notes": f"{rng.choice(NOTES)} (#{i})",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(start, min(meetings, start + 20_000))
                ],
            )


def timed(database: Database, run: Callable[[Any], Any]) -> tuple[float, int]:
    samples, found = [], 0
    for _ in range(5):
        with database.begin(readonly=True) as session:
            began = time.perf_counter()
            found = len(run(session))
            samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db")
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--no-build", action="store_true", help="Time an existing --db as is.")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="roundup-bench-")
    url = args.db or f"sqlite:///{Path(folder) / 'bench.db'}"
    database = Database(url, agent="bench")
    began = time.perf_counter()
    if not args.no_build:
        build(database, args.companies, args.meetings)
    print(
        f"built {args.companies} companies, {3 * args.companies} contacts, "
        f"{args.meetings} meetings on {database.engine.dialect.name} "
        f"in {time.perf_counter() - began:.1f} s"
    )
    scenarios: list[tuple[str, Callable[[Any], Any]]] = [
        ("search 'lumiere cinema' (accented)", lambda s: search(s, "lumiere cinema")),
        ("search 'remake' (100k meeting notes)", lambda s: search(s, "remake", limit=50)),
        ("search '범죄도시' (Hangul)", lambda s: search(s, "범죄도시")),
        ("search 'zzz' (no hit: full scans)", lambda s: search(s, "zzz")),
        ("company list (all)", lambda s: list_companies(s)),
        ("company list --limit 50", lambda s: list_companies(s, limit="50")),
        ("company list --territory DE", lambda s: list_companies(s, territory="DE")),
        (
            "company list --territory 'Latin America'",
            lambda s: list_companies(s, territory="Latin America"),
        ),
        ("company list --tag hot --type svod", lambda s: list_companies(s, tag="hot", type="svod")),
        ("company list --search 'cite etoile'", lambda s: list_companies(s, search="cite etoile")),
    ]
    for label, run in scenarios:
        ms, found = timed(database, run)
        print(f"{label:45s} {ms:8.1f} ms  ({found} rows)")
    database.dispose()


if __name__ == "__main__":
    main()

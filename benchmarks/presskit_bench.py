"""Press kit timings: one kit against `weasyprint in.html out.pdf`, and a 50-film batch.

    .venv/bin/python benchmarks/presskit_bench.py [--films 50] [--runs 5]

Builds a throw-away SQLite database of rich films (poster, stills, credits, festivals,
quotes, box office, screenings), then measures, side by side in one run:

* `roundup-crm presskit FILM -o x.pdf` (the whole command: start-up, query, render)
  against `weasyprint in.html out.pdf` on the HTML `presskit --html` wrote, alternating
  the two so both see the same machine load; median of `--runs` each;
* `roundup-crm presskit --all -o DIR` over `--films` films: total wall time, and the
  time per film after the first, taken inside one process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
CONFIG = """
[company]
name = "Seoul Screen Sales"
email = "sales@seoulscreen.example"

[[company.contacts]]
name = "Kim Ji-won"
email = "jiwon.kim@seoulscreen.example"
"""


def build(folder: Path, films: int) -> str:
    from tests.presskit_films import FILM, add_film

    from roundup_crm import migrate
    from roundup_crm.db import Database

    url = f"sqlite:///{folder / 'roundup.db'}"
    database = Database(url, agent="bench")
    migrate.upgrade(database)
    with database.begin() as session:
        for i in range(films):
            facts = FILM if i == 0 else type(FILM)(slug=f"film-{i:03d}", title=f"Film {i:03d}")
            add_film(
                session,
                assets_dir=folder / "assets",
                facts=facts,
                market_on=date.today(),
                deals=i == 0,
                trailer_url=f"https://screeners.example/{facts.slug}/trailer",
            )
    database.dispose()
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    return url


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def in_process_batch(url: str, folder: Path, out: Path) -> list[float]:
    """Seconds per document of one `--all` batch, rendered as the command does."""
    from roundup_crm.db import Database
    from roundup_crm.services.presskit import PressKitRenderer, Request, read_presskits
    from roundup_crm.services.sales_company import load_sales_company

    database = Database(url)
    with database.begin() as session:
        kits = read_presskits(
            session,
            None,
            requests=[Request("en")],
            company=load_sales_company(folder / "config.toml"),
            assets_dir=folder / "assets",
        )
    database.dispose()
    renderer = PressKitRenderer(assets_dir=folder / "assets")
    times = []
    for request, kit in kits:
        start = time.perf_counter()
        document = renderer.render(request, kit)
        (out / document.filename).write_bytes(document.content)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--films", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="presskit-bench-"))
    try:
        url = build(folder, args.films)
        env = {**os.environ, "ROUNDUP_DATA_DIR": str(folder), "ROUNDUP_DATABASE_URL": url}
        crm = [str(BIN / "roundup-crm"), "presskit", "the-roundup-punishment"]
        html = folder / "kit.html"
        subprocess.run([*crm, "--html", "-o", str(html)], env=env, check=True)

        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(timed([*crm, "-o", str(folder / "ours.pdf")], env))
            theirs.append(
                timed([str(BIN / "weasyprint"), str(html), str(folder / "theirs.pdf")], env)
            )
        mine, peer = statistics.median(ours), statistics.median(theirs)
        print("| scenario | median s | min s | max s |")
        print("|---|---|---|---|")
        print(f"| presskit FILM -o x.pdf | {mine:.2f} | {min(ours):.2f} | {max(ours):.2f} |")
        print(
            f"| weasyprint in.html out.pdf | {peer:.2f} | {min(theirs):.2f} | {max(theirs):.2f} |"
        )
        print(f"\nratio presskit / weasyprint: {mine / peer:.2f} (target <= 1.25)")

        batch_dir = folder / "batch"
        total = timed([str(BIN / "roundup-crm"), "presskit", "--all", "-o", str(batch_dir)], env)
        print(f"\npresskit --all, {args.films} films: {total:.2f} s wall")
        per_doc = in_process_batch(url, folder, batch_dir)
        rest = per_doc[1:]
        print(
            f"in one process: first {per_doc[0]:.2f} s, then mean {statistics.mean(rest):.3f} s"
            f" / median {statistics.median(rest):.3f} s per film (target <= 0.5)"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

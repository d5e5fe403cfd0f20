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
import resource
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


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the child: on a shared machine
    the CPU time shows the work done even when the wall clock shows the neighbours."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def in_process_batch(url: str, folder: Path, out: Path) -> list[tuple[float, float]]:
    """(wall, CPU) seconds per document of one `--all` batch, rendered as the command does."""
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
        start, cpu = time.perf_counter(), time.process_time()
        document = renderer.render(request, kit)
        (out / document.filename).write_bytes(document.content)
        times.append((time.perf_counter() - start, time.process_time() - cpu))
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
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        print("| scenario | median wall s | min wall s | max wall s | median CPU s |")
        print("|---|---|---|---|---|")
        for name, runs in (
            ("presskit FILM -o x.pdf", ours),
            ("weasyprint in.html out.pdf", theirs),
        ):
            walls, cpus = [w for w, _ in runs], [c for _, c in runs]
            print(
                f"| {name} | {statistics.median(walls):.2f} | {min(walls):.2f} "
                f"| {max(walls):.2f} | {statistics.median(cpus):.2f} |"
            )
        wall_ratio = statistics.median(w for w, _ in ours) / statistics.median(w for w, _ in theirs)
        cpu_ratio = statistics.median(c for _, c in ours) / statistics.median(c for _, c in theirs)
        print(
            f"\nratio presskit / weasyprint: wall {wall_ratio:.2f}, CPU {cpu_ratio:.2f}"
            " (target <= 1.25)"
        )

        batch_dir = folder / "batch"
        wall, cpu = timed(
            [str(BIN / "roundup-crm"), "presskit", "--all", "-o", str(batch_dir)], env
        )
        print(f"\npresskit --all, {args.films} films: {wall:.2f} s wall, {cpu:.2f} s CPU")
        per_doc = in_process_batch(url, folder, batch_dir)
        first, rest = per_doc[0], per_doc[1:]
        print(
            f"in one process: first {first[0]:.2f} s; after the first, per film: wall mean "
            f"{statistics.mean(w for w, _ in rest):.3f} s, median "
            f"{statistics.median(w for w, _ in rest):.3f} s; CPU mean "
            f"{statistics.mean(c for _, c in rest):.3f} s (target <= 0.5)"
        )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

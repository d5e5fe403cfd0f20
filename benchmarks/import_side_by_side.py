"""Time `import contacts` of a buyer CSV side by side with sqlite-utils and raw sqlite3.

    python benchmarks/import_side_by_side.py --rows 100000 [--repeat 3]

Each tool loads the same file into a fresh SQLite database in its own process, in turn,
so a busy machine slows all of them alike; the table gives median wall time, peak
memory and the ratio of roundup-crm to each.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent

RAW = """
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    rows = csv.reader(handle)
    header = next(rows)
    db.execute("CREATE TABLE buyers (%s)" % ", ".join(f"c{i} TEXT" for i in range(len(header))))
    db.executemany("INSERT INTO buyers VALUES (%s)" % ", ".join("?" * len(header)), rows)
db.commit()
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one run in a fresh process."""
    import resource

    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        csv_path = work / "buyers.csv"
        subprocess.run(
            [
                sys.executable,
                str(HERE / "buyer_csv.py"),
                "--rows",
                str(args.rows),
                "-o",
                str(csv_path),
            ],
            check=True,
        )
        template = work / "template.db"
        subprocess.run(
            [str(BIN / "roundup-crm"), "--db", f"sqlite:///{template}", "db", "upgrade"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        results: dict[str, list[float]] = {"roundup-crm": [], "sqlite-utils": [], "sqlite3": []}
        peaks: dict[str, float] = {}
        for run in range(args.repeat):
            target = work / f"crm-{run}.db"
            target.write_bytes(template.read_bytes())
            commands = {
                "roundup-crm": [
                    str(BIN / "roundup-crm"),
                    "--db",
                    f"sqlite:///{target}",
                    "import",
                    "contacts",
                    str(csv_path),
                ],
                "sqlite-utils": [
                    str(BIN / "sqlite-utils"),
                    "insert",
                    str(work / f"su-{run}.db"),
                    "buyers",
                    str(csv_path),
                    "--csv",
                ],
                "sqlite3": [sys.executable, "-c", RAW, str(csv_path), str(work / f"raw-{run}.db")],
            }
            for name, command in commands.items():
                elapsed, _ = timed(command)
                results[name].append(elapsed)
        # Peak memory of the import alone, measured in a process of its own.
        target = work / "crm-peak.db"
        target.write_bytes(template.read_bytes())
        measure = (
            "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                measure,
                str(BIN / "roundup-crm"),
                "--db",
                f"sqlite:///{target}",
                "import",
                "contacts",
                str(csv_path),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        peaks["roundup-crm"] = int(out.stdout.strip()) / 1024
    crm = statistics.median(results["roundup-crm"])
    print(f"buyer import, {args.rows} rows, median of {args.repeat} runs each")
    print("| tool | median s | min s | max s | roundup-crm ratio |")
    print("|---|---|---|---|---|")
    for name, times in results.items():
        median = statistics.median(times)
        print(
            f"| {name} | {median:.2f} | {min(times):.2f} | {max(times):.2f} | {crm / median:.2f} |"
        )
    print(f"peak memory of roundup-crm import: {peaks['roundup-crm']:.0f} MB")


if __name__ == "__main__":
    main()

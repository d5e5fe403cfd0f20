"""Fill a database with the benchmark dataset: deterministic, realistic, bulk-inserted.

    python benchmarks/generate.py --size small|medium|large --db URL [--seed N]

The database is migrated with the project's own migrations first; it must hold no
companies yet. Prints rows per table and the seconds each step took.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(dataset.SIZES), default="small")
    parser.add_argument(
        "--db", required=True, metavar="URL", help="sqlite:///... or postgresql://..."
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    report = dataset.generate(
        args.db, args.size, seed=args.seed, progress=lambda line: print(line, file=sys.stderr)
    )
    for table, count in sorted(report.counts.items()):
        print(f"{table:24} {count:>10,}")
    print(f"{'total':24} {sum(report.counts.values()):>10,} rows in {report.total_seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

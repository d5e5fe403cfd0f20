"""One sales agent logging meetings back to back, run as its own process by the concurrency test.

Each meeting goes through the command line's own entry point in-process (`main(...,
standalone_mode=False)`), so it is exactly `roundup-crm meeting log ...`: its own
Database, its own transaction, its own error translation; only the interpreter start-up
of a real invocation is saved. Every failure that would have reached the user is written
to the summary file the test reads.

    python tests/agents_at_work.py URL AGENT WORKER COUNT SLOTS SUMMARY.json
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from datetime import datetime, timedelta

import click

from roundup_crm.cli import main

# The buyers, each with the contact met there (None: nobody named).
BUYERS = [
    ("Splendid Film", "Anna Weber"),
    ("Lumière Publishing", "Jan Peeters"),
    ("Metropolitan Filmexport", None),
]
FILMS = ["the-outlaws", "the-roundup", "the-roundup-no-way-out", "the-roundup-punishment"]
LEVELS = ["hot", "warm", "cold", "pass", "warm"]
# Scheduled meetings sit on the first market day; meetings logged freely use the others,
# so only the slots the test planned can be filled in.
SCHEDULED_DAY = datetime(2026, 2, 12, 8, 0)
FREE_DAY = datetime(2026, 2, 13, 8, 0)


def scheduled_slot(slot: int) -> tuple[str, str]:
    """The company and local time of planned meeting number `slot` (the test schedules these)."""
    company = BUYERS[slot % len(BUYERS)][0]
    at = SCHEDULED_DAY + timedelta(minutes=30 * slot)
    return company, f"{at:%Y-%m-%d %H:%M}"


def meeting_args(worker: int, index: int, slots: int) -> list[str]:
    buyer, person = BUYERS[(worker + index) % len(BUYERS)]
    if index < slots:
        # Every agent logs the planned meeting at this slot: one fills it in, the rest are
        # new meetings at the same time.
        buyer, at = scheduled_slot(index)
        person = dict(BUYERS)[buyer]
    else:
        moment = FREE_DAY + timedelta(minutes=7 * (worker * 1000 + index))
        at = f"{moment:%Y-%m-%d %H:%M}"
    first = FILMS[(worker + index) % len(FILMS)]
    second = FILMS[(worker + index + 1) % len(FILMS)]
    level = LEVELS[(worker * 7 + index) % len(LEVELS)]
    token = f"w{worker}-m{index}"
    args = [
        "meeting",
        "log",
        "--market",
        "EFM 2026",
        "--company",
        buyer,
        "--at",
        at,
        "--film",
        f"{first}:{level}",
        "--film",
        f"{second}:warm",
        "--note",
        f"met at the stand [{token}]",
        "--followup",
        f"send the screener [{token}]",
        "--due",
        "2026-03-02",
    ]
    if person:
        args += ["--contact", person]
    return args


def run(url: str, agent: str, worker: int, count: int, slots: int) -> dict[str, object]:
    failures: list[str] = []
    started = time.perf_counter()
    for index in range(count):
        args = ["--db", url, "--agent", agent, *meeting_args(worker, index, slots)]
        try:
            main(args, standalone_mode=False)
        except click.ClickException as exc:
            failures.append(f"{index}: exit {exc.exit_code}: {exc.format_message()}")
        except BaseException:
            failures.append(f"{index}: {traceback.format_exc()}")
    return {"worker": worker, "seconds": time.perf_counter() - started, "failures": failures}


if __name__ == "__main__":
    url, agent, worker, count, slots, summary = sys.argv[1:7]
    result = run(url, agent, int(worker), int(count), int(slots))
    with open(summary, "w", encoding="utf-8") as out:
        json.dump(result, out)

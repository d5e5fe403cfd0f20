"""Timed scenarios, each beside the peer tool or bare floor it is judged against.

    python benchmarks/run.py [--db URL] [--size large] [--only NAME] [--repeat N] [--json FILE]

Every command runs in a fresh process, several times, its peers interleaved with it so a
busy machine slows both alike. The table (Markdown, on stdout) gives median / min / max
wall time and peak memory of each, and their ratio. The exit status is non-zero only
when a scenario fails to run, never because a machine is slow. A scenario whose command
the installed CLI does not have yet is reported as not available.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import dataset

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = HERE / ".data"
BIN = Path(sys.executable).parent
FLOOR = "import click, sqlalchemy.orm"
FILM = "the-roundup-punishment"
CATALOGUE_FILMS = 50
BUYER_ROWS = {"small": 2_000, "medium": 20_000, "large": 100_000}


def tool(name: str) -> str:
    """A console script of this environment (roundup-crm, sqlite-utils, weasyprint)."""
    path = BIN / name
    return str(path) if path.exists() else shutil.which(name) or name


# --------------------------------------------------------------------------------------
# Databases: generated datasets (cached), empty migrated ones, working copies.


class Databases:
    """Where a run's databases live: SQLite files under the work folder, or databases on
    the PostgreSQL server given with --db (created there, names prefixed `bench_`)."""

    def __init__(self, work: Path, server_url: str | None) -> None:
        self.work = work
        self.server_url = server_url
        self.engine = "postgresql" if server_url else "sqlite"
        work.mkdir(parents=True, exist_ok=True)

    # SQLite: files; PostgreSQL: databases cloned from templates.

    def url(self, name: str) -> str:
        if self.server_url is None:
            return f"sqlite:///{self.work / name}.db"
        from sqlalchemy.engine import make_url

        return (
            make_url(self.server_url)
            .set(database=f"bench_{name}")
            .render_as_string(hide_password=False)
        )

    def exists(self, name: str) -> bool:
        if self.server_url is None:
            return (self.work / f"{name}.db").exists()
        return bool(
            self._pg_scalar("SELECT 1 FROM pg_database WHERE datname = %s", f"bench_{name}")
        )

    def drop(self, name: str) -> None:
        if self.server_url is None:
            for suffix in ("", "-wal", "-shm"):
                (self.work / f"{name}.db{suffix}").unlink(missing_ok=True)
        else:
            self._pg_admin(f'DROP DATABASE IF EXISTS "bench_{name}" WITH (FORCE)')

    def create_empty(self, name: str) -> None:
        self.drop(name)
        if self.server_url is not None:
            self._pg_admin(f'CREATE DATABASE "bench_{name}"')

    def copy(self, source: str, target: str) -> str:
        """A working copy of a database, so scenarios that write leave the original as it was."""
        self.drop(target)
        if self.server_url is None:
            shutil.copyfile(self.work / f"{source}.db", self.work / f"{target}.db")
        else:
            self._pg_admin(f'CREATE DATABASE "bench_{target}" TEMPLATE "bench_{source}"')
        return self.url(target)

    def fingerprint(self, name: str) -> str | None:
        if self.server_url is None:
            meta = self.work / f"{name}.json"
            return json.loads(meta.read_text())["fingerprint"] if meta.exists() else None
        return self._pg_scalar(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            f"bench_{name}",
        )

    def remember(self, name: str, fingerprint: str, report: dict[str, Any]) -> None:
        if self.server_url is None:
            (self.work / f"{name}.json").write_text(
                json.dumps({"fingerprint": fingerprint, **report}, indent=1)
            )
        else:
            self._pg_admin(f"COMMENT ON DATABASE \"bench_{name}\" IS '{fingerprint}'")

    def version(self) -> str:
        if self.server_url is None:
            return f"SQLite {sqlite3.sqlite_version}"
        return f"PostgreSQL {self._pg_scalar('SHOW server_version')}"

    def _pg_admin(self, sql: str) -> None:
        import psycopg

        assert self.server_url is not None
        with psycopg.connect(_libpq(self.server_url), autocommit=True) as conn:
            conn.execute(sql)

    def _pg_scalar(self, sql: str, *params: Any) -> Any:
        import psycopg

        assert self.server_url is not None
        with psycopg.connect(_libpq(self.server_url), autocommit=True) as conn:
            row = conn.execute(sql, params).fetchone()
            return row[0] if row else None


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _fingerprint(*parts: object) -> str:
    """Changes when the requested data, the dataset's version or the schema changes."""
    from roundup_crm.db import SCHEMA_HEAD

    text = "|".join(map(str, (*parts, dataset.VERSION, SCHEMA_HEAD)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------------------
# Running one command, timed.


@dataclass
class Command:
    """One timed command. `argv` may depend on the repetition; `before` runs untimed."""

    label: str
    argv: Sequence[str | Path] | Callable[[int], Sequence[str | Path]]
    before: Callable[[int], object] | None = None

    def argv_for(self, repetition: int) -> list[str]:
        argv = self.argv(repetition) if callable(self.argv) else self.argv
        return [str(a) for a in argv]


@dataclass
class Measure:
    label: str
    command: str
    wall: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    def summary(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "command": self.command,
            "median_s": round(self.median, 4),
            "min_s": round(min(self.wall), 4),
            "max_s": round(max(self.wall), 4),
            "peak_mb": round(max(self.peak_mb), 1),
            "runs": [round(w, 4) for w in self.wall],
        }


class CommandFailed(Exception):
    pass


# Timed commands are started by this small process, not by the harness: on Linux a
# child's peak memory (ru_maxrss) counts the memory of the process it was forked from,
# and the harness holds a dataset's worth of modules.
LAUNCHER = """
import json, os, subprocess, sys, time
for line in sys.stdin:
    job = json.loads(line)
    started = time.perf_counter()
    child = subprocess.Popen(job["argv"], env=job["env"], cwd=job["cwd"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    child.stderr.close()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    print(json.dumps({"wall": wall, "maxrss_kb": usage.ru_maxrss,
                      "code": os.waitstatus_to_exitcode(status),
                      "stderr": stderr[-4000:].decode("utf-8", "replace")}), flush=True)
"""


class Launcher:
    """Runs commands one at a time in fresh processes; returns wall time and peak memory."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def __call__(self, argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-S", "-c", LAUNCHER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": str(cwd)}) + "\n")
        self.process.stdin.flush()
        result = json.loads(self.process.stdout.readline())
        if result["code"] != 0:
            last = result["stderr"].strip().splitlines()[-1:] or ["(no output)"]
            raise CommandFailed(f"`{' '.join(argv)}` exited {result['code']}: {last[0]}")
        return result["wall"], result["maxrss_kb"] / 1024  # Linux reports kilobytes

    def close(self) -> None:
        if self.process is not None:
            for pipe in (self.process.stdin, self.process.stdout):
                if pipe is not None:
                    pipe.close()
            self.process.wait()
            self.process = None


# --------------------------------------------------------------------------------------
# Scenarios.


@dataclass(frozen=True)
class Target:
    """What a scenario should meet: at most `seconds` median, `ratio` x a peer's median
    (by label), `peak_mb`; `text` says it the way the issue does."""

    text: str
    seconds: float | None = None
    ratios: tuple[tuple[str, float], ...] = ()
    peak_mb: float | None = None


@dataclass
class Plan:
    subject: Command
    peers: list[Command] = field(default_factory=list)
    # A figure computed from the medians (press kits per film after the first).
    derive: Callable[[dict[str, float]], tuple[str, float]] | None = None


@dataclass
class Outcome:
    name: str
    title: str
    status: str  # "ok", "unavailable" or "failed"
    reason: str = ""
    target: str = ""
    subject: dict[str, Any] | None = None
    peers: list[dict[str, Any]] = field(default_factory=list)
    ratios: dict[str, float] = field(default_factory=dict)
    derived: dict[str, float] = field(default_factory=dict)
    verdict: str = ""


class Run:
    """What the scenarios of one run share: size, seed, databases, environment."""

    def __init__(
        self,
        *,
        size: str = "large",
        seed: int = 1,
        db: str | None = None,
        work: Path = DEFAULT_WORK,
        repeat: int | None = None,
        profile: Path | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.size = size
        self.seed = seed
        self.repeat = repeat
        self.profile = profile
        self.work = work
        self.databases = Databases(work / ("pg" if db else "sqlite"), db)
        self.files = work / "files"
        self.files.mkdir(parents=True, exist_ok=True)
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ROUNDUP_")},
            "ROUNDUP_DATA_DIR": str(work / "home"),
            "ROUNDUP_AGENT": "bench",
        }
        self.crm = tool("roundup-crm")
        self.timed = Launcher()
        self.generated: dict[str, float] = {}

    # -- datasets --

    def dataset(self, name: str | None = None, spec: dataset.Size | None = None) -> str:
        """The URL of a generated dataset, generating it when missing or out of date."""
        name = name or f"{self.size}-s{self.seed}"
        spec = spec or dataset.SIZES[self.size]
        fingerprint = _fingerprint(spec, self.seed)
        if self.databases.exists(name) and self.databases.fingerprint(name) == fingerprint:
            return self.databases.url(name)
        self.log(f"generating dataset {name} on {self.databases.engine}...")
        self.databases.create_empty(name)
        report = dataset.generate(self.databases.url(name), spec, seed=self.seed)
        self.generated[name] = round(report.total_seconds, 1)
        self.log(f"generated {name} in {report.total_seconds:.1f} s")
        self.databases.remember(
            name, fingerprint, {"seconds": report.total_seconds, "rows": dict(report.counts)}
        )
        return self.databases.url(name)

    def fresh(self, name: str) -> str:
        """A migrated database holding only the reference data, made anew at each call."""
        template = "empty-template"
        fingerprint = _fingerprint("empty")
        if not (
            self.databases.exists(template) and self.databases.fingerprint(template) == fingerprint
        ):
            self.databases.create_empty(template)
            dataset.migrate(self.databases.url(template))
            self.databases.remember(template, fingerprint, {})
        return self.databases.copy(template, name)

    def crm_at(self, url: str, *args: str) -> list[str]:
        return [self.crm, "--db", url, *args]

    def prepare_file(self, argv: list[str]) -> None:
        """Untimed set-up through the CLI (an HTML press kit, an export to import)."""
        self.timed(argv, self.env, self.files)

    def times(self, default: int) -> int:
        return self.repeat or default


@dataclass
class Scenario:
    name: str
    title: str
    needs: tuple[tuple[str, ...], ...]
    target: Target
    repeat: int
    plan: Callable[[Run], Plan]


SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str, title: str, *, needs: Sequence[Sequence[str]], target: Target, repeat: int = 5
) -> Callable[[Callable[[Run], Plan]], Callable[[Run], Plan]]:
    def register(plan: Callable[[Run], Plan]) -> Callable[[Run], Plan]:
        SCENARIOS[name] = Scenario(name, title, tuple(map(tuple, needs)), target, repeat, plan)
        return plan

    return register


def floor(label: str = "floor: python -c 'import click, sqlalchemy.orm'") -> Command:
    return Command(label, [sys.executable, "-c", FLOOR])


@scenario(
    "startup-help",
    "`roundup-crm --help`",
    needs=[],
    target=Target("≤ 100 ms median", seconds=0.1),
    repeat=10,
)
def startup_help(run: Run) -> Plan:
    return Plan(Command("roundup-crm --help", [run.crm, "--help"]), [floor()])


@scenario(
    "meeting-log",
    "`meeting log ...` (a market meeting, 2 films, a follow-up)",
    needs=[("meeting", "log")],
    target=Target("≤ 1.3 × floor", ratios=(("floor", 1.3),)),
    repeat=7,
)
def meeting_log(run: Run) -> Plan:
    run.dataset()
    url = run.databases.copy(f"{run.size}-s{run.seed}", "meeting-log")
    company, contact = _buyer_with_contact(url)

    def argv(repetition: int) -> list[str]:
        hour, half = divmod(repetition % 20, 2)
        at = f"2026-02-18 {9 + hour:02d}:{30 * half:02d}"
        return run.crm_at(
            url, "meeting", "log", "--market", "EFM 2026", "--company", company,
            "--contact", contact, "--at", at, "--film", f"{FILM}:hot",
            "--film", "the-outlaws:warm", "--note", "Wants the whole franchise for Benelux.",
            "--followup", "Send the screener link", "--due", "2026-02-25",
        )  # fmt: skip

    return Plan(Command("roundup-crm meeting log ...", argv), [floor("floor")])


def _buyer_with_contact(url: str) -> tuple[str, str]:
    """A buyer whose name no other company shares, and the email of one of its people."""
    from sqlalchemy import text

    from roundup_crm.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT c.name, min(p.email) FROM companies c JOIN contacts p"
                " ON p.company_id = c.id WHERE lower(c.name) IN (SELECT lower(name)"
                " FROM companies GROUP BY lower(name) HAVING count(*) = 1)"
                " GROUP BY c.id, c.name ORDER BY count(*) DESC, c.name LIMIT 1"
            )
        ).one()
    engine.dispose()
    return str(row[0]), str(row[1])


@scenario(
    "buyer-import",
    "`import contacts` of a buyer CSV",
    needs=[("import", "contacts")],
    target=Target(
        "≤ 1.0 × sqlite-utils, ≤ 10 × sqlite3; ≤ 300 MB",
        ratios=(("sqlite-utils", 1.0), ("sqlite3", 10.0)),
        peak_mb=300,
    ),
    repeat=3,
)
def buyer_import(run: Run) -> Plan:
    rows = BUYER_ROWS.get(run.size, 100_000)
    csv_path = run.files / f"buyers-{rows}-s{run.seed}.csv"
    if not csv_path.exists():
        write_buyer_csv(csv_path, rows, seed=run.seed)
    utils_db, raw_db = run.files / "sqlite-utils.db", run.files / "sqlite3.db"
    return Plan(
        Command(
            f"roundup-crm import contacts ({rows:,} rows)",
            run.crm_at(run.databases.url("buyer-import"), "import", "contacts", str(csv_path)),
            before=lambda _: run.fresh("buyer-import"),
        ),
        [
            Command(
                "sqlite-utils insert --csv",
                [tool("sqlite-utils"), "insert", utils_db, "buyers", csv_path, "--csv"],
                before=lambda _: utils_db.unlink(missing_ok=True),
            ),
            Command(
                "sqlite3 executemany",
                [sys.executable, HERE / "peers.py", "raw-import", csv_path, raw_db],
                before=lambda _: raw_db.unlink(missing_ok=True),
            ),
        ],
    )


def write_buyer_csv(path: Path, count: int, *, seed: int) -> Path:
    """The market attendee list `buyer_csv.py` describes, `count` rows of it."""
    import csv

    from benchmarks import buyer_csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(buyer_csv.HEADER)
        writer.writerows(buyer_csv.rows(count, seed=seed))
    return path


@scenario(
    "presskit",
    "`presskit FILM -o kit.pdf`",
    needs=[("presskit",)],
    target=Target("≤ 1.25 × weasyprint", ratios=(("weasyprint", 1.25),)),
)
def presskit(run: Run) -> Plan:
    url = run.dataset()
    html = run.files / "presskit.html"
    run.prepare_file(run.crm_at(url, "presskit", FILM, "--html", "-o", str(html)))
    return Plan(
        Command(
            "roundup-crm presskit",
            run.crm_at(url, "presskit", FILM, "-o", str(run.files / "presskit.pdf")),
        ),
        [
            Command(
                "weasyprint in.html out.pdf",
                [tool("weasyprint"), html, run.files / "weasyprint.pdf"],
            )
        ],
    )


@scenario(
    "presskit-all",
    f"`presskit --all -o DIR` ({CATALOGUE_FILMS} films)",
    needs=[("presskit",)],
    target=Target("≤ 0.5 s per film after the first"),
    repeat=3,
)
def presskit_all(run: Run) -> Plan:
    spec = dataset.scaled(dataset.SIZES["small"], films=CATALOGUE_FILMS)
    url = run.dataset(f"catalogue-{CATALOGUE_FILMS}-s{run.seed}", spec)
    folder = run.files / "presskits"

    def empty_folder(_: int) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()

    def per_film(medians: dict[str, float]) -> tuple[str, float]:
        batch, one = medians["roundup-crm presskit --all"], medians["one press kit"]
        return "s per film after the first", (batch - one) / (CATALOGUE_FILMS - 1)

    return Plan(
        Command(
            "roundup-crm presskit --all",
            run.crm_at(url, "presskit", "--all", "-o", str(folder)),
            before=empty_folder,
        ),
        [
            Command(
                "one press kit",
                run.crm_at(url, "presskit", FILM, "-o", str(run.files / "one.pdf")),
            )
        ],
        derive=per_film,
    )


@scenario(
    "weekly-report",
    f"`report weekly --week {dataset.REPORT_WEEK} -o report.pdf`",
    needs=[("report", "weekly")],
    target=Target("≤ 3 s, ≤ 300 MB", seconds=3.0, peak_mb=300),
)
def weekly_report(run: Run) -> Plan:
    url = run.dataset()
    return Plan(
        Command(
            "roundup-crm report weekly",
            run.crm_at(
                url,
                "report",
                "weekly",
                "--week",
                dataset.REPORT_WEEK,
                "-o",
                str(run.files / "weekly.pdf"),
            ),
        ),
        [
            Command(
                "hand-written SQL totals",
                [sys.executable, HERE / "peers.py", "weekly-sql", url, dataset.REPORT_WEEK],
            )
        ],
    )


def _read_only(
    name: str,
    title: str,
    needs: tuple[str, ...],
    args: list[str],
    target: Target,
) -> None:
    def plan(run: Run) -> Plan:
        url = run.dataset()
        return Plan(Command(f"roundup-crm {' '.join(args)}", run.crm_at(url, *args)), [floor()])

    scenario(name, title, needs=[needs], target=target)(plan)


_read_only(
    "avails",
    f"`avails {FILM}`",
    ("avails",),
    ["avails", FILM],
    Target("≤ 0.5 s", seconds=0.5),
)
_read_only(
    "pipeline",
    f"`pipeline --film {FILM}`",
    ("pipeline",),
    ["pipeline", "--film", FILM],
    Target("≤ 0.5 s", seconds=0.5),
)
_read_only(
    "search",
    "`search lantern` (films, buyers, contacts, notes)",
    ("search",),
    ["search", "lantern"],
    Target("no target: reported"),
)


@scenario(
    "export-json",
    "`export --format json -o F` (whole dataset)",
    needs=[("export",)],
    target=Target("≤ 30 s", seconds=30.0),
    repeat=3,
)
def export_json(run: Run) -> Plan:
    url = run.dataset()
    return Plan(
        Command(
            "roundup-crm export --format json",
            run.crm_at(url, "export", "--format", "json", "-o", str(run.files / "export.json")),
        ),
        [
            Command(
                "driver rows -> json.dump",
                [sys.executable, HERE / "peers.py", "dump-json", url, run.files / "dump.json"],
            )
        ],
    )


@scenario(
    "import-all",
    "`import all F` into an empty database",
    needs=[("export",), ("import", "all")],
    target=Target("≤ 30 s", seconds=30.0),
    repeat=3,
)
def import_all(run: Run) -> Plan:
    url = run.dataset()
    exported = run.files / "import-all.json"
    run.prepare_file(run.crm_at(url, "export", "--format", "json", "-o", str(exported)))
    return Plan(
        Command(
            "roundup-crm import all",
            run.crm_at(run.databases.url("import-all"), "import", "all", str(exported)),
            before=lambda _: run.fresh("import-all"),
        ),
        [
            Command(
                "floor: json.load of the file",
                [sys.executable, "-c", "import json, sys; json.load(open(sys.argv[1]))", exported],
            )
        ],
    )


# --------------------------------------------------------------------------------------
# Which commands the installed CLI has.


def missing_command(needs: Sequence[Sequence[str]]) -> str | None:
    """The first command path (e.g. "report weekly") the installed CLI lacks, if any."""
    import click

    from roundup_crm.cli import main

    for path in needs:
        command: click.Command | None = main
        for depth, name in enumerate(path):
            group = command
            if not isinstance(group, click.Group):
                return " ".join(path[: depth + 1])
            command = group.get_command(click.Context(group), name)
            if command is None:
                return " ".join(path[: depth + 1])
    return None


# --------------------------------------------------------------------------------------
# Running scenarios, judging them, printing the table.


def run_scenario(run: Run, scenario: Scenario) -> Outcome:
    outcome = Outcome(scenario.name, scenario.title, "ok", target=scenario.target.text)
    missing = missing_command(scenario.needs)
    if missing is not None:
        outcome.status, outcome.reason = "unavailable", f"command `{missing}` missing"
        return outcome
    try:
        plan = scenario.plan(run)
        commands = [plan.subject, *plan.peers]
        measures = [Measure(c.label, " ".join(c.argv_for(0))) for c in commands]
        for repetition in range(run.times(scenario.repeat)):
            for command, measure in zip(commands, measures, strict=True):
                if command.before is not None:
                    command.before(repetition)
                wall, peak = run.timed(command.argv_for(repetition), run.env, run.files)
                measure.wall.append(wall)
                measure.peak_mb.append(peak)
        if run.profile is not None:
            profile_subject(run, scenario, plan.subject, run.times(scenario.repeat))
    except CommandFailed as exc:
        outcome.status, outcome.reason = "failed", str(exc)
        return outcome
    subject, peers = measures[0], measures[1:]
    outcome.subject = subject.summary()
    outcome.peers = [p.summary() for p in peers]
    outcome.ratios = {p.label: round(subject.median / p.median, 2) for p in peers}
    if plan.derive is not None:
        label, value = plan.derive({m.label: m.median for m in measures})
        outcome.derived[label] = round(value, 3)
    outcome.verdict = judge(scenario.target, subject, outcome)
    return outcome


def profile_subject(run: Run, scenario: Scenario, command: Command, repetition: int) -> None:
    """One more run of the scenario's command under pyinstrument, its profile kept as text
    (`--profile DIR`): what dominates the time, for scenarios over their target."""
    assert run.profile is not None
    run.profile.mkdir(parents=True, exist_ok=True)
    if command.before is not None:
        command.before(repetition)
    argv = command.argv_for(repetition)
    output = run.profile / f"{scenario.name}.txt"
    run.timed([tool("pyinstrument"), "-r", "text", "-o", str(output), *argv], run.env, run.files)


def judge(target: Target, subject: Measure, outcome: Outcome) -> str:
    """ "meets" or what is over; "-" when the target is not a number."""
    over: list[str] = []
    checked = False
    if target.seconds is not None:
        checked = True
        if subject.median > target.seconds:
            over.append(f"{subject.median:.2f} s > {target.seconds:g} s")
    for label, limit in target.ratios:
        ratio = next((r for name, r in outcome.ratios.items() if name.startswith(label)), None)
        if ratio is not None:
            checked = True
            if ratio > limit:
                over.append(f"{ratio:.2f}× {label} > {limit:g}×")
    if target.peak_mb is not None:
        checked = True
        if max(subject.peak_mb) > target.peak_mb:
            over.append(f"{max(subject.peak_mb):.0f} MB > {target.peak_mb:g} MB")
    for label, value in outcome.derived.items():
        if label.startswith("s per film"):
            checked = True
            if value > 0.5:
                over.append(f"{value:.2f} {label} > 0.5")
    if not checked:
        return "-"
    return "meets" if not over else "over: " + "; ".join(over)


def run_scenarios(run: Run, names: Sequence[str] | None = None) -> list[Outcome]:
    chosen = [SCENARIOS[n] for n in names] if names else list(SCENARIOS.values())
    outcomes = []
    try:
        for item in chosen:
            run.log(f"scenario {item.name}...")
            outcomes.append(run_scenario(run, item))
    finally:
        run.timed.close()
    return outcomes


def machine(run: Run) -> dict[str, Any]:
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    return {
        "cpus": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "database": run.databases.version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "size": run.size,
        "seed": run.seed,
        "generated_seconds": run.generated,
    }


def markdown(outcomes: Sequence[Outcome], info: dict[str, Any]) -> str:
    spec = dataset.SIZES[info["size"]]
    lines = [
        f"Dataset `{info['size']}` (seed {info['seed']}: {spec.films} films, "
        f"{spec.companies:,} companies, {spec.meetings:,} meetings, "
        f"{spec.opportunities:,} opportunities, {spec.stage_changes:,} stage changes) "
        f"on {info['database']}; "
        f"{info['cpus']} CPUs, {info['memory']}, Python {info['python']}, "
        f"load average at start {info['load_average'][0]}.",
        "",
        "| scenario | median s | min s | max s | peak MB | peer or floor (median s, peak MB)"
        " | ratio | target | result |",
        "|---|---:|---:|---:|---:|---|---:|---|---|",
    ]
    for o in outcomes:
        if o.subject is None:
            state = "not available" if o.status == "unavailable" else "**failed**"
            lines.append(f"| {o.title} | | | | | | | {o.target} | {state} ({o.reason}) |")
            continue
        s = o.subject
        peers = "<br>".join(
            f"{p['label']} ({p['median_s']:.3f}, {p['peak_mb']:.0f})" for p in o.peers
        )
        ratios = "<br>".join(f"{r:.2f}×" for r in o.ratios.values())
        result = o.verdict
        for label, value in o.derived.items():
            result = f"{value:.3f} {label}; {result}"
        lines.append(
            f"| {o.title} | {s['median_s']:.3f} | {s['min_s']:.3f} | {s['max_s']:.3f} "
            f"| {s['peak_mb']:.0f} | {peers} | {ratios} | {o.target} | {result} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", metavar="URL", help="A PostgreSQL server to run on (default: SQLite files)."
    )
    parser.add_argument("--size", choices=list(dataset.SIZES), default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--only",
        action="append",
        choices=list(SCENARIOS),
        metavar="NAME",
        help=f"Run only this scenario (repeatable): {', '.join(SCENARIOS)}.",
    )
    parser.add_argument("--repeat", type=int, help="Runs per command (default: per scenario).")
    parser.add_argument("--json", type=Path, metavar="FILE", help="Also write the results here.")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="Also run each command once under pyinstrument; profiles go to DIR/NAME.txt.",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=DEFAULT_WORK,
        help="Folder for datasets and files (default: benchmarks/.data).",
    )
    args = parser.parse_args(argv)
    if args.db and not args.db.startswith(("postgresql://", "postgresql+psycopg://")):
        parser.error("--db takes a PostgreSQL URL; SQLite is the default")
    run = Run(
        size=args.size,
        seed=args.seed,
        db=args.db,
        work=args.work,
        repeat=args.repeat,
        profile=args.profile,
    )
    info = machine(run)
    outcomes = run_scenarios(run, args.only)
    info["generated_seconds"] = run.generated
    print(markdown(outcomes, info))
    if args.json:
        args.json.write_text(
            json.dumps({"machine": info, "scenarios": [asdict(o) for o in outcomes]}, indent=1)
        )
    return 1 if any(o.status == "failed" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())

"""A laptop dies mid-command: a process killed with SIGKILL in the middle of a 100k-row
import or of the demo load leaves the database exactly as it was before the command
(`db check` passes, every table row for row the same)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from roundup_crm.db import parse_url
from tests.conftest import Cli
from tests.dbstate import snapshot

ROOT = Path(__file__).resolve().parents[1]
ROWS = 100_000


@pytest.fixture(scope="session")
def buyer_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("buyers") / "buyers-100k.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "buyer_csv.py"), "--rows", str(ROWS),
         "-o", str(path)],
        check=True,
    )
    return path


def _start(url: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "roundup_crm", "--db", url, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ROUNDUP_AGENT": "laptop"},
    )


def _sqlite_writing(url: str, wal_bytes: int = 0) -> Callable[[], bool]:
    """True while another connection holds the write lock (its transaction is open) and,
    with `wal_bytes`, has already spilled that many bytes of uncommitted rows to the WAL."""
    path = url.removeprefix("sqlite:///")
    wal = Path(path + "-wal")

    def probe() -> bool:
        if wal_bytes and (not wal.exists() or wal.stat().st_size < wal_bytes):
            return False
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()

    return probe


def _postgres_writing(url: str) -> Callable[[], bool]:
    """True once another session has inserted into the buyer tables (uncommitted)."""
    engine = create_engine(parse_url(url), isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def probe() -> bool:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        "WHERE c.relname IN ('contacts', 'companies') "
                        "AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()"
                    )
                ).scalar()
            )

    return probe


def _postgres_idle(url: str, timeout: float = 60) -> None:
    """Wait until the server has noticed the dead client and rolled its work back."""
    engine = create_engine(parse_url(url), isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + timeout
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            others = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                )
            ).scalar()
            if not others:
                break
            time.sleep(0.1)
    engine.dispose()


def _kill_while_writing(
    proc: subprocess.Popen[bytes], writing: Callable[[], bool], after: float
) -> None:
    """SIGKILL `proc` `after` seconds into its write transaction; fail if it ended first."""
    deadline = time.monotonic() + 300
    while not writing():
        assert proc.poll() is None, f"exited ({proc.returncode}) before it started writing"
        assert time.monotonic() < deadline, "never started writing"
        time.sleep(0.02)
    time.sleep(after)
    assert proc.poll() is None, "finished before it could be killed: make the work larger"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


def _assert_untouched(cli: Cli, before: dict[str, tuple[int, str]]) -> None:
    assert "integrity ok" in cli("db", "check").stdout
    after = snapshot(cli.url)
    changed = {t: (before.get(t), after.get(t)) for t in after if before.get(t) != after.get(t)}
    assert changed == {}


def _nothing_left_running(marker: str, timeout: float = 15) -> None:
    """The killed command's helper process (forked.py, which shows the same command
    line) notices and ends too."""
    deadline = time.monotonic() + timeout
    while True:
        left = []
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline and int(entry.name) != os.getpid():
                left.append(entry.name)
        if not left:
            return
        assert time.monotonic() < deadline, f"still running after the kill: {left}"
        time.sleep(0.1)


@pytest.mark.slow
def test_killed_in_the_middle_of_a_100k_row_import_leaves_nothing(
    cli: Cli, buyer_list: Path
) -> None:
    cli("company", "add", "Splendid Film", "--country", "DE", "--type", "theatrical")
    before = snapshot(cli.url)
    # Killed once rows are going in (SQLite has spilled 1 MB of them to the WAL; PostgreSQL
    # holds the insert lock on the buyer tables) and long before the last of 100k is in:
    # the bulk inserts take well under a second, so the kill follows the probe at once.
    probe = (
        _sqlite_writing(cli.url, wal_bytes=1 << 20)
        if cli.url.startswith("sqlite")
        else _postgres_writing(cli.url)
    )
    proc = _start(cli.url, "import", "contacts", str(buyer_list))
    _kill_while_writing(proc, probe, after=0)
    _nothing_left_running(str(buyer_list))
    if not cli.url.startswith("sqlite"):
        _postgres_idle(cli.url)
    _assert_untouched(cli, before)


@pytest.mark.slow
def test_killed_during_the_demo_load_leaves_nothing(sqlite_cli: Cli) -> None:
    before = snapshot(sqlite_cli.url)
    probe = _sqlite_writing(sqlite_cli.url)
    killed = 0
    for after in (0.0, 0.1, 0.3):
        proc = _start(sqlite_cli.url, "demo")
        _kill_while_writing(proc, probe, after=after)
        killed += 1
        _assert_untouched(sqlite_cli, before)
    assert killed == 3
    proc = _start(sqlite_cli.url, "demo")
    assert proc.wait(timeout=600) == 0
    assert snapshot(sqlite_cli.url)["films"][0] > 0
    assert "integrity ok" in sqlite_cli("db", "check").stdout

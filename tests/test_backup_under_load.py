"""`db backup` while agents keep logging meetings, then `db restore` into a copy: the restored
database passes `db check` and equals the backup row for row; a backup of a quiet database
restores to exactly the source."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from roundup_crm.db import Database
from roundup_crm.models import FollowUp, Meeting, MeetingFilm
from tests import sales_builders as build
from tests.conftest import Cli
from tests.dbstate import snapshot

WORKER = Path(__file__).with_name("agents_at_work.py")


def _meetings(url: str) -> int:
    database = Database(url)
    with database.begin(readonly=True) as session:
        count = session.scalar(select(func.count()).select_from(Meeting)) or 0
    database.dispose()
    return count


def _whole_meetings(url: str) -> None:
    """Every meeting in the copy came with its films and follow-up: no torn transaction."""
    database = Database(url)
    with database.begin(readonly=True) as session:
        meetings = session.scalar(select(func.count()).select_from(Meeting))
        films = session.scalar(select(func.count()).select_from(MeetingFilm))
        tasks = session.scalar(select(func.count()).select_from(FollowUp))
    database.dispose()
    assert films == 2 * (meetings or 0) and tasks == meetings


@pytest.mark.slow
def test_backup_while_agents_write_restores_to_a_sound_equal_copy(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    database = Database(sqlite_cli.url)
    build.efm_world(database)
    database.dispose()
    writers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), sqlite_cli.url, f"agent{w}", str(w), "40", "0",
             str(tmp_path / f"agent-{w}.json")],
            stdout=subprocess.DEVNULL,
        )
        for w in range(2)
    ]
    while _meetings(sqlite_cli.url) < 10:
        time.sleep(0.05)
    backup = tmp_path / "backup.db"
    sqlite_cli("db", "backup", str(backup))
    assert all(w.poll() is None for w in writers), "the backup must be taken mid-writing"
    for w in writers:
        assert w.wait(timeout=900) == 0
    for n in range(2):
        assert json.loads((tmp_path / f"agent-{n}.json").read_text())["failures"] == []

    backup_url = f"sqlite:///{backup}"
    assert "integrity ok" in Cli(backup_url)("db", "check").stdout
    taken = _meetings(backup_url)
    assert 10 <= taken < _meetings(sqlite_cli.url) == 80
    _whole_meetings(backup_url)

    # Restore into a copy of the (since changed) source: it becomes the backup again.
    copy = tmp_path / "copy.db"
    shutil.copyfile(sqlite_cli.url.removeprefix("sqlite:///"), copy)
    copy_cli = Cli(f"sqlite:///{copy}")
    copy_cli("db", "restore", str(backup), "--yes")
    assert "integrity ok" in copy_cli("db", "check").stdout
    assert snapshot(copy_cli.url) == snapshot(backup_url)


def test_backup_of_a_quiet_database_restores_to_exactly_the_source(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    sqlite_cli("demo")
    source = snapshot(sqlite_cli.url)
    backup = tmp_path / "quiet.db"
    sqlite_cli("db", "backup", str(backup))
    target = Cli(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    target("db", "upgrade")
    target("company", "add", "Someone Else", "--type", "theatrical")
    target("db", "restore", str(backup), "--yes")
    assert "integrity ok" in target("db", "check").stdout
    assert snapshot(target.url) == source
    # A file that is not a backup is refused and the database stays as it was.
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    refused = target("db", "restore", str(junk), "--yes", expect=2)
    assert "not a roundup-crm database" in refused.stderr
    assert snapshot(target.url) == source

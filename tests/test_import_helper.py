"""Big buyer files are read and checked by a forked helper process (io/buyers.py,
forked.py) while the command matches and inserts: the same rows, the same messages and
the same database as when the command reads the file itself."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from roundup_crm import forked
from roundup_crm.config import usable_cores
from roundup_crm.db import Database
from roundup_crm.forked import can_fork, helper_wanted
from roundup_crm.io import buyers
from tests.conftest import fresh_process
from tests.test_import_buyers import counts, write_csv

HEADER = ["Company", "Country", "Territory", "Type", "Contact", "E-mail", "Phone"]


def buyer_rows(count: int) -> list[list[str]]:
    """A list as agents bring them: companies on several rows, Hangul, an empty row, a
    company known only by its territory with a national phone number."""
    rows = [HEADER]
    for n in range(count):
        company = n // 3
        rows.append(
            [
                f"Nordlicht Verleih {company} GmbH" if company % 2 else f"롯데 배급 {company}",
                "DE" if company % 2 else "Korea",
                "German-speaking Europe" if company % 5 == 0 else "",
                "svod" if company % 4 == 0 else "distributor",
                f"Agent {n}",
                f"agent.{n}@buyer{company}.example",
                f"+49 30 {1000000 + n}",
            ]
        )
    rows.append(["", "", "", "", "", "", ""])
    rows.append(["Wien Kino", "", "Austria", "theatrical", "Eva Huber", "", "01 5880 0"])
    return rows


def test_helper_imports_what_the_command_alone_imports(db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "buyers.csv", buyer_rows(300))
    alone = fresh_process(db_url, "import", "contacts", str(path), "--dry-run",
                          ROUNDUP_FILE_WORKER="0")  # fmt: skip
    helped = fresh_process(db_url, "import", "contacts", str(path), "--dry-run",
                           ROUNDUP_FILE_WORKER="1")  # fmt: skip
    assert alone.returncode == helped.returncode == 0, helped.stderr
    assert helped.stdout == alone.stdout
    assert "301 rows" in helped.stdout  # an empty row is not a row
    done = fresh_process(db_url, "import", "contacts", str(path), ROUNDUP_FILE_WORKER="1")
    assert done.returncode == 0, done.stderr
    assert counts(db_url)[:2] == (101, 301)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        # The territory (looked up by the helper in the database) gave the country, and
        # the country the national phone number's code.
        wien = conn.execute(
            text(
                "SELECT c.country, p.phone FROM companies c JOIN contacts p "
                "ON p.company_id = c.id WHERE c.name = 'Wien Kino'"
            )
        ).one()
        links = conn.scalar(text("SELECT count(*) FROM company_territories"))
        hangul = conn.scalar(text("SELECT count(*) FROM companies WHERE country = 'KR'"))
    engine.dispose()
    assert tuple(wien) == ("AT", "+43158800")
    assert links == 21  # companies 0, 5, ..., 95 buy for German-speaking Europe; Wien Kino
    assert hangul == 50
    again = fresh_process(db_url, "import", "contacts", str(path), ROUNDUP_FILE_WORKER="1")
    assert "Nothing new" in again.stdout
    assert counts(db_url)[:2] == (101, 301)


def test_bad_rows_found_by_the_helper_import_nothing(db_url: str, tmp_path: Path) -> None:
    rows = buyer_rows(30)
    rows[5][2] = "Atlantis"  # a territory the database does not know
    rows[9][5] = "agent@"
    path = write_csv(tmp_path / "bad.csv", rows)
    done = fresh_process(db_url, "import", "contacts", str(path), ROUNDUP_FILE_WORKER="1")
    assert done.returncode == 2
    assert "2 bad row(s), nothing was imported" in done.stderr
    assert "line 6, column 'Territory': invalid territory 'Atlantis'" in done.stderr
    assert "line 10, column 'E-mail': invalid email 'agent@'" in done.stderr
    assert counts(db_url) == (0, 0, 0)
    rejects = tmp_path / "rejects.csv"
    kept = fresh_process(db_url, "import", "contacts", str(path), "--skip-invalid",
                         str(rejects), ROUNDUP_FILE_WORKER="1")  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    assert "2 bad row(s) set aside" in kept.stdout
    saved = list(csv.reader(rejects.read_text(encoding="utf-8-sig").splitlines()))
    assert [r[0] for r in saved[1:]] == ["6", "10"]
    # The rows as in the file (a leading "+" is defused for spreadsheets, as always).
    assert saved[1][2:] == [*rows[5][:6], "'" + rows[5][6]]
    assert saved[2][2:] == [*rows[9][:6], "'" + rows[9][6]]


def test_errors_in_the_helper_reach_the_user(db_url: str, tmp_path: Path) -> None:
    missing = fresh_process(db_url, "import", "contacts", str(tmp_path / "none.csv"),
                            ROUNDUP_FILE_WORKER="1")  # fmt: skip
    assert missing.returncode == 2
    assert "no such file" in missing.stderr
    # A byte that is not UTF-8 far past the part read to detect the format: found by
    # the helper while the command is already importing.
    path = write_csv(tmp_path / "mixed.csv", buyer_rows(2000))
    data = path.read_bytes().replace(b"Agent 1900,", b"Agent \xe9 1900,")
    path.write_bytes(data)
    args = ("import", "contacts", str(path), "--encoding", "utf-8")
    done = fresh_process(db_url, *args, ROUNDUP_FILE_WORKER="1")
    alone = fresh_process(db_url, *args, ROUNDUP_FILE_WORKER="0")
    assert done.returncode == alone.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last == alone.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: invalid FILE 'mixed.csv': line ")
    assert last.endswith("is not utf-8 text: give the right --encoding")
    assert "Traceback" not in done.stderr
    assert counts(db_url) == (0, 0, 0)


def test_big_files_go_to_a_helper(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The choice itself, and the checked rows compared one by one."""
    monkeypatch.delenv(forked.FILE_SWITCH, raising=False)
    path = write_csv(tmp_path / "buyers.csv", buyer_rows(120))
    database = Database(sqlite_url)
    assert not helper_wanted(path, sqlite_url)  # small: not worth a process
    assert not helper_wanted(path, "sqlite://")  # in memory: not shareable
    monkeypatch.setattr(forked, "FILE_FROM_BYTES", 1)
    if usable_cores() < 2 or not can_fork(forked.FILE_SWITCH):
        pytest.skip("no second core here, or a thread is running: no helper may be forked")
    assert helper_wanted(path, sqlite_url)
    with buyers.open_buyer_file(path, kind="contacts") as rows, database.begin() as session:
        alone = list(rows.checked(session))
    with (
        buyers.open_buyer_file(path, kind="contacts", database_url=sqlite_url) as rows,
        database.begin() as session,
    ):
        assert isinstance(rows, buyers._HelperRows)
        helped = list(rows.checked(session))
    database.dispose()
    assert helped == alone and len(alone) == 121  # the empty row is never read
    monkeypatch.setenv(forked.FILE_SWITCH, "0")
    assert not helper_wanted(path, sqlite_url)


# -- import all: the export read by a helper (io/backup.py, SQLite only) ---------------


def test_import_all_through_the_helper_is_lossless(sqlite_url: str, tmp_path: Path) -> None:
    from tests.test_backup_merge_calendar import _filled, _tables

    _filled(sqlite_url)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert fresh_process(sqlite_url, "export", "-o", str(first)).returncode == 0
    target = f"sqlite:///{tmp_path / 'target.db'}"
    done = fresh_process(target, "import", "all", str(first), ROUNDUP_FILE_WORKER="1")
    assert done.returncode == 0, done.stderr
    assert fresh_process(target, "export", "-o", str(second)).returncode == 0
    assert _tables(first) == _tables(second)


def test_a_damaged_export_read_by_the_helper_writes_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    from tests.test_backup_merge_calendar import _filled

    _filled(sqlite_url)
    path = tmp_path / "export.json"
    assert fresh_process(sqlite_url, "export", "-o", str(path)).returncode == 0
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith('"contacts":')) + 1
    # A broken row in the middle of the file, and, in another copy, an unknown table.
    broken = tmp_path / "broken.json"
    broken.write_text("".join([*lines[:at], '["half a row",\n', *lines[at:]]), encoding="utf-8")
    renamed = tmp_path / "renamed.json"
    renamed.write_text("".join(lines).replace('"contacts":{', '"people":{'), encoding="utf-8")
    for damaged, said in ((broken, "unreadable row"), (renamed, "unknown table 'people'")):
        results = []
        for helper in ("1", "0"):
            target = f"sqlite:///{tmp_path / f'{damaged.stem}-{helper}.db'}"
            done = fresh_process(
                target, "import", "all", str(damaged), ROUNDUP_FILE_WORKER=helper
            )
            assert done.returncode == 2, done.stderr
            assert counts(target)[:2] == (0, 0)
            results.append(done.stderr.strip().splitlines()[-1])
        assert results[0] == results[1] and said in results[0], results


def test_export_written_by_the_helper_is_the_same_file(sqlite_url: str, tmp_path: Path) -> None:
    from tests.test_backup_merge_calendar import _filled

    _filled(sqlite_url)
    files = {}
    for helper in ("1", "0"):
        files[helper] = tmp_path / f"export-{helper}.json"
        done = fresh_process(sqlite_url, "export", "-o", str(files[helper]),
                             ROUNDUP_FILE_WORKER=helper)  # fmt: skip
        assert done.returncode == 0, done.stderr
    piped = fresh_process(sqlite_url, "export", ROUNDUP_FILE_WORKER="1")
    # The same bytes, the export time in the first line aside.
    texts = [f.read_text(encoding="utf-8") for f in files.values()] + [piped.stdout]
    assert len({t.split("\n", 1)[1] for t in texts}) == 1
    assert "범죄도시4" in texts[0]
    assert not list(tmp_path.glob("*.partial"))
    nowhere = fresh_process(sqlite_url, "export", "-o", str(tmp_path / "no" / "x.json"),
                            ROUNDUP_FILE_WORKER="1")  # fmt: skip
    assert nowhere.returncode == 2 and "no such folder" in nowhere.stderr

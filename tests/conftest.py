"""Fixtures: each test gets its own migrated database, on SQLite and on PostgreSQL.

A migrated, seeded template is made once per run (a SQLite file to copy; a PostgreSQL
template database to clone), so a test's fresh database costs milliseconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from roundup_crm import migrate
from roundup_crm.cli import main
from roundup_crm.db import Database

POSTGRES_URL = os.environ.get("ROUNDUP_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("ROUNDUP_REQUIRE_POSTGRES") == "1"
TEMPLATE_DB = "roundup_template"


def postgres_or_skip() -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    if REQUIRE_POSTGRES:
        pytest.fail("PostgreSQL is required here (CI) but ROUNDUP_TEST_POSTGRES_URL is not set")
    pytest.skip("no PostgreSQL server: run the suite with scripts/test.sh")


def _migrate(url: str) -> None:
    database = Database(url)
    try:
        migrate.upgrade(database)
    finally:
        database.dispose()


def _admin_engine(url: str) -> Any:
    return create_engine(
        make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the user's own data folder or database from a test."""
    folder = tmp_path / "data"
    monkeypatch.setenv("ROUNDUP_DATA_DIR", str(folder))
    monkeypatch.delenv("ROUNDUP_DATABASE_URL", raising=False)
    monkeypatch.setenv("ROUNDUP_AGENT", "tester")
    return folder


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> str:
    url = postgres_or_skip()
    admin = _admin_engine(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE_DB}"'))
    admin.dispose()
    template_url = make_url(url).set(database=TEMPLATE_DB).render_as_string(hide_password=False)
    _migrate(template_url)
    return url


def new_sqlite_url(template: Path, folder: Path) -> str:
    target = folder / f"roundup-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def new_postgres_url(server_url: str, name: str | None = None) -> str:
    name = name or f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    admin = _admin_engine(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database for one test."""
    return new_sqlite_url(sqlite_template, tmp_path)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test (dropped afterwards)."""
    server = request.getfixturevalue("postgres_template")
    url = new_postgres_url(server)
    yield url
    drop_postgres_database(server, url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh migrated database; tests using it run once per engine."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url, agent="tester")
    yield db
    db.dispose()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session in one transaction, committed when the test ends without error."""
    with database.begin() as s:
        yield s


class Cli:
    """Runs `roundup-crm` in-process against one database, as a given agent."""

    def __init__(self, url: str, agent: str = "tester") -> None:
        self.url = url
        self.agent = agent
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, expect: int | None = 0) -> Result:
        result = self.runner.invoke(
            main,
            ["--db", self.url, "--agent", self.agent, *args],
            input=input,
            catch_exceptions=False,
        )
        if expect is not None and result.exit_code != expect:
            raise AssertionError(
                f"roundup-crm {' '.join(args)} exited {result.exit_code}, expected {expect}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result


def fresh_process(db_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`roundup-crm` as a user runs it, in a new process: where a command may fork a
    helper (forked.py), which the in-process runner above never does."""
    return subprocess.run(
        [sys.executable, "-m", "roundup_crm", "--db", db_url, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def cli(db_url: str) -> Cli:
    return Cli(db_url)


@pytest.fixture
def sqlite_cli(sqlite_url: str) -> Cli:
    return Cli(sqlite_url)


CliFactory = Callable[..., Cli]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database (no tables at all) on each engine."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
        yield db
        db.dispose()
        return
    server = request.getfixturevalue("postgres_template")
    url = new_postgres_url(server)
    db = Database(url)
    # Start from nothing: drop what the template put there.
    migrate.downgrade(db, "base")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    yield db
    db.dispose()
    drop_postgres_database(server, url)

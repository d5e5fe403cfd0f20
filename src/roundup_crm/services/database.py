"""Database upkeep: integrity checks, online backups and restores."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from roundup_crm.db import Database
from roundup_crm.errors import CRMError, InvalidInput


def integrity_problems(db: Database) -> list[str]:
    """What the engine's own checks find wrong; empty when the database is sound."""
    problems: list[str] = []
    with db.engine.connect() as conn:
        if db.url.get_backend_name() == "sqlite":
            for (line,) in conn.exec_driver_sql("PRAGMA integrity_check"):
                if line != "ok":
                    problems.append(f"integrity: {line}")
            for row in conn.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(f"foreign key: table {row[0]} row {row[1]} -> {row[2]}")
        else:
            conn.execute(text("SELECT 1"))
    return problems


def backup(db: Database, destination: Path) -> Path:
    """Copy a SQLite database with the online backup API: safe while others write."""
    if db.url.get_backend_name() != "sqlite":
        raise CRMError(
            "db backup copies SQLite files; for PostgreSQL use `pg_dump` "
            "(or `roundup-crm export --format json`)"
        )
    destination = destination.expanduser()
    if destination.is_dir():
        destination = destination / "roundup-backup.db"
    if destination.exists():
        raise InvalidInput("PATH", str(destination), "already exists; choose a new file")
    if not destination.parent.is_dir():
        raise InvalidInput("PATH", str(destination), "its folder does not exist")
    source_path = db.url.database or ""
    source = sqlite3.connect(source_path)
    try:
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return destination


def restore(db: Database, source: Path) -> None:
    """Replace the SQLite database with a backup, after checking the backup is sound.

    The copy goes through the backup API into the live file, so other processes see
    either the old database or the restored one, never a half-written file.
    """
    if db.url.get_backend_name() != "sqlite":
        raise CRMError(
            "db restore replaces SQLite files; for PostgreSQL use `pg_restore` "
            "(or `roundup-crm import all` into an empty database)"
        )
    source = source.expanduser()
    if not source.is_file():
        raise InvalidInput("PATH", str(source), "no such file")
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        try:
            ok = backup_db.execute("PRAGMA integrity_check").fetchone()
            revision = backup_db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise InvalidInput("PATH", str(source), f"not a roundup-crm database ({exc})") from None
        if not ok or ok[0] != "ok":
            raise InvalidInput("PATH", str(source), f"fails the integrity check: {ok}")
        if revision is None:
            raise InvalidInput("PATH", str(source), "has no schema revision")
        target = sqlite3.connect(db.url.database or "", timeout=30)
        try:
            backup_db.backup(target)
        finally:
            target.close()
    finally:
        backup_db.close()

"""Migrations: one head, up from empty, down and up again, models equal to migrations."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from roundup_crm import migrate
from roundup_crm.db import SCHEMA_HEAD, Database
from roundup_crm.models import metadata
from tests.conftest import postgres_or_skip


def test_single_head_equals_the_code_constant() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1
    assert script.get_current_head() == SCHEMA_HEAD


def _tables(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def test_upgrade_from_empty_down_to_base_and_up_again(empty_database: Database) -> None:
    db = empty_database
    assert _tables(db) == set()
    migrate.upgrade(db)
    assert migrate.current(db) == SCHEMA_HEAD
    assert set(metadata.tables) <= _tables(db)
    migrate.check(db)  # models == migrations (alembic check) and revision at head

    migrate.downgrade(db, "base")
    assert _tables(db) <= {"alembic_version"}
    migrate.upgrade(db)
    assert migrate.current(db) == SCHEMA_HEAD
    migrate.check(db)


def test_every_revision_steps_down_and_up(empty_database: Database) -> None:
    db = empty_database
    script = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = list(reversed(list(script.walk_revisions())))
    for revision in revisions:
        migrate.upgrade(db, revision.revision)
        assert migrate.current(db) == revision.revision
    for revision in reversed(revisions):
        migrate.downgrade(db, revision.down_revision or "base")
    assert migrate.current(db) is None


@pytest.mark.postgres
def test_postgres_url_required_in_ci() -> None:
    """In CI the PostgreSQL run must happen: this fails there when it cannot."""
    assert postgres_or_skip().startswith("postgresql")

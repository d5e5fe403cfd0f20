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


def test_agents_starting_together_on_a_new_database_migrate_it_once(
    empty_database: Database,
) -> None:
    """Six agents' first commands on an empty team database, started at the same moment:
    one migrates and seeds it, the others wait and find it ready; every command succeeds
    and the reference data is there once."""
    import os
    import subprocess
    import sys

    from sqlalchemy import func, select

    from roundup_crm.models import Right, Territory
    from roundup_crm.services.reference import countries, rights, territory_groups

    url = empty_database.url.render_as_string(hide_password=False)
    command = [sys.executable, "-m", "roundup_crm", "--db", url]
    agents = [
        subprocess.Popen(
            [*command, "--agent", f"agent{n}", "territory", "list", "--format", "csv"],
            env=os.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    results = [(agent.wait(timeout=120), *agent.communicate()) for agent in agents]
    for code, _out, err in results:
        assert code == 0, err
    assert len({out for _code, out, _err in results}) == 1  # all saw the same list
    assert migrate.current(empty_database) == SCHEMA_HEAD
    with empty_database.begin(readonly=True) as session:
        territories = session.scalar(select(func.count()).select_from(Territory))
        codes = session.scalar(select(func.count(func.distinct(Territory.code))))
        assert territories == codes == len(countries()) + len(territory_groups())
        assert session.scalar(select(func.count()).select_from(Right)) == len(rights())

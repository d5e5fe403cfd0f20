"""A database filled at an old schema upgrades to head with every row intact.

The fixture (tests/fixtures/demo-at-<rev>.json) holds the demo's rows as they were at
that revision, with their own column types, so this test keeps working however the
models change later.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    Uuid,
    insert,
    select,
)

from roundup_crm import migrate
from roundup_crm.db import Database

FIXTURES = sorted(Path(__file__).with_name("fixtures").glob("demo-at-*.json"))

TYPES: dict[str, Any] = {
    "uuid": Uuid(),
    "datetime": DateTime(timezone=True),
    "date": Date(),
    "bool": Boolean(),
    "decimal": Numeric(18, 8),
    "int": Integer(),
    "json": JSON(),
    "text": Text(),
}


def _value(tag: str, raw: Any) -> Any:
    if raw is None:
        return None
    if tag == "uuid":
        return UUID(raw)
    if tag == "datetime":
        return datetime.fromisoformat(raw)
    if tag == "date":
        return date.fromisoformat(raw)
    if tag == "decimal":
        return Decimal(raw)
    return raw


def _tables(spec: dict[str, Any]) -> dict[str, Table]:
    meta = MetaData()
    return {
        name: Table(name, meta, *(Column(c, TYPES[t]) for c, t in table["columns"].items()))
        for name, table in spec["tables"].items()
    }


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_old_schema_with_data_upgrades_to_head_intact(
    fixture: Path, empty_database: Database
) -> None:
    spec = json.loads(fixture.read_text("utf-8"))
    db = empty_database
    migrate.upgrade(db, spec["revision"], seed=False)
    tables = _tables(spec)
    with db.engine.begin() as conn:
        if db.url.get_backend_name() == "sqlite":
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for name, table in spec["tables"].items():
            tags = list(table["columns"].values())
            names = list(table["columns"])
            rows = [
                {c: _value(t, v) for c, t, v in zip(names, tags, row, strict=True)}
                for row in table["rows"]
            ]
            if rows:
                conn.execute(insert(tables[name]), rows)

    migrate.upgrade(db)
    migrate.check(db)

    with db.engine.connect() as conn:
        for name, table in spec["tables"].items():
            stored = conn.execute(select(tables[name])).all()
            assert len(stored) == len(table["rows"]), name
            by_id = {str(row[0]): row for row in stored}
            names = list(table["columns"])
            if names[0] != "id":
                continue
            for raw in table["rows"][:50]:
                row = by_id[str(UUID(raw[0]))]
                for column, tag, value in zip(names, table["columns"].values(), raw, strict=True):
                    got = row._mapping[column]
                    expected = _value(tag, value)
                    if tag == "decimal" and got is not None:
                        got = Decimal(str(got)).normalize()
                        expected = expected.normalize()
                    if tag == "datetime" and got is not None and got.tzinfo is None:
                        got = got.replace(tzinfo=expected.tzinfo)
                    assert got == expected, (name, column)

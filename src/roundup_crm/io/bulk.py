"""Bulk inserts through SQLAlchemy Core with each column's type conversion done once per value.

An ordinary Core `insert(table)` runs every column's bind processor on every row, the
constant ones too (the import's timestamp, version 1), then builds a parameter dict per
row. Here SQLAlchemy compiles the INSERT once for the engine's dialect, constants are
converted once, the varying typed columns (ids, enums, JSON) per row, and the driver's
executemany gets ready tuples (or dicts, for a driver with named parameters).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Table, column, insert, table


class BulkInsert:
    """Insert many rows into one table, in batches, inside the connection's transaction."""

    def __init__(
        self, conn: Connection, target: Table, constants: Mapping[str, Any] | None = None
    ) -> None:
        self.conn = conn
        self.target = target
        processors: dict[str, Any] = {}
        for col in target.columns:
            processor = col.type._cached_bind_processor(conn.dialect)
            if processor is not None:
                processors[col.name] = processor
        self.constants = {
            name: processors[name](value) if name in processors else value
            for name, value in (constants or {}).items()
        }
        self.varying = [(n, p) for n, p in processors.items() if n not in self.constants]
        statement = insert(table(target.name, *(column(c.name) for c in target.columns)))
        compiled = statement.compile(dialect=conn.dialect)
        self.sql = str(compiled)
        self.order = list(compiled.positiontup or []) if compiled.positional else None
        self.count = 0

    def convert(self, row: dict[str, Any]) -> dict[str, Any]:
        for name, processor in self.varying:
            if name in row:
                row[name] = processor(row[name])
        row.update(self.constants)
        return row

    def write(self, rows: Iterable[dict[str, Any]]) -> int:
        batch: list[Any] = [self.convert(row) for row in rows]
        if not batch:
            return 0
        if self.order is not None:
            order = self.order
            batch = [tuple([row[name] for name in order]) for row in batch]
        self.conn.exec_driver_sql(self.sql, batch)
        self.count += len(batch)
        return len(batch)

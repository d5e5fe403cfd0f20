"""Bulk inserts through SQLAlchemy Core with each column's type conversion done once per value.

An ordinary Core `insert(table)` runs every column's bind processor on every row, the
constant ones too (the import's timestamp, version 1), then builds a parameter dict per
row. Here SQLAlchemy compiles the INSERT once for the engine's dialect, constants are
converted once, the varying typed columns (ids, enums, JSON) per row, and the driver's
executemany gets ready tuples (or dicts, for a driver with named parameters).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Connection, Table, column, insert, table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import AddConstraint, DropConstraint

# Page cache for a connection loading many rows into SQLite (its default is 2 MB).
SQLITE_CACHE_KIB = 128 * 1024


class BulkInsert:
    """Insert many rows into one table, in batches, inside the connection's transaction."""

    def __init__(
        self,
        conn: Connection,
        target: Table,
        constants: Mapping[str, Any] | None = None,
        *,
        columns: Sequence[str] | None = None,
    ) -> None:
        self.conn = conn
        self.target = target
        self.columns = list(columns) if columns is not None else [c.name for c in target.columns]
        processors: dict[str, Any] = {}
        for name in self.columns:
            processor = target.columns[name].type._cached_bind_processor(conn.dialect)
            if processor is not None:
                processors[name] = processor
        self.constants = {
            name: processors[name](value) if name in processors else value
            for name, value in (constants or {}).items()
        }
        self.varying = [(n, p) for n, p in processors.items() if n not in self.constants]
        # An empty JSON list (no tags, no genres) is most rows' value: encoded once.
        self.empty_list = {
            name: processor([])
            for name, processor in self.varying
            if isinstance(target.columns[name].type, JSON)
        }
        statement = insert(table(target.name, *(column(name) for name in self.columns)))
        compiled = statement.compile(dialect=conn.dialect)
        self.sql = str(compiled)
        self.order = list(compiled.positiontup or []) if compiled.positional else None
        # For positional drivers: where each constant goes, and which columns convert.
        varying = dict(self.varying)
        self._names = list(self.order or [])
        self._constant_slots = [
            (at, self.constants[name]) for at, name in enumerate(self._names)
            if name in self.constants
        ]  # fmt: skip
        self._typed_slots = [
            (at, varying[name])
            for at, name in enumerate(self._names)
            if name in varying and name not in self.empty_list
        ]
        self._list_slots = [
            (at, varying[name], self.empty_list[name])
            for at, name in enumerate(self._names)
            if name in self.empty_list
        ]
        self.count = 0

    def convert(self, row: dict[str, Any]) -> dict[str, Any]:
        empty_list = self.empty_list
        for name, processor in self.varying:
            if name in row:
                value = row[name]
                if value == [] and name in empty_list:
                    row[name] = empty_list[name]
                else:
                    row[name] = processor(value)
        row.update(self.constants)
        return row

    def write(self, rows: Iterable[dict[str, Any]]) -> int:
        if self.order is None:  # a driver with named parameters takes the dicts
            batch: list[Any] = [self.convert(row) for row in rows]
        else:
            batch = [self._values(row) for row in rows]
        if not batch:
            return 0
        self.conn.exec_driver_sql(self.sql, batch)
        self.count += len(batch)
        return len(batch)

    def _values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        """One row as the driver's positional tuple: read in one go, then the constants
        put in and the typed columns converted (ids, enums, JSON)."""
        values = list(map(row.get, self._names))
        for at, constant in self._constant_slots:
            values[at] = constant
        for at, processor in self._typed_slots:
            values[at] = processor(values[at])
        for at, processor, empty in self._list_slots:
            value = values[at]
            values[at] = empty if value == [] else processor(value)
        return tuple(values)

    def write_ready(self, rows: Sequence[Sequence[Any]]) -> int:
        """Rows already in the driver's terms, values in `columns` order, no constants.

        On PostgreSQL they go through COPY, in the same transaction: for a whole table's
        worth of rows (what `import all` loads) it is cheaper than INSERT statements."""
        if not rows:
            return 0
        if self.conn.dialect.name == "postgresql":
            self._copy(rows)
            self.count += len(rows)
            return len(rows)
        if self.order is None:
            names = self.columns
            self.conn.exec_driver_sql(self.sql, [dict(zip(names, r, strict=True)) for r in rows])
        elif self.order == self.columns:
            self.conn.exec_driver_sql(self.sql, list(map(tuple, rows)))
        else:
            at = [self.columns.index(name) for name in self.order]
            self.conn.exec_driver_sql(self.sql, [tuple([r[i] for i in at]) for r in rows])
        self.count += len(rows)
        return len(rows)

    def _copy(self, rows: Sequence[Sequence[Any]]) -> None:
        quote = self.conn.dialect.identifier_preparer.quote
        sql = (
            f"COPY {quote(self.target.name)} ({', '.join(quote(c) for c in self.columns)}) "
            "FROM STDIN"
        )
        raw: Any = self.conn.connection.dbapi_connection  # a psycopg connection
        import psycopg

        try:
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as exc:
            # Raised as SQLAlchemy raises the driver's errors everywhere else.
            raise DBAPIError.instance(sql, None, exc, psycopg.Error) from None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while rows stream through by the hundred thousand.

    Each row leaves a few containers alive (pending rows, match keys), and the collector
    walks every live container again and again as they pile up: a third of a 100k-row
    import's time, and most of the time unpickling checked rows from the reader process
    (forked.py). A bulk load makes next to no reference cycles; what it makes is
    collected when the collector is back on.
    """
    import gc

    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextmanager
def indexes_built_after(conn: Connection, target: Table) -> Iterator[None]:
    """Load an empty table without its secondary indexes, then build them in one go.

    Sorting once is far cheaper than updating each index row by row (PostgreSQL's
    "Populating a Database" advice, and SQLite's too). Only for a table that was empty:
    the indexes are dropped and rebuilt inside the caller's transaction, so a failure
    leaves them as they were. Unique indexes stay, since they guard the data.
    """
    indexes = [index for index in target.indexes if not index.unique]
    for index in indexes:
        index.drop(conn)
    # PostgreSQL checks a foreign key with a trigger per row loaded; adding the
    # constraint back afterwards checks every row in one join (the same chapter of its
    # manual advises both). SQLite cannot drop a constraint, and checks it cheaply.
    foreign_keys = (
        [fk for fk in target.foreign_key_constraints if fk.name]
        if conn.dialect.name == "postgresql"
        else []
    )
    for fk in foreign_keys:
        conn.execute(DropConstraint(fk))
    yield
    for index in indexes:
        index.create(conn)
    for fk in foreign_keys:
        conn.execute(AddConstraint(fk))

"""Full JSON exports and their restore: moving a team's data between machines and engines.

The export is one JSON document, streamed table by table in foreign-key order with one
row per line, so a million stage changes are written and read back without holding
them in memory. Every value is kept as the database holds it: ids, timestamps (UTC,
microseconds), versions, money as decimal strings, text as it is (Hangul unescaped).
Importing it into an empty database gives back the same rows, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Select,
    String,
    Table,
    Text,
    Uuid,
    cast,
    func,
    select,
    type_coerce,
    update,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from roundup_crm.db import SCHEMA_HEAD, database_says, parse_url
from roundup_crm.errors import CRMError, InvalidInput
from roundup_crm.forked import FILE_SWITCH, Helper, Pipe, can_fork, helper_wanted
from roundup_crm.io.bulk import (
    SQLITE_CACHE_KIB,
    BulkInsert,
    collector_paused,
    indexes_built_after,
)
from roundup_crm.models import metadata
from roundup_crm.models.base import Money, UTCDateTime

FORMAT = "roundup-crm export"
FORMAT_VERSION = 1
BATCH_ROWS = 5_000

# What `--only` accepts: each name stands for a record and the tables that belong to it.
GROUPS: dict[str, tuple[str, ...]] = {
    "agents": ("agents",),
    "territories": ("territories", "territory_members", "rights"),
    "films": (
        "films",
        "credits",
        "festival_entries",
        "press_quotes",
        "box_office",
        "film_assets",
    ),
    "companies": ("companies", "company_territories"),
    "contacts": ("contacts",),
    "markets": ("markets", "screenings", "invitations"),
    "meetings": ("meetings", "meeting_films", "meeting_contacts"),
    "opportunities": (
        "opportunities",
        "opportunity_territories",
        "opportunity_rights",
        "stage_changes",
        "offers",
    ),
    "deals": ("deals", "deal_territories", "deal_rights", "instalments"),
    "followups": ("followups",),
    "exchange-rates": ("exchange_rates",),
    "audit": ("audit_log",),
}
# Seeded by every migration; an import replaces them with the exported ones (same ids).
REFERENCE_TABLES = ("territory_members", "territories", "rights")


def tables_for(only: list[str] | None) -> list[Table]:
    """The tables to export, parents before children."""
    if not only:
        return list(metadata.sorted_tables)
    wanted: set[str] = set()
    for name in only:
        key = name.strip().lower()
        if key not in GROUPS:
            raise InvalidInput("--only", name, f"not one of {', '.join(GROUPS)}")
        wanted.update(GROUPS[key])
    return [t for t in metadata.sorted_tables if t.name in wanted]


# --- export -------------------------------------------------------------------------


def _to_json(table: Table, dialect: Any) -> tuple[Select[Any], list[Callable[[Any], Any]]]:
    """The query reading a table for export, and per column how a value it returns
    becomes its JSON form.

    The JSON form is the same whatever the engine: ids with dashes, timestamps in UTC
    with microseconds, decimals as strings. On SQLite the values come raw (its stored
    text for ids and times is nearly that form, reshaped directly); on PostgreSQL the
    server writes ids, amounts, times and dates in that form itself, so the rows need
    no Python objects for them.
    """
    if dialect.name == "sqlite":
        # Untyped columns: SQLite's stored text, reshaped once by the converters.
        raw = sa_table(table.name, *(sa_column(c.name) for c in table.columns))
        query = select(raw).order_by(*(raw.c[c.name] for c in table.primary_key.columns))
        return query, [_sqlite_to_json(column.type, dialect) for column in table.columns]
    query = select(*(_as_json_text(column) for column in table.columns)).order_by(
        *table.primary_key.columns
    )
    return query, [_same] * len(table.columns)


def _as_json_text(column: Column[Any]) -> Any:
    """A column as PostgreSQL gives it to the export: typed values in their JSON text."""
    kind = column.type
    if isinstance(kind, Uuid | Money):
        return cast(column, Text).label(column.name)
    if isinstance(kind, UTCDateTime):
        utc = func.timezone("UTC", column)
        return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"').label(column.name)
    if isinstance(kind, Date):
        return func.to_char(column, "YYYY-MM-DD").label(column.name)
    if isinstance(kind, SAEnum):
        return type_coerce(column, String).label(column.name)  # stored as its value
    return column


def _sqlite_to_json(kind: Any, dialect: Any) -> Callable[[Any], Any]:
    if isinstance(kind, Uuid):
        return _sqlite_id
    if isinstance(kind, UTCDateTime):
        return _sqlite_moment
    last: Callable[[Any], Any]
    if isinstance(kind, Money):
        last = _text
    elif isinstance(kind, Date):
        last = _day
    elif isinstance(kind, SAEnum):
        last = _member
    else:
        last = _same
    processor = kind._cached_result_processor(dialect, None)
    return _then(processor, last) if processor is not None else last


def _sqlite_id(value: str | None) -> str | None:
    if value is None:
        return None
    v = value
    return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"


def _sqlite_moment(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) == 19:
        value += ".000000"
    return f"{value[:10]}T{value[11:]}+00:00"


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Any) -> Any:
    return None if value is None else str(value)


def _member(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _same(value: Any) -> Any:
    return value


def _then(first: Callable[[Any], Any], second: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: second(first(value))


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _dumps(value: Any) -> str:
    return _encode(value)


def export_json(
    session: Session, out: ExportSink, *, only: list[str] | None = None
) -> dict[str, int]:
    """Read the database (or the `only` groups) into `out`; returns rows per table."""
    tables = tables_for(only)
    head = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "schema": SCHEMA_HEAD,
        "exported_at": datetime.now(UTC).isoformat(),
        "only": sorted(only) if only else None,
    }
    out.send(("head", head))
    counts: dict[str, int] = {}
    conn = session.connection()
    for table in tables:
        out.send(("table", table.name))
        query, _converters = _to_json(table, conn.dialect)
        result = conn.execution_options(yield_per=BATCH_ROWS).execute(query)
        count = 0
        for batch in result.partitions():
            out.send(("rows", batch))
            count += len(batch)
        out.send(("end",))
        counts[table.name] = count
    out.send(("done",))
    return counts


class ExportSink(Protocol):
    """Where `export_json` sends what it reads: ("head", header), then per table
    ("table", name), ("rows", rows)..., ("end",), and last ("done",)."""

    def send(self, event: tuple[Any, ...]) -> None: ...


class JsonWriter:
    """Writes the export file from those events: each batch converted column by column
    (map), each row encoded by one shared encoder, rows joined into one write."""

    def __init__(self, out: IO[str], dialect: Any) -> None:
        self.out = out
        self.dialect = dialect
        self.tables = 0
        self.count = 0
        self.converters: list[Callable[[Any], Any]] = []

    def send(self, event: tuple[Any, ...]) -> None:
        kind = event[0]
        out = self.out
        if kind == "rows":
            batch = event[1]
            columns_of_batch = [
                values if convert is _same else list(map(convert, values))
                for convert, values in zip(self.converters, zip(*batch, strict=True), strict=True)
            ]
            lines = ",\n".join(map(_encode, zip(*columns_of_batch, strict=True)))
            out.write(lines if self.count == 0 else ",\n" + lines)
            self.count += len(batch)
        elif kind == "table":
            table = metadata.tables[event[1]]
            columns = [c.name for c in table.columns]
            out.write((",\n" if self.tables else "") + _dumps(table.name))
            out.write(f':{{"columns":{_dumps(columns)},"rows":[\n')
            self.converters = _to_json(table, self.dialect)[1]
            self.tables += 1
            self.count = 0
        elif kind == "end":
            out.write(("\n" if self.count else "") + "]}")
        elif kind == "head":
            out.write(_dumps(event[1])[:-1] + ',"tables":{\n')
        elif kind == "done":
            out.write(("\n" if self.tables else "") + "}}\n")


@contextmanager
def export_sink(path: Path, *, database_url: str) -> Iterator[ExportSink]:
    """The export written to `path`.

    From SQLite, reading the rows costs about two thirds of turning them into JSON
    text; the text is therefore made and written by a helper process on a second core
    (forked.py) while this one reads. Enter this before the command opens the
    database: a fork must not inherit a connection. From PostgreSQL the server
    already writes most values as JSON text, and where no helper may be forked, this
    process writes the file, with the same result."""
    if parse_url(database_url).get_backend_name() == "sqlite" and can_fork(FILE_SWITCH):
        helper = Helper(_write_in_helper, (path, database_url), name="export writer")
        sink = _HelperSink(helper)
        try:
            yield sink
        except BaseException:
            helper.close(wait=False)
            raise
        helper.close(wait=True)
        return
    from roundup_crm.db import make_engine

    engine = make_engine(database_url)  # for its dialect: no connection is opened
    try:
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            yield JsonWriter(handle, engine.dialect)
    finally:
        engine.dispose()


class _HelperSink:
    def __init__(self, helper: Helper) -> None:
        self._helper = helper

    def send(self, event: tuple[Any, ...]) -> None:
        if event[0] == "rows":
            event = ("rows", [tuple(row) for row in event[1]])
        self._helper.send(event)
        if event[0] == "done":
            self._helper.receive()  # written and closed, or the helper's error


def _write_in_helper(pipe: Pipe, path: Path, database_url: str) -> None:
    from roundup_crm.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect():  # the dialect learns what the database supports
            pass
        with collector_paused(), path.open("w", encoding="utf-8", newline="\n") as handle:
            writer = JsonWriter(handle, engine.dialect)
            while True:
                event = pipe.recv()
                writer.send(event)
                if event[0] == "done":
                    break
        pipe.send(("ok", None))
    finally:
        engine.dispose()


# --- import -------------------------------------------------------------------------


class Section:
    """One table's rows as they stream out of the file."""

    def __init__(self, name: str, columns: list[str], rows: Iterator[list[Any]]) -> None:
        self.name = name
        self.columns = columns
        self.rows = rows


_TABLE_LINE = re.compile(r'^("(?:[^"\\]|\\.)*"):\{"columns":(\[.*\]),"rows":\[$')


def read_export(handle: IO[str], name: str) -> tuple[dict[str, Any], Iterator[Section]]:
    """The export's header and its tables, read line by line as `export_json` writes them.

    A file in any other JSON layout (pretty-printed by hand, say) is read whole instead.
    """
    first = handle.readline()
    marker = ',"tables":{'
    if not first.rstrip("\n").endswith(marker):
        handle.seek(0)
        return _read_whole(handle, name)
    try:
        head = json.loads(first.rstrip("\n")[: -len(marker)] + "}")
    except json.JSONDecodeError:
        raise InvalidInput("FILE", name, "not a roundup-crm JSON export") from None
    _check_head(head, name)

    def sections() -> Iterator[Section]:
        while True:
            line = handle.readline().rstrip("\n")
            if line in ("}}", ""):
                return
            match = _TABLE_LINE.match(line)
            if match is None:
                raise InvalidInput("FILE", name, f"unexpected line {line[:60]!r}")
            section = Section(json.loads(match.group(1)), json.loads(match.group(2)), iter(()))
            section.rows = _rows(handle, name)
            yield section
            for _ in section.rows:  # a caller that skipped a table: move past it
                pass

    return head, sections()


def _rows(handle: IO[str], name: str) -> Iterator[list[Any]]:
    """A table's rows, one JSON array per line, decoded a few thousand lines at a time:
    one `json.loads` of many rows costs a fraction of as many calls of one row each."""
    chunk: list[str] = []
    for line in handle:
        if line.startswith("]}"):
            yield from _decode(chunk, name)
            return
        chunk.append(line.rstrip("\n").removesuffix(","))
        if len(chunk) >= BATCH_ROWS:
            yield from _decode(chunk, name)
            chunk = []
    raise InvalidInput("FILE", name, "ends in the middle of a table: the export is incomplete")


def _decode(lines: list[str], name: str) -> list[list[Any]]:
    if not lines:
        return []
    try:
        rows = json.loads(f"[{','.join(lines)}]")
    except json.JSONDecodeError:
        rows = None
    if not isinstance(rows, list) or len(rows) != len(lines):
        for text in lines:  # find the line to name
            try:
                json.loads(text)
            except json.JSONDecodeError:
                raise InvalidInput("FILE", name, f"unreadable row {text[:60]!r}") from None
        raise InvalidInput("FILE", name, f"unreadable rows near {lines[0][:60]!r}")
    return rows


def _read_whole(handle: IO[str], name: str) -> tuple[dict[str, Any], Iterator[Section]]:
    try:
        document = json.load(handle)
    except json.JSONDecodeError as exc:
        raise InvalidInput("FILE", name, f"not JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
        raise InvalidInput("FILE", name, "not a roundup-crm JSON export")
    tables = document.pop("tables")
    _check_head(document, name)
    sections = (
        Section(table, body["columns"], iter(body["rows"])) for table, body in tables.items()
    )
    return document, sections


def _check_head(head: dict[str, Any], name: str) -> None:
    if head.get("format") != FORMAT:
        raise InvalidInput("FILE", name, "not a roundup-crm JSON export")
    if head.get("version") != FORMAT_VERSION:
        raise InvalidInput("FILE", name, f"export format {head.get('version')} is not supported")
    if head.get("schema") != SCHEMA_HEAD:
        raise InvalidInput(
            "FILE",
            name,
            f"exported at schema {head.get('schema')}, this database is at {SCHEMA_HEAD}: "
            "import it with the roundup-crm version that wrote it, then upgrade",
        )


def _from_json(table: Table, columns: list[str], dialect: Any) -> list[Callable[[Any], Any] | None]:
    """Per column of the file, how a JSON value becomes what the driver stores.

    On SQLite the JSON forms of ids and UTC times are reshaped into the stored text
    directly. On PostgreSQL, where rows go through COPY as text, they are passed on as
    they are (the server parses and checks them); other values go through the column
    type's own conversion.
    """
    sqlite = dialect.name == "sqlite"

    def sqlite_id(value: str | None) -> str | None:
        return None if value is None else value.replace("-", "")

    def sqlite_moment(value: str | None) -> str | None:
        if value is None:
            return None
        if value.endswith("+00:00") and len(value) == 32:
            return f"{value[:10]} {value[11:26]}"
        return moment_bind(datetime.fromisoformat(value))

    def copy_moment(value: str | None) -> str | datetime | None:
        # What the export writes (UTC, "+00:00") goes as text; anything else is read
        # and checked like any other time.
        if value is None or (value.endswith("+00:00") and len(value) in (25, 32)):
            return value
        return moment_bind(datetime.fromisoformat(value))

    def day(value: str | None) -> date | None:
        return None if value is None else date.fromisoformat(value)

    def amount(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    moment_bind = UTCDateTime()._cached_bind_processor(dialect) or _same
    converters: list[Callable[[Any], Any] | None] = []
    for name in columns:
        kind = table.columns[name].type
        if sqlite and isinstance(kind, Uuid):
            converters.append(sqlite_id)
            continue
        if sqlite and isinstance(kind, UTCDateTime):
            converters.append(sqlite_moment)
            continue
        # PostgreSQL from here on: ids and UTC times go to COPY as text.
        if isinstance(kind, Uuid):
            converters.append(None)
            continue
        if isinstance(kind, UTCDateTime):
            converters.append(copy_moment)
            continue
        first: Callable[[Any], Any] | None
        if isinstance(kind, Money):
            first = amount
        elif isinstance(kind, Date):
            first = day
        else:
            first = None
        processor = kind._cached_bind_processor(dialect)
        if first is not None and processor is not None:
            converters.append(_then(first, processor))
        else:
            converters.append(first or processor)
    return converters


def user_tables_with_rows(conn: Connection) -> list[str]:
    """Tables other than the seeded reference data that hold anything."""
    busy = []
    for table in metadata.sorted_tables:
        if table.name in REFERENCE_TABLES:
            continue
        if conn.execute(
            select(func.count()).select_from(select(table).limit(1).subquery())
        ).scalar():
            busy.append(table.name)
    return busy


def import_json(
    session: Session, export: ExportFile, *, track: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Load an export into an empty database; returns rows per table."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        # Room for the index pages of a million-row table (the default is 2 MB).
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    busy = user_tables_with_rows(conn)
    if busy:
        raise CRMError(
            f"import all needs an empty database, and this one has {', '.join(busy[:5])}"
            f"{' and more' if len(busy) > 5 else ''}: create a new one "
            "(--db sqlite:///new.db, or an empty PostgreSQL database) and import there"
        )
    counts: dict[str, int] = {}
    with collector_paused():
        events = export.events(conn)
        for event in events:
            _kind, name, columns = event
            table = metadata.tables[name]
            if name in REFERENCE_TABLES:
                _clear_reference(conn, name)
            try:
                with indexes_built_after(conn, table):
                    counts[name] = _load(conn, table, columns, _section(events), track)
            except DBAPIError as exc:  # a damaged file: a dangling reference, a bad id...
                raise InvalidInput(
                    "FILE", export.name, f"table {name} does not load: {database_says(exc)}"
                ) from None
    return counts


# -- reading the file, here or in a helper process -----------------------------------
#
# The file is read as a stream of events: ("table", name, columns), then ("rows", rows
# ready for the driver, self-references to set afterwards) per batch, then ("end",).


class ExportFile(Protocol):
    """An export opened for `import_json`."""

    name: str

    def events(self, conn: Connection) -> Iterator[tuple[Any, ...]]:
        """The file's tables and rows, converted for `conn`'s database."""
        ...


@contextmanager
def open_export(path: Path, *, database_url: str | None = None) -> Iterator[ExportFile]:
    """Open an export for `import_json`.

    Into SQLite, reading, decoding and converting the rows takes about half as long as
    inserting them; a big file is therefore read by a helper process on a second core
    (forked.py) while this one inserts. Enter this before the command opens the
    database: a fork must not inherit a connection. Into PostgreSQL the server already
    inserts on another core (no gain was measured with a helper), and where no helper
    may be forked, the rows are read here, with the same code and result."""
    if (
        database_url is not None
        and parse_url(database_url).get_backend_name() == "sqlite"
        and helper_wanted(path, database_url)
    ):
        helper = Helper(_read_in_helper, (path, database_url), name="export reader")
        reader = _HelperExport(path.name, helper)
        try:
            yield reader
        except BaseException:
            helper.close(wait=False)
            raise
        helper.close(wait=helper.finished)
        return
    yield _LocalExport(path)


class _LocalExport:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name

    def events(self, conn: Connection) -> Iterator[tuple[Any, ...]]:
        return _prepared(self.path, conn.dialect)


class _HelperExport:
    def __init__(self, name: str, helper: Helper) -> None:
        self.name = name
        self._helper = helper

    def events(self, conn: Connection) -> Iterator[tuple[Any, ...]]:
        # The helper waits for the go: the database is ready (migrated) only now.
        return self._helper.stream()


def _read_in_helper(pipe: Pipe, path: Path, database_url: str) -> None:
    from roundup_crm.db import make_engine

    if pipe.recv() != "go":
        return
    engine = make_engine(database_url)
    try:
        with engine.connect():  # the dialect learns what the server supports
            pass
        with collector_paused():
            for event in _prepared(path, engine.dialect):
                pipe.send(("ok", event))
        pipe.send(("ok", None))
    finally:
        engine.dispose()


def _prepared(path: Path, dialect: Any) -> Iterator[tuple[Any, ...]]:
    """The events of one export file, values converted for `dialect`."""
    with path.open("r", encoding="utf-8") as handle:
        _head, sections = read_export(handle, path.name)
        for section in sections:
            table = metadata.tables.get(section.name)
            if table is None:
                raise InvalidInput("FILE", path.name, f"has an unknown table {section.name!r}")
            missing = {c.name for c in table.columns} - set(section.columns)
            extra = set(section.columns) - {c.name for c in table.columns}
            if missing or extra:
                raise InvalidInput(
                    "FILE",
                    path.name,
                    f"table {section.name} columns differ from this version "
                    f"(missing {sorted(missing)}, unknown {sorted(extra)})",
                )
            yield ("table", section.name, section.columns)
            converters = _from_json(table, section.columns, dialect)
            active = [(i, c) for i, c in enumerate(converters) if c is not None]
            # A row pointing at another row of its own table (a company merged into
            # another) is inserted without the link, which is set once every row is in.
            self_refs = [
                section.columns.index(fk.parent.name)
                for fk in table.foreign_keys
                if fk.column.table is table
            ]
            id_at = section.columns.index("id") if self_refs else -1
            batch: list[list[Any]] = []
            for values in section.rows:
                batch.append(values)
                if len(batch) >= BATCH_ROWS:
                    later: list[tuple[str, Any, Any]] = []
                    ready = _converted(batch, active, self_refs, id_at, section, later)
                    yield ("rows", ready, later)
                    batch = []
            if batch:
                later = []
                yield ("rows", _converted(batch, active, self_refs, id_at, section, later), later)
            yield ("end",)


def _section(events: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, Any]]:
    """One table's batches: the events up to its end."""
    for event in events:
        if event[0] == "end":
            return
        yield event[1], event[2]


def _clear_reference(conn: Connection, name: str) -> None:
    """Drop the seeded copy of a reference table before loading the exported one."""
    order = list(REFERENCE_TABLES)
    for table_name in order[: order.index(name) + 1]:
        conn.execute(metadata.tables[table_name].delete())


def _load(
    conn: Connection,
    table: Table,
    columns: list[str],
    batches: Iterator[tuple[Any, Any]],
    track: Callable[[str, int], None] | None,
) -> int:
    bulk = BulkInsert(conn, table, columns=columns)
    links: list[tuple[str, Any, Any]] = []
    for rows, later in batches:
        bulk.write_ready(rows)
        links.extend(later)
        if track is not None:
            track(table.name, bulk.count)
    for column_name, row_id, target in links:
        conn.execute(
            update(table)
            .where(table.c.id == uuid.UUID(row_id))
            .values({column_name: uuid.UUID(target)})
        )
    return bulk.count


def _converted(
    batch: list[list[Any]],
    active: list[tuple[int, Callable[[Any], Any]]],
    self_refs: list[int],
    id_at: int,
    section: Section,
    later: list[tuple[str, Any, Any]],
) -> list[tuple[Any, ...]]:
    """A batch converted column by column (`map` over a column instead of a Python loop
    over every cell), rows handed back in the file's column order."""
    if not batch:
        return []
    width = len(section.columns)
    if any(len(row) != width for row in batch):
        bad = next(row for row in batch if len(row) != width)
        raise InvalidInput(
            "FILE",
            f"table {section.name}",
            f"a row has {len(bad)} values for {width} columns: {str(bad)[:60]}",
        )
    columns = [list(column) for column in zip(*batch, strict=True)]
    for index in self_refs:
        targets = columns[index]
        later.extend(
            (section.columns[index], row_id, target)
            for row_id, target in zip(columns[id_at], targets, strict=True)
            if target is not None
        )
        columns[index] = [None] * len(targets)
    for index, convert in active:
        columns[index] = list(map(convert, columns[index]))
    return list(zip(*columns, strict=True))

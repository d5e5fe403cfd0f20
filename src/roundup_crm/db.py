"""Engines, sessions and the audit hook: how every command reaches its database."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from roundup_crm.errors import (
    ConfigError,
    DatabaseBusy,
    DatabaseUnavailable,
    InvalidInput,
    SavedMeanwhile,
    SchemaOutdated,
    StaleEdit,
)
from roundup_crm.models import Agent, AuditAction, AuditEntry, Base, Record

# The newest Alembic revision this code expects. tests/test_migrations.py keeps it equal
# to the head of migrations/versions, so checking it needs no Alembic import.
SCHEMA_HEAD = "0001"

SQLITE_BUSY_TIMEOUT_MS = 30_000


def parse_url(raw: str) -> URL:
    """Validate a database URL; `postgresql://` means psycopg 3, the driver we ship."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(f"invalid database URL {raw!r}: {exc}") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"invalid database URL {raw!r}: only sqlite:/// and postgresql:// are supported"
        )
    return url


def display_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _json_text(value: Any) -> str:
    # Lists of titles and tags keep their Hangul and accents as typed, so text search
    # (services/search.py) can match them inside the stored JSON.
    return json.dumps(value, ensure_ascii=False)


def make_engine(raw_url: str | URL, **kwargs: Any) -> Engine:
    url = raw_url if isinstance(raw_url, URL) else parse_url(raw_url)
    kwargs.setdefault("json_serializer", _json_text)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    try:
        return create_engine(url, pool_pre_ping=False, **kwargs)
    except (NoSuchModuleError, ArgumentError) as exc:
        raise ConfigError(f"invalid database URL {display_url(url)!r}: {exc}") from None


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see "begin").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two agents writing at once wait on
        # the busy timeout instead of failing with "database is locked" mid-transaction.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def reading(engine: Engine) -> Engine:
    """The engine as read-only commands use it. SQLite: no write lock (BEGIN DEFERRED), so
    reading never queues behind other agents' writes. PostgreSQL: one snapshot for the
    whole transaction (REPEATABLE READ), so the queries of a report agree with each other
    even while others write. Not a read-only transaction there: reports fill temporary
    tables."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ")
    return engine.execution_options(sqlite_begin="DEFERRED")


def in_memory(url: URL) -> bool:
    database = url.database or ""
    in_uri = "mode=memory" in database or url.query.get("mode") == "memory"
    return database in ("", ":memory:") or in_uri


_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+")


@contextmanager
def snapshot_twin(session: Session) -> Iterator[Session | None]:
    """A second session, on its own connection, that reads exactly what `session` reads:
    for reading one report in two threads at once. None when the database cannot give one
    (in-memory SQLite lives in a single connection).

    PostgreSQL: the twin imports the snapshot `session` exports (both REPEATABLE READ).
    SQLite (WAL): both read transactions start while a third connection holds the write
    lock, so no commit can fall between them. Call it before `session` has read anything:
    a SQLite read transaction keeps the snapshot of its first read. When another agent is
    writing at that moment, there is no twin (None) rather than a wait: reading never
    queues behind writes.

    Only for the sessions of read-only commands (`Database.begin(readonly=True)`): another
    connection never sees what a writing transaction has not committed yet.
    """
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if not session.info.get("readonly") or (
        engine.dialect.name == "sqlite" and in_memory(engine.url)
    ):
        yield None
        return
    twin = Session(bind=reading(engine))
    twin.info.update(session.info)
    try:
        if engine.dialect.name == "postgresql":
            snapshot = str(session.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            if not _SNAPSHOT_ID.fullmatch(snapshot):
                raise DatabaseUnavailable(f"unexpected snapshot id {snapshot!r}")
            twin.connection().exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        elif not _pin_sqlite_snapshots(engine, (session, twin)):
            yield None
            return
        yield twin
    finally:
        twin.close()


def _pin_sqlite_snapshots(engine: Engine, sessions: tuple[Session, ...]) -> bool:
    """Start the sessions' read transactions under the write lock; False when it cannot
    be had at once (nothing waits for it)."""
    # The session's engine may carry sqlite_begin="DEFERRED" (reading): ask for the lock.
    with engine.execution_options(sqlite_begin="IMMEDIATE").connect() as gate:
        # Through the driver: a statement through SQLAlchemy would begin a transaction.
        driver = gate.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA busy_timeout = 0")
        try:
            with gate.begin():  # BEGIN IMMEDIATE: no commit can happen until it ends
                for reader in sessions:
                    reader.execute(text("SELECT count(*) FROM sqlite_schema"))
        except OperationalError:
            # Another agent writing, or a file this user may only read: one connection.
            return False
        finally:
            driver.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    return True


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


class Database:
    """One database for one invocation: the engine, readiness checks, sessions."""

    def __init__(self, raw_url: str, *, agent: str = "agent") -> None:
        self.url = parse_url(raw_url)
        self.agent = agent
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._ready = False
        # Write transactions committed so far: a command that failed before its first
        # commit wrote nothing and may be run again as a whole.
        self.commits = 0

    @property
    def display_url(self) -> str:
        return display_url(self.url)

    def ensure_ready(self) -> None:
        """Migrate an empty database on first use; refuse one at an unknown revision."""
        if self._ready:
            return
        # Reading the revision needs no write lock: with the default BEGIN IMMEDIATE every
        # command would queue twice behind the other agents' writes.
        reader = self.engine.execution_options(sqlite_begin="DEFERRED")
        try:
            revision = schema_revision(reader)
            if revision is None and not has_tables(reader):
                from roundup_crm.migrate import upgrade

                upgrade(self)
                revision = SCHEMA_HEAD
        except (OperationalError, ProgrammingError) as exc:
            if is_contention(exc):
                raise DatabaseBusy(
                    f"the database stayed busy with other agents' work ({_first_line(exc)}); "
                    "nothing was written: try again"
                ) from None
            raise DatabaseUnavailable(
                f"cannot open database {self.display_url}: {_first_line(exc)}"
            ) from None
        if revision != SCHEMA_HEAD:
            raise SchemaOutdated(
                f"database {self.display_url} is at schema revision {revision or 'none'}, "
                f"this version needs {SCHEMA_HEAD}: run `roundup-crm db upgrade`"
            )
        self._ready = True

    @contextmanager
    def begin(self, *, readonly: bool = False) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back if it raises."""
        self.ensure_ready()
        bind = reading(self.engine) if readonly else None
        session = self._sessions(bind=bind) if bind is not None else self._sessions()
        session.info["agent"] = self.agent
        session.info["readonly"] = readonly
        try:
            with session.begin():
                yield session
            if not readonly:
                self.commits += 1
        except StaleDataError:
            raise self._stale_edit(session.info.get("versions_read", {})) from None
        except IntegrityError as exc:
            if not _is_unique_violation(exc):
                raise
            raise SavedMeanwhile(
                f"the same record was saved by someone else at the same moment, or is already "
                f"there ({_first_line(exc)}); nothing was written"
            ) from None
        except OperationalError as exc:
            if is_contention(exc):
                raise DatabaseBusy(
                    f"the database stayed busy with other agents' work ({_first_line(exc)}); "
                    "nothing was written: try again"
                ) from None
            raise DatabaseUnavailable(f"database error: {_first_line(exc)}") from None
        finally:
            session.close()

    def _stale_edit(self, versions_read: dict[tuple[str, uuid.UUID], int]) -> StaleEdit:
        """Name the records another agent saved after this command read them, and what
        they changed, from the audit trail."""
        lines = []
        reader = self.engine.execution_options(sqlite_begin="DEFERRED")
        with reader.connect() as conn:
            for (table_name, entity_id), read in versions_read.items():
                table = Base.metadata.tables[table_name]
                now = conn.execute(
                    select(table.c.version).where(table.c.id == entity_id)
                ).scalar_one_or_none()
                if now != read:
                    lines.append(changed_since(conn, table_name, entity_id, read, now))
        what = "; ".join(lines) or "someone else saved this record after you read it"
        return StaleEdit(
            f"{what}; nothing was written: show it again and redo your change", retriable=True
        )

    def dispose(self) -> None:
        self.engine.dispose()


def is_contention(exc: BaseException) -> bool:
    """A lock wait that ran out, a deadlock or a serialisation failure: worth a retry."""
    orig = getattr(exc, "orig", None)
    # PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
    if getattr(orig, "sqlstate", None) in ("40001", "40P01", "55P03"):
        return True
    message = str(orig or exc).lower()
    return "database is locked" in message or "database table is locked" in message


def _is_unique_violation(exc: IntegrityError) -> bool:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def database_says(exc: Exception) -> str:
    """What the database said, on one line: its message and, where PostgreSQL gives one,
    the detail naming the offending value ("Key (company_id)=(...) is not present...")."""
    orig = getattr(exc, "orig", None) or exc
    detail = getattr(getattr(orig, "diag", None), "message_detail", None)
    return f"{_first_line(exc)}: {detail}" if detail else _first_line(exc)


def current_agent(session: Session) -> Agent:
    """The agent acting in this session, created on their first write."""
    cached = session.info.get("agent_row")
    if cached is not None:
        return cached
    name = session.info.get("agent") or "agent"
    agent = session.scalar(select(Agent).where(Agent.name == name))
    if agent is None:
        agent = Agent(id=uuid.uuid4(), name=name)
        try:
            # Flushed at once so rows written next can reference it on engines that
            # check foreign keys immediately (PostgreSQL). In a savepoint: the same agent
            # working in two windows may be created by both at once, and the one that
            # loses takes the row the other saved.
            with session.begin_nested():
                session.add(agent)
        except IntegrityError:
            agent = session.scalars(select(Agent).where(Agent.name == name)).one()
    session.info["agent_row"] = agent
    return agent


def hold(session: Session, record: Record) -> None:
    """Lock `record`'s row until the transaction ends, so two agents' get-or-create of
    things that hang off it (a buyer's opportunities, the meeting planned at a slot)
    happen one after the other. PostgreSQL only: SQLite's BEGIN IMMEDIATE already
    serialises writers. FOR NO KEY UPDATE still lets others insert rows referring to it."""
    entity = type(record)
    session.execute(
        select(entity.id).where(entity.id == record.id).with_for_update(key_share=True)
    )


def _singular(table: str) -> str:
    if table.endswith("ies"):
        return table[:-3] + "y"
    return table[:-1] if table.endswith("s") else table


def changed_since(
    conn: Any, table: str, entity_id: uuid.UUID, read: int, now: int | None
) -> str:
    """What happened to a record since version `read`, from the audit trail: who changed
    which fields (or that it was deleted)."""
    label = f"{_singular(table)} {entity_id.hex[:8]}"
    if now is None:
        return f"{label} was deleted by another agent after you read it"
    entries = conn.execute(
        select(AuditEntry.agent_name, AuditEntry.changes, AuditEntry.summary)
        .where(
            AuditEntry.entity == table,
            AuditEntry.entity_id == entity_id,
            AuditEntry.action == AuditAction.UPDATE,
        )
        .order_by(AuditEntry.at.desc())
        .limit(max(now - read, 1))
    ).all()
    names = sorted({e.agent_name for e in entries})
    fields = sorted({key for e in entries for key in (e.changes or {})})
    summary = next((e.summary for e in entries if e.summary), None)
    if summary and summary.lower() != _singular(table).replace("_", ""):
        label += f" ({summary})"
    who = ", ".join(names) or "another agent"
    changed = f" changed {', '.join(fields)}" if fields else " saved it"
    return f"{label} is at version {now}, not {read}: {who}{changed} after you read it"


def check_version(session: Session, record: Record, expected: int | None) -> None:
    """Refuse an edit made against an older version of the record (`--expect-version`)."""
    if expected is None or record.version == expected:
        return
    if expected < 1 or expected > record.version:
        raise InvalidInput(
            "expect-version", expected, f"the record is at version {record.version}"
        )
    table = record.__table__.name  # type: ignore[attr-defined]
    what = changed_since(session, table, record.id, expected, record.version)
    raise StaleEdit(f"{what}; nothing was written: show it again and redo your change")


def _plain(value: Any) -> Any:
    """A value as it can be kept in the audit log's JSON."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID | Decimal | date | datetime):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Record):
        return str(value.id)
    return repr(value)


_NOT_AUDITED = {"updated_at", "version", "created_at"}


def _changes(obj: Record) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        if attr.key in _NOT_AUDITED:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[attr.key] = [_plain(old), _plain(new)]
    # Plain lists kept in association tables (a deal's territories and rights, the
    # people at a meeting): the whole list before and after, by code or name.
    for relationship in state.mapper.relationships:
        if relationship.secondary is None:
            continue
        history = state.attrs[relationship.key].history
        if history.added or history.deleted:
            kept = [_label(item) for item in history.unchanged]
            before = sorted([*kept, *(_label(item) for item in history.deleted)])
            after = sorted([*kept, *(_label(item) for item in history.added)])
            if before != after:
                changes[relationship.key] = [before, after]
    return changes


def _label(item: Any) -> str:
    for attr in ("code", "slug", "name"):
        value = getattr(item, attr, None)
        if isinstance(value, str):
            return value
    return str(getattr(item, "id", item))


@event.listens_for(Session, "before_flush")
def _audit(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Record who created, changed or deleted what. Skipped when a service says so."""
    # The version each changed record had when read: if another agent saved it since,
    # the flush fails (StaleDataError) and Database.begin names what they changed.
    versions_read = session.info.setdefault("versions_read", {})
    for obj in (*session.dirty, *session.deleted):
        version = obj.__dict__.get("version") if isinstance(obj, Record) else None
        if version is not None:
            versions_read[(obj.__table__.name, obj.id)] = version
    if session.info.get("audit") is False:
        return
    agent_name = session.info.get("agent") or "agent"
    agent_row = session.info.get("agent_row")
    entries: list[AuditEntry] = []
    for obj in session.new:
        if isinstance(obj, Record):
            entries.append(_entry(obj, AuditAction.CREATE, agent_name, agent_row, None))
    for obj in session.dirty:
        if isinstance(obj, Record) and session.is_modified(obj):
            changes = _changes(obj)
            if changes:
                entries.append(_entry(obj, AuditAction.UPDATE, agent_name, agent_row, changes))
    for obj in session.deleted:
        if isinstance(obj, Record):
            entries.append(_entry(obj, AuditAction.DELETE, agent_name, agent_row, None))
    session.add_all(entries)


def _entry(
    obj: Record, action: AuditAction, agent_name: str, agent_row: Agent | None, changes: Any
) -> AuditEntry:
    return AuditEntry(
        id=uuid.uuid4(),
        agent_id=agent_row.id if agent_row is not None else None,
        agent_name=agent_name,
        action=action,
        entity=obj.__table__.name,  # type: ignore[attr-defined]
        entity_id=obj.id,
        summary=_summary(obj),
        changes=changes,
    )


def _summary(obj: Record) -> str:
    for attr in ("slug", "name", "title"):
        value = getattr(obj, attr, None)
        if isinstance(value, str):
            return value[:200]
    return obj.__class__.__name__

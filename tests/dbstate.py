"""What a database holds, table by table, row by row: to say two databases are equal, or that
a database is exactly as it was before a command was killed."""

from __future__ import annotations

import hashlib

from sqlalchemy import create_engine, inspect, select, text

from roundup_crm.db import parse_url
from roundup_crm.models import Base


def snapshot(url: str) -> dict[str, tuple[int, str]]:
    """Per table: the row count and a digest of every row in primary-key order."""
    engine = create_engine(parse_url(url))
    out: dict[str, tuple[int, str]] = {}
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            for table in Base.metadata.sorted_tables:
                if table.name not in present:
                    continue
                digest = hashlib.sha256()
                count = 0
                query = select(table).order_by(*table.primary_key.columns)
                for row in conn.execute(query):
                    digest.update(repr(tuple(row)).encode())
                    count += 1
                out[table.name] = (count, digest.hexdigest())
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            out["alembic_version"] = (1, str(version))
    finally:
        engine.dispose()
    return out

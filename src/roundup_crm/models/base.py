"""Declarative base: naming convention, portable column types, the id/timestamps mixin."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    Enum,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the engine stores.

    SQLite keeps no offset, so values are normalised to UTC on the way in and tagged
    as UTC on the way out; naive datetimes are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: times must carry a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """An exact amount with two decimals.

    PostgreSQL stores NUMERIC natively. SQLite has no decimal type: the value is read
    back as a float and quantized, which is exact for amounts below 10^13.
    """

    impl = Numeric(18, 2)
    cache_ok = True
    _QUANTUM = Decimal("0.01")

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(18, 2, asdecimal=False))
        return dialect.type_descriptor(Numeric(18, 2))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = Decimal(value).quantize(self._QUANTUM)
        return float(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(repr(value) if isinstance(value, float) else value).quantize(self._QUANTUM)


class Rate(Money):
    """An exchange rate: eight decimals."""

    impl = Numeric(18, 8)
    cache_ok = True
    _QUANTUM = Decimal("0.00000001")

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(18, 8, asdecimal=False))
        return dialect.type_descriptor(Numeric(18, 8))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        uuid.UUID: Uuid(),
        datetime: UTCDateTime(),
        date: Date(),
        Decimal: Money(),
        str: Text(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


def short_id(value: uuid.UUID) -> str:
    """The id as users type it: the first eight hex digits."""
    return value.hex[:8]


class Record:
    """Every row: a UUID (merge-safe across machines), created/updated times, a version.

    The version column gives optimistic locking: a save based on a stale read fails
    with StaleDataError instead of silently overwriting another agent's edit.
    """

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    def __init__(self, **kwargs: Any) -> None:
        # Ids exist from construction, not first flush, so services can link and report them.
        kwargs.setdefault("id", uuid.uuid4())
        super().__init__(**kwargs)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}

    @property
    def short_id(self) -> str:
        return short_id(self.id)


# Shorthands for the annotations used across the models.
Code = String(32)
Name = String(300)


def vocabulary(enum_cls: type[StrEnum]) -> Enum:
    """A column type for one of the closed vocabularies: stored as its value, as VARCHAR."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )

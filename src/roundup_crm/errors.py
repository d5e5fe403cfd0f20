"""The one error hierarchy; the CLI turns these into messages and exit codes in one place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class CRMError(Exception):
    """Base of every failure the user should see as one clear line."""

    exit_code = 1
    # True when the command may simply be run again: another agent's work got in the way
    # and nothing was written (the command line retries these a few times on its own).
    retriable = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable whatever a subclass's constructor takes: a helper process
        # (forked.py) sends its errors to the command as they were raised.
        return (_rebuilt, (type(self), self.message, self.__dict__))


def _rebuilt(cls: type[CRMError], message: str, state: dict[str, Any]) -> CRMError:
    error = cls.__new__(cls)
    CRMError.__init__(error, message)
    error.__dict__.update(state)
    return error


class InvalidInput(CRMError):
    """A value the user typed (or a file row held) cannot be used."""

    exit_code = 2

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"invalid {field} {_quoted(value)}: {reason}")


def _quoted(value: object, limit: int = 80) -> str:
    """The value as typed, cut short: a 100k-character paste is not an error message."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[: limit - 3] + "...")
    return repr(value)


class NotFound(CRMError):
    """A name or id that matches nothing."""

    exit_code = 2

    def __init__(self, kind: str, value: object, hint: str = "") -> None:
        self.kind = kind
        self.value = value
        message = f"unknown {kind} {_quoted(value)}"
        super().__init__(f"{message}: {hint}" if hint else message)


class Ambiguous(CRMError):
    """A name prefix that matches several records; the message lists them."""

    exit_code = 2

    def __init__(self, kind: str, value: object, candidates: Iterable[str]) -> None:
        self.kind = kind
        self.value = value
        self.candidates = sorted(candidates)
        shown = ", ".join(self.candidates[:10])
        more = f" and {len(self.candidates) - 10} more" if len(self.candidates) > 10 else ""
        super().__init__(f"ambiguous {kind} {_quoted(value)}: matches {shown}{more}")


class Conflict(CRMError):
    """The change contradicts what is already recorded (overlapping deal, stale edit...)."""

    exit_code = 1


class StaleEdit(Conflict):
    """Another agent saved the record after this command read it; nothing was written."""

    def __init__(self, message: str, *, retriable: bool = False) -> None:
        super().__init__(message)
        self.retriable = retriable


class SavedMeanwhile(Conflict):
    """Another agent added the same unique thing at the same moment; nothing was written."""

    retriable = True


class ConfigError(CRMError):
    """Bad configuration: a malformed database URL, an unusable directory."""

    exit_code = 2


class DatabaseUnavailable(CRMError):
    """The database cannot be reached or opened."""

    exit_code = 3


class DatabaseBusy(DatabaseUnavailable):
    """Other agents held the database longer than this command could wait."""

    retriable = True


class SchemaOutdated(CRMError):
    """The database schema is not the one this version of the code expects."""

    exit_code = 3

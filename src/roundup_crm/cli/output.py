"""The one printing layer: tables for people, JSON and CSV for programs."""

from __future__ import annotations

import csv
import json
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import click

FORMATS = ("table", "json", "csv")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def format_option(func: F) -> F:
    """`--format table|json|csv`, the same on every list command."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table for people; json and csv keep stable keys for programs.",
    )(func)


def plain(value: Any) -> Any:
    """A value as JSON holds it: decimals and dates as strings, ids as hex."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def text(value: Any) -> str:
    """A value as a table cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(text(v) for v in value)
    return str(value)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Full-width look-alikes that some spreadsheet locales read as the ASCII sign.
_WIDE_STARTS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(cell: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection).

    Leading spaces are looked through: some spreadsheets trim them before parsing."""
    head = cell.lstrip(" \u00a0")
    if head.startswith(_FORMULA_STARTS + _WIDE_STARTS) or cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def is_terminal() -> bool:
    return sys.stdout.isatty()


def emit(
    rows: Sequence[Mapping[str, Any]],
    *,
    fmt: str = "table",
    columns: Sequence[str] | None = None,
    title: str | None = None,
    empty: str = "Nothing to show.",
) -> None:
    """Print rows as a table, JSON (a list of objects) or CSV (a header, then rows)."""
    keys = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    if fmt == "json":
        click.echo(
            json.dumps(
                [{k: plain(r.get(k)) for k in keys} for r in rows], ensure_ascii=False, indent=2
            )
        )
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(keys)
        for row in rows:
            writer.writerow([_csv_cell(row.get(k)) for k in keys])
        return
    if not rows:
        click.echo(empty, err=True)
        return
    headers = [k.replace("_", " ") for k in keys]
    cells = [[text(row.get(k)) for k in keys] for row in rows]
    if is_terminal():
        from rich.console import Console
        from rich.table import Table

        table = Table(*headers, title=title, header_style="bold", show_lines=False)
        for line in cells:
            table.add_row(*line)
        Console().print(table)
        return
    if title:
        click.echo(title)
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for line in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


def _csv_cell(value: Any) -> str:
    rendered = plain(value)
    if isinstance(rendered, list):
        rendered = "; ".join(str(v) for v in rendered)
    if rendered is None:
        return ""
    if isinstance(rendered, str) and not isinstance(value, Decimal | int | float):
        return neutralise(rendered)
    return str(rendered)


def emit_record(record: Mapping[str, Any], *, fmt: str = "table", title: str | None = None) -> None:
    """Print one record: `field  value` lines for people, one JSON object for programs."""
    if fmt == "json":
        click.echo(json.dumps(plain(record), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        emit([record], fmt="csv")
        return
    if title:
        click.secho(title, bold=True)
    width = max((len(k) for k in record), default=0)
    for key, value in record.items():
        if value in (None, "", [], ()):
            continue
        label = key.replace("_", " ")
        lines = text(value).splitlines() or [""]
        click.echo(f"{label.ljust(width)}  {lines[0]}")
        for line in lines[1:]:
            click.echo(f"{' ' * width}  {line}")


def progress(items: Iterable[T], *, total: int | None = None, label: str = "") -> Iterator[T]:
    """A progress bar on a terminal (stderr); silent when output is piped."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)

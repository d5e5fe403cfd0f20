"""Reading spreadsheets as they arrive: CSV in any delimiter and encoding, XLSX, odd headers.

A file is opened as a `Table`: the header cells (title rows skipped, two-row headers with
merged group cells combined) and a stream of `(line number, cells)` rows, so a 100k-row
file is never held in memory and every problem can name the line it is on.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from roundup_crm.errors import InvalidInput

Row = tuple[int, list[str]]

DELIMITERS = ",;\t|"
# Legacy encodings a spreadsheet may come in, most likely first: Excel's Western default,
# Korean (CP949 is the superset of EUC-KR that Windows writes), Japanese, Chinese, Cyrillic.
LEGACY_ENCODINGS = ["utf_8", "cp1252", "cp949", "shift_jis", "gb18030", "big5", "cp1251"]
HEADER_SEARCH_ROWS = 10
_SAMPLE_BYTES = 64 * 1024
_CHUNK = 1 << 20


@dataclass
class Table:
    """An opened spreadsheet: where the header is, what it says, and the rows below it."""

    name: str
    headers: list[str]
    header_line: int
    rows: Iterator[Row]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def described(self) -> str:
        if self.sheet is not None:
            return f"{self.name} (sheet {self.sheet!r})"
        shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}
        delimiter = shown.get(self.delimiter or ",", self.delimiter)
        return f"{self.name} ({self.encoding}, {delimiter}-separated)"


@contextmanager
def open_table(
    path: Path,
    *,
    recognise: Callable[[str], bool],
    encoding: str | None = None,
    sheet: str | None = None,
) -> Iterator[Table]:
    """Open a CSV or XLSX file; `recognise` tells a known header cell from data."""
    if not path.is_file():
        raise InvalidInput("FILE", str(path), "no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with _open_xlsx(path, sheet=sheet, recognise=recognise) as table:
            yield table
        return
    if sheet is not None:
        raise InvalidInput("--sheet", sheet, "only spreadsheets (.xlsx) have sheets")
    with _open_csv(path, encoding=encoding, recognise=recognise) as table:
        yield table


# --- CSV ----------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """The file's text encoding: a BOM, else UTF-8 if the whole file decodes, else a guess."""
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if head and head.count(b"\x00") > len(head) // 4:
            # UTF-16 without a BOM: ASCII characters leave a NUL on one side.
            even_nuls = head[0::2].count(b"\x00")
            return "utf-16-be" if even_nuls > len(head) // 4 else "utf-16-le"
        handle.seek(0)
        bad_at = _first_non_utf8(handle)
        if bad_at is None:
            return "utf-8"
        # Guess from the region that is not UTF-8: a long ASCII start says nothing.
        handle.seek(max(0, bad_at - _SAMPLE_BYTES // 2))
        sample = _whole_lines(handle.read(_SAMPLE_BYTES))
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=LEGACY_ENCODINGS).best() or from_bytes(sample).best()
    if best is None:
        raise InvalidInput(
            "FILE", path.name, "cannot tell its text encoding: give --encoding (e.g. cp1252)"
        )
    return str(best.encoding)


def _first_non_utf8(handle: IO[bytes]) -> int | None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    while chunk := handle.read(_CHUNK):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            return offset + exc.start
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset
    return None


def _whole_lines(sample: bytes) -> bytes:
    start = sample.find(b"\n") + 1 if sample.find(b"\n") >= 0 else 0
    end = sample.rfind(b"\n")
    return sample[start:end] if end > start else sample


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: csv.Sniffer, checked, else the most consistent one."""
    lines = [line for line in sample.splitlines() if line.strip()][:30]
    if not lines:
        return ","
    text = "\n".join(lines)
    try:
        found = csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
        if _consistency(lines, found)[0] > 1:
            return found
    except csv.Error:
        pass
    return max(DELIMITERS, key=lambda d: _consistency(lines, d))


def _consistency(lines: list[str], delimiter: str) -> tuple[int, int]:
    """(fields per line most lines have, how many lines have it): bigger is likelier."""
    counts: dict[int, int] = {}
    for cells in csv.reader(lines, delimiter=delimiter):
        counts[len(cells)] = counts.get(len(cells), 0) + 1
    width, lines_with_it = max(counts.items(), key=lambda item: (item[1], item[0]))
    return (width, lines_with_it) if width > 1 else (1, 0)


@contextmanager
def _open_csv(
    path: Path, *, encoding: str | None, recognise: Callable[[str], bool]
) -> Iterator[Table]:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InvalidInput("--encoding", encoding, "not a known text encoding") from None
    chosen = encoding or detect_encoding(path)
    with path.open("r", encoding=chosen, newline="") as handle:
        try:
            sample = handle.read(_SAMPLE_BYTES)
        except UnicodeDecodeError:
            raise InvalidInput(
                "FILE", path.name, f"is not {chosen} text: give the right --encoding"
            ) from None
        handle.seek(0)
        delimiter = sniff_delimiter(sample)
        reader = csv.reader(handle, delimiter=delimiter)
        rows = _csv_rows(reader, path.name, chosen)
        headers, header_line, body = _find_header(rows, recognise)
        yield Table(
            name=path.name,
            headers=headers,
            header_line=header_line,
            rows=body,
            encoding=codecs.lookup(chosen).name,
            delimiter=delimiter,
        )


def _csv_rows(reader: Any, name: str, encoding: str) -> Iterator[Row]:
    """Non-empty rows with the line each starts on (quoted cells may span lines)."""
    line = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                yield line, cells
            line = reader.line_num + 1
    except UnicodeDecodeError:
        raise InvalidInput(
            "FILE", name, f"line {line} is not {encoding} text: give the right --encoding"
        ) from None
    except csv.Error as exc:
        raise InvalidInput("FILE", name, f"line {line}: {exc}") from None


# --- XLSX ---------------------------------------------------------------------------


@contextmanager
def _open_xlsx(
    path: Path, *, sheet: str | None, recognise: Callable[[str], bool]
) -> Iterator[Table]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput("FILE", path.name, f"not a readable .xlsx workbook ({exc})") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise InvalidInput(
                "--sheet",
                sheet,
                f"no such sheet (the workbook has {', '.join(workbook.sheetnames)})",
            )
        rows = _xlsx_rows(worksheet)
        headers, header_line, body = _find_header(rows, recognise)
        yield Table(
            name=path.name,
            headers=headers,
            header_line=header_line,
            rows=body,
            sheet=worksheet.title,
        )
    finally:
        workbook.close()


def _xlsx_rows(worksheet: Any) -> Iterator[Row]:
    for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
        cells = [cell_text(v) for v in values]
        if any(cells):
            yield number, cells


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person sees: 4930123456.0 is a phone, not a float."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date | Decimal | int | float):
        return str(value)
    return str(value).strip()


# --- Headers ------------------------------------------------------------------------


def _find_header(
    rows: Iterator[Row], recognise: Callable[[str], bool]
) -> tuple[list[str], int, Iterator[Row]]:
    """Find the header among the first rows: the one with the most recognised cells.

    A title row ("EFM 2026 attendees") above it is skipped. A row of group labels
    directly above it ("Company" over two columns, "Contact" over three: merged cells
    that a spreadsheet leaves empty after the first) is combined into the names.
    """
    head: list[Row] = []
    for row in rows:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    if not head:
        return [], 0, iter(())
    scores = [sum(1 for cell in cells if cell.strip() and recognise(cell)) for _, cells in head]
    at = scores.index(max(scores)) if max(scores) > 0 else 0
    line, cells = head[at]
    headers = [c.strip() for c in cells]
    if at > 0:
        headers = _with_group_labels(head[at - 1][1], headers, recognise)
    rest = head[at + 1 :]

    def body() -> Iterator[Row]:
        yield from rest
        yield from rows

    return headers, line, body()


def _with_group_labels(
    groups: list[str], headers: list[str], recognise: Callable[[str], bool]
) -> list[str]:
    filled: list[str] = []
    current = ""
    for index in range(len(headers)):
        cell = groups[index].strip() if index < len(groups) else ""
        current = cell or current
        filled.append(current)
    if sum(1 for g in groups if g.strip()) >= sum(1 for h in headers if h):
        return headers  # not a group row: it has as many labels as the header
    combined = []
    for index, (group, header) in enumerate(zip(filled, headers, strict=True)):
        if not header:
            # A label merged down over two header rows sits in the upper one only.
            combined.append(groups[index].strip() if index < len(groups) else "")
        elif group and recognise(f"{group} {header}"):
            combined.append(f"{group} {header}")
        else:
            combined.append(header)
    return combined

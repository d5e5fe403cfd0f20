"""Importing buyer lists: companies and their contacts from CSV or XLSX, in bulk.

Every row is validated with the same validators `company add` and `contact add` use.
Companies match on match key + country, contacts on email (or on name within their
company when there is no email), against the database and against earlier rows, so
importing the same file twice changes nothing. New rows go in through Core inserts in
batches inside the caller's transaction: a file with bad rows imports nothing unless
the caller asks to set the bad rows aside.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

from sqlalchemy import Connection, Index, Table, bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from roundup_crm.db import current_agent
from roundup_crm.errors import Ambiguous, CRMError, InvalidInput
from roundup_crm.forked import Helper, Pipe, helper_wanted
from roundup_crm.io import tabular
from roundup_crm.io.bulk import SQLITE_CACHE_KIB, BulkInsert, collector_paused
from roundup_crm.io.tabular import open_table
from roundup_crm.models import (
    AuditAction,
    AuditEntry,
    Company,
    CompanyType,
    Contact,
    company_territories,
    utcnow,
)
from roundup_crm.services import validate
from roundup_crm.services.dedupe import NearDuplicateIndex
from roundup_crm.services.parsing import parse_country, zone
from roundup_crm.services.territories import find_territory, fold

Kind = Literal["companies", "contacts"]
OnDuplicate = Literal["skip", "update", "error"]
ON_DUPLICATE = ("skip", "update", "error")

BATCH_ROWS = 5_000
HELPER_BATCH_ROWS = 200
LISTED_PROBLEMS = 20
LISTED_EXAMPLES = 10
DEFAULT_TYPE = CompanyType.THEATRICAL

# field -> what it holds (shown by `import --help` and when --map names an unknown field)
FIELDS: dict[str, str] = {
    "company": "company name",
    "country": "company country (ISO code or name)",
    "territories": "territories the company buys for, separated by ';'",
    "type": "company type (distributor, free-tv, svod...)",
    "website": "company website",
    "tags": "company tags, separated by ';'",
    "genres": "genre preferences, separated by ';'",
    "company_notes": "notes on the company",
    "contact": "contact's full name",
    "first_name": "contact's first name",
    "last_name": "contact's last name",
    "name_native": "contact's name in their own script",
    "role": "contact's job title",
    "email": "contact's email",
    "phone": "contact's phone",
    "language": "contact's preferred language",
    "timezone": "contact's time zone",
    "contact_notes": "notes on the contact",
    "source": "where the contact came from",
    "consent": "contact's consent to be contacted",
}
COMPANY_FIELDS = (
    "company",
    "country",
    "territories",
    "type",
    "website",
    "tags",
    "genres",
    "company_notes",
)
CONTACT_FIELDS = (
    "contact",
    "first_name",
    "last_name",
    "name_native",
    "role",
    "email",
    "phone",
    "language",
    "timezone",
    "contact_notes",
    "source",
    "consent",
)
# "Name" and "Notes" mean the company in a company list and the person in a contact list.
_AMBIGUOUS = {"name": ("company", "contact"), "notes": ("company_notes", "contact_notes")}
# fmt: off
_SYNONYMS: dict[str, list[str]] = {
    "company": [
        "company", "company name", "companyname", "organisation", "organization",
        "organisation name", "organization name", "org", "distributor", "buyer",
        "buyer company", "account", "account name", "firm", "business", "buyer name",
    ],
    "country": ["country", "country code", "company country", "nation", "hq country", "based in"],
    "territories": [
        "territory", "territories", "buys for", "buying territories", "territory rights",
        "company territory", "company territories",
    ],
    "type": ["type", "company type", "category", "business type", "activity", "buyer type"],
    "website": ["website", "web", "url", "web site", "homepage", "site", "company website"],
    "tags": ["tags", "tag", "labels"],
    "genres": ["genres", "genre", "genre preferences", "preferred genres"],
    "company_notes": ["company notes", "company note", "company comments"],
    "contact": [
        "contact", "contact name", "full name", "contact person", "person", "attendee",
        "attendee name", "delegate", "participant",
    ],
    "first_name": ["first name", "firstname", "given name", "forename", "contact first name"],
    "last_name": ["last name", "lastname", "surname", "family name", "contact last name"],
    "name_native": ["native name", "local name", "korean name", "name native", "name hangul"],
    "role": ["title", "job title", "role", "position", "function", "job", "contact title"],
    "email": [
        "email", "e-mail", "e mail", "email address", "e-mail address", "mail",
        "contact email", "contact e-mail",
    ],
    "phone": [
        "phone", "telephone", "tel", "phone number", "mobile", "cell", "mobile phone",
        "contact phone", "telephone number",
    ],
    "language": ["language", "preferred language", "contact language"],
    "timezone": ["time zone", "timezone", "tz"],
    "contact_notes": ["contact notes", "contact note", "contact comments"],
    "source": ["source", "lead source"],
    "consent": ["consent", "marketing consent", "gdpr consent"],
}
# fmt: on


def compact(header: str) -> str:
    """A header as compared: case, spaces and punctuation ignored ("E-Mail" = "email")."""
    return "".join(c for c in header.casefold() if c.isalnum())


SYNONYMS: dict[str, str] = {compact(s): f for f, names in _SYNONYMS.items() for s in names}
SYNONYMS.update({compact(f): f for f in FIELDS})
for _word in _AMBIGUOUS:
    SYNONYMS[_word] = _word
SYNONYMS.update({"comments": "notes", "remarks": "notes", "note": "notes"})


def recognise(header: str) -> bool:
    return compact(header) in SYNONYMS


@dataclass(frozen=True)
class ColumnMap:
    """Which column feeds which field; what was left out."""

    fields: dict[str, int]
    headers: list[str]
    ignored: list[str]

    def header(self, name: str) -> str:
        index = self.fields.get(name)
        return self.headers[index] if index is not None else name


def map_columns(headers: list[str], kind: Kind, overrides: dict[str, str]) -> ColumnMap:
    """Assign each header a field: `--map` first, then the synonyms, first column wins."""
    by_compact = {compact(h): i for i, h in reversed(list(enumerate(headers))) if h}
    fields: dict[str, int] = {}
    taken: set[int] = set()
    for column, target in overrides.items():
        index = by_compact.get(compact(column))
        if index is None:
            shown = ", ".join(h for h in headers if h)
            raise InvalidInput(
                "--map", f"{column}={target}", f"no column {column!r} (columns: {shown})"
            )
        taken.add(index)
        if target in ("", "-"):
            continue
        if target not in FIELDS:
            raise InvalidInput(
                "--map", f"{column}={target}", f"not a field ({', '.join(FIELDS)}, or - to skip)"
            )
        fields[target] = index
    guessed: list[tuple[int, str]] = []
    for index, header in enumerate(headers):
        if index in taken or not header:
            continue
        synonym = SYNONYMS.get(compact(header))
        if synonym is not None:
            guessed.append((index, synonym))
    has_company = any(t == "company" for _, t in guessed) or "company" in fields
    ignored: list[str] = []
    for index, guess in guessed:
        target = guess
        if guess in _AMBIGUOUS:
            company_side, contact_side = _AMBIGUOUS[guess]
            target = company_side if kind == "companies" and not has_company else contact_side
            if target == "company":
                has_company = True
        if target in fields:
            ignored.append(f"{headers[index]} (another column gives {FIELDS[target]})")
            continue
        fields[target] = index
    for index, header in enumerate(headers):
        mapped = index in taken or index in fields.values()
        if header and not mapped and not any(i.startswith(f"{header} (") for i in ignored):
            ignored.append(header)
    if kind == "companies" and "company" not in fields:
        raise InvalidInput(
            "FILE",
            ", ".join(h for h in headers if h),
            "has no company column (use --map COLUMN=company)",
        )
    if kind == "contacts" and not {"contact", "first_name", "last_name", "email"} & set(fields):
        raise InvalidInput(
            "FILE",
            ", ".join(h for h in headers if h),
            "has no contact name or email column (use --map COLUMN=contact)",
        )
    return ColumnMap(fields=fields, headers=headers, ignored=ignored)


@dataclass(frozen=True)
class Problem:
    """One bad cell of one row."""

    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column!r}: {self.message}"


class BadRows(CRMError):
    """The file has rows that cannot be imported; nothing was."""

    exit_code = 2

    def __init__(self, name: str, problems: list[Problem], bad_rows: int) -> None:
        self.problems = problems
        self.bad_rows = bad_rows
        listed = "\n".join(f"  {p}" for p in problems[:LISTED_PROBLEMS])
        more = len(problems) - LISTED_PROBLEMS
        tail = f"\n  ... and {more} more problems" if more > 0 else ""
        super().__init__(
            f"{name}: {bad_rows} bad row(s), nothing was imported "
            f"(fix them, or set them aside with --skip-invalid FILE):\n{listed}{tail}"
        )


# Checked rows are tuples: from a reader process (open_buyer_file) they arrive pickled,
# and tuples unpickle in half the time of dataclass instances.
class _CompanyIn(NamedTuple):
    name: str
    key: str
    country: str | None
    type: CompanyType
    website: str | None
    tags: list[str]
    genres: list[str]
    notes: str | None
    territory_ids: tuple[uuid.UUID, ...]


class _ContactIn(NamedTuple):
    name: str
    name_native: str | None
    role: str | None
    email: str | None
    phone: str | None
    language: str | None
    timezone: str | None
    notes: str | None
    source: str | None
    consent: str | None


@dataclass(frozen=True)
class PossibleDuplicate:
    line: int
    name: str
    country: str | None
    similar_to: str
    score: float


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), with examples of each outcome."""

    source: str
    dry_run: bool
    mapped: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    rows: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    rejected: int = 0
    possible_duplicates: list[PossibleDuplicate] = field(default_factory=list)
    audit_id: uuid.UUID | None = None

    def note(self, outcome: str, example: Callable[[], str]) -> None:
        """Count an outcome; keep the first few as examples (built only when kept)."""
        self.counts[outcome] += 1
        shown = self.examples.setdefault(outcome, [])
        if len(shown) < LISTED_EXAMPLES:
            shown.append(example())

    @property
    def changed(self) -> bool:
        return any(self.counts[k] for k in CHANGES)


CHANGES = ("company created", "company updated", "contact created", "contact updated")
OUTCOMES = {
    "company created": "new company",
    "company updated": "existing company updated",
    "company unchanged": "already in the database, same details",
    "company skipped": "already in the database (--on-duplicate skip)",
    "contact created": "new contact",
    "contact updated": "existing contact updated",
    "contact unchanged": "already in the database, same details",
    "contact skipped": "already in the database (--on-duplicate skip)",
    "contact repeated": "same contact as an earlier row",
    "row empty": "no company or contact in the row",
}


class RejectWriter:
    """The rows set aside by --skip-invalid, as CSV: line, problem, then the row itself."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: Any = None
        self._writer: Any = None

    def open(self, headers: list[str]) -> None:
        from roundup_crm.cli.output import neutralise

        self._neutralise = neutralise
        self._handle = self.path.open("w", newline="", encoding="utf-8-sig")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(["line", "problem", *headers])

    def write(self, line: int, cells: list[str], problems: list[Problem]) -> None:
        message = "; ".join(f"{p.column}: {p.message}" for p in problems)
        # The message quotes column names and values from the file: neutralised too.
        self._writer.writerow(
            [line, self._neutralise(message), *(self._neutralise(c) for c in cells)]
        )

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def import_buyers(
    session: Session,
    rows: BuyerRows,
    *,
    dry_run: bool = False,
    on_duplicate: OnDuplicate = "skip",
    rejects: RejectWriter | None = None,
    track: Callable[[Iterator[Any]], Iterator[Any]] | None = None,
) -> ImportReport:
    """Import companies (and the contacts on the same rows) from an opened buyer file."""
    if on_duplicate not in ON_DUPLICATE:
        raise InvalidInput(
            "--on-duplicate", on_duplicate, f"expected one of {', '.join(ON_DUPLICATE)}"
        )
    columns = rows.columns
    report = ImportReport(source=rows.described, dry_run=dry_run)
    report.mapped = {columns.headers[i]: f for f, i in columns.fields.items()}
    report.ignored = columns.ignored
    with collector_paused():
        run = _Run(session, columns, report, on_duplicate=on_duplicate, write=not dry_run)
        if rejects is not None:
            rejects.open(columns.headers)
        checked = rows.checked(session)
        try:
            for row in track(checked) if track is not None else checked:
                problems = run.take(row)
                if problems:
                    if rejects is not None:
                        rejects.write(row.line, row.cells or [], problems)
                        report.rejected += 1
                    else:
                        run.fail(problems)
        finally:
            if rejects is not None:
                rejects.close()
        if run.problems:
            raise BadRows(rows.name, run.problems, run.bad_rows)
        run.finish()
    if not dry_run and report.changed:
        report.audit_id = _audit(session, report, rows.name)
    return report


# -- reading and checking the file --------------------------------------------------


class BuyerRows(Protocol):
    """A buyer file opened for `import_buyers`."""

    name: str
    described: str
    columns: ColumnMap

    def checked(self, session: Session) -> Iterator[_Checked]:
        """The file's rows, checked; `session` is the import's own."""
        ...


@contextmanager
def open_buyer_file(
    path: Path,
    *,
    kind: Kind,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    keep_cells: bool = False,
    database_url: str | None = None,
) -> Iterator[BuyerRows]:
    """Open a CSV or XLSX buyer file and map its columns to fields.

    Reading and validating rows costs about as much as matching and inserting them. A
    big file is therefore read and checked by a helper process on a second core
    (forked.py) while this one matches and inserts; the helper looks territories up
    in the database at `database_url` on a connection of its own. Enter this before
    the command opens the database: a fork must not inherit a connection. A small
    file, an in-memory database or a machine where no helper may be forked: the rows
    are checked here, with the same code and result. `keep_cells` keeps each row's
    cells for a reject file."""
    source = _Reading(path, kind, mapping or {}, encoding, sheet, keep_cells)
    if database_url is not None and helper_wanted(path, database_url):
        reader = _HelperRows(source, database_url)
        try:
            yield reader
        except BaseException:
            reader.close(abort=True)
            raise
        reader.close()
        return
    with source.opened() as (table, columns):
        yield _LocalRows(table, columns, keep_cells)


@dataclass(frozen=True)
class _Reading:
    """How to read the file: the same here and in a helper."""

    path: Path
    kind: Kind
    mapping: dict[str, str]
    encoding: str | None
    sheet: str | None
    keep_cells: bool

    @contextmanager
    def opened(self) -> Iterator[tuple[tabular.Table, ColumnMap]]:
        with open_table(
            self.path, recognise=recognise, encoding=self.encoding, sheet=self.sheet
        ) as table:
            yield table, map_columns(table.headers, self.kind, self.mapping)


class _LocalRows:
    def __init__(self, table: tabular.Table, columns: ColumnMap, keep_cells: bool) -> None:
        self._table = table
        self.name = table.name
        self.described = table.described
        self.columns = columns
        self._keep_cells = keep_cells

    def checked(self, session: Session) -> Iterator[_Checked]:
        checker = _Checker(session, self.columns, keep_cells=self._keep_cells)
        for line, cells in self._table.rows:
            yield checker.check(line, cells)


class _HelperRows:
    """The rows as a forked helper reads and checks them, in batches."""

    def __init__(self, source: _Reading, database_url: str) -> None:
        self._helper = Helper(_read_in_helper, (source, database_url), name="file reader")
        try:
            self.name, self.described, self.columns = self._helper.receive()
        except BaseException:
            self._helper.close(wait=False)
            raise

    def checked(self, session: Session) -> Iterator[_Checked]:
        # The helper waits for the go: the database is ready (migrated) only now.
        for batch in self._helper.stream():
            yield from batch

    def close(self, *, abort: bool = False) -> None:
        self._helper.close(wait=self._helper.finished and not abort)


def _read_in_helper(pipe: Pipe, source: _Reading, database_url: str) -> None:
    """The helper's side: the header and column map first, then, once told to go, the
    checked rows in batches, then None."""
    from roundup_crm.db import make_engine, reading

    with source.opened() as (table, columns):
        pipe.send(("ok", (table.name, table.described, columns)))
        if pipe.recv() != "go":
            return
        engine = make_engine(database_url)
        try:
            with collector_paused(), Session(reading(engine)) as session:
                checker = _Checker(session, columns, keep_cells=source.keep_cells)
                batch: list[_Checked] = []
                for line, cells in table.rows:
                    batch.append(checker.check(line, cells))
                    if len(batch) == HELPER_BATCH_ROWS:
                        pipe.send(("ok", batch))
                        batch = []
                pipe.send(("ok", batch))
                pipe.send(("ok", None))
        finally:
            engine.dispose()


class _Checked(NamedTuple):
    """One row of the file, validated: what it holds, or what is wrong with it."""

    line: int
    company: _CompanyIn | None
    contact: _ContactIn | None
    problems: list[Problem]
    cells: list[str] | None  # kept only when bad rows are set aside (--skip-invalid)


class _Checker:
    """Validates rows one by one, with the validators `company add` and `contact add`
    use; values that repeat down a file (countries, types, whole companies) once."""

    def __init__(self, session: Session, columns: ColumnMap, *, keep_cells: bool) -> None:
        self.session = session  # territories are looked up in the database
        self.columns = columns
        self.keep_cells = keep_cells
        f = columns.fields
        self.company_cols = [(name, f[name]) for name in COMPANY_FIELDS if name in f]
        self.contact_cols = [(name, f[name]) for name in CONTACT_FIELDS if name in f]
        self._company_cache: dict[tuple[str, ...], _CompanyIn | list[Problem]] = {}
        self._value_cache: dict[tuple[str, str], Any] = {}
        self.checks = self._contact_checks()

    def check(self, line: int, cells: list[str]) -> _Checked:
        width = len(cells)
        problems: list[Problem] = []
        contact_values = {n: cells[i].strip() if i < width else "" for n, i in self.contact_cols}
        has_contact = any(contact_values.values())
        company: _CompanyIn | None = None
        if self.company_cols:
            raw = tuple(cells[i].strip() if i < width else "" for _, i in self.company_cols)
            if self.company_cols[0][0] == "company" and raw[0]:
                checked = self._company_cache.get(raw)
                if checked is None:
                    checked = self._check_company(raw)
                    self._company_cache[raw] = checked
                if isinstance(checked, list):
                    problems.extend(Problem(line, p.column, p.value, p.message) for p in checked)
                else:
                    company = checked
            elif any(raw) and not has_contact:
                column = self.columns.header("company")
                problems.append(Problem(line, column, "", "invalid company '': is required"))
        contact: _ContactIn | None = None
        if has_contact:
            contact = self._check_contact(line, contact_values, company, problems)
        kept = cells if self.keep_cells else None
        if problems:
            return _Checked(line, None, None, problems, kept)
        return _Checked(line, company, contact, problems, kept)

    def _cell_problem(self, line: int, name: str, exc: CRMError, value: str) -> Problem:
        return Problem(line, self.columns.header(name), value, exc.message)

    def _cached(self, name: str, value: str, check: Callable[[str], Any]) -> Any:
        """Validate a value that repeats down the file (countries, types) once."""
        key = (name, value)
        if key not in self._value_cache:
            try:
                self._value_cache[key] = check(value)
            except CRMError as exc:
                self._value_cache[key] = exc
        result = self._value_cache[key]
        if isinstance(result, CRMError):
            raise result
        return result

    def _check_company(self, raw: tuple[str, ...]) -> _CompanyIn | list[Problem]:
        values = dict(zip((n for n, _ in self.company_cols), raw, strict=True))
        problems: list[Problem] = []

        def attempt(name: str, check: Callable[[str], Any], default: Any = None) -> Any:
            value = values.get(name, "")
            if not value:
                return default
            try:
                return check(value)
            except CRMError as exc:
                problems.append(self._cell_problem(0, name, exc, value))
                return default

        name = attempt("company", lambda v: validate.required_name(v, field="company"))
        country = attempt("country", lambda v: self._cached("country", v, parse_country))
        territories: list[Any] = attempt(
            "territories",
            lambda v: [
                self._cached("territory", part.strip(), self._territory)
                for part in v.split(";")
                if part.strip()
            ],
            [],
        )
        if country is None and len(territories) == 1 and len(territories[0][1]) == 2:
            country = territories[0][1]  # "Territory: Germany" is where the buyer is
        kind = attempt(
            "type", lambda v: self._cached("type", v, validate.company_type), DEFAULT_TYPE
        )
        website = attempt("website", lambda v: validate.url(v, field="website"))
        notes = attempt("company_notes", lambda v: validate.clean_text(v, field="notes"))
        tags = attempt("tags", lambda v: _list(v, "tags"), [])
        genres = attempt("genres", lambda v: _list(v, "genres"), [])
        if problems or name is None:
            return problems
        key = validate.match_key(name)
        if not key:
            return [
                Problem(
                    0,
                    self.columns.header("company"),
                    name,
                    f"invalid company {name!r}: has no name besides its legal form",
                )
            ]
        return _CompanyIn(
            name=name,
            key=key,
            country=country,
            type=kind,
            website=website,
            tags=tags,
            genres=genres,
            notes=notes,
            territory_ids=tuple(dict.fromkeys(t[0] for t in territories)),
        )

    def _territory(self, value: str) -> tuple[uuid.UUID, str]:
        try:
            found = find_territory(self.session, value, field="territory")
        except Ambiguous as exc:
            raise InvalidInput(
                "territory", value, f"matches {', '.join(exc.candidates[:5])}"
            ) from None
        return found.id, found.code

    def _contact_checks(self) -> dict[str, Callable[[str, str | None], Any]]:
        cached = self._cached
        return {
            "email": lambda v, _c: validate.email(v),
            "phone": lambda v, c: validate.phone(v, country=c),
            "language": lambda v, _c: cached("language", v, validate.language),
            "timezone": lambda v, _c: cached("timezone", v, lambda z: zone(z).key),
            "role": lambda v, _c: validate.clean_text(v, field="role", max_length=300),
            "contact_notes": lambda v, _c: validate.clean_text(v, field="notes"),
            "name_native": lambda v, _c: validate.required_name(v, field="name_native"),
            "source": lambda v, _c: validate.clean_text(v, field="source", max_length=300),
            "consent": lambda v, _c: validate.clean_text(v, field="consent", max_length=32),
        }

    def _check_contact(
        self, line: int, values: dict[str, str], company: _CompanyIn | None, problems: list[Problem]
    ) -> _ContactIn | None:
        before = len(problems)
        country = company.country if company is not None else None
        checked: dict[str, Any] = {}
        for field_name, value in values.items():
            check = self.checks.get(field_name)
            if value and check is not None:
                try:
                    checked[field_name] = check(value, country)
                except CRMError as exc:
                    problems.append(self._cell_problem(line, field_name, exc, value))
        full = values.get("contact") or " ".join(
            p for p in (values.get("first_name"), values.get("last_name")) if p
        )
        column = "contact" if "contact" in values else "first_name"
        name: str | None = None
        email = checked.get("email")
        if full:
            try:
                name = validate.required_name(full, field="contact")
            except CRMError as exc:
                problems.append(self._cell_problem(line, column, exc, full))
        elif email is not None:
            name = email  # a name is needed; the address is what a mail client would show
        elif len(problems) == before:
            message = "invalid contact '': is required"
            problems.append(Problem(line, self.columns.header(column), "", message))
        if len(problems) > before or name is None:
            return None
        get = checked.get
        return _ContactIn(
            name=name,
            name_native=get("name_native"),
            role=get("role"),
            email=email,
            phone=get("phone"),
            language=get("language"),
            timezone=get("timezone"),
            notes=get("contact_notes"),
            source=get("source"),
            consent=get("consent"),
        )



class _Run:
    """The state of one import: what exists, what the file added so far, pending writes."""

    def __init__(
        self,
        session: Session,
        columns: ColumnMap,
        report: ImportReport,
        *,
        on_duplicate: OnDuplicate,
        write: bool,
    ) -> None:
        self.session = session
        self.columns = columns
        self.report = report
        self.on_duplicate = on_duplicate
        self.write = write
        self.problems: list[Problem] = []
        self.bad_rows = 0
        self.now = utcnow()
        self.companies: dict[tuple[str, str | None], uuid.UUID] = {}
        self.company_line: dict[uuid.UUID, int] = {}
        self.existing_companies: dict[tuple[str, str | None], uuid.UUID] = {}
        self.contacts: dict[Any, int] = {}
        self.existing_contacts: dict[Any, uuid.UUID] = {}
        self.pending_companies: list[dict[str, Any]] = []
        self.pending_links: list[dict[str, Any]] = []
        self.pending_contacts: list[dict[str, Any]] = []
        self.company_updates: dict[uuid.UUID, _CompanyIn] = {}
        self.contact_updates: dict[uuid.UUID, tuple[_ContactIn, uuid.UUID | None]] = {}
        self.near: NearDuplicateIndex[str] = NearDuplicateIndex()
        self._inserts: tuple[BulkInsert, BulkInsert, BulkInsert] | None = None
        self._indexes_to_build: list[Index] = []
        self._load_existing()

    # -- what is already there ------------------------------------------------------

    def _load_existing(self) -> None:
        live = select(Company.id, Company.name, Company.match_key, Company.country).where(
            Company.merged_into_id.is_(None)
        )
        for company_id, name, key, country in self.session.execute(live):
            self.existing_companies.setdefault((key, country), company_id)
            self.near.add(key, country, name)
        if not any(f in self.columns.fields for f in CONTACT_FIELDS):
            return
        people = select(Contact.id, Contact.email, Contact.company_id, Contact.name).where(
            Contact.erased_at.is_(None)
        )
        for contact_id, email, employer_id, name in self.session.execute(people):
            self.existing_contacts.setdefault(_contact_key(email, employer_id, name), contact_id)

    # -- one row --------------------------------------------------------------------

    def fail(self, problems: list[Problem]) -> None:
        self.bad_rows += 1
        self.problems.extend(problems)
        self.write = False  # nothing more to insert: the transaction will be rolled back

    def take(self, row: _Checked) -> list[Problem]:
        """Match one checked row against the database and earlier rows; queue its writes."""
        self.report.rows += 1
        if row.problems:
            return row.problems
        line, company, contact = row.line, row.company, row.contact
        if company is None and contact is None:
            self.report.note("row empty", lambda: f"line {line}")
            return []
        problems: list[Problem] = []
        company_id = self._place_company(line, company, problems) if company else None
        if contact is not None:
            self._place_contact(line, contact, company_id, problems)
        if problems:
            return problems
        if len(self.pending_companies) + len(self.pending_contacts) >= BATCH_ROWS:
            self.flush()
        return []

    # -- matching -------------------------------------------------------------------

    def _place_company(self, line: int, company: _CompanyIn, problems: list[Problem]) -> uuid.UUID:
        key = (company.key, company.country)
        known = self.companies.get(key)
        if known is not None:
            return known
        existing = self.existing_companies.get(key)

        def label() -> str:
            return f"line {line}: {company.name} ({company.country or 'no country'})"

        if existing is not None:
            self.companies[key] = existing
            if self.on_duplicate == "error":
                problems.append(
                    Problem(
                        line,
                        self.columns.header("company"),
                        company.name,
                        f"company {company.name!r} ({company.country or 'no country'}) is "
                        "already in the database (--on-duplicate error)",
                    )
                )
            elif self.on_duplicate == "update":
                self.company_updates[existing] = company
                self.company_line[existing] = line
            else:
                self.report.note("company skipped", label)
            return existing
        company_id = uuid.uuid4()
        self.companies[key] = company_id
        for other, score in self.near.similar(company.key, company.country):
            self.report.possible_duplicates.append(
                PossibleDuplicate(line, company.name, company.country, other, score)
            )
        self.near.add(company.key, company.country, company.name)
        self.report.note("company created", label)
        if self.write:
            self.pending_companies.append(
                {
                    "id": company_id,
                    "name": company.name,
                    "match_key": company.key,
                    "country": company.country,
                    "type": company.type,
                    "website": company.website,
                    "genre_preferences": company.genres,
                    "tags": company.tags,
                    "notes": company.notes,
                    "merged_into_id": None,
                }
            )
            self.pending_links.extend(
                {"company_id": company_id, "territory_id": t} for t in company.territory_ids
            )
        return company_id

    def _place_contact(
        self,
        line: int,
        contact: _ContactIn,
        company_id: uuid.UUID | None,
        problems: list[Problem],
    ) -> None:
        key = _contact_key(contact.email, company_id, contact.name)

        def label() -> str:
            email = f" <{contact.email}>" if contact.email else ""
            return f"line {line}: {contact.name}{email}"

        first = self.contacts.get(key)
        if first is not None:
            self.report.note("contact repeated", lambda: f"{label()} (as on line {first})")
            return
        self.contacts[key] = line
        existing = self.existing_contacts.get(key)
        if existing is not None:
            if self.on_duplicate == "error":
                problems.append(
                    Problem(
                        line,
                        self.columns.header("email" if contact.email else "contact"),
                        contact.email or contact.name,
                        f"contact {contact.email or contact.name!r} is already in the database "
                        "(--on-duplicate error)",
                    )
                )
            elif self.on_duplicate == "update":
                self.contact_updates[existing] = (contact, company_id)
            else:
                self.report.note("contact skipped", label)
            return
        self.report.note("contact created", label)
        if self.write:
            self.pending_contacts.append(
                {
                    "id": uuid.uuid4(),
                    "company_id": company_id,
                    "name": contact.name,
                    "name_native": contact.name_native,
                    "role": contact.role,
                    "email": contact.email,
                    "phone": contact.phone,
                    "preferred_language": contact.language,
                    "timezone": contact.timezone,
                    "notes": contact.notes,
                    "source": contact.source,
                    "consent": contact.consent,
                    "consent_at": None,
                    "erased_at": None,
                }
            )

    # -- writing --------------------------------------------------------------------

    def flush(self) -> None:
        if not self.write:
            self.pending_companies.clear()
            self.pending_links.clear()
            self.pending_contacts.clear()
            return
        if self._inserts is None:
            conn = self.session.connection()
            if conn.dialect.name == "sqlite":
                # Index pages for 100k new rows outgrow SQLite's 2 MB default page cache;
                # a bigger cache for this connection keeps the inserts off the disk.
                conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            self._drop_indexes_of_empty_tables(conn)
            stamp = {"created_at": self.now, "updated_at": self.now, "version": 1}
            self._inserts = (
                BulkInsert(conn, _table(Company.__table__), stamp),
                BulkInsert(conn, company_territories),
                BulkInsert(conn, _table(Contact.__table__), stamp),
            )
        # Parents first: both engines check foreign keys row by row.
        for bulk, rows in zip(
            self._inserts,
            (self.pending_companies, self.pending_links, self.pending_contacts),
            strict=True,
        ):
            bulk.write(rows)
            rows.clear()

    def finish(self) -> None:
        self.flush()
        if self.company_updates:
            self._update_companies()
        if self.contact_updates:
            self._update_contacts()
        conn = self.session.connection()
        for index in self._indexes_to_build:
            index.create(conn)

    def _drop_indexes_of_empty_tables(self, conn: Connection) -> None:
        """A first import into empty tables (a new database, a move from another tool):
        their secondary indexes are dropped now and built once at the end, in this same
        transaction, instead of being updated row by row. Sorting once is far cheaper;
        unique indexes stay, since they guard the data. The import looks existing
        records up in memory, never through these indexes."""
        for table in (Company.__table__, Contact.__table__):
            if conn.execute(select(literal(1)).select_from(table).limit(1)).first() is None:
                for index in table.indexes:  # type: ignore[attr-defined]
                    if not index.unique:
                        index.drop(conn)
                        self._indexes_to_build.append(index)

    def _update_companies(self) -> None:
        changed: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        ids = list(self.company_updates)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.session.execute(
                select(
                    Company.id,
                    Company.type,
                    Company.website,
                    Company.tags,
                    Company.genre_preferences,
                    Company.notes,
                ).where(Company.id.in_(chunk))
            )
            linked: set[tuple[Any, Any]] = set(
                self.session.execute(
                    select(
                        company_territories.c.company_id, company_territories.c.territory_id
                    ).where(company_territories.c.company_id.in_(chunk))
                )
            )
            for company_id, kind, website, tags, genres, notes in rows:
                new = self.company_updates[company_id]
                given = self._given_company_fields()
                wanted = {
                    "type": new.type if "type" in given else kind,
                    "website": new.website if new.website is not None else website,
                    "tags": sorted(set(tags) | set(new.tags)) if new.tags else tags,
                    "genre_preferences": (
                        sorted(set(genres) | set(new.genres)) if new.genres else genres
                    ),
                    "notes": new.notes if new.notes is not None else notes,
                }
                current = {
                    "type": kind,
                    "website": website,
                    "tags": tags,
                    "genre_preferences": genres,
                    "notes": notes,
                }
                new_links = [t for t in new.territory_ids if (company_id, t) not in linked]
                links.extend({"company_id": company_id, "territory_id": t} for t in new_links)
                line = self.company_line.get(company_id, 0)
                label = f"line {line}: {new.name} ({new.country or 'no country'})"
                if wanted != current or new_links:
                    changed.append(
                        {"_id": company_id, **{f"new_{k}": v for k, v in wanted.items()}}
                    )
                    self.report.note("company updated", lambda: label)  # noqa: B023
                else:
                    self.report.note("company unchanged", lambda: label)  # noqa: B023
        if self.write and changed:
            table = _table(Company.__table__)
            conn = self.session.connection()
            conn.execute(
                _update_by_id(
                    table, ("type", "website", "tags", "genre_preferences", "notes"), self.now
                ),
                changed,
            )
            if links:
                conn.execute(insert(company_territories), links)

    def _given_company_fields(self) -> set[str]:
        return {name for name in COMPANY_FIELDS if name in self.columns.fields}

    def _update_contacts(self) -> None:
        columns = (
            "company_id",
            "name",
            "name_native",
            "role",
            "email",
            "phone",
            "preferred_language",
            "timezone",
            "notes",
            "source",
            "consent",
        )
        changed: list[dict[str, Any]] = []
        ids = list(self.contact_updates)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.session.execute(
                select(Contact.id, *(getattr(Contact, c) for c in columns)).where(
                    Contact.id.in_(chunk)
                )
            )
            for contact_id, *values in rows:
                current = dict(zip(columns, values, strict=True))
                new, company_id = self.contact_updates[contact_id]
                given = {
                    "company_id": company_id,
                    "name": new.name,
                    "name_native": new.name_native,
                    "role": new.role,
                    "email": new.email,
                    "phone": new.phone,
                    "preferred_language": new.language,
                    "timezone": new.timezone,
                    "notes": new.notes,
                    "source": new.source,
                    "consent": new.consent,
                }
                # Empty cells never blank what is recorded.
                wanted = {c: given[c] if given[c] is not None else current[c] for c in columns}
                label = f"{new.name}" + (f" <{new.email}>" if new.email else "")
                if wanted != current:
                    changed.append(
                        {"_id": contact_id, **{f"new_{k}": v for k, v in wanted.items()}}
                    )
                    self.report.note("contact updated", lambda: label)  # noqa: B023
                else:
                    self.report.note("contact unchanged", lambda: label)  # noqa: B023
        if self.write and changed:
            table = _table(Contact.__table__)
            self.session.connection().execute(_update_by_id(table, columns, self.now), changed)


def _update_by_id(table: Table, columns: tuple[str, ...], now: Any) -> Any:
    """UPDATE ... SET each column from the row's `new_<column>`, bumping the version."""
    values: dict[str, Any] = {c: bindparam(f"new_{c}", type_=table.c[c].type) for c in columns}
    values["version"] = table.c.version + 1
    values["updated_at"] = now
    return update(table).where(table.c.id == bindparam("_id")).values(values)


def _table(table: Any) -> Table:
    assert isinstance(table, Table)
    return table


def _contact_key(email: str | None, company_id: uuid.UUID | None, name: str) -> Any:
    if email:
        return email.lower()
    return (company_id, fold(name))


def _list(value: str, field_name: str) -> list[str]:
    items = [validate.clean_text(p, field=field_name, max_length=100) for p in value.split(";")]
    return sorted({i for i in items if i})


def _audit(session: Session, report: ImportReport, file_name: str) -> uuid.UUID:
    """One entry for the whole import: bulk inserts bypass the per-row audit hook."""
    agent = current_agent(session)
    entry_id = uuid.uuid4()
    counts = {k.replace(" ", "_"): v for k, v in sorted(report.counts.items())}
    summary = ", ".join(f"{v} {k}" for k, v in sorted(report.counts.items()) if k in CHANGES)
    session.add(
        AuditEntry(
            id=entry_id,
            agent_id=agent.id,
            agent_name=agent.name,
            action=AuditAction.IMPORT,
            entity="import",
            entity_id=entry_id,
            summary=f"import of {file_name}: {summary}"[:500],
            changes=json.loads(
                json.dumps(
                    {
                        "file": file_name,
                        "source": report.source,
                        "rows": report.rows,
                        "rejected": report.rejected,
                        "counts": counts,
                        "columns": report.mapped,
                    },
                    ensure_ascii=False,
                )
            ),
        )
    )
    session.flush()
    return entry_id

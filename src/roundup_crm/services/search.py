"""Finding anything by a few words: films, companies, contacts and meeting notes.

Matching is case- and accent-insensitive ("cine lumiere" finds "Ciné-Lumière") and works
for Hangul ("범죄도시"). Every word typed must occur somewhere in the record.

How the folding is done, and why: the text is folded *inside the database* by an
expression that compiles per engine, so filtering, ordering and limits stay in SQL and no
row travels to Python just to be rejected.

* SQLite: a deterministic SQL function `roundup_fold`, registered on the connection, runs
  the same `fold` the rest of the code uses.
* PostgreSQL: `translate(lower(x), <accented>, <bare>)` plus a few `replace`s for letters
  that fold to two ("æ" -> "ae"). The table is generated from `fold` itself, so both
  engines agree; no `unaccent` extension (which needs rights to install) is required.

A stored, pre-folded search column was the alternative. It would be faster per row, but it
is a schema change and every writer (including bulk imports that bypass the ORM) would have
to keep it up to date; a forgotten one silently hides records from search. Substring search
with a leading wildcard cannot use a B-tree index either way, so both designs scan; measured
at 10k companies and 100k meetings the scan stays well under a second (benchmarks/).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from roundup_crm.errors import InvalidInput
from roundup_crm.models import Company, Contact, Film, Market, Meeting, MeetingFilm, short_id
from roundup_crm.services.territories import fold

SQLITE_FOLD = "roundup_fold"
MAX_WORDS = 8


class folded(FunctionElement[str]):
    """`fold(x)` evaluated by the database; see the module docstring."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_FOLD}({compiler.process(element.clauses, **kw)})"


# Combining marks Python's fold drops (accents, Japanese voicing marks...), as a regex class.
_COMBINING = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a]"
# Letters that NFKD leaves whole but fold() changes, in both cases for databases whose
# lower() only knows ASCII (the "C" locale).
_BARE = [
    ("ß", "ss"), ("ẞ", "ss"), ("ς", "σ"), ("ø", "o"), ("Ø", "o"), ("æ", "ae"), ("Æ", "ae"),
    ("œ", "oe"), ("Œ", "oe"), ("ł", "l"), ("Ł", "l"), ("đ", "d"), ("Đ", "d"), ("ð", "d"),
    ("Ð", "d"), ("þ", "th"), ("Þ", "th"), ("ı", "i"), ("ħ", "h"), ("Ħ", "h"),
]  # fmt: skip


@compiles(folded)
def _folded_default(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL (13+, UTF-8): decompose, drop the marks, lower-case, all in C code. A
    # translate() table over every accented letter was measured ~100x slower.
    inner = compiler.process(element.clauses, **kw)
    expression = f"lower(regexp_replace(normalize({inner}, NFKD), '{_COMBINING}', '', 'g'))"
    for letter, bare in _BARE:
        expression = f"replace({expression}, '{letter}', '{bare}')"
    return expression


def search_form(text: str) -> str:
    """What `folded()` gives for `text` on every engine: fold(), then NFKD, so Hangul is
    compared as jamo (PostgreSQL's normalize() offers no way to recompose only Hangul)."""
    return unicodedata.normalize("NFKD", fold(text))


def register_fold(session: Session) -> None:
    """Make `folded()` usable on this session's connection (SQLite needs the function)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if raw is None:  # pragma: no cover - a pooled connection always has one
        return
    raw.create_function(SQLITE_FOLD, 1, _fold_or_none, deterministic=True)


def _fold_or_none(value: Any) -> str | None:
    return None if value is None else search_form(str(value))


def words(text: str, *, field: str = "search") -> list[str]:
    """The folded words of a query; punctuation separates words as spaces do."""
    found = [search_form(w) for w in re.split(r"[\W_]+", fold(text)) if w]
    if not found:
        raise InvalidInput(field, text, "give at least one letter or digit to look for")
    if len(found) > MAX_WORDS:
        raise InvalidInput(field, text, f"at most {MAX_WORDS} words")
    return found


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _joined(columns: list[Any]) -> ColumnElement[str]:
    joined: Any = func.coalesce(columns[0], "")
    for column in columns[1:]:
        joined = joined + literal(" ") + func.coalesce(column, "")
    return joined


# SQLite GLOB for "holds a character outside ASCII".
_NOT_ASCII = "*[^\x01-\x7f]*"


def text_match(session: Session, columns: list[Any], text: str, *, field: str = "search") -> Any:
    """A WHERE condition: every word of `text` occurs in one of `columns`, folded.

    Plain ASCII text folds to its lower case, so such rows are decided by a case-insensitive
    LIKE alone; only the others pay for folding (a Python call per row on SQLite, normalize()
    on PostgreSQL). Prepares the session's connection (SQLite needs the fold function).
    """
    register_fold(session)
    raw = _joined(columns)
    patterns = [f"%{_escape_like(w)}%" for w in words(text, field=field)]
    if session.connection().dialect.name == "sqlite":
        plain: Any = raw  # SQLite's LIKE ignores ASCII case by itself
        not_ascii: Any = raw.op("GLOB")(literal(_NOT_ASCII))
    else:
        plain = func.lower(raw)
        not_ascii = func.octet_length(raw) != func.char_length(raw)
    return and_(
        *(
            or_(
                plain.like(p, escape="\\"),
                and_(not_ascii, folded(raw).like(p, escape="\\")),
            )
            for p in patterns
        )
    )


def json_text_contains(column: Any, value: str) -> Any:
    """A JSON list column holds `value` (the list is matched on its serialised text).

    Portable across SQLite and PostgreSQL JSON, where json_each and jsonb operators are
    not; both store the text SQLAlchemy serialised, so the quoted element is found as is.
    """
    import json

    as_text = cast(column, String)
    forms = {json.dumps(value, ensure_ascii=False), json.dumps(value)}  # older rows: escaped
    return or_(*(as_text.like(f"%{_escape_like(f)}%", escape="\\") for f in sorted(forms)))


@dataclass(frozen=True)
class Hit:
    kind: str
    id: uuid.UUID
    name: str
    detail: str

    def row(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": short_id(self.id),
            "name": self.name,
            "detail": self.detail,
        }


def search(session: Session, text: str, *, limit: int = 20) -> list[Hit]:
    """Films, companies, contacts, meetings and meeting film notes matching every word."""
    if limit < 1:
        raise InvalidInput("limit", limit, "must be at least 1")
    words(text)  # refuse an empty query before touching the database
    hits: list[Hit] = []

    film_columns = [
        Film.title,
        Film.original_title,
        Film.original_title_romanised,
        cast(Film.alternate_titles, String),
        Film.slug,
        Film.series,
    ]
    for film in session.scalars(
        select(Film)
        .where(text_match(session, film_columns, text))
        .order_by(Film.title)
        .limit(limit)
    ):
        also = ", ".join(t for t in [film.original_title, *film.alternate_titles] if t)
        hits.append(
            Hit("film", film.id, film.title, f"{film.slug}" + (f"; {also}" if also else ""))
        )

    live = Company.merged_into_id.is_(None)
    company_columns = [Company.name, Company.notes, cast(Company.tags, String)]
    for company in session.scalars(
        select(Company)
        .where(live, text_match(session, company_columns, text))
        .order_by(Company.name)
        .limit(limit)
    ):
        hits.append(
            Hit(
                "company",
                company.id,
                company.name,
                " ".join(p for p in [company.country or "", company.type.value] if p),
            )
        )

    contact_columns = [
        Contact.name,
        Contact.name_native,
        Contact.email,
        Contact.role,
        Contact.notes,
    ]
    contact_rows = session.execute(
        select(Contact, Company.name)
        .outerjoin(Company, Company.id == Contact.company_id)
        .where(Contact.erased_at.is_(None), text_match(session, contact_columns, text))
        .order_by(Contact.name)
        .limit(limit)
    )
    for contact, company_name in contact_rows:
        detail = ", ".join(p for p in [contact.role, company_name, contact.email] if p)
        hits.append(Hit("contact", contact.id, contact.name, detail))

    meeting_rows = session.execute(
        select(Meeting.id, Meeting.starts_at, Meeting.notes, Company.name, Market.name)
        .join(Company, Company.id == Meeting.company_id)
        .outerjoin(Market, Market.id == Meeting.market_id)
        .where(Meeting.notes.is_not(None), text_match(session, [Meeting.notes], text))
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    )
    for meeting_id, starts_at, notes, company_name, market_name in meeting_rows:
        where = f"{market_name}, " if market_name else ""
        hits.append(
            Hit(
                "meeting",
                meeting_id,
                f"{company_name} {starts_at:%Y-%m-%d}",
                where + _snippet(notes or "", text),
            )
        )

    note_rows = session.execute(
        select(Meeting.id, Meeting.starts_at, MeetingFilm.note, Company.name, Film.title)
        .join(Meeting, Meeting.id == MeetingFilm.meeting_id)
        .join(Company, Company.id == Meeting.company_id)
        .join(Film, Film.id == MeetingFilm.film_id)
        .where(MeetingFilm.note.is_not(None), text_match(session, [MeetingFilm.note], text))
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    )
    for meeting_id, starts_at, note, company_name, film_title in note_rows:
        hits.append(
            Hit(
                "meeting film",
                meeting_id,
                f"{company_name} {starts_at:%Y-%m-%d}",
                f"{film_title}: {_snippet(note or '', text)}",
            )
        )
    return hits


def _snippet(text: str, query: str, width: int = 80) -> str:
    """The part of a long note around the first word searched for."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    first = words(query)[0]
    position = fold(flat).find(first)
    start = max(0, position - width // 3) if position >= 0 else 0
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")

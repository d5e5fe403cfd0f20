"""The one Jinja environment: user templates first, shipped ones after, autoescape on."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from roundup_crm.config import templates_dir
from roundup_crm.errors import InvalidInput

LANGUAGES = ("en", "ko")
BABEL_LOCALES = {"en": "en_GB", "ko": "ko_KR"}


def template_roots(user_dir: Path | None) -> list[Path]:
    """Where templates (and the files they link: CSS, fonts, logos) may come from."""
    roots = []
    if user_dir is not None:
        if not user_dir.is_dir():
            raise InvalidInput("templates", str(user_dir), "not a folder")
        roots.append(user_dir.resolve())
    roots.append(templates_dir().resolve())
    return roots


def make_environment(user_dir: Path | None = None) -> jinja2.Environment:
    """Build the environment every document renders with.

    A missing variable is an error (StrictUndefined), never a silent blank; user input is
    escaped everywhere (autoescape), so HTML or Jinja syntax in a note prints as text.
    """
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(str(root)) for root in template_roots(user_dir)]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(
        money=format_money,
        number=format_number,
        day=format_day,
        moment=format_moment,
        slot=format_slot,
        phone=format_phone,
    )
    env.globals["labels"] = labels
    env.globals["template_file"] = partial(template_file, tuple(template_roots(user_dir)))
    return env


def template_file(roots: tuple[Path, ...], name: str) -> str:
    """The file: URI of a file a template links (stylesheet, logo), user's copy first.

    Absolute, so HTML saved with `--html` still finds its stylesheets when opened or
    rendered from anywhere else on the machine.
    """
    for root in roots:
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate.as_uri()
    raise InvalidInput("template", name, "not found in the template folders")


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the data folder, so a one-off command skips compiling.

    Keyed by template name and source checksum: an edited or user-supplied template is
    compiled afresh. Without a writable data folder, templates are compiled every time.
    """
    from roundup_crm.config import data_dir

    folder = data_dir() / "cache" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@cache
def _labels(lang: str) -> Mapping[str, Any]:
    path = templates_dir() / "i18n" / f"{lang}.toml"
    return tomllib.loads(path.read_text("utf-8"))


def labels(lang: str) -> Mapping[str, Any]:
    """The words a document prints around the data, in English or Korean.

    Mostly text; a few tables (genres, territory group names) map stored codes to words.
    """
    if lang not in LANGUAGES:
        raise InvalidInput("lang", lang, f"expected one of {', '.join(LANGUAGES)}")
    return _labels(lang)


def _locale(lang: str) -> str:
    return BABEL_LOCALES.get(lang, "en_GB")


def format_money(
    amount: Decimal | None, currency: str | None, lang: str = "en", whole: bool = False
) -> str:
    """`1,250,000 €`-style amounts in the document's language (babel); `whole` drops the
    cents (rounded), as reports print MGs."""
    if amount is None:
        return ""
    from babel.numbers import format_currency

    if not currency:
        return format_number(amount, lang)
    if whole:
        return str(
            format_currency(
                amount, currency, format="¤#,##0", locale=_locale(lang), currency_digits=False
            )
        )
    return str(format_currency(amount, currency, locale=_locale(lang), decimal_quantization=False))


def format_number(value: int | Decimal | float | None, lang: str = "en") -> str:
    if value is None:
        return ""
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=_locale(lang)))


def format_day(value: date | None, lang: str = "en", style: str = "medium") -> str:
    if value is None:
        return ""
    from babel.dates import format_date

    return str(format_date(value, format=style, locale=_locale(lang)))


def format_moment(value: datetime | None, tz: str = "UTC", lang: str = "en") -> str:
    """A UTC time shown in a zone (the market's), e.g. `14 Feb 2026, 10:30 CET`."""
    if value is None:
        return ""
    from babel.dates import format_datetime

    local = value.astimezone(ZoneInfo(tz))
    pattern = "d MMM y, HH:mm zzz" if lang == "en" else "y. M. d. HH:mm zzz"
    return str(format_datetime(local, pattern, tzinfo=ZoneInfo(tz), locale=_locale(lang)))


def format_slot(start: datetime, end: datetime, tz: str, lang: str = "en") -> str:
    """A screening slot in a market's zone: `Fri 13 Feb · 10:30–12:20`."""
    from babel.dates import format_datetime

    zone = ZoneInfo(tz)
    first, last = start.astimezone(zone), end.astimezone(zone)
    day = "EEE d MMM" if lang == "en" else "M월 d일 (E)"
    text = str(format_datetime(first, day, tzinfo=zone, locale=_locale(lang)))
    return f"{text} · {first:%H:%M}–{last:%H:%M}"


def format_phone(value: str | None) -> str:
    """A stored E.164 number as people read it: `+82 10-5555-0101`."""
    if not value:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def render_html(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateNotFound as exc:
        raise InvalidInput("template", exc.name, "not found in the template folders") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InvalidInput(
            "template", f"{exc.filename or exc.name}:{exc.lineno}", exc.message or "syntax error"
        ) from None
    except jinja2.UndefinedError as exc:
        raise InvalidInput("template", template, f"uses a value the data lacks: {exc}") from None

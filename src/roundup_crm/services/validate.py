"""Validation of the fields people and spreadsheets give us: names, emails, phones, types.

Shared by the commands that add and edit records and by the importers, so a value that
`company add` refuses is refused by `import companies` in the same words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from urllib.parse import urlparse

from roundup_crm.errors import InvalidInput
from roundup_crm.models import CompanyType

MAX_TEXT = 20_000
MAX_NAME = 300

# Legal-form suffixes and prefixes that do not tell two companies apart.
_LEGAL_FORMS = [
    "gmbh & co. kg",
    "gmbh & co kg",
    "gmbh",
    "ag",
    "kg",
    "ug",
    "e.k.",
    "ltd.",
    "ltd",
    "limited",
    "llc",
    "l.l.c.",
    "inc.",
    "inc",
    "incorporated",
    "corp.",
    "corp",
    "corporation",
    "co., ltd.",
    "co. ltd.",
    "co., ltd",
    "co ltd",
    "co.",
    "plc",
    "s.a.",
    "sa",
    "s.a.s.",
    "sas",
    "s.a.r.l.",
    "sarl",
    "s.r.l.",
    "srl",
    "s.l.",
    "sl",
    "s.p.a.",
    "spa",
    "b.v.",
    "bv",
    "n.v.",
    "nv",
    "a/s",
    "as",
    "ab",
    "oy",
    "oyj",
    "sp. z o.o.",
    "sp. z o. o.",
    "s.r.o.",
    "kft.",
    "kft",
    "pty ltd",
    "pty. ltd.",
    "pty",
    "k.k.",
    "kk",
    "kabushiki kaisha",
    "pte. ltd.",
    "pte ltd",
    "sdn. bhd.",
    "sdn bhd",
    "ltda.",
    "ltda",
    "s.a. de c.v.",
    "sa de cv",
    "주식회사",
    "(주)",
    "㈜",
    "유한회사",
    "株式会社",
    "有限公司",
    "d.o.o.",
    "doo",
    "ooo",
    "llp",
    "lp",
]
_LEGAL_RE = re.compile(
    r"(?:^|[\s,])(?:"
    + "|".join(re.escape(f) for f in sorted(_LEGAL_FORMS, key=len, reverse=True))
    + r")(?=$|[\s,])"
)


def match_key(name: str) -> str:
    """The key two spellings of one company share: "Nordlicht Filmverleih GmbH" and
    "NORDLICHT FILMVERLEIH" both give "nordlicht filmverleih"."""
    if name.isascii():  # most names: nothing to decompose (imports call this per row)
        folded = name.lower()
    else:
        folded = unicodedata.normalize("NFKD", name.casefold())
        folded = "".join(c for c in folded if not unicodedata.combining(c))
        folded = unicodedata.normalize("NFKC", folded)
    previous = None
    while previous != folded:  # "Foo Co., Ltd." has two forms stacked
        previous = folded
        folded = _LEGAL_RE.sub(" ", folded)
    folded = folded.replace("&", " and ")
    folded = re.sub(r"[^\w\s]", " ", folded)
    folded = re.sub(r"\bthe\b", " ", folded)
    return " ".join(folded.split())[:300]


# Unicode category Cc (C0 and C1 controls, DEL) except tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str | None, *, field: str, max_length: int = MAX_TEXT) -> str | None:
    """Free text (notes, bios): trimmed; NUL and other control characters refused."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    bad = _CONTROL.search(text)
    if bad is not None:
        raise InvalidInput(
            field, _short(value), f"contains control character U+{ord(bad.group()):04X}"
        )
    if len(text) > max_length:
        raise InvalidInput(field, _short(value), f"longer than {max_length} characters")
    return text


def required_name(value: str | None, *, field: str = "name", max_length: int = MAX_NAME) -> str:
    text = clean_text(value, field=field, max_length=max_length)
    if not text:
        raise InvalidInput(field, value or "", "is required")
    if "\n" in text or "\r" in text:
        raise InvalidInput(field, _short(text), "must be one line")
    return text


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


# The plain ASCII addresses that make up nearly every buyer list. For these the full
# validator's answer is known (local part kept, domain lower-cased), so importing 100k
# rows need not pay its cost per row; anything else goes through email_validator.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_EMAIL = re.compile(
    rf"({_ATEXT}(?:\.{_ATEXT})*)@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+"
    r"([A-Za-z]{2,63}))"
)
_SPECIAL_USE_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def email(value: str | None, *, field: str = "email") -> str | None:
    """A syntactically valid address, normalised (no DNS look-up: works offline)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    plain = _PLAIN_EMAIL.fullmatch(text)
    if (
        plain is not None
        and len(plain.group(1)) <= 64
        and len(text) <= 254
        and "--" not in plain.group(2)
        and plain.group(3).lower() not in _SPECIAL_USE_TLDS
    ):
        return f"{plain.group(1)}@{plain.group(2).lower()}"
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(field, value, str(exc).rstrip(".")) from None
    return str(result.normalized)


_INTERNATIONAL_PHONE = re.compile(r"\+[0-9][0-9 ()./-]*")
_PHONE_PUNCTUATION = str.maketrans("", "", "+ ()./-")


@cache
def _numbering_plan(country_code: int) -> tuple[frozenset[int], re.Pattern[str] | None] | None:
    """Allowed national number lengths and trunk prefix of a country code's main region."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions or regions[0] == "001":
        return None
    metadata = PhoneMetadata.metadata_for_region(regions[0])
    if metadata is None or metadata.general_desc is None:
        return None
    trunk = metadata.national_prefix_for_parsing
    return frozenset(metadata.general_desc.possible_length), re.compile(trunk) if trunk else None


def _plain_international(text: str) -> str | None:
    """E.164 for "+49 30 1234567"-style numbers without asking phonenumbers to parse them.

    Only when the answer is certain: a known country code, a national number of a
    length its plan allows, and nothing phonenumbers would strip as a trunk prefix
    ("+44 (0)20 ..."). Anything else returns None and goes through phonenumbers.
    """
    if not _INTERNATIONAL_PHONE.fullmatch(text):
        return None
    digits = text.translate(_PHONE_PUNCTUATION)
    for size in (1, 2, 3):
        plan = _numbering_plan(int(digits[:size]))
        if plan is not None:
            break
    else:
        return None
    lengths, trunk = plan
    national = digits[size:]
    if len(national) not in lengths or (trunk is not None and trunk.match(national)):
        return None
    return f"+{digits}"


def phone(value: str | None, *, country: str | None = None, field: str = "phone") -> str | None:
    """A phone number in E.164 (+4930123456); national numbers need the country."""
    if value is None or not value.strip():
        return None
    plain = _plain_international(value.strip())
    if plain is not None:
        return plain
    import phonenumbers

    try:
        number = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException:
        raise InvalidInput(
            field, value, "not a phone number (use +<country code> if no country is known)"
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidInput(field, value, "not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_TYPE_SYNONYMS = {
    "distributor": CompanyType.THEATRICAL,
    "theatrical": CompanyType.THEATRICAL,
    "theatrical distributor": CompanyType.THEATRICAL,
    "broadcaster": CompanyType.FREE_TV,
    "tv": CompanyType.FREE_TV,
    "free tv": CompanyType.FREE_TV,
    "pay tv": CompanyType.PAY_TV,
    "streamer": CompanyType.SVOD,
    "streaming": CompanyType.SVOD,
    "platform": CompanyType.SVOD,
    "home video": CompanyType.HOME_ENTERTAINMENT,
    "home entertainment": CompanyType.HOME_ENTERTAINMENT,
    "dvd": CompanyType.HOME_ENTERTAINMENT,
    "airline": CompanyType.INFLIGHT,
    "in-flight": CompanyType.INFLIGHT,
    "sales": CompanyType.SALES_AGENT,
    "sales agent": CompanyType.SALES_AGENT,
    "journalist": CompanyType.PRESS,
    "media": CompanyType.PRESS,
}


def company_type(value: str, *, field: str = "type") -> CompanyType:
    key = " ".join(value.strip().lower().replace("_", " ").split())
    for member in CompanyType:
        if key in (member.value, member.value.replace("-", " ")):
            return member
    if key in _TYPE_SYNONYMS:
        return _TYPE_SYNONYMS[key]
    choices = ", ".join(t.value for t in CompanyType)
    raise InvalidInput(field, value, f"not a company type ({choices})")


# "www.example.com", "https://example.co.kr/films": a host of plain labels and a plain
# path, the form nearly every link in a buyer list has. Such a link is taken as it is,
# exactly as urlparse below would give it back, without parsing it.
_PLAIN_URL = re.compile(
    r"(https?://)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
    r"(?:/[A-Za-z0-9._~/-]*)?"
)


def url(value: str | None, *, field: str = "url") -> str | None:
    """An http(s) link as given; nothing else (no file:, javascript:, data:)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    plain = _PLAIN_URL.fullmatch(text)
    if plain is not None:
        return text if plain.group(1) else f"https://{text}"
    # "javascript:alert(1)" or "file:x" has a scheme but no "//": never take it for a host.
    if "://" not in text and re.match(r"[A-Za-z][A-Za-z0-9+.-]*:(?!\d)", text):
        raise InvalidInput(field, value, "not an http(s) link")
    try:
        # Both raise on malformed links: an unclosed "[" (IPv6 host), a port that is not one.
        parsed = urlparse(text if "://" in text else f"https://{text}")
        parsed.port  # noqa: B018
    except ValueError:
        raise InvalidInput(field, value, "not an http(s) link") from None
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in text:
        raise InvalidInput(field, value, "not an http(s) link")
    return parsed.geturl()


def language(value: str | None, *, field: str = "language") -> str | None:
    """An ISO 639 language by code or English name -> its two- or three-letter code."""
    if value is None or not value.strip():
        return None
    import pycountry

    raw = value.strip()
    # Codes first: lookup() alone takes "ko" for the Ko language (fuj), not Korean.
    found = None
    if len(raw) == 2:
        found = pycountry.languages.get(alpha_2=raw.lower())
    elif len(raw) == 3:
        found = pycountry.languages.get(alpha_3=raw.lower())
    if found is None:
        try:
            found = pycountry.languages.lookup(raw)
        except LookupError:
            raise InvalidInput(field, value, "not an ISO 639 language code or name") from None
    return str(getattr(found, "alpha_2", None) or found.alpha_3)

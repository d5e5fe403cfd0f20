"""The closed vocabularies of the trade, in the sales agent's words."""

from __future__ import annotations

from enum import StrEnum


class FilmStatus(StrEnum):
    DEVELOPMENT = "development"
    PRE_PRODUCTION = "pre-production"
    PRODUCTION = "production"
    POST = "post"
    COMPLETED = "completed"
    RELEASED = "released"


class CreditRole(StrEnum):
    DIRECTOR = "director"
    WRITER = "writer"
    PRODUCER = "producer"
    EXECUTIVE_PRODUCER = "executive-producer"
    CAST = "cast"
    DOP = "dop"
    EDITOR = "editor"
    COMPOSER = "composer"
    PRODUCTION_DESIGNER = "production-designer"
    MARTIAL_ARTS = "martial-arts-director"
    OTHER = "other"


class CompanyType(StrEnum):
    THEATRICAL = "theatrical-distributor"
    FREE_TV = "free-tv"
    PAY_TV = "pay-tv"
    SVOD = "svod"
    AVOD = "avod"
    TVOD = "tvod"
    HOME_ENTERTAINMENT = "home-entertainment"
    INFLIGHT = "inflight"
    SALES_AGENT = "sales-agent"
    FESTIVAL = "festival"
    PRESS = "press"


class TerritoryKind(StrEnum):
    COUNTRY = "country"
    GROUP = "group"


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"
    NO_SHOW = "no-show"


class Interest(StrEnum):
    HOT = "hot"
    WARM = "warm"
    COLD = "cold"
    PASS = "pass"


class Stage(StrEnum):
    LEAD = "lead"
    PITCHED = "pitched"
    SCREENER_SENT = "screener-sent"
    OFFER = "offer"
    NEGOTIATING = "negotiating"
    WON = "won"
    LOST = "lost"

    @property
    def is_open(self) -> bool:
        return self not in (Stage.WON, Stage.LOST)


class OfferSide(StrEnum):
    BUYER = "buyer"  # an offer from the buyer
    SELLER = "seller"  # our counter-offer


class OfferStatus(StrEnum):
    OPEN = "open"
    COUNTERED = "countered"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class DealStatus(StrEnum):
    MEMO_SIGNED = "memo-signed"
    LONG_FORM_SIGNED = "long-form-signed"
    DELIVERED = "delivered"
    PAID = "paid"


class ScreeningKind(StrEnum):
    MARKET_SCREENING = "market-screening"
    PRESS_SCREENING = "press-screening"
    PANEL = "panel"
    QA = "q-and-a"
    PRESS_EVENT = "press-event"


class AssetKind(StrEnum):
    POSTER = "poster"
    STILL = "still"
    LOGO = "logo"


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    MERGE = "merge"
    ERASE = "erase"
    IMPORT = "import"

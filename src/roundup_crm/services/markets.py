"""Markets (EFM 2026, Cannes 2026...), their screenings and events, and who was invited.

Times typed for a market are read in the market's own time zone and shown in it; they are
stored in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roundup_crm.errors import Ambiguous, Conflict, InvalidInput, NotFound
from roundup_crm.models import (
    Company,
    Contact,
    Film,
    Invitation,
    Market,
    Meeting,
    Screening,
    ScreeningKind,
)
from roundup_crm.services import validate
from roundup_crm.services.lookup import (
    by_short_id,
    find_company,
    find_contact,
    find_film,
    find_market,
)
from roundup_crm.services.parsing import parse_date, parse_datetime, parse_int, zone

MAX_MARKET_DAYS = 31


def _optional(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    return validate.required_name(value, field=field)


def add_market(
    session: Session,
    *,
    name: str,
    starts_on: str,
    ends_on: str,
    timezone: str,
    city: str | None = None,
    venue: str | None = None,
    stand: str | None = None,
) -> Market:
    """A market edition with its dates and the IANA zone its times are typed in."""
    clean = validate.required_name(name, field="name", max_length=200)
    start = parse_date(starts_on, field="start date")
    end = parse_date(ends_on, field="end date")
    if end < start:
        raise InvalidInput("end date", ends_on, f"is before the start date {start.isoformat()}")
    if (end - start).days > MAX_MARKET_DAYS:
        raise InvalidInput("end date", ends_on, f"more than {MAX_MARKET_DAYS} days after the start")
    zone(timezone.strip(), field="timezone")
    existing = session.scalar(select(Market).where(func.lower(Market.name) == clean.lower()))
    if existing is not None:
        raise Conflict(f"market {existing.name!r} already exists (id {existing.short_id})")
    market = Market(
        name=clean,
        starts_on=start,
        ends_on=end,
        timezone=timezone.strip(),
        city=_optional(city, "city"),
        venue=_optional(venue, "venue"),
        stand=_optional(stand, "stand"),
    )
    session.add(market)
    session.flush()
    return market


def list_markets(session: Session, *, year: str | None = None) -> list[dict[str, Any]]:
    meetings = (
        select(Meeting.market_id, func.count().label("n")).group_by(Meeting.market_id).subquery()
    )
    screenings = (
        select(Screening.market_id, func.count().label("n"))
        .group_by(Screening.market_id)
        .subquery()
    )
    query = (
        select(Market, func.coalesce(meetings.c.n, 0), func.coalesce(screenings.c.n, 0))
        .outerjoin(meetings, meetings.c.market_id == Market.id)
        .outerjoin(screenings, screenings.c.market_id == Market.id)
        .order_by(Market.starts_on.desc(), Market.name)
    )
    if year:
        y = parse_int(year, field="year", minimum=1900, maximum=2200)
        query = query.where(Market.starts_on >= date(y, 1, 1), Market.starts_on <= date(y, 12, 31))
    return [
        {
            "id": m.short_id,
            "name": m.name,
            "city": m.city,
            "starts_on": m.starts_on,
            "ends_on": m.ends_on,
            "timezone": m.timezone,
            "stand": m.stand,
            "meetings": n_meetings,
            "screenings": n_screenings,
        }
        for m, n_meetings, n_screenings in session.execute(query)
    ]


def local(moment: datetime, market: Market | None) -> datetime:
    """A stored UTC time as the market's clock shows it."""
    return moment.astimezone(ZoneInfo(market.timezone)) if market else moment


def screening_row(
    screening: Screening, film_title: str | None, invited: int, came: int
) -> dict[str, Any]:
    starts = local(screening.starts_at, screening.market)
    return {
        "id": screening.short_id,
        "at": starts.strftime("%Y-%m-%d %H:%M"),
        "kind": screening.kind,
        "film": film_title,
        "title": screening.title,
        "venue": screening.venue,
        "minutes": screening.duration_minutes,
        "invited": invited,
        "attended": came,
    }


def _screening_rows(
    session: Session, market: Market | None = None, film: Film | None = None
) -> list[dict[str, Any]]:
    counts = (
        select(
            Invitation.screening_id,
            func.count().label("invited"),
            func.count().filter(Invitation.attended.is_(True)).label("came"),
        )
        .group_by(Invitation.screening_id)
        .subquery()
    )
    query = (
        select(
            Screening,
            Film.title,
            func.coalesce(counts.c.invited, 0),
            func.coalesce(counts.c.came, 0),
        )
        .outerjoin(Film, Film.id == Screening.film_id)
        .outerjoin(counts, counts.c.screening_id == Screening.id)
        .order_by(Screening.starts_at)
    )
    if market is not None:
        query = query.where(Screening.market_id == market.id)
    if film is not None:
        query = query.where(Screening.film_id == film.id)
    return [screening_row(s, title, n, came) for s, title, n, came in session.execute(query)]


def show_market(session: Session, value: str) -> dict[str, Any]:
    """A market's facts, its screenings, and how many meetings (by status and by day)."""
    market = find_market(session, value)
    by_status = dict(
        session.execute(
            select(Meeting.status, func.count())
            .where(Meeting.market_id == market.id)
            .group_by(Meeting.status)
        ).all()
    )
    tz = ZoneInfo(market.timezone)
    per_day: dict[str, int] = {}
    # Days are the market's local days, which UTC dates would split wrongly at night.
    for (starts_at,) in session.execute(
        select(Meeting.starts_at).where(Meeting.market_id == market.id)
    ):
        day = starts_at.astimezone(tz).date().isoformat()
        per_day[day] = per_day.get(day, 0) + 1
    return {
        "id": str(market.id),
        "name": market.name,
        "city": market.city,
        "venue": market.venue,
        "stand": market.stand,
        "starts_on": market.starts_on,
        "ends_on": market.ends_on,
        "timezone": market.timezone,
        "meetings": sum(by_status.values()),
        "meetings_by_status": {str(status): n for status, n in sorted(by_status.items())},
        "meetings_by_day": dict(sorted(per_day.items())),
        "screenings": _screening_rows(session, market=market),
    }


def screening_kind(value: str) -> ScreeningKind:
    key = value.strip().lower().replace(" ", "-").replace("_", "-")
    aliases = {
        "screening": "market-screening",
        "press": "press-screening",
        "qa": "q-and-a",
        "q&a": "q-and-a",
    }
    key = aliases.get(key, key)
    for kind in ScreeningKind:
        if key == kind.value:
            return kind
    choices = ", ".join(k.value for k in ScreeningKind)
    raise InvalidInput("kind", value, f"not a screening or event kind ({choices})")


def add_screening(
    session: Session,
    *,
    market: str,
    at: str,
    film: str | None = None,
    kind: str = "market-screening",
    venue: str | None = None,
    minutes: str | None = None,
    title: str | None = None,
    notes: str | None = None,
) -> Screening:
    """A screening, panel, Q&A or press event at a market, at a time on the market's clock."""
    found_market = find_market(session, market)
    parsed_kind = screening_kind(kind)
    found_film = find_film(session, film) if film else None
    if found_film is None and parsed_kind in (
        ScreeningKind.MARKET_SCREENING,
        ScreeningKind.PRESS_SCREENING,
    ):
        raise InvalidInput("film", "", f"a {parsed_kind.value} needs --film")
    tz = zone(found_market.timezone)
    starts = parse_datetime(at, tz, field="time")
    local_day = starts.astimezone(tz).date()
    # A day's slack either side: press events often happen on the eve of a market.
    if not (
        found_market.starts_on - timedelta(days=1)
        <= local_day
        <= found_market.ends_on + timedelta(days=1)
    ):
        raise InvalidInput(
            "time",
            at,
            f"is outside {found_market.name} ({found_market.starts_on} to {found_market.ends_on})",
        )
    screening = Screening(
        market=found_market,
        film_id=found_film.id if found_film else None,
        kind=parsed_kind,
        starts_at=starts,
        venue=_optional(venue, "venue"),
        title=_optional(title, "title"),
        notes=validate.clean_text(notes, field="notes"),
        duration_minutes=(
            parse_int(minutes, field="minutes", minimum=1, maximum=24 * 60)
            if minutes is not None
            else (found_film.runtime_minutes if found_film and found_film.runtime_minutes else 120)
        ),
    )
    session.add(screening)
    session.flush()
    return screening


def list_screenings(
    session: Session, *, market: str | None = None, film: str | None = None
) -> list[dict[str, Any]]:
    return _screening_rows(
        session,
        market=find_market(session, market) if market else None,
        film=find_film(session, film) if film else None,
    )


def find_screening(session: Session, value: str) -> Screening:
    """A screening by the id shown in lists, or by film when that film has one screening."""
    found = by_short_id(session, Screening, value, "screening")
    if found is not None:
        return found
    try:
        film = find_film(session, value)
    except NotFound:
        raise NotFound(
            "screening", value, "give the id shown by `roundup-crm screening list`"
        ) from None
    screenings = list(session.scalars(select(Screening).where(Screening.film_id == film.id)))
    if len(screenings) == 1:
        return screenings[0]
    if not screenings:
        raise NotFound("screening", value, f"{film.title} has no screening yet")
    raise Ambiguous(
        "screening",
        value,
        [f"{s.short_id} {local(s.starts_at, s.market):%Y-%m-%d %H:%M}" for s in screenings],
    )


def invite(
    session: Session,
    screening: str,
    *,
    company: str,
    contact: str | None = None,
    attended: bool | None = None,
) -> Invitation:
    """Invite a buyer (optionally one person there) to a screening, or record that they came.

    Inviting the same buyer again updates the invitation instead of adding a second one.
    """
    found = find_screening(session, screening)
    buyer: Company = find_company(session, company)
    person: Contact | None = find_contact(session, contact, buyer) if contact else None
    if person is not None and person.company_id != buyer.id:
        raise InvalidInput("contact", contact, f"does not work at {buyer.name}")
    same_person = Invitation.contact_id == person.id if person else Invitation.contact_id.is_(None)
    invitation = session.scalars(
        select(Invitation).where(
            Invitation.screening_id == found.id, Invitation.company_id == buyer.id, same_person
        )
    ).first()
    if invitation is None:
        invitation = Invitation(
            screening=found,
            company_id=buyer.id,
            contact_id=person.id if person else None,
            attended=attended,
        )
        session.add(invitation)
    elif attended is not None:
        invitation.attended = attended
    session.flush()
    return invitation

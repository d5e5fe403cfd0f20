"""A market's meetings and screenings as an iCalendar file for the agent's calendar app.

Events are in the market's time zone (with its VTIMEZONE, so a meeting at 10:00 in
Berlin stays at 10:00 Berlin time on any phone), and each has a UID made from its
record id plus a SEQUENCE from its version: exporting again after a change updates
the event in the calendar instead of adding a second one.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.models import (
    Company,
    Contact,
    Film,
    Invitation,
    Market,
    Meeting,
    MeetingFilm,
    MeetingStatus,
    Screening,
    meeting_contacts,
)
from roundup_crm.services.lookup import find_market
from roundup_crm.services.parsing import parse_date, zone

UID_DOMAIN = "roundup-crm"


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str | None
    description: str
    attendees: tuple[Attendee, ...]
    cancelled: bool
    sequence: int
    stamp: datetime


@dataclass(frozen=True)
class MarketCalendar:
    market: str
    timezone: str
    events: tuple[CalendarEvent, ...]


def uid(kind: str, record_id: uuid.UUID) -> str:
    """The same record always gets the same UID: calendars update it, never duplicate it."""
    return f"{kind}-{record_id}@{UID_DOMAIN}"


def market_calendar(session: Session, *, market: str, day: str | None = None) -> MarketCalendar:
    """Every meeting and screening of a market (or of one of its days) as calendar events."""
    row = find_market(session, market)
    tz = zone(row.timezone, field="market timezone")
    first, last = row.starts_on, row.ends_on
    if day is not None:
        first = last = parse_date(day, field="day")
    start = datetime.combine(min(first, last), time(0), tz).astimezone(UTC)
    end = datetime.combine(max(first, last) + timedelta(days=1), time(0), tz).astimezone(UTC)
    events = _meetings(session, row, start, end) + _screenings(session, row, start, end)
    events.sort(key=lambda e: (e.starts_at, e.uid))
    return MarketCalendar(row.name, row.timezone, tuple(events))


def _place(market: Market, place: str | None) -> str | None:
    if place:
        return place
    parts = [f"Stand {market.stand}" if market.stand else None, market.venue, market.city]
    return ", ".join(p for p in parts if p) or None


def _meetings(
    session: Session, market: Market, start: datetime, end: datetime
) -> list[CalendarEvent]:
    rows = session.execute(
        select(Meeting, Company.name)
        .join(Company, Company.id == Meeting.company_id)
        .where(Meeting.market_id == market.id, Meeting.starts_at >= start, Meeting.starts_at < end)
        .order_by(Meeting.starts_at)
    ).all()
    ids = [meeting.id for meeting, _ in rows]
    people: dict[uuid.UUID, list[tuple[str, str | None]]] = defaultdict(list)
    films: dict[uuid.UUID, list[str]] = defaultdict(list)
    if ids:
        for meeting_id, name, email in session.execute(
            select(meeting_contacts.c.meeting_id, Contact.name, Contact.email)
            .join(Contact, Contact.id == meeting_contacts.c.contact_id)
            .where(meeting_contacts.c.meeting_id.in_(ids), Contact.erased_at.is_(None))
            .order_by(Contact.name)
        ):
            people[meeting_id].append((name, email))
        for meeting_id, title, interest, note in session.execute(
            select(MeetingFilm.meeting_id, Film.title, MeetingFilm.interest, MeetingFilm.note)
            .join(Film, Film.id == MeetingFilm.film_id)
            .where(MeetingFilm.meeting_id.in_(ids))
            .order_by(Film.title)
        ):
            line = f"- {title}" + (f" ({interest.value})" if interest else "")
            films[meeting_id].append(line + (f": {note}" if note else ""))
    events = []
    for meeting, company in rows:
        who = people[meeting.id]
        lines = []
        if films[meeting.id]:
            lines += ["Films to pitch:", *films[meeting.id]]
        if who:
            lines.append("With: " + ", ".join(name for name, _ in who))
        if meeting.notes:
            lines += ["", meeting.notes]
        events.append(
            CalendarEvent(
                uid=uid("meeting", meeting.id),
                starts_at=meeting.starts_at,
                ends_at=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
                summary=f"Meeting: {company}",
                location=_place(market, meeting.place),
                description="\n".join(lines),
                attendees=tuple(Attendee(name, email) for name, email in who if email),
                cancelled=meeting.status == MeetingStatus.CANCELLED,
                sequence=meeting.version,
                stamp=meeting.updated_at,
            )
        )
    return events


def _screenings(
    session: Session, market: Market, start: datetime, end: datetime
) -> list[CalendarEvent]:
    rows = session.execute(
        select(Screening, Film.title)
        .outerjoin(Film, Film.id == Screening.film_id)
        .where(
            Screening.market_id == market.id,
            Screening.starts_at >= start,
            Screening.starts_at < end,
        )
        .order_by(Screening.starts_at)
    ).all()
    ids = [screening.id for screening, _ in rows]
    guests: dict[uuid.UUID, list[tuple[str, str | None]]] = defaultdict(list)
    if ids:
        for screening_id, company, name, email in session.execute(
            select(Invitation.screening_id, Company.name, Contact.name, Contact.email)
            .outerjoin(Company, Company.id == Invitation.company_id)
            .outerjoin(Contact, Contact.id == Invitation.contact_id)
            .where(Invitation.screening_id.in_(ids))
            .order_by(Company.name, Contact.name)
        ):
            guests[screening_id].append((name or company or "?", email))
    events = []
    for screening, film in rows:
        what = screening.title or film or screening.kind.value
        kind = screening.kind.value.replace("-", " ")
        lines = [f"{kind.capitalize()}" + (f" of {film}" if film else "")]
        if guests[screening.id]:
            lines.append("Invited: " + ", ".join(name for name, _ in guests[screening.id]))
        if screening.notes:
            lines += ["", screening.notes]
        events.append(
            CalendarEvent(
                uid=uid("screening", screening.id),
                starts_at=screening.starts_at,
                ends_at=screening.starts_at + timedelta(minutes=screening.duration_minutes),
                summary=f"{kind.capitalize()}: {what}" if what != kind else what,
                location=screening.venue or _place(market, None),
                description="\n".join(lines),
                attendees=tuple(Attendee(n, e) for n, e in guests[screening.id] if e),
                cancelled=False,
                sequence=screening.version,
                stamp=screening.updated_at,
            )
        )
    return events


def to_ics(calendar: MarketCalendar) -> bytes:
    """The calendar as RFC 5545 text, events in the market's zone with its VTIMEZONE."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event, vCalAddress, vText

    tz = ZoneInfo(calendar.timezone)
    cal = Calendar()
    cal.add("prodid", "-//roundup-crm//market schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar.market)
    cal.add("x-wr-timezone", calendar.timezone)
    for item in calendar.events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp.astimezone(UTC))
        event.add("sequence", item.sequence)
        event.add("dtstart", item.starts_at.astimezone(tz))
        event.add("dtend", item.ends_at.astimezone(tz))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        for person in item.attendees:
            address = vCalAddress(f"mailto:{person.email}")
            address.params["cn"] = vText(person.name)
            address.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", address)
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())

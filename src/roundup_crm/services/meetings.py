"""Market meetings: logging one in seconds, planning them, and the day's plan at the stand.

`log_meeting` is the command an agent types between two buyers, so it stays cheap: a
fixed handful of queries whatever the number of films (one for all films, one for all
their opportunities), and nothing here imports rich, pycountry or babel.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.db import current_agent, hold
from roundup_crm.errors import Conflict, InvalidInput
from roundup_crm.models import (
    Agent,
    Company,
    Contact,
    Film,
    FollowUp,
    Interest,
    Market,
    Meeting,
    MeetingFilm,
    MeetingStatus,
    Opportunity,
    Screening,
    Stage,
    meeting_contacts,
)
from roundup_crm.models.base import short_id, utcnow
from roundup_crm.services import pipeline
from roundup_crm.services.lookup import find_company, find_contact, find_film, find_market
from roundup_crm.services.parsing import parse_date, parse_datetime, zone
from roundup_crm.services.validate import clean_text

DEFAULT_MINUTES = 30
# A meeting logged without --at fills in a scheduled one with that company if "now" falls
# between a quarter of an hour before its start and an hour after its end.
EARLY = timedelta(minutes=15)
LATE = timedelta(minutes=60)


def parse_status(value: str, *, field: str = "status") -> MeetingStatus:
    try:
        return MeetingStatus(value.strip().lower().replace("_", "-").replace(" ", "-"))
    except ValueError:
        choices = ", ".join(s.value for s in MeetingStatus)
        raise InvalidInput(field, value, f"not a meeting status ({choices})") from None


def parse_film_interest(value: str) -> tuple[str, Interest | None]:
    """`the-roundup:hot` -> ("the-roundup", HOT). A colon followed by words with spaces is
    part of a title ("The Roundup: No Way Out"), not an interest level."""
    name, sep, suffix = value.rpartition(":")
    if sep and name.strip() and re.fullmatch(r"\s*[A-Za-z-]{1,12}\s*", suffix):
        return name.strip(), pipeline.parse_interest(suffix, field="film interest")
    return value.strip(), None


def parse_duration(value: int | None) -> int | None:
    if value is None:
        return None
    if not 1 <= value <= 24 * 60:
        raise InvalidInput("duration", value, "expected minutes, from 1 to 1440")
    return value


def market_day(market: Market, tz: ZoneInfo, value: str | None = None) -> date:
    """The day meant by `--day` (default: today if the market is on, else its first day)."""
    today = datetime.now(tz).date()
    if value:
        return parse_date(value, field="day", today=today)
    if market.starts_on <= today <= market.ends_on:
        return today
    return market.starts_on


def meeting_zone(market: Market | None, tz: str | None) -> ZoneInfo:
    """The zone meeting times are typed and shown in: the market's, else `--tz`, else
    this computer's (a meeting at the office or on a video call)."""
    if market is not None:
        if tz is not None:
            raise InvalidInput("tz", tz, "times at a market are in the market's zone; drop --tz")
        return zone(market.timezone, field="market timezone")
    if tz is not None:
        return zone(tz, field="tz")
    from tzlocal import get_localzone_name

    name = os.environ.get("TZ", "").removeprefix(":")
    try:
        if name and not name.startswith("/"):
            return zone(name, field="TZ")
        return zone(get_localzone_name() or "UTC", field="local time zone")
    except (InvalidInput, LookupError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, InvalidInput) else str(exc)
        raise InvalidInput(
            "time zone", name or "(this computer's)", f"{reason}; give --tz ZONE"
        ) from None


def parse_at(market: Market | None, tz: ZoneInfo, value: str | None) -> datetime:
    """`--at`: now by default; `10:30` is today in the meeting's zone (at a market: the
    market's only day when today is not one of its days); a date and time may always be
    given in full."""
    if value is None:
        return datetime.now(UTC)
    if re.fullmatch(r"\s*\d{1,2}[:h.]\d{2}\s*", value):
        today = datetime.now(tz).date()
        if market is None or market.starts_on <= today <= market.ends_on:
            day = today
        elif market.starts_on == market.ends_on:
            day = market.starts_on
        else:
            raise InvalidInput(
                "at",
                value,
                f"today is not a day of {market.name} ({market.starts_on} to "
                f"{market.ends_on}): give the date too, like {market.starts_on} {value.strip()}",
            )
        return parse_datetime(value, tz, field="at", day=day)
    return parse_datetime(value, tz, field="at")


@dataclass(frozen=True)
class FilmOutcome:
    film: str
    interest: str | None
    opportunity_id: uuid.UUID
    stage: str
    created: bool
    moved_from: str | None  # the stage it was in, when this meeting moved it

    @property
    def opportunity_ref(self) -> str:
        return short_id(self.opportunity_id)


@dataclass(frozen=True)
class LoggedMeeting:
    meeting: Meeting
    market: str | None
    local_start: datetime
    filled_in: bool  # an already scheduled meeting was completed rather than a new one made
    outcomes: tuple[FilmOutcome, ...]
    followup: FollowUp | None


def _films(session: Session, names: Sequence[str]) -> list[Film]:
    """Films by slug in one query; anything else (titles, prefixes) the slow way."""
    slugs = [n.lower() for n in names]
    by_slug = {f.slug: f for f in session.scalars(select(Film).where(Film.slug.in_(slugs)))}
    return [by_slug.get(n.lower()) or find_film(session, n) for n in names]


def _contacts(session: Session, names: Sequence[str], company: Company) -> list[Contact]:
    found: dict[uuid.UUID, Contact] = {}
    for name in names:
        contact = find_contact(session, name, company)
        if contact.company_id != company.id:
            raise InvalidInput("contact", name, f"does not work at {company.name}")
        found.setdefault(contact.id, contact)
    return list(found.values())


def _film_choices(films: Sequence[str]) -> list[tuple[str, Interest | None]]:
    chosen: dict[str, Interest | None] = {}
    for raw in films:
        name, level = parse_film_interest(raw)
        if not name:
            raise InvalidInput("film", raw, "empty")
        chosen[name] = level  # the last mention of a film wins
    return list(chosen.items())


def _scheduled_slot(
    session: Session,
    market: Market | None,
    company: Company,
    at: datetime,
    *,
    exact: bool,
) -> Meeting | None:
    """A scheduled meeting with this company that the one being logged is."""
    window = select(Meeting).where(
        Meeting.market_id.is_(None) if market is None else Meeting.market_id == market.id,
        Meeting.company_id == company.id,
        Meeting.status == MeetingStatus.SCHEDULED,
        Meeting.starts_at >= at - timedelta(hours=26),
        Meeting.starts_at <= at + EARLY,
    )
    best: Meeting | None = None
    for meeting in session.scalars(window):
        end = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        late = timedelta(0) if exact else LATE
        if meeting.starts_at - EARLY <= at < end + late and (
            best is None or abs(meeting.starts_at - at) < abs(best.starts_at - at)
        ):
            best = meeting
    return best


def log_meeting(
    session: Session,
    *,
    market: str | None,
    company: str,
    films: Sequence[str] = (),
    contacts: Sequence[str] = (),
    at: str | None = None,
    tz: str | None = None,
    duration: int | None = None,
    place: str | None = None,
    note: str | None = None,
    followup: str | None = None,
    due: str | None = None,
    status: str | None = None,
) -> LoggedMeeting:
    """Record a meeting, the films discussed and the buyer's interest, a note and a
    follow-up, and bring each film's opportunity up to date, in one unit of work.

    Without a market (an office visit, a call), times are in `tz` or this computer's
    zone. A film new to this buyer starts an opportunity at `pitched`; a `lead` is moved
    to `pitched`; `pass` records the interest and moves the opportunity to lost with the
    reason "passed at <market>". A lost opportunity discussed again with interest is
    reopened at `pitched` (one conversation per buyer and film, history intact); one
    passed again stays lost.
    """
    state = parse_status(status) if status else MeetingStatus.HELD
    if state == MeetingStatus.SCHEDULED:
        raise InvalidInput("status", status, "use `meeting schedule` to plan a meeting")
    choices = _film_choices(films)
    if choices and state != MeetingStatus.HELD:
        raise InvalidInput(
            "film", films[0], f"a {state.value} meeting has no films discussed; drop --film"
        )
    minutes = parse_duration(duration)
    note_text = clean_text(note, field="note")
    place_text = clean_text(place, field="place", max_length=300)
    followup_text = clean_text(followup, field="followup", max_length=500)
    if due and not followup_text:
        raise InvalidInput("due", due, "--due needs --followup TEXT")

    market_row = find_market(session, market) if market else None
    zone_info = meeting_zone(market_row, tz)
    starts = parse_at(market_row, zone_info, at)
    due_on = parse_date(due, field="due", today=datetime.now(zone_info).date()) if due else None
    company_row = find_company(session, company)
    # Agents logging meetings with one buyer at once would otherwise both fill in the
    # same planned meeting, or both start an opportunity for the same film.
    hold(session, company_row)
    contact_rows = _contacts(session, contacts, company_row)
    film_rows = _films(session, [name for name, _ in choices])
    agent = current_agent(session)

    meeting = _scheduled_slot(session, market_row, company_row, starts, exact=at is not None)
    filled_in = meeting is not None
    if meeting is None:
        meeting = Meeting(
            market_id=market_row.id if market_row else None,
            company_id=company_row.id,
            agent_id=agent.id,
            starts_at=starts,
            duration_minutes=minutes or DEFAULT_MINUTES,
            place=place_text or (market_row.stand if market_row else None),
            status=state,
            notes=note_text,
        )
        meeting.contacts = contact_rows
        session.add(meeting)
        planned: dict[uuid.UUID, MeetingFilm] = {}
    else:
        if at is not None:
            meeting.starts_at = starts
        if minutes:
            meeting.duration_minutes = minutes
        if place_text:
            meeting.place = place_text
        meeting.status = state
        meeting.agent_id = agent.id
        if note_text:
            meeting.notes = f"{meeting.notes}\n{note_text}" if meeting.notes else note_text
        known = {c.id for c in meeting.contacts}
        meeting.contacts.extend(c for c in contact_rows if c.id not in known)
        planned = {mf.film_id: mf for mf in meeting.films}

    # Where it happened, for the stage history: "at EFM 2026", "in a meeting on 2026-03-04".
    where = (
        f"at {market_row.name}"
        if market_row
        else f"in a meeting on {starts.astimezone(zone_info).date().isoformat()}"
    )
    reason = f"passed {where}"
    # A meeting typed up afterwards (on the plane home, the next morning) moved the
    # pipeline when it was held, so the weekly report counts it in the right week. Never
    # in the future, and never before an opportunity's latest move: history stays in order.
    held_at = min(starts, utcnow())

    def moved_at(opportunity: Opportunity) -> datetime:
        return max(held_at, opportunity.stage_changed_at + timedelta(microseconds=1))

    opportunities = pipeline.current_opportunities(
        session, company_row.id, [f.id for f in film_rows]
    )
    outcomes: list[FilmOutcome] = []
    for film_row, (_, level) in zip(film_rows, choices, strict=True):
        if film_row.id in planned:
            planned[film_row.id].interest = level
        else:
            row = MeetingFilm(meeting_id=meeting.id, film_id=film_row.id, interest=level)
            session.add(row)
            planned[film_row.id] = row
        opportunity = opportunities.get(film_row.id)
        created = opportunity is None
        before: str | None = None
        if opportunity is None:
            opportunity = pipeline.start_opportunity(
                session,
                film=film_row,
                company=company_row,
                stage=Stage.PITCHED,
                interest=level,
                note=f"pitched {where}",
                agent=agent,
                at=held_at,
            )
            opportunities[film_row.id] = opportunity
        else:
            if level is not None:
                opportunity.interest = level
            if opportunity.stage == Stage.LOST and level != Interest.PASS:
                # The buyer is interested again: the same conversation picks up.
                before = opportunity.stage.value
                pipeline.move(
                    session,
                    opportunity,
                    Stage.PITCHED,
                    note=f"interested again {where}",
                    agent=agent,
                    at=moved_at(opportunity),
                )
                opportunity.lost_reason = None
            elif opportunity.stage == Stage.LEAD:
                before = opportunity.stage.value
                pipeline.move(
                    session,
                    opportunity,
                    Stage.PITCHED,
                    note=f"pitched {where}",
                    agent=agent,
                    at=moved_at(opportunity),
                )
        if level == Interest.PASS and opportunity.stage != Stage.LOST:
            before = before or opportunity.stage.value
            pipeline.move(
                session,
                opportunity,
                Stage.LOST,
                note=reason,
                agent=agent,
                at=moved_at(opportunity),
            )
            opportunity.lost_reason = reason
        outcomes.append(
            FilmOutcome(
                film=film_row.slug,
                interest=level.value if level else None,
                opportunity_id=opportunity.id,
                stage=opportunity.stage.value,
                created=created,
                moved_from=before,
            )
        )

    task = None
    if followup_text:
        task = FollowUp(
            title=followup_text,
            due_on=due_on,
            owner_id=agent.id,
            meeting_id=meeting.id,
            company_id=company_row.id,
            contact_id=contact_rows[0].id if contact_rows else None,
            opportunity_id=outcomes[0].opportunity_id if len(outcomes) == 1 else None,
        )
        session.add(task)
    session.flush()
    return LoggedMeeting(
        meeting=meeting,
        market=market_row.name if market_row else None,
        local_start=meeting.starts_at.astimezone(zone_info),
        filled_in=filled_in,
        outcomes=tuple(outcomes),
        followup=task,
    )


def schedule_meeting(
    session: Session,
    *,
    market: str | None,
    company: str,
    at: str,
    films: Sequence[str] = (),
    contacts: Sequence[str] = (),
    tz: str | None = None,
    duration: int | None = None,
    place: str | None = None,
    note: str | None = None,
) -> tuple[Meeting, list[str]]:
    """Plan a meeting (status scheduled). Returns it and any clashes with the agent's day."""
    minutes = parse_duration(duration) or DEFAULT_MINUTES
    note_text = clean_text(note, field="note")
    place_text = clean_text(place, field="place", max_length=300)
    market_row = find_market(session, market) if market else None
    zone_info = meeting_zone(market_row, tz)
    starts = parse_at(market_row, zone_info, at)
    company_row = find_company(session, company)
    hold(session, company_row)  # two agents planning the same slot: one gets the clash
    contact_rows = _contacts(session, contacts, company_row)
    choices = _film_choices(films)
    film_rows = _films(session, [name for name, _ in choices])
    agent = current_agent(session)
    same = session.scalar(
        select(Meeting.id).where(
            Meeting.company_id == company_row.id,
            Meeting.starts_at == starts,
            Meeting.status == MeetingStatus.SCHEDULED,
        )
    )
    if same is not None:
        raise Conflict(
            f"meeting {short_id(same)} with {company_row.name} is already scheduled at "
            f"{starts.astimezone(zone_info):%Y-%m-%d %H:%M}"
        )
    meeting = Meeting(
        market_id=market_row.id if market_row else None,
        company_id=company_row.id,
        agent_id=agent.id,
        starts_at=starts,
        duration_minutes=minutes,
        place=place_text or (market_row.stand if market_row else None),
        status=MeetingStatus.SCHEDULED,
        notes=note_text,
    )
    meeting.contacts = contact_rows
    session.add(meeting)
    for film_row, (_, level) in zip(film_rows, choices, strict=True):
        session.add(MeetingFilm(meeting_id=meeting.id, film_id=film_row.id, interest=level))
    session.flush()
    if market_row is None:
        return meeting, _clashes_off_market(session, meeting, agent, zone_info)
    day = starts.astimezone(zone_info).date().isoformat()
    plan = day_plan(session, market=market_row.name, day=day)
    clashes = next((i.clashes for i in plan.items if i.id == meeting.id), ())
    return meeting, list(clashes)


def _clashes_off_market(
    session: Session, meeting: Meeting, agent: Agent, tz: ZoneInfo
) -> list[str]:
    """The agent's other planned or held meetings overlapping one outside any market."""
    end = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    others = session.execute(
        select(Meeting, Company.name)
        .join(Company, Company.id == Meeting.company_id)
        .where(
            Meeting.agent_id == agent.id,
            Meeting.id != meeting.id,
            Meeting.status.in_([MeetingStatus.SCHEDULED, MeetingStatus.HELD]),
            Meeting.starts_at < end,
            Meeting.starts_at >= meeting.starts_at - timedelta(hours=24),
        )
        .order_by(Meeting.starts_at)
    )
    return [
        f"overlaps {name} at {other.starts_at.astimezone(tz):%Y-%m-%d %H:%M %Z}"
        for other, name in others
        if other.starts_at + timedelta(minutes=other.duration_minutes) > meeting.starts_at
    ]


# --- Reading meetings -----------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    id: uuid.UUID
    starts_at: datetime  # in the market's zone
    duration_minutes: int
    market: str | None
    company: str
    contacts: tuple[str, ...]
    films: tuple[str, ...]  # "slug:interest"
    agent: str | None
    status: str
    place: str | None
    notes: str | None

    @property
    def ref(self) -> str:
        return short_id(self.id)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.ref,
            "starts": self.starts_at,
            "minutes": self.duration_minutes,
            "market": self.market,
            "company": self.company,
            "contacts": list(self.contacts),
            "films": list(self.films),
            "agent": self.agent,
            "status": self.status,
            "place": self.place,
        }


def _zone_of(name: str | None) -> ZoneInfo:
    """A market's zone; for a meeting at no market, this computer's (UTC if unknown)."""
    if name:
        return zone(name)
    try:
        return meeting_zone(None, None)
    except InvalidInput:
        return ZoneInfo("UTC")


def list_meetings(
    session: Session,
    *,
    market: str | None = None,
    day: str | None = None,
    company: str | None = None,
    agent: str | None = None,
    status: str | None = None,
    meeting_ids: Sequence[uuid.UUID] | None = None,
) -> list[MeetingRow]:
    """Meetings in time order, times in each meeting's market zone.

    `--day` is a day in the market's zone (with no market given, in each meeting's own)."""
    conditions = []
    market_row = find_market(session, market) if market else None
    if market_row is not None:
        conditions.append(Meeting.market_id == market_row.id)
    if company:
        conditions.append(Meeting.company_id == find_company(session, company).id)
    if agent:
        conditions.append(Meeting.agent_id == pipeline.find_agent(session, agent).id)
    if status:
        conditions.append(Meeting.status == parse_status(status))
    if meeting_ids is not None:
        conditions.append(Meeting.id.in_(meeting_ids))
    wanted_day: date | None = None
    if day:
        tz = _zone_of(market_row.timezone if market_row else None)
        wanted_day = parse_date(day, field="day", today=datetime.now(tz).date())
        start = datetime.combine(wanted_day, time(0), tz).astimezone(UTC)
        # Without a market the zone is not known yet: widen by a day each side, then keep
        # the meetings whose local date is the one asked for.
        slack = timedelta(0) if market_row else timedelta(hours=14)
        conditions.append(Meeting.starts_at >= start - slack)
        conditions.append(Meeting.starts_at < start + timedelta(days=1) + slack)
    rows = session.execute(
        select(Meeting, Company.name, Market.name, Market.timezone, Agent.name)
        .join(Company, Company.id == Meeting.company_id)
        .outerjoin(Market, Market.id == Meeting.market_id)
        .outerjoin(Agent, Agent.id == Meeting.agent_id)
        .where(*conditions)
        .order_by(Meeting.starts_at, Company.name)
    ).all()
    ids = [m.id for m, *_ in rows]
    films = _meeting_films(session, ids)
    people = _meeting_contacts(session, ids)
    out = []
    for meeting, company_name, market_name, tz_name, agent_name in rows:
        local = meeting.starts_at.astimezone(_zone_of(tz_name))
        if wanted_day is not None and local.date() != wanted_day:
            continue
        out.append(
            MeetingRow(
                id=meeting.id,
                starts_at=local,
                duration_minutes=meeting.duration_minutes,
                market=market_name,
                company=company_name,
                contacts=tuple(people.get(meeting.id, ())),
                films=tuple(
                    f"{slug}:{level.value}" if level else slug
                    for slug, level, _ in films.get(meeting.id, ())
                ),
                agent=agent_name,
                status=meeting.status.value,
                place=meeting.place,
                notes=meeting.notes,
            )
        )
    return out


def _chunks(ids: Sequence[uuid.UUID], size: int = 500) -> list[Sequence[uuid.UUID]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _meeting_films(
    session: Session, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[str, Interest | None, uuid.UUID]]]:
    out: dict[uuid.UUID, list[tuple[str, Interest | None, uuid.UUID]]] = defaultdict(list)
    for chunk in _chunks(ids):
        for meeting_id, slug, level, film_id in session.execute(
            select(MeetingFilm.meeting_id, Film.slug, MeetingFilm.interest, Film.id)
            .join(Film, Film.id == MeetingFilm.film_id)
            .where(MeetingFilm.meeting_id.in_(chunk))
            .order_by(Film.series_order, Film.slug)
        ):
            out[meeting_id].append((slug, level, film_id))
    return out


def _meeting_contacts(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    out: dict[uuid.UUID, list[str]] = defaultdict(list)
    for chunk in _chunks(ids):
        for meeting_id, name in session.execute(
            select(meeting_contacts.c.meeting_id, Contact.name)
            .join(Contact, Contact.id == meeting_contacts.c.contact_id)
            .where(meeting_contacts.c.meeting_id.in_(chunk))
            .order_by(Contact.name)
        ):
            out[meeting_id].append(name)
    return out


@dataclass(frozen=True)
class FollowUpLine:
    id: uuid.UUID
    title: str
    due_on: date | None
    done: bool


@dataclass(frozen=True)
class MeetingView:
    row: MeetingRow
    followups: tuple[FollowUpLine, ...]


def meeting_view(session: Session, meeting: Meeting) -> MeetingView:
    (row,) = list_meetings(session, meeting_ids=[meeting.id])
    tasks = tuple(
        FollowUpLine(t.id, t.title, t.due_on, t.done_at is not None)
        for t in session.scalars(
            select(FollowUp).where(FollowUp.meeting_id == meeting.id).order_by(FollowUp.due_on)
        )
    )
    return MeetingView(row=row, followups=tasks)


# --- The day's plan -------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItem:
    """One line of the day at the stand: a meeting or a screening, in the market's zone."""

    kind: str  # "meeting" | "screening"
    id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    title: str  # the company met, or the screening's title
    contacts: tuple[str, ...]
    films: tuple[str, ...]
    place: str | None
    agent: str | None
    status: str | None
    clashes: tuple[str, ...]

    @property
    def ref(self) -> str:
        return short_id(self.id)


@dataclass(frozen=True)
class DayPlan:
    market: str
    timezone: str
    day: date
    stand: str | None
    items: tuple[PlanItem, ...]

    @property
    def clash_count(self) -> int:
        return sum(1 for i in self.items if i.clashes)


_IDLE = (MeetingStatus.CANCELLED, MeetingStatus.NO_SHOW)


def day_plan(
    session: Session, *, market: str, day: str | None = None, agent: str | None = None
) -> DayPlan:
    """Meetings and screenings of one market day, in order, with clashes flagged:
    two live meetings of one agent that overlap, or a meeting held while a film it is
    about is screening."""
    market_row = find_market(session, market)
    tz = zone(market_row.timezone, field="market timezone")
    on = market_day(market_row, tz, day)
    agent_row = pipeline.find_agent(session, agent) if agent else None
    start = datetime.combine(on, time(0), tz).astimezone(UTC)
    end = start + timedelta(days=1)
    conditions = [
        Meeting.market_id == market_row.id,
        Meeting.starts_at >= start,
        Meeting.starts_at < end,
    ]
    if agent_row is not None:
        conditions.append(Meeting.agent_id == agent_row.id)
    meetings = session.execute(
        select(Meeting, Company.name, Agent.name)
        .join(Company, Company.id == Meeting.company_id)
        .outerjoin(Agent, Agent.id == Meeting.agent_id)
        .where(*conditions)
        .order_by(Meeting.starts_at)
    ).all()
    ids = [m.id for m, _, _ in meetings]
    films = _meeting_films(session, ids)
    people = _meeting_contacts(session, ids)
    screenings = session.execute(
        select(Screening, Film.slug)
        .outerjoin(Film, Film.id == Screening.film_id)
        .where(
            Screening.market_id == market_row.id,
            # a screening that started the evening before may run past midnight
            Screening.starts_at >= start - timedelta(hours=6),
            Screening.starts_at < end,
        )
        .order_by(Screening.starts_at)
    ).all()

    clashes: dict[uuid.UUID, list[str]] = defaultdict(list)
    spans = [
        (m, m.starts_at, m.starts_at + timedelta(minutes=m.duration_minutes), name)
        for m, name, _ in meetings
        if m.status not in _IDLE
    ]
    for i, (a, a_start, a_end, a_name) in enumerate(spans):
        for b, b_start, b_end, b_name in spans[i + 1 :]:
            if a.agent_id == b.agent_id and a_start < b_end and b_start < a_end:
                clashes[a.id].append(f"overlaps {b_name} at {b_start.astimezone(tz):%H:%M}")
                clashes[b.id].append(f"overlaps {a_name} at {a_start.astimezone(tz):%H:%M}")
    for screening, slug in screenings:
        s_start = screening.starts_at
        s_end = s_start + timedelta(minutes=screening.duration_minutes)
        for meeting, m_start, m_end, name in spans:
            film_ids = {film_id for _, _, film_id in films.get(meeting.id, ())}
            if screening.film_id in film_ids and m_start < s_end and s_start < m_end:
                when = f"{s_start.astimezone(tz):%H:%M}"
                clashes[meeting.id].append(f"during the {slug} screening at {when}")
                clashes[screening.id].append(f"meeting {name} about {slug} at the same time")

    items = [
        PlanItem(
            kind="meeting",
            id=m.id,
            starts_at=m.starts_at.astimezone(tz),
            ends_at=(m.starts_at + timedelta(minutes=m.duration_minutes)).astimezone(tz),
            title=company_name,
            contacts=tuple(people.get(m.id, ())),
            films=tuple(
                f"{slug}:{level.value}" if level else slug for slug, level, _ in films.get(m.id, ())
            ),
            place=m.place,
            agent=agent_name,
            status=m.status.value,
            clashes=tuple(clashes.get(m.id, ())),
        )
        for m, company_name, agent_name in meetings
    ]
    for screening, slug in screenings:
        s_end = screening.starts_at + timedelta(minutes=screening.duration_minutes)
        if s_end <= start:
            continue
        items.append(
            PlanItem(
                kind="screening",
                id=screening.id,
                starts_at=screening.starts_at.astimezone(tz),
                ends_at=s_end.astimezone(tz),
                title=screening.title or f"{screening.kind.value}: {slug or ''}".rstrip(": "),
                contacts=(),
                films=(slug,) if slug else (),
                place=screening.venue,
                agent=None,
                status=screening.kind.value,
                clashes=tuple(clashes.get(screening.id, ())),
            )
        )
    items.sort(key=lambda i: (i.starts_at, i.kind != "screening", i.title))
    return DayPlan(
        market=market_row.name,
        timezone=market_row.timezone,
        day=on,
        stand=market_row.stand,
        items=tuple(items),
    )

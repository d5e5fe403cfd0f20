"""Follow-ups: what to do next for a buyer, by when, and who owns it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from roundup_crm.db import current_agent
from roundup_crm.errors import Conflict, InvalidInput
from roundup_crm.models import Agent, Company, Contact, Film, FollowUp, Opportunity, utcnow
from roundup_crm.models.base import short_id
from roundup_crm.services import pipeline
from roundup_crm.services.lookup import (
    find_company,
    find_contact,
    find_film,
    find_followup,
    find_meeting,
    find_opportunity,
)
from roundup_crm.services.parsing import parse_date
from roundup_crm.services.validate import clean_text, required_name


def add_followup(
    session: Session,
    *,
    title: str,
    due: str | None = None,
    company: str | None = None,
    contact: str | None = None,
    film: str | None = None,
    opportunity: str | None = None,
    meeting: str | None = None,
    owner: str | None = None,
    notes: str | None = None,
) -> FollowUp:
    """A task for an agent (default: yourself), linked to what it is about.

    With `--film` and `--company`, it is linked to their open opportunity if there is one."""
    text = required_name(title, field="title", max_length=500)
    due_on = parse_date(due, field="due") if due else None
    note_text = clean_text(notes, field="notes")
    meeting_row = find_meeting(session, meeting) if meeting else None
    opportunity_row = find_opportunity(session, opportunity) if opportunity else None
    company_row = find_company(session, company) if company else None
    if company_row is None and opportunity_row is not None:
        company_row = session.get(Company, opportunity_row.company_id)
    if company_row is None and meeting_row is not None:
        company_row = session.get(Company, meeting_row.company_id)
    if film:
        film_row = find_film(session, film)
        if company_row is None:
            raise InvalidInput("film", film, "a follow-up about a film needs --company too")
        if opportunity_row is None:
            opportunity_row = pipeline.latest_opportunity(
                session, film_row, company_row, open_only=False
            )
    contact_row = find_contact(session, contact, company_row) if contact else None
    owner_row = pipeline.find_agent(session, owner) if owner else current_agent(session)
    task = FollowUp(
        title=text,
        due_on=due_on,
        owner_id=owner_row.id,
        meeting_id=meeting_row.id if meeting_row else None,
        opportunity_id=opportunity_row.id if opportunity_row else None,
        company_id=company_row.id if company_row else None,
        contact_id=contact_row.id if contact_row else None,
        notes=note_text,
    )
    session.add(task)
    session.flush()
    return task


def complete(session: Session, reference: str, *, note: str | None = None) -> FollowUp:
    task = find_followup(session, reference)
    if task.done_at is not None:
        raise Conflict(f"follow-up {task.short_id} was already done on {task.done_at:%Y-%m-%d}")
    note_text = clean_text(note, field="note")
    task.done_at = utcnow()
    if note_text:
        task.notes = f"{task.notes}\n{note_text}" if task.notes else note_text
    session.flush()
    return task


@dataclass(frozen=True)
class FollowUpRow:
    id: uuid.UUID
    due_on: date | None
    title: str
    company: str | None
    contact: str | None
    film: str | None
    owner: str | None
    meeting_id: uuid.UUID | None
    done_at: datetime | None
    overdue: bool

    @property
    def ref(self) -> str:
        return short_id(self.id)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.ref,
            "due": self.due_on,
            "title": self.title,
            "company": self.company,
            "contact": self.contact,
            "film": self.film,
            "owner": self.owner,
            "meeting": short_id(self.meeting_id) if self.meeting_id else None,
            "done": self.done_at.date() if self.done_at else None,
            "overdue": self.overdue,
        }


def list_followups(
    session: Session,
    *,
    overdue: bool = False,
    agent: str | None = None,
    mine: bool = False,
    include_done: bool = False,
    company: str | None = None,
    today: date | None = None,
) -> list[FollowUpRow]:
    """Open follow-ups by due date (undated last); overdue = due before today."""
    today = today or date.today()
    conditions: list[ColumnElement[bool]] = []
    if not include_done:
        conditions.append(FollowUp.done_at.is_(None))
    if overdue:
        conditions += [FollowUp.done_at.is_(None), FollowUp.due_on < today]
    if agent and mine:
        raise InvalidInput("agent", agent, "give --agent or --mine, not both")
    if agent:
        conditions.append(FollowUp.owner_id == pipeline.find_agent(session, agent).id)
    if mine:
        conditions.append(FollowUp.owner_id == current_agent(session).id)
    if company:
        conditions.append(FollowUp.company_id == find_company(session, company).id)
    owner = aliased(Agent)
    rows = session.execute(
        select(
            FollowUp.id,
            FollowUp.due_on,
            FollowUp.title,
            Company.name,
            Contact.name,
            Film.slug,
            owner.name,
            FollowUp.meeting_id,
            FollowUp.done_at,
        )
        .outerjoin(Company, Company.id == FollowUp.company_id)
        .outerjoin(Contact, Contact.id == FollowUp.contact_id)
        .outerjoin(Opportunity, Opportunity.id == FollowUp.opportunity_id)
        .outerjoin(Film, Film.id == Opportunity.film_id)
        .outerjoin(owner, owner.id == FollowUp.owner_id)
        .where(*conditions)
        .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.created_at)
    ).all()
    return [
        FollowUpRow(
            id=r[0],
            due_on=r[1],
            title=r[2],
            company=r[3],
            contact=r[4],
            film=r[5],
            owner=r[6],
            meeting_id=r[7],
            done_at=r[8],
            overdue=r[8] is None and r[1] is not None and r[1] < today,
        )
        for r in rows
    ]

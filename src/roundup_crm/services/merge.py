"""Merging two records of one buyer (or one person) into the survivor, with a merge log.

Everything that pointed at the merged record moves to the survivor: meetings,
opportunities, deals, follow-ups, invitations, contacts, territories, offers. Tags,
genres and notes are combined. A merged company stays in the database marked
`merged_into` (so old references and the audit trail keep their meaning, and lookups
skip it); a merged contact is deleted once nothing points at it, its details kept in
the merge log. One AuditEntry (action merge) lists what moved, id by id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from roundup_crm.db import current_agent
from roundup_crm.errors import InvalidInput
from roundup_crm.models import (
    AuditAction,
    AuditEntry,
    Contact,
    Deal,
    FollowUp,
    Invitation,
    Meeting,
    Offer,
    Opportunity,
    company_territories,
    meeting_contacts,
    utcnow,
)
from roundup_crm.services.lookup import find_company, find_contact


@dataclass
class MergePlan:
    """What a merge moves (or, in a dry run, would move), kind by kind."""

    kind: str
    survivor: str
    survivor_id: uuid.UUID
    merged: str
    merged_id: uuid.UUID
    moves: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    combined: dict[str, Any] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    audit_id: uuid.UUID | None = None

    def rows(self) -> list[dict[str, Any]]:
        out = [{"what": kind, "moved": len(ids)} for kind, ids in self.moves.items()]
        out += [
            {"what": f"{kind} (already on the survivor)", "moved": n}
            for kind, n in self.dropped.items()
        ]
        return out


def _ids(session: Session, column: Any, value: uuid.UUID, id_column: Any) -> list[uuid.UUID]:
    return list(session.scalars(select(id_column).where(column == value).order_by(id_column)))


def _move(session: Session, table: Table, column: str, ids: list[uuid.UUID], to: uuid.UUID) -> None:
    """Repoint rows of a versioned table, bumping their version like any edit would."""
    if not ids:
        return
    now = utcnow()
    for start in range(0, len(ids), 500):
        session.execute(
            update(table)
            .where(table.c.id.in_(ids[start : start + 500]))
            .values({column: to, "version": table.c.version + 1, "updated_at": now})
        )


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def merge_companies(
    session: Session, survivor: str, merged: str, *, dry_run: bool = False
) -> MergePlan:
    """Merge company `merged` into `survivor` (both given by name or id)."""
    keep = find_company(session, survivor)
    gone = find_company(session, merged)
    if keep.id == gone.id:
        raise InvalidInput("company", merged, "is the same company as the survivor")
    for role, company in ((merged, gone), (survivor, keep)):
        if company.merged_into_id is not None:
            raise InvalidInput("company", role, "was already merged into another company")
    plan = MergePlan("company", keep.name, keep.id, gone.name, gone.id)
    movable: dict[str, tuple[Any, Any]] = {
        "contacts": (Contact, Contact.company_id),
        "meetings": (Meeting, Meeting.company_id),
        "opportunities": (Opportunity, Opportunity.company_id),
        "deals": (Deal, Deal.company_id),
        "followups": (FollowUp, FollowUp.company_id),
    }
    for kind, (model, column) in movable.items():
        plan.moves[kind] = _ids(session, column, gone.id, model.id)
    # An invitation to a screening the survivor is already invited to (same person) is
    # a duplicate: it is dropped, keeping "attended" if either says so.
    invitations = session.scalars(select(Invitation).where(Invitation.company_id == gone.id)).all()
    kept_keys = {
        (i.screening_id, i.contact_id): i
        for i in session.scalars(select(Invitation).where(Invitation.company_id == keep.id))
    }
    moving_invitations = [i for i in invitations if (i.screening_id, i.contact_id) not in kept_keys]
    duplicate_invitations = [i for i in invitations if (i.screening_id, i.contact_id) in kept_keys]
    plan.moves["invitations"] = [i.id for i in moving_invitations]
    if duplicate_invitations:
        plan.dropped["invitations"] = len(duplicate_invitations)
    territories_kept = set(
        session.scalars(
            select(company_territories.c.territory_id).where(
                company_territories.c.company_id == keep.id
            )
        )
    )
    territories_gone = list(
        session.scalars(
            select(company_territories.c.territory_id).where(
                company_territories.c.company_id == gone.id
            )
        )
    )
    new_territories = [t for t in territories_gone if t not in territories_kept]
    plan.moves["territories"] = new_territories
    plan.combined = {
        "tags": sorted(set(keep.tags) | set(gone.tags)),
        "genre_preferences": sorted(set(keep.genre_preferences) | set(gone.genre_preferences)),
        "country": keep.country or gone.country,
        "website": keep.website or gone.website,
        "notes": _join_notes(keep.notes, gone.notes, gone.name),
    }
    plan.combined = {k: v for k, v in plan.combined.items() if getattr(keep, k) != v}
    if dry_run:
        return plan

    for kind, (model, _column) in movable.items():
        _move(session, _table(model), "company_id", plan.moves[kind], keep.id)
    _move(session, _table(Invitation), "company_id", plan.moves["invitations"], keep.id)
    for invitation in duplicate_invitations:
        twin = kept_keys[(invitation.screening_id, invitation.contact_id)]
        if invitation.attended and not twin.attended:
            twin.attended = True
        session.delete(invitation)
    if new_territories:
        session.execute(
            company_territories.insert(),
            [{"company_id": keep.id, "territory_id": t} for t in new_territories],
        )
    session.execute(delete(company_territories).where(company_territories.c.company_id == gone.id))
    for name, value in plan.combined.items():
        setattr(keep, name, value)
    gone.merged_into_id = keep.id
    session.flush()
    plan.audit_id = _log(session, plan, gone.id, snapshot=None)
    return plan


def merge_contacts(
    session: Session, survivor: str, merged: str, *, dry_run: bool = False
) -> MergePlan:
    """Merge contact `merged` into `survivor` (by email, name or id); `merged` is deleted."""
    keep = find_contact(session, survivor)
    gone = find_contact(session, merged)
    if keep.id == gone.id:
        raise InvalidInput("contact", merged, "is the same person as the survivor")
    plan = MergePlan("contact", keep.name, keep.id, gone.name, gone.id)
    kept_meetings = set(
        session.scalars(
            select(meeting_contacts.c.meeting_id).where(meeting_contacts.c.contact_id == keep.id)
        )
    )
    gone_meetings = list(
        session.scalars(
            select(meeting_contacts.c.meeting_id).where(meeting_contacts.c.contact_id == gone.id)
        )
    )
    plan.moves["meetings"] = [m for m in gone_meetings if m not in kept_meetings]
    if len(gone_meetings) > len(plan.moves["meetings"]):
        plan.dropped["meetings"] = len(gone_meetings) - len(plan.moves["meetings"])
    invitations = session.scalars(select(Invitation).where(Invitation.contact_id == gone.id)).all()
    kept_keys = {
        (i.screening_id, i.company_id): i
        for i in session.scalars(select(Invitation).where(Invitation.contact_id == keep.id))
    }
    moving = [i for i in invitations if (i.screening_id, i.company_id) not in kept_keys]
    twins = [i for i in invitations if (i.screening_id, i.company_id) in kept_keys]
    plan.moves["invitations"] = [i.id for i in moving]
    if twins:
        plan.dropped["invitations"] = len(twins)
    plan.moves["followups"] = _ids(session, FollowUp.contact_id, gone.id, FollowUp.id)
    plan.moves["offers"] = _ids(session, Offer.from_contact_id, gone.id, Offer.id)
    fill = ("email", "phone", "role", "name_native", "preferred_language", "timezone", "company_id")
    plan.combined = {name: getattr(gone, name) for name in fill if getattr(keep, name) is None}
    plan.combined = {k: v for k, v in plan.combined.items() if v is not None}
    notes = _join_notes(keep.notes, gone.notes, gone.name)
    if gone.email and keep.email and gone.email.lower() != keep.email.lower():
        notes = _join_notes(notes, f"also wrote from {gone.email}", gone.name)
    if notes != keep.notes:
        plan.combined["notes"] = notes
    if dry_run:
        return plan

    if plan.moves["meetings"]:
        session.execute(
            meeting_contacts.insert(),
            [{"meeting_id": m, "contact_id": keep.id} for m in plan.moves["meetings"]],
        )
    session.execute(delete(meeting_contacts).where(meeting_contacts.c.contact_id == gone.id))
    _move(session, _table(Invitation), "contact_id", plan.moves["invitations"], keep.id)
    for invitation in twins:
        twin = kept_keys[(invitation.screening_id, invitation.company_id)]
        if invitation.attended and not twin.attended:
            twin.attended = True
        session.delete(invitation)
    _move(session, _table(FollowUp), "contact_id", plan.moves["followups"], keep.id)
    _move(session, _table(Offer), "from_contact_id", plan.moves["offers"], keep.id)
    snapshot = {
        name: _plain(getattr(gone, name))
        for name in (
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
            "consent_at",
            "company_id",
            "created_at",
        )
    }
    session.flush()
    # The ORM's copy of the merged contact must not try to null what already moved.
    session.expire(gone)
    session.delete(gone)
    session.flush()
    for name, value in plan.combined.items():
        setattr(keep, name, value)
    session.flush()
    plan.audit_id = _log(session, plan, gone.id, snapshot=snapshot)
    return plan


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def _join_notes(kept: str | None, merged: str | None, merged_name: str) -> str | None:
    if not merged or (kept and merged in kept):
        return kept
    addition = f"[merged from {merged_name}] {merged}"
    return f"{kept}\n{addition}" if kept else addition


def _log(
    session: Session, plan: MergePlan, merged_id: uuid.UUID, *, snapshot: dict[str, Any] | None
) -> uuid.UUID:
    agent = current_agent(session)
    entry_id = uuid.uuid4()
    changes: dict[str, Any] = {
        "survivor": {"id": str(plan.survivor_id), "name": plan.survivor},
        "merged": {"id": str(plan.merged_id), "name": plan.merged},
        "moved": {kind: [str(i) for i in ids] for kind, ids in plan.moves.items() if ids},
        "dropped_duplicates": plan.dropped,
        "combined": {
            k: _plain(v) if not isinstance(v, list) else v for k, v in plan.combined.items()
        },
    }
    if snapshot is not None:
        changes["merged_record"] = snapshot
    moved = ", ".join(f"{len(ids)} {kind}" for kind, ids in plan.moves.items() if ids) or "nothing"
    session.add(
        AuditEntry(
            id=entry_id,
            agent_id=agent.id,
            agent_name=agent.name,
            action=AuditAction.MERGE,
            entity="companies" if plan.kind == "company" else "contacts",
            entity_id=plan.survivor_id,
            summary=f"merged {plan.merged} into {plan.survivor}: moved {moved}"[:500],
            changes=changes,
        )
    )
    session.flush()
    return entry_id

"""Looking at territories and defining the groups a sales team sells by.

A group includes countries or other groups and may carve some out ("Latin America excl.
Brazil"). A group may not contain itself, however deep the nesting, and must cover at
least one country.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from roundup_crm.errors import Conflict, InvalidInput
from roundup_crm.models import Territory, TerritoryKind, TerritoryMember
from roundup_crm.services import validate
from roundup_crm.services.territories import (
    country_codes,
    find_territories,
    find_territory,
    fold,
)


def list_territories(session: Session, *, groups_only: bool = False) -> list[dict[str, Any]]:
    member = aliased(TerritoryMember)
    counts = select(member.group_id, func.count().label("n")).group_by(member.group_id).subquery()
    query = (
        select(Territory, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.group_id == Territory.id)
        .order_by(Territory.kind.desc(), Territory.name)
    )
    if groups_only:
        query = query.where(Territory.kind == TerritoryKind.GROUP)
    rows = session.execute(query).all()
    expanded = _country_counts(session, [t for t, _ in rows if t.kind == TerritoryKind.GROUP])
    return [
        {
            "code": t.code,
            "name": t.name,
            "kind": t.kind,
            "builtin": t.builtin,
            "members": n,
            "countries": expanded.get(t.code, 1),
        }
        for t, n in rows
    ]


def _country_counts(session: Session, groups: list[Territory]) -> dict[str, int]:
    return {g.code: len(country_codes(session, [g])) for g in groups}


def show_territory(session: Session, value: str) -> dict[str, Any]:
    """A territory with its direct members and exclusions, and every country it covers."""
    territory = find_territory(session, value)
    from roundup_crm.services.reference import countries

    names = countries()
    included = [m.member for m in territory.members if not m.excluded]
    excluded = [m.member for m in territory.members if m.excluded]
    codes = sorted(country_codes(session, [territory]))
    containing = session.scalars(
        select(Territory)
        .join(TerritoryMember, TerritoryMember.group_id == Territory.id)
        .where(TerritoryMember.member_id == territory.id, TerritoryMember.excluded.is_(False))
        .order_by(Territory.name)
    )
    return {
        "code": territory.code,
        "name": territory.name,
        "kind": territory.kind,
        "builtin": territory.builtin,
        "members": [f"{t.name} ({t.code})" for t in sorted(included, key=lambda t: t.name)],
        "excluded": [f"{t.name} ({t.code})" for t in sorted(excluded, key=lambda t: t.name)],
        "countries": [{"code": c, "name": names.get(c, c)} for c in codes],
        "in_groups": [f"{g.name} ({g.code})" for g in containing],
    }


def _group_code(name: str) -> str:
    code = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:64].strip("-")
    if not code or len(code) <= 2:
        # Two letters would read as an ISO country code.
        raise InvalidInput("code", code or name, "give a group code of 3 or more letters (--code)")
    return code


def _would_cycle(
    session: Session, group: Territory, members: Iterable[Territory]
) -> list[str] | None:
    """The path group -> ... -> group that adding `members` would close, if any."""
    edges: dict[uuid.UUID, list[uuid.UUID]] = {}
    for parent, child in session.execute(
        select(TerritoryMember.group_id, TerritoryMember.member_id)
    ):
        edges.setdefault(parent, []).append(child)
    names = dict(session.execute(select(Territory.id, Territory.name)).all())
    names[group.id] = group.name
    for start in members:
        stack: list[tuple[uuid.UUID, list[uuid.UUID]]] = [(start.id, [start.id])]
        seen: set[uuid.UUID] = set()
        while stack:
            node, path = stack.pop()
            if node == group.id:
                return [group.name, *(names[n] for n in path)]
            if node in seen:
                continue
            seen.add(node)
            stack.extend((child, [*path, child]) for child in edges.get(node, []))
    return None


def _attach(
    session: Session,
    group: Territory,
    members: list[Territory],
    excluded: list[Territory],
) -> None:
    current = {m.member_id: m for m in group.members}
    for territory, is_excluded in [(t, False) for t in members] + [(t, True) for t in excluded]:
        if territory.id == group.id:
            raise InvalidInput("member", territory.name, "a group cannot contain itself")
        path = _would_cycle(session, group, [territory])
        if path:
            raise InvalidInput(
                "member", territory.name, "would make a cycle: " + " contains ".join(path)
            )
        if territory.id in current:
            current[territory.id].excluded = is_excluded
        else:
            entry = TerritoryMember(member=territory, excluded=is_excluded)
            group.members.append(entry)
            current[territory.id] = entry


def add_group(
    session: Session,
    *,
    name: str,
    members: Iterable[str],
    exclude: Iterable[str] = (),
    code: str | None = None,
) -> Territory:
    """A new named group of countries and groups, minus any exclusions."""
    clean = validate.required_name(name, field="name", max_length=200)
    group_code = _group_code(code or clean)
    if code and group_code != code.strip().lower():
        raise InvalidInput("code", code, "use lower-case ASCII letters, digits and hyphens")
    clash = session.scalar(
        select(Territory).where(
            (Territory.code == group_code) | (func.lower(Territory.name) == clean.lower())
        )
    )
    if clash is not None:
        raise Conflict(f"territory {clash.name!r} ({clash.code}) already exists")
    included = find_territories(session, members, field="member")
    if not included:
        raise InvalidInput("member", "", "a group needs at least one --member")
    excluded = find_territories(session, exclude, field="exclude")
    overlap = {t.id for t in included} & {t.id for t in excluded}
    if overlap:
        both = next(t for t in included if t.id in overlap)
        raise InvalidInput("exclude", both.name, "is also given as a member")
    group = Territory(code=group_code, name=clean, kind=TerritoryKind.GROUP, builtin=False)
    session.add(group)
    session.flush()
    _attach(session, group, included, excluded)
    session.flush()
    if not country_codes(session, [group]):
        raise InvalidInput("exclude", ", ".join(exclude), f"leaves {clean!r} without any country")
    return group


def edit_group(
    session: Session,
    value: str,
    *,
    members: Iterable[str] = (),
    exclude: Iterable[str] = (),
    remove: Iterable[str] = (),
    name: str | None = None,
) -> Territory:
    """Add members or exclusions to a group, or take entries out of it."""
    group = find_territory(session, value, field="group")
    if group.kind != TerritoryKind.GROUP:
        raise InvalidInput("group", value, f"{group.name} is a country, not a group")
    included = find_territories(session, members, field="member")
    excluded = find_territories(session, exclude, field="exclude")
    removed = find_territories(session, remove, field="remove")
    if not (included or excluded or removed or name):
        raise InvalidInput("territory group edit", value, "nothing to change: give an option")
    if name:
        group.name = validate.required_name(name, field="name", max_length=200)
    for territory in removed:
        entry = next((m for m in group.members if m.member_id == territory.id), None)
        if entry is None:
            raise InvalidInput("remove", territory.name, f"is not listed in {group.name}")
        group.members.remove(entry)
    _attach(session, group, included, excluded)
    session.flush()
    if not country_codes(session, [group]):
        raise InvalidInput("group", value, f"would leave {group.name!r} without any country")
    return group

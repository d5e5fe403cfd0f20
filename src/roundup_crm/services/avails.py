"""Avails: for a film, what is sold (to whom, until when), under offer, or open, per country.

Avails are derived, never typed in. They are read with a handful of set-based queries
(rights, countries, group membership, the film's live deals and the open offers), then
expanded in memory: never one query per country or per deal.

Rules an agent can rely on:

* Rows are ISO countries; a deal or opportunity for a group ("German-speaking Europe")
  covers each of its member countries, exclusions applied.
* Columns are the media rights in their usual order; `all-rights` stands for every right
  except remake, which is licensed on its own.
* A cell is **sold** on a date when a deal covers it and its term has not ended: a deal
  whose term starts later still takes the cell, since a licence starting now would run
  into it. A cell held only by non-exclusive deals is still shown as sold (with
  `exclusive=False` on each sale): it cannot be offered as an exclusive licence any more.
* A cell is **under offer** when an open opportunity at stage `offer` or `negotiating`
  covers it. An opportunity with no territories of its own covers the territories its
  company buys for (or, failing that, the company's country); with no rights of its own
  it covers all rights.
* Everything else is **open**.

Overlapping deals: two deals for one film that share a country, a right and a day are
refused, unless both are non-exclusive (several platforms may hold non-exclusive SVOD in
one country at once). See `overlapping_deals`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from roundup_crm.errors import InvalidInput
from roundup_crm.models import (
    Company,
    Deal,
    Film,
    Opportunity,
    Right,
    Stage,
    Territory,
    TerritoryKind,
    company_territories,
    deal_rights,
    deal_territories,
    opportunity_rights,
    opportunity_territories,
)
from roundup_crm.models.base import short_id
from roundup_crm.services.territories import ALL_RIGHTS, CountryExpander, right_codes

SOLD = "sold"
OFFER = "offer"
OPEN = "open"
Status = Literal["sold", "offer", "open"]

# Opportunities at these stages put a cell "under offer".
OFFER_STAGES = (Stage.OFFER, Stage.NEGOTIATING)


@dataclass(frozen=True)
class Sale:
    """One deal holding a cell."""

    buyer: str
    deal_id: uuid.UUID
    term_start: date
    term_end: date
    exclusive: bool

    @property
    def deal_ref(self) -> str:
        return short_id(self.deal_id)


@dataclass(frozen=True)
class Cell:
    """One country x right: the deals holding it and the buyers with an offer on it."""

    sales: tuple[Sale, ...] = ()
    offers: tuple[str, ...] = ()  # buyer names, sorted

    @property
    def status(self) -> Status:
        if self.sales:
            return "sold"
        if self.offers:
            return "offer"
        return "open"

    def label(self) -> str:
        """Short text for a grid cell: `sold: Splendid until 2031-02-13`, `offer: A, B`."""
        if self.sales:
            parts = []
            for sale in self.sales:
                excl = "" if sale.exclusive else " (non-excl.)"
                parts.append(f"{sale.buyer}{excl} until {sale.term_end.isoformat()}")
            return "sold: " + "; ".join(parts)
        if self.offers:
            return "offer: " + ", ".join(self.offers)
        return "open"


OPEN_CELL = Cell()


@dataclass(frozen=True)
class RightColumn:
    code: str
    name: str


@dataclass(frozen=True)
class AvailsRow:
    country: str  # ISO 3166 alpha-2
    name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class AvailsGroup:
    """Countries whose rows are identical, shown as one line."""

    label: str
    countries: tuple[str, ...]
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Avails:
    film: str  # slug
    title: str
    on: date
    rights: tuple[RightColumn, ...]
    rows: tuple[AvailsRow, ...]
    # Named territory groups (name, countries), to label compact lines in the trade's words.
    named_groups: tuple[tuple[str, frozenset[str]], ...] = field(default=(), repr=False)

    @property
    def right_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.rights)

    def row(self, country: str) -> AvailsRow:
        for row in self.rows:
            if row.country == country.upper():
                return row
        raise KeyError(country)

    def cell(self, country: str, right: str) -> Cell:
        return self.row(country).cells[self.right_codes.index(right)]

    def only(self, rights: Iterable[str]) -> Avails:
        """The same grid with only these right columns (in grid order)."""
        wanted = set(rights)
        keep = [i for i, r in enumerate(self.rights) if r.code in wanted]
        return replace(
            self,
            rights=tuple(self.rights[i] for i in keep),
            rows=tuple(replace(r, cells=tuple(r.cells[i] for i in keep)) for r in self.rows),
        )

    def open_countries(self, *, include_under_offer: bool = False) -> list[str]:
        """Countries with every right column open (or only under offer, if asked)."""
        allowed = {OPEN, OFFER} if include_under_offer else {OPEN}
        return [r.country for r in self.rows if all(c.status in allowed for c in r.cells)]

    def counts(self) -> dict[str, int]:
        """How many country x right cells are sold, under offer and open."""
        out = {SOLD: 0, OFFER: 0, OPEN: 0}
        for row in self.rows:
            for cell in row.cells:
                out[cell.status] += 1
        return out

    def compact(self) -> tuple[AvailsGroup, ...]:
        """Countries with identical rows folded into one line each: sold first, then
        under offer, then open; the big all-open remainder last."""
        by_cells: dict[tuple[Cell, ...], list[AvailsRow]] = {}
        for row in self.rows:
            by_cells.setdefault(row.cells, []).append(row)
        total = len(self.rows)
        groups = [
            AvailsGroup(
                label=self._label(rows, total),
                countries=tuple(r.country for r in rows),
                cells=cells,
            )
            for cells, rows in by_cells.items()
        ]

        def rank(group: AvailsGroup) -> tuple[int, int, str]:
            statuses = {c.status for c in group.cells}
            order = 0 if SOLD in statuses else 1 if OFFER in statuses else 2
            return (order, len(group.countries), group.label)

        return tuple(sorted(groups, key=rank))

    def _label(self, rows: list[AvailsRow], total: int) -> str:
        codes = frozenset(r.country for r in rows)
        if len(codes) == total:
            return "All territories"
        for name, members in self.named_groups:
            if members == codes:
                return name
        if len(rows) * 2 > total:
            return f"Rest of world ({len(rows)} countries)"
        names = [r.name for r in rows]
        if len(names) <= 4:
            return ", ".join(names)
        return f"{', '.join(names[:3])} and {len(names) - 3} more"


def _film(session: Session, film: Film | str) -> Film:
    if isinstance(film, Film):
        return film
    from roundup_crm.services.lookup import find_film

    return find_film(session, film)


def _columns(session: Session) -> tuple[list[RightColumn], list[str]]:
    """The grid's right columns (all-rights is not a column) and every right code."""
    rows = session.execute(select(Right.code, Right.name).order_by(Right.position)).all()
    every = [code for code, _ in rows]
    return [RightColumn(code, name) for code, name in rows if code != ALL_RIGHTS], every


def _grouped(rows: Iterable[Any]) -> dict[Any, list[str]]:
    out: dict[Any, list[str]] = defaultdict(list)
    for key, code in rows:
        out[key].append(code)
    return out


def _live_deals(
    session: Session, film_id: uuid.UUID, *, ends_after: date, starts_before: date | None = None
) -> tuple[list[Sale], dict[uuid.UUID, list[str]], dict[uuid.UUID, list[str]]]:
    """The film's deals whose term runs past `ends_after` (and starts by `starts_before`),
    with their territory and right codes: three queries whatever the number of deals."""
    scope = [Deal.film_id == film_id, Deal.term_end >= ends_after]
    if starts_before is not None:
        scope.append(Deal.term_start <= starts_before)
    deal_ids = select(Deal.id).where(*scope)
    sales = [
        Sale(buyer=name, deal_id=id_, term_start=start, term_end=end, exclusive=bool(exclusive))
        for id_, start, end, exclusive, name in session.execute(
            select(Deal.id, Deal.term_start, Deal.term_end, Deal.exclusive, Company.name)
            .join(Company, Company.id == Deal.company_id)
            .where(*scope)
            .order_by(Deal.term_start, Company.name)
        )
    ]
    territories = _grouped(
        session.execute(
            select(deal_territories.c.deal_id, Territory.code)
            .join(Territory, Territory.id == deal_territories.c.territory_id)
            .where(deal_territories.c.deal_id.in_(deal_ids))
        ).all()
    )
    rights = _grouped(
        session.execute(
            select(deal_rights.c.deal_id, Right.code)
            .join(Right, Right.id == deal_rights.c.right_id)
            .where(deal_rights.c.deal_id.in_(deal_ids))
        ).all()
    )
    return sales, territories, rights


def _offer_scopes(
    session: Session, film_id: uuid.UUID
) -> dict[tuple[frozenset[str], frozenset[str]], set[str]]:
    """Open offers on the film, folded to (territory codes, right codes) -> buyer names.

    Four flat Core queries (opportunities, their territories, their rights, their buyers'
    territories). Ids come back as raw text (no UUID objects): a film can have tens of
    thousands of live offers. Many opportunities share a scope, so the expansion to
    countries happens once per scope, not once per opportunity.
    """
    opp = Opportunity.__table__
    company = Company.__table__
    territory = Territory.__table__
    right = Right.__table__
    live = (opp.c.film_id == film_id, opp.c.stage.in_(OFFER_STAGES))
    conn = session.connection()
    opp_id = type_coerce(opp.c.id, String)
    company_id = type_coerce(company.c.id, String)
    opportunities = conn.execute(
        select(opp_id, company_id, company.c.name, company.c.country)
        .join(company, company.c.id == opp.c.company_id)
        .where(*live)
    ).all()
    if not opportunities:
        return {}
    own_territories = _grouped(
        conn.execute(
            select(type_coerce(opportunity_territories.c.opportunity_id, String), territory.c.code)
            .join(opp, opp.c.id == opportunity_territories.c.opportunity_id)
            .join(territory, territory.c.id == opportunity_territories.c.territory_id)
            .where(*live)
        )
    )
    own_rights = _grouped(
        conn.execute(
            select(type_coerce(opportunity_rights.c.opportunity_id, String), right.c.code)
            .join(opp, opp.c.id == opportunity_rights.c.opportunity_id)
            .join(right, right.c.id == opportunity_rights.c.right_id)
            .where(*live)
        )
    )
    buyer_territories = _grouped(
        conn.execute(
            select(type_coerce(company_territories.c.company_id, String), territory.c.code)
            .join(territory, territory.c.id == company_territories.c.territory_id)
            .where(company_territories.c.company_id.in_(select(opp.c.company_id).where(*live)))
        )
    )
    scopes: dict[tuple[frozenset[str], frozenset[str]], set[str]] = defaultdict(set)
    for id_, buyer_id, name, country in opportunities:
        territories = own_territories.get(id_) or buyer_territories.get(buyer_id)
        if not territories:
            territories = [country] if country else []
        if not territories:
            continue  # a buyer with no territories and no country: nowhere on the grid
        rights = own_rights.get(id_) or [ALL_RIGHTS]
        scopes[(frozenset(territories), frozenset(rights))].add(name)
    return scopes


def film_avails(
    session: Session,
    film: Film | str,
    *,
    on: date | None = None,
    rights: Iterable[str] | None = None,
) -> Avails:
    """The avails grid of a film on a date (default today), every ISO country x right."""
    film = _film(session, film)
    on = on or date.today()
    columns, every_right = _columns(session)
    column_index = {c.code: i for i, c in enumerate(columns)}
    countries = session.execute(
        select(Territory.code, Territory.name)
        .where(Territory.kind == TerritoryKind.COUNTRY)
        .order_by(Territory.name)
    ).all()
    expander = CountryExpander(session)

    sales_at: dict[tuple[str, int], list[Sale]] = defaultdict(list)
    sales, deal_terr, deal_right = _live_deals(session, film.id, ends_after=on)
    for sale in sales:
        covered = expander.countries(deal_terr.get(sale.deal_id, ()))
        cols = [column_index[c] for c in right_codes(deal_right.get(sale.deal_id, ()), every_right)]
        for country in covered:
            for col in cols:
                sales_at[(country, col)].append(sale)

    offers_at: dict[tuple[str, int], set[str]] = defaultdict(set)
    for (territory_codes, offer_rights), buyers in _offer_scopes(session, film.id).items():
        covered = expander.countries(territory_codes)
        cols = [column_index[c] for c in right_codes(offer_rights, every_right)]
        for country in covered:
            for col in cols:
                offers_at[(country, col)] |= buyers

    # Identical cells are shared, so the compact view can group rows by plain equality.
    cell_cache: dict[tuple[tuple[Sale, ...], tuple[str, ...]], Cell] = {}

    def cell(country: str, col: int) -> Cell:
        key = (
            tuple(sales_at.get((country, col), ())),
            tuple(sorted(offers_at.get((country, col), ()))),
        )
        if key == ((), ()):
            return OPEN_CELL
        return cell_cache.setdefault(key, Cell(sales=key[0], offers=key[1]))

    rows = tuple(
        AvailsRow(country=code, name=name, cells=tuple(cell(code, i) for i in range(len(columns))))
        for code, name in countries
    )
    named = tuple(
        (name, expander(code))
        for code, name in session.execute(
            select(Territory.code, Territory.name)
            .where(Territory.kind == TerritoryKind.GROUP)
            .order_by(Territory.name)
        )
    )
    grid = Avails(
        film=film.slug,
        title=film.title,
        on=on,
        rights=tuple(columns),
        rows=rows,
        named_groups=named,
    )
    if rights is not None:
        grid = grid.only(right_codes(rights, every_right))
    return grid


def available_countries(
    session: Session,
    film: Film | str,
    *,
    countries: set[str] | None = None,
    rights: set[str] | None = None,
    on: date | None = None,
    include_under_offer: bool = False,
) -> list[str]:
    """Country codes fully open for `rights` (default: all rights but remake), sorted.

    `countries` limits the answer (ISO codes or group codes, groups expanded). A country
    under offer is not open unless `include_under_offer` is set: a sales sheet that
    advertises it would invite a second buyer into a live negotiation.
    """
    film = _film(session, film)
    _, every_right = _columns(session)
    wanted_rights = right_codes(rights or {ALL_RIGHTS}, every_right)
    unknown = wanted_rights - set(every_right)
    if unknown:
        raise InvalidInput(
            "right", sorted(unknown)[0], f"not a media right ({', '.join(every_right)})"
        )
    grid = film_avails(session, film, on=on, rights=wanted_rights)
    found = grid.open_countries(include_under_offer=include_under_offer)
    if countries is not None:
        expander = CountryExpander(session)
        limit = expander.countries(c.upper() if len(c) == 2 else c for c in countries)
        found = [c for c in found if c in limit]
    return sorted(found)


@dataclass(frozen=True)
class Overlap:
    """An existing deal a proposed one would collide with, and where."""

    sale: Sale
    countries: frozenset[str]
    rights: frozenset[str]

    def describe(self) -> str:
        where = ", ".join(sorted(self.countries)[:5])
        if len(self.countries) > 5:
            where += f" and {len(self.countries) - 5} more"
        what = ", ".join(sorted(self.rights))
        return (
            f"deal {self.sale.deal_ref} with {self.sale.buyer} "
            f"({self.sale.term_start.isoformat()} to {self.sale.term_end.isoformat()}) "
            f"already holds {what} in {where}"
        )


def overlapping_deals(
    session: Session,
    film_id: uuid.UUID,
    *,
    countries: frozenset[str],
    rights: frozenset[str],
    term_start: date,
    term_end: date,
    exclusive: bool,
    ignore: uuid.UUID | None = None,
) -> list[Overlap]:
    """Existing deals sharing a country, a right and a day with the proposed one.

    Terms are inclusive at both ends. Two non-exclusive deals may share cells; an
    exclusive deal on either side may not.
    """
    _, every_right = _columns(session)
    wanted_rights = right_codes(rights, every_right)
    sales, deal_terr, deal_right = _live_deals(
        session, film_id, ends_after=term_start, starts_before=term_end
    )
    expander = CountryExpander(session)
    found: list[Overlap] = []
    for sale in sales:
        if sale.deal_id == ignore or (not exclusive and not sale.exclusive):
            continue
        shared_rights = wanted_rights & right_codes(deal_right.get(sale.deal_id, ()), every_right)
        if not shared_rights:
            continue
        shared_countries = countries & expander.countries(deal_terr.get(sale.deal_id, ()))
        if shared_countries:
            found.append(Overlap(sale, frozenset(shared_countries), frozenset(shared_rights)))
    return found

"""The sales pipeline: opportunities, their stage history, offers and the board view.

An opportunity is one company's interest in one film. A company has at most one *open*
opportunity per film (stage lead to negotiating); once won or lost, a new conversation
about the film starts a new one, so the history of the old one stays true.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from roundup_crm.db import check_version, current_agent, hold
from roundup_crm.errors import Conflict, InvalidInput, NotFound
from roundup_crm.models import (
    Agent,
    Company,
    Contact,
    ExchangeRate,
    Film,
    Interest,
    Offer,
    OfferSide,
    OfferStatus,
    Opportunity,
    Right,
    Stage,
    StageChange,
    Territory,
    opportunity_rights,
    opportunity_territories,
    utcnow,
)
from roundup_crm.models.base import short_id
from roundup_crm.services.lookup import (
    find_company,
    find_contact,
    find_film,
    find_opportunity,
)
from roundup_crm.services.validate import clean_text

OPEN_STAGES = tuple(s for s in Stage if s.is_open)
STAGE_ORDER = {s: i for i, s in enumerate(Stage)}


def parse_interest(value: str, *, field: str = "interest") -> Interest:
    try:
        return Interest(value.strip().lower())
    except ValueError:
        choices = ", ".join(i.value for i in Interest)
        raise InvalidInput(field, value, f"not an interest level ({choices})") from None


def parse_stage(value: str, *, field: str = "stage") -> Stage:
    key = value.strip().lower().replace(" ", "-").replace("_", "-")
    if key == "screener":
        key = Stage.SCREENER_SENT.value
    try:
        return Stage(key)
    except ValueError:
        choices = ", ".join(s.value for s in Stage)
        raise InvalidInput(field, value, f"not a pipeline stage ({choices})") from None


def current_opportunities(
    session: Session, company_id: uuid.UUID, film_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Opportunity]:
    """Per film, the company's open opportunity, else its latest lost one: one query.

    Won opportunities are left out: a buyer talking again about a film they bought is
    a new conversation (other territories or rights)."""
    if not film_ids:
        return {}
    rows = session.scalars(
        select(Opportunity)
        .where(
            Opportunity.company_id == company_id,
            Opportunity.film_id.in_(film_ids),
            Opportunity.stage != Stage.WON,
        )
        .order_by(Opportunity.created_at)
    )
    found: dict[uuid.UUID, Opportunity] = {}
    for row in rows:
        held = found.get(row.film_id)
        if held is None or not held.stage.is_open:
            found[row.film_id] = row
    return found


def move(
    session: Session,
    opportunity: Opportunity,
    stage: Stage,
    *,
    note: str | None = None,
    agent: Agent | None = None,
    at: datetime | None = None,
) -> bool:
    """Record a stage change (with its history row). False when already at that stage."""
    if opportunity.stage == stage:
        return False
    _history(session, opportunity, opportunity.stage, stage, note=note, agent=agent, at=at)
    return True


def _history(
    session: Session,
    opportunity: Opportunity,
    from_stage: Stage | None,
    stage: Stage,
    *,
    note: str | None,
    agent: Agent | None,
    at: datetime | None,
) -> None:
    at = at or utcnow()
    session.add(
        StageChange(
            opportunity_id=opportunity.id,
            from_stage=from_stage,
            to_stage=stage,
            changed_at=at,
            agent_id=(agent or current_agent(session)).id,
            note=note,
        )
    )
    opportunity.stage = stage
    opportunity.stage_changed_at = at


def start_opportunity(
    session: Session,
    *,
    film: Film,
    company: Company,
    stage: Stage,
    note: str | None = None,
    interest: Interest | None = None,
    agent: Agent | None = None,
    at: datetime | None = None,
) -> Opportunity:
    """A new opportunity, with the first history row saying how (and when) it began."""
    agent = agent or current_agent(session)
    opportunity = Opportunity(
        film_id=film.id, company_id=company.id, agent_id=agent.id, stage=stage, interest=interest
    )
    session.add(opportunity)
    _history(session, opportunity, None, stage, note=note, agent=agent, at=at)
    return opportunity


def resolve(
    session: Session,
    reference: str | None = None,
    *,
    film: str | None = None,
    company: str | None = None,
    open_only: bool = False,
) -> Opportunity:
    """An opportunity by id, or by film and company (their open one, else the newest)."""
    if reference:
        return find_opportunity(session, reference)
    if not film or not company:
        raise InvalidInput("opportunity", reference or "", "give its id, or --film and --company")
    film_row = find_film(session, film)
    company_row = find_company(session, company)
    found = latest_opportunity(session, film_row, company_row, open_only=open_only)
    if found is None:
        raise NotFound(
            "opportunity", f"{company_row.name} / {film_row.slug}", "none recorded for this pair"
        )
    return found


def latest_opportunity(
    session: Session, film: Film, company: Company, *, open_only: bool
) -> Opportunity | None:
    """The company's open opportunity for the film; else (unless open_only) its newest."""
    query = select(Opportunity).where(
        Opportunity.film_id == film.id, Opportunity.company_id == company.id
    )
    open_one = session.scalar(query.where(Opportunity.stage.in_(OPEN_STAGES)).limit(1))
    if open_one is not None or open_only:
        return open_one
    return session.scalar(query.order_by(Opportunity.created_at.desc()).limit(1))


def set_opportunity(
    session: Session,
    *,
    film: str,
    company: str,
    territories: Sequence[str] = (),
    rights: Sequence[str] = (),
    ask: str | None = None,
    take: str | None = None,
    currency: str | None = None,
    interest: str | None = None,
    stage: str | None = None,
    notes: str | None = None,
    expect_version: int | None = None,
) -> tuple[Opportunity, bool]:
    """Create or update a company's open opportunity for a film. Returns (it, created)."""
    from roundup_crm.services.parsing import parse_amount, parse_currency
    from roundup_crm.services.territories import find_rights, find_territories

    film_row = find_film(session, film)
    company_row = find_company(session, company)
    level = parse_interest(interest) if interest else None
    target = parse_stage(stage) if stage else None
    if target is not None and not target.is_open:
        raise InvalidInput(
            "stage", stage, "set only opens stages; use `opportunity move` or `deal close`"
        )
    ask_amount = parse_amount(ask, field="ask") if ask is not None else None
    take_amount = parse_amount(take, field="take") if take is not None else None
    code = parse_currency(currency) if currency else None
    territory_rows = find_territories(session, territories) if territories else None
    right_rows = find_rights(session, rights) if rights else None
    note_text = clean_text(notes, field="notes")

    hold(session, company_row)  # one open opportunity per buyer and film, even in a race
    opportunity = latest_opportunity(session, film_row, company_row, open_only=True)
    if opportunity is not None:
        check_version(session, opportunity, expect_version)
    elif expect_version is not None:
        raise InvalidInput(
            "expect-version", expect_version, "there is no open opportunity to edit yet"
        )
    created = opportunity is None
    if opportunity is None:
        opportunity = start_opportunity(
            session, film=film_row, company=company_row, stage=target or Stage.LEAD
        )
    elif target is not None:
        move(session, opportunity, target)
    if (ask_amount is not None or take_amount is not None) and not (code or opportunity.currency):
        raise InvalidInput("currency", "", "give --currency with --ask or --take")
    if level is not None:
        opportunity.interest = level
    if ask_amount is not None:
        opportunity.ask = ask_amount
    if take_amount is not None:
        opportunity.take = take_amount
    if code is not None:
        opportunity.currency = code
    if (
        opportunity.ask is not None
        and opportunity.take is not None
        and opportunity.take > opportunity.ask
    ):
        raise InvalidInput(
            "take", take or opportunity.take, f"the floor is above the ask ({opportunity.ask})"
        )
    if territory_rows is not None:
        opportunity.territories = territory_rows
    if right_rows is not None:
        opportunity.rights = right_rows
    if note_text is not None:
        opportunity.notes = note_text
    session.flush()
    return opportunity, created


def move_opportunity(
    session: Session,
    opportunity: Opportunity,
    stage: str,
    *,
    reason: str | None = None,
    note: str | None = None,
    expect_version: int | None = None,
) -> Opportunity:
    """Move to another stage, kept in the history. Lost needs a reason; won needs a deal."""
    check_version(session, opportunity, expect_version)
    target = parse_stage(stage)
    reason_text = clean_text(reason, field="reason")
    note_text = clean_text(note, field="note")
    if target == Stage.WON:
        raise InvalidInput("stage", stage, "an opportunity is won by `deal close`")
    if opportunity.stage == Stage.WON:
        raise Conflict(
            f"opportunity {opportunity.short_id} is won (a deal was closed): "
            "it cannot move; start a new one for other territories or rights"
        )
    if target == Stage.LOST and not reason_text:
        raise InvalidInput("reason", reason or "", "moving to lost needs --reason")
    if opportunity.stage == target:
        raise InvalidInput("stage", stage, f"opportunity {opportunity.short_id} is already there")
    if target.is_open and not opportunity.stage.is_open:
        other = session.scalar(
            select(Opportunity.id).where(
                Opportunity.company_id == opportunity.company_id,
                Opportunity.film_id == opportunity.film_id,
                Opportunity.stage.in_(OPEN_STAGES),
            )
        )
        if other is not None:
            raise Conflict(
                f"cannot reopen {opportunity.short_id}: opportunity {short_id(other)} "
                "is already open for this company and film"
            )
    move(session, opportunity, target, note=reason_text or note_text)
    if target == Stage.LOST:
        opportunity.lost_reason = reason_text
    elif target.is_open:
        opportunity.lost_reason = None
    session.flush()
    return opportunity


# --- Offers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """An offer against the opportunity's ask and take (floor)."""

    amount: Decimal
    currency: str
    ask: Decimal | None
    take: Decimal | None
    compared_in: str | None  # currency of ask and take; None if not comparable
    amount_in_ask_currency: Decimal | None
    below_floor: bool
    percent_of_ask: Decimal | None
    note: str

    def describe(self) -> str:
        return self.note


def convert(
    session: Session, amount: Decimal, source: str, target: str, on: date
) -> Decimal | None:
    """`amount` in `target` with the newest recorded rate on or before `on` (either way round)."""
    if source == target:
        return amount
    direct = session.execute(
        select(ExchangeRate.rate, ExchangeRate.base)
        .where(
            ((ExchangeRate.base == source) & (ExchangeRate.quote == target))
            | ((ExchangeRate.base == target) & (ExchangeRate.quote == source)),
            ExchangeRate.on <= on,
        )
        .order_by(ExchangeRate.on.desc())
        .limit(1)
    ).first()
    if direct is None:
        return None
    rate, base = direct
    converted = amount * rate if base == source else amount / rate
    return converted.quantize(Decimal("0.01"))


def compare(session: Session, opportunity: Opportunity, offer: Offer) -> Comparison:
    ask, take, currency = opportunity.ask, opportunity.take, opportunity.currency
    if currency is None or (ask is None and take is None):
        return Comparison(
            offer.amount, offer.currency, ask, take, None, None, False, None, "no ask or take set"
        )
    amount = convert(session, offer.amount, offer.currency, currency, offer.offered_on)
    if amount is None:
        return Comparison(
            offer.amount,
            offer.currency,
            ask,
            take,
            None,
            None,
            False,
            None,
            f"not compared: no {offer.currency}/{currency} exchange rate recorded",
        )
    below = take is not None and amount < take
    percent = (amount * 100 / ask).quantize(Decimal("1")) if ask else None
    parts = []
    if currency != offer.currency:
        parts.append(f"= {amount:,} {currency}")
    if percent is not None:
        parts.append(f"{percent}% of ask {ask:,} {currency}")
    if take is not None:
        parts.append(f"below floor (take {take:,} {currency})" if below else f"above take {take:,}")
    return Comparison(
        offer.amount, offer.currency, ask, take, currency, amount, below, percent, "; ".join(parts)
    )


def add_offer(
    session: Session,
    *,
    amount: str,
    currency: str,
    opportunity: str | None = None,
    film: str | None = None,
    company: str | None = None,
    mg: bool = False,
    term_years: int | None = None,
    holdbacks: str | None = None,
    offered_on: str | None = None,
    from_contact: str | None = None,
    counter: bool = False,
    terms: str | None = None,
) -> tuple[Offer, Comparison]:
    """Record a buyer's offer or our counter-offer, in sequence, and move the stage.

    The first offer moves the opportunity to `offer`; any later one (a counter, or the
    buyer's answer to it) to `negotiating`. Earlier open offers become `countered`.
    Offering on a film with no open opportunity for the company starts one.
    """
    from roundup_crm.services.parsing import parse_amount, parse_currency, parse_date

    value = parse_amount(amount)
    code = parse_currency(currency)
    day = parse_date(offered_on, field="date") if offered_on else date.today()
    if term_years is not None and not 1 <= term_years <= 99:
        raise InvalidInput("term-years", term_years, "expected a number of years from 1 to 99")
    holdback_text = clean_text(holdbacks, field="holdbacks")
    terms_text = clean_text(terms, field="terms")
    if opportunity:
        row = find_opportunity(session, opportunity)
    else:
        if not film or not company:
            raise InvalidInput("opportunity", "", "give an opportunity id, or --film and --company")
        film_row = find_film(session, film)
        company_row = find_company(session, company)
        hold(session, company_row)
        found = latest_opportunity(session, film_row, company_row, open_only=True)
        row = found or start_opportunity(
            session, film=film_row, company=company_row, stage=Stage.LEAD, note="offer received"
        )
    if not row.stage.is_open:
        raise Conflict(
            f"opportunity {row.short_id} is {row.stage.value}: "
            "reopen it with `opportunity move` before recording offers"
        )
    contact = None
    if from_contact:
        contact = find_contact(session, from_contact, session.get(Company, row.company_id))
    agent = current_agent(session)
    previous = list(
        session.scalars(
            select(Offer).where(Offer.opportunity_id == row.id).order_by(Offer.sequence)
        )
    )
    for earlier in previous:
        if earlier.status == OfferStatus.OPEN:
            earlier.status = OfferStatus.COUNTERED
    side = OfferSide.SELLER if counter else OfferSide.BUYER
    kind = "MG" if mg else "flat fee"
    offer = Offer(
        opportunity_id=row.id,
        sequence=(previous[-1].sequence + 1) if previous else 1,
        side=side,
        status=OfferStatus.OPEN,
        amount=value,
        currency=code,
        term_years=term_years,
        holdbacks=holdback_text,
        terms=f"{kind}; {terms_text}" if terms_text else kind,
        offered_on=day,
        from_contact_id=contact.id if contact else None,
        agent_id=agent.id,
    )
    session.add(offer)
    what = "counter-offer" if counter else "offer"
    target = Stage.OFFER if STAGE_ORDER[row.stage] < STAGE_ORDER[Stage.OFFER] else Stage.NEGOTIATING
    if previous and target == Stage.OFFER:
        target = Stage.NEGOTIATING
    move(
        session,
        row,
        target,
        note=f"{what} #{offer.sequence}: {value:,} {code}",
        agent=agent,
    )
    if row.currency is None:
        row.currency = code
    session.flush()
    return offer, compare(session, row, offer)


# --- Reading the pipeline -------------------------------------------------------------


@dataclass(frozen=True)
class OfferView:
    sequence: int
    side: str
    status: str
    amount: Decimal
    currency: str
    terms: str | None
    term_years: int | None
    holdbacks: str | None
    offered_on: date
    from_contact: str | None
    comparison: str


@dataclass(frozen=True)
class HistoryView:
    at: datetime
    from_stage: str | None
    to_stage: str
    agent: str | None
    note: str | None


@dataclass(frozen=True)
class OpportunityRow:
    id: uuid.UUID
    film: str
    company: str
    country: str | None
    stage: str
    interest: str | None
    territories: tuple[str, ...]
    rights: tuple[str, ...]
    currency: str | None
    ask: Decimal | None
    take: Decimal | None
    latest_offer: Decimal | None
    latest_offer_currency: str | None
    agent: str | None
    stage_changed_at: datetime

    @property
    def ref(self) -> str:
        return short_id(self.id)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.ref,
            "film": self.film,
            "company": self.company,
            "country": self.country,
            "stage": self.stage,
            "interest": self.interest,
            "territories": list(self.territories),
            "rights": list(self.rights),
            "currency": self.currency,
            "ask": self.ask,
            "take": self.take,
            "latest_offer": self.latest_offer,
            "latest_offer_currency": self.latest_offer_currency,
            "agent": self.agent,
            "stage_changed": self.stage_changed_at.date(),
        }


@dataclass(frozen=True)
class OpportunityView:
    row: OpportunityRow
    lost_reason: str | None
    notes: str | None
    history: tuple[HistoryView, ...]
    offers: tuple[OfferView, ...]


def _latest_offer(column: Any) -> Any:
    """`column` of the opportunity's newest offer, as a correlated subquery.

    Each lookup walks the (opportunity_id, sequence) unique index backwards, so its cost
    does not grow with the number of offers; a grouped "latest offer" subquery joined to
    every opportunity made SQLite rescan all offers once per opportunity.
    """
    return (
        select(column)
        .where(Offer.opportunity_id == Opportunity.id)
        .order_by(Offer.sequence.desc())
        .limit(1)
        .correlate(Opportunity)
        .scalar_subquery()
    )


def list_opportunities(
    session: Session,
    *,
    film: str | None = None,
    company: str | None = None,
    stage: str | None = None,
    interest: str | None = None,
    agent: str | None = None,
    include_closed: bool = True,
    limit: int | None = None,
) -> list[OpportunityRow]:
    """Opportunities with their latest offer, newest movement first."""
    conditions = []
    if film:
        conditions.append(Opportunity.film_id == find_film(session, film).id)
    if company:
        conditions.append(Opportunity.company_id == find_company(session, company).id)
    if stage:
        conditions.append(Opportunity.stage == parse_stage(stage))
    elif not include_closed:
        conditions.append(Opportunity.stage.in_(OPEN_STAGES))
    if interest:
        conditions.append(Opportunity.interest == parse_interest(interest))
    if agent:
        conditions.append(Opportunity.agent_id == find_agent(session, agent).id)
    return _rows(session, conditions, limit=limit)


def find_agent(session: Session, name: str) -> Agent:
    found = session.scalar(select(Agent).where(func.lower(Agent.name) == name.strip().lower()))
    if found is None:
        known = ", ".join(session.scalars(select(Agent.name).order_by(Agent.name).limit(20)))
        raise NotFound("agent", name, f"known agents: {known}" if known else "none recorded yet")
    return found


def _rows(
    session: Session, conditions: Sequence[Any], *, limit: int | None
) -> list[OpportunityRow]:
    query = (
        select(
            Opportunity.id,
            Film.slug,
            Company.name,
            Company.country,
            Opportunity.stage,
            Opportunity.interest,
            Opportunity.currency,
            Opportunity.ask,
            Opportunity.take,
            _latest_offer(Offer.amount),
            _latest_offer(Offer.currency),
            Agent.name,
            Opportunity.stage_changed_at,
        )
        .join(Film, Film.id == Opportunity.film_id)
        .join(Company, Company.id == Opportunity.company_id)
        .outerjoin(Agent, Agent.id == Opportunity.agent_id)
        .where(*conditions)
        .order_by(Opportunity.stage_changed_at.desc(), Company.name)
    )
    if limit:
        query = query.limit(limit)
    rows = session.execute(query).all()
    ids = [r[0] for r in rows]
    territories = _codes(session, opportunity_territories, Territory, "territory_id", ids)
    rights = _codes(session, opportunity_rights, Right, "right_id", ids)
    return [
        OpportunityRow(
            id=r[0],
            film=r[1],
            company=r[2],
            country=r[3],
            stage=r[4].value,
            interest=r[5].value if r[5] else None,
            territories=tuple(sorted(territories.get(r[0], ()))),
            rights=tuple(rights.get(r[0], ())),
            currency=r[6],
            ask=r[7],
            take=r[8],
            latest_offer=r[9],
            latest_offer_currency=r[10],
            agent=r[11],
            stage_changed_at=r[12],
        )
        for r in rows
    ]


def _codes(
    session: Session, table: object, model: type[Territory] | type[Right], column: str, ids: list
) -> dict[uuid.UUID, list[str]]:
    out: dict[uuid.UUID, list[str]] = defaultdict(list)
    # Chunked so a long list stays under the engines' bound-parameter limits.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        key = table.c.opportunity_id  # type: ignore[attr-defined]
        query = (
            select(key, model.code)
            .join(model, model.id == getattr(table.c, column))  # type: ignore[attr-defined]
            .where(key.in_(chunk))
        )
        if model is Right:
            query = query.order_by(Right.position)
        for opportunity_id, code in session.execute(query):
            out[opportunity_id].append(code)
    return out


def opportunity_view(session: Session, opportunity: Opportunity) -> OpportunityView:
    (row,) = _rows(session, [Opportunity.id == opportunity.id], limit=None)
    history_agent = aliased(Agent)
    history = tuple(
        HistoryView(at, from_stage.value if from_stage else None, to_stage.value, name, note)
        for at, from_stage, to_stage, name, note in session.execute(
            select(
                StageChange.changed_at,
                StageChange.from_stage,
                StageChange.to_stage,
                history_agent.name,
                StageChange.note,
            )
            .outerjoin(history_agent, history_agent.id == StageChange.agent_id)
            .where(StageChange.opportunity_id == opportunity.id)
            .order_by(StageChange.changed_at, StageChange.created_at)
        )
    )
    offers = []
    for offer, contact_name in session.execute(
        select(Offer, Contact.name)
        .outerjoin(Contact, Contact.id == Offer.from_contact_id)
        .where(Offer.opportunity_id == opportunity.id)
        .order_by(Offer.sequence)
    ):
        offers.append(
            OfferView(
                sequence=offer.sequence,
                side=offer.side.value,
                status=offer.status.value,
                amount=offer.amount,
                currency=offer.currency,
                terms=offer.terms,
                term_years=offer.term_years,
                holdbacks=offer.holdbacks,
                offered_on=offer.offered_on,
                from_contact=contact_name,
                comparison=compare(session, opportunity, offer).note,
            )
        )
    return OpportunityView(
        row=row,
        lost_reason=opportunity.lost_reason,
        notes=opportunity.notes,
        history=history,
        offers=tuple(offers),
    )


# --- The board ------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    id: uuid.UUID
    film: str
    company: str
    interest: str | None
    amount: Decimal | None  # latest offer, else ask
    currency: str | None

    @property
    def ref(self) -> str:
        return short_id(self.id)


@dataclass(frozen=True)
class Column:
    stage: str
    count: int
    # Latest offer where there is one, else the ask: what the stage is worth, per currency.
    value: dict[str, Decimal]
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Board:
    film: str | None
    agent: str | None
    columns: tuple[Column, ...]


def pipeline_board(
    session: Session,
    *,
    film: str | None = None,
    agent: str | None = None,
    cards_per_stage: int = 8,
    stages: Iterable[Stage] = tuple(Stage),
) -> Board:
    """Counts and value per stage in SQL, plus the most recently moved cards of each."""
    conditions = []
    film_row = find_film(session, film) if film else None
    agent_row = find_agent(session, agent) if agent else None
    if film_row is not None:
        conditions.append(Opportunity.film_id == film_row.id)
    if agent_row is not None:
        conditions.append(Opportunity.agent_id == agent_row.id)
    amount = func.coalesce(_latest_offer(Offer.amount), Opportunity.ask)
    currency = func.coalesce(_latest_offer(Offer.currency), Opportunity.currency)
    # One pass over the opportunities gives both the counts and the value per currency;
    # the latest offer is looked up once per opportunity for each of amount and currency.
    counts: dict[Stage, int] = defaultdict(int)
    values: dict[Stage, dict[str, Decimal]] = defaultdict(dict)
    for stage, code, number, total in session.execute(
        select(Opportunity.stage, currency, func.count(), func.sum(amount))
        .where(*conditions)
        .group_by(Opportunity.stage, currency)
    ):
        counts[stage] += number
        if code and total is not None:
            values[stage][code] = Decimal(str(total)).quantize(Decimal("0.01"))
    # The cards are chosen first and priced after, so only the shown ones need their
    # latest offer, film and buyer.
    rank = (
        func.row_number()
        .over(
            partition_by=Opportunity.stage,
            order_by=(Opportunity.stage_changed_at.desc(), Opportunity.id),
        )
        .label("rank")
    )
    ranked = select(Opportunity.id.label("id"), rank).where(*conditions).subquery()
    cards: dict[Stage, list[Card]] = defaultdict(list)
    for id_, stage, slug, name, level, value, code in session.execute(
        select(
            Opportunity.id,
            Opportunity.stage,
            Film.slug,
            Company.name,
            Opportunity.interest,
            amount,
            currency,
        )
        .join(ranked, ranked.c.id == Opportunity.id)
        .join(Film, Film.id == Opportunity.film_id)
        .join(Company, Company.id == Opportunity.company_id)
        .where(ranked.c.rank <= cards_per_stage)
        .order_by(ranked.c.rank, Opportunity.stage_changed_at.desc(), Opportunity.id)
    ):
        stage = Stage(stage)
        cards[stage].append(
            Card(
                id=id_,
                film=slug,
                company=name,
                interest=Interest(level).value if level else None,
                amount=Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None,
                currency=code,
            )
        )
    columns = tuple(
        Column(
            stage=stage.value,
            count=int(counts.get(stage, 0)),
            value=dict(sorted(values.get(stage, {}).items())),
            cards=tuple(cards.get(stage, ())),
        )
        for stage in stages
    )
    return Board(
        film=film_row.slug if film_row else None,
        agent=agent_row.name if agent_row else None,
        columns=columns,
    )

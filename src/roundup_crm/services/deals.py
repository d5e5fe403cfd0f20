"""Closing deals: what was licensed where and for how long, refused when it overlaps."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.db import current_agent
from roundup_crm.errors import Conflict, InvalidInput, NotFound
from roundup_crm.models import (
    Company,
    Deal,
    DealStatus,
    Film,
    Instalment,
    Offer,
    OfferStatus,
    Opportunity,
    Right,
    Stage,
    Territory,
    deal_rights,
    deal_territories,
)
from roundup_crm.models.base import short_id
from roundup_crm.services import pipeline
from roundup_crm.services.avails import overlapping_deals
from roundup_crm.services.lookup import by_short_id, find_company, find_film, find_opportunity
from roundup_crm.services.parsing import parse_amount, parse_currency, parse_date
from roundup_crm.services.territories import CountryExpander, find_rights, find_territories
from roundup_crm.services.validate import clean_text


def parse_deal_status(value: str, *, field: str = "status") -> DealStatus:
    try:
        return DealStatus(value.strip().lower().replace(" ", "-"))
    except ValueError:
        choices = ", ".join(s.value for s in DealStatus)
        raise InvalidInput(field, value, f"not a deal status ({choices})") from None


def find_deal(session: Session, value: str) -> Deal:
    found = by_short_id(session, Deal, value, "deal")
    if found is None:
        raise NotFound("deal", value, "give the id shown by `deal list` (at least 4 characters)")
    return found


def term_end_for(start: date, years: int) -> date:
    """The last day of a term of whole years: 2026-03-01 + 7 years ends 2033-02-28."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + years, day=28) + timedelta(days=1)
    return anniversary - timedelta(days=1)


_INSTALMENT = re.compile(r"\s*(?P<amount>[0-9][0-9.,_]*[kKmM]?%?)\s*(?P<rest>.*)")


def parse_instalments(values: Sequence[str], mg: Decimal) -> list[tuple[Decimal, date | None, str]]:
    """`--instalment "40% 2026-02-20 on signature"`: amount or share of the MG, an optional
    due date, a description. When given, they must add up to the MG; the last share takes
    the cents left by rounding."""
    parsed: list[tuple[Decimal, date | None, str]] = []
    for index, raw in enumerate(values):
        match = _INSTALMENT.fullmatch(raw)
        if not match:
            raise InvalidInput("instalment", raw, 'expected "40% 2026-02-20 on signature"')
        token = match.group("amount")
        if token.endswith("%"):
            try:
                share = Decimal(token[:-1].replace(",", "."))
            except ArithmeticError:
                raise InvalidInput("instalment", raw, "bad percentage") from None
            if not 0 < share <= 100:
                raise InvalidInput("instalment", raw, "a share must be above 0% and at most 100%")
            amount = (mg * share / 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        else:
            amount = parse_amount(token, field="instalment")
        rest = match.group("rest").strip()
        due: date | None = None
        first = rest.split(maxsplit=1)[0] if rest else ""
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", first):
            due = parse_date(first, field="instalment due date")
            rest = rest[len(first) :].strip()
        description = rest or f"instalment {index + 1}"
        parsed.append((amount, due, description))
    if parsed:
        total = sum((a for a, _, _ in parsed), Decimal(0))
        shortfall = mg - total
        if values[-1].strip().split()[0].endswith("%") and Decimal(0) < shortfall < Decimal(1):
            amount, due, description = parsed[-1]
            parsed[-1] = (amount + shortfall, due, description)
            total = mg
        if total != mg:
            raise InvalidInput(
                "instalment", "; ".join(values), f"they add up to {total:,}, the MG is {mg:,}"
            )
    return parsed


def close_deal(
    session: Session,
    *,
    opportunity: str | None = None,
    film: str | None = None,
    company: str | None = None,
    territories: Sequence[str] = (),
    rights: Sequence[str] = (),
    term_start: str | None = None,
    term_end: str | None = None,
    years: int | None = None,
    exclusive: bool = True,
    mg: str | None = None,
    currency: str | None = None,
    instalments: Sequence[str] = (),
    signed_on: str | None = None,
    holdbacks: str | None = None,
    notes: str | None = None,
) -> Deal:
    """Close a deal: refuse any overlap with an existing one, mark the opportunity won.

    Territories and rights default to the opportunity's; the MG and currency to the
    latest offer. Term: start (default the signing date) plus an end date or years.
    """
    if opportunity:
        opp: Opportunity | None = find_opportunity(session, opportunity)
        assert opp is not None
        film_row = session.get_one(Film, opp.film_id)
        company_row = session.get_one(Company, opp.company_id)
    else:
        if not film or not company:
            raise InvalidInput("opportunity", "", "give an opportunity id, or --film and --company")
        film_row = find_film(session, film)
        company_row = find_company(session, company)
        opp = pipeline.latest_opportunity(session, film_row, company_row, open_only=True)
    if opp is not None and not opp.stage.is_open:
        raise Conflict(f"opportunity {opp.short_id} is already {opp.stage.value}")

    signed = parse_date(signed_on, field="signed") if signed_on else date.today()
    start = parse_date(term_start, field="term-start") if term_start else signed
    if term_end and years:
        raise InvalidInput("term-end", term_end, "give either --term-end or --years, not both")
    if years is not None and not 1 <= years <= 99:
        raise InvalidInput("years", years, "expected a number of years from 1 to 99")
    if term_end:
        end = parse_date(term_end, field="term-end")
    elif years:
        end = term_end_for(start, years)
    else:
        raise InvalidInput("term-end", "", "give --term-end DATE or --years N")
    if end < start:
        raise InvalidInput("term-end", end.isoformat(), f"is before the term start {start}")

    territory_rows = find_territories(session, territories) if territories else None
    right_rows = find_rights(session, rights) if rights else None
    if territory_rows is None:
        territory_rows = list(opp.territories) if opp is not None else []
    if right_rows is None:
        right_rows = list(opp.rights) if opp is not None else []
    if not territory_rows:
        raise InvalidInput("territory", "", "give --territory (the opportunity names none)")
    if not right_rows:
        raise InvalidInput("right", "", "give --right (the opportunity names none)")

    latest = _latest_offer(session, opp)
    if mg is not None:
        amount = parse_amount(mg, field="mg")
    elif latest is not None:
        amount = latest.amount
    else:
        raise InvalidInput("mg", "", "give --mg AMOUNT (no offer recorded to take it from)")
    if currency:
        code = parse_currency(currency)
    elif latest is not None:
        code = latest.currency
    elif opp is not None and opp.currency:
        code = opp.currency
    else:
        raise InvalidInput("currency", "", "give --currency")
    plan = parse_instalments(instalments, amount)
    holdback_text = clean_text(holdbacks, field="holdbacks")
    note_text = clean_text(notes, field="notes")

    expander = CountryExpander(session)
    countries = expander.countries(t.code for t in territory_rows)
    if not countries:
        raise InvalidInput(
            "territory", ", ".join(t.name for t in territory_rows), "covers no country"
        )
    clashes = overlapping_deals(
        session,
        film_row.id,
        countries=countries,
        rights=frozenset(r.code for r in right_rows),
        term_start=start,
        term_end=end,
        exclusive=exclusive,
    )
    if clashes:
        more = f" (and {len(clashes) - 1} more deals)" if len(clashes) > 1 else ""
        raise Conflict(f"overlaps an existing deal: {clashes[0].describe()}{more}")

    agent = current_agent(session)
    if opp is None:
        opp = pipeline.start_opportunity(
            session, film=film_row, company=company_row, stage=Stage.NEGOTIATING, agent=agent
        )
        opp.territories = territory_rows
        opp.rights = right_rows
        # Deal has no ORM relationship to Opportunity, so the flush order must be explicit.
        session.flush()
    deal = Deal(
        film_id=film_row.id,
        company_id=company_row.id,
        opportunity_id=opp.id,
        agent_id=agent.id,
        term_start=start,
        term_end=end,
        exclusive=exclusive,
        mg=amount,
        currency=code,
        status=DealStatus.MEMO_SIGNED,
        signed_on=signed,
        holdbacks=holdback_text or (latest.holdbacks if latest else None),
        notes=note_text,
    )
    deal.territories = territory_rows
    deal.rights = right_rows
    deal.instalments = [Instalment(amount=a, due_on=due, description=text) for a, due, text in plan]
    session.add(deal)
    if latest is not None:
        latest.status = OfferStatus.ACCEPTED
    pipeline.move(
        session, opp, Stage.WON, note=f"deal {deal.short_id}: {amount:,} {code}", agent=agent
    )
    session.flush()
    return deal


def _latest_offer(session: Session, opp: Opportunity | None) -> Offer | None:
    if opp is None:
        return None
    return session.scalar(
        select(Offer).where(Offer.opportunity_id == opp.id).order_by(Offer.sequence.desc()).limit(1)
    )


_STATUS_ORDER = list(DealStatus)


def set_status(session: Session, deal: Deal, status: str, *, on: str | None = None) -> Deal:
    """Move a deal along memo signed -> long form signed -> delivered -> paid.

    Going back is refused (fix a mistake by editing, not by rewinding history); `paid`
    marks every unpaid instalment paid on the day given (default today).
    """
    target = parse_deal_status(status)
    day = parse_date(on, field="date") if on else date.today()
    if _STATUS_ORDER.index(target) < _STATUS_ORDER.index(deal.status):
        raise InvalidInput("status", status, f"deal {deal.short_id} is already {deal.status.value}")
    if target == deal.status:
        raise InvalidInput("status", status, f"deal {deal.short_id} is already {target.value}")
    deal.status = target
    if target == DealStatus.PAID:
        for instalment in deal.instalments:
            if instalment.paid_on is None:
                instalment.paid_on = day
    session.flush()
    return deal


@dataclass(frozen=True)
class InstalmentView:
    description: str | None
    amount: Decimal
    due_on: date | None
    paid_on: date | None


@dataclass(frozen=True)
class DealRow:
    id: uuid.UUID
    film: str
    company: str
    territories: tuple[str, ...]
    rights: tuple[str, ...]
    term_start: date
    term_end: date
    exclusive: bool
    mg: Decimal
    currency: str
    status: str
    signed_on: date
    opportunity_id: uuid.UUID | None

    @property
    def ref(self) -> str:
        return short_id(self.id)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.ref,
            "film": self.film,
            "company": self.company,
            "territories": list(self.territories),
            "rights": list(self.rights),
            "term_start": self.term_start,
            "term_end": self.term_end,
            "exclusive": self.exclusive,
            "mg": self.mg,
            "currency": self.currency,
            "status": self.status,
            "signed_on": self.signed_on,
            "opportunity": short_id(self.opportunity_id) if self.opportunity_id else None,
        }


@dataclass(frozen=True)
class DealView:
    row: DealRow
    holdbacks: str | None
    notes: str | None
    instalments: tuple[InstalmentView, ...]
    countries: tuple[str, ...]


def list_deals(
    session: Session,
    *,
    film: str | None = None,
    company: str | None = None,
    status: str | None = None,
    deal_ids: Sequence[uuid.UUID] | None = None,
) -> list[DealRow]:
    conditions = []
    if film:
        conditions.append(Deal.film_id == find_film(session, film).id)
    if company:
        conditions.append(Deal.company_id == find_company(session, company).id)
    if status:
        conditions.append(Deal.status == parse_deal_status(status))
    if deal_ids is not None:
        conditions.append(Deal.id.in_(deal_ids))
    rows = session.execute(
        select(Deal, Film.slug, Company.name)
        .join(Film, Film.id == Deal.film_id)
        .join(Company, Company.id == Deal.company_id)
        .where(*conditions)
        .order_by(Deal.signed_on.desc(), Company.name)
    ).all()
    ids = [deal.id for deal, _, _ in rows]
    territories: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    rights: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for deal_id, code in session.execute(
            select(deal_territories.c.deal_id, Territory.code)
            .join(Territory, Territory.id == deal_territories.c.territory_id)
            .where(deal_territories.c.deal_id.in_(chunk))
            .order_by(Territory.code)
        ):
            territories[deal_id].append(code)
        for deal_id, code in session.execute(
            select(deal_rights.c.deal_id, Right.code)
            .join(Right, Right.id == deal_rights.c.right_id)
            .where(deal_rights.c.deal_id.in_(chunk))
            .order_by(Right.position)
        ):
            rights[deal_id].append(code)
    return [
        DealRow(
            id=deal.id,
            film=slug,
            company=name,
            territories=tuple(territories[deal.id]),
            rights=tuple(rights[deal.id]),
            term_start=deal.term_start,
            term_end=deal.term_end,
            exclusive=deal.exclusive,
            mg=deal.mg,
            currency=deal.currency,
            status=deal.status.value,
            signed_on=deal.signed_on,
            opportunity_id=deal.opportunity_id,
        )
        for deal, slug, name in rows
    ]


def deal_view(session: Session, deal: Deal) -> DealView:
    (row,) = list_deals(session, deal_ids=[deal.id])
    countries = CountryExpander(session).countries(row.territories)
    return DealView(
        row=row,
        holdbacks=deal.holdbacks,
        notes=deal.notes,
        instalments=tuple(
            InstalmentView(i.description, i.amount, i.due_on, i.paid_on) for i in deal.instalments
        ),
        countries=tuple(sorted(countries)),
    )

"""A small, fixed sales world around EFM 2026 (week 2026-W07) with hand-computed figures.

Expectations used by the report tests (as of Monday 2026-02-16, rates on or before
Sunday 2026-02-15, EUR USD 1.10 recorded on 2026-02-01, no JPY rate):

* moves in the week: 5 (into negotiating, offer, won, lost, pitched: one each);
* new offers: 5 rows; buyers' offers EUR 330,000 (2) + USD 400,000 (1, = EUR 363,636.36)
  + JPY 30,000,000 (1, no rate) -> EUR 693,636.36 converted, JPY named as missing;
* deals closed: 1, USD 80,000 = EUR 72,727.27;
* The Outlaws: sold in 7 countries (DE AT CH LI LU via German-speaking Europe; AU NZ),
  MG to date EUR 120,000 + USD 80,000 = EUR 192,727.27;
* The Roundup: Punishment: under offer in 7 countries (5 + US + JP), outstanding
  EUR 180,000 + USD 400,000 (= 363,636.36) + JPY 30,000,000 -> EUR 543,636.36;
  Splendid's 180,000 is under its 200,000 take;
* hot buyers without an offer: Capelight on The Roundup: Punishment;
* overdue follow-ups: Ana Kim 1, Ben Park 2;
* meetings held: EFM 2026 3 (3 buyers), no market 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.models import (
    Agent,
    Company,
    CompanyType,
    Contact,
    Deal,
    ExchangeRate,
    Film,
    FollowUp,
    Interest,
    Market,
    Meeting,
    MeetingFilm,
    MeetingStatus,
    Offer,
    OfferSide,
    OfferStatus,
    Opportunity,
    Right,
    Stage,
    StageChange,
    Territory,
)
from roundup_crm.services.validate import match_key


def at(day: int, hour: int = 10, month: int = 2) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@dataclass
class World:
    ana: Agent
    ben: Agent
    outlaws: Film
    roundup4: Film
    splendid: Company
    wellgo: Company
    kadokawa: Company
    madman: Company
    capelight: Company
    efm: Market


def _territories(session: Session, *codes: str) -> list[Territory]:
    found = {t.code: t for t in session.scalars(select(Territory).where(Territory.code.in_(codes)))}
    return [found[c] for c in codes]


def _rights(session: Session, *codes: str) -> list[Right]:
    found = {r.code: r for r in session.scalars(select(Right).where(Right.code.in_(codes)))}
    return [found[c] for c in codes]


def build_world(session: Session, copy: int = 0) -> World:
    """The world; `copy` > 0 adds another one under new names (same dates, no new rate),
    to grow the data without changing its shape."""
    session.info["audit"] = False
    tag = f" {copy}" if copy else ""
    slug = f"-{copy}" if copy else ""
    ana = Agent(
        name=f"ana{slug}",
        full_name="Ana Kim",
        email="ana@seoulscreen.example",
        title="Head of International Sales",
    )
    ben = Agent(
        name=f"ben{slug}",
        full_name="Ben Park",
        email="ben@seoulscreen.example",
        title="Sales Manager",
    )
    outlaws = Film(
        slug=f"the-outlaws{slug}",
        title=f"The Outlaws{tag}",
        year=2017,
        screener_url="https://screeners.example/outlaws",
        screener_password="efm26",
    )
    roundup4 = Film(
        slug=f"the-roundup-punishment{slug}",
        title=f"The Roundup: Punishment{tag}",
        year=2024,
        screener_url="https://screeners.example/roundup4",
    )

    def company(
        name: str, country: str, *buys_for: str, type: CompanyType = CompanyType.THEATRICAL
    ) -> Company:
        row = Company(name=name + tag, match_key=match_key(name + tag), country=country, type=type)
        row.territories = _territories(session, *buys_for)
        return row

    splendid = company("Splendid Film", "DE", "german-speaking-europe")
    wellgo = company("Well Go USA", "US", "US", type=CompanyType.HOME_ENTERTAINMENT)
    kadokawa = company("Kadokawa", "JP", "JP")
    madman = company("Madman Entertainment", "AU", "AU", "NZ")
    capelight = company("Capelight Pictures", "DE", "DE", type=CompanyType.HOME_ENTERTAINMENT)
    efm = Market(
        name=f"EFM 2026{tag}",
        city="Berlin",
        venue="Gropius Bau",
        starts_on=date(2026, 2, 12),
        ends_on=date(2026, 2, 18),
        timezone="Europe/Berlin",
        stand="Gropius Bau #42",
    )
    session.add_all(
        [ana, ben, outlaws, roundup4, splendid, wellgo, kadokawa, madman, capelight, efm]
    )
    if not copy:
        session.add(
            ExchangeRate(base="EUR", quote="USD", rate=Decimal("1.10"), on=date(2026, 2, 1))
        )
    session.flush()

    def opportunity(
        film: Film,
        company: Company,
        stage: Stage,
        interest: Interest | None,
        currency: str | None,
        ask: int | None,
        take: int | None,
        territories: tuple[str, ...] = (),
        agent: Agent = ana,
        lost_reason: str | None = None,
    ) -> Opportunity:
        row = Opportunity(
            film_id=film.id,
            company_id=company.id,
            agent_id=agent.id,
            stage=stage,
            interest=interest,
            currency=currency,
            ask=Decimal(ask) if ask is not None else None,
            take=Decimal(take) if take is not None else None,
            lost_reason=lost_reason,
            stage_changed_at=at(1, month=1),
        )
        row.territories = _territories(session, *territories)
        session.add(row)
        return row

    o1 = opportunity(
        roundup4,
        splendid,
        Stage.NEGOTIATING,
        Interest.HOT,
        "EUR",
        300_000,
        200_000,
        ("german-speaking-europe",),
    )
    o2 = opportunity(
        roundup4, wellgo, Stage.OFFER, Interest.WARM, "USD", 500_000, 350_000, ("US",), agent=ben
    )
    o2.rights = _rights(session, "svod", "home-video")
    o3 = opportunity(
        roundup4, kadokawa, Stage.OFFER, Interest.HOT, "JPY", 50_000_000, 25_000_000
    )  # no territories of its own: the buyer's (JP)
    o4 = opportunity(outlaws, madman, Stage.WON, Interest.HOT, "USD", 100_000, 70_000, ("AU", "NZ"))
    o5 = opportunity(
        outlaws,
        capelight,
        Stage.LOST,
        Interest.COLD,
        "EUR",
        90_000,
        60_000,
        ("DE",),
        agent=ben,
        lost_reason="price too high",
    )
    o6 = opportunity(roundup4, capelight, Stage.PITCHED, Interest.HOT, None, None, None)
    o6.stage_changed_at = at(13)
    session.flush()

    def move(
        opp: Opportunity,
        old: Stage | None,
        new: Stage,
        when: datetime,
        who: Agent,
        note: str | None = None,
    ) -> None:
        session.add(
            StageChange(
                opportunity_id=opp.id,
                from_stage=old,
                to_stage=new,
                changed_at=when,
                agent_id=who.id,
                note=note,
            )
        )

    move(o2, Stage.LEAD, Stage.SCREENER_SENT, at(2), ben)  # the week before
    move(o3, Stage.SCREENER_SENT, Stage.OFFER, at(5), ana)  # the week before
    move(o1, Stage.OFFER, Stage.NEGOTIATING, at(14), ana, "counter at 250k")
    move(o2, Stage.SCREENER_SENT, Stage.OFFER, at(10, 9), ben)
    move(o4, Stage.NEGOTIATING, Stage.WON, at(11, 15), ana)
    move(o5, Stage.OFFER, Stage.LOST, at(12, 11), ben)
    move(o6, Stage.LEAD, Stage.PITCHED, at(13), ana)
    move(o6, Stage.PITCHED, Stage.SCREENER_SENT, at(16, 9), ana)  # the week after
    o6.stage = Stage.PITCHED  # the later move is what the history says; the row stays

    def offer(
        opp: Opportunity,
        seq: int,
        amount: int,
        currency: str,
        day: int,
        side: OfferSide = OfferSide.BUYER,
        status: OfferStatus = OfferStatus.OPEN,
    ) -> None:
        session.add(
            Offer(
                opportunity_id=opp.id,
                sequence=seq,
                side=side,
                status=status,
                amount=Decimal(amount),
                currency=currency,
                term_years=7,
                offered_on=date(2026, 2, day),
            )
        )

    offer(o1, 1, 150_000, "EUR", 13, status=OfferStatus.COUNTERED)
    offer(o1, 2, 250_000, "EUR", 14, side=OfferSide.SELLER)
    offer(o1, 3, 180_000, "EUR", 15)
    offer(o2, 1, 400_000, "USD", 10)
    offer(o3, 1, 30_000_000, "JPY", 12)

    old = Deal(
        film_id=outlaws.id,
        company_id=splendid.id,
        agent_id=ana.id,
        term_start=date(2025, 7, 1),
        term_end=date(2032, 6, 30),
        mg=Decimal(120_000),
        currency="EUR",
        signed_on=date(2025, 6, 1),
    )
    old.territories = _territories(session, "german-speaking-europe")
    old.rights = _rights(session, "all-rights")
    new = Deal(
        film_id=outlaws.id,
        company_id=madman.id,
        opportunity_id=o4.id,
        agent_id=ana.id,
        term_start=date(2026, 3, 1),
        term_end=date(2033, 2, 28),
        mg=Decimal(80_000),
        currency="USD",
        signed_on=date(2026, 2, 11),
    )
    new.territories = _territories(session, "AU", "NZ")
    new.rights = _rights(session, "all-rights")
    session.add_all([old, new])

    sabine = Contact(company_id=splendid.id, name="Sabine Weber", email="sabine@splendid.example")
    marc = Contact(company_id=splendid.id, name="Marc Roth")  # no email
    doris = Contact(company_id=wellgo.id, name="Doris Pae", email="doris@wellgo.example")
    yuki = Contact(
        company_id=kadokawa.id,
        name="Yuki Sato",
        email="yuki@kadokawa.example",
        preferred_language="ja",
    )
    session.add_all([sabine, marc, doris, yuki])

    def meeting(
        company: Company,
        when: datetime,
        who: Agent,
        contacts: list[Contact],
        films: list[tuple[Film, Interest, str | None]],
        status: MeetingStatus = MeetingStatus.HELD,
        market: Market | None = efm,
    ) -> Meeting:
        row = Meeting(
            market_id=market.id if market else None,
            company_id=company.id,
            agent_id=who.id,
            starts_at=when,
            status=status,
            place="Stand #42",
        )
        row.contacts = contacts
        row.films = [MeetingFilm(film_id=f.id, interest=i, note=n) for f, i, n in films]
        session.add(row)
        return row

    m_splendid = meeting(
        splendid,
        at(13, 9),
        ana,
        [sabine, marc],
        [
            (roundup4, Interest.HOT, "wants a German dub <b>fast</b>"),
            (outlaws, Interest.WARM, None),
        ],
    )
    m_wellgo = meeting(wellgo, at(13, 11), ben, [doris], [(roundup4, Interest.WARM, "SVOD only")])
    meeting(kadokawa, at(14, 10), ana, [yuki], [(roundup4, Interest.HOT, None)])
    meeting(
        madman, at(14, 12), ana, [], [(outlaws, Interest.HOT, None)], status=MeetingStatus.CANCELLED
    )
    meeting(capelight, at(10, 14), ben, [], [(roundup4, Interest.HOT, None)], market=None)
    session.flush()

    def followup(
        title: str,
        owner: Agent,
        due: date,
        done: datetime | None = None,
        meeting: Meeting | None = None,
        company: Company | None = None,
    ) -> None:
        session.add(
            FollowUp(
                title=title,
                owner_id=owner.id,
                due_on=due,
                done_at=done,
                meeting_id=meeting.id if meeting else None,
                company_id=company.id if company else None,
            )
        )

    followup("Send screener link", ana, date(2026, 2, 10), meeting=m_splendid)
    followup("Send catalogue", ana, date(2026, 2, 14), done=at(13), company=splendid)
    followup("Send SVOD offer terms", ben, date(2026, 2, 15), meeting=m_wellgo)
    followup("Call back about dub costs", ben, date(2026, 2, 12), done=at(17), company=capelight)
    followup("Meet again at Cannes", ana, date(2026, 2, 20), meeting=m_splendid)
    session.flush()
    session.info["audit"] = True
    return World(ana, ben, outlaws, roundup4, splendid, wellgo, kadokawa, madman, capelight, efm)

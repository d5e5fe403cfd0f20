"""The demo: realistic, complete enough to exercise every report, and idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roundup_crm.db import Database
from roundup_crm.models import (
    Company,
    CompanyType,
    Deal,
    Film,
    FilmStatus,
    FollowUp,
    Meeting,
    Offer,
    Opportunity,
    Stage,
)
from roundup_crm.services.demo import load_demo
from tests.conftest import Cli


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_demo_loads_the_series_and_a_market_and_is_idempotent(cli: Cli, database: Database) -> None:
    assert "Demo loaded" in cli("demo").stdout
    with database.begin() as session:
        counts = {m: _count(session, m) for m in (Film, Company, Meeting, Opportunity, Deal)}
    assert "nothing added" in cli("demo").stdout
    with database.begin() as session:
        assert {m: _count(session, m) for m in counts} == counts

        films = {f.slug: f for f in session.scalars(select(Film))}
        assert films["the-outlaws"].original_title == "범죄도시"
        assert "Crime City" in films["the-outlaws"].alternate_titles
        punishment = films["the-roundup-punishment"]
        assert punishment.year == 2024 and punishment.runtime_minutes == 109
        assert any(f.section == "Berlinale Special Gala" for f in punishment.festivals)
        assert any(
            c.name == "Heo Myeong-haeng" and c.name_ko == "허명행" for c in punishment.credits
        )
        assert films["the-roundup-5"].status == FilmStatus.DEVELOPMENT

        companies = session.scalars(select(Company)).all()
        assert len({c.country for c in companies}) >= 25
        assert {c.type for c in companies} == set(CompanyType)
        assert 55 <= counts[Meeting] <= 70
        assert {o.stage for o in session.scalars(select(Opportunity))} == set(Stage)
        assert len({o.currency for o in session.scalars(select(Offer))}) >= 3
        assert counts[Deal] == 2
        overdue = session.scalars(
            select(FollowUp).where(FollowUp.done_at.is_(None), FollowUp.due_on < date(2026, 11, 1))
        ).all()
        assert overdue


def test_every_won_opportunity_has_its_deal(session: Session) -> None:
    load_demo(session)
    won = session.scalars(select(Opportunity).where(Opportunity.stage == Stage.WON)).all()
    deals = session.scalars(select(Deal)).all()
    assert {o.id for o in won} == {d.opportunity_id for d in deals}

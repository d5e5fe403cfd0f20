"""The data model on both engines: types keep their meaning, the audit trail records."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from roundup_crm.db import Database, current_agent
from roundup_crm.errors import StaleEdit
from roundup_crm.models import (
    AuditAction,
    AuditEntry,
    Company,
    CompanyType,
    Deal,
    ExchangeRate,
    Film,
    Opportunity,
    Right,
    Stage,
    StageChange,
    Territory,
    TerritoryKind,
)
from roundup_crm.services.territories import country_codes, find_territory, right_codes


def _film(session: Session, slug: str = "the-roundup") -> Film:
    film = Film(slug=slug, title="The Roundup", original_title="범죄도시2", year=2022)
    session.add(film)
    session.flush()
    return film


def _company(session: Session, name: str = "Nordlicht Filmverleih") -> Company:
    company = Company(name=name, match_key=name.lower(), country="DE", type=CompanyType.THEATRICAL)
    session.add(company)
    session.flush()
    return company


def test_reference_data_is_seeded(session: Session) -> None:
    countries = session.scalar(
        select(func.count()).select_from(Territory).where(Territory.kind == TerritoryKind.COUNTRY)
    )
    assert countries is not None and countries >= 249
    assert find_territory(session, "KR").name == "South Korea"
    assert find_territory(session, "Germany").code == "DE"
    assert find_territory(session, "deu").code == "DE"
    assert find_territory(session, "German-speaking Europe").code == "german-speaking-europe"
    assert session.scalar(select(func.count()).select_from(Right)) == 14


def test_groups_expand_with_exclusions(session: Session) -> None:
    cis = find_territory(session, "cis-excl-baltics")
    assert "EE" not in country_codes(session, [cis])
    assert {"RU", "KZ", "UA"} <= country_codes(session, [cis])
    latam = find_territory(session, "Latin America excl. Brazil")
    codes = country_codes(session, [latam])
    assert "BR" not in codes and "AR" in codes
    world = country_codes(session, [find_territory(session, "World excl. Korea")])
    assert "KR" not in world and len(world) > 240


def test_all_rights_expands_without_remake(session: Session) -> None:
    all_codes = list(session.scalars(select(Right.code)))
    codes = right_codes(["all-rights"], all_codes)
    assert "remake" not in codes and "svod" in codes and "all-rights" not in codes


def test_money_dates_and_times_round_trip_exactly(database: Database) -> None:
    at = datetime(2026, 2, 14, 10, 30, tzinfo=timezone(timedelta(hours=1)))  # Berlin
    with database.begin() as session:
        film = _film(session)
        company = _company(session)
        opp = Opportunity(
            film=film,
            company=company,
            stage=Stage.OFFER,
            currency="KRW",
            ask=Decimal("1234567890123.45"),
            take=Decimal("0.10"),
            stage_changed_at=at,
        )
        session.add(opp)
        session.add(
            ExchangeRate(base="EUR", quote="USD", rate=Decimal("1.08123456"), on=date(2026, 2, 13))
        )
        opp_id = opp.id
    with database.begin() as session:
        opp = session.get_one(Opportunity, opp_id)
        assert opp.ask == Decimal("1234567890123.45")
        assert opp.take == Decimal("0.10")
        assert opp.stage_changed_at == at
        assert opp.stage_changed_at.tzinfo is not None
        assert opp.stage_changed_at.utcoffset() == timedelta(0)
        rate = session.scalar(select(ExchangeRate.rate))
        assert rate == Decimal("1.08123456")


def test_naive_datetimes_are_refused(session: Session) -> None:
    film = _film(session)
    company = _company(session)
    session.add(Opportunity(film=film, company=company, stage_changed_at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError), database.begin() as session:
        session.add(Opportunity(film_id=uuid.uuid4(), company_id=uuid.uuid4()))


def test_dates_stay_dates(session: Session) -> None:
    film = _film(session)
    company = _company(session)
    deal = Deal(
        film=film,
        company=company,
        term_start=date(2026, 3, 1),
        term_end=date(2033, 2, 28),
        mg=Decimal("50000"),
        currency="EUR",
        signed_on=date(2026, 2, 15),
    )
    session.add(deal)
    session.flush()
    session.expire_all()
    loaded = session.get_one(Deal, deal.id)
    assert loaded.signed_on == date(2026, 2, 15)
    assert type(loaded.signed_on) is date


def test_every_change_is_audited_with_the_agent(database: Database) -> None:
    with database.begin() as session:
        current_agent(session)
        film = _film(session)
        film_id = film.id
    with database.begin() as session:
        film = session.get_one(Film, film_id)
        film.runtime_minutes = 106
    with database.begin() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == film_id).order_by(AuditEntry.at)
        ).all()
        assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
        assert {e.agent_name for e in entries} == {"tester"}
        assert entries[1].changes == {"runtime_minutes": [None, 106]}


def test_stale_edit_is_refused(database: Database) -> None:
    """A save based on an old read fails instead of overwriting another agent's edit."""
    with database.begin() as session:
        film_id = _film(session).id
    with database.begin() as session:
        read_earlier = session.get_one(Film, film_id)
        session.expunge(read_earlier)
    with database.begin() as session:
        session.get_one(Film, film_id).logline = "the first agent's save"
    with pytest.raises(StaleEdit) as refused, database.begin() as session:
        session.add(read_earlier)  # re-attached as it was read: version 1
        read_earlier.logline = "the second agent's save"
        session.flush()
    # Database.begin turns StaleDataError into a message naming the record and the change.
    assert f"film {film_id.hex[:8]}" in str(refused.value)
    assert "tester changed logline" in str(refused.value)
    with database.begin() as session:
        assert session.get_one(Film, film_id).logline == "the first agent's save"


def test_stage_history_is_ordered(session: Session) -> None:
    film = _film(session)
    company = _company(session)
    opp = Opportunity(film=film, company=company)
    t0 = datetime(2026, 2, 13, 9, tzinfo=UTC)
    opp.history.append(StageChange(to_stage=Stage.LEAD, changed_at=t0))
    opp.history.append(
        StageChange(
            from_stage=Stage.LEAD, to_stage=Stage.PITCHED, changed_at=t0 + timedelta(hours=2)
        )
    )
    session.add(opp)
    session.flush()
    session.expire_all()
    assert [c.to_stage for c in session.get_one(Opportunity, opp.id).history] == [
        Stage.LEAD,
        Stage.PITCHED,
    ]

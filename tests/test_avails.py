"""Avails: the sold / under offer / open grid, its compact view and overlap detection."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from roundup_crm.errors import InvalidInput, NotFound
from roundup_crm.models import Stage
from roundup_crm.services.avails import (
    OFFER,
    OPEN,
    SOLD,
    available_countries,
    film_avails,
    overlapping_deals,
)
from tests import sales_builders as build

ON = date(2026, 2, 14)


def test_an_empty_film_is_open_everywhere(session: Session) -> None:
    film = build.film(session)
    grid = film_avails(session, film, on=ON)
    assert len(grid.rows) > 240
    assert "all-rights" not in grid.right_codes
    assert grid.right_codes[0] == "theatrical" and "remake" in grid.right_codes
    assert grid.counts()[SOLD] == grid.counts()[OFFER] == 0
    (only,) = grid.compact()
    assert only.label == "All territories"


def test_group_deal_sells_each_member_country_for_all_rights_but_remake(session: Session) -> None:
    film = build.film(session)
    buyer = build.company(session, "Splendid Film", country="DE")
    sold = build.deal(
        session, film, buyer, territories_=["german-speaking-europe"], rights_=["all-rights"]
    )
    grid = film_avails(session, film, on=ON)
    for country in ("DE", "AT", "CH", "LI", "LU"):
        cell = grid.cell(country, "svod")
        assert cell.status == SOLD
        assert cell.sales[0].buyer == "Splendid Film"
        assert cell.sales[0].deal_id == sold.id
        assert cell.sales[0].term_end == date(2032, 12, 31)
        assert grid.cell(country, "remake").status == OPEN
    assert grid.cell("FR", "svod").status == OPEN
    groups = grid.compact()
    assert groups[0].label == "German-speaking Europe"
    assert set(groups[0].countries) == {"DE", "AT", "CH", "LI", "LU"}
    assert groups[-1].label.startswith("Rest of world")
    assert "until 2032-12-31" in groups[0].cells[0].label()


def test_expired_deals_free_the_cell_and_future_ones_hold_it(session: Session) -> None:
    film = build.film(session)
    old = build.company(session, "Old Buyer", country="FR")
    new = build.company(session, "New Buyer", country="FR")
    build.deal(
        session,
        film,
        old,
        territories_=["FR"],
        rights_=["theatrical"],
        start=date(2018, 1, 1),
        end=date(2024, 12, 31),
    )
    build.deal(
        session,
        film,
        new,
        territories_=["IT"],
        rights_=["theatrical"],
        start=date(2027, 1, 1),
        end=date(2030, 12, 31),
    )
    grid = film_avails(session, film, on=ON)
    assert grid.cell("FR", "theatrical").status == OPEN
    assert grid.cell("IT", "theatrical").status == SOLD
    past = film_avails(session, film, on=date(2020, 6, 1))
    assert past.cell("FR", "theatrical").sales[0].buyer == "Old Buyer"


def test_open_offers_mark_cells_under_offer_using_the_buyers_territories(
    session: Session,
) -> None:
    film = build.film(session)
    benelux = build.company(session, "Lumière", country="BE", buys_for=["benelux"])
    french = build.company(session, "Metropolitan", country="FR")
    pitched = build.company(session, "Just Pitched", country="ES")
    build.opportunity(session, film, benelux, stage=Stage.NEGOTIATING)
    build.opportunity(session, film, french, rights_=["svod"])
    build.opportunity(session, film, pitched, stage=Stage.PITCHED)
    grid = film_avails(session, film, on=ON)
    assert grid.cell("NL", "free-tv").offers == ("Lumière",)
    assert grid.cell("NL", "free-tv").status == OFFER
    assert grid.cell("FR", "svod").status == OFFER
    assert grid.cell("FR", "theatrical").status == OPEN
    assert grid.cell("ES", "svod").status == OPEN


def test_sold_wins_over_an_offer_and_non_exclusive_is_marked(session: Session) -> None:
    film = build.film(session)
    a = build.company(session, "Platform A", country="JP")
    b = build.company(session, "Platform B", country="JP")
    build.deal(session, film, a, territories_=["JP"], rights_=["svod"], exclusive=False)
    build.opportunity(session, film, b, rights_=["svod"])
    cell = film_avails(session, film, on=ON).cell("JP", "svod")
    assert cell.status == SOLD
    assert cell.offers == ("Platform B",)
    assert not cell.sales[0].exclusive
    assert "non-excl." in cell.label()


def test_available_countries_for_a_sales_sheet(session: Session) -> None:
    film = build.film(session)
    buyer = build.company(session, "Splendid Film", country="DE")
    offer = build.company(session, "Lumière", country="BE", buys_for=["benelux"])
    build.deal(session, film, buyer, territories_=["DE"], rights_=["theatrical"])
    build.opportunity(session, film, offer)
    europe = {"german-speaking-europe", "benelux", "FR"}
    assert available_countries(session, film, countries=europe, on=ON) == ["AT", "CH", "FR", "LI"]
    assert available_countries(session, film, countries=europe, rights={"svod"}, on=ON) == [
        "AT",
        "CH",
        "DE",
        "FR",
        "LI",
    ]
    with_offers = available_countries(
        session, film, countries=europe, on=ON, include_under_offer=True
    )
    assert with_offers == ["AT", "BE", "CH", "FR", "LI", "LU", "NL"]
    assert "KR" in available_countries(session, film.slug, on=ON)
    with pytest.raises(InvalidInput):
        available_countries(session, film, rights={"cinema"}, on=ON)
    with pytest.raises(NotFound):
        film_avails(session, "no-such-film")


def test_rights_filter_keeps_grid_order(session: Session) -> None:
    film = build.film(session)
    grid = film_avails(session, film, on=ON, rights=["svod", "theatrical"])
    assert grid.right_codes == ("theatrical", "svod")


def test_overlaps_name_the_conflicting_deal(session: Session) -> None:
    film = build.film(session)
    a = build.company(session, "Splendid Film", country="DE")
    held = build.deal(
        session,
        film,
        a,
        territories_=["german-speaking-europe"],
        rights_=["all-rights"],
        start=date(2026, 1, 1),
        end=date(2030, 12, 31),
    )
    clash = overlapping_deals(
        session,
        film.id,
        countries=frozenset({"AT"}),
        rights=frozenset({"svod", "remake"}),
        term_start=date(2030, 12, 31),
        term_end=date(2035, 1, 1),
        exclusive=True,
    )
    assert [o.sale.deal_id for o in clash] == [held.id]
    assert clash[0].rights == {"svod"}
    assert "Splendid Film" in clash[0].describe() and held.short_id in clash[0].describe()
    # the day after the term ends is free; remake was never part of all-rights
    assert not overlapping_deals(
        session,
        film.id,
        countries=frozenset({"AT"}),
        rights=frozenset({"all-rights"}),
        term_start=date(2031, 1, 1),
        term_end=date(2035, 1, 1),
        exclusive=True,
    )
    assert not overlapping_deals(
        session,
        film.id,
        countries=frozenset({"AT"}),
        rights=frozenset({"remake"}),
        term_start=date(2026, 1, 1),
        term_end=date(2027, 1, 1),
        exclusive=True,
    )


def test_non_exclusive_deals_may_share_but_not_with_an_exclusive(session: Session) -> None:
    film = build.film(session)
    a = build.company(session, "Platform A", country="JP")
    build.deal(session, film, a, territories_=["JP"], rights_=["svod"], exclusive=False)
    kwargs = dict(
        countries=frozenset({"JP"}),
        rights=frozenset({"svod"}),
        term_start=date(2026, 6, 1),
        term_end=date(2027, 6, 1),
    )
    assert not overlapping_deals(session, film.id, exclusive=False, **kwargs)  # type: ignore[arg-type]
    assert overlapping_deals(session, film.id, exclusive=True, **kwargs)  # type: ignore[arg-type]

"""Press kits and sales sheets: the facts reach the PDF, in English and Korean, on one page."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.db import Database
from roundup_crm.documents.presskit import current_market, fold_groups, summarise_availability
from roundup_crm.models import (
    Company,
    CompanyType,
    Credit,
    CreditRole,
    FestivalEntry,
    Film,
    Market,
    Territory,
    TerritoryKind,
)
from roundup_crm.services.presskit import (
    PressKitRenderer,
    Request,
    document_filename,
    read_presskits,
)
from roundup_crm.services.sales_company import CompanyContact, SalesCompany
from roundup_crm.services.validate import match_key
from tests.presskit_films import FILM, add_film, add_market_screenings, sell

TODAY = date(2026, 2, 14)
NOW = datetime(2026, 2, 14, 9, 0, tzinfo=UTC)
COMPANY = SalesCompany(
    name=FILM.company,
    address="12 Teheran-ro, Gangnam-gu, Seoul",
    website="https://seoulscreen.example",
    email="sales@seoulscreen.example",
    phone="+8225550100",
    contacts=(
        CompanyContact(
            name="Kim Ji-won",
            name_ko="김지원",
            title="Head of International Sales",
            email=FILM.sales_email,
            phone="+821055550101",
        ),
        CompanyContact(name="Park Seo-yeon", role="press", email="press@seoulscreen.example"),
    ),
)


def pdf_text(data: bytes) -> str:
    """The PDF's text with runs of whitespace folded, as a reader would search it."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def links(data: bytes) -> set[str]:
    """The targets of the PDF's clickable links."""
    found = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                found.add(str(action["/URI"]))
    return found


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    return tmp_path / "assets"


def render(
    session: Session, assets: Path, *requests: Request, film: str = FILM.slug, **options: object
) -> dict[Request, bytes]:
    kits = read_presskits(
        session,
        [film],
        requests=requests,
        company=options.pop("company", COMPANY),  # type: ignore[arg-type]
        assets_dir=assets,
        today=TODAY,
        now=NOW,
        **options,  # type: ignore[arg-type]
    )
    renderer = PressKitRenderer(assets_dir=assets)
    return {request: renderer.render(request, kit).content for request, kit in kits}


def test_press_kits_and_sheets_carry_the_facts_in_both_languages(
    session: Session, assets: Path
) -> None:
    add_film(session, assets_dir=assets, market_on=TODAY)
    en, ko, sheet_en, sheet_ko = (
        Request("en"),
        Request("ko"),
        Request("en", sheet=True),
        Request("ko", sheet=True),
    )
    out = render(session, assets, en, ko, sheet_en, sheet_ko)

    for request, data in out.items():
        text = pdf_text(data)
        assert FILM.title in text and FILM.original_title in text, request
        assert FILM.director in text and FILM.director_ko in text, request
        assert FILM.lead in text, request
        assert FILM.sales_email in text, request
        assert "sekrit-do-not-print" not in text, request

    english = pdf_text(out[en])
    assert "109 min" in english
    assert FILM.synopsis_sentence in english
    assert "THE ROUNDUP SERIES · FILM 4" in english  # set in capitals on the cover
    assert "Berlinale Special Gala" in english and "Audience Award, Silver" in english
    assert "Ma Dong-seok remains the most satisfying punch in world cinema." in english
    assert "11,500,000" in english  # admissions
    assert "Dolby Atmos" in english and "2.39:1" in english and "DCP 4K" in english
    assert "Korean, English, Tagalog" in english and "English, French, Spanish" in english
    assert "Oh Sang-ho" in english and "Kim Tae-seong" in english  # full credits
    assert "https://screeners.example/roundup-punishment/trailer" in links(out[en])
    assert "press@seoulscreen.example" in english
    assert "Screenings at EFM 2026" in english

    korean = pdf_text(out[ko])
    assert "109분" in korean
    assert FILM.synopsis_sentence_ko in korean
    for label in ("시놉시스", "기술 사양", "배우 및 제작진", "영화제 및 수상", "연락처"):
        assert label in korean, label
    assert "대한민국" in korean  # the country, in Korean

    for request in (sheet_en, sheet_ko):
        assert pages(out[request]) == 1
    sheet = pdf_text(out[sheet_en])
    # Sold: German-speaking Europe, France and Japan; the rest of the world is open.
    assert "Worldwide, except:" in sheet
    assert "German-speaking Europe" in sheet and "France" in sheet and "Japan" in sheet
    assert "Sat 14 Feb · 09:30–11:19" in sheet  # 08:30 UTC shown in Berlin time
    assert "Times in Europe/Berlin (Berlin)" in sheet
    sheet_korean = pdf_text(out[sheet_ko])
    assert "판매 가능 지역" in sheet_korean and "독일어권 유럽" in sheet_korean
    assert "일본" in sheet_korean and "프랑스" in sheet_korean
    assert "2월 14일 (토) · 09:30–11:19" in sheet_korean


def test_pdf_metadata_names_the_film_the_company_and_the_date(
    session: Session, assets: Path
) -> None:
    add_film(session, assets_dir=assets)
    data = render(session, assets, Request("ko"))[Request("ko")]
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta is not None
    assert meta.title == f"{FILM.original_title} · 프레스킷"
    assert meta.author == FILM.company
    assert meta.subject == f"프레스킷: {FILM.original_title} (2024)"
    assert meta.creation_date is not None
    assert meta.creation_date.astimezone(UTC) == NOW


def test_a_film_with_only_a_title_gets_a_short_clean_kit(session: Session, assets: Path) -> None:
    session.add(Film(slug="untitled-5", title="The Roundup 5"))
    session.flush()
    out = render(session, assets, Request("en"), Request("en", sheet=True), film="untitled-5")
    kit = pdf_text(out[Request("en")])
    assert "The Roundup 5" in kit and "In development" in kit
    for missing in ("Synopsis", "Cast", "Box office", "Stills", "Festivals", "Trailer"):
        assert missing not in kit, missing
    assert pages(out[Request("en", sheet=True)]) == 1


def test_the_sheet_stays_on_one_page_with_far_too_much_data(session: Session, assets: Path) -> None:
    film = add_film(session, assets_dir=assets, market_on=TODAY, extra_cast=30, deals=False)
    film.logline = "An unstoppable detective keeps going. " * 60
    film.title = "The Roundup: Punishment, the Extended International Festival Edition Title"
    for i in range(12):
        film.festivals.append(
            FestivalEntry(festival=f"Festival number {i}", year=2024, award="Best Film", won=True)
        )
    add_market_screenings(session, film, TODAY, count=25)
    # Every other country sold: the worst case for folding territories into groups.
    codes = sorted(
        session.scalars(select(Territory.code).where(Territory.kind == TerritoryKind.COUNTRY))
    )
    sell(session, film, codes[::2], buyer="Splendid Film")
    session.flush()
    many = SalesCompany(
        name=COMPANY.name,
        contacts=tuple(
            CompanyContact(name=f"Agent {i} with a long name", email=f"agent{i}@example.com")
            for i in range(8)
        ),
    )
    out = render(
        session, assets, Request("en", sheet=True), Request("ko", sheet=True), company=many
    )
    for data in out.values():
        assert pages(data) == 1
    text = pdf_text(out[Request("en", sheet=True)])
    assert "and 23 more screenings" in text
    assert "Available in:" in text


def test_availability_folds_whole_groups_and_reads_from_the_short_side() -> None:
    everywhere = {f"C{i}" for i in range(10)} | {"DE", "AT", "CH", "LI", "LU", "BE", "NL"}
    groups = [
        ("German-speaking Europe", frozenset({"DE", "AT", "CH", "LI", "LU"})),
        ("Benelux", frozenset({"BE", "NL", "LU"})),
        ("World", frozenset(everywhere)),
    ]
    summary = summarise_availability(
        {"DE", "AT", "CH", "LI", "LU", "BE", "NL", "C1"},
        everywhere,
        groups,
        lang="en",
        as_of=TODAY,
    )
    assert not summary.excluding
    # Overlapping groups are both named; "World" is never a useful answer.
    assert summary.groups == ("Benelux", "German-speaking Europe")
    assert summary.countries == ("C1",)

    mostly_open = summarise_availability(
        everywhere - {"DE", "AT", "CH", "LI", "LU"}, everywhere, groups, lang="en", as_of=TODAY
    )
    assert mostly_open.excluding and mostly_open.groups == ("German-speaking Europe",)
    assert summarise_availability(everywhere, everywhere, groups, lang="en", as_of=TODAY).everywhere
    assert fold_groups({"BE", "NL"}, groups) == ([], {"BE", "NL"})


def test_current_market_is_the_running_one_else_the_next(session: Session) -> None:
    def market(name: str, start: date, days: int = 5) -> Market:
        row = Market(
            name=name, starts_on=start, ends_on=start + timedelta(days=days), timezone="UTC"
        )
        session.add(row)
        return row

    market("AFM 2025", date(2025, 11, 4))
    efm = market("EFM 2026", date(2026, 2, 12))
    cannes = market("Cannes 2026", date(2026, 5, 12))
    session.flush()
    assert current_market(session, date(2026, 2, 14)) is efm
    assert current_market(session, date(2026, 2, 12)) is efm
    assert current_market(session, date(2026, 2, 18)) is cannes
    assert current_market(session, date(2026, 3, 1)) is cannes
    assert current_market(session, date(2026, 6, 1)) is None


def test_default_file_names() -> None:
    assert document_filename("the-roundup", Request("ko")) == "the-roundup-presskit-ko.pdf"
    assert document_filename("x", Request("en", sheet=True)) == "x-sheet-en.pdf"
    assert document_filename("x", Request("en"), html=True) == "x-presskit-en.html"


def test_hangul_names_and_bios_are_used_in_the_korean_kit(session: Session, assets: Path) -> None:
    add_film(session, assets_dir=assets)
    kits = read_presskits(
        session, [FILM.slug], requests=[Request("ko")], company=COMPANY, today=TODAY, now=NOW
    )
    kit = kits[0][1]
    assert kit.title.primary == FILM.original_title and kit.title.secondary == FILM.title
    assert kit.directors[0].primary == FILM.director_ko
    assert kit.profiles[0].bio is not None and kit.profiles[0].bio.startswith("허명행은")
    assert kit.genres == ("액션", "범죄")


def test_credits_without_korean_fall_back_to_english(database: Database) -> None:
    with database.begin() as session:
        film = Film(slug="f", title="F", logline="English logline only")
        film.credits.append(Credit(name="Only Romanised", role=CreditRole.CAST))
        session.add(film)
    with database.begin() as session:
        kit = read_presskits(session, ["f"], requests=[Request("ko")], today=TODAY, now=NOW)[0][1]
    assert kit.logline == "English logline only"
    assert kit.cast[0].name.primary == "Only Romanised" and kit.cast[0].name.secondary is None
    assert kit.title.primary == "F"


def test_without_a_configured_company_there_are_no_contacts(session: Session, assets: Path) -> None:
    # A sales agent among the buyers is not us: our details come from config only.
    session.add(
        Company(
            name="Other Sales", match_key=match_key("Other Sales"), type=CompanyType.SALES_AGENT
        )
    )
    add_film(session, assets_dir=assets)
    kit = read_presskits(session, [FILM.slug], requests=[Request("en")], today=TODAY)[0][1]
    assert kit.company is None and kit.sales_contacts == () and kit.press_contacts == ()


def test_every_label_exists_in_both_languages() -> None:
    from roundup_crm.documents.environment import labels

    english, korean = labels("en"), labels("ko")
    assert set(english) == set(korean)
    # Every territory group shipped has a Korean name for the Korean sales sheet.
    from roundup_crm.services.reference import territory_groups

    assert set(territory_groups()) <= set(korean["groups"])

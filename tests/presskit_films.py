"""A rich film record to make press kits from, built straight through the ORM.

Used by the press kit tests and by benchmarks/presskit_bench.py. Every fact a test
checks is a constant here, so a test reads `FILM.director_ko` rather than a literal.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.models import (
    AssetKind,
    BoxOffice,
    Company,
    CompanyType,
    Credit,
    CreditRole,
    Deal,
    FestivalEntry,
    Film,
    FilmAsset,
    FilmStatus,
    Market,
    PressQuote,
    Right,
    Screening,
    ScreeningKind,
    Territory,
)
from roundup_crm.services.validate import match_key


@dataclass(frozen=True)
class Facts:
    slug: str = "the-roundup-punishment"
    title: str = "The Roundup: Punishment"
    original_title: str = "범죄도시4"
    romanised: str = "Beomjoedosi 4"
    director: str = "Heo Myeong-haeng"
    director_ko: str = "허명행"
    lead: str = "Ma Dong-seok"
    lead_ko: str = "마동석"
    runtime: int = 109
    synopsis_sentence: str = "Detective Ma Seok-do follows an illegal online gambling ring"
    synopsis_sentence_ko: str = "괴물형사 마석도가 온라인 불법 도박 조직을 쫓는다"
    sales_email: str = "jiwon.kim@seoulscreen.example"
    company: str = "Seoul Screen Sales"
    market: str = "EFM 2026"


FILM = Facts()

LONG_SYNOPSIS = """\
{sentence}, run from the Philippines by a former mercenary, Baek Chang-gi, whose
crew kidnaps and kills anyone who gets in the way of the money.

In Seoul, the IT genius Jang Dong-cheol runs the other end of the business. When a
young developer who tried to quit turns up dead in Manila, the Metropolitan Police's
Major Crimes Unit finds a trail that leads from a server room in Gangnam to a compound
on the edge of Manila, and Ma Seok-do gets a chance to use his fists again.

To stop a ring that moves billions of won a night, Ma has to join forces with an old
enemy, Jang Yi-soo, and take the fight to a man who has never lost one."""

LONG_SYNOPSIS_KO = """\
{sentence}. 필리핀을 거점으로 한 이 조직은 용병 출신 백창기가 이끌고, 방해가 되는 사람은
납치하고 살해한다.

서울에서는 IT 천재 장동철이 사업의 다른 쪽을 맡고 있다. 조직을 떠나려던 개발자가 마닐라에서
시신으로 발견되자 광역수사대는 강남의 서버실에서 마닐라 외곽의 은신처로 이어지는 흔적을 찾는다."""


CONFIG = f"""
[company]
name = "{FILM.company}"
email = "sales@seoulscreen.example"

[[company.contacts]]
name = "Kim Ji-won"
name_ko = "김지원"
email = "{FILM.sales_email}"
phone = "+82 10 5555 0101"
"""


def with_company_config(data_dir: Path) -> Path:
    """The data folder, with the sales company's config.toml (contacts for the kits)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "config.toml").write_text(CONFIG, encoding="utf-8")
    return data_dir


def picture(path: Path, width: int, height: int, colour: tuple[int, int, int]) -> Path:
    """A real image (a gradient with a frame) to stand in for a poster or still.

    JPEG, as posters and stills are delivered: photographs, which a PDF embeds as they are.
    """
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 4):
        shade = int(90 * y / height)
        draw.line([(0, y), (width, y)], fill=tuple(max(0, c - shade) for c in colour))
    draw.rectangle([6, 6, width - 7, height - 7], outline=(201, 162, 39), width=4)
    draw.ellipse(
        [width // 3, height // 3, 2 * width // 3, height // 3 + width // 3], fill=(20, 20, 20)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=85)
    return path


def add_film(
    session: Session,
    *,
    assets_dir: Path | None = None,
    facts: Facts = FILM,
    series_order: int = 4,
    market_on: date | None = None,
    deals: bool = True,
    quotes: int = 3,
    stills: int = 4,
    extra_cast: int = 0,
    note: str | None = None,
    poster_path: str | None = None,
    trailer_url: str = "https://screeners.example/roundup-punishment/trailer",
) -> Film:
    """A film with everything a press kit shows; screenings at a market around `market_on`.

    `note` goes into the director's bio (to test hostile text); `poster_path` replaces
    the generated poster with a recorded path or URL.
    """
    film = Film(
        slug=facts.slug,
        title=facts.title,
        original_title=facts.original_title,
        original_title_romanised=facts.romanised,
        alternate_titles=["Crime City 4", "The Outlaws 4"],
        series="The Roundup",
        series_order=series_order,
        year=2024,
        runtime_minutes=facts.runtime,
        genres=["action", "crime"],
        status=FilmStatus.RELEASED,
        logline=(
            "A detective with fists like sledgehammers takes on an online gambling empire "
            "that stretches from Seoul to Manila."
        ),
        logline_ko="괴물형사 마석도, 서울과 마닐라를 잇는 온라인 불법 도박 제국과 맞붙는다.",
        synopsis_short=f"{facts.synopsis_sentence} that reaches from Manila to Seoul.",
        synopsis_short_ko=f"{facts.synopsis_sentence_ko}.",
        synopsis_long=LONG_SYNOPSIS.format(sentence=facts.synopsis_sentence),
        synopsis_long_ko=LONG_SYNOPSIS_KO.format(sentence=facts.synopsis_sentence_ko),
        director_statement=(
            "I started in this series as a martial arts director, so I wanted every fight "
            "to tell the audience something about the people in it.\n\n"
            "Punishment is about what money does to the people who chase it online."
        ),
        country="KR",
        languages=["ko", "en", "tl"],
        subtitles=["en", "fr", "es"],
        aspect_ratio="2.39:1",
        sound="Dolby Atmos",
        format="DCP 4K",
        production_companies=["BIGPUNCH Pictures", "Hong Film", "B.A. Entertainment"],
        trailer_url=trailer_url,
        screener_url=f"https://screeners.example/{facts.slug}",
        screener_password="sekrit-do-not-print",
    )
    session.add(film)
    cast = [
        (facts.lead, facts.lead_ko, "Ma Seok-do"),
        ("Kim Mu-yeol", "김무열", "Baek Chang-gi"),
        ("Park Ji-hwan", "박지환", "Jang Yi-soo"),
        ("Lee Dong-hwi", "이동휘", "Jang Dong-cheol"),
        ("Kim Min-jae", "김민재", "Jeon Il-man"),
    ] + [(f"Supporting Player {i}", None, f"Detective {i}") for i in range(extra_cast)]
    credits = [
        Credit(
            name=facts.director,
            name_ko=facts.director_ko,
            role=CreditRole.DIRECTOR,
            bio=note
            or (
                "Heo Myeong-haeng worked as martial arts director on dozens of Korean action "
                "films before directing. Punishment is his feature debut as director."
            ),
            bio_ko="허명행은 수많은 한국 액션 영화의 무술감독으로 일했다. 연출 데뷔작이다.",
            position=0,
        ),
        Credit(name="Oh Sang-ho", name_ko="오상호", role=CreditRole.WRITER, position=1),
        Credit(name="Kim Hong-baek", name_ko="김홍백", role=CreditRole.PRODUCER, position=2),
        Credit(name="Lee Sung-je", name_ko="이성제", role=CreditRole.DOP, position=3),
        Credit(name="Kim Sun-min", name_ko="김선민", role=CreditRole.EDITOR, position=4),
        Credit(name="Kim Tae-seong", name_ko="김태성", role=CreditRole.COMPOSER, position=5),
    ]
    for i, (name, name_ko, character) in enumerate(cast):
        credits.append(
            Credit(
                name=name,
                name_ko=name_ko,
                role=CreditRole.CAST,
                character=character,
                bio=(
                    f"{name} leads the Roundup series as Ma Seok-do and produces it."
                    if i == 0
                    else None
                ),
                bio_ko="마동석은 범죄도시 시리즈의 주연이자 제작자다." if i == 0 else None,
                position=10 + i,
            )
        )
    film.credits.extend(credits)
    film.festivals.extend(
        [
            FestivalEntry(
                festival="Berlinale", year=2024, section="Berlinale Special Gala", won=False
            ),
            FestivalEntry(festival="Fantasia", year=2024, award="Audience Award, Silver", won=True),
        ]
    )
    film.quotes.extend(
        PressQuote(
            quote=[
                "Ma Dong-seok remains the most satisfying punch in world cinema.",
                "A gleefully brutal crowd-pleaser that knows exactly what its audience wants.",
                "The franchise's fists have never been sharper.",
            ][i % 3],
            source=["Screen Daily", "The Hollywood Reporter", "Variety"][i % 3],
            position=i,
        )
        for i in range(quotes)
    )
    film.box_office.extend(
        [
            BoxOffice(
                country="KR",
                admissions=11_500_000,
                gross=Decimal("110000000000"),
                currency="KRW",
                as_of=date(2024, 6, 30),
                source="KOFIC",
            ),
            BoxOffice(
                country="US",
                admissions=None,
                gross=Decimal("1250000"),
                currency="USD",
                as_of=date(2024, 6, 30),
                source="Box Office Mojo",
            ),
        ]
    )
    if assets_dir is not None:
        if poster_path is None:
            picture(assets_dir / facts.slug / "poster.jpg", 540, 800, (150, 30, 30))
            poster_path = f"{facts.slug}/poster.jpg"
        film.assets.append(
            FilmAsset(
                kind=AssetKind.POSTER,
                path=poster_path,
                media_type="image/jpeg",
                width=540,
                height=800,
                position=0,
            )
        )
        for i in range(stills):
            wide = i % 2 == 1
            size = (1200, 502) if wide else (1200, 675)
            picture(assets_dir / facts.slug / f"still-{i}.jpg", *size, (30, 60 + 30 * i, 120))
            film.assets.append(
                FilmAsset(
                    kind=AssetKind.STILL,
                    path=f"{facts.slug}/still-{i}.jpg",
                    media_type="image/jpeg",
                    width=size[0],
                    height=size[1],
                    caption=f"Ma Seok-do in scene {i + 1}",
                    position=1 + i,
                )
            )
    if market_on is not None:
        add_market_screenings(session, film, market_on, facts=facts)
    if deals:
        sell(session, film, ["german-speaking-europe", "FR", "JP"], buyer="Nordlicht Filmverleih")
    session.flush()
    return film


def add_market_screenings(
    session: Session, film: Film, on: date, *, facts: Facts = FILM, count: int = 2
) -> Market:
    market = session.scalar(select(Market).where(Market.name == facts.market))
    if market is None:
        market = Market(
            name=facts.market,
            city="Berlin",
            venue="Martin-Gropius-Bau",
            starts_on=on - timedelta(days=2),
            ends_on=on + timedelta(days=5),
            timezone="Europe/Berlin",
            stand="Stand 42, Gropius-Bau",
        )
        session.add(market)
    for i in range(count):
        # 09:30 and 14:00 in Berlin (UTC+1 in February) on consecutive days.
        starts = datetime(on.year, on.month, on.day, 8, 30, tzinfo=UTC) + timedelta(
            days=i, hours=4.5 * (i % 2)
        )
        session.add(
            Screening(
                market=market,
                film_id=film.id,
                kind=ScreeningKind.MARKET_SCREENING
                if i % 3 != 2
                else ScreeningKind.PRESS_SCREENING,
                starts_at=starts,
                duration_minutes=film.runtime_minutes or 120,
                venue=f"CinemaxX {7 + i}",
            )
        )
    return market


def sell(session: Session, film: Film, territories: list[str], *, buyer: str) -> Deal:
    """A closed all-rights deal for `territories` (codes), running ten years from 2025."""
    company = Company(
        name=buyer, match_key=match_key(buyer), country="DE", type=CompanyType.THEATRICAL
    )
    session.add(company)
    deal = Deal(
        id=uuid.uuid4(),
        film=film,
        company=company,
        term_start=date(2025, 1, 1),
        term_end=date(2035, 12, 31),
        mg=Decimal("250000"),
        currency="EUR",
        signed_on=date(2025, 1, 1),
    )
    deal.territories = list(
        session.scalars(select(Territory).where(Territory.code.in_(territories)))
    )
    deal.rights = list(session.scalars(select(Right).where(Right.code == "all-rights")))
    session.add(deal)
    return deal

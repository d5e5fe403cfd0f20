"""The catalogue: films and everything a press kit is made from."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from roundup_crm.models.base import Base, Record, vocabulary
from roundup_crm.models.enums import AssetKind, CreditRole, FilmStatus


class Film(Record, Base):
    __tablename__ = "films"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(index=True)  # international title
    original_title: Mapped[str | None]  # in Hangul for the Korean titles
    original_title_romanised: Mapped[str | None]
    alternate_titles: Mapped[list[str]] = mapped_column(default=list)
    series: Mapped[str | None] = mapped_column(String(200), index=True)
    series_order: Mapped[int | None] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    runtime_minutes: Mapped[int | None] = mapped_column(Integer)
    genres: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[FilmStatus] = mapped_column(
        vocabulary(FilmStatus), default=FilmStatus.DEVELOPMENT
    )
    logline: Mapped[str | None]
    synopsis_short: Mapped[str | None]
    synopsis_long: Mapped[str | None]
    director_statement: Mapped[str | None]
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166 alpha-2
    languages: Mapped[list[str]] = mapped_column(default=list)  # ISO 639 codes
    subtitles: Mapped[list[str]] = mapped_column(default=list)
    aspect_ratio: Mapped[str | None] = mapped_column(String(20))
    sound: Mapped[str | None] = mapped_column(String(100))
    format: Mapped[str | None] = mapped_column(String(100))
    production_companies: Mapped[list[str]] = mapped_column(default=list)
    trailer_url: Mapped[str | None]
    screener_url: Mapped[str | None]
    screener_password: Mapped[str | None] = mapped_column(String(100))
    # Localised texts for the Korean press kit; English lives in the main columns.
    logline_ko: Mapped[str | None]
    synopsis_short_ko: Mapped[str | None]
    synopsis_long_ko: Mapped[str | None]

    credits: Mapped[list[Credit]] = relationship(
        back_populates="film", cascade="all, delete-orphan", order_by="Credit.position"
    )
    festivals: Mapped[list[FestivalEntry]] = relationship(
        back_populates="film", cascade="all, delete-orphan", order_by="FestivalEntry.year"
    )
    quotes: Mapped[list[PressQuote]] = relationship(
        back_populates="film", cascade="all, delete-orphan", order_by="PressQuote.position"
    )
    box_office: Mapped[list[BoxOffice]] = relationship(
        back_populates="film", cascade="all, delete-orphan"
    )
    assets: Mapped[list[FilmAsset]] = relationship(
        back_populates="film", cascade="all, delete-orphan", order_by="FilmAsset.position"
    )

    def __repr__(self) -> str:
        return f"<Film {self.slug}>"


class Credit(Record, Base):
    __tablename__ = "credits"

    film_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("films.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str]  # romanised
    name_ko: Mapped[str | None]  # Hangul
    role: Mapped[CreditRole] = mapped_column(vocabulary(CreditRole))
    character: Mapped[str | None]
    bio: Mapped[str | None]
    bio_ko: Mapped[str | None]
    position: Mapped[int] = mapped_column(Integer, default=0)

    film: Mapped[Film] = relationship(back_populates="credits")


class FestivalEntry(Record, Base):
    """A festival selection or award: "Berlinale 2024, Berlinale Special Gala"."""

    __tablename__ = "festival_entries"

    film_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("films.id", ondelete="CASCADE"), index=True
    )
    festival: Mapped[str]
    year: Mapped[int] = mapped_column(Integer)
    section: Mapped[str | None]
    award: Mapped[str | None]
    won: Mapped[bool] = mapped_column(Boolean, default=False)

    film: Mapped[Film] = relationship(back_populates="festivals")


class PressQuote(Record, Base):
    __tablename__ = "press_quotes"

    film_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("films.id", ondelete="CASCADE"), index=True
    )
    quote: Mapped[str]
    source: Mapped[str]
    position: Mapped[int] = mapped_column(Integer, default=0)

    film: Mapped[Film] = relationship(back_populates="quotes")


class BoxOffice(Record, Base):
    """A box office or admissions fact for one country, as of a date, with its source."""

    __tablename__ = "box_office"

    film_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("films.id", ondelete="CASCADE"), index=True
    )
    country: Mapped[str] = mapped_column(String(2))
    admissions: Mapped[int | None] = mapped_column(BigInteger)
    gross: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    as_of: Mapped[date | None]
    source: Mapped[str | None]

    film: Mapped[Film] = relationship(back_populates="box_office")


class FilmAsset(Record, Base):
    """A poster or still, copied into the managed asset folder (path is relative to it)."""

    __tablename__ = "film_assets"

    film_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("films.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AssetKind] = mapped_column(vocabulary(AssetKind))
    path: Mapped[str]
    media_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    caption: Mapped[str | None]
    position: Mapped[int] = mapped_column(Integer, default=0)

    film: Mapped[Film] = relationship(back_populates="assets")

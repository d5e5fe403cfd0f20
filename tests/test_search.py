"""Search: case- and accent-insensitive, Hangul, every word, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from roundup_crm.errors import InvalidInput
from roundup_crm.models import Interest, Meeting, MeetingFilm
from roundup_crm.services.companies import add_company
from roundup_crm.services.contacts import add_contact
from roundup_crm.services.films import add_film
from roundup_crm.services.search import folded, register_fold, search, search_form
from tests.conftest import Cli

SAMPLES = [
    "Ciné-Lumière",
    "CINÉ-LUMIÈRE",
    "Cine\u0301-Lumie\u0300re",  # typed with combining accents
    "ÆRØ Film ApS",
    "Łódź Kino",
    "Straße",
    "Đặng Thái Sơn",
    "Ελληνικά Άλφα ς",
    "Ёлки",
    "Çağdaş",
    "범죄도시4",
    "犯罪都市",
    "ガンダム ＡＢＣ",  # a voicing mark and full-width letters
    "ﬁlm Œuvre",
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_database_folds_like_python(session: Session, sample: str) -> None:
    register_fold(session)
    assert session.scalar(select(folded(literal(sample)))) == search_form(sample)


def kinds(session: Session, text: str) -> list[tuple[str, str]]:
    return [(h.kind, h.name) for h in search(session, text)]


def test_search_across_films_companies_contacts_and_notes(session: Session) -> None:
    punishment = add_film(
        session,
        title="The Roundup: Punishment",
        values={"original_title": "범죄도시4"},
        lists={"alternate_titles": ["Crime City 4", "Le Châtiment"]},
    )
    add_film(session, title="범죄도시", slug="the-outlaws", values={"year": "2017"})
    company = add_company(session, name="Ciné-Lumière SAS", country="FR", notes="Paris buyer")
    add_company(session, name="Cinema Lumen", country="IT")
    add_contact(session, name="Jérôme Dupont", company="Ciné", email="jd@cine.example")
    meeting = Meeting(
        company_id=company.id,
        starts_at=datetime(2026, 2, 14, 9, 30, tzinfo=UTC),
        notes="Wants the REMAKE rights, call back after Cannes",
    )
    meeting.films.append(
        MeetingFilm(film=punishment, interest=Interest.HOT, note="Asked for a screener link")
    )
    session.add(meeting)
    session.flush()

    assert kinds(session, "cine lumiere") == [("company", "Ciné-Lumière SAS")]
    assert kinds(session, "LUMIÈRE-ciné") == kinds(session, "cine lumiere")
    assert kinds(session, "범죄도시") == [("film", "The Roundup: Punishment"), ("film", "범죄도시")]
    assert kinds(session, "chatiment") == [("film", "The Roundup: Punishment")]
    assert kinds(session, "crime city") == [("film", "The Roundup: Punishment")]
    assert kinds(session, "jerome") == [("contact", "Jérôme Dupont")]
    assert kinds(session, "remake cannes") == [("meeting", "Ciné-Lumière SAS 2026-02-14")]
    assert kinds(session, "screener") == [("meeting film", "Ciné-Lumière SAS 2026-02-14")]
    # Every word must occur; LIKE wildcards typed by the user only separate words.
    assert kinds(session, "lumiere rome") == []
    assert kinds(session, "100%") == []
    assert kinds(session, "cin%lum") == [
        ("company", "Cinema Lumen"),
        ("company", "Ciné-Lumière SAS"),
    ]
    with pytest.raises(InvalidInput, match="search"):
        search(session, " -- ")


def test_search_command(cli: Cli) -> None:
    cli("company", "add", "Ciné-Lumière SAS", "--country", "FR")
    cli("film", "add", "범죄도시", "--slug", "the-outlaws")
    out = cli("search", "cine", "lumiere").stdout
    assert "Ciné-Lumière SAS" in out
    csv_lines = cli("search", "범죄도시", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "kind,id,name,detail"
    assert csv_lines[1].startswith("film,") and "범죄도시" in csv_lines[1]
    assert "Nothing found" in cli("search", "zzz").stderr
    assert "invalid limit" in cli("search", "x", "--limit", "0", expect=2).stderr

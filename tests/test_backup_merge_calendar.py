"""JSON round trips on both engines, merges moving every record, calendars, contact exports."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from roundup_crm.db import Database
from roundup_crm.models import (
    AuditEntry,
    Company,
    Contact,
    Deal,
    FollowUp,
    Invitation,
    Market,
    Meeting,
    Offer,
    Opportunity,
    company_territories,
    meeting_contacts,
)
from tests.conftest import Cli
from tests.io_data import populate


def _filled(url: str) -> None:
    database = Database(url, agent="tester")
    with database.begin() as session:
        populate(session)
    database.dispose()


def _tables(path: Path) -> dict[str, object]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document.pop("exported_at")
    return document


def test_json_round_trip_is_lossless(db_url: str, tmp_path: Path) -> None:
    _filled(db_url)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    Cli(db_url)("export", "--format", "json", "-o", str(first))
    text = first.read_text(encoding="utf-8")
    assert "범죄도시4" in text and '"180000.50"' in text and '"1.08123456"' in text
    target = Cli(f"sqlite:///{tmp_path / 'target.db'}")
    target("import", "all", str(first))
    target("export", "-o", str(second))
    assert _tables(first) == _tables(second)
    assert "integrity ok" in target("db", "check").stdout


@pytest.mark.postgres
def test_sqlite_to_postgresql_and_back(sqlite_url: str, postgres_url: str, tmp_path: Path) -> None:
    _filled(sqlite_url)
    files = [tmp_path / f"{n}.json" for n in ("sqlite", "postgres", "again")]
    Cli(sqlite_url)("export", "-o", str(files[0]))
    Cli(postgres_url)("import", "all", str(files[0]))
    Cli(postgres_url)("export", "-o", str(files[1]))
    back = tmp_path / "back.db"
    Cli(f"sqlite:///{back}")("import", "all", str(files[1]))
    Cli(f"sqlite:///{back}")("export", "-o", str(files[2]))
    assert _tables(files[0]) == _tables(files[1]) == _tables(files[2])


def test_import_all_refuses_a_database_with_data(sqlite_url: str, tmp_path: Path) -> None:
    _filled(sqlite_url)
    path = tmp_path / "x.json"
    cli = Cli(sqlite_url)
    cli("export", "-o", str(path))
    assert "needs an empty database" in cli("import", "all", str(path), expect=1).stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "something else", "tables": {}}', encoding="utf-8")
    other = tmp_path / "other.db"
    assert (
        "not a roundup-crm JSON export"
        in Cli(f"sqlite:///{other}")("import", "all", str(broken), expect=2).stderr
    )


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ("00000000-0000-4000-8000-000000000000", "table contacts does not load"),
        ("not-an-id", "table contacts does not load"),
    ],
)
def test_a_damaged_export_is_refused_and_nothing_is_written(
    db_url: str, tmp_path: Path, damage: str, said: str
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _filled(source)
    path = tmp_path / "damaged.json"
    Cli(source)("export", "-o", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    contacts = document["tables"]["contacts"]
    contacts["rows"][0][contacts["columns"].index("company_id")] = damage
    path.write_text(json.dumps(document), encoding="utf-8")

    result = Cli(db_url)("import", "all", str(path), expect=2)
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1
    if damage.startswith("0000") and db_url.startswith("postgresql"):
        assert f"Key (company_id)=({damage}) is not present" in result.stderr
    database = Database(db_url)
    with database.begin(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(Company)) == 0
    database.dispose()


def test_export_only_some_records(sqlite_url: str) -> None:
    _filled(sqlite_url)
    out = Cli(sqlite_url)("export", "--only", "films,companies").stdout
    tables = json.loads(out)["tables"]
    assert set(tables) == {
        "films",
        "credits",
        "festival_entries",
        "press_quotes",
        "box_office",
        "film_assets",
        "companies",
        "company_territories",
    }
    assert "--only" in Cli(sqlite_url)("export", "--only", "planets", expect=2).stderr


def _count(session, model, *where) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_company_merge_moves_every_related_record(db_url: str) -> None:
    _filled(db_url)
    cli = Cli(db_url)
    dry = cli(
        "company", "merge", "Nordlicht Filmverleih GmbH", "Nordlicht Film-Verleih", "--dry-run"
    ).stdout
    assert "Would merge" in dry and "meetings" in dry
    database = Database(db_url)
    with database.begin() as session:
        gone = session.scalar(select(Company).where(Company.name == "Nordlicht Film-Verleih"))
        assert gone is not None and gone.merged_into_id is None
        assert _count(session, Meeting, Meeting.company_id == gone.id) == 1
    cli("company", "merge", "Nordlicht Filmverleih GmbH", "Nordlicht Film-Verleih")
    with database.begin() as session:
        keep = session.scalar(select(Company).where(Company.name == "Nordlicht Filmverleih GmbH"))
        gone = session.scalar(select(Company).where(Company.name == "Nordlicht Film-Verleih"))
        assert keep is not None and gone is not None
        assert gone.merged_into_id == keep.id
        for model in (Meeting, Opportunity, Deal, FollowUp, Invitation, Contact):
            assert _count(session, model, model.company_id == gone.id) == 0, model
            assert _count(session, model, model.company_id == keep.id) >= 1, model
        codes = session.scalars(
            select(company_territories.c.territory_id).where(
                company_territories.c.company_id == keep.id
            )
        ).all()
        assert len(codes) == 2
        assert keep.tags == ["efm", "priority"]
        assert keep.website == "https://nordlicht.example"
        assert keep.notes and "Met at EFM 2025." in keep.notes
        log = session.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
        assert log is not None and log.changes is not None
        assert set(log.changes["moved"]) >= {
            "meetings",
            "opportunities",
            "deals",
            "followups",
            "invitations",
            "contacts",
            "territories",
        }
    database.dispose()
    assert (
        "already merged"
        in cli(
            "company", "merge", "Nordlicht Filmverleih GmbH", "Nordlicht Film-Verleih", expect=2
        ).stderr
    )


def test_contact_merge_moves_meetings_invitations_followups_offers(db_url: str) -> None:
    _filled(db_url)
    database = Database(db_url)
    with database.begin() as session:
        old = session.scalar(select(Contact).where(Contact.email.is_(None)))
        assert old is not None
        old_id = old.id
    cli = Cli(db_url)
    cli("contact", "merge", "anna@nordlicht.example", old_id.hex)
    with database.begin() as session:
        keep = session.scalar(select(Contact).where(Contact.email == "anna@nordlicht.example"))
        assert keep is not None
        assert session.get(Contact, old_id) is None
        assert keep.phone == "+49301234567" and keep.role == "Head of Acquisitions"
        assert _count(session, meeting_contacts, meeting_contacts.c.contact_id == keep.id) == 1
        assert _count(session, Invitation, Invitation.contact_id == keep.id) == 1
        assert _count(session, FollowUp, FollowUp.contact_id == keep.id) == 1
        assert _count(session, Offer, Offer.from_contact_id == keep.id) == 1
        log = session.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
        assert log is not None and log.changes is not None
        assert log.changes["merged_record"]["phone"] == "+49301234567"
    database.dispose()


def test_calendar_keeps_local_times_across_a_dst_change(db_url: str, tmp_path: Path) -> None:
    from icalendar import Calendar

    database = Database(db_url, agent="tester")
    with database.begin() as session:
        sample = populate(session)
        spring = Market(
            name="Spring Market 2026",
            city="Berlin",
            stand="B2",
            starts_on=date(2026, 3, 27),
            ends_on=date(2026, 3, 31),
            timezone="Europe/Berlin",
        )
        session.add(spring)
        session.flush()
        for day in (28, 30):  # clocks go forward on 29 March 2026
            hour = 9 if day == 28 else 8  # 10:00 in Berlin, in UTC
            session.add(
                Meeting(
                    market_id=spring.id,
                    company_id=sample.survivor.id,
                    starts_at=datetime(2026, 3, day, hour, 0, tzinfo=UTC),
                    contacts=[sample.anna],
                )
            )
    database.dispose()
    path = tmp_path / "spring.ics"
    cli = Cli(db_url)
    assert "wrote 2 events" in cli("schedule", "--market", "Spring", "--ics", str(path)).stdout
    calendar = Calendar.from_ical(path.read_bytes())
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [e.decoded("dtstart").strftime("%d %H:%M %Z") for e in events] == [
        "28 10:00 CET",
        "30 10:00 CEST",
    ]
    assert [e.decoded("dtstart").astimezone(UTC).hour for e in events] == [9, 8]
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    assert "mailto:anna@nordlicht.example" in str(events[0]["ATTENDEE"])
    assert events[0]["LOCATION"] == "Stand B2, Berlin"
    uids = [str(e["UID"]) for e in events]
    cli("schedule", "--market", "Spring", "--ics", str(path))
    again = Calendar.from_ical(path.read_bytes())
    assert sorted(str(e["UID"]) for e in again.walk("VEVENT")) == sorted(uids)
    efm = tmp_path / "efm.ics"
    cli("schedule", "--market", "EFM 2026", "--ics", str(efm))
    meeting = Calendar.from_ical(efm.read_bytes()).walk("VEVENT")[0]
    assert "The Roundup: Punishment (hot)" in str(meeting["DESCRIPTION"])


def test_contact_exports_neutralise_formulas(sqlite_url: str, tmp_path: Path) -> None:
    database = Database(sqlite_url, agent="tester")
    with database.begin() as session:
        sample = populate(session)
        sample.anna.role = '=HYPERLINK("http://evil")'
        session.add(
            Contact(
                name="Gone Person",
                email="gone@x.example",
                erased_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    database.dispose()
    cli = Cli(sqlite_url)
    rows = list(csv.reader(cli("export", "contacts", "--format", "csv").stdout.splitlines()))
    assert rows[0][:3] == ["name", "name_native", "company"]
    assert all("Gone Person" not in r for r in rows)
    assert '\'=HYPERLINK("http://evil")' in [c for r in rows for c in r]
    vcf = cli("export", "contacts", "--format", "vcf").stdout
    assert vcf.count("BEGIN:VCARD") == 2 and "EMAIL;TYPE=work:anna@nordlicht.example" in vcf
    xlsx = tmp_path / "c.xlsx"
    cli("export", "contacts", "--format", "xlsx", "-o", str(xlsx))
    from openpyxl import load_workbook

    book = load_workbook(xlsx, read_only=True)
    values = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    book.close()
    assert '\'=HYPERLINK("http://evil")' in values
    assert "-o FILE.xlsx" in cli("export", "contacts", "--format", "xlsx", expect=2).stderr

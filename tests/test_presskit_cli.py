"""`roundup-crm presskit` and the demo's documents, through the CLI, on SQLite and PostgreSQL:
hostile text stays text, nothing outside the allowed folders is fetched, bad input exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from roundup_crm.config import templates_dir
from roundup_crm.db import Database
from roundup_crm.models import Agent, Film
from tests.conftest import Cli
from tests.presskit_films import FILM, Facts, add_film, with_company_config
from tests.test_presskit import links, pages, pdf_text


@pytest.fixture
def data_dir(_isolated_data_dir: Path) -> Path:
    return with_company_config(_isolated_data_dir)


def test_hostile_text_and_outside_urls_are_not_fetched_and_the_pdf_still_renders(
    cli: Cli, database: Database, data_dir: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    note = (
        f'<img src="file://{secret}"> <img src="file:///etc/passwd"> '
        '</style><style>body { background: url("file:///etc/passwd") }</style>'
    )
    with database.begin() as session:
        film = add_film(
            session,
            assets_dir=data_dir / "assets",
            note=note,
            poster_path="http://evil.example/poster.png",
            trailer_url="javascript:alert(1)",
        )
        # A still recorded with a path that climbs out of the asset folder.
        film.assets[1].path = f"../../../../../../..{secret}"
    out = tmp_path / "kit.pdf"

    result = cli("presskit", FILM.slug, "-o", str(out))

    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    assert "http://evil.example/poster.png" in warnings[0]
    assert secret.as_uri() in warnings[0]
    data = out.read_bytes()
    text = pdf_text(data)
    assert "TOP-SECRET-CONTENT" not in text and "root:x:0" not in text
    # The hostile markup is printed as the text it is, not run as HTML.
    assert '<img src="file:///etc/passwd">' in text
    assert "background: url(" in text
    assert FILM.title in text and FILM.sales_email in text
    # An unsafe link is shown as text and made neither clickable nor a QR code.
    assert "javascript:alert(1)" in text
    assert not any(uri.startswith("javascript:") for uri in links(data))


def test_korean_press_kit_sheet_and_default_file_names(
    cli: Cli, database: Database, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.begin() as session:
        add_film(session, assets_dir=data_dir / "assets")
    monkeypatch.chdir(tmp_path)

    result = cli("presskit", FILM.title, "--lang", "ko")
    kit = tmp_path / f"{FILM.slug}-presskit-ko.pdf"
    assert result.stdout.strip() == str(kit)
    text = pdf_text(kit.read_bytes())
    assert FILM.original_title in text and FILM.director_ko in text and "109분" in text
    assert "시놉시스" in text and FILM.sales_email in text

    cli("presskit", FILM.slug, "--sheet", "-o", "sheets/")
    sheet = tmp_path / "sheets" / f"{FILM.slug}-sheet-en.pdf"
    assert pages(sheet.read_bytes()) == 1
    assert "German-speaking Europe" in pdf_text(sheet.read_bytes())


def test_all_films_in_both_languages_into_a_folder(
    cli: Cli, database: Database, data_dir: Path, tmp_path: Path
) -> None:
    with database.begin() as session:
        add_film(session, deals=False)
        add_film(session, facts=Facts(slug="the-roundup", title="The Roundup"), deals=False)
    folder = tmp_path / "kits"

    result = cli("presskit", "--all", "--lang", "en", "--lang", "ko", "--html", "-o", str(folder))

    assert result.stdout.strip() == f"wrote 4 press kits to {folder}"
    assert sorted(p.name for p in folder.iterdir()) == [
        "the-roundup-presskit-en.html",
        "the-roundup-presskit-ko.html",
        f"{FILM.slug}-presskit-en.html",
        f"{FILM.slug}-presskit-ko.html",
    ]
    html = (folder / "the-roundup-presskit-ko.html").read_text("utf-8")
    assert '<html lang="ko">' in html and "시놉시스" in html
    # Stylesheets are linked by absolute file URIs, so the saved HTML renders anywhere.
    assert "file:///" in html and "presskit/presskit.css" in html


def test_contact_option_lists_a_team_member(
    cli: Cli, database: Database, data_dir: Path, tmp_path: Path
) -> None:
    with database.begin() as session:
        add_film(session, deals=False)
        session.add(Agent(name="minji", full_name="Kim Min-ji", email="minji@seoulscreen.example"))
    out = tmp_path / "kit.html"
    cli("presskit", FILM.slug, "--contact", "Kim Min-ji", "--html", "-o", str(out))
    html = out.read_text("utf-8")
    assert "minji@seoulscreen.example" in html and FILM.sales_email not in html


def test_user_templates_override_one_file_and_fall_back_for_the_rest(
    sqlite_cli: Cli, data_dir: Path, tmp_path: Path
) -> None:
    database = Database(sqlite_cli.url)
    with database.begin() as session:
        add_film(session, deals=False)
    database.dispose()
    brand = tmp_path / "brand"
    (brand / "presskit").mkdir(parents=True)
    (brand / "presskit" / "presskit.css").write_text(
        'body::before { content: "ACME PICTURES INTERNATIONAL"; }', encoding="utf-8"
    )
    out = tmp_path / "kit.pdf"

    sqlite_cli("presskit", FILM.slug, "--templates", str(brand), "-o", str(out))

    text = pdf_text(out.read_bytes())
    assert "ACME PICTURES INTERNATIONAL" in text  # the user's stylesheet
    assert FILM.synopsis_sentence in text  # the shipped template
    html_out = tmp_path / "kit.html"
    sqlite_cli("presskit", FILM.slug, "--templates", str(brand), "--html", "-o", str(html_out))
    html = html_out.read_text("utf-8")
    assert (brand / "presskit" / "presskit.css").resolve().as_uri() in html
    assert (templates_dir() / "shared" / "base.css").resolve().as_uri() in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("no-such-film",), "unknown film 'no-such-film'"),
        ((FILM.slug, "--lang", "fr"), "invalid lang 'fr'"),
        ((FILM.slug, "--market", "Sundance"), "unknown market 'Sundance'"),
        ((FILM.slug, "--contact", "nobody"), "unknown contact 'nobody'"),
        ((FILM.slug, "--templates", "/no/such/folder"), "invalid templates"),
        ((), "name a film"),
        ((FILM.slug, "--all"), "not both"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    cli: Cli,
    database: Database,
    data_dir: Path,
    tmp_path: Path,
    args: tuple[str, ...],
    message: str,
) -> None:
    with database.begin() as session:
        add_film(session, deals=False)
    out = tmp_path / "out"
    result = cli("presskit", *args, "-o", f"{out}/", expect=2)
    assert message in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_broken_config_file_is_named(sqlite_cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    database = Database(sqlite_cli.url)
    with database.begin() as session:
        session.add(Film(slug="f", title="F"))
    database.dispose()
    config = data_dir / "config.toml"
    config.write_text('[company]\nname = "X"\nemail = "not an email"\n', encoding="utf-8")
    result = sqlite_cli("presskit", "f", "-o", str(tmp_path / "x.pdf"), expect=2)
    assert str(config) in result.stderr and "email" in result.stderr
    config.write_text('[company]\nname = "X"\nfax = "1"\n', encoding="utf-8")
    result = sqlite_cli("presskit", "f", "-o", str(tmp_path / "x.pdf"), expect=2)
    assert "unknown setting 'fax'" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_several_documents_need_a_folder(sqlite_cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "one.pdf"
    target.write_bytes(b"keep me")
    result = sqlite_cli("presskit", "--all", "-o", str(target), expect=2)
    assert "several files need a folder" in result.stderr
    assert target.read_bytes() == b"keep me"


def test_the_demo_writes_punishments_press_kits_and_sales_sheet(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = cli("demo", "--out", str(out))
    # The demo also writes its week's pipeline report (see test_report_market_letters.py).
    names = sorted(p.name for p in out.iterdir() if p.name.startswith("the-roundup"))
    assert names == [
        "the-roundup-punishment-presskit-en.pdf",
        "the-roundup-punishment-presskit-ko.pdf",
        "the-roundup-punishment-sheet-en.pdf",
    ]
    assert result.stdout.count("wrote ") == len(list(out.iterdir()))
    english, korean, sheet = (pdf_text((out / name).read_bytes()) for name in names)
    for text in (english, korean, sheet):
        assert "The Roundup: Punishment" in text and "범죄도시4" in text
        assert "Heo Myeong-haeng" in text and "허명행" in text
        assert "minji.kim@seoulscreen.example" in text
        assert "Seoul Screen Sales".upper() in text or "Seoul Screen Sales" in text
    assert "109 min" in english and "Berlinale Special Gala" in english
    assert "A murder in the Philippines leads detective Ma Seok-do to Baek Chang-gi" in english
    assert "109분" in korean and "필리핀에서 벌어진 살인 사건을 계기로" in korean
    assert "berlinale74" not in english  # the screener password is never printed
    assert pages((out / names[2]).read_bytes()) == 1
    assert "Available territories" in sheet and "Worldwide, except:" in sheet

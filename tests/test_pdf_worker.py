"""PDFs laid out by the forked worker (documents/worker.py), as a user's command runs it:
in a fresh process, where WeasyPrint is imported while the database is read."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from roundup_crm.config import templates_dir
from roundup_crm.db import Database
from tests.conftest import fresh_process
from tests.presskit_films import FILM, add_film, with_company_config
from tests.report_data import build_world
from tests.test_presskit import pdf_text


def run(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`roundup-crm` in a new process, the worker allowed."""
    return fresh_process(db_url, *args, ROUNDUP_RENDER_WORKER="1")


@pytest.fixture
def data_dir(_isolated_data_dir: Path) -> Path:
    return with_company_config(_isolated_data_dir)


def test_press_kit_from_a_fresh_process_is_laid_out_by_the_pdf_worker(
    db_url: str, database: Database, data_dir: Path, tmp_path: Path
) -> None:
    """Run as a user does (a new process), where the PDF worker is forked; the Korean
    kit still carries the facts, and the worker is gone when the command ends."""
    with database.begin() as session:
        add_film(session, assets_dir=data_dir / "assets")
    out = tmp_path / "kit-ko.pdf"
    done = run(db_url, "presskit", FILM.slug, "--lang", "ko", "-o", str(out))
    assert done.returncode == 0, done.stderr
    text = pdf_text(out.read_bytes())
    assert FILM.original_title in text and FILM.title in text
    assert FILM.sales_email in text
    # A user's broken stylesheet fails in the worker; the message still reaches the user.
    templates = tmp_path / "brand"
    (templates / "presskit").mkdir(parents=True)
    shipped = (templates_dir() / "presskit" / "presskit.html").read_text("utf-8")
    (templates / "presskit" / "presskit.html").write_text(
        shipped.replace("</head>", '<link rel="stylesheet" href="file:///etc/passwd"></head>'),
        encoding="utf-8",
    )
    done = run(db_url, "presskit", FILM.slug, "--templates", str(templates), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "file:///etc/passwd" in done.stderr and "root:x:0" not in pdf_text(out.read_bytes())


def test_pdf_worker_answers_refuses_and_stops(tmp_path: Path) -> None:
    from roundup_crm.documents.worker import PdfWorker

    worker = PdfWorker(None, [])
    try:
        page = (
            '<html><head><meta name="author" content="Seoul Screen Sales"></head>'
            '<body><p>범죄도시 4 — sold to Splendid</p><img src="file:///etc/passwd"></body></html>'
        )
        rendered = worker.pdf(page)
        assert rendered.pdf is not None and rendered.pdf.startswith(b"%PDF")
        assert "범죄도시 4 — sold to Splendid" in pdf_text(rendered.pdf)
        assert rendered.refused == ("file:///etc/passwd",)
    finally:
        worker.close()
    assert not worker._helper.alive


def test_weekly_report_from_a_fresh_process(
    db_url: str, database: Database, tmp_path: Path
) -> None:
    with database.begin() as session:
        build_world(session)
    target = tmp_path / "weekly.pdf"
    done = run(db_url, "report", "weekly", "--week", "2026-W07", "-o", str(target))
    assert done.returncode == 0, done.stderr
    text = pdf_text(target.read_bytes())
    for fact in ("Weekly pipeline report", "€693,636", "Splendid Film", "Ben Park: 2 overdue"):
        assert fact in text, fact


def test_bad_input_ends_the_worker_and_writes_nothing(
    db_url: str, database: Database, tmp_path: Path
) -> None:
    target = tmp_path / "kit.pdf"
    done = run(db_url, "presskit", "no-such-film", "-o", str(target))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("Error: unknown film 'no-such-film'")
    assert not target.exists()


def test_a_command_failing_mid_batch_stops_the_worker_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An error (or Ctrl-C) after the worker laid out a document: it is stopped, not
    waited for, and the error reaches the caller unchanged."""
    from roundup_crm.documents import worker as module

    monkeypatch.setattr(module, "_worth_forking", lambda: True)  # this process has SQLAlchemy
    with pytest.raises(KeyboardInterrupt), module.pdf_worker(True) as worker:
        assert worker is not None
        assert worker.pdf("<p>one</p>").pdf is not None
        raise KeyboardInterrupt
    assert not worker._helper.alive


@pytest.mark.parametrize("warm_up", ["reports/warm-up.html", "reports/no-such-template.html"])
def test_a_worker_warmed_up_lays_out_the_document_it_is_sent(warm_up: str) -> None:
    from roundup_crm.documents.worker import PdfWorker

    worker = PdfWorker(None, [], warm_up)  # a warm-up that fails changes nothing
    try:
        rendered = worker.pdf("<html><body><p>The Roundup: Punishment — sold</p></body></html>")
        assert rendered.pdf is not None
        assert "The Roundup: Punishment — sold" in pdf_text(rendered.pdf)
    finally:
        worker.close()
    assert not worker._helper.alive

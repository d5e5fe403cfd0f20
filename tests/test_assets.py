"""Posters and stills: checked by content, copied into the asset folder, rolled back cleanly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from roundup_crm.db import Database
from roundup_crm.errors import InvalidInput
from roundup_crm.services import assets
from roundup_crm.services.assets import add_asset, inspect_image
from roundup_crm.services.films import add_film
from tests.catalogue import refused
from tests.conftest import Cli


def image(path: Path, fmt: str, size: tuple[int, int] = (300, 450)) -> Path:
    Image.new("RGB", size, (180, 20, 20)).save(path, fmt)
    return path


@pytest.mark.parametrize(
    ("fmt", "suffix", "media_type", "stored"),
    [
        ("PNG", ".png", "image/png", ".png"),
        ("JPEG", ".jpeg", "image/jpeg", ".jpg"),
        ("WEBP", ".webp", "image/webp", ".webp"),
    ],
)
def test_accepted_formats(
    tmp_path: Path, fmt: str, suffix: str, media_type: str, stored: str
) -> None:
    facts = inspect_image(image(tmp_path / f"poster{suffix}", fmt))
    assert (facts.media_type, facts.extension, facts.width, facts.height) == (
        media_type,
        stored,
        300,
        450,
    )


def test_type_is_read_from_the_content_not_the_name(tmp_path: Path) -> None:
    jpeg_named_png = image(tmp_path / "still.png", "JPEG")
    assert inspect_image(jpeg_named_png).media_type == "image/jpeg"
    (tmp_path / "fake.jpg").write_bytes(b"<html>not an image</html>")
    with pytest.raises(InvalidInput, match="not an image"):
        inspect_image(tmp_path / "fake.jpg")
    with pytest.raises(InvalidInput, match="GIF"):
        inspect_image(image(tmp_path / "anim.gif", "GIF"))
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(image(tmp_path / "whole.png", "PNG").read_bytes()[:60])
    with pytest.raises(InvalidInput, match="file"):
        inspect_image(truncated)
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty"):
        inspect_image(tmp_path / "empty.png")


def test_size_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    poster = image(tmp_path / "big.png", "PNG", (200, 200))
    monkeypatch.setattr(assets, "MAX_ASSET_BYTES", 100)
    with pytest.raises(InvalidInput, match="limit"):
        inspect_image(poster)
    monkeypatch.setattr(assets, "MAX_ASSET_BYTES", 40 * 2**20)
    monkeypatch.setattr(assets, "MAX_PIXELS", 100)
    with pytest.raises(InvalidInput, match="too large"):
        inspect_image(poster)


def test_a_failed_command_leaves_no_copy_behind(database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "assets"
    with database.begin() as session:
        add_film(session, title="The Roundup")
    with pytest.raises(RuntimeError), database.begin() as session:
        add_asset(
            session,
            "the-roundup",
            image(tmp_path / "p.png", "PNG"),
            kind="poster",
            assets_dir=folder,
        )
        assert (folder / "the-roundup" / "p.png").exists()
        raise RuntimeError("something later in the command failed")
    assert not (folder / "the-roundup" / "p.png").exists()


def test_asset_commands(cli: Cli, tmp_path: Path, _isolated_data_dir: Path) -> None:
    cli("film", "add", "The Roundup: Punishment")
    poster = image(tmp_path / "Main Poster (KR).jpg", "JPEG")
    cli(
        "film",
        "asset",
        "add",
        "the-roundup-punishment",
        str(poster),
        "--kind",
        "poster",
        "--caption",
        "Korean poster",
    )
    cli("film", "asset", "add", "the-roundup-punishment", str(poster), "--kind", "poster")
    rows = json.loads(
        cli("film", "asset", "list", "the-roundup-punishment", "--format", "json").stdout
    )
    paths = [r["path"] for r in rows]
    assert paths == [
        "the-roundup-punishment/main-poster-kr.jpg",
        "the-roundup-punishment/main-poster-kr-2.jpg",
    ]
    for path in paths:
        copy = _isolated_data_dir / "assets" / path
        assert copy.read_bytes() == poster.read_bytes()
    assert rows[0]["width"] == 300 and rows[0]["caption"] == "Korean poster"
    assert "main-poster-kr.jpg" in cli("film", "show", "the-roundup-punishment").stdout

    (tmp_path / "notes.png").write_text("hello")
    refused(
        cli,
        "film",
        "asset",
        "add",
        "the-roundup-punishment",
        str(tmp_path / "notes.png"),
        field="file",
        value="notes.png",
    )
    refused(
        cli,
        "film",
        "asset",
        "add",
        "the-roundup-punishment",
        str(poster),
        "--kind",
        "trailer",
        field="kind",
        value="trailer",
    )
    refused(
        cli,
        "film",
        "asset",
        "add",
        "the-roundup-punishment",
        str(tmp_path / "none.jpg"),
        field="file",
        value="none.jpg",
    )
    refused(cli, "film", "asset", "add", "nope", str(poster), field="film", value="nope")
    assert len(list((_isolated_data_dir / "assets" / "the-roundup-punishment").iterdir())) == 2

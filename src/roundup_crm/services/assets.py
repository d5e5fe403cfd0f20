"""Posters and stills: checked by content, copied into the managed asset folder, recorded.

The asset folder (`Settings.assets_dir`) holds one sub-folder per film slug; the database
keeps paths relative to it, so the folder can move with the data. Press kits read only
from there, never from wherever the file first came from.
"""

from __future__ import annotations

import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from roundup_crm.errors import InvalidInput
from roundup_crm.models import AssetKind, FilmAsset
from roundup_crm.services import validate
from roundup_crm.services.lookup import find_film
from roundup_crm.services.territories import fold

MAX_ASSET_BYTES = 40 * 1024 * 1024  # a print-quality poster, not a video
MAX_PIXELS = 60_000_000  # e.g. 6000 x 10000; larger is a decompression bomb or a mistake

# What Pillow reports -> (media type, file extension we store it under).
ACCEPTED = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "WEBP": ("image/webp", ".webp"),
}


@dataclass(frozen=True)
class ImageFacts:
    media_type: str
    extension: str
    width: int
    height: int


def asset_kind(value: str) -> AssetKind:
    key = value.strip().lower()
    for kind in AssetKind:
        if key == kind.value:
            return kind
    choices = ", ".join(k.value for k in AssetKind)
    raise InvalidInput("kind", value, f"not an asset kind ({choices})")


def inspect_image(path: Path) -> ImageFacts:
    """What the file really is, read from its bytes: PNG, JPEG or WebP, and its size."""
    shown = str(path)
    if not path.is_file():
        raise InvalidInput("file", shown, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput("file", shown, "is empty")
    if size > MAX_ASSET_BYTES:
        raise InvalidInput(
            "file", shown, f"is {size / 1e6:.1f} MB; the limit is {MAX_ASSET_BYTES // 2**20} MB"
        )
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                kind = image.format
                width, height = image.size
                image.verify()  # reads the structure (CRCs for PNG) without decoding pixels
    except UnidentifiedImageError:
        raise InvalidInput("file", shown, "is not an image (PNG, JPEG or WebP)") from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InvalidInput("file", shown, "has too many pixels to be a poster or still") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput("file", shown, f"is a damaged image ({exc})") from None
    if kind not in ACCEPTED:
        raise InvalidInput("file", shown, f"is a {kind} image; use PNG, JPEG or WebP")
    if width * height > MAX_PIXELS:
        raise InvalidInput("file", shown, f"is {width}x{height} pixels; too large")
    media_type, extension = ACCEPTED[kind]
    return ImageFacts(media_type, extension, width, height)


def _file_stem(path: Path) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", fold(path.stem)).strip("-")[:60]
    return stem or "image"


def _free_name(folder: Path, stem: str, extension: str) -> Path:
    candidate = folder / f"{stem}{extension}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{extension}"
        number += 1
    return candidate


def add_asset(
    session: Session,
    film_value: str,
    source: Path,
    *,
    kind: str,
    assets_dir: Path,
    caption: str | None = None,
) -> FilmAsset:
    """Check an image, copy it to `<assets_dir>/<film slug>/`, record it on the film.

    If the transaction does not commit, the copy is removed again, so a failed command
    leaves neither a row nor a stray file.
    """
    film = find_film(session, film_value)
    parsed_kind = asset_kind(kind)
    text = validate.clean_text(caption, field="caption", max_length=500)
    facts = inspect_image(source)
    folder = assets_dir / film.slug
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, _file_stem(source), facts.extension)
    last = session.scalar(select(func.max(FilmAsset.position)).where(FilmAsset.film_id == film.id))
    asset = FilmAsset(
        film=film,
        kind=parsed_kind,
        path=target.relative_to(assets_dir).as_posix(),
        media_type=facts.media_type,
        width=facts.width,
        height=facts.height,
        caption=text,
        position=(last or 0) + 1,
    )
    session.add(asset)
    session.flush()
    shutil.copyfile(source, target)

    def _remove_copy(_session: Session) -> None:
        target.unlink(missing_ok=True)

    event.listen(session, "after_rollback", _remove_copy, once=True)
    return asset

"""The document pipeline's guarantees: escaping, strict templates, safe fetching, real PDFs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from roundup_crm.documents.render import Renderer
from roundup_crm.errors import InvalidInput

PAGE = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8">
<title>{{ title }}</title><meta name="author" content="Seoul Screen Sales">
<link rel="stylesheet" href="shared/base.css"></head>
<body><h1>{{ title }}</h1><p>{{ note }}</p>{% if poster %}<img src="{{ poster }}">{% endif %}
</body></html>"""


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def user_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    return folder


def test_hangul_and_metadata_reach_the_pdf(user_templates: Path) -> None:
    renderer = Renderer(user_templates=user_templates)
    out = renderer.render(
        "page.html",
        {"lang": "ko", "title": "범죄도시4", "note": "The Roundup: Punishment", "poster": None},
    )
    assert out.pdf is not None
    reader = PdfReader(io.BytesIO(out.pdf))
    assert "범죄도시4" in pdf_text(out.pdf)
    assert reader.metadata is not None
    assert reader.metadata.title == "범죄도시4"
    assert reader.metadata.author == "Seoul Screen Sales"


def test_user_data_is_escaped_and_local_files_are_not_fetched(
    user_templates: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    note = f"<img src=\"file://{secret}\"> {{{{ 'EVAL' ~ 'UATED' }}}} <b>bold</b>"
    renderer = Renderer(user_templates=user_templates)
    out = renderer.render(
        "page.html",
        {"lang": "en", "title": "Safety", "note": note, "poster": f"file://{secret}"},
    )
    assert "&lt;img" in out.html and "<b>" not in out.html
    assert out.pdf is not None
    text = " ".join(pdf_text(out.pdf).split())
    assert "{{ 'EVAL' ~ 'UATED' }}" in text and "EVALUATED" not in text
    assert "TOP-SECRET-CONTENT" not in text
    assert out.refused == (f"file://{secret}",)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/poster.png",
        "https://example.com/p.png",
        "file:///etc/passwd",
        "ftp://example.com/x.png",
    ],
)
def test_outside_urls_are_refused_and_the_pdf_still_renders(user_templates: Path, url: str) -> None:
    out = Renderer(user_templates=user_templates).render(
        "page.html", {"lang": "en", "title": "T", "note": "n", "poster": url}
    )
    assert out.refused == (url,)
    assert out.pdf is not None and out.pdf.startswith(b"%PDF")


def test_css_url_to_an_outside_path_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "page.html").write_text(
        '<html><head><style>body { background: url("file:///etc/hostname") }</style></head>'
        "<body>x</body></html>"
    )
    out = Renderer(user_templates=folder).render("page.html", {})
    assert out.refused == ("file:///etc/hostname",)


def test_a_missing_variable_is_an_error_not_a_blank(user_templates: Path) -> None:
    with pytest.raises(InvalidInput, match="title"):
        Renderer(user_templates=user_templates).render("page.html", {"lang": "en"}, pdf=False)


def test_user_templates_override_and_fall_back(user_templates: Path) -> None:
    renderer = Renderer(user_templates=user_templates)
    # page.html comes from the user's folder, shared/base.css from the shipped one.
    html = renderer.html("page.html", {"lang": "en", "title": "x", "note": "", "poster": None})
    assert "shared/base.css" in html
    assert renderer.env.get_template("shared/base.css") is not None


def test_quick_library_lookup_agrees_with_the_standard_one() -> None:
    """documents/native.py answers WeasyPrint's library look-ups from one ldconfig listing:
    every name the standard find_library resolves, it resolves the same way; it only
    declines names the standard one does not find either."""
    import ctypes.util
    import sys

    from roundup_crm.documents.native import _one_library_listing

    if not sys.platform.startswith("linux"):
        pytest.skip("the quick look-up is for Linux only")
    names = [
        "gobject-2.0-0", "gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset",
        "harfbuzz-vector", "fontconfig-1", "fontconfig", "pangoft2-1.0", "c", "m",
        "no-such-library-anywhere",
    ]  # fmt: skip
    standard = {name: ctypes.util.find_library(name) for name in names}
    with _one_library_listing():
        quick = {name: ctypes.util.find_library(name) for name in names}
    assert ctypes.util.find_library is not None
    for name in names:
        if standard[name] is not None:
            assert quick[name] == standard[name], name
    assert quick["no-such-library-anywhere"] is None
    assert quick["pango-1.0"] is not None  # the machine running WeasyPrint has Pango

"""HTML to PDF with WeasyPrint: shared fonts and fetcher across a batch, metadata set."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from roundup_crm.documents.environment import make_environment, render_html, template_roots
from roundup_crm.documents.fetcher import SafeFetcher


@dataclass(frozen=True)
class Rendered:
    html: str
    pdf: bytes | None
    refused: tuple[str, ...] = ()


@dataclass
class Renderer:
    """Renders many documents in one process, reusing fonts and parsed stylesheets.

    `extra_roots` are further folders the documents may load files from (the managed
    asset folder with posters and stills).
    """

    user_templates: Path | None = None
    extra_roots: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.env: jinja2.Environment = make_environment(self.user_templates)
        self.roots = template_roots(self.user_templates) + [
            root.resolve() for root in self.extra_roots if root.is_dir()
        ]
        self.fonts = FontConfiguration()
        self._css_cache: dict[Any, Any] = {}

    @property
    def base_url(self) -> str:
        """Relative links in templates resolve against the first template folder."""
        return self.roots[0].as_uri() + "/"

    def html(self, template: str, context: dict[str, Any]) -> str:
        return render_html(self.env, template, context)

    def pdf(self, html: str) -> Rendered:
        """Lay out `html` and return PDF bytes; metadata comes from the HTML <head>."""
        from weasyprint import HTML

        fetcher = SafeFetcher(self.roots)
        logger = logging.getLogger("weasyprint")
        level = logger.level
        logger.setLevel(logging.ERROR)  # refused URLs are reported by us, once, clearly
        try:
            document = HTML(string=html, base_url=self.base_url, url_fetcher=fetcher).render(
                font_config=self.fonts, cache=self._css_cache
            )
            pdf = document.write_pdf()
        finally:
            logger.setLevel(level)
        return Rendered(html=html, pdf=pdf, refused=tuple(fetcher.refused))

    def render(self, template: str, context: dict[str, Any], *, pdf: bool = True) -> Rendered:
        html = self.html(template, context)
        return self.pdf(html) if pdf else Rendered(html=html, pdf=None)


def pdf_date(moment: datetime) -> str:
    """ISO 8601 for <meta name=dcterms.created>, which WeasyPrint writes as the PDF date."""
    return moment.replace(microsecond=0).isoformat()

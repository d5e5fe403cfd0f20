"""HTML to PDF with WeasyPrint: shared fonts and fetcher across a batch, metadata set."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from roundup_crm.documents.environment import make_environment, render_html, template_roots
from roundup_crm.documents.native import import_weasyprint

if TYPE_CHECKING:
    from roundup_crm.documents.fetcher import SafeFetcher
    from roundup_crm.documents.worker import PdfWorker

_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="(file:[^"<>]+)">\n?')


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
    # A process laying the PDFs out meanwhile (documents.worker); None: this one does.
    worker: PdfWorker | None = None

    def __post_init__(self) -> None:
        self.env: jinja2.Environment = make_environment(self.user_templates)
        self.roots = template_roots(self.user_templates) + [
            root.resolve() for root in self.extra_roots if root.is_dir()
        ]
        self._fonts: Any = None  # WeasyPrint's FontConfiguration, made on the first PDF
        self._css_cache: dict[Any, Any] = {}  # WeasyPrint's image cache, keyed by URL
        self._stylesheets: dict[str, Any] = {}  # parsed CSS, keyed by file: URI
        self._stylesheet_fetcher: SafeFetcher | None = None

    @property
    def base_url(self) -> str:
        """Relative links in templates resolve against the first template folder."""
        return self.roots[0].as_uri() + "/"

    def html(self, template: str, context: dict[str, Any]) -> str:
        return render_html(self.env, template, context)

    @property
    def fonts(self) -> Any:
        if self._fonts is None:
            import_weasyprint()
            from weasyprint.text.fonts import FontConfiguration

            self._fonts = FontConfiguration()
        return self._fonts

    @property
    def _css_fetcher(self) -> SafeFetcher:
        if self._stylesheet_fetcher is None:
            from roundup_crm.documents.fetcher import SafeFetcher

            self._stylesheet_fetcher = SafeFetcher(self.roots)
        return self._stylesheet_fetcher

    def pdf(self, html: str) -> Rendered:
        """Lay out `html` and return PDF bytes; metadata comes from the HTML <head>."""
        if self.worker is not None:
            return self.worker.pdf(html)
        import_weasyprint()
        from weasyprint import HTML

        from roundup_crm.documents.fetcher import SafeFetcher

        fetcher = SafeFetcher(self.roots)
        logger = logging.getLogger("weasyprint")
        level = logger.level
        logger.setLevel(logging.ERROR)  # refused URLs are reported by us, once, clearly
        try:
            html_for_layout, stylesheets = self._parsed_stylesheets(html)
            document = HTML(
                string=html_for_layout, base_url=self.base_url, url_fetcher=fetcher
            ).render(font_config=self.fonts, cache=self._css_cache, stylesheets=stylesheets)
            pdf = document.write_pdf()
        finally:
            logger.setLevel(level)
        refused = tuple(dict.fromkeys([*self._css_fetcher.refused, *fetcher.refused]))
        self._css_fetcher.refused.clear()
        return Rendered(html=html, pdf=pdf, refused=refused)

    def _parsed_stylesheets(self, html: str) -> tuple[str, list[Any]]:
        """The document's linked stylesheets, parsed once per batch, and the HTML without
        those links.

        Parsing CSS is a good part of WeasyPrint's time per document and every press kit
        links the same files. Only `<link rel="stylesheet" href="file:...">` tags exactly
        as the shipped templates write them, inside the allowed folders, are taken over;
        any other link is left to WeasyPrint. With no author stylesheet left, the same
        sheets applied at user level cascade exactly as they would have.
        """
        from weasyprint import CSS

        head_end = html.find("</head>")
        if head_end < 0:
            return html, []
        head = html[:head_end]
        stylesheets = []
        for match in _STYLESHEET_LINK.finditer(head):
            url = match.group(1)
            if self._css_fetcher.resolve(url) is None:
                return html, []  # let WeasyPrint refuse it in the open
            stylesheets.append(url)
        if not stylesheets:
            return html, []
        parsed = []
        for url in stylesheets:
            if url not in self._stylesheets:
                self._stylesheets[url] = CSS(
                    url=url, url_fetcher=self._css_fetcher, font_config=self.fonts
                )
            parsed.append(self._stylesheets[url])
        return _STYLESHEET_LINK.sub("", head) + html[head_end:], parsed

    def render(self, template: str, context: dict[str, Any], *, pdf: bool = True) -> Rendered:
        html = self.html(template, context)
        return self.pdf(html) if pdf else Rendered(html=html, pdf=None)


def pdf_date(moment: datetime) -> str:
    """ISO 8601 for <meta name=dcterms.created>, which WeasyPrint writes as the PDF date."""
    return moment.replace(microsecond=0).isoformat()

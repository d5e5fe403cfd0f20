"""Press kits and sales sheets: read the films, render them in one batch, name the files.

Reading happens inside the command's transaction and is quick; rendering happens after
it, from frozen data, so a batch of fifty PDFs never holds the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.documents.environment import LANGUAGES
from roundup_crm.documents.presskit import PressKit, current_market, load_presskit
from roundup_crm.errors import InvalidInput
from roundup_crm.models import Film, Market
from roundup_crm.services.lookup import find_film, find_market
from roundup_crm.services.sales_company import SalesCompany, agent_contacts

if TYPE_CHECKING:
    from roundup_crm.documents.render import Renderer
    from roundup_crm.documents.worker import PdfWorker

PRESSKIT_TEMPLATE = "presskit/presskit.html"
SHEET_TEMPLATE = "presskit/sheet.html"


@dataclass(frozen=True)
class Request:
    """What to make: the same for every film of a batch."""

    lang: str = "en"
    sheet: bool = False


@dataclass(frozen=True)
class Document:
    slug: str
    filename: str
    content: bytes  # PDF, or UTF-8 HTML with --html
    refused: tuple[str, ...] = ()


def document_filename(slug: str, request: Request, *, html: bool = False) -> str:
    """`the-roundup-punishment-presskit-en.pdf`, `...-sheet-ko.pdf`, `.html` for HTML."""
    kind = "sheet" if request.sheet else "presskit"
    return f"{slug}-{kind}-{request.lang}.{'html' if html else 'pdf'}"


def check_language(lang: str) -> str:
    value = lang.strip().lower()
    if value not in LANGUAGES:
        raise InvalidInput("lang", lang, f"expected one of {', '.join(LANGUAGES)}")
    return value


def read_presskits(
    session: Session,
    films: Sequence[str] | None,
    *,
    requests: Sequence[Request],
    market: str | None = None,
    company: SalesCompany | None = None,
    contacts: Sequence[str] = (),
    assets_dir: Path | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> list[tuple[Request, PressKit]]:
    """The press kits of `films` (names as users type them; None for every film).

    `market` picks the market whose screenings show (default: the current one);
    `contacts` names team members to put first as the sales contacts.
    """
    today = today or date.today()
    now = now or datetime.now(UTC)
    for request in requests:
        check_language(request.lang)
    chosen: Market | None = (
        find_market(session, market) if market else current_market(session, today)
    )
    found = _films(session, films)
    people = agent_contacts(session, tuple(contacts)) if contacts else ()
    return [
        (
            request,
            load_presskit(
                session,
                film,
                lang=request.lang,
                today=today,
                generated_at=now,
                market=chosen,
                company=company,
                sales_contacts=people,
                assets_dir=assets_dir,
                sheet=request.sheet,
            ),
        )
        for film in found
        for request in requests
    ]


def _films(session: Session, films: Sequence[str] | None) -> list[Film]:
    if films is None:
        return list(session.scalars(select(Film).order_by(Film.slug)))
    unique: dict[str, Film] = {}
    for value in films:
        film = find_film(session, value)
        unique.setdefault(film.slug, film)
    return list(unique.values())


class PressKitRenderer:
    """One WeasyPrint renderer for a whole batch: fonts and stylesheets are loaded once.

    `worker` is one `pdf_worker` started earlier (a process importing WeasyPrint
    while the database was read); without it, PDFs are laid out in this process.
    """

    def __init__(
        self,
        templates: Path | None = None,
        assets_dir: Path | None = None,
        worker: PdfWorker | None = None,
    ) -> None:
        from roundup_crm.documents.render import Renderer

        self.renderer: Renderer = Renderer(
            user_templates=templates,
            extra_roots=[assets_dir] if assets_dir else [],
            worker=worker,
        )

    def render(self, request: Request, kit: PressKit, *, html: bool = False) -> Document:
        from roundup_crm.documents.render import pdf_date

        template = SHEET_TEMPLATE if request.sheet else PRESSKIT_TEMPLATE
        context = {"kit": kit, "created": pdf_date(kit.generated_at)}
        out = self.renderer.render(template, context, pdf=not html)
        content = out.html.encode("utf-8") if html else (out.pdf or b"")
        return Document(
            slug=kit.slug,
            filename=document_filename(kit.slug, request, html=html),
            content=content,
            refused=out.refused,
        )

    def render_all(
        self, kits: Iterable[tuple[Request, PressKit]], *, html: bool = False
    ) -> Iterator[Document]:
        for request, kit in kits:
            yield self.render(request, kit, html=html)


def refused_summary(documents: Iterable[Document]) -> str | None:
    """One warning line naming every URL that was not fetched, or None."""
    urls: dict[str, None] = {}
    count = 0
    for document in documents:
        if document.refused:
            count += 1
            urls.update(dict.fromkeys(document.refused))
    if not urls:
        return None
    shown = [u if len(u) <= 80 else u[:77] + "..." for u in urls]
    more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
    where = f" in {count} documents" if count > 1 else ""
    return (
        f"warning: not fetched{where} (only files in the template and asset folders are "
        f"used): {', '.join(shown[:5])}{more}"
    )


def write_documents(documents: Iterable[Document], folder: Path) -> list[Path]:
    """Write each document under its default name in `folder` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for document in documents:
        target = folder / document.filename
        target.write_bytes(document.content)
        written.append(target)
    return written


DEMO_FILM = "the-roundup-punishment"
DEMO_REQUESTS = (Request("en"), Request("ko"), Request("en", sheet=True))


def demo_presskits(
    session: Session, *, company: SalesCompany | None, assets_dir: Path | None = None
) -> list[tuple[Request, PressKit]]:
    """The demo's documents: Punishment's press kit in English and Korean, its sales sheet.

    Signed by the user's own company when config.toml has one, else by the demo's
    sales company with the demo's agents as contacts.
    """
    from roundup_crm.services.demo import AGENTS, DEMO_COMPANY

    return read_presskits(
        session,
        [DEMO_FILM],
        requests=DEMO_REQUESTS,
        company=company or DEMO_COMPANY,
        contacts=() if company else tuple(agent[0] for agent in AGENTS),
        assets_dir=assets_dir,
    )

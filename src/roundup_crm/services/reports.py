"""Report use cases: read the period and options users type, build the report data,
render it (PDF, HTML) outside the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from roundup_crm.errors import InvalidInput
from roundup_crm.reports.common import Period, last_complete_week
from roundup_crm.services.parsing import parse_currency, parse_date, parse_iso_week

if TYPE_CHECKING:
    from roundup_crm.documents.render import Renderer
    from roundup_crm.documents.worker import PdfWorker
    from roundup_crm.reports.letters import FollowupLetter
    from roundup_crm.reports.market import MarketReport
    from roundup_crm.reports.weekly import WeeklyReport

DOCUMENT_FORMATS = ("pdf", "html")
# EFM 2026 runs 12-18 February 2026; the week it closes (and the first deal is signed) is
# the one whose weekly report shows the most: moves, offers, the deal.
DEMO_WEEK = "2026-W08"


def report_period(
    *,
    week: str | None = None,
    since: str | None = None,
    until: str | None = None,
    today: date | None = None,
) -> Period:
    """`--week 2026-W07`, or `--since D [--until D]`; by default the last complete ISO week."""
    today = today or date.today()
    if week and (since or until):
        raise InvalidInput("week", week, "give either --week or --since/--until, not both")
    if week:
        return Period(*parse_iso_week(week))
    if since or until:
        end = parse_date(until, field="until", today=today) if until else None
        start = parse_date(since, field="since", today=today) if since else None
        if start is None:
            assert end is not None
            start = end - timedelta(days=6)
        if end is None:
            end = today
        if end < start:
            raise InvalidInput("until", until or end.isoformat(), "is before --since")
        return Period(start, end)
    return last_complete_week(today)


def weekly(
    session: Session,
    *,
    week: str | None = None,
    since: str | None = None,
    until: str | None = None,
    film: str | None = None,
    currency: str = "EUR",
    today: date | None = None,
) -> WeeklyReport:
    """The weekly pipeline report's data for a period (default: last complete ISO week)."""
    from roundup_crm.reports.weekly import weekly_report

    code = parse_currency(currency, field="currency")
    period = report_period(week=week, since=since, until=until, today=today)
    return weekly_report(session, period=period, currency=code, film=film)


def demo_weekly(session: Session) -> WeeklyReport:
    """The weekly report of the demo week, in euros."""
    return weekly(session, week=DEMO_WEEK, currency="EUR")


@dataclass
class Documents:
    """Renders report documents; one instance per command so fonts and CSS are reused."""

    templates: Path | None = None
    # Lays the PDFs out while the report's data is read (documents.worker), if given.
    worker: PdfWorker | None = None
    _renderer: Renderer | None = None

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            from roundup_crm.documents.render import Renderer

            self._renderer = Renderer(user_templates=self.templates, worker=self.worker)
        return self._renderer

    def render(self, template: str, context: dict[str, Any], fmt: str) -> bytes:
        if fmt == "html":
            return self.renderer.html(template, context).encode("utf-8")
        rendered = self.renderer.render(template, context)
        assert rendered.pdf is not None
        return rendered.pdf

    def weekly(self, report: WeeklyReport, *, fmt: str = "pdf", author: str = "") -> bytes:
        from roundup_crm.documents.render import pdf_date
        from roundup_crm.reports.output import weekly_charts

        context = {
            "report": report,
            "charts": weekly_charts(report),
            "author": author,
            "created": pdf_date(report.generated_at),
            "lang": "en",
        }
        return self.render("reports/weekly.html", context, fmt)

    def market(self, report: MarketReport, *, fmt: str = "pdf", author: str = "") -> bytes:
        from roundup_crm.documents.render import pdf_date

        context = {
            "report": report,
            "author": author,
            "created": pdf_date(report.generated_at),
            "lang": "en",
        }
        return self.render("reports/market.html", context, fmt)

    def letter_context(self, letter: FollowupLetter, attachments: list[str]) -> dict[str, Any]:
        from roundup_crm.documents.render import pdf_date

        return {
            "letter": letter,
            "attachments": attachments,
            "created": pdf_date(letter.generated_at),
            "email": False,
        }


def write_output(path: Path, data: bytes) -> Path:
    """Write a document where the user asked; a missing folder is bad input."""
    if path.is_dir():
        raise InvalidInput("output", str(path), "is a folder; give a file name")
    if not path.parent.exists():
        raise InvalidInput("output", str(path), "its folder does not exist")
    path.write_bytes(data)
    return path


def market(session: Session, *, market: str, currency: str = "EUR") -> MarketReport:
    """The market report's data: meetings, buyers met, films by interest, money, follow-ups."""
    from roundup_crm.reports.market import market_report

    code = parse_currency(currency, field="currency")
    return market_report(session, market=market, currency=code)


@dataclass(frozen=True)
class Letters:
    """The letters of one market, and the press kits to attach (rendered later)."""

    market: str
    letters: tuple[FollowupLetter, ...]
    presskits: tuple[Any, ...] = ()  # (Request, PressKit) pairs from the press kit service


def followups(
    session: Session,
    *,
    market: str,
    lang: str = "en",
    company: str | None = None,
    attach_presskit: bool = False,
    assets_dir: Path | None = None,
    today: date | None = None,
) -> Letters:
    """One follow-up letter per buyer company met at `market`; with `attach_presskit`,
    also the press kits of the films discussed, in the letters' language."""
    from roundup_crm.reports.letters import followup_letters

    if lang not in ("en", "ko"):
        raise InvalidInput("lang", lang, "expected one of en, ko")
    letters = followup_letters(session, market=market, lang=lang, company=company, today=today)
    kits: tuple[Any, ...] = ()
    if attach_presskit and letters:
        from roundup_crm.services.presskit import Request, read_presskits
        from roundup_crm.services.sales_company import load_sales_company

        slugs = sorted({slug for letter in letters for slug in letter.film_slugs})
        kits = tuple(
            read_presskits(
                session,
                slugs,
                requests=[Request(lang)],
                market=letters[0].market,
                company=load_sales_company(),
                assets_dir=assets_dir,
            )
        )
    return Letters(letters[0].market if letters else market, tuple(letters), kits)


@dataclass(frozen=True)
class WrittenLetter:
    company: str
    pdf: Path
    eml: Path | None
    addressed: tuple[str, ...]
    without_email: tuple[str, ...]


def write_letters(
    documents: Documents,
    letters: Letters,
    folder: Path,
    *,
    eml: bool = False,
    assets_dir: Path | None = None,
) -> list[WrittenLetter]:
    """Render every letter to `folder` as PDF (and as an .eml draft with `eml`)."""
    from roundup_crm.services.letters import build_eml

    if folder.exists() and not folder.is_dir():
        raise InvalidInput("output", str(folder), "is a file; give a folder for the letters")
    folder.mkdir(parents=True, exist_ok=True)
    attachments: dict[str, tuple[str, str, bytes]] = {}
    if letters.presskits:
        from roundup_crm.services.presskit import PressKitRenderer

        renderer = PressKitRenderer(templates=documents.templates, assets_dir=assets_dir)
        for (_request, kit), document in zip(
            letters.presskits, renderer.render_all(letters.presskits), strict=True
        ):
            attachments[kit.slug] = (document.filename, kit.title, document.content)
    written = []
    used: set[str] = set()
    for letter in letters.letters:
        name = letter.company_slug
        while name in used:  # two buyers whose names fold to the same file name
            name += "-2"
        used.add(name)
        attached = [attachments[slug] for slug in letter.film_slugs if slug in attachments]
        context = documents.letter_context(letter, [title for _, title, _ in attached])
        pdf = folder / f"{name}.pdf"
        pdf.write_bytes(documents.render("letters/followup.html", context, "pdf"))
        draft = None
        if eml:
            html = documents.renderer.html("letters/followup.html", {**context, "email": True})
            text = documents.renderer.html("letters/followup.txt", context)
            draft = folder / f"{name}.eml"
            draft.write_bytes(
                build_eml(
                    letter,
                    text=text,
                    html=html,
                    attachments=[(filename, data) for filename, _, data in attached],
                )
            )
        written.append(
            WrittenLetter(
                company=letter.company,
                pdf=pdf,
                eml=draft,
                addressed=tuple(f"{r.name} <{r.email}>" for r in letter.addressed),
                without_email=tuple(r.name for r in letter.without_email),
            )
        )
    return written

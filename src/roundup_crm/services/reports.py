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
    from roundup_crm.reports.weekly import WeeklyReport

DOCUMENT_FORMATS = ("pdf", "html")


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


@dataclass
class Documents:
    """Renders report documents; one instance per command so fonts and CSS are reused."""

    templates: Path | None = None
    _renderer: Renderer | None = None

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            from roundup_crm.documents.render import Renderer

            self._renderer = Renderer(user_templates=self.templates)
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


def write_output(path: Path, data: bytes) -> Path:
    """Write a document where the user asked; a missing folder is bad input."""
    if path.is_dir():
        raise InvalidInput("output", str(path), "is a folder; give a file name")
    if not path.parent.exists():
        raise InvalidInput("output", str(path), "its folder does not exist")
    path.write_bytes(data)
    return path

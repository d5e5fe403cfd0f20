"""`roundup-crm report`: the weekly pipeline report, market reports, post-market letters."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, neutralise, plain
from roundup_crm.config import ENV_TEMPLATES

REPORT_FORMATS = ("pdf", "html", "csv", "json", "table")
WARM_UP = "reports/warm-up.html"


@click.group()
def report() -> None:
    """Weekly pipeline reports, market reports and post-market follow-up letters.

    Example:

        roundup-crm report weekly --week 2026-W07 -o weekly.pdf
    """


def _format_for(fmt: str | None, output: Path | None) -> str:
    if fmt:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in REPORT_FORMATS else "pdf"


def templates_option(func: Any) -> Any:
    return click.option(
        "--templates",
        type=click.Path(path_type=Path, file_okay=False),
        envvar=ENV_TEMPLATES,
        help="Your own template folder; files missing there come from the shipped ones.",
    )(func)


def format_choice(func: Any) -> Any:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(REPORT_FORMATS),
        help="Default: from the -o suffix, else pdf.",
    )(func)


def _csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = []
        for column in columns:
            value = plain(row.get(column))
            if value is None:
                cells.append("")
            elif isinstance(value, str) and not isinstance(row.get(column), int | float):
                cells.append(neutralise(value))
            else:
                cells.append(str(value).lower() if isinstance(value, bool) else str(value))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def _json(data: Any) -> bytes:
    return (json.dumps(plain(data), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _deliver(data: bytes, output: Path | None, default_name: str, fmt: str) -> None:
    """Documents go to a file (default name in the current folder); text formats go to
    stdout unless -o is given."""
    from roundup_crm.services.reports import write_output

    if output is None and fmt in ("pdf",):
        output = Path(default_name)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    written = write_output(output, data)
    click.echo(f"wrote {written}", err=True)


def _report(
    app: App,
    which: str,
    options: dict[str, Any],
    kind: str,
    templates: Path | None,
    output: Path | None,
) -> Any:
    """Read report `which` ("weekly" or "market" of services.reports) in one read-only
    transaction; write it as PDF or HTML and return None, or return its data for the
    text formats."""
    from roundup_crm.documents.worker import pdf_worker

    # Entered first: the worker imports WeasyPrint, and warms it up, while the report's
    # data is read.
    with pdf_worker(kind == "pdf", templates, warm_up=WARM_UP) as worker:
        from roundup_crm.services import reports

        with app.db.begin(readonly=True) as session:
            data = getattr(reports, which)(session, **options)
        if kind not in ("pdf", "html"):
            return data
        document = getattr(reports.Documents(templates, worker), which)
        rendered = document(data, fmt=kind, author=app.settings.agent)
    _deliver(rendered, output, _default_name(which, data), kind)
    return None


def _default_name(which: str, data: Any) -> str:
    if which == "weekly":
        return f"weekly-report-{data.period.label}.pdf"
    slug = "".join(c if c.isalnum() else "-" for c in data.market.name.lower()).strip("-")
    return f"market-report-{slug}.pdf"


def _tables(tables: Sequence[Any]) -> None:
    for table in tables:
        if table.rows:
            emit(list(table.rows), fmt="table", columns=list(table.columns), title=table.title)
            click.echo()


@report.command()
@click.option("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W07.")
@click.option("--since", metavar="DATE", help="First day of the period (instead of --week).")
@click.option("--until", metavar="DATE", help="Last day of the period (default: today).")
@click.option("--film", metavar="FILM", help="Only this film (slug or title).")
@click.option("--currency", default="EUR", show_default=True, help="Reporting currency.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write.")
@format_choice
@templates_option
@pass_app
def weekly(
    app: App,
    week: str | None,
    since: str | None,
    until: str | None,
    film: str | None,
    currency: str,
    output: Path | None,
    fmt: str | None,
    templates: Path | None,
) -> None:
    """Write the weekly pipeline report (default: the last complete ISO week).

    What moved (stage changes, new offers, deals closed, opportunities lost), where
    each film stands, offers outstanding against ask and take, hot buyers, overdue
    follow-ups by agent, meetings held by market, with charts. Amounts are converted
    to --currency with the rates recorded by `roundup-crm fx add`; a missing rate is
    named in the report, never taken as 1.

    Example:

        roundup-crm report weekly --week 2026-W07 --currency EUR -o weekly.pdf
    """
    kind = _format_for(fmt, output)
    options = dict(week=week, since=since, until=until, film=film, currency=currency)
    data = _report(app, "weekly", options, kind, templates, output)
    if data is None:
        return
    default_name = _default_name("weekly", data)
    from roundup_crm.reports.output import long_rows, to_data, weekly_tables

    if kind == "json":
        _deliver(_json(to_data(data)), output, default_name, kind)
    elif kind == "csv":
        columns, rows = long_rows(weekly_tables(data))
        _deliver(_csv(columns, rows), output, default_name, kind)
    else:
        click.echo(data.title)
        for line in data.missing_rates:
            click.echo(f"warning: {line}", err=True)
        _tables(weekly_tables(data))


@report.command("market")
@click.argument("market")
@click.option("--currency", default="EUR", show_default=True, help="Reporting currency.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write.")
@format_choice
@templates_option
@pass_app
def market_(
    app: App,
    market: str,
    currency: str,
    output: Path | None,
    fmt: str | None,
    templates: Path | None,
) -> None:
    """Write the report of one market: meetings, buyers, films, offers, deals, follow-ups.

    Example:

        roundup-crm report market "EFM 2026" -o efm-2026.pdf
    """
    kind = _format_for(fmt, output)
    data = _report(app, "market", dict(market=market, currency=currency), kind, templates, output)
    if data is None:
        return
    default_name = _default_name("market", data)
    from roundup_crm.reports.output import to_data

    if kind == "json":
        _deliver(_json(to_data(data)), output, default_name, kind)
    else:
        rows = _market_rows(data)
        if kind == "csv":
            _deliver(
                _csv(["section", "item", "count", "amount", "currency"], rows),
                output,
                default_name,
                kind,
            )
        else:
            click.echo(data.title)
            emit(rows, fmt="table", columns=["section", "item", "count", "amount", "currency"])


def _market_rows(data: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    rows += [
        {"section": "meetings", "item": c.label, "count": c.count} for c in data.meetings_by_status
    ]
    rows += [
        {"section": "buyers by country", "item": c.label, "count": c.count}
        for c in data.buyers_by_country
    ]
    rows += [
        {"section": "buyers by type", "item": c.label, "count": c.count}
        for c in data.buyers_by_type
    ]
    for f in data.films:
        rows += [
            {"section": f"interest: {level}", "item": f.film, "count": getattr(f, attr)}
            for level, attr in (
                ("hot", "hot"),
                ("warm", "warm"),
                ("cold", "cold"),
                ("pass", "passed"),
            )
        ]
    for name, totals in (
        ("offers received", data.offer_totals),
        ("deals closed", data.deal_totals),
    ):
        rows += [
            {
                "section": name,
                "item": c.currency,
                "count": c.count,
                "amount": c.amount,
                "currency": c.currency,
            }
            for c in totals.by_currency
        ]
    rows += [
        {"section": "follow-ups open", "item": c.label, "count": c.count}
        for c in data.followups_by_agent
    ]
    return rows


@report.command("followup")
@click.option("--market", required=True, metavar="MARKET", help='The market, e.g. "EFM 2026".')
@click.option("--company", metavar="COMPANY", help="Only the letter to this buyer.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the letters (default: followups-<market>).",
)
@click.option("--eml", is_flag=True, help="Also write .eml drafts addressed to the contacts met.")
@click.option(
    "--attach-presskit",
    is_flag=True,
    help="Attach the press kits of the films discussed to the .eml drafts.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ko"]),
    default="en",
    show_default=True,
    help="Language of the letters.",
)
@templates_option
@pass_app
def followup(
    app: App,
    market: str,
    company: str | None,
    output: Path | None,
    eml: bool,
    attach_presskit: bool,
    lang: str,
    templates: Path | None,
) -> None:
    """Write a follow-up letter to every buyer company met at a market.

    Each letter thanks the people met, recaps the films discussed with the buyer's
    interest and notes, gives the screener links, says what is still available in the
    buyer's territories, lists the next steps agreed and is signed by the agent who held
    the meetings. PDF letters; with --eml also e-mail drafts (To: the contacts met who
    have an address; the others are listed below), press kits attached with
    --attach-presskit.

    Example:

        roundup-crm report followup --market "EFM 2026" -o efm-letters --eml --attach-presskit
    """
    from roundup_crm.services.reports import Documents, followups, write_letters

    if attach_presskit and not eml:
        raise click.UsageError("--attach-presskit needs --eml (press kits go with the e-mails)")
    with app.db.begin(readonly=True) as session:
        letters = followups(
            session,
            market=market,
            lang=lang,
            company=company,
            attach_presskit=attach_presskit,
            assets_dir=app.settings.assets_dir,
        )
    if not letters.letters:
        click.echo(f"No held meeting at {letters.market}: no letter to write.", err=True)
        return
    slug = "".join(c if c.isalnum() else "-" for c in letters.market.lower()).strip("-")
    folder = output or Path(f"followups-{slug}")
    written = write_letters(
        Documents(templates), letters, folder, eml=eml, assets_dir=app.settings.assets_dir
    )
    emit(
        [
            {
                "company": w.company,
                "letter": w.pdf.name,
                "draft": w.eml.name if w.eml else "",
                "to": w.addressed,
                "no_email": w.without_email,
            }
            for w in written
        ],
        fmt="table",
        columns=["company", "letter", "draft", "to", "no_email"],
        title=f"{len(written)} letters in {folder}",
    )
    missing = sum(len(w.without_email) for w in written)
    if eml and missing:
        click.echo(f"{missing} contacts met have no e-mail address: see no_email.", err=True)

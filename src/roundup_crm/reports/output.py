"""From report data to what the outputs need: chart geometry, flat tables, plain dicts."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from roundup_crm.reports.charts import COUNT, OFFERED, SOLD, Chart, bar_chart
from roundup_crm.reports.common import Section, Totals
from roundup_crm.reports.weekly import WeeklyReport


@dataclass(frozen=True)
class Table:
    """One section of a report as rows, for terminal tables and CSV."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]


def weekly_charts(report: WeeklyReport) -> dict[str, Chart]:
    cur = report.currency
    funnel = bar_chart(
        "Pipeline by stage (opportunities)",
        [(s.stage, [s.count]) for s in report.funnel],
        series=[(COUNT, "Opportunities")],
        keep_order=True,
        top=len(report.funnel) or 1,
    )
    excluded = (
        f" Left out for lack of a rate: {'; '.join(report.missing_rates)}."
        if report.missing_rates
        else ""
    )
    territories = bar_chart(
        f"Value by territory ({cur})",
        [(t.territory, [t.sold, t.offered]) for t in report.territories],
        series=[(SOLD, "MG of live deals"), (OFFERED, "Offers outstanding")],
        currency=cur,
        top=10,
        others_label="Other territories",
        note="An amount covering several territories is shared equally between them." + excluded,
    )
    return {"funnel": funnel, "territories": territories}


def _totals_row(name: str, t: Totals) -> list[dict[str, Any]]:
    rows = [
        {
            "section": "totals",
            "what": name,
            "amount": c.amount,
            "currency": c.currency,
            "converted": c.converted,
            "count": c.count,
        }
        for c in t.by_currency
    ]
    rows.append(
        {
            "section": "totals",
            "what": f"{name} (all, in {t.currency})",
            "amount": t.converted,
            "currency": t.currency,
            "converted": t.converted,
            "count": t.count,
            "note": "; ".join(t.missing),
        }
    )
    return rows


def weekly_tables(report: WeeklyReport) -> list[Table]:
    """The report's sections as flat tables (shown rows; counts say what was left out)."""
    cur = report.currency
    conv = f"amount_{cur.lower()}"
    tables = [
        Table(
            "moves",
            "What moved",
            ("when", "film", "buyer", "territory", "from_stage", "to_stage", "agent", "note"),
            tuple(
                {
                    "when": m.at,
                    "film": m.film,
                    "buyer": m.buyer,
                    "territory": m.territory,
                    "from_stage": m.from_stage,
                    "to_stage": m.to_stage,
                    "agent": m.agent,
                    "note": m.note,
                }
                for m in report.moves.rows
            ),
        ),
        Table(
            "new_offers",
            "New offers",
            ("date", "film", "buyer", "territory", "side", "amount", "currency", conv),
            tuple(
                {
                    "date": o.on,
                    "film": o.film,
                    "buyer": o.buyer,
                    "territory": o.territory,
                    "side": o.side,
                    "amount": o.amount,
                    "currency": o.currency,
                    conv: o.converted,
                }
                for o in report.new_offers.rows
            ),
        ),
        Table(
            "deals",
            "Deals closed",
            (
                "signed",
                "film",
                "buyer",
                "territories",
                "mg",
                "currency",
                conv,
                "term_start",
                "term_end",
                "agent",
            ),
            tuple(
                {
                    "signed": d.signed_on,
                    "film": d.film,
                    "buyer": d.buyer,
                    "territories": d.territories,
                    "mg": d.mg,
                    "currency": d.currency,
                    conv: d.converted,
                    "term_start": d.term_start,
                    "term_end": d.term_end,
                    "agent": d.agent,
                }
                for d in report.deals.rows
            ),
        ),
        Table(
            "lost",
            "Lost",
            ("when", "film", "buyer", "territory", "reason", "agent"),
            tuple(
                {
                    "when": x.at,
                    "film": x.film,
                    "buyer": x.buyer,
                    "territory": x.territory,
                    "reason": x.reason,
                    "agent": x.agent,
                }
                for x in report.lost.rows
            ),
        ),
        Table(
            "films",
            "Where each film stands",
            (
                "film",
                "countries_sold",
                "countries_under_offer",
                "countries_open",
                "live_deals",
                "open_opportunities",
                f"mg_closed_{cur.lower()}",
                f"offers_outstanding_{cur.lower()}",
                "missing_rates",
            ),
            tuple(
                {
                    "film": f.title,
                    "countries_sold": f.countries_sold,
                    "countries_under_offer": f.countries_under_offer,
                    "countries_open": f.countries_open,
                    "live_deals": f.deals_live,
                    "open_opportunities": f.opportunities_open,
                    f"mg_closed_{cur.lower()}": f.mg.converted,
                    f"offers_outstanding_{cur.lower()}": f.outstanding.converted,
                    "missing_rates": "; ".join(sorted({*f.mg.missing, *f.outstanding.missing})),
                }
                for f in report.films
            ),
        ),
        Table(
            "outstanding",
            "Offers outstanding",
            (
                "buyer",
                "film",
                "territory",
                "rights",
                "offer",
                "currency",
                conv,
                "ask",
                "take",
                "price_currency",
                "days_open",
                "under_take",
            ),
            tuple(
                {
                    "buyer": o.buyer,
                    "film": o.film,
                    "territory": o.territory,
                    "rights": o.rights,
                    "offer": o.offer,
                    "currency": o.currency,
                    conv: o.converted,
                    "ask": o.ask,
                    "take": o.take,
                    "price_currency": o.price_currency,
                    "days_open": o.days_open,
                    "under_take": o.under_take,
                }
                for o in report.outstanding.rows
            ),
        ),
        Table(
            "hot_buyers",
            "Hot buyers without an offer",
            ("buyer", "country", "film", "territory", "stage", "agent", "since"),
            tuple(
                {
                    "buyer": h.buyer,
                    "country": h.country,
                    "film": h.film,
                    "territory": h.territory,
                    "stage": h.stage,
                    "agent": h.agent,
                    "since": h.since,
                }
                for h in report.hot.rows
            ),
        ),
        Table(
            "overdue",
            "Overdue follow-ups by agent",
            ("agent", "overdue", "due", "days_late", "what", "company"),
            tuple(
                {
                    "agent": a.agent,
                    "overdue": a.count,
                    "due": f.due_on,
                    "days_late": f.days_late,
                    "what": f.title,
                    "company": f.company,
                }
                for a in report.overdue
                for f in a.items
            ),
        ),
        Table(
            "meetings",
            "Meetings held by market",
            ("market", "meetings", "buyers"),
            tuple(
                {"market": x.market, "meetings": x.meetings, "buyers": x.buyers}
                for x in report.meetings
            ),
        ),
        Table(
            "totals",
            f"Totals (in {cur} and per currency)",
            ("what", "amount", "currency", "converted", "count", "note"),
            tuple(
                _totals_row("mg_closed_to_date", report.mg_totals)
                + _totals_row("offers_outstanding", report.outstanding_totals)
                + _totals_row("deals_closed_in_period", report.deal_totals)
                + _totals_row("new_offers_in_period", report.new_offer_totals)
            ),
        ),
    ]
    return tables


def long_rows(tables: Sequence[Table]) -> tuple[list[str], list[dict[str, Any]]]:
    """All tables as one long table with a `section` column (for one CSV file)."""
    columns: list[str] = ["section"]
    rows: list[dict[str, Any]] = []
    for table in tables:
        for column in table.columns:
            if column not in columns:
                columns.append(column)
        rows += [{**row, "section": table.name} for row in table.rows]
    return columns, rows


def to_data(value: Any) -> Any:
    """Dataclasses as dicts, keeping what the templates compute (converted totals,
    how many rows were left out), for `--format json`."""
    if isinstance(value, Section):
        return {"total": value.total, "more": value.more, "rows": to_data(value.rows)}
    if isinstance(value, Totals):
        return {
            "currency": value.currency,
            "converted": value.converted,
            "complete": value.complete,
            "missing_rates": list(value.missing),
            "count": value.count,
            "by_currency": to_data(value.by_currency),
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for extra in ("overdue_total", "meetings_total", "title", "more", "label", "as_of"):
            if hasattr(type(value), extra) and isinstance(getattr(type(value), extra), property):
                out[extra] = to_data(getattr(value, extra))
        return out
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, Decimal):
        return value
    return value

"""`roundup-crm pipeline`: the board, one column per stage, with counts and value."""

from __future__ import annotations

import json

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, format_option, is_terminal, plain


@click.command()
@click.option("--film", help="Only this film.")
@click.option("--agent", help="Only this agent's opportunities.")
@click.option(
    "--cards",
    type=click.IntRange(0, 100),
    default=8,
    show_default=True,
    help="Cards shown per stage (most recently moved).",
)
@format_option
@pass_app
def pipeline(app: App, film: str | None, agent: str | None, cards: int, fmt: str) -> None:
    """Show the pipeline board: opportunities by stage, with counts and value.

    Value is the latest offer where there is one, else the ask, summed per currency.

    Example:

        roundup-crm pipeline --film the-roundup-punishment
    """
    from roundup_crm.services.pipeline import pipeline_board

    with app.db.begin(readonly=True) as session:
        board = pipeline_board(session, film=film, agent=agent, cards_per_stage=cards)
    if fmt == "json":
        data = {
            "film": board.film,
            "agent": board.agent,
            "stages": [
                {
                    "stage": c.stage,
                    "count": c.count,
                    "value": c.value,
                    "cards": [
                        {
                            "id": card.ref,
                            "film": card.film,
                            "company": card.company,
                            "interest": card.interest,
                            "amount": card.amount,
                            "currency": card.currency,
                        }
                        for card in c.cards
                    ],
                }
                for c in board.columns
            ],
        }
        click.echo(json.dumps(plain(data), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        emit(
            [
                {
                    "stage": c.stage,
                    "count": c.count,
                    "value": "; ".join(f"{v} {k}" for k, v in c.value.items()),
                }
                for c in board.columns
            ],
            fmt="csv",
        )
        return
    title = (
        "Pipeline"
        + (f": {board.film}" if board.film else "")
        + (f" ({board.agent})" if board.agent else "")
    )
    if is_terminal():
        _rich_board(board, title)
        return
    click.echo(title)
    for column in board.columns:
        value = ", ".join(f"{v:,} {k}" for k, v in column.value.items())
        click.echo(f"\n{column.stage.upper()}  {column.count}" + (f"  {value}" if value else ""))
        for card in column.cards:
            click.echo(f"  {_card_text(card)}")
        if column.count > len(column.cards):
            click.echo(f"  ... {column.count - len(column.cards)} more")


def _card_text(card: object) -> str:
    from roundup_crm.services.pipeline import Card

    assert isinstance(card, Card)
    amount = f" {card.amount:,} {card.currency}" if card.amount is not None else ""
    interest = f" [{card.interest}]" if card.interest else ""
    return f"{card.company} / {card.film}{interest}{amount} ({card.ref})"


def _rich_board(board: object, title: str) -> None:
    from rich.columns import Columns
    from rich.console import Console
    from rich.panel import Panel

    from roundup_crm.services.pipeline import Board

    assert isinstance(board, Board)
    panels = []
    for column in board.columns:
        value = "\n".join(f"{v:,} {k}" for k, v in column.value.items())
        body = "\n".join(_card_text(c) for c in column.cards) or "-"
        if column.count > len(column.cards):
            body += f"\n... {column.count - len(column.cards)} more"
        header = f"[bold]{column.stage}[/bold] ({column.count})" + (f"\n{value}" if value else "")
        panels.append(Panel(body, title=header, width=36))
    console = Console()
    console.print(f"[bold]{title}[/bold]")
    console.print(Columns(panels))

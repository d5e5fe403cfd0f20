"""`roundup-crm territory`: countries and the named groups deals are made for."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, emit_record, format_option


@click.group()
def territory() -> None:
    """List and show territories; define your own groups of countries.

    Example:

        roundup-crm territory show "German-speaking Europe"
    """


@territory.command("list")
@click.option("--groups", is_flag=True, help="Only the named groups, not every country.")
@format_option
@pass_app
def list_(app: App, groups: bool, fmt: str) -> None:
    """List countries and territory groups.

    Example:

        roundup-crm territory list --groups
    """
    from roundup_crm.services.territory_groups import list_territories

    with app.db.begin(readonly=True) as session:
        rows = list_territories(session, groups_only=groups)
    emit(rows, fmt=fmt, columns=["code", "name", "kind", "builtin", "members", "countries"])


@territory.command("show")
@click.argument("name")
@format_option
@pass_app
def show(app: App, name: str, fmt: str) -> None:
    """Show a territory: its members, exclusions and every country it covers.

    Example:

        roundup-crm territory show "CIS excl. Baltics"
    """
    from roundup_crm.services.territory_groups import show_territory

    with app.db.begin(readonly=True) as session:
        record = show_territory(session, name)
    if fmt != "table":
        emit_record(record, fmt=fmt)
        return
    record["countries"] = [f"{c['name']} ({c['code']})" for c in record["countries"]]
    emit_record(record, title=record["name"])


@territory.group()
def group() -> None:
    """Your own named groups of countries.

    Example:

        roundup-crm territory group add "DACH excl. Switzerland" --member DACH --exclude CH
    """


@group.command("add")
@click.argument("name")
@click.option("--member", multiple=True, help="A country or group it includes; repeatable.")
@click.option("--exclude", multiple=True, help="A country or group it carves out; repeatable.")
@click.option("--code", help="Short code (default: from the name).")
@pass_app
def group_add(
    app: App, name: str, member: tuple[str, ...], exclude: tuple[str, ...], code: str | None
) -> None:
    """Define a territory group from countries and groups, minus exclusions.

    Example:

        roundup-crm territory group add "Southeast Asia (our deal)" --member SG --member MY
            --member ID --member VN --member TH
    """
    from roundup_crm.services.territories import country_codes
    from roundup_crm.services.territory_groups import add_group

    with app.db.begin() as session:
        added = add_group(session, name=name, members=member, exclude=exclude, code=code)
        count = len(country_codes(session, [added]))
        click.echo(f"added territory group {added.name} ({added.code}): {count} countries")


@group.command("edit")
@click.argument("name")
@click.option("--member", multiple=True, help="Add a country or group; repeatable.")
@click.option("--exclude", multiple=True, help="Carve out a country or group; repeatable.")
@click.option("--remove", multiple=True, help="Take an entry out of the group; repeatable.")
@click.option("--name", "new_name", help="Rename the group.")
@pass_app
def group_edit(
    app: App,
    name: str,
    member: tuple[str, ...],
    exclude: tuple[str, ...],
    remove: tuple[str, ...],
    new_name: str | None,
) -> None:
    """Add members or exclusions to a group, or remove entries; cycles are refused.

    Example:

        roundup-crm territory group edit "Southeast Asia (our deal)" --member PH --remove TH
    """
    from roundup_crm.services.territories import country_codes
    from roundup_crm.services.territory_groups import edit_group

    with app.db.begin() as session:
        changed = edit_group(
            session, name, members=member, exclude=exclude, remove=remove, name=new_name
        )
        count = len(country_codes(session, [changed]))
        click.echo(f"updated territory group {changed.name} ({changed.code}): {count} countries")

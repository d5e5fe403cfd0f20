"""`roundup-crm company`: buyers and distributors."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, emit_record, format_option


@click.group()
def company() -> None:
    """Add, edit, list and show buyers and distributors.

    Example:

        roundup-crm company add "Nordlicht Filmverleih GmbH" --country DE
            --type theatrical-distributor --territory "German-speaking Europe"
    """


@company.command("add")
@click.argument("name")
@click.option("--country", help="Where the company is based (code or name).")
@click.option(
    "--type",
    "type_",
    help="theatrical-distributor (default), free-tv, pay-tv, svod, avod, tvod, "
    "home-entertainment, inflight, sales-agent, festival, press.",
)
@click.option("--website", help="Web site.")
@click.option(
    "--territory", multiple=True, help='A territory it buys for ("DE", "Benelux"); repeatable.'
)
@click.option("--genre", multiple=True, help="A genre it likes to buy; repeatable.")
@click.option("--tag", multiple=True, help="A tag of your own; repeatable.")
@click.option("--notes", help="Notes.")
@click.option("--allow-duplicate", is_flag=True, help="Add it even if it looks like one on file.")
@pass_app
def add(
    app: App,
    name: str,
    country: str | None,
    type_: str | None,
    website: str | None,
    territory: tuple[str, ...],
    genre: tuple[str, ...],
    tag: tuple[str, ...],
    notes: str | None,
    allow_duplicate: bool,
) -> None:
    """Add a buyer; refused if the same company (name and country) is already on file.

    Example:

        roundup-crm company add "Ciné-Lumière SAS" --country France --type theatrical
            --territory "France (incl. French-speaking Switzerland, Belgium, Luxembourg, Monaco)"
            --genre thriller --tag efm-2026
    """
    from roundup_crm.services.companies import add_company

    with app.db.begin() as session:
        added = add_company(
            session,
            name=name,
            country=country,
            type=type_,
            website=website,
            territories=territory,
            genres=genre,
            tags=tag,
            notes=notes,
            allow_duplicate=allow_duplicate,
        )
        click.echo(
            f"added company {added.name} ({added.country or 'no country'}) [{added.short_id}]"
        )


@company.command("edit")
@click.argument("company_name", metavar="COMPANY")
@click.option("--name", help="New name.")
@click.option("--country", help='Country ("" clears it).')
@click.option("--type", "type_", help="Company type.")
@click.option("--website", help='Web site ("" clears it).')
@click.option("--notes", help='Notes ("" clears them).')
@click.option("--territory", multiple=True, help="Replace the territories with these.")
@click.option("--add-territory", multiple=True, help="Add a territory.")
@click.option("--remove-territory", multiple=True, help="Remove a territory.")
@click.option("--genre", multiple=True, help="Replace the genre preferences with these.")
@click.option("--add-genre", multiple=True, help="Add a genre preference.")
@click.option("--remove-genre", multiple=True, help="Remove a genre preference.")
@click.option("--tag", multiple=True, help="Replace the tags with these.")
@click.option("--add-tag", multiple=True, help="Add a tag.")
@click.option("--remove-tag", multiple=True, help="Remove a tag.")
@click.option("--allow-duplicate", is_flag=True, help="Allow a name that matches another.")
@pass_app
def edit(
    app: App,
    company_name: str,
    name: str | None,
    country: str | None,
    type_: str | None,
    website: str | None,
    notes: str | None,
    territory: tuple[str, ...],
    add_territory: tuple[str, ...],
    remove_territory: tuple[str, ...],
    genre: tuple[str, ...],
    add_genre: tuple[str, ...],
    remove_genre: tuple[str, ...],
    tag: tuple[str, ...],
    add_tag: tuple[str, ...],
    remove_tag: tuple[str, ...],
    allow_duplicate: bool,
) -> None:
    """Change a company's details, territories, genres or tags.

    Example:

        roundup-crm company edit Nordlicht --add-territory Benelux --add-tag hot-buyer
    """
    from roundup_crm.services.companies import ListChange, edit_company

    def change(
        replace: tuple[str, ...], added: tuple[str, ...], removed: tuple[str, ...]
    ) -> ListChange:
        return ListChange(list(replace) if replace else None, list(added), list(removed))

    with app.db.begin() as session:
        changed = edit_company(
            session,
            company_name,
            name=name,
            country=country,
            type=type_,
            website=website,
            notes=notes,
            territories=change(territory, add_territory, remove_territory),
            genres=change(genre, add_genre, remove_genre),
            tags=change(tag, add_tag, remove_tag),
            allow_duplicate=allow_duplicate,
        )
        click.echo(f"updated company {changed.name} [{changed.short_id}]")


@company.command("list")
@click.option("--country", help="Based in this country.")
@click.option("--territory", help='Buys for this territory ("DE" also finds DACH buyers).')
@click.option("--type", "type_", help="Of this type.")
@click.option("--tag", help="With this tag.")
@click.option("--search", help="Words in the name or notes (accents ignored).")
@click.option("--after", metavar="NAME", help="Continue after this name (paging).")
@click.option("--limit", help="At most this many.")
@format_option
@pass_app
def list_(
    app: App,
    country: str | None,
    territory: str | None,
    type_: str | None,
    tag: str | None,
    search: str | None,
    after: str | None,
    limit: str | None,
    fmt: str,
) -> None:
    """List companies by name, filtered by country, territory, type, tag or words.

    Example:

        roundup-crm company list --territory Germany --type theatrical --format csv
    """
    from roundup_crm.services.companies import list_companies

    with app.db.begin(readonly=True) as session:
        rows = list_companies(
            session,
            country=country,
            territory=territory,
            type=type_,
            tag=tag,
            search=search,
            after=after,
            limit=limit,
        )
    emit(
        rows,
        fmt=fmt,
        columns=["id", "name", "country", "type", "territories", "contacts", "tags"],
        empty="No companies match.",
    )


@company.command("show")
@click.argument("company_name", metavar="COMPANY")
@format_option
@pass_app
def show(app: App, company_name: str, fmt: str) -> None:
    """Show a company: details, territories, contacts, meetings and pipeline counts.

    Example:

        roundup-crm company show Nordlicht
    """
    from roundup_crm.services.companies import show_company

    with app.db.begin(readonly=True) as session:
        record = show_company(session, company_name)
    if fmt != "table":
        emit_record(record, fmt=fmt)
        return
    contacts = record.pop("contacts")
    record["territories"] = [t["name"] for t in record["territories"]]
    emit_record(record, title=record["name"])
    if contacts:
        click.echo()
        emit(contacts, columns=["id", "name", "role", "email", "phone"], title="Contacts")


from roundup_crm.cli.merge import company_merge  # noqa: E402 - defined with the other merge command

company.add_command(company_merge)

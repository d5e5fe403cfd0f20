"""`roundup-crm contact`: the people at buyers."""

from __future__ import annotations

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.output import emit, emit_record, format_option


@click.group()
def contact() -> None:
    """Add, edit, list and show the people at buyers.

    Example:

        roundup-crm contact add "Anna Becker" --company Nordlicht --email anna@nordlicht.de
    """


@contact.command("add")
@click.argument("name")
@click.option("--company", help="Where they work (name or unique prefix).")
@click.option("--name-native", help="The name in its own script.")
@click.option("--role", help="Job title (Head of Acquisitions...).")
@click.option("--email", help="Email address.")
@click.option("--phone", help="Phone; national numbers are read in the company's country.")
@click.option("--language", help="Preferred language (code or name).")
@click.option("--timezone", help="IANA time zone (Europe/Berlin).")
@click.option("--notes", help="Notes.")
@click.option("--source", help="Where the details came from (business card, EFM badge...).")
@click.option(
    "--consent", help="given, refused, withdrawn, legitimate-interest or unknown (privacy)."
)
@click.option("--allow-duplicate", is_flag=True, help="Add even if the email is on file.")
@pass_app
def add(
    app: App,
    name: str,
    company: str | None,
    name_native: str | None,
    role: str | None,
    email: str | None,
    phone: str | None,
    language: str | None,
    timezone: str | None,
    notes: str | None,
    source: str | None,
    consent: str | None,
    allow_duplicate: bool,
) -> None:
    """Add a contact, usually at a company.

    Example:

        roundup-crm contact add "Anna Becker" --company Nordlicht --role "Head of Acquisitions"
            --email anna@nordlicht.de --phone "030 1234567" --language de
            --timezone Europe/Berlin --source "EFM 2026 stand" --consent given
    """
    from roundup_crm.services.contacts import add_contact

    with app.db.begin() as session:
        added = add_contact(
            session,
            name=name,
            company=company,
            name_native=name_native,
            role=role,
            email=email,
            phone=phone,
            language=language,
            timezone=timezone,
            notes=notes,
            source=source,
            consent_value=consent,
            allow_duplicate=allow_duplicate,
        )
        where = f" at {added.company.name}" if added.company else ""
        click.echo(f"added contact {added.name}{where} [{added.short_id}]")


@contact.command("edit")
@click.argument("person", metavar="CONTACT")
@click.option("--at", "within", metavar="COMPANY", help="Look the contact up at this company.")
@click.option("--name", help="New name.")
@click.option("--company", help='Move to this company ("" for none).')
@click.option("--name-native", help="The name in its own script.")
@click.option("--role", help="Job title.")
@click.option("--email", help="Email address.")
@click.option("--phone", help="Phone.")
@click.option("--language", help="Preferred language.")
@click.option("--timezone", help="IANA time zone.")
@click.option("--notes", help="Notes.")
@click.option("--source", help="Where the details came from.")
@click.option("--consent", help="given, refused, withdrawn, legitimate-interest or unknown.")
@click.option("--allow-duplicate", is_flag=True, help="Allow an email already on file.")
@pass_app
def edit(
    app: App,
    person: str,
    within: str | None,
    allow_duplicate: bool,
    **changes: str | None,
) -> None:
    """Change a contact's details ("" clears a field).

    Example:

        roundup-crm contact edit anna@nordlicht.de --role "Managing Director" --consent given
    """
    from roundup_crm.services.contacts import edit_contact

    with app.db.begin() as session:
        changed = edit_contact(
            session, person, changes=changes, within=within, allow_duplicate=allow_duplicate
        )
        click.echo(f"updated contact {changed.name} [{changed.short_id}]")


@contact.command("list")
@click.option("--company", help="Only people at this company.")
@click.option("--country", help="Only people at companies in this country.")
@click.option("--language", help="Only people preferring this language.")
@click.option("--search", help="Words in the name, email or role (accents ignored).")
@format_option
@pass_app
def list_(
    app: App,
    company: str | None,
    country: str | None,
    language: str | None,
    search: str | None,
    fmt: str,
) -> None:
    """List contacts by name.

    Example:

        roundup-crm contact list --company Nordlicht --format json
    """
    from roundup_crm.services.contacts import list_contacts

    with app.db.begin(readonly=True) as session:
        rows = list_contacts(
            session, company=company, country=country, language=language, search=search
        )
    emit(
        rows,
        fmt=fmt,
        columns=["id", "name", "company", "role", "email", "phone", "language", "timezone"],
        empty="No contacts match.",
    )


@contact.command("show")
@click.argument("person", metavar="CONTACT")
@click.option("--at", "within", metavar="COMPANY", help="Look the contact up at this company.")
@format_option
@pass_app
def show(app: App, person: str, within: str | None, fmt: str) -> None:
    """Show a contact: details, privacy consent, meetings.

    Example:

        roundup-crm contact show "Anna Becker"
    """
    from roundup_crm.services.contacts import show_contact

    with app.db.begin(readonly=True) as session:
        record = show_contact(session, person, within=within)
    emit_record(record, fmt=fmt, title=record["name"] if fmt == "table" else None)


from roundup_crm.cli.merge import contact_merge  # noqa: E402 - defined with the other merge command

contact.add_command(contact_merge)

"""`roundup-crm contact`: the people at buyers."""

from __future__ import annotations

from pathlib import Path

import click

from roundup_crm.cli.app import App, pass_app
from roundup_crm.cli.options import expect_version_option
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
@expect_version_option
@pass_app
def edit(
    app: App,
    person: str,
    within: str | None,
    allow_duplicate: bool,
    expect_version: int | None,
    **changes: str | None,
) -> None:
    """Change a contact's details ("" clears a field).

    Example:

        roundup-crm contact edit anna@nordlicht.de --role "Managing Director" --consent given
    """
    from roundup_crm.services.contacts import edit_contact

    with app.db.begin() as session:
        changed = edit_contact(
            session,
            person,
            changes=changes,
            within=within,
            allow_duplicate=allow_duplicate,
            expect_version=expect_version,
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




@contact.command("export")
@click.argument("person", metavar="CONTACT")
@click.option("--at", "within", metavar="COMPANY", help="Look the contact up at this company.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the JSON to this file (default: print it).",
)
@pass_app
def export_person(app: App, person: str, within: str | None, output: Path | None) -> None:
    """Write everything held about a person as JSON (a subject access request).

    The contact, the meetings they attended, follow-ups and offers linked to them, screening
    invitations, notes that mention their name or email, and audit entries about them.

    Example:

        roundup-crm contact export anna@nordlicht.de -o anna-becker.json
    """
    import json

    from roundup_crm.cli.output import plain
    from roundup_crm.services.privacy import personal_data

    with app.db.begin(readonly=True) as session:
        data = personal_data(session, person, within=within)
    text = json.dumps(plain(data), ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
        return
    output.write_text(text + "\n", encoding="utf-8")
    click.echo(f"wrote everything held about {data['contact']['name']} to {output}", err=True)


@contact.command("erase")
@click.argument("person", metavar="CONTACT")
@click.option("--at", "within", metavar="COMPANY", help="Look the contact up at this company.")
@click.option(
    "--letters",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="A folder of follow-up letters and reports to search for files naming them.",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def erase(app: App, person: str, within: str | None, letters: Path | None, yes: bool) -> None:
    """Erase a person's data everywhere, keeping the anonymous business facts.

    Their contact details are blanked, they are taken off meeting lists, their name and
    email are replaced by "[erased]" in notes and in the audit trail. Meetings, offers and
    deals with their company stay. Files under --letters that name them are listed for
    you to delete.

    Example:

        roundup-crm contact erase anna@nordlicht.de --letters ~/roundup/letters --yes
    """
    from roundup_crm.services.privacy import erase_contact

    if not yes:
        click.confirm(f"Erase everything held about {person}? This cannot be undone", abort=True)
    with app.db.begin() as session:
        done = erase_contact(session, person, within=within, letters=letters)
    click.echo(
        f"erased contact {done.short_id}: taken off {done.meetings_unlinked} meeting(s), "
        f"{done.links_cleared} link(s) cleared, {done.notes_redacted} note(s) and "
        f"{done.audit_scrubbed} audit entr(y/ies) redacted"
    )
    for path in done.letters:
        click.echo(f"  delete: {path}")
    for path in done.unreadable:
        click.echo(f"  check by hand (could not be searched): {path}")


from roundup_crm.cli.merge import contact_merge  # noqa: E402 - defined with the other merge command

contact.add_command(contact_merge)

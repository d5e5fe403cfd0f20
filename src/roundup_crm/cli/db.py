"""`roundup-crm db`: create, migrate, check and back up the database."""

from __future__ import annotations

from pathlib import Path

import click

from roundup_crm.cli.app import App, pass_app


@click.group()
def db() -> None:
    """Create, migrate, check and back up the database.

    Example:

        roundup-crm --db postgresql://crm@db.example/roundup db upgrade
    """


@db.command()
@click.option("--revision", default="head", show_default=True, help="Alembic revision to reach.")
@pass_app
def upgrade(app: App, revision: str) -> None:
    """Create the database or migrate it to the newest schema.

    Example:

        roundup-crm db upgrade
    """
    from roundup_crm import migrate

    migrate.upgrade(app.db, revision)
    click.echo(f"{app.db.display_url} is at revision {migrate.current(app.db)}")


@db.command()
@pass_app
def current(app: App) -> None:
    """Show the schema revision of the database and the one this version expects.

    Example:

        roundup-crm db current
    """
    from roundup_crm import migrate

    click.echo(f"database  {app.db.display_url}")
    click.echo(f"current   {migrate.current(app.db) or 'none (empty database)'}")
    click.echo(f"head      {migrate.head()}")


@db.command()
@pass_app
def check(app: App) -> None:
    """Check that the schema is current, matches the models, and the data is intact.

    Example:

        roundup-crm db check
    """
    from roundup_crm import migrate
    from roundup_crm.errors import CRMError
    from roundup_crm.services.database import integrity_problems

    app.db.ensure_ready()
    migrate.check(app.db)
    problems = integrity_problems(app.db)
    if problems:
        for line in problems:
            click.echo(line, err=True)
        raise CRMError(f"{len(problems)} integrity problem(s) in {app.db.display_url}")
    click.echo(f"{app.db.display_url}: schema at head, models match, integrity ok")


@db.command()
@click.argument("path", type=click.Path(path_type=Path))
@pass_app
def backup(app: App, path: Path) -> None:
    """Copy the SQLite database to PATH while others may keep working.

    Example:

        roundup-crm db backup ~/backups/roundup-2026-02-20.db
    """
    from roundup_crm.services.database import backup as backup_database

    app.db.ensure_ready()
    written = backup_database(app.db, path)
    click.echo(f"backed up to {written}")


@db.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def restore(app: App, path: Path, yes: bool) -> None:
    """Replace the SQLite database with a backup made by `db backup`.

    The backup is checked first (integrity, schema revision); then the whole database is
    replaced at once. Upgrade it afterwards if it comes from an older version.

    Example:

        roundup-crm db restore ~/backups/roundup-2026-02-20.db --yes
    """
    from roundup_crm.services.database import restore as restore_database

    if not yes:
        click.confirm(f"Replace everything in {app.db.display_url} with {path}?", abort=True)
    restore_database(app.db, path)
    click.echo(f"restored {app.db.display_url} from {path}")

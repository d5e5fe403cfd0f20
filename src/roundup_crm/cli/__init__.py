"""The `roundup-crm` command line: parse, call one service, print. No SQL here."""

from __future__ import annotations

import importlib
import random
import sys
import time
from typing import Any

import click

from roundup_crm import __version__
from roundup_crm.cli.app import App
from roundup_crm.cli.registry import ALIASES, COMMANDS
from roundup_crm.config import ENV_AGENT, ENV_DATABASE_URL, Settings
from roundup_crm.errors import CRMError

# How often a command is run again when other agents' work got in its way (a lock held
# too long, a deadlock, a record saved under it) before the user sees the message.
ATTEMPTS = 8


class Failure(click.ClickException):
    """A domain error on its way out: one line on stderr, the error's own exit code."""

    def __init__(self, error: CRMError) -> None:
        super().__init__(error.message)
        self.exit_code = error.exit_code  # type: ignore[misc]
        self.retriable = error.retriable


def translate_errors(func: Any) -> Any:
    """Run `func`, turning domain and database failures into one clear line."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CRMError as exc:
            raise Failure(exc) from None
        except Exception as exc:
            translated = _translate_database_error(exc)
            if translated is None:
                raise
            raise Failure(translated) from None

    return wrapper


def _translate_database_error(exc: Exception) -> CRMError | None:
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    from roundup_crm.errors import Conflict, DatabaseUnavailable

    if isinstance(exc, StaleDataError):
        # Database.begin names the record and the changes; this is the fallback for work
        # done outside it.
        return Conflict(
            f"someone else saved this record after you read it ({exc}); nothing was "
            "written: show it again and redo your change"
        )
    if isinstance(exc, OperationalError):
        detail = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "error"
        return DatabaseUnavailable(f"cannot use the database: {detail}")
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return DatabaseUnavailable(f"lost the database connection: {exc.orig}")
    return None


class RoundupGroup(click.Group):
    """Top-level group: commands load on first use, errors are translated in one place."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        name = ALIASES.get(name, name)
        entry = COMMANDS.get(name)
        if entry is None:
            return None
        command = getattr(importlib.import_module(entry.module), entry.attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, entry.short_help) for name, entry in sorted(COMMANDS.items())]
        rows += [(alias, f"Alias of `{target}`.") for alias, target in sorted(ALIASES.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; run it again if it lost a race with another agent.

        Only while it has committed nothing: one command is one transaction, so a command
        whose transaction was rolled back left no trace and doing it again is safe.
        """
        pending = (list(ctx._protected_args), list(ctx.args))
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return translate_errors(super().invoke)(ctx)
            except Failure as failure:
                app = ctx.obj if isinstance(ctx.obj, App) else None
                committed = app is not None and app.has_committed
                if not failure.retriable or committed or attempt == ATTEMPTS:
                    raise
            # Back off a little, at random, so the agents who collided do not collide again.
            time.sleep(random.uniform(0.005, 0.05) * attempt)
            ctx._protected_args, ctx.args = list(pending[0]), list(pending[1])
        raise AssertionError("unreachable")


@click.group(cls=RoundupGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "database_url",
    envvar=ENV_DATABASE_URL,
    metavar="URL",
    help=f"Database URL (default: SQLite in your data folder; env {ENV_DATABASE_URL}).",
)
@click.option(
    "--agent",
    envvar=ENV_AGENT,
    metavar="NAME",
    help=f"Who is working, for the audit trail (default: your login; env {ENV_AGENT}).",
)
@click.version_option(__version__, prog_name="roundup-crm")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, agent: str | None) -> None:
    """A CRM for international film sales: market meetings, press kits, pipeline reports.

    Example:

        roundup-crm demo && roundup-crm pipeline
    """
    ctx.obj = App(ctx, Settings.resolve(database_url, agent))


def run() -> None:
    """The console script: `roundup-crm ...` and `python -m roundup_crm ...`.

    A command imports SQLAlchemy, the models and its services, hundreds of thousands of
    objects that all live until it exits; the collector's default of a pass every 700
    allocations re-examines them over and over for nothing. A higher first threshold keeps
    the passes (so cycles are still freed in long imports and exports) but makes them rare.
    """
    import gc

    gc.set_threshold(50_000, 20, 20)
    main()

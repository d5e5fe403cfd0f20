"""The state one invocation shares between commands: settings, and the database, opened lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from roundup_crm.config import Settings

if TYPE_CHECKING:
    from roundup_crm.db import Database


class App:
    """Held on `ctx.obj`. Nothing here touches the database until a command asks for it."""

    def __init__(self, ctx: click.Context, settings: Settings) -> None:
        self._ctx = ctx
        self.settings = settings
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            from roundup_crm.db import Database

            self._db = Database(self.settings.database_url, agent=self.settings.agent)
            self._ctx.call_on_close(self._db.dispose)
        return self._db

    @property
    def has_committed(self) -> bool:
        """Whether this invocation has written anything yet."""
        return self._db is not None and self._db.commits > 0


pass_app = click.make_pass_decorator(App)

"""Options several commands share, defined once so they read the same everywhere."""

from __future__ import annotations

import click

expect_version_option = click.option(
    "--expect-version",
    type=click.IntRange(min=1),
    metavar="N",
    help="Refuse the change unless the record is still at version N (as `show` gave it): "
    "another agent's edit is never silently overwritten.",
)

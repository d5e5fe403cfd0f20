"""Where things live: the database URL, the acting agent, data and template folders."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

APP_NAME = "roundup-crm"
ENV_DATABASE_URL = "ROUNDUP_DATABASE_URL"
ENV_AGENT = "ROUNDUP_AGENT"
ENV_DATA_DIR = "ROUNDUP_DATA_DIR"
ENV_TEMPLATES = "ROUNDUP_TEMPLATES"
ENV_CONFIG = "ROUNDUP_CONFIG"

PACKAGE_DIR = Path(__file__).resolve().parent


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity, where the system tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def data_dir() -> Path:
    """The user's data folder (overridable with ROUNDUP_DATA_DIR)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    """The user's settings file: `config.toml` in the data folder (or ROUNDUP_CONFIG)."""
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override).expanduser()
    return data_dir() / "config.toml"


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'roundup.db'}"


def default_agent() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a bare container
        return "agent"


def _shipped(name: str) -> Path:
    """A folder shipped in the wheel, or at the checkout root in a development install."""
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent.parent / name


def migrations_dir() -> Path:
    return _shipped("migrations")


def templates_dir() -> Path:
    return _shipped("templates")


class Settings(NamedTuple):
    """What one invocation runs against."""

    database_url: str
    agent: str

    @classmethod
    def resolve(cls, database_url: str | None = None, agent: str | None = None) -> Settings:
        return cls(
            database_url=database_url or os.environ.get(ENV_DATABASE_URL) or default_database_url(),
            agent=agent or os.environ.get(ENV_AGENT) or default_agent(),
        )

    @property
    def assets_dir(self) -> Path:
        """Managed copies of posters and stills, beside the default database."""
        return data_dir() / "assets"

"""Alembic environment: metadata from the models, the URL from roundup-crm's config."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from roundup_crm.config import Settings
from roundup_crm.db import make_engine
from roundup_crm.models import metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name)


def _configure(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        user_module_prefix="roundup_crm.models.base.",
    )


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or Settings.resolve().database_url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(
        config.get_main_option("sqlalchemy.url") or Settings.resolve().database_url
    )
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()

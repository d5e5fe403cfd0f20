"""The command line's contract: help everywhere, lazy imports, clear errors, first use."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from roundup_crm.cli import main
from roundup_crm.cli.registry import COMMANDS
from tests.conftest import Cli

README = Path(__file__).resolve().parents[1] / "README.md"


def _walk(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    found = [(" ".join(path), command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            found += _walk(sub, (*path, name))
    return found


def all_commands() -> list[tuple[str, click.Command]]:
    return [(name, cmd) for name, cmd in _walk(main) if name]


@pytest.mark.parametrize(("name", "command"), all_commands(), ids=lambda v: str(v))
def test_every_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    assert command.help, f"`{name}` has no help text"
    assert "Example:" in command.help, f"`{name}` help has no Example:"
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output


def test_registry_short_help_matches_each_command() -> None:
    for name, entry in COMMANDS.items():
        command = getattr(importlib.import_module(entry.module), entry.attribute)
        first_line = (command.help or "").strip().splitlines()[0]
        assert first_line == entry.short_help, name


def test_readme_lists_every_command() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = [
        name
        for name, command in all_commands()
        if not isinstance(command, click.Group) and f"roundup-crm {name}" not in readme
    ]
    assert not missing, f"README command reference lacks: {missing}"


def test_help_imports_neither_sqlalchemy_nor_alembic_nor_weasyprint() -> None:
    code = (
        "import sys; from roundup_crm.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('alembic', 'weasyprint', 'sqlalchemy', 'rich') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert re.search(r"\d+\.\d+\.\d+", result.output)


def test_first_use_creates_and_migrates_the_default_database(
    _isolated_data_dir: Path,
) -> None:
    result = CliRunner().invoke(main, ["db", "check"])
    assert result.exit_code == 0, result.output
    assert (_isolated_data_dir / "roundup.db").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "invalid database URL"),
        ("mysql://x@localhost/db", "only sqlite:/// and postgresql://"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot"),
    ],
)
def test_bad_database_urls_give_one_clear_line(url: str, message: str) -> None:
    result = CliRunner().invoke(main, ["--db", url, "db", "check"])
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_outdated_schema_is_reported(sqlite_cli: Cli) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(sqlite_cli.url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
    engine.dispose()
    result = sqlite_cli("doctor", expect=1)
    assert "db upgrade" in result.stdout


def test_db_check_and_backup(sqlite_cli: Cli, tmp_path: Path) -> None:
    assert "integrity ok" in sqlite_cli("db", "check").stdout
    target = tmp_path / "copy.db"
    sqlite_cli("db", "backup", str(target))
    assert target.stat().st_size > 0
    assert "already exists" in sqlite_cli("db", "backup", str(target), expect=2).stderr
    copy = Cli(f"sqlite:///{target}")
    assert "integrity ok" in copy("db", "check").stdout


def test_doctor_reports_each_check(cli: Cli) -> None:
    out = cli("doctor", "--format", "json").stdout
    assert '"pango"' in out and '"hangul font"' in out and '"database"' in out


def test_restore_brings_back_the_backup_and_refuses_junk(sqlite_cli: Cli, tmp_path: Path) -> None:
    sqlite_cli("demo")
    backup = tmp_path / "before.db"
    sqlite_cli("db", "backup", str(backup))
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlite_cli.url)
    with engine.begin() as conn:
        before = conn.execute(text("SELECT count(*) FROM followups")).scalar()
        conn.execute(text("DELETE FROM followups"))
    engine.dispose()
    assert before
    sqlite_cli("db", "restore", str(backup), "--yes")
    engine = create_engine(sqlite_cli.url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM followups")).scalar() == before
    engine.dispose()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = sqlite_cli("db", "restore", str(junk), "--yes", expect=2)
    assert "not a roundup-crm database" in result.stderr
    assert "integrity ok" in sqlite_cli("db", "check").stdout

"""The wheel carries what an installed copy needs: migrations, templates, reference data."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("roundup_crm-*.whl"))


def test_wheel_contains_migrations_templates_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "roundup_crm/migrations/env.py",
        "roundup_crm/migrations/script.py.mako",
        "roundup_crm/migrations/versions/0001_initial_schema.py",
        "roundup_crm/templates/shared/base.css",
        "roundup_crm/templates/i18n/ko.toml",
        "roundup_crm/data/territory_groups.toml",
        "roundup_crm/data/demo_films.toml",
        "roundup_crm/py.typed",
    ):
        assert required in names, required


def test_installed_copy_migrates_and_loads_the_demo_from_elsewhere(
    wheel: Path, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "ROUNDUP_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "roundup_crm", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    where = subprocess.run(
        [sys.executable, "-c", "import roundup_crm.config as c; print(c.migrations_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(target))
    assert "is at revision" in run("db", "upgrade")
    assert "Demo loaded" in run("demo")
    assert "integrity ok" in run("db", "check")

"""What `roundup-crm doctor` checks: the system pieces documents and storage depend on."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from roundup_crm.config import Settings, data_dir, templates_dir

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str


def hangul_fonts() -> list[str]:
    """Families fontconfig knows that cover Korean (what WeasyPrint's Pango will use)."""
    if shutil.which("fc-list") is None:
        return []
    result = subprocess.run(
        ["fc-list", ":lang=ko", "family"], capture_output=True, text=True, check=False
    )
    families = {line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()}
    return sorted(families)


def check_pango() -> Check:
    try:
        from weasyprint.text.ffi import pango
    except (OSError, ImportError) as exc:
        return Check("pango", FAIL, f"WeasyPrint cannot load Pango: {exc}")
    version = pango.pango_version()
    return Check("pango", OK, f"Pango {version // 10000}.{version // 100 % 100}.{version % 100}")


def check_hangul_font() -> Check:
    families = hangul_fonts()
    if not families:
        return Check(
            "hangul font",
            WARN,
            "no font with Hangul found: Korean text will print as empty boxes; "
            "install fonts-noto-cjk or fonts-nanum (scripts/setup.sh does)",
        )
    return Check("hangul font", OK, ", ".join(families[:4]))


def check_database(settings: Settings) -> Check:
    from roundup_crm.db import SCHEMA_HEAD, Database, has_tables, schema_revision
    from roundup_crm.errors import CRMError

    try:
        db = Database(settings.database_url, agent=settings.agent)
        try:
            revision = schema_revision(db.engine)
            empty = revision is None and not has_tables(db.engine)
        finally:
            db.dispose()
    except CRMError as exc:
        return Check("database", FAIL, exc.message)
    except Exception as exc:  # the driver's own error, whatever it is: report, don't crash
        return Check(
            "database", FAIL, f"cannot open {settings.database_url}: {exc}".splitlines()[0]
        )
    if empty:
        return Check("database", OK, f"{db.display_url}: empty, will be created on first use")
    if revision != SCHEMA_HEAD:
        return Check(
            "database",
            FAIL,
            f"{db.display_url}: schema {revision}, needs {SCHEMA_HEAD}: "
            "run `roundup-crm db upgrade`",
        )
    return Check("database", OK, f"{db.display_url}: schema {revision}")


def check_folders() -> list[Check]:
    checks = []
    templates = templates_dir()
    checks.append(
        Check("templates", OK, str(templates))
        if templates.is_dir()
        else Check("templates", FAIL, f"missing: {templates}")
    )
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("ok")
        probe.unlink()
        checks.append(Check("data folder", OK, str(folder)))
    except OSError as exc:
        checks.append(Check("data folder", FAIL, f"{folder}: {exc}"))
    return checks


def run_checks(settings: Settings) -> list[Check]:
    return [check_pango(), check_hangul_font(), check_database(settings), *check_folders()]

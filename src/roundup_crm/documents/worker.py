"""PDFs laid out in a second process while the first one reads the database.

Importing WeasyPrint (Pango through cffi, fontTools, html5lib) takes about as long as
importing SQLAlchemy and the models and running a press kit's queries. A command that
writes PDFs therefore starts a worker process first: the worker imports WeasyPrint
and loads the fonts while the command reads the database and fills the templates, then
lays out each HTML document the command sends it. With two cores or more the two
start-ups overlap, so a one-off press kit costs little more than WeasyPrint alone.

The worker is a fork of the command taken before anything opened a database connection,
started a thread or imported SQLAlchemy; where forking is not available or not useful
(another thread running, a single core, `ROUNDUP_RENDER_WORKER=0`), the command lays
its PDFs out itself, with the same result.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from roundup_crm.errors import CRMError
from roundup_crm.forked import Helper, Pipe, answer, can_fork

if TYPE_CHECKING:
    from roundup_crm.documents.render import Rendered


class PdfWorker:
    """A forked process holding one Renderer; HTML goes in, PDF bytes come back."""

    def __init__(
        self, user_templates: Path | None, extra_roots: list[Path], warm_up: str | None = None
    ) -> None:
        self._helper = Helper(
            _serve, (user_templates, extra_roots, warm_up), name="PDF renderer"
        )
        self._used = False

    def pdf(self, html: str) -> Rendered:
        self._used = True
        self._helper.send(html)
        rendered: Rendered = self._helper.receive()
        return rendered

    def close(self, *, abort: bool = False) -> None:
        """Stop the worker: told to finish when it served, stopped at once when the
        command ended (in error, interrupted, or with nothing to lay out)."""
        finish = self._used and not abort and self._helper.alive
        if finish:
            with contextlib.suppress(CRMError):
                self._helper.send(None)
        self._helper.close(wait=finish)


def _serve(
    pipe: Pipe, user_templates: Path | None, extra_roots: list[Path], warm_up: str | None
) -> None:
    """The worker's life: import WeasyPrint, load fonts, lay out the warm-up document if
    there is time, then answer until told to stop."""
    from roundup_crm.documents.render import Renderer

    renderer = Renderer(user_templates=user_templates, extra_roots=extra_roots)
    with contextlib.suppress(Exception):  # a failure here is reported with the first PDF
        renderer.fonts  # noqa: B018 - imports WeasyPrint and loads fontconfig now
    if warm_up is not None and not pipe.poll():
        # The first document WeasyPrint lays out in a process pays for loading font faces,
        # hyphenation patterns and parts of itself: ~0.5 s that a report's reading hides.
        with contextlib.suppress(Exception):
            renderer.pdf(renderer.html(warm_up, {}))
    while True:
        try:
            html = pipe.recv()
        except EOFError:
            break
        if html is None:
            break
        answer(pipe, lambda: renderer.pdf(html))  # noqa: B023 - called at once


@contextmanager
def pdf_worker(
    wanted: bool,
    user_templates: Path | None = None,
    extra_roots: list[Path] | None = None,
    *,
    warm_up: str | None = None,
) -> Iterator[PdfWorker | None]:
    """A worker laying this command's PDFs out (stopped at the end), or None when this
    process should lay them out itself.

    Enter it first thing, before the database is read, so the worker's imports overlap.
    `warm_up` names a template the worker lays out while it waits: worth it only where
    reading the data takes longer than that (reports), not for a press kit.
    """
    worker = (
        PdfWorker(user_templates, list(extra_roots or []), warm_up)
        if wanted and _worth_forking()
        else None
    )
    try:
        yield worker
    except BaseException:
        if worker is not None:
            worker.close(abort=True)
        raise
    if worker is not None:
        worker.close()


def _worth_forking() -> bool:
    if "sqlalchemy" in sys.modules or "weasyprint" in sys.modules:
        return False  # too late to gain anything, and a connection may be open
    return can_fork("ROUNDUP_RENDER_WORKER")

"""Helper processes: a command hands CPU-bound work to a fork of itself on a second core.

PDF output uses one (the helper imports WeasyPrint and lays documents out while the
command reads the database, documents/worker.py), and so do the big files: a buyer
import's helper reads and validates the file while the command matches and inserts rows
(io/buyers.py); `import all` into SQLite has the file read and converted, and `export`
from SQLite has the JSON written, by a helper while the command inserts or reads
(io/backup.py).

A fork is taken only where it is safe and can pay: on Linux, with no other thread
running, before the command opened a database connection (the helper never touches the
parent's connections, and leaves with `os._exit`, so it closes none of them either),
with two usable cores, and unless the user switched helpers off with the command's
environment variable set to 0. Otherwise the command does the work itself, with the
same result.

Messages travel over a pipe as ("ok", value), ("refused", CRMError) or ("failed",
traceback text); `Helper.receive` turns the last two back into exceptions, so an error
raised in the helper reaches the user exactly as if the command had raised it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from roundup_crm.config import usable_cores
from roundup_crm.errors import CRMError


def can_fork(switch: str) -> bool:
    """Whether a helper may be forked now; `switch` names the environment variable that
    turns this kind of helper off (=0) or on (=1) for the tests of the helper path."""
    if os.environ.get(switch, "") == "0":
        return False
    if sys.platform != "linux" or threading.active_count() > 1:
        return False
    return usable_cores() > 1


# The helpers reading and writing files (buyer imports, import all, export):
# ROUNDUP_FILE_WORKER=0 never, =1 always (where one may be forked at all), else for
# files from FILE_FROM_BYTES on; smaller ones take less than starting a process.
FILE_SWITCH = "ROUNDUP_FILE_WORKER"
FILE_FROM_BYTES = 2 << 20


def helper_wanted(path: Path, database_url: str) -> bool:
    """Whether reading `path` is worth a file helper: the file is big (or the switch is
    1), a fork is possible, and the helper can open the same database (not in memory)."""
    from roundup_crm.db import in_memory, parse_url

    if in_memory(parse_url(database_url)) or not can_fork(FILE_SWITCH):
        return False
    if os.environ.get(FILE_SWITCH) == "1":
        return True
    try:
        return path.stat().st_size >= FILE_FROM_BYTES
    except OSError:
        return False  # reported as the file is opened


class Helper:
    """A forked process running `target(pipe, *args)`."""

    def __init__(self, target: Callable[..., None], args: tuple[Any, ...], *, name: str) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        from_child, to_parent = context.Pipe(duplex=False)
        from_parent, to_child = context.Pipe(duplex=False)
        _widen(to_parent)
        _widen(to_child)
        self._pipe = Pipe(from_child, to_child)
        child_end = Pipe(from_parent, to_parent)
        self.name = name
        self._process = context.Process(
            target=_run, args=(target, child_end, self._pipe, args), name=name, daemon=True
        )
        self._process.start()
        child_end.close()
        self.finished = False

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    def send(self, message: Any) -> None:
        try:
            self._pipe.send(message)
        except OSError:
            # The helper ended: with an error it sent first, if it could.
            with contextlib.suppress(EOFError, OSError):
                if self._pipe.poll():
                    self.receive()
            raise self._stopped() from None

    def receive(self) -> Any:
        """The helper's next answer, or its error raised here."""
        try:
            status, payload = self._pipe.recv()
        except (EOFError, OSError):
            raise self._stopped() from None
        if status == "ok":
            return payload
        if status == "refused":
            assert isinstance(payload, CRMError)
            raise payload
        raise RuntimeError(f"the {self.name} failed:\n{payload}")

    def stream(self) -> Iterator[Any]:
        """Tell a helper that waits for it to go on, then yield what it sends until it
        sends None (after which `finished` is true)."""
        self.send("go")
        while True:
            item = self.receive()
            if item is None:
                self.finished = True
                return
            yield item

    def _stopped(self) -> CRMError:
        self._process.join(timeout=1)
        return CRMError(f"the {self.name} stopped unexpectedly (exit {self._process.exitcode})")

    def close(self, *, wait: bool) -> None:
        """Stop the helper: `wait` lets it finish on its own (it was told to, or has
        sent its last answer); otherwise it is stopped at once (an error, Ctrl-C)."""
        if self._process.is_alive():
            if wait:
                self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._pipe.close()


class Pipe:
    """Both directions between the command and its helper, each on its own OS pipe (a
    one-way pipe's buffer can be widened; a socket pair's is capped much lower)."""

    def __init__(self, incoming: Connection, outgoing: Connection) -> None:
        self._in = incoming
        self._out = outgoing

    def send(self, message: Any) -> None:
        self._out.send(message)

    def recv(self) -> Any:
        return self._in.recv()

    def poll(self) -> bool:
        return self._in.poll()

    def close(self) -> None:
        self._in.close()
        self._out.close()


# Room for what one side sends while the other is busy (a batch of inserts, a batch of
# JSON to write): the sender keeps working instead of waiting for the reader. 1 MiB is
# what Linux lets any process ask for (fs.pipe-max-size).
_PIPE_BYTES = 1 << 20


def _widen(end: Connection) -> None:
    import fcntl

    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(end.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def answer(pipe: Pipe, work: Callable[[], Any]) -> None:
    """Send what `work` returns, or the error it raised, as the parent's `receive` reads it."""
    try:
        message: tuple[str, Any] = ("ok", work())
    except Exception as exc:
        message = _error(exc)
    pipe.send(message)


def _error(exc: Exception) -> tuple[str, Any]:
    if isinstance(exc, CRMError):
        return ("refused", exc)
    return ("failed", traceback.format_exc())


def _run(target: Callable[..., None], pipe: Pipe, parent_end: Pipe, args: tuple[Any, ...]) -> None:
    import signal

    # The fork holds copies of the command's ends of both pipes: closed, so that if the
    # command dies (killed, say) the helper's next read ends and its next write fails,
    # instead of waiting forever on a pipe it keeps open itself.
    parent_end.close()

    # The command in front reports an interrupt; the helper just goes away with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        target(pipe, *args)
    except Exception as exc:
        with contextlib.suppress(OSError):
            pipe.send(_error(exc))
    with contextlib.suppress(OSError):
        pipe.close()
    os._exit(0)  # no atexit handlers or buffered output inherited from the command

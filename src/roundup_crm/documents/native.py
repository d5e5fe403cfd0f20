"""Importing WeasyPrint without a quarter of its start-up spent looking for libraries.

WeasyPrint opens Pango, HarfBuzz, fontconfig and GObject by trying several names for
each (Windows, macOS and Linux spellings, and HarfBuzz's optional vector library), and
cffi resolves every name with `ctypes.util.find_library`, which on Linux runs
`ldconfig -p` and, for each name it does not find, a compiler and a linker: about 20
subprocesses and 0.25 s per import. Here the import runs with `find_library` answered
from one `ldconfig -p` listing, read with the same pattern the standard library uses; a
name the listing lacks is reported missing at once instead of being searched for with
the compiler (WeasyPrint then tries the library's file name, which the dynamic loader
finds wherever `LD_LIBRARY_PATH` says). Elsewhere, or without `ldconfig`, the import is
left as it is.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# The C library ABI ldconfig prints for this machine (as CPython's ctypes.util has it).
_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def import_weasyprint() -> None:
    """Import WeasyPrint (and its native libraries) once, the quick way where possible."""
    if "weasyprint.text.ffi" in sys.modules:
        return
    with _one_library_listing():
        import weasyprint.text.ffi  # noqa: F401


@contextmanager
def _one_library_listing() -> Iterator[None]:
    ldconfig = shutil.which("ldconfig") or shutil.which("ldconfig", path="/sbin:/usr/sbin")
    if not sys.platform.startswith("linux") or ldconfig is None:
        yield
        return
    try:
        listing = subprocess.run(
            [ldconfig, "-p"],
            capture_output=True,
            text=True,
            env={"LC_ALL": "C", "LANG": "C"},
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        yield
        return
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = _ABI.get(machine, "libc6")

    def find_library(name: str) -> str | None:
        found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}", listing)
        return found.group(1) if found else None

    import ctypes.util

    standard = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = standard

"""Writing output files: all or nothing, readable by their owner only.

Every file synth writes (handouts, reports, exports, charts) goes through ``write_file``:
the bytes go to a temporary file beside the target, which then replaces the target in one
rename, so a full disk or a crash never leaves a truncated file where a good one was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from synth.errors import OutputError, os_error_reason


def output_failed(path: Path | str, exc: OSError) -> OutputError:
    """The one-line error for an output that could not be written."""
    return OutputError(f"{path}: cannot write ({os_error_reason(exc)}); the file is unchanged")


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, as a file readable by its owner only
    (outputs hold workshop notes). Raises ``OutputError`` with a one-line message."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name, e.g. {path / 'report.md'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_failed(path, exc) from None
    try:
        special = path.exists() and not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        special = False
    if special:
        # A device or pipe (/dev/stdout, a FIFO) cannot be replaced, only written to.
        try:
            with path.open("wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise output_failed(path, exc) from None
        return
    temporary: str | None = None
    try:
        # mkstemp creates the file with mode 0600.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        raise output_failed(path, exc) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)

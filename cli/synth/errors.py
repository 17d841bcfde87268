"""Errors the user can fix. The CLI maps each to a one-line message and an exit code.

Exit codes (documented in the README):
  0  everything done
  1  some inputs failed (the rest were processed and stored)
  2  usage or configuration error (bad option, bad taxonomy, bad template, unknown session)
"""

from __future__ import annotations

import errno

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2


class SynthError(Exception):
    """Base of every error synth reports to the user as one line."""

    exit_code = EXIT_USAGE


class InputError(SynthError):
    """A notes file that cannot be read or parsed."""

    exit_code = EXIT_PARTIAL


class TaxonomyError(SynthError):
    """A taxonomy file with problems; ``problems`` holds ``file:line:col: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class LabelError(SynthError):
    """A label or dimension the taxonomy does not have, given as a filter."""


class StoreError(SynthError):
    """The corpus database cannot be opened or a session is unknown."""


class TemplateError(SynthError):
    """A handout template that does not exist or fails to render."""


class ResourceError(SynthError):
    """A packaged resource (taxonomy, templates) cannot be found."""


class ExchangeError(SynthError):
    """A codebook or project file (REFI-QDA) that cannot be read or written."""


class OutputError(SynthError):
    """An output file that cannot be written (a folder, no permission, a full disk)."""


def os_error_reason(exc: OSError) -> str:
    """What an operating-system error means for the user, briefly."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full; free some space"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "no permission to write there"
    return exc.strerror or str(exc)

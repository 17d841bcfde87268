"""The command line: one module per command, each a thin wrapper over a library function."""

from __future__ import annotations

from synth.cli import (
    _util,
    eval,
    export,
    ingest,
    retag,
    sessions,
    show,
    summarize,
    tag,
    taxonomy,
)
from synth.cli._util import app

# Importing the command modules registers their commands on ``app``.
COMMAND_MODULES = (
    eval,
    export,
    ingest,
    retag,
    sessions,
    show,
    summarize,
    tag,
    taxonomy,
)

__all__ = ["COMMAND_MODULES", "_util", "app", "main"]


def main() -> None:
    """Entry point of the ``synth`` command."""
    app()

"""The command line: one module per command, each a thin wrapper over a library function."""

from __future__ import annotations

from synth.cli import (
    _util,
    diff,
    eval,
    export,
    ingest,
    learn,
    retag,
    search,
    sessions,
    show,
    summarize,
    tag,
    taxonomy,
    train,
    trends,
)
from synth.cli._util import app

# Importing the command modules registers their commands on ``app``.
COMMAND_MODULES = (
    diff,
    eval,
    export,
    ingest,
    learn,
    retag,
    search,
    sessions,
    show,
    summarize,
    tag,
    taxonomy,
    train,
    trends,
)

__all__ = ["COMMAND_MODULES", "_util", "app", "main"]


def main() -> None:
    """Entry point of the ``synth`` command."""
    app()

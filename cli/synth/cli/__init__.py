"""The command line: one module per command, each a thin wrapper over a library function."""

from __future__ import annotations

import copy
import inspect
import sys
from collections.abc import Sequence

import typer
from typer.main import solve_typer_info_help
from typer.models import CommandInfo, TyperInfo

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

__all__ = ["COMMAND_MODULES", "_util", "app", "command_line", "main"]


def main() -> None:
    """Entry point of the ``synth`` command."""
    command_line(sys.argv[1:])()


def command_line(args: Sequence[str]) -> typer.Typer:
    """The app with only the command that ``args`` run built in full.

    Before it runs a command Typer reads the signature and option types of every command
    (a fifth of the time of ``synth --help``). The others are only listed, by name and
    help, which is all ``synth --help`` and a mistyped command's message show of them.
    """
    wanted = next((a for a in args if not a.startswith("-")), None)
    lean = copy.copy(app)
    lean.registered_commands = [
        c if c.name == wanted else _listed_command(c) for c in app.registered_commands
    ]
    lean.registered_groups = [
        g if g.name == wanted else _listed_group(g) for g in app.registered_groups
    ]
    return lean


def _listed_command(info: CommandInfo) -> CommandInfo:
    return CommandInfo(
        info.name,
        callback=_not_built,
        help=info.help if info.help is not None else inspect.getdoc(info.callback),
        short_help=info.short_help,
        hidden=info.hidden,
        deprecated=info.deprecated,
        rich_help_panel=info.rich_help_panel,
    )


def _listed_group(info: TyperInfo) -> TyperInfo:
    return TyperInfo(
        typer.Typer(),
        name=info.name,
        help=solve_typer_info_help(info),
        short_help=info.short_help,
        hidden=info.hidden,
        deprecated=info.deprecated,
        rich_help_panel=info.rich_help_panel,
    )


def _not_built() -> None:  # pragma: no cover - command_line builds the command it runs
    raise RuntimeError("a command listed for help only was run")

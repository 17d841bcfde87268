"""Shared pieces of the command line: the Typer app, options, consoles and error handling."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, ParamSpec, TypeVar

import typer
from rich.console import Console

from synth import __version__
from synth.errors import EXIT_USAGE, SynthError, TaxonomyError

if TYPE_CHECKING:
    from synth.pipeline.tagging import Tagger
    from synth.store import Corpus
    from synth.taxonomy import Taxonomy

app = typer.Typer(
    name="synth",
    help="Workshop synthesis for Nära vård: ingest notes, tag them, hand out, compare sessions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

# Reports go to stdout; messages and progress to stderr.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

# Every --format of the command line, declared once; Typer checks the choice (exit 2 with
# the choices named) and lists the choices in --help.
ReportFormat = Literal["table", "md", "json"]
TableFormat = Literal["table", "json"]
SearchFormat = Literal["lines", "json"]
TagFormat = Literal["jsonl"]
ExportFormat = Literal["qdpx", "csv", "jsonl"]
CodebookFormat = Literal["qdc"]

CorpusOption = Annotated[
    Path | None,
    typer.Option(
        "--corpus",
        help="Corpus database (default: $SYNTH_CORPUS or corpus/synth.db).",
        show_default=False,
    ),
]
TaxonomyOption = Annotated[
    Path | None,
    typer.Option(
        "--taxonomy",
        help="Taxonomy file (default: ./taxonomy.yaml, else the packaged one).",
        show_default=False,
    ),
]
NoRedactOption = Annotated[
    bool,
    typer.Option("--no-redact", help="Keep identity numbers, e-mail and phone numbers."),
]
TemplatesOption = Annotated[
    Path | None, typer.Option("--templates", help="Folder of templates.", show_default=False)
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the full traceback of errors.", hidden=True)
]

P = ParamSpec("P")
R = TypeVar("R")


def debug_enabled() -> bool:
    return "--debug" in sys.argv or os.environ.get("SYNTH_DEBUG") == "1"


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print one error line to stderr and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    return typer.Exit(code)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn ``SynthError`` into a one-line message and its exit code (a traceback with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TaxonomyError as exc:
            if debug_enabled() or kwargs.get("debug"):
                raise
            for problem in exc.problems:
                err.print(problem, markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except SynthError as exc:
            if debug_enabled() or kwargs.get("debug"):
                raise
            raise fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail(
                "interrupted; sessions stored before are kept, the one being written is not", 130
            ) from None

    return wrapper


def load_taxonomy(path: Path | None) -> Taxonomy:
    from synth import resources, taxonomy

    return taxonomy.load(resources.taxonomy_path(path))


def make_tagger(path: Path | None) -> Tagger:
    from synth.pipeline.tagging import Tagger

    return Tagger(load_taxonomy(path))


def open_corpus(path: Path | None, create: bool = False) -> Corpus:
    from synth.store import Corpus, default_corpus

    return Corpus(path or default_corpus(), create=create)


def write_output(text: str, output: Path | None) -> None:
    """Write a report to a file or to stdout."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}", markup=False)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"synth {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Workshop synthesis for Nära vård: ingest notes, tag them, hand out, compare sessions."""

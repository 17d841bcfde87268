"""Shared pieces of the command line: the Typer app, options, consoles and error handling."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, ParamSpec, TypeVar

import typer
from rich.console import Console

from synth import __version__
from synth.errors import EXIT_USAGE, SynthError, TaxonomyError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from synth.pipeline.classifier import Classifier
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
# No emoji codes: a note's ":ok:" or ":sos:" is text, never a picture.
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

# Every --format of the command line, declared once; Typer checks the choice (exit 2 with
# the choices named) and lists the choices in --help.
ReportFormat = Literal["table", "md", "json"]
TableFormat = Literal["table", "json"]
SearchFormat = Literal["lines", "json"]
TagFormat = Literal["jsonl"]
ExportFormat = Literal["qdpx", "csv", "jsonl"]
CodebookFormat = Literal["qdc", "csv"]

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
NoModelOption = Annotated[
    bool,
    typer.Option(
        "--no-model",
        help="Tag with the taxonomy's terms only (without the trained classifier).",
    ),
]
MaxSizeOption = Annotated[float, typer.Option("--max-size", help="Largest file to read, in MB.")]
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


def make_tagger(path: Path | None, corpus: Path | None = None, model: bool = True) -> Tagger:
    """The tagger of the commands: the taxonomy's terms and, unless ``model`` is False, the
    classifier (the corpus's own after ``synth train``, else the shipped one; loaded when
    the first statement is tagged)."""
    import gc

    from synth.pipeline.tagging import Tagger

    tagger = Tagger(load_taxonomy(path), classifier=make_classifier(corpus) if model else None)
    # What start-up built (spaCy, the taxonomy, the tagger) lives as long as the command:
    # out of the garbage collector's sight, its full passes no longer walk it again and
    # again while statements are tagged (12–18% of the CPU time of `synth tag --lines`).
    gc.freeze()
    return tagger


def make_classifier(corpus: Path | None, shipped: bool = False) -> Classifier:
    """The classifier for a corpus (``shipped``: the one shipped with synth)."""
    from synth import resources
    from synth.pipeline.classifier import Classifier
    from synth.store import default_corpus

    if shipped:
        return Classifier(resources.packaged("training/model"))
    return Classifier(resources.model_dir(corpus or default_corpus()))


def open_corpus(path: Path | None, create: bool = False, write: bool = False) -> Corpus:
    """The corpus to read (opened read-only) or, with ``write`` or ``create``, to change."""
    from synth.store import Corpus, default_corpus

    return Corpus(path or default_corpus(), create=create, readonly=not (write or create))


def as_text(parts: Iterable[object], width: int) -> str:
    """Rich renderables (tables) as plain text of the given width, for a file."""
    import io

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, highlight=False, soft_wrap=False, emoji=False)
    for part in parts:
        console.print(part)
    return buffer.getvalue()


def print_wide(renderable: RenderableType) -> None:
    """Print a Rich table or tree to stdout; piped or redirected, in plain text at the
    width its cells need, so nothing is cut at 80 columns (``synth taxonomy show | cat``)."""
    if out.is_terminal:
        out.print(renderable)
        return
    from rich.measure import Measurement
    from rich.table import Table

    if isinstance(renderable, Table):
        # Ratios share out a terminal's width; piped, each column takes what it needs.
        for column in renderable.columns:
            column.ratio = None
    wide = out.options.update_width(100_000)
    width = Measurement.get(out, wide, renderable).maximum
    # A console of that width: Console.print never renders wider than its console.
    Console(width=max(width, out.width), highlight=False, emoji=False).print(renderable, crop=False)


def write_output(text: str | bytes, output: Path | None, announce: bool = True) -> None:
    """Write a report to stdout, or atomically to a file readable by its owner only."""
    from synth.output.files import output_failed, write_file

    if output is None:
        try:
            if isinstance(text, bytes):
                sys.stdout.buffer.write(text)
            else:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
        except OSError as exc:
            raise output_failed("standard output", exc) from None
        return
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    if isinstance(text, str) and not text.endswith("\n"):
        data += b"\n"
    write_file(output, data)
    if announce:
        err.print(f"wrote {output}", markup=False)


# C1 controls, zero-width and byte-order marks, and the bidirectional overrides that make a
# name read differently from what it is ("\u202e"); JSON escapes C0 controls itself.
_INVISIBLE = "\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff"
_UNPRINTABLE = re.compile(f"[\x00-\x1f{_INVISIBLE}]")
_UNPRINTABLE_IN_JSON = re.compile(f"[{_INVISIBLE}]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters, line breaks and
    right-to-left overrides from file names or notes are shown escaped (``\\n``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def print_json(data: object) -> None:
    """Print data as indented JSON, with the characters ``printable`` escapes as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = _UNPRINTABLE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    out.print(text, markup=False, highlight=False, soft_wrap=True)


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


def statements(n: int) -> str:
    """ "1 statement", "2 statements"."""
    return f"{n} statement" if n == 1 else f"{n} statements"

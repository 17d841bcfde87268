"""synth ingest: read notes, tag every statement, store the session."""

from __future__ import annotations

import contextlib
import math
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    MaxSizeOption,
    NoModelOption,
    TaxonomyOption,
    app,
    err,
    fail,
    handle_errors,
    make_tagger,
    open_corpus,
    out,
    printable,
    statements,
)
from synth.errors import EXIT_OK, EXIT_PARTIAL
from synth.models import KINDS

if TYPE_CHECKING:
    from synth.ingest import IngestResult


@app.command("ingest")
@handle_errors
def ingest_cli(
    paths: Annotated[
        list[Path],
        # Not readable=True: an unreadable file is reported as failed, not as a usage error
        # that would keep the readable files from being stored.
        typer.Argument(
            help="Notes files or folders (.txt, .md, .docx, .pdf, .odt).", readable=False
        ),
    ],
    corpus: CorpusOption = None,
    session: Annotated[
        str | None,
        typer.Option("--session", help="Session id; all files go into this one session."),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Session title.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Session date, YYYY-MM-DD.")] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Kind of notes: " + ", ".join(KINDS) + " (default: guessed)."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Re-parse and replace a session already stored.")
    ] = False,
    force_copy: Annotated[
        bool,
        typer.Option(
            "--force-copy", help="Store notes again even when the same notes are already stored."
        ),
    ] = False,
    recursive: Annotated[
        bool, typer.Option("--recursive", "-r", help="Ingest folders with their subfolders.")
    ] = False,
    max_size: MaxSizeOption = 50.0,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes that parse and tag files in parallel (for large batches).",
        ),
    ] = 1,
    taxonomy: TaxonomyOption = None,
    no_model: NoModelOption = False,
    debug: DebugOption = False,
) -> None:
    """Ingest workshop notes: parse, tag and store every statement."""
    from synth.ingest import check_options, expand_paths, ingest

    if not math.isfinite(max_size) or max_size <= 0:
        raise fail(f"--max-size {max_size}: give the largest file size in MB, a number above 0")
    # Checked before the corpus is opened: a usage error creates no corpus file.
    date = check_options(session, kind, date)
    tagger = make_tagger(taxonomy, corpus, model=not no_model)
    with open_corpus(corpus, create=True) as db:
        files, _ = expand_paths(paths, recursive)
        with _file_progress(len(files)) as step:
            report = ingest(
                paths,
                db,
                tagger,
                session_id=session,
                title=title,
                date=date,
                kind=kind,
                replace=replace,
                force_copy=force_copy,
                recursive=recursive,
                max_bytes=int(max_size * 1024 * 1024),
                progress=step,
                jobs=jobs,
            )
    for r in report.results:
        _print_result(r)
    if debug:
        for error in report.errors:
            err.print("".join(traceback.format_exception(error)), markup=False)
    for failure in report.failures:
        err.print(f"[bold red]error:[/] {failure}", markup=True, highlight=False)
    if report.failures:
        err.print(
            f"{len(report.failures)} input(s) failed; {len(report.results)} session(s) stored.",
            markup=False,
        )
        raise typer.Exit(EXIT_PARTIAL)
    raise typer.Exit(EXIT_OK)


@contextlib.contextmanager
def _file_progress(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar over the files on stderr (only on a terminal); yields the callback the
    ingest calls as each file starts."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("ingesting", total=total or None)
        started = 0

        def step(name: str) -> None:
            # Called as a file starts: the files before it are done.
            nonlocal started
            progress.update(task, description=f"reading {Path(name).name}", completed=started)
            started += 1

        yield step


def _print_result(r: IngestResult) -> None:
    from synth.redact import redact

    """One line for a session stored, replaced or already stored; a note for a date
    without a year."""
    if r.status == "unchanged" and r.not_stored_as:
        out.print(
            f"already stored  {r.session_id}  ({statements(r.statements)}); not stored"
            f" again as '{r.not_stored_as}': use --force-copy to store a copy under"
            " that id, or --replace to parse it again into it",
            markup=False,
        )
        return
    if r.status == "unchanged":
        out.print(
            f"already stored  {r.session_id}  ({statements(r.statements)}; "
            "use --replace to parse it again)",
            markup=False,
        )
        return
    out.print(
        f"{r.status:<8} {r.session_id}  {statements(r.statements)}, {r.tagged} tagged"
        f"  · {r.date or 'no date'} · {r.kind} · {printable(redact(r.title))}",
        markup=False,
    )
    if r.undated:
        err.print(
            f'note: {r.session_id}: "{r.undated_text}" has no year; to date the'
            f" session, ingest it again with --replace --session {r.session_id}"
            f" --date YYYY{r.undated[1:]}",
            markup=False,
            highlight=False,
        )

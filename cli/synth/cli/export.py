"""synth export: sessions as a REFI-QDA project (.qdpx), CSV or JSON lines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, get_args

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    ExportFormat,
    NoRedactOption,
    TaxonomyOption,
    app,
    err,
    fail,
    handle_errors,
    load_taxonomy,
    open_corpus,
    statements,
    write_output,
)

FORMAT_HELP = "qdpx (NVivo, ATLAS.ti, MAXQDA, QualCoder), csv (Excel) or jsonl."


@app.command("export")
@handle_errors
def export_cli(
    sessions: Annotated[
        list[str] | None, typer.Argument(help="Session ids (see 'synth sessions').")
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", help=FORMAT_HELP + " Default: from the -o suffix."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (default: stdout; qdpx needs a file)."),
    ] = None,
    all_sessions: Annotated[
        bool, typer.Option("--all", help="Export every stored session.")
    ] = False,
    no_redact: NoRedactOption = False,
    corpus: CorpusOption = None,
    taxonomy: TaxonomyOption = None,
    debug: DebugOption = False,
) -> None:
    """Export sessions for a QDA program (.qdpx) or a spreadsheet (csv, jsonl)."""
    from synth.output.exports import export

    if fmt is None and output is not None:
        suffix = output.suffix.lstrip(".").lower()
        fmt = next((f for f in get_args(ExportFormat) if f == suffix), None)
    if fmt is None:
        raise fail("give --format qdpx, csv or jsonl")
    if fmt == "qdpx" and output is None:
        raise fail("a .qdpx is a zip file: give -o FILE.qdpx")
    if not sessions and not all_sessions:
        raise fail("name the sessions to export (see 'synth sessions') or give --all")
    with open_corpus(corpus) as db:
        done = export(
            db,
            None if all_sessions else sessions or [],
            fmt,
            load_taxonomy(taxonomy) if fmt == "qdpx" else None,
            redact=not no_redact,
            name=output.stem if output else "synth",
        )
    if output is None:
        write_output(done.data.decode("utf-8"), None)
        return
    write_output(done.data, output, announce=False)
    count = (
        f"{statements(done.statements)}, {done.codings} codings"
        if fmt == "qdpx"
        else f"{done.statements} rows"
    )
    masked = "personal data NOT masked" if no_redact else "personal data masked"
    err.print(f"wrote {output}: {done.sessions} session(s), {count} ({masked})", markup=False)

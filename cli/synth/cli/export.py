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
    from synth.output import refi
    from synth.output import tabular as exporting

    if fmt is None and output is not None:
        suffix = output.suffix.lstrip(".").lower()
        fmt = next((f for f in get_args(ExportFormat) if f == suffix), None)
    if fmt is None:
        raise fail("give --format qdpx, csv or jsonl")
    if fmt == "qdpx" and output is None:
        raise fail("a .qdpx is a zip file: give -o FILE.qdpx")
    if not sessions and not all_sessions:
        raise fail("name the sessions to export (see 'synth sessions') or give --all")
    redact = not no_redact
    with open_corpus(corpus) as db:
        infos = db.sessions() if all_sessions else db.sessions_by_ids(sessions or [])
        if not infos:
            raise fail(f"no sessions stored in {db.path}; run 'synth ingest NOTES' first")
        loaded = [(info, db.statements(info.id), db.sources(info.id)) for info in infos]
    statement_count = sum(len(statements) for _, statements, _ in loaded)
    masked = "personal data masked" if redact else "personal data NOT masked"

    if fmt == "qdpx":
        assert output is not None
        items = [refi.SessionExport(i, sources, st) for i, st, sources in loaded]
        data = refi.project_bytes(items, load_taxonomy(taxonomy), redact=redact, name=output.stem)
        write_output(data, output, announce=False)
        codings = sum(len(s.tags.pairs()) for _, statements, _ in loaded for s in statements)
        err.print(
            f"wrote {output}: {len(loaded)} session(s), {statement_count} statements, "
            f"{codings} codings ({masked})",
            markup=False,
        )
        return

    rows = exporting.statement_rows([(i, st) for i, st, _ in loaded], redact=redact)
    text = exporting.to_csv(rows) if fmt == "csv" else exporting.to_jsonl(rows)
    if output is None:
        write_output(text, None)
        return
    # Bytes, so the CSV keeps its CRLF line ends on every platform.
    write_output(text.encode("utf-8"), output, announce=False)
    err.print(
        f"wrote {output}: {len(loaded)} session(s), {statement_count} rows ({masked})",
        markup=False,
    )

"""synth sessions: list the stored sessions."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    TableFormat,
    app,
    handle_errors,
    open_corpus,
    out,
)


@app.command("sessions")
@handle_errors
def sessions_cli(
    corpus: CorpusOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = "table",
    debug: DebugOption = False,
) -> None:
    """List the sessions in the corpus, oldest first."""
    with open_corpus(corpus) as db:
        sessions = db.sessions()
    if fmt == "json":
        out.print_json(json.dumps([s.__dict__ for s in sessions], ensure_ascii=False))
        return
    if not sessions:
        out.print("no sessions yet; run 'synth ingest NOTES'", markup=False)
        return
    # Plain aligned lines: they stay readable in narrow terminals and in logs.
    widest = max(len(s.id) for s in sessions)
    out.print(f"{'session':<{widest}}  {'date':<10}  {'kind':<14}  {'n':>5}  title", markup=False)
    for s in sessions:
        date = s.date or "–"
        out.print(
            f"{s.id:<{widest}}  {date:<10}  {s.kind:<14}  {s.statement_count:>5}  {s.title}",
            markup=False,
            overflow="ignore",
            crop=False,
        )

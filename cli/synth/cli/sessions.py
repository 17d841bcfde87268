"""synth sessions: list the stored sessions."""

from __future__ import annotations

from typing import Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoRedactOption,
    TableFormat,
    app,
    handle_errors,
    open_corpus,
    out,
    print_json,
    printable,
)


@app.command("sessions")
@handle_errors
def sessions_cli(
    corpus: CorpusOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = "table",
    no_redact: NoRedactOption = False,
    debug: DebugOption = False,
) -> None:
    """List the sessions in the corpus, oldest first."""
    from synth.redact import mask_ids, mask_session

    with open_corpus(corpus) as db:
        sessions = db.sessions()
    if not no_redact:
        shown = mask_ids(s.id for s in sessions)
        sessions = [mask_session(s, shown[s.id]) for s in sessions]
    if fmt == "json":
        print_json([s.__dict__ for s in sessions])
        return
    if not sessions:
        out.print("no sessions yet; run 'synth ingest NOTES'", markup=False)
        return
    # Plain aligned lines: they stay readable in narrow terminals and in logs. Titles come
    # from file names, which may hold line breaks or terminal escapes: printed escaped.
    ids = [printable(s.id) for s in sessions]
    widest = max(len(i) for i in ids)
    out.print(f"{'session':<{widest}}  {'date':<10}  {'kind':<14}  {'n':>5}  title", markup=False)
    for sid, s in zip(ids, sessions, strict=True):
        date = s.date or "–"
        out.print(
            f"{sid:<{widest}}  {date:<10}  {s.kind:<14}  {s.statement_count:>5}  "
            f"{printable(s.title)}",
            markup=False,
            overflow="ignore",
            crop=False,
        )

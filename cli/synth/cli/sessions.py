"""synth sessions: list the stored sessions."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from synth.cli._util import CorpusOption, DebugOption, app, handle_errors, open_corpus, out


@app.command("sessions")
@handle_errors
def sessions_cli(
    corpus: CorpusOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    debug: DebugOption = False,
) -> None:
    """List the sessions in the corpus, oldest first."""
    with open_corpus(corpus) as db:
        sessions = db.sessions()
    if fmt == "json":
        out.print_json(json.dumps([s.__dict__ for s in sessions], ensure_ascii=False))
        return
    table = Table(title=f"{len(sessions)} session(s)", title_justify="left", box=box.SIMPLE_HEAD)
    widest = max((len(s.id) for s in sessions), default=7)
    table.add_column("session", no_wrap=True, min_width=widest)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("n", no_wrap=True, justify="right")
    table.add_column("kind", no_wrap=True, min_width=14)
    table.add_column("title", no_wrap=True, overflow="ellipsis", min_width=16)
    for s in sessions:
        table.add_row(s.id, s.date or "–", str(s.statement_count), s.kind, s.title)
    out.print(table)

"""synth sessions: list the stored sessions."""

from __future__ import annotations

import json
from typing import Annotated

import typer
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
    table = Table(title=f"{len(sessions)} session(s)", title_justify="left")
    for col in ("session", "date", "kind", "statements"):  # short columns never wrap
        table.add_column(col, no_wrap=True, justify="right" if col == "statements" else "left")
    table.add_column("title", ratio=1, no_wrap=True, overflow="ellipsis", min_width=12)
    for s in sessions:
        table.add_row(s.id, s.date or "–", s.kind, str(s.statement_count), s.title)
    out.print(table)

"""synth search: full-text search over every stored statement, keyword in context."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoRedactOption,
    SearchFormat,
    TaxonomyOption,
    app,
    err,
    fail,
    handle_errors,
    load_taxonomy,
    open_corpus,
    out,
)
from synth.models import DIMENSIONS


@app.command("search")
@handle_errors
def search_cli(
    query: Annotated[
        str,
        typer.Argument(
            help='Words (all must match, in any inflection), stem* or "a phrase".',
            show_default=False,
        ),
    ],
    session: Annotated[
        list[str] | None,
        typer.Option("--session", "-s", help="Only this session (repeatable, or comma-separated)."),
    ] = None,
    label: Annotated[
        list[str] | None,
        typer.Option(
            "--label",
            "-l",
            help="Only statements with this label id, or DIMENSION:ID (repeatable: any of them).",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", help="Show at most this many.", min=1)
    ] = 50,
    width: Annotated[
        int, typer.Option("--width", help="Characters of context on each side.", min=5)
    ] = 40,
    corpus: CorpusOption = None,
    fmt: Annotated[SearchFormat, typer.Option("--format", help="lines or json.")] = "lines",
    no_redact: NoRedactOption = False,
    taxonomy: TaxonomyOption = None,
    debug: DebugOption = False,
) -> None:
    """Search every stored statement; prints keyword-in-context lines with session, date
    and reference."""
    from rich.markup import escape

    from synth.analysis import compare
    from synth.analysis import search as search_lib

    labels = [search_lib.parse_label(v) for v in label or []]
    if labels:
        tax = load_taxonomy(taxonomy)
        for dim, lab in labels:
            if dim is not None and dim not in DIMENSIONS:
                raise fail(f"unknown dimension '{dim}' in --label; use {', '.join(DIMENSIONS)}")
            dims = [dim] if dim else list(DIMENSIONS)
            if not any(lab in tax.ids(d) for d in dims):
                known = ", ".join(sorted({i for d in DIMENSIONS for i in tax.ids(d)}))
                raise fail(f"unknown label '{lab}' in --label; known labels: {known}")
    with open_corpus(corpus) as db:
        result = search_lib.search(
            db,
            query,
            sessions=compare.split_sessions(session or []) or None,
            labels=labels or None,
            limit=limit,
            redacted=not no_redact,
        )
    if fmt == "json":
        payload = {
            "query": result.query,
            "total": result.total,
            "hits": [
                {
                    "session": h.session,
                    "date": h.date,
                    "ref": h.ref,
                    "source": h.source,
                    "line": h.line,
                    "text": h.text,
                    "matches": [list(span) for span in h.spans],
                }
                for h in result.hits
            ],
        }
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    # Pad session, date and reference so the keywords line up in one column.
    sid_width = max((len(h.session) for h in result.hits), default=0)
    ref_width = max((len(h.ref) for h in result.hits), default=0)
    for h in result.hits:
        left, keyword, right = search_lib.kwic(h.text, h.spans, width)
        pad = " " * (width + 2 - len(left))
        out.print(
            f"[cyan]{escape(h.session.ljust(sid_width))}[/] {(h.date or '–'):<10} "
            f"[dim]{h.ref:<{ref_width}}[/]  {pad}{escape(left)}"
            f"[bold yellow]{escape(keyword)}[/]{escape(right)}",
            markup=True,
        )
    shown = len(result.hits)
    more = f"; showing the first {shown} (use --limit)" if result.total > shown else ""
    err.print(f"{result.total} statement(s) match{more}", markup=False)

"""synth search: full-text search over every stored statement, keyword in context."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoRedactOption,
    SearchFormat,
    TaxonomyOption,
    app,
    err,
    handle_errors,
    load_taxonomy,
    open_corpus,
    out,
)

if TYPE_CHECKING:
    from synth.analysis.search import SearchResult


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
    from synth.analysis import compare
    from synth.analysis import search as search_lib
    from synth.output import payloads

    labels = [load_taxonomy(taxonomy).label_filter(v) for v in label or []]
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
        out.print_json(json.dumps(payloads.search_to_dict(result), ensure_ascii=False))
        return
    _print_kwic(result, width)
    shown = len(result.hits)
    more = f"; showing the first {shown} (use --limit)" if result.total > shown else ""
    err.print(f"{result.total} statement(s) match{more}", markup=False)


def _print_kwic(result: SearchResult, width: int) -> None:
    """One keyword-in-context line a hit, session, date and reference padded so that the
    keywords line up in one column."""
    from rich.markup import escape

    from synth.analysis.search import kwic

    sid_width = max((len(h.session) for h in result.hits), default=0)
    ref_width = max((len(h.ref) for h in result.hits), default=0)
    for h in result.hits:
        left, keyword, right = kwic(h.text, h.spans, width)
        pad = " " * (width + 2 - len(left))
        out.print(
            f"[cyan]{escape(h.session.ljust(sid_width))}[/] {(h.date or '–'):<10} "
            f"[dim]{h.ref:<{ref_width}}[/]  {pad}{escape(left)}"
            f"[bold yellow]{escape(keyword)}[/]{escape(right)}",
            markup=True,
        )

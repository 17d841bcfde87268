"""synth diff: what moved between two groups of sessions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoRedactOption,
    ReportFormat,
    TaxonomyOption,
    TemplatesOption,
    app,
    as_text,
    fail,
    handle_errors,
    load_taxonomy,
    open_corpus,
    out,
    statements,
    write_output,
)
from synth.models import DIMENSIONS

if TYPE_CHECKING:
    from rich.console import RenderableType


def _pct(share: float) -> str:
    return f"{100 * share:.1f} %"


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _tables(data: dict[str, Any]) -> list[RenderableType]:
    # Cells are Text, not markup: nothing in a note is read as markup, and a table of a
    # few hundred cells renders without parsing each one.
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    def sessions(side: dict[str, Any]) -> str:
        return ", ".join(s["id"] for s in side["sessions"])

    a, b = data["a"], data["b"]
    parts: list[RenderableType] = [
        Text("\n".join(data["summary"]) + "\n"),
        f"[bold]A[/] {escape(sessions(a))} ({statements(a['statements'])})\n"
        f"[bold]B[/] {escape(sessions(b))} ({statements(b['statements'])})",
    ]
    for dim in DIMENSIONS:
        rows = [r for r in data["labels"] if r["dimension"] == dim]
        if not rows:
            continue
        table = Table(title=dim, title_justify="left")
        table.add_column("label")
        table.add_column("A", justify="right")
        table.add_column("B", justify="right")
        table.add_column("change", justify="right")
        table.add_column("p", justify="right")
        table.add_column("q", justify="right")
        table.add_column("", justify="left")
        for r in rows:
            verdict = r["verdict"] + (f" {r['stars']}" if r["stars"] else "")
            if r["status"] in ("new", "gone"):
                verdict += f" ({r['status']} in B)"
            style = "bold" if r["notable"] else ""
            cells = (
                r["name"],
                f"{r['a']['statements']} ({_pct(r['a']['share'])})",
                f"{r['b']['statements']} ({_pct(r['b']['share'])})",
                f"{r['change_pp']:+.1f} pp",
                _p(r["p"]),
                _p(r["q"]),
                verdict,
            )
            table.add_row(*map(Text, cells), style=style)
        parts.append(table)
    notable = [r for r in data["labels"] if r["notable"]]
    if notable:
        ex = Table(title="examples of notable changes", title_justify="left")
        ex.add_column("label")
        ex.add_column("A", ratio=1)
        ex.add_column("B", ratio=1)
        for r in notable:
            quotes = []
            for side in ("a", "b"):
                e = r["examples"][side]
                quotes.append(Text.assemble(e["text"], " ", (f"({e['ref']})", "dim")) if e else "–")
            ex.add_row(Text(r["name"]), *quotes)
        parts.append(ex)
    words = Table(title="emerging words and phrases (more frequent in B)", title_justify="left")
    for col in ("term", "A", "B", "per 1000 A", "per 1000 B", "G²", "p", "example"):
        words.add_column(col, justify="left" if col in ("term", "example") else "right")
    for t in data["emerging"]:
        term_cells = (
            t["term"],
            str(t["a"]["count"]),
            str(t["b"]["count"]),
            f"{t['a']['per_1000']:.1f}",
            f"{t['b']['per_1000']:.1f}",
            f"{t['g2']:.1f}",
            _p(t["p"]),
            t["example"]["ref"] if t["example"] else "",
        )
        words.add_row(*map(Text, term_cells))
    if not data["emerging"]:
        words.caption = "none over-represented in B at p < 0.05"
    parts.append(words)
    return parts


@app.command("diff")
@handle_errors
def diff_cli(
    sides: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="A B",
            help="The sessions of side A, then of side B; several sessions of a side "
            "comma-separated (e.g. lgl-2022-01-28 lgl-2022-10-14,brukardialog-2022-05-02).",
            show_default=False,
        ),
    ] = None,
    also_a: Annotated[
        list[str] | None,
        typer.Option("--side-a", "-a", help="A session of side A (repeatable)."),
    ] = None,
    also_b: Annotated[
        list[str] | None,
        typer.Option("--side-b", "-b", help="A session of side B (repeatable)."),
    ] = None,
    corpus: CorpusOption = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table, md or json.")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here.")
    ] = None,
    emerging: Annotated[
        int, typer.Option("--emerging", help="How many emerging words to list.", min=0)
    ] = 15,
    min_count: Annotated[
        int, typer.Option("--min-count", help="Emerging words occur at least this often in B.")
    ] = 3,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the opening sentences: sv or en.")
    ] = "sv",
    no_redact: NoRedactOption = False,
    templates: TemplatesOption = None,
    taxonomy: TaxonomyOption = None,
    debug: DebugOption = False,
) -> None:
    """Compare two groups of sessions: label shares, significance, new and gone labels,
    emerging words."""
    from synth import resources
    from synth.analysis import compare
    from synth.output import payloads, render

    positional = sides or []
    if len(positional) > 2:
        raise fail("give two sides: synth diff A B (join several sessions of a side with commas)")
    a_ids = compare.split_sessions(positional[:1] + (also_a or []))
    b_ids = compare.split_sessions(positional[1:2] + (also_b or []))
    tax = load_taxonomy(taxonomy)
    with open_corpus(corpus) as db:
        result = compare.diff(db, tax, a_ids, b_ids, emerging=emerging, min_count=min_count)
    summary = compare.plain_sentences(result, lang, tax)
    data = payloads.diff_to_dict(result, redacted=not no_redact, summary=summary)
    if fmt == "json":
        write_output(json.dumps(data, ensure_ascii=False, indent=2), output)
    elif fmt == "md":
        text = render.render("diff", data, resources.templates_dir(templates))
        write_output(text, output)
    elif output is not None:
        write_output(as_text(_tables(data), width=120), output)
    else:
        for part in _tables(data):
            out.print(part)

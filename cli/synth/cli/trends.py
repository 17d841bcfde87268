"""synth trends: the share of statements per label, session by session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

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
    err,
    fail,
    handle_errors,
    load_taxonomy,
    open_corpus,
    out,
    write_output,
)
from synth.models import DIMENSIONS

# With more sessions than this the terminal table turns: sessions down, labels across.
MAX_COLUMNS = 8


def _table(data: dict[str, Any]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    sessions, labels = data["sessions"], data["labels"]
    title = f"{data['dimension']}: % of statements per session (date order)"
    table = Table(title=title, title_justify="left")
    table.add_column("label")
    for s in sessions:
        table.add_column(f"{s['id']}\n{s['date'] or '–'} · n={s['statements']}", justify="right")
    for row in labels:
        table.add_row(escape(row["name"]), *(f"{100 * x:.0f}" for x in row["shares"]))
    return table


def _long_table(data: dict[str, Any]) -> str:
    """Sessions down, labels across, as plain aligned text: a Rich table of a thousand
    rows takes seconds to lay out."""
    sessions, labels = data["sessions"], data["labels"]
    names = [r["name"] if len(r["name"]) <= 14 else r["name"][:13] + "…" for r in labels]
    sid = max([len("session"), *(len(s["id"]) for s in sessions)])
    head = f"{'session':<{sid}}  {'date':<10}  {'n':>5}  " + "  ".join(names)
    lines = [f"{data['dimension']}: % of statements per session (date order)", head]
    for i, s in enumerate(sessions):
        cells = "  ".join(
            f"{100 * row['shares'][i]:>{len(name)}.0f}"
            for row, name in zip(labels, names, strict=True)
        )
        date = s["date"] or "–"
        lines.append(f"{s['id']:<{sid}}  {date:<10}  {s['statements']:>5}  {cells}")
    return "\n".join(lines)


@app.command("trends")
@handle_errors
def trends_cli(
    sessions: Annotated[
        list[str] | None,
        typer.Argument(
            help="Sessions (default: all), comma-separated or several.", show_default=False
        ),
    ] = None,
    dimension: Annotated[
        str, typer.Option("--dimension", "-d", help="shifts, concepts or factors.")
    ] = "shifts",
    corpus: CorpusOption = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table, md or json.")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here.")
    ] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Also draw a heatmap to this PNG file.")
    ] = None,
    no_redact: NoRedactOption = False,
    templates: TemplatesOption = None,
    taxonomy: TaxonomyOption = None,
    debug: DebugOption = False,
) -> None:
    """A label × session matrix of shares of statements, sessions in date order."""
    from synth import resources
    from synth.analysis import compare
    from synth.output import charts, payloads, render

    if dimension not in DIMENSIONS:
        raise fail(f"unknown dimension '{dimension}'; use {', '.join(DIMENSIONS)}")
    if chart is not None and chart.suffix.lower() != ".png":
        raise fail(f"{chart}: the chart is a PNG; give a file name ending in .png")
    ids = compare.split_sessions(sessions or [])
    tax = load_taxonomy(taxonomy)
    with open_corpus(corpus) as db:
        result = compare.trends(db, tax, ids or None, dimension)
    if not result.sessions:
        raise fail("no sessions stored yet; run 'synth ingest NOTES' first")
    data = payloads.trends_to_dict(result, redacted=not no_redact)
    if fmt == "json":
        write_output(json.dumps(data, ensure_ascii=False, indent=2), output)
    elif fmt == "md":
        text = render.render("trends", data, resources.templates_dir(templates))
        write_output(text, output)
    elif len(result.sessions) > MAX_COLUMNS:
        write_output(_long_table(data), output)
    elif output is not None:
        write_output(as_text([_table(data)], width=160), output)
    else:
        out.print(_table(data))
    if chart is not None:
        charts.heatmap(result, chart, redacted=not no_redact)
        err.print(f"wrote {chart}", markup=False)

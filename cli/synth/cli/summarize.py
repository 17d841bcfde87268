"""synth summarize: a condensed Markdown handout of one session or several."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoRedactOption,
    TaxonomyOption,
    TemplatesOption,
    app,
    err,
    fail,
    handle_errors,
    load_taxonomy,
    open_corpus,
    write_output,
)


@app.command("summarize")
@handle_errors
def summarize_cli(
    sessions: Annotated[
        list[str],
        typer.Argument(help="Session ids (see 'synth sessions'); several are condensed together."),
    ],
    corpus: CorpusOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the handout here (default: stdout)."),
    ] = None,
    template: Annotated[
        str,
        typer.Option("--template", help="handout, brief, full, or the path of your own .j2 file."),
    ] = "handout",
    templates: TemplatesOption = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the labels: sv or en.")] = "sv",
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Also draw shifts and concepts as a PNG bar chart here."),
    ] = None,
    no_redact: NoRedactOption = False,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            help="Similarity (0–1) at which statements merge into one point.",
            show_default=False,
        ),
    ] = None,
    taxonomy: TaxonomyOption = None,
    debug: DebugOption = False,
) -> None:
    """Condense sessions into a Markdown handout: per shift and prompt, recurring concepts,
    cross-cutting themes and a source appendix."""
    from synth import resources
    from synth.analysis import handout
    from synth.output import charts, render

    if lang not in ("sv", "en"):
        raise fail(f"unknown language '{lang}'; use sv or en")
    if threshold is not None and not 0 < threshold <= 1:
        raise fail(f"--threshold {threshold} is out of range; give a number between 0 and 1")
    if chart is not None and chart.suffix.lower() != ".png":
        raise fail(f"--chart {chart}: give a file name ending in .png")
    tax = load_taxonomy(taxonomy)
    with open_corpus(corpus) as db:
        infos = db.sessions_by_ids(sessions)
        statements = [db.statements(s.id) for s in infos]
    link = None
    if chart is not None:
        # The Markdown links the chart relative to where the handout is written.
        base = output.parent if output is not None else Path.cwd()
        link = Path(os.path.relpath(chart.resolve(), base.resolve())).as_posix()
    context = handout.build_context(
        infos,
        statements,
        tax,
        lang,
        redact=not no_redact,
        threshold=threshold,
        chart=link,
    )
    text = render.render(template, context, resources.templates_dir(templates))
    if chart is not None:
        charts.write_chart(context, chart)
        err.print(f"wrote {chart}", markup=False)
    write_output(text, output)

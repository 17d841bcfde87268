"""synth summarize: a handout of one session or several (Markdown, Word or HTML)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoRedactOption,
    TaxonomyOption,
    TemplatesOption,
    app,
    fail,
    handle_errors,
    load_taxonomy,
    open_corpus,
    write_output,
)

if TYPE_CHECKING:
    from synth.output.handouts import HandoutFormat


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
    """Condense sessions into a handout: key messages, the notes' sections and prompts with
    whole statements, recurring concepts and success factors. Markdown by default; -o
    handout.docx writes Word, -o handout.html a printable web page."""
    from synth import resources
    from synth.output.handouts import make_handout

    if lang not in ("sv", "en"):
        raise fail(f"unknown language '{lang}'; use sv or en")
    if threshold is not None and not 0 < threshold <= 1:
        raise fail(f"--threshold {threshold} is out of range; give a number between 0 and 1")
    if chart is not None and chart.suffix.lower() != ".png":
        raise fail(f"--chart {chart}: give a file name ending in .png")
    fmt = output_format(output)
    if fmt == "docx" and template not in ("handout", "full"):
        raise fail(f"-o {output}: a Word handout uses --template handout or full")
    tax = load_taxonomy(taxonomy)
    with open_corpus(corpus) as db:
        infos = db.sessions_by_ids(sessions)
        statements = [db.statements(s.id) for s in infos]
    link = None
    if chart is not None and fmt == "md":
        # The Markdown links the chart relative to where the handout is written.
        base = output.parent if output is not None else Path.cwd()
        link = Path(os.path.relpath(chart.resolve(), base.resolve())).as_posix()
    done = make_handout(
        infos,
        statements,
        tax,
        fmt=fmt,
        template=template,
        templates_dir=resources.templates_dir(templates),
        lang=lang,
        redact=not no_redact,
        threshold=threshold,
        chart=chart is not None,
        chart_link=link,
    )
    if chart is not None and done.chart is not None:
        write_output(done.chart, chart)
    write_output(done.content, output)


def output_format(output: Path | None) -> HandoutFormat:
    """md, html or docx, from the output file's suffix (Markdown on stdout)."""
    suffix = output.suffix.lower() if output is not None else ""
    if suffix == ".docx":
        return "docx"
    if suffix in (".html", ".htm"):
        return "html"
    return "md"

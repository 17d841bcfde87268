"""synth summarize: render a session's handout in Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    TaxonomyOption,
    app,
    fail,
    handle_errors,
    load_taxonomy,
    open_corpus,
    write_output,
)


@app.command("summarize")
@handle_errors
def summarize_cli(
    session: Annotated[str, typer.Argument(help="Session id (see 'synth sessions').")],
    corpus: CorpusOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the handout here (default: stdout)."),
    ] = None,
    template: Annotated[
        str, typer.Option("--template", help="Template name (handout) or path of a .j2 file.")
    ] = "handout",
    templates: Annotated[
        Path | None, typer.Option("--templates", help="Folder of templates.", show_default=False)
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Handout language: sv or en.")] = "sv",
    taxonomy: TaxonomyOption = None,
    debug: DebugOption = False,
) -> None:
    """Render a Markdown handout of a session: per shift and prompt, with concept tags."""
    from synth import handout, resources

    if lang not in ("sv", "en"):
        raise fail(f"unknown language '{lang}'; use sv or en")
    tax = load_taxonomy(taxonomy)
    with open_corpus(corpus) as db:
        info = db.sessions_by_ids([session])[0]
        statements = db.statements(session)
    context = handout.build_context(info, statements, tax, lang)
    text = handout.render(template, context, resources.templates_dir(templates))
    write_output(text, output)

"""synth retag: tag stored statements again after the taxonomy changed."""

from __future__ import annotations

from typing import Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoModelOption,
    TaxonomyOption,
    app,
    handle_errors,
    make_tagger,
    open_corpus,
    out,
    statements,
)


@app.command("retag")
@handle_errors
def retag_cli(
    sessions: Annotated[
        list[str] | None, typer.Argument(help="Session ids (default: every session).")
    ] = None,
    corpus: CorpusOption = None,
    taxonomy: TaxonomyOption = None,
    no_model: NoModelOption = False,
    debug: DebugOption = False,
) -> None:
    """Tag the stored statements again with the current taxonomy and classifier (after
    'synth train', the corpus's own); no source files needed."""
    from synth.analysis.retag import retag

    tagger = make_tagger(taxonomy, corpus, model=not no_model)
    with open_corpus(corpus, write=True) as db:
        results = retag(db, tagger, sessions or [])
    for r in results:
        out.print(
            f"retagged {r.session_id}  {statements(r.statements)}, {r.tagged} tagged, "
            f"{r.changed} changed",
            markup=False,
        )
    if not results:
        out.print("no sessions stored yet; nothing to retag", markup=False)

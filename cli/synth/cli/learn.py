"""synth learn: store a facilitator's corrected tags as training examples."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    TaxonomyOption,
    app,
    handle_errors,
    load_taxonomy,
    open_corpus,
    out,
)


@app.command("learn")
@handle_errors
def learn_cli(
    file: Annotated[
        Path,
        typer.Argument(
            help="Corrected statements: 'synth export --format csv' or JSON lines output "
            "(or 'synth show --format json'), edited; or coded JSON lines as for 'synth eval'."
        ),
    ],
    corpus: CorpusOption = None,
    taxonomy: TaxonomyOption = None,
    debug: DebugOption = False,
) -> None:
    """Store corrected statements in the corpus; 'synth train' then learns from them."""
    from synth.training import learn

    tax = load_taxonomy(taxonomy)
    with open_corpus(corpus, create=True) as db:
        result = learn(db, file, tax)
    out.print(
        f"learnt {result.added} new and {result.updated} corrected statement(s) from "
        f"{file.name}; {result.total} example(s) in the corpus. Run 'synth train' to use them.",
        markup=False,
    )

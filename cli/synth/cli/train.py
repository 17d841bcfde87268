"""synth train: retrain the classifier on the shipped corpus plus the corpus's examples."""

from __future__ import annotations

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    TaxonomyOption,
    app,
    err,
    handle_errors,
    load_taxonomy,
    open_corpus,
    out,
)


@app.command("train")
@handle_errors
def train_cli(
    corpus: CorpusOption = None,
    taxonomy: TaxonomyOption = None,
    debug: DebugOption = False,
) -> None:
    """Retrain the classifier with the examples stored by 'synth learn'; the model is kept
    beside the corpus and used by tag, ingest and retag ('synth eval' compares it)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from synth.training import train_corpus

    tax = load_taxonomy(taxonomy)
    with (
        open_corpus(corpus) as db,
        Progress(
            TextColumn("training"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress,
    ):
        task = progress.add_task("training", total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = train_corpus(db, tax, progress=step)
    added = sum(1 for t in result.thresholds.values() if t != float("inf"))
    out.print(
        f"trained {result.path} on {result.train} statements (dev {result.dev}); the model "
        f"adds {added} label(s) the terms miss. 'synth retag' tags stored sessions with it.",
        markup=False,
    )

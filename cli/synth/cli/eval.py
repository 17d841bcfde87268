"""synth eval: score the tagging against hand-coded statements, three ways side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoModelOption,
    TableFormat,
    TaxonomyOption,
    app,
    handle_errors,
    load_taxonomy,
    make_classifier,
    out,
    print_wide,
    statements,
)

if TYPE_CHECKING:
    from rich.table import Table

    from synth.analysis.evaluation import EvalReport
    from synth.pipeline.tagging import Tagger


def _taggers(taxonomy: Path | None, corpus: Path | None, model: bool) -> dict[str, Tagger]:
    """Taxonomy only, model only and hybrid; the corpus's own model beside the shipped one
    once 'synth train' made it (before and after learning)."""
    from synth import resources
    from synth.pipeline.tagging import Tagger
    from synth.store import default_corpus

    tax = load_taxonomy(taxonomy)
    taggers = {"taxonomy": Tagger(tax)}
    if not model:
        return taggers
    shipped = make_classifier(None, shipped=True)
    own_dir = resources.model_dir(corpus or default_corpus())
    own = None if own_dir == shipped.path else make_classifier(corpus)
    suffix = " (shipped)" if own else ""
    taggers[f"model{suffix}"] = Tagger(tax, classifier=shipped, terms=False)
    taggers[f"hybrid{suffix}"] = Tagger(tax, classifier=shipped)
    if own is not None:
        taggers["model (corpus)"] = Tagger(tax, classifier=own, terms=False)
        taggers["hybrid (corpus)"] = Tagger(tax, classifier=own)
    return taggers


@app.command("eval")
@handle_errors
def eval_cli(
    gold: Annotated[Path, typer.Argument(help="Coded statements (JSON lines or CSV).")],
    taxonomy: TaxonomyOption = None,
    corpus: CorpusOption = None,
    no_model: NoModelOption = False,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = "table",
    misses: Annotated[
        bool, typer.Option("--misses", help="List statements where tags and coding differ.")
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Precision, recall, F1 (micro, macro) and Cohen's kappa per dimension of taxonomy-only,
    model-only and hybrid tagging; per label for the tagging the commands use."""
    from synth.analysis.evaluation import compare_methods

    reports = compare_methods(gold, _taggers(taxonomy, corpus, not no_model))
    # The tagging that tag, ingest and retag use: the last one.
    current = reports[-1]
    if fmt == "json":
        data = current.as_dict()
        data["method"] = current.method
        data["methods"] = {
            r.method: {d.dimension: d.summary() for d in r.dimensions} for r in reports
        }
        if not misses:
            data.pop("misses")
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    print_wide(_methods_table(reports))
    _print_labels(current)
    out.print(f"{statements(current.statements)} scored", markup=False)
    if misses:
        _print_misses(current)


def _methods_table(reports: list[EvalReport]) -> Table:
    from rich.table import Table

    table = Table(title="micro P / R / F1, macro F1 and mean kappa", title_justify="left")
    for col in ("dimension", "method", "P", "R", "F1", "macro F1", "kappa"):
        table.add_column(col, justify="left" if col in ("dimension", "method") else "right")
    for i, dim in enumerate(reports[0].dimensions):
        for n, report in enumerate(reports):
            d = report.dimensions[i]
            table.add_row(
                dim.dimension if n == 0 else "",
                report.method,
                f"{d.micro_precision:.3f}",
                f"{d.micro_recall:.3f}",
                f"{d.micro_f1:.3f}",
                f"{d.macro_f1:.3f}",
                f"{d.kappa:.3f}",
                end_section=n == len(reports) - 1,
            )
    return table


def _print_labels(report: EvalReport) -> None:
    from rich.table import Table

    for dim in report.dimensions:
        table = Table(
            title=(
                f"{dim.dimension}, {report.method}: micro P {dim.micro_precision:.3f}  "
                f"R {dim.micro_recall:.3f}  F1 {dim.micro_f1:.3f}   macro F1 {dim.macro_f1:.3f}"
            ),
            title_justify="left",
        )
        for col in ("label", "precision", "recall", "F1", "kappa", "support", "tp", "fp", "fn"):
            table.add_column(col, justify="left" if col == "label" else "right")
        for s in dim.labels:
            table.add_row(
                s.label,
                f"{s.precision:.2f}",
                f"{s.recall:.2f}",
                f"{s.f1:.2f}",
                f"{s.kappa:.2f}",
                str(s.support),
                str(s.tp),
                str(s.fp),
                str(s.fn),
            )
        print_wide(table)


def _print_misses(report: EvalReport) -> None:
    out.print(f"\n{len(report.misses)} statement(s) where tags and coding differ:", markup=False)
    for m in report.misses:
        line = f"{m.id}  {m.dimension}"
        if m.missed:
            line += f"  missed: {', '.join(m.missed)}"
        if m.extra:
            line += f"  extra: {', '.join(m.extra)}"
            if m.evidence:
                line += f" [{'; '.join(m.evidence)}]"
        out.print(f"{line}\n    {m.text}", markup=False)

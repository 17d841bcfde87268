"""synth eval: score the tagger against hand-coded statements."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from synth.cli._util import (
    DebugOption,
    TableFormat,
    TaxonomyOption,
    app,
    handle_errors,
    make_tagger,
    out,
)


@app.command("eval")
@handle_errors
def eval_cli(
    gold: Annotated[Path, typer.Argument(help="JSONL of hand-coded statements.")],
    taxonomy: TaxonomyOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = "table",
    misses: Annotated[
        bool, typer.Option("--misses", help="List statements where tags and coding differ.")
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Per-label precision, recall, F1 and Cohen's kappa; micro and macro F1 per dimension."""
    from synth.analysis.evaluation import evaluate

    report = evaluate(gold, make_tagger(taxonomy))
    if fmt == "json":
        data = report.as_dict()
        if not misses:
            data.pop("misses")
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    for dim in report.dimensions:
        table = Table(
            title=(
                f"{dim.dimension}: micro P {dim.micro_precision:.3f}  R {dim.micro_recall:.3f}  "
                f"F1 {dim.micro_f1:.3f}   macro F1 {dim.macro_f1:.3f}"
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
        out.print(table)
    out.print(f"{report.statements} statements scored", markup=False)
    if misses:
        out.print(
            f"\n{len(report.misses)} statement(s) where tags and coding differ:", markup=False
        )
        for m in report.misses:
            line = f"{m.id}  {m.dimension}"
            if m.missed:
                line += f"  missed: {', '.join(m.missed)}"
            if m.extra:
                line += f"  extra: {', '.join(m.extra)}"
                if m.evidence:
                    line += f" [{'; '.join(m.evidence)}]"
            out.print(f"{line}\n    {m.text}", markup=False)

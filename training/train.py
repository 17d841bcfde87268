"""Rebuild the shipped classifier (make train) and print its scores.

Two runs, both from corpus/coded and training/split.toml, with the seed of the config:

1. The split run (build/split-model): trained on the train families, the checkpoint
   best on the dev families kept, the thresholds and vetoes tuned on dev (kept within
   the terms' errors on the --guard file, dev-gold). Its micro P/R/F1 of taxonomy-only,
   model-only and hybrid tagging on dev, test and the gold files given are the figures
   of docs/tagging.md: the test families were never used to train or tune it.
2. The shipped run (training/model): trained on every family (train, dev and test) for
   as many epochs as the split run's best checkpoint had seen (the same passes over more
   data; no family is left to pick a checkpoint on), with the split run's thresholds and
   vetoes, each moved only as far as needed to keep the hybrid within the terms' errors
   on the guard file; its scores on the gold files follow.

    python training/train.py [--guard DEV-GOLD.jsonl] [GOLD.jsonl ...]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from synth import taxonomy
from synth.analysis.evaluation import evaluate_statements, methods
from synth.coded import read_coded
from synth.models import CodedStatement
from synth.pipeline.classifier import Classifier
from synth.taxonomy import Taxonomy
from synth.training import shipped_splits, train_classifier

ROOT = Path(__file__).resolve().parent.parent
SPLIT_MODEL = ROOT / "build" / "split-model"
SHIPPED_MODEL = ROOT / "training" / "model"


def progress(done: int, total: int, last: list[float] = [0.0]) -> None:  # noqa: B006
    if time.perf_counter() - last[0] > 5 or done == total:
        last[0] = time.perf_counter()
        print(f"step {done}/{total}", file=sys.stderr, flush=True)


def print_scores(
    title: str, tax: Taxonomy, model: Path, sets: dict[str, Sequence[CodedStatement]]
) -> None:
    taggers = methods(tax, Classifier(model))
    print(f"\n{title}\n")
    print("| set | dimension | taxonomy P / R / F1 | model P / R / F1 | hybrid P / R / F1 |")
    print("|---|---|---|---|---|")
    for set_name, statements in sets.items():
        reports = [evaluate_statements(list(statements), t, m) for m, t in taggers.items()]
        for i, dim in enumerate(reports[0].dimensions):
            cells = []
            for report in reports:
                d = report.dimensions[i]
                cells.append(f"{d.micro_precision:.2f} / {d.micro_recall:.2f} / {d.micro_f1:.2f}")
            row = f"| {set_name} ({len(statements)}) | {dim.dimension} | "
            print(row + " | ".join(cells) + " |")


def main(args: list[str]) -> None:
    guard_files = []
    if args[:1] == ["--guard"]:
        guard_files, args = args[1:2], args[2:]
    tax = taxonomy.load(ROOT / "taxonomy.yaml")
    splits = shipped_splits(ROOT / "corpus" / "coded", ROOT / "training" / "split.toml")
    print({k: len(v) for k, v in splits.items()}, file=sys.stderr)
    gold = {Path(name).name: read_coded(Path(name)) for name in guard_files + args}
    guard = [st for name in guard_files for st in gold[Path(name).name]]

    start = time.perf_counter()
    split_run = train_classifier(
        splits["train"], splits["dev"], SPLIT_MODEL, tax, progress=progress, guard=guard
    )
    print(f"split run trained in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    print_scores(
        f"Split run ({SPLIT_MODEL.relative_to(ROOT)}): trained on the train families, tuned on dev",
        tax,
        SPLIT_MODEL,
        {"dev split": splits["dev"], "test split": splits["test"], **gold},
    )

    start = time.perf_counter()
    every = splits["train"] + splits["dev"] + splits["test"]
    epochs = split_run.best_step / split_run.epoch_steps
    steps = round(epochs * len(every) / len(splits["train"]) * split_run.epoch_steps)
    print(
        f"best split checkpoint: step {split_run.best_step} ({epochs:.1f} epochs)", file=sys.stderr
    )
    train_classifier(
        every,
        splits["dev"],
        SHIPPED_MODEL,
        tax,
        progress=progress,
        guard=guard,
        decision_from=SPLIT_MODEL,
        steps=steps,
    )
    print(f"shipped model trained in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    print_scores(
        "Shipped model (training/model): trained on every family, the split run's "
        "thresholds and vetoes",
        tax,
        SHIPPED_MODEL,
        gold,
    )


if __name__ == "__main__":
    main(sys.argv[1:])

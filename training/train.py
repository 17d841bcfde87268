"""Rebuild the shipped classifier (make train) and print its scores.

Trains on the train split of corpus/coded (training/split.toml), keeps the checkpoint best
on dev, tunes the thresholds on dev and writes training/model; then prints micro P/R/F1
of taxonomy-only, model-only and hybrid tagging on dev, test and the gold files given.

    python training/train.py [GOLD.jsonl ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from synth import taxonomy
from synth.analysis.evaluation import evaluate_statements
from synth.coded import read_coded
from synth.pipeline.classifier import Classifier
from synth.pipeline.tagging import Tagger
from synth.training import shipped_splits, train_classifier

ROOT = Path(__file__).resolve().parent.parent


def main(gold_files: list[str]) -> None:
    tax = taxonomy.load(ROOT / "taxonomy.yaml")
    splits = shipped_splits(ROOT / "corpus" / "coded", ROOT / "training" / "split.toml")
    print({k: len(v) for k, v in splits.items()}, file=sys.stderr)
    start = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 5 or done == total:
            last[0] = time.perf_counter()
            print(f"step {done}/{total}", file=sys.stderr, flush=True)

    model = ROOT / "training" / "model"
    train_classifier(splits["train"], splits["dev"], model, tax, progress=progress)
    print(f"trained in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    classifier = Classifier(model)
    taggers = {
        "taxonomy": Tagger(tax),
        "model": Tagger(tax, classifier=classifier, terms=False),
        "hybrid": Tagger(tax, classifier=classifier),
    }
    sets = {"dev split": splits["dev"], "test split": splits["test"]}
    for name in gold_files:
        sets[Path(name).name] = read_coded(Path(name))
    print("| set | dimension | taxonomy P / R / F1 | model P / R / F1 | hybrid P / R / F1 |")
    print("|---|---|---|---|---|")
    for set_name, statements in sets.items():
        reports = [evaluate_statements(statements, t, m) for m, t in taggers.items()]
        for i, dim in enumerate(reports[0].dimensions):
            cells = []
            for report in reports:
                d = report.dimensions[i]
                cells.append(f"{d.micro_precision:.2f} / {d.micro_recall:.2f} / {d.micro_f1:.2f}")
            row = f"| {set_name} ({len(statements)}) | {dim.dimension} | "
            print(row + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])

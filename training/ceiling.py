"""How far the classifier carries on the shipped codes: scored on statements of families it
was trained on, and on families it never saw (docs/tagging.md, "How far a model of words
goes on these codes").

corpus/coded is cut into folds twice: by statement (drawn with a fixed seed: every family
is in every fold) and by family (whole families, the largest first into the smallest
fold). For fold k the test statements are fold k, the dev statements (checkpoint,
thresholds and vetoes) fold k+1 and the training statements the others, trained and tuned
as `make train`'s split run is. The test folds' counts are pooled into one micro P / R /
F1 per dimension, for the terms alone, the model alone and the hybrid. When the two cuts
score about the same, what the hybrid misses on new families is not the families' other
wording but what the codes ask of a model that reads words.

    python training/ceiling.py [--guard DEV-GOLD.jsonl] [--folds 5]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from synth import taxonomy
from synth.analysis.evaluation import LabelScore, evaluate_statements, methods
from synth.coded import read_coded
from synth.models import CodedStatement
from synth.pipeline.classifier import Classifier
from synth.training import read_shipped, train_classifier

ROOT = Path(__file__).resolve().parent.parent
SEED = 13


def by_statement(statements: Sequence[CodedStatement], k: int) -> list[list[CodedStatement]]:
    """``k`` folds of statements drawn at random (the same every time)."""
    order = list(statements)
    random.Random(SEED).shuffle(order)
    return [order[i::k] for i in range(k)]


def by_family(statements: Sequence[CodedStatement], k: int) -> list[list[CodedStatement]]:
    """``k`` folds of whole families, the largest family first into the smallest fold."""
    families: dict[str, list[CodedStatement]] = defaultdict(list)
    for st in statements:
        families[st.family].append(st)
    folds: list[list[CodedStatement]] = [[] for _ in range(k)]
    for name in sorted(families, key=lambda f: (-len(families[f]), f)):
        min(folds, key=len).extend(families[name])
    return folds


def run(
    name: str,
    folds: list[list[CodedStatement]],
    tax: taxonomy.Taxonomy,
    guard: Sequence[CodedStatement],
) -> dict[str, dict[str, list[int]]]:
    """Pooled (tp, fp, fn) per method and dimension over the test folds."""
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    k = len(folds)
    for i in range(k):
        test, dev = folds[i], folds[(i + 1) % k]
        train = [st for j in range(k) if j not in (i, (i + 1) % k) for st in folds[j]]
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="synth-ceiling-") as tmp:
            model = Path(tmp) / "model"
            train_classifier(train, dev, model, tax, guard=guard)
            for method, tagger in methods(tax, Classifier(model)).items():
                for dim in evaluate_statements(test, tagger).dimensions:
                    c = counts[method][dim.dimension]
                    for s in dim.labels:
                        c[0] += s.tp
                        c[1] += s.fp
                        c[2] += s.fn
        seconds = time.perf_counter() - start
        print(
            f"{name} fold {i + 1}/{k}: {len(train)} train, {len(dev)} dev, "
            f"{len(test)} test ({seconds:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
    return counts


def prf(c: list[int]) -> str:
    """Micro P / R / F1 of pooled (tp, fp, fn)."""
    s = LabelScore("", "", *c, tn=0)
    return f"{s.precision:.2f} / {s.recall:.2f} / {s.f1:.2f}"


def main(args: list[str]) -> None:
    guard: list[CodedStatement] = []
    k = 5
    while args:
        if len(args) < 2:
            sys.exit("usage: python training/ceiling.py [--guard DEV-GOLD.jsonl] [--folds 5]")
        flag, value, args = args[0], args[1], args[2:]
        if flag == "--guard":
            guard = read_coded(Path(value))
        elif flag == "--folds":
            k = int(value)
        else:
            sys.exit(f"ceiling.py: unknown option {flag}")
    tax = taxonomy.load(ROOT / "taxonomy.yaml")
    statements = read_shipped(ROOT / "corpus" / "coded")
    results = {
        "by statement": run("by statement", by_statement(statements, k), tax, guard),
        "by family": run("by family", by_family(statements, k), tax, guard),
    }
    print(f"\n{len(statements)} statements, {k} folds, pooled micro P / R / F1\n")
    print("| folds | dimension | taxonomy | model | hybrid |")
    print("|---|---|---|---|---|")
    for name, counts in results.items():
        for dim in counts["hybrid"]:
            cells = " | ".join(prf(by_dim[dim]) for by_dim in counts.values())
            print(f"| {name} | {dim} | {cells} |")


if __name__ == "__main__":
    main(sys.argv[1:])

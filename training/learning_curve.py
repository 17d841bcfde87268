"""How the split run's dev scores grow with training data (the learning curve).

Trains the split run's model (training/textcat.cfg, its seed) on a share of the train
statements of corpus/coded, tunes its thresholds and vetoes on the dev families as `make
train` does (kept within the terms' errors on the --guard file), and prints the micro
P/R/F1 of the model alone and of the hybrid on the dev families. The test families are
not read. The share is of each train family's statements (more of the same voices) or,
with --families, of the train families, whole (more voices); the same statements for a
share every time (a fixed shuffle), each share holding the smaller ones, and the whole in
its order for a share of 1 (the split run of `make train`).

    python training/learning_curve.py [--guard DEV-GOLD.jsonl] [--families] [SHARE ...]

The shares are 0.25 0.5 0.75 1 unless given; the models go to build/curve-<share>/.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from pathlib import Path

from synth import taxonomy
from synth.analysis.evaluation import evaluate_statements
from synth.coded import read_coded
from synth.models import CodedStatement
from synth.pipeline.classifier import Classifier
from synth.pipeline.tagging import Tagger
from synth.training import shipped_splits, train_classifier

ROOT = Path(__file__).resolve().parent.parent
SHARES = (0.25, 0.5, 0.75, 1.0)
SEED = 7


def share_of_families(
    statements: Sequence[CodedStatement], share: float, *, whole: bool = False
) -> list[CodedStatement]:
    """The first ``share`` of each family's statements in a fixed shuffled order or, with
    ``whole``, all the statements of the first ``share`` of the families in a fixed
    shuffled order (all of them, in their order, for a share of 1)."""
    if share >= 1:
        return list(statements)
    families: dict[str, list[CodedStatement]] = {}
    for st in statements:
        families.setdefault(st.family, []).append(st)
    rng = random.Random(SEED)
    if whole:
        names = sorted(families)
        rng.shuffle(names)
        kept = set(names[: round(len(names) * share)])
        return [st for st in statements if st.family in kept]
    out: list[CodedStatement] = []
    for family in sorted(families):
        members = families[family]
        rng.shuffle(members)
        out += members[: round(len(members) * share)]
    return out


def main(args: list[str]) -> None:
    guard_files = []
    if args[:1] == ["--guard"]:
        guard_files, args = args[1:2], args[2:]
    whole = "--families" in args
    args = [a for a in args if a != "--families"]
    shares = [float(a) for a in args] or list(SHARES)
    tax = taxonomy.load(ROOT / "taxonomy.yaml")
    splits = shipped_splits(ROOT / "corpus" / "coded", ROOT / "training" / "split.toml")
    guard = [st for name in guard_files for st in read_coded(Path(name))]
    dev = splits["dev"]
    unit = "train families" if whole else "each train family"
    print(f"| share of {unit} | statements | dimension | model P / R / F1 | hybrid P / R / F1 |")
    print("|---|---|---|---|---|")
    for share in shares:
        train = share_of_families(splits["train"], share, whole=whole)
        model = ROOT / "build" / f"curve-{share:g}"
        train_classifier(train, dev, model, tax, guard=guard)
        classifier = Classifier(model)
        reports = [
            evaluate_statements(list(dev), Tagger(tax, classifier=classifier, terms=False)),
            evaluate_statements(list(dev), Tagger(tax, classifier=classifier)),
        ]
        for i, dim in enumerate(reports[0].dimensions):
            cells = [
                f"{d.micro_precision:.2f} / {d.micro_recall:.2f} / {d.micro_f1:.2f}"
                for d in (r.dimensions[i] for r in reports)
            ]
            print(f"| {share:.0%} | {len(train)} | {dim.dimension} | " + " | ".join(cells) + " |")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])

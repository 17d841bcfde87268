"""Agreement between the two independent coders of the double-coded sample, and between
each of them and the labels the statements carry in the corpus.

    python corpus/coded/double-coding/agreement.py

Prints Cohen's kappa per label and micro-F1 per dimension (one coder taken as the
reference; micro-F1 is symmetric). The statements' texts are in the corpus files one
folder up; the coders saw only the texts and docs/annotation-guide.md.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
DIMENSIONS = ("shifts", "concepts", "factors")


def load(path: Path) -> dict[str, dict[str, set[str]]]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {r["id"]: {d: set(r.get(d) or []) for d in DIMENSIONS} for r in rows}


def kappa(x: list[bool], y: list[bool]) -> float:
    n = len(x)
    observed = sum(a == b for a, b in zip(x, y, strict=True)) / n
    pa, pb = sum(x) / n, sum(y) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def micro_f1(p: list[set[str]], q: list[set[str]]) -> float:
    tp = sum(len(a & b) for a, b in zip(p, q, strict=True))
    fp_fn = sum(len(a ^ b) for a, b in zip(p, q, strict=True))
    return 2 * tp / (2 * tp + fp_fn) if tp + fp_fn else 1.0


def main() -> None:
    a = load(HERE / "coder-a.jsonl")
    b = load(HERE / "coder-b.jsonl")
    corpus: dict[str, dict[str, set[str]]] = {}
    for path in sorted(HERE.parent.glob("*.jsonl")):
        corpus.update(load(path))
    ids = list(a)
    print(f"{len(ids)} statements coded twice\n")
    print("| dimension | label | κ A–B | κ A–corpus | κ B–corpus |")
    print("|---|---|---:|---:|---:|")
    for dim in DIMENSIONS:
        labels = sorted({lab for s in (a, b) for i in ids for lab in s[i][dim]})
        for lab in labels:
            xa = [lab in a[i][dim] for i in ids]
            xb = [lab in b[i][dim] for i in ids]
            xc = [lab in corpus[i][dim] for i in ids]
            print(
                f"| {dim} | {lab} | {kappa(xa, xb):.2f} | {kappa(xa, xc):.2f} | {kappa(xb, xc):.2f} |"
            )
    print("\n| dimension | micro-F1 A–B | A–corpus | B–corpus |")
    print("|---|---:|---:|---:|")
    for dim in DIMENSIONS:
        pa, pb, pc = ([s[i][dim] for i in ids] for s in (a, b, corpus))
        print(f"| {dim} | {micro_f1(pa, pb):.2f} | {micro_f1(pa, pc):.2f} | {micro_f1(pb, pc):.2f} |")


if __name__ == "__main__":
    main()

"""How long condensation takes as sessions grow (run: .venv/bin/python bench/bench_condense.py).

Builds sessions of N statements from the example notes (each with a word of its own, so that
repeats are near-duplicates rather than exact ones) and times ``synth.analysis.condense.condense``.
"""

from __future__ import annotations

import time
from pathlib import Path

from synth.analysis.condense import condense
from synth.models import Statement

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "corpus" / "examples"


def example_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted(EXAMPLES.iterdir()):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip().lstrip("-* ").strip()
            if len(text.split()) >= 3:
                lines.append(text)
    return lines


def statements(n: int, lines: list[str]) -> list[Statement]:
    out = []
    for i in range(n):
        text = f"{lines[i % len(lines)]} (ärende{i})"  # a word of its own, shared by none
        out.append(Statement(text, "bench.txt", i + 1, i + 1, 0, len(text), "bullet"))
    return out


def main() -> None:
    lines = example_lines()
    condense(statements(10, lines))  # build the pipeline once, outside the timings
    print(f"{'statements':>10} {'points':>7} {'seconds':>8}")
    for n in (100, 500, 1000, 2000):
        sts = statements(n, lines)
        start = time.perf_counter()
        clusters = condense(sts)
        elapsed = time.perf_counter() - start
        print(f"{n:>10} {len(clusters):>7} {elapsed:>8.2f}")


if __name__ == "__main__":
    main()

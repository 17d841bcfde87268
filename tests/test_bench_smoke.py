"""The benchmark still runs: a smoke run at tiny sizes prints the whole table."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

ROWS = [
    "Tagging one-statement lines (2,0",  # the words vary a little with the pool
    "Tagging paragraphs (2,0",
    "`synth tag --format jsonl --lines -`, one-statement lines",
    "`synth tag --format jsonl --lines -`, paragraphs",
    "Peak memory (PSS) of `synth tag --lines -`, one-statement lines",
    "Peak memory (PSS) of `synth tag --lines -`, paragraphs",
    "Ingest 1×",
    "Ingest 4×",
    "Ingest 16× (",
    "Ingest 16×: floor",
    "Ingest ratio synth ingest (16×) / floor",
    "Ingest cost growth",
    "Peak memory of ingest at 16×",
    "Ingest 16× with --jobs 2 (",
    "Peak memory of ingest 16× with --jobs 2: summed PSS",
    "Peak memory of ingest,",
    "`synth --help`",
    "`synth summarize`",
    "`synth diff`",
    "`synth trends`",
    "`synth search`",
    "Corpus size",
]


def test_smoke_run_prints_a_markdown_table_with_every_row() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "| Measure | Value | Target | Result |" in lines
    rows = [line for line in lines if line.startswith("| ") and "Measure" not in line]
    for name in ROWS:
        matching = [r for r in rows if r.startswith("| " + name)]
        # The tagging rows come in threes: floor, stock baseline, synth.
        expected = 3 if name.startswith("Tagging") else 1
        assert len(matching) == expected, f"row {name!r} missing or repeated in:\n{done.stdout}"
        value = matching[0].split(" | ")[1]
        assert value.strip(), f"row {name!r} has no value"
    # Measured figures are numbers, and every row with a target got a verdict.
    assert re.search(
        r"synth Tagger.tag_texts, terms \+ classifier, ratio to floor"
        r" \| [\d,]+ words/s \(\d+\.\d\d× floor\)",
        done.stdout,
    )
    assert re.search(r"Ingest ratio synth ingest \(16×\) / floor \| \d+\.\d\d \|", done.stdout)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        if cells[2] and cells[1] not in ("not available",) and "not measured" not in cells[1]:
            assert cells[3] in ("ok", "missed"), row
    # The commands run on the generated sessions and exit 0 (no "(exit N)" after the time).
    summarize = next(r for r in rows if r.startswith("| `synth summarize`"))
    assert re.search(r"on 12 sessions \| \d+\.\d\d s \(\d+\.\d× --help\) \|", summarize), summarize


def test_several_runs_give_the_median_run_and_the_spread() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run as bench
    finally:
        sys.path.remove(str(ROOT / "bench"))

    def ratio(figure: float) -> list[bench.Row]:
        verdict = "ok" if figure >= 0.5 else "missed"
        return [
            bench.Row("ratio", f"{figure:.2f}×", "≥ 0.5×", verdict, figure, bench.TIMES),
            bench.Row("machine", "2 cores"),
        ]

    rows, spreads = bench.merge_runs([ratio(0.48), ratio(0.61), ratio(0.52)])
    assert [r.value for r in rows] == ["0.52×", "2 cores"]
    assert rows[0].result == "ok"
    table = bench.table(rows, spreads)
    assert "| Measure | Value (median run) | Spread of 3 runs | Target | Result |" in table
    assert "| ratio | 0.52× | 0.48× – 0.61× | ≥ 0.5× | ok |" in table
    assert "| machine | 2 cores |  |  |  |" in table

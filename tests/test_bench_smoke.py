"""The benchmark still runs: a smoke run at tiny sizes prints the whole table."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

ROWS = [
    "Tagging, baseline spaCy",
    "Tagging, synth Tagger",
    "Tagging ratio synth / baseline",
    "Ingest 1×",
    "Ingest 4×",
    "Ingest 16× (",
    "Ingest ratio",
    "Ingest cost growth",
    "Peak memory of ingest at 16×",
    "Ingest 16× with --jobs 2",
    "Peak memory of ingest,",
    "`synth --help`",
    "`synth summarize`",
    "`synth diff`",
    "`synth trends`",
    "`synth search`",
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
        assert len(matching) == 1, f"row {name!r} missing or repeated in:\n{done.stdout}"
        value = matching[0].split(" | ")[1]
        assert value.strip(), f"row {name!r} has no value"
    # Measured figures are numbers, and every row with a target got a verdict.
    assert re.search(r"Tagging ratio synth / baseline \| \d+\.\d\d \|", done.stdout)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        if cells[2] and cells[1] not in ("not available",) and "not measured" not in cells[1]:
            assert cells[3] in ("ok", "missed"), row
    # The commands run on the generated sessions and exit 0 (no "(exit N)" after the time).
    summarize = next(r for r in rows if r.startswith("| `synth summarize`"))
    assert re.search(r"on 12 sessions \| \d+\.\d\d s \|", summarize), summarize

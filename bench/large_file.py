"""Peak memory of ingesting one large .txt file, by default of 1 MB, 20 MB and 200 MB.

Each file is recombined from the benchmark's paragraphs (``bench/corpus.py``) to the size
asked for and ingested by ``synth`` in a process of its own (``bench/ingest_child.py``,
with ``--max-size`` above the file), the tagger built before the clock starts. Prints a
Markdown table: size, statements, time and the process's peak resident memory (VmHWM).
Memory should not grow with the file: a .txt or .md over 2 MB is read a part at a time.
The 200 MB file takes about half an hour on a loaded 2-core machine.

    python bench/large_file.py            # 1, 20 and 200 MB
    python bench/large_file.py 1 20       # other sizes, in MB
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import corpus
from run import as_float, log, machine, run_ingest

# The 200 MB file's peak within this factor of the 20 MB file's (docs/performance.md).
GROWTH_TARGET = 1.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=float, default=[1.0, 20.0, 200.0])
    args = parser.parse_args(argv)
    pool = corpus.load_pool()
    rows = ["| File | Words | Statements | Time | Peak memory (VmHWM) |", "|---|---|---|---|---|"]
    peaks: dict[float, float] = {}
    with tempfile.TemporaryDirectory(prefix="synth-large-") as tmp:
        for size in args.sizes:
            folder = Path(tmp) / f"{size:g}mb"
            words = corpus.write_large_file(folder / "notes.txt", pool, size, seed=int(size))
            log(f"ingest one file of {size:g} MB ({words:,} words)")
            result = run_ingest(folder, Path(tmp) / f"{size:g}.db", max_mb=size * 1.25 + 1)
            (folder / "notes.txt").unlink()
            peaks[size] = as_float(result["peak_rss_mb"])
            rows.append(
                f"| {size:g} MB .txt | {words:,} | {result['statements']:,} |"
                f" {as_float(result['seconds']):.0f} s | {peaks[size]:.0f} MB |"
            )
    print(
        f"`python bench/large_file.py {' '.join(f'{s:g}' for s in args.sizes)}` — {machine()},"
        f" {time.strftime('%Y-%m-%d')}\n"
    )
    print("\n".join(rows))
    if len(peaks) > 1:
        # The two largest files: memory should stay flat as the file grows tenfold.
        small, large = sorted(peaks)[-2:]
        growth = peaks[large] / peaks[small]
        verdict = "ok" if growth <= GROWTH_TARGET else "missed"
        print(
            f"\nPeak at {large:g} MB ÷ at {small:g} MB: {growth:.2f}×"
            f" (target ≤ {GROWTH_TARGET}×: {verdict})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How long exports take: .qdpx, CSV and JSON lines of the example sessions, repeated.

Run: .venv/bin/python bench/export_speed.py [--copies N]
Ingests corpus/examples into a temporary corpus (N copies of each session), then times
each export format and prints seconds per export and statements per second.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from synth.ingest import ingest
from synth.output import refi
from synth.output import tabular as exporting
from synth.pipeline.tagging import Tagger
from synth.store import Corpus
from synth.taxonomy import load

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of each example session")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per format")
    args = parser.parse_args()
    taxonomy = load(ROOT / "taxonomy.yaml")
    tagger = Tagger(taxonomy)
    with tempfile.TemporaryDirectory() as tmp:
        db = Corpus(Path(tmp) / "bench.db")
        notes = sorted((ROOT / "corpus" / "examples").iterdir())
        for copy in range(args.copies):
            for note in notes:
                # A line of its own per copy, so ingest does not skip it as already stored.
                variant = Path(tmp) / f"{note.stem}-{copy}{note.suffix}"
                variant.write_text(
                    note.read_text(encoding="utf-8") + f"\n\nKopia {copy}.\n", encoding="utf-8"
                )
                ingest([variant], db, tagger)
        sessions = db.sessions()
        loaded = [(s, db.statements(s.id), db.sources(s.id)) for s in sessions]
        count = sum(len(st) for _, st, _ in loaded)
        print(f"{len(sessions)} sessions, {count} statements")
        jobs = {
            "qdpx": lambda: refi.project_bytes(
                [refi.SessionExport(s, src, st) for s, st, src in loaded], taxonomy
            ),
            "csv": lambda: exporting.to_csv(
                exporting.statement_rows([(s, st) for s, st, _ in loaded])
            ),
            "jsonl": lambda: exporting.to_jsonl(
                exporting.statement_rows([(s, st) for s, st, _ in loaded])
            ),
        }
        for name, job in jobs.items():
            best = min(_timed(job) for _ in range(args.repeat))
            print(f"{name:6} {best:7.3f} s  {count / best:9.0f} statements/s")
        db.close()


def _timed(job: object) -> float:
    assert callable(job)
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()

"""Ingest a folder in a process of its own and report time and peak memory as JSON.

Run by ``bench/run.py`` so that the peak resident memory is that of one ingest only.
The tagger is built before the clock starts: start-up is measured on its own. With
``--floor`` the same process reads the same files and runs spaCy's blank Swedish
tokenizer over their text instead (built before the clock starts too): the floor the
ingest is measured against.

    python bench/ingest_child.py NOTES_DIR CORPUS_DB [--jobs N] [--max-size MB] [--profile]
        [--floor]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import resource
import sys
import time
from pathlib import Path

from synth import resources, taxonomy
from synth.ingest import ingest
from synth.pipeline.classifier import Classifier
from synth.pipeline.tagging import Tagger
from synth.store import Corpus


def peak_rss_kb() -> int:
    """Peak resident memory of this process in kB.

    ``ru_maxrss`` survives fork and exec, so a child started by a large parent would
    report the parent's size; Linux's VmHWM belongs to this process's own memory map.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notes", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--max-size", type=float, default=50.0, help="as synth ingest (MB)")
    parser.add_argument("--profile", action="store_true", help="cProfile the ingest (stderr)")
    parser.add_argument("--floor", action="store_true", help="read and tokenize only")
    args = parser.parse_args()
    if args.floor:
        floor(args.notes)
        return

    # As synth ingest tags: the taxonomy's terms and the shipped classifier, and what was
    # built kept out of the garbage collector's sight (cli/_util.make_tagger).
    tagger = Tagger(
        taxonomy.load(resources.taxonomy_path(None)),
        classifier=Classifier(resources.packaged("training/model")),
    )
    gc.freeze()
    profile = cProfile.Profile() if args.profile else None
    with Corpus(args.corpus) as db:
        start = time.perf_counter()
        if profile:
            profile.enable()
        max_bytes = int(args.max_size * 1024 * 1024)
        report = ingest([args.notes], db, tagger, jobs=args.jobs, max_bytes=max_bytes)
        if profile:
            profile.disable()
        seconds = time.perf_counter() - start
    if profile:
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(25)
        sys.stderr.write(text.getvalue())
    json.dump(
        {
            "seconds": seconds,
            "sessions": len(report.results),
            "statements": sum(r.statements for r in report.results),
            "failures": report.failures,
            "session_ids": [r.session_id for r in report.results[:2]],
            "peak_rss_mb": peak_rss_kb() / 1024,
        },
        sys.stdout,
    )


def floor(notes: Path) -> None:
    """Read every notes file of the folder and tokenize its text; time and memory as JSON."""
    import spacy

    from synth.ingest import expand_paths
    from synth.pipeline.reading import read_notes

    nlp = spacy.blank("sv")
    gc.freeze()  # as the ingest does once its tagger is built
    files, _problems = expand_paths([notes])
    start = time.perf_counter()
    tokens = sum(len(nlp.make_doc(read_notes(path))) for path in files)
    seconds = time.perf_counter() - start
    json.dump(
        {"seconds": seconds, "tokens": tokens, "peak_rss_mb": peak_rss_kb() / 1024}, sys.stdout
    )


if __name__ == "__main__":
    main()

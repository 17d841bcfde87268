"""Speed and scale of synth, measured against spaCy's own pipeline on the same text.

Prints a Markdown table (stdout; progress on stderr):

- tagging throughput of synth's tagger and of the baseline ``spacy.blank("sv")`` +
  sentencizer + lookup lemmatizer (``nlp.pipe``), same texts, same process;
- end-to-end ingest (read + parse + tag + store) at 1x, 4x and 16x the base size, each in
  a process of its own, with its peak resident memory; the same at 16x with ``--jobs 2``;
- wall time of a fresh ``synth --help`` and of ``synth summarize``, ``diff``, ``trends``
  and ``search`` on a corpus of 1,000 sessions (commands not installed: "not available");
- with ``--memory``: peak memory of ingesting 10 million words (a few minutes).

    python bench/run.py              # the full run (make bench)
    python bench/run.py --smoke      # tiny sizes: checks the benchmark still works
    python bench/run.py --memory     # adds the 10-million-word memory row
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import corpus

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().parent / "ingest_child.py"

# Targets on a 2-core laptop (see README, Performance).
TAG_RATIO_TARGET = 0.5
INGEST_RATIO_TARGET = 0.35
MEMORY_TARGET_MB = 500.0
HELP_TARGET_S = 0.25
COMMAND_TARGET_S = 2.0
# Linear growth: seconds per word at 16x within this factor of those at 1x.
LINEAR_TARGET = 1.25


@dataclass
class Sizes:
    tag_words: int
    ingest_words: int  # the 1x size
    file_words: int
    sessions: int  # sessions of the corpus the commands run on
    session_words: int
    memory_words: int
    memory_file_words: int
    repeats: int  # runs of each timed command (the median counts)
    session_jobs: int  # processes that ingest the sessions the commands run on


FULL = Sizes(200_000, 100_000, 5_000, 1_000, 300, 10_000_000, 10_000, 5, 2)
# Tiny, and one process where two would only add start-up time.
SMOKE = Sizes(2_000, 2_000, 1_000, 12, 150, 40_000, 10_000, 1, 1)


@dataclass
class Row:
    measure: str
    value: str
    target: str = ""
    result: str = ""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def verdict(ok: bool) -> str:
    return "ok" if ok else "missed"


def synth_command() -> list[str]:
    """The installed ``synth`` script next to this Python, else ``python -m synth``."""
    script = Path(sys.executable).parent / "synth"
    return [str(script)] if script.exists() else [sys.executable, "-m", "synth"]


def wall_time(args: list[str], env: dict[str, str], repeats: int) -> tuple[float, int]:
    """Median wall time of a fresh process over ``repeats`` runs, and its last exit code."""
    times: list[float] = []
    code = 0
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - start)
        code = done.returncode
    return statistics.median(times), code


def rate(words: int, seconds: float) -> str:
    return f"{words / seconds:,.0f} words/s"


# --- tagging ----------------------------------------------------------------------------


def measure_tagging(pool: corpus.Pool, sizes: Sizes) -> tuple[list[Row], float]:
    """Rows for tagging throughput; returns the baseline's words per second too."""
    from synth import resources, taxonomy
    from synth.pipeline import nlp
    from synth.pipeline.classifier import Classifier
    from synth.pipeline.tagging import Tagger

    texts = corpus.texts(pool, sizes.tag_words)
    words = sum(len(t.split()) for t in texts)
    baseline = nlp.baseline_pipeline()
    # As the commands tag: the taxonomy's terms and the shipped classifier.
    tagger = Tagger(
        taxonomy.load(resources.taxonomy_path(None)),
        classifier=Classifier(resources.packaged("training/model")),
    )
    best_base = best_synth = float("inf")
    # Alternate the two so that both see the same machine state; keep each one's best.
    for _ in range(max(2, sizes.repeats // 2)):
        start = time.perf_counter()
        for _doc in baseline.pipe(texts, batch_size=256):
            pass
        best_base = min(best_base, time.perf_counter() - start)
        start = time.perf_counter()
        for _tags in tagger.tag_texts(texts):
            pass
        best_synth = min(best_synth, time.perf_counter() - start)
    base_rate = words / best_base
    ratio = best_base / best_synth
    rows = [
        Row(
            f"Tagging, baseline spaCy blank sv + sentencizer + lookup lemmatizer ({words:,} words)",
            rate(words, best_base),
        ),
        Row(
            f"Tagging, synth Tagger.tag_texts, terms + classifier ({words:,} words)",
            rate(words, best_synth),
        ),
        Row(
            "Tagging ratio synth / baseline",
            f"{ratio:.2f}",
            f"≥ {TAG_RATIO_TARGET}",
            verdict(ratio >= TAG_RATIO_TARGET),
        ),
    ]
    return rows, base_rate


# --- ingest -----------------------------------------------------------------------------


def run_ingest(notes: Path, db: Path, jobs: int = 1, profile: bool = False) -> dict[str, object]:
    """Ingest a folder in a fresh process; its timing and peak memory."""
    args = [sys.executable, str(CHILD), str(notes), str(db), "--jobs", str(jobs)]
    if profile:
        args.append("--profile")
    done = subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, env=bench_env(db), check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"ingest of {notes} failed:\n{done.stderr}")
    if profile:
        log(done.stderr)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def bench_env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SYNTH_CORPUS"] = str(db)
    env.pop("SYNTH_DEBUG", None)
    return env


def as_float(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def measure_ingest(
    pool: corpus.Pool, sizes: Sizes, work: Path, base_rate: float, profile: bool
) -> list[Row]:
    rows: list[Row] = []
    per_word: dict[int, float] = {}
    largest: dict[str, object] = {}
    largest_words = 0
    for factor in (1, 4, 16):
        notes = work / f"ingest-{factor}x"
        _files, words = corpus.write_corpus(
            notes, pool, sizes.ingest_words * factor, sizes.file_words, seed=factor
        )
        log(f"ingest {factor}x: {words:,} words")
        if profile and factor == 1:
            log("cProfile of the 1x ingest (not timed):")
            run_ingest(notes, work / "profile.db", profile=True)
        result = run_ingest(notes, work / f"ingest-{factor}x.db")
        seconds = as_float(result["seconds"])
        per_word[factor] = seconds / words
        rows.append(
            Row(
                f"Ingest {factor}× ({words:,} words, {result['sessions']} files,"
                f" {result['statements']:,} statements)",
                f"{rate(words, seconds)} ({seconds:.1f} s)",
            )
        )
        largest, largest_words = result, words
    ratio = (1 / per_word[16]) / base_rate
    rows.append(
        Row(
            "Ingest ratio synth ingest (16×) / baseline tagging",
            f"{ratio:.2f}",
            f"≥ {INGEST_RATIO_TARGET}",
            verdict(ratio >= INGEST_RATIO_TARGET),
        )
    )
    growth = per_word[16] / per_word[1]
    rows.append(
        Row(
            "Ingest cost growth: seconds per word at 16× ÷ at 1×",
            f"{growth:.2f}",
            f"≤ {LINEAR_TARGET} (linear)",
            verdict(growth <= LINEAR_TARGET),
        )
    )
    peak = as_float(largest["peak_rss_mb"])
    rows.append(Row(f"Peak memory of ingest at 16× ({largest_words:,} words)", f"{peak:.0f} MB"))

    log("ingest 16x with --jobs 2")
    two = run_ingest(work / "ingest-16x", work / "ingest-16x-jobs2.db", jobs=2)
    two_seconds = as_float(two["seconds"])
    speedup = (per_word[16] * largest_words) / two_seconds
    rows.append(
        Row(
            f"Ingest 16× with --jobs 2 ({os.cpu_count()} cores)",
            f"{rate(largest_words, two_seconds)}, speed-up {speedup:.2f}×",
        )
    )
    return rows


def measure_memory(pool: corpus.Pool, sizes: Sizes, work: Path) -> Row:
    notes = work / "memory"
    _files, words = corpus.write_corpus(
        notes, pool, sizes.memory_words, sizes.memory_file_words, seed=10
    )
    log(f"ingest {words:,} words for peak memory (takes a while)")
    result = run_ingest(notes, work / "memory.db")
    peak = as_float(result["peak_rss_mb"])
    seconds = as_float(result["seconds"])
    return Row(
        f"Peak memory of ingest, {words:,} words ({result['sessions']} files,"
        f" {rate(words, seconds)})",
        f"{peak:.0f} MB",
        f"≤ {MEMORY_TARGET_MB:.0f} MB",
        verdict(peak <= MEMORY_TARGET_MB),
    )


# --- commands ---------------------------------------------------------------------------


def command_args(name: str, session_ids: list[str]) -> list[str]:
    """Arguments a command is timed with on the large corpus."""
    first = session_ids[0]
    second = session_ids[1] if len(session_ids) > 1 else first
    return {
        "summarize": [first],
        "diff": [first, second],
        "trends": [],
        "search": ["samordning"],
    }[name]


def measure_commands(pool: corpus.Pool, sizes: Sizes, work: Path) -> list[Row]:
    synth = synth_command()
    rows: list[Row] = []
    env = bench_env(work / "none.db")
    help_time, code = wall_time([*synth, "--help"], env, max(sizes.repeats, 3))
    rows.append(
        Row(
            "`synth --help` (fresh process)",
            f"{help_time:.2f} s" + ("" if code == 0 else f" (exit {code})"),
            f"≤ {HELP_TARGET_S} s",
            verdict(code == 0 and help_time <= HELP_TARGET_S),
        )
    )

    notes = work / "sessions"
    corpus.write_corpus(
        notes, pool, sizes.sessions * sizes.session_words, sizes.session_words, seed=1000
    )
    db = work / "sessions.db"
    log(f"ingest {sizes.sessions:,} sessions for the commands")
    result = run_ingest(notes, db, jobs=min(sizes.session_jobs, os.cpu_count() or 1))
    ids = result["session_ids"]
    assert isinstance(ids, list)
    env = bench_env(db)
    for name in ("summarize", "diff", "trends", "search"):
        label = f"`synth {name}` on {result['sessions']:,} sessions"
        exists = subprocess.run([*synth, name, "--help"], env=env, capture_output=True)
        if exists.returncode != 0:
            rows.append(Row(label, "not available", f"≤ {COMMAND_TARGET_S:.0f} s"))
            continue
        seconds, code = wall_time([*synth, name, *command_args(name, ids)], env, sizes.repeats)
        rows.append(
            Row(
                label,
                f"{seconds:.2f} s" + ("" if code == 0 else f" (exit {code})"),
                f"≤ {COMMAND_TARGET_S:.0f} s",
                verdict(code == 0 and seconds <= COMMAND_TARGET_S),
            )
        )
    return rows


# --- report -----------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    lines = ["| Measure | Value | Target | Result |", "|---|---|---|---|"]
    lines += [f"| {r.measure} | {r.value} | {r.target} | {r.result} |" for r in rows]
    return "\n".join(lines)


def machine() -> str:
    import spacy

    return f"{os.cpu_count()} cores, Python {platform.python_version()}, spaCy {spacy.__version__}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark synth against spaCy's own pipeline; prints a Markdown table."
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the run")
    parser.add_argument(
        "--memory", action="store_true", help="also ingest 10 million words for peak memory"
    )
    parser.add_argument("--no-seeds", action="store_true", help="recombine the example notes only")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the 1x ingest (printed on stderr)"
    )
    parser.add_argument(
        "--words",
        type=int,
        help=f"words of the 1x ingest and of tagging (default {FULL.ingest_words:,})",
    )
    parser.add_argument(
        "--sessions", type=int, help=f"sessions the commands run on (default {FULL.sessions:,})"
    )
    args = parser.parse_args(argv)
    sizes = dataclasses.replace(SMOKE if args.smoke else FULL)
    if args.words:
        sizes.ingest_words = sizes.tag_words = args.words
    if args.sessions:
        sizes.sessions = args.sessions
    pool = corpus.load_pool(with_seeds=not args.no_seeds)
    log(f"recombining {len(pool.paragraphs)} paragraphs ({pool.words:,} words) from:")
    for source in pool.sources:
        log(f"  {source}")

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        work = Path(tmp)
        log("tagging")
        tag_rows, base_rate = measure_tagging(pool, sizes)
        rows += tag_rows
        rows += measure_ingest(pool, sizes, work, base_rate, args.profile)
        if args.memory or args.smoke:
            rows.append(measure_memory(pool, sizes, work))
        else:
            rows.append(
                Row(
                    f"Peak memory of ingest, {sizes.memory_words:,} words",
                    "not measured (run with --memory)",
                    f"≤ {MEMORY_TARGET_MB:.0f} MB",
                )
            )
        rows += measure_commands(pool, sizes, work)

    command = "python bench/run.py" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:])
    )
    print(f"`{command}` — {machine()}, {time.strftime('%Y-%m-%d')}\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

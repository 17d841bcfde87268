"""Speed and scale of synth, measured against the floor: spaCy's blank Swedish tokenizer.

Prints a Markdown table (stdout; progress on stderr):

- tagging 1M words of one-statement lines and of paragraphs: synth's tagger beside the
  blank ``sv`` tokenizer (the floor) and spaCy's blank pipeline with its sentencizer and
  lookup lemmatizer (today's stock baseline), same texts, same process;
- whole processes on the same inputs: ``synth tag --format jsonl --lines -`` against
  ``bench/tag_floor.py`` (the tokenizer writing the same JSON lines), and the memory of
  ``synth tag`` at a quarter of the input and at all of it;
- end-to-end ingest (read + parse + tag + store) at 1x, 4x and 16x the base size, each in
  a process of its own, against the floor (the same files read and tokenized) in a
  process of the same shape; the same at 16x with ``--jobs 2``, its memory the summed
  proportional set size (PSS) of the whole process tree, sampled;
- wall time of a fresh ``synth --help`` and of ``synth summarize``, ``diff``, ``trends``
  and ``search`` on a corpus of 1,000 sessions (commands not installed: "not available"),
  and that corpus's size against the size of the notes it holds;
- with ``--memory``: peak memory of ingesting 10 million words (a few minutes).

    python bench/run.py              # the full run (make bench)
    python bench/run.py --smoke      # tiny sizes: checks the benchmark still works
    python bench/run.py --memory     # adds the 10-million-word memory row
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
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
from memory import TreeSampler

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().parent / "ingest_child.py"
FLOOR = Path(__file__).resolve().parent / "tag_floor.py"

# Targets (docs/performance.md): speeds as ratios to the floor measured in the same run.
TAG_RATIO_TARGET = 0.5  # synth tag ≥ 0.5× the tokenizer floor
INGEST_RATIO_TARGET = 0.25  # synth ingest ≥ 0.25× the floor (files read and tokenized)
MEMORY_TARGET_MB = 500.0
TAG_MEMORY_GROWTH = 1.1  # synth tag's peak at the whole input ≤ 1.1× at a quarter of it
HELP_TARGET_S = 0.25
SUMMARIZE_TARGET_S = 1.0
SUMMARIZE_HELP_RATIO = 3.0  # summarize ≤ 3× synth --help
COMMAND_HELP_RATIO = 2.0  # diff, trends, search ≤ 2× synth --help
CORPUS_SIZE_TARGET = 4.0  # the corpus ≤ 4× the size of the notes' text
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


FULL = Sizes(1_000_000, 100_000, 5_000, 1_000, 300, 10_000_000, 10_000, 5, 2)
# Tiny, and one process where two would only add start-up time.
SMOKE = Sizes(2_000, 2_000, 1_000, 12, 150, 40_000, 10_000, 1, 1)


@dataclass
class Row:
    measure: str
    value: str
    target: str = ""
    result: str = ""
    # The number the row stands for (a ratio, seconds, MB), for the spread over runs.
    figure: float | None = None
    unit: str = "{:.2f}"  # how that number is written


RATE = "{:,.0f} words/s"
TIMES = "{:.2f}×"
SECONDS = "{:.2f} s"
MEGABYTES = "{:.0f} MB"


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


def paired_wall_times(
    args: list[str], against: list[str], env: dict[str, str], repeats: int
) -> tuple[float, float, int]:
    """Median wall time of a fresh process of ``args``, and the median of its ratios to
    ``against`` run just before it each time (A B A B …, so a machine whose speed drifts
    moves both sides of each ratio), and the last exit code of ``args``."""
    times: list[float] = []
    ratios: list[float] = []
    code = 0
    for _ in range(repeats):
        base, _base_code = wall_time(against, env, 1)
        seconds, code = wall_time(args, env, 1)
        times.append(seconds)
        ratios.append(seconds / base)
    return statistics.median(times), statistics.median(ratios), code


def rate(words: int, seconds: float) -> str:
    return f"{words / seconds:,.0f} words/s"


# --- tagging ----------------------------------------------------------------------------


def tag_inputs(pool: corpus.Pool, sizes: Sizes) -> dict[str, list[str]]:
    """The two inputs of the tagging rows: one-statement lines, and paragraphs on a line."""
    from synth.pipeline.statements import parse_source
    from synth.pipeline.tagging import Tagger

    tagger = Tagger(load_taxonomy())

    def statements(text: str) -> list[str]:
        return [s.text for s in parse_source(text, "pool", tagger).statements]

    return {
        "one-statement lines": corpus.statement_texts(pool, sizes.tag_words, statements),
        "paragraphs": [" ".join(p.split()) for p in corpus.texts(pool, sizes.tag_words)],
    }


def load_taxonomy() -> object:
    from synth import resources, taxonomy

    return taxonomy.load(resources.taxonomy_path(None))


def best_time(run: object, rounds: int) -> float:
    assert callable(run)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def measure_tagging(inputs: dict[str, list[str]], sizes: Sizes) -> list[Row]:
    """Tagging in one process: the floor, today's stock baseline and synth, same texts."""
    import spacy

    from synth import resources
    from synth.pipeline import nlp
    from synth.pipeline.classifier import Classifier
    from synth.pipeline.tagging import Tagger

    floor = spacy.blank("sv")
    baseline = nlp.baseline_pipeline()
    # As the commands tag: the taxonomy's terms and the shipped classifier.
    tagger = Tagger(
        load_taxonomy(),  # type: ignore[arg-type]
        classifier=Classifier(resources.packaged("training/model")),
    )
    # As synth tag, ingest and retag do once their tagger is built (cli/_util.make_tagger):
    # what start-up built is kept out of the garbage collector's full passes.
    gc.freeze()
    rows: list[Row] = []
    for kind, texts in inputs.items():
        words = sum(len(t.split()) for t in texts)

        def run_floor(texts: list[str] = texts) -> None:
            for _doc in floor.pipe(texts):
                pass

        def run_baseline(texts: list[str] = texts) -> None:
            for _doc in baseline.pipe(texts, batch_size=256):
                pass

        def run_synth(texts: list[str] = texts) -> None:
            for _tags in tagger.tag_texts(texts):
                pass

        # Alternate floor and synth so both see the same machine state; each one's best.
        best_floor = best_synth = float("inf")
        for _ in range(max(2, sizes.repeats // 2 + 1)):
            best_floor = min(best_floor, best_time(run_floor, 1))
            best_synth = min(best_synth, best_time(run_synth, 1))
        best_base = best_time(run_baseline, 1)
        ratio = best_floor / best_synth
        label = f"Tagging {kind} ({words:,} words, {len(texts):,} texts), one process"
        rows += [
            Row(
                f"{label}: floor, spaCy blank sv tokenizer",
                rate(words, best_floor),
                figure=words / best_floor,
                unit=RATE,
            ),
            Row(
                f"{label}: spaCy blank sv + sentencizer + lookup lemmatizer",
                f"{rate(words, best_base)} ({best_floor / best_base:.2f}× floor)",
                figure=best_floor / best_base,
                unit=TIMES,
            ),
            Row(
                f"{label}: synth Tagger.tag_texts, terms + classifier, ratio to floor",
                f"{rate(words, best_synth)} ({ratio:.2f}× floor)",
                f"≥ {TAG_RATIO_TARGET}× floor",
                verdict(ratio >= TAG_RATIO_TARGET),
                figure=ratio,
                unit=TIMES,
            ),
        ]
    return rows


def run_piped(args: list[str], stdin: Path) -> tuple[float, float | None, int]:
    """Wall time, peak summed PSS (MB) and exit code of a process reading ``stdin``."""
    with stdin.open("rb") as source:
        start = time.perf_counter()
        process = subprocess.Popen(
            args, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
        )
        sampler = TreeSampler(process)
        _out, errors = process.communicate()
        seconds = time.perf_counter() - start
    if process.returncode != 0:
        log(errors.decode(errors="replace"))
    return seconds, sampler.peak_mb(), process.returncode


def measure_tag_processes(inputs: dict[str, list[str]], sizes: Sizes, work: Path) -> list[Row]:
    """``synth tag --lines -`` against the floor script, whole processes, same input."""
    synth = [*synth_command(), "tag", "--format", "jsonl", "--lines", "-"]
    floor = [sys.executable, str(FLOOR)]
    rows: list[Row] = []
    for kind, texts in inputs.items():
        words = sum(len(t.split()) for t in texts)
        whole = work / f"tag-{kind.replace(' ', '-')}.txt"
        whole.write_text("\n".join(texts) + "\n", encoding="utf-8")
        quarter = work / f"tag-{kind.replace(' ', '-')}-quarter.txt"
        quarter.write_text("\n".join(texts[: len(texts) // 4]) + "\n", encoding="utf-8")
        best_floor = best_synth = float("inf")
        peak: float | None = None
        code = 0
        for _ in range(max(2, sizes.repeats // 2 + 1)):
            best_floor = min(best_floor, run_piped(floor, whole)[0])
            seconds, peak, code = run_piped(synth, whole)
            best_synth = min(best_synth, seconds)
        quarter_peak = run_piped(synth, quarter)[1]
        ratio = best_floor / best_synth
        rows.append(
            Row(
                f"`synth tag --format jsonl --lines -`, {kind} ({words:,} words), whole process"
                " vs bench/tag_floor.py",
                f"{best_synth:.2f} s vs {best_floor:.2f} s ({ratio:.2f}× floor)"
                + ("" if code == 0 else f" (exit {code})"),
                f"≥ {TAG_RATIO_TARGET}× floor",
                verdict(code == 0 and ratio >= TAG_RATIO_TARGET),
                figure=ratio,
                unit=TIMES,
            )
        )
        if peak is not None and quarter_peak is not None:
            growth = peak / quarter_peak
            rows.append(
                Row(
                    f"Peak memory (PSS) of `synth tag --lines -`, {kind}: a quarter, all",
                    f"{quarter_peak:.0f} MB, {peak:.0f} MB ({growth:.2f}×)",
                    f"≤ {TAG_MEMORY_GROWTH}× (flat)",
                    verdict(growth <= TAG_MEMORY_GROWTH),
                    figure=growth,
                    unit=TIMES,
                )
            )
    return rows


# --- ingest -----------------------------------------------------------------------------


def run_ingest(
    notes: Path,
    db: Path,
    jobs: int = 1,
    profile: bool = False,
    floor: bool = False,
    max_mb: float = 50.0,
) -> dict[str, object]:
    """Ingest a folder in a fresh process (or, with ``floor``, read and tokenize it); its
    timing, peak memory (VmHWM of the process) and peak summed PSS of its process tree."""
    args = [sys.executable, str(CHILD), str(notes), str(db), "--jobs", str(jobs)]
    args += ["--max-size", str(max_mb)]
    if profile:
        args.append("--profile")
    if floor:
        args.append("--floor")
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=bench_env(db),
    )
    sampler = TreeSampler(process)
    out, errors = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"ingest of {notes} failed:\n{errors}")
    if profile:
        log(errors)
    result: dict[str, object] = json.loads(out)
    result["pss_mb"] = sampler.peak_mb()
    return result


def bench_env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SYNTH_CORPUS"] = str(db)
    env.pop("SYNTH_DEBUG", None)
    return env


def as_float(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def measure_ingest(pool: corpus.Pool, sizes: Sizes, work: Path, profile: bool) -> list[Row]:
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
                figure=words / seconds,
                unit=RATE,
            )
        )
        largest, largest_words = result, words
    floor = run_ingest(work / "ingest-16x", work / "floor.db", floor=True)
    floor_seconds = as_float(floor["seconds"])
    ratio = floor_seconds / (per_word[16] * largest_words)
    rows.append(
        Row(
            "Ingest 16×: floor (the same files read and tokenized, process of the same shape)",
            f"{rate(largest_words, floor_seconds)} ({floor_seconds:.1f} s)",
            figure=largest_words / floor_seconds,
            unit=RATE,
        )
    )
    rows.append(
        Row(
            "Ingest ratio synth ingest (16×) / floor",
            f"{ratio:.2f}",
            f"≥ {INGEST_RATIO_TARGET}",
            verdict(ratio >= INGEST_RATIO_TARGET),
            figure=ratio,
        )
    )
    growth = per_word[16] / per_word[1]
    rows.append(
        Row(
            "Ingest cost growth: seconds per word at 16× ÷ at 1×",
            f"{growth:.2f}",
            f"≤ {LINEAR_TARGET} (linear)",
            verdict(growth <= LINEAR_TARGET),
            figure=growth,
        )
    )
    peak = as_float(largest["peak_rss_mb"])
    rows.append(
        Row(
            f"Peak memory of ingest at 16× ({largest_words:,} words): VmHWM, summed PSS",
            f"{peak:.0f} MB, {mb(largest['pss_mb'])}",
            figure=peak,
            unit=MEGABYTES,
        )
    )

    log("ingest 16x with --jobs 2")
    two = run_ingest(work / "ingest-16x", work / "ingest-16x-jobs2.db", jobs=2)
    two_seconds = as_float(two["seconds"])
    speedup = (per_word[16] * largest_words) / two_seconds
    rows.append(
        Row(
            f"Ingest 16× with --jobs 2 ({os.cpu_count()} cores)",
            f"{rate(largest_words, two_seconds)}, speed-up {speedup:.2f}×",
            figure=speedup,
            unit=TIMES,
        )
    )
    rows.append(
        Row(
            "Peak memory of ingest 16× with --jobs 2: summed PSS of the process tree"
            " (main, fork server, workers)",
            mb(two["pss_mb"]),
            figure=None if two["pss_mb"] is None else as_float(two["pss_mb"]),
            unit=MEGABYTES,
        )
    )
    return rows


def mb(value: object) -> str:
    return "not measured (no /proc)" if value is None else f"{as_float(value):.0f} MB"


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
        figure=peak,
        unit=MEGABYTES,
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
            figure=help_time,
            unit=SECONDS,
        )
    )

    notes = work / "sessions"
    files, _words = corpus.write_corpus(
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
        if name == "summarize":
            target = f"≤ {SUMMARIZE_TARGET_S:.0f} s and ≤ {SUMMARIZE_HELP_RATIO:.0f}× --help"
        else:
            target = f"≤ {COMMAND_HELP_RATIO:.0f}× --help"
        exists = subprocess.run([*synth, name, "--help"], env=env, capture_output=True)
        if exists.returncode != 0:
            rows.append(Row(label, "not available", target))
            continue
        # Each run is paired with a fresh --help run just before it: the ratio is the
        # median of the pairs' ratios.
        seconds, times_help, code = paired_wall_times(
            [*synth, name, *command_args(name, ids)], [*synth, "--help"], env, sizes.repeats
        )
        ok = code == 0 and times_help <= (
            SUMMARIZE_HELP_RATIO if name == "summarize" else COMMAND_HELP_RATIO
        )
        if name == "summarize":
            ok = ok and seconds <= SUMMARIZE_TARGET_S
        rows.append(
            Row(
                label,
                f"{seconds:.2f} s ({times_help:.1f}× --help)"
                + ("" if code == 0 else f" (exit {code})"),
                target,
                verdict(ok),
                figure=seconds,
                unit=SECONDS,
            )
        )
    rows.append(corpus_size_row(db, files, result))
    return rows


def corpus_size_row(db: Path, files: list[Path], result: dict[str, object]) -> Row:
    """The corpus file against the UTF-8 size of the notes it holds."""
    import sqlite3

    # The write-ahead log is folded into the database file before it is measured.
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    text = sum(path.stat().st_size for path in files)
    size = db.stat().st_size
    ratio = size / text
    return Row(
        f"Corpus size, {result['sessions']:,} sessions ({text / 2**20:.1f} MB of notes)",
        f"{size / 2**20:.1f} MB ({ratio:.1f}× the text)",
        f"≤ {CORPUS_SIZE_TARGET:.0f}×",
        verdict(ratio <= CORPUS_SIZE_TARGET),
        figure=ratio,
        unit="{:.1f}×",
    )


# --- report -----------------------------------------------------------------------------


def table(rows: list[Row], spreads: list[str] | None = None) -> str:
    if spreads is None:
        lines = ["| Measure | Value | Target | Result |", "|---|---|---|---|"]
        lines += [f"| {r.measure} | {r.value} | {r.target} | {r.result} |" for r in rows]
    else:
        runs = spreads[0] if spreads else ""
        lines = [
            f"| Measure | Value (median run) | Spread of {runs} runs | Target | Result |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r.measure} | {r.value} | {s} | {r.target} | {r.result} |"
            for r, s in zip(rows, spreads[1:], strict=True)
        ]
    return "\n".join(lines)


def merge_runs(runs: list[list[Row]]) -> tuple[list[Row], list[str]]:
    """One row per measure from several runs of the whole benchmark: the run whose figure
    is the median (its value, target and verdict), and the figure's lowest and highest."""
    rows: list[Row] = []
    spreads = [str(len(runs))]
    for same in zip(*runs, strict=True):
        with_figure = [r for r in same if r.figure is not None]
        if not with_figure:
            rows.append(same[0])
            spreads.append("")
            continue
        ranked = sorted(with_figure, key=lambda r: r.figure or 0.0)
        rows.append(ranked[(len(ranked) - 1) // 2])
        low, high = ranked[0], ranked[-1]
        spreads.append(f"{low.unit.format(low.figure)} – {high.unit.format(high.figure)}")
    return rows, spreads


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
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="run the whole benchmark this many times; the table gives the median run's "
        "figures and the spread (lowest – highest)",
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

    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    runs: list[list[Row]] = []
    for n in range(args.runs):
        if args.runs > 1:
            log(f"run {n + 1} of {args.runs}")
        runs.append(run_once(pool, sizes, args.memory or args.smoke, args.profile and n == 0))

    command = "python bench/run.py" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:])
    )
    print(f"`{command}` — {machine()}, {time.strftime('%Y-%m-%d')}\n")
    if args.runs == 1:
        print(table(runs[0]))
    else:
        print(table(*merge_runs(runs)))
    return 0


def run_once(pool: corpus.Pool, sizes: Sizes, memory: bool, profile: bool) -> list[Row]:
    """Every measure once, in a fresh folder (so no corpus holds a previous run's notes)."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        work = Path(tmp)
        log("tagging")
        inputs = tag_inputs(pool, sizes)
        rows += measure_tagging(inputs, sizes)
        log("synth tag and the floor, whole processes")
        rows += measure_tag_processes(inputs, sizes, work)
        rows += measure_ingest(pool, sizes, work, profile)
        if memory:
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
    return rows


if __name__ == "__main__":
    sys.exit(main())

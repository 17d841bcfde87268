"""How `synth summarize` scales with the statements of one session: time and peak memory.

    .venv/bin/python bench/summarize_scale.py              # 5,000 and 60,000 statements
    .venv/bin/python bench/summarize_scale.py 2000 20000   # other sizes

For each size, writes one notes file of that many bullets (40 named sections with two
prompts each; the words drawn with a Zipf distribution from the words of the example
notes, and one bullet in ten a near-copy of an earlier bullet under the same prompt),
ingests it into a fresh corpus, then runs `synth summarize` on it in a process of its own
and prints its wall time and peak resident memory. Target: 60,000 statements in under a
minute and 1 GB.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "corpus" / "examples"
SYNTH = Path(sys.executable).parent / "synth"
SECTIONS = 40
PROMPTS = ("Vad fungerar bra idag?", "Vad behöver vi göra?")


def vocabulary() -> list[str]:
    """The words of the example notes, most frequent first."""
    counts: dict[str, int] = {}
    for path in sorted(EXAMPLES.iterdir()):
        for word in re.findall(r"[^\W\d_]{2,}", path.read_text(encoding="utf-8")):
            counts[word.lower()] = counts.get(word.lower(), 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


def notes(statements: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    words = vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(words))]
    lines = ["Arbetsmöte Norrby 2024-05-02", ""]
    per_prompt = max(1, statements // (SECTIONS * len(PROMPTS)))
    written = 0
    for section in range(SECTIONS):
        lines += [f"Tema {section + 1}", ""]
        for prompt in PROMPTS:
            lines += [prompt, ""]
            said: list[list[str]] = []
            count = per_prompt if section < SECTIONS - 1 or prompt != PROMPTS[-1] else 0
            count = count or statements - written
            for _ in range(count):
                if said and rng.random() < 0.1:
                    bullet = list(rng.choice(said))
                    bullet[rng.randrange(len(bullet))] = rng.choices(words, weights)[0]
                else:
                    bullet = rng.choices(words, weights, k=rng.randint(6, 14))
                said.append(bullet)
                lines.append("- " + " ".join(bullet).capitalize())
                written += 1
            lines.append("")
    return "\n".join(lines) + "\n"


def run(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MB of a synth command in a process of
    its own (on a busy machine the CPU seconds are the steadier figure)."""
    code = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "elapsed = time.perf_counter() - start\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(done.returncode, elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(SYNTH), *args], capture_output=True, text=True, check=True
    )
    returncode, elapsed, cpu, peak = out.stdout.split()
    if returncode != "0":
        raise SystemExit(f"synth {' '.join(args)} failed with exit code {returncode}")
    return float(elapsed), float(cpu), float(peak)


def main(sizes: list[int]) -> None:
    print("| statements | ingest s | summarize s | summarize CPU s | summarize peak MB |")
    print("|--:|--:|--:|--:|--:|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            path = folder / "stor-session.txt"
            path.write_text(notes(n), encoding="utf-8")
            corpus = folder / "bench.db"
            start = time.perf_counter()
            subprocess.run(
                [str(SYNTH), "ingest", str(path), "--corpus", str(corpus), "--session", "stor"],
                check=True,
                capture_output=True,
            )
            ingest = time.perf_counter() - start
            out = folder / "handout.md"
            elapsed, cpu, peak = run(["summarize", "stor", "--corpus", str(corpus), "-o", str(out)])
            print(f"| {n:,} | {ingest:.1f} | {elapsed:.1f} | {cpu:.1f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5000, 60000])

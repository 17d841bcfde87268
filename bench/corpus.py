"""Benchmark corpora: notes files of a given size, recombined from real notes.

The paragraphs (blank-line separated blocks: headings, prompts, bullet lists, free text)
of the project's example notes, and of the shared seeds when present, are shuffled with a
fixed seed and joined into new notes files until each holds the asked number of words.
The same arguments always give the same files.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from synth.pipeline import reading

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "corpus" / "examples"
SEEDS = ROOT.parent / "shared" / "seeds"

# Title lines of the generated notes: invented places and kinds of meeting, with a date
# so that ingest finds one.
PLACES = ("Norrby", "Söderby", "Österby", "Västerby", "Ekeby", "Åby", "Bergby", "Sjöby")
MEETINGS = ("Gruppdialog", "Länsgemensam ledning", "Uppföljning", "Arbetsmöte", "Workshop")


@dataclass
class Pool:
    """Paragraphs to recombine, and the files they came from."""

    paragraphs: list[str]
    sources: list[Path]

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def load_pool(with_seeds: bool = True) -> Pool:
    """Paragraphs of ``corpus/examples`` and, when present and asked for, the shared seeds."""
    sources = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".md"))
    if with_seeds and SEEDS.is_dir():
        sources += sorted(p for p in SEEDS.iterdir() if p.suffix in (".txt", ".md"))
    paragraphs: list[str] = []
    for path in sources:
        text = reading.read_notes(path)
        # The first block is the file's title line; generated files get their own.
        blocks = [b.strip("\n") for b in text.split("\n\n")][1:]
        paragraphs.extend(b for b in blocks if b.strip())
    return Pool(paragraphs, sources)


def paragraphs(pool: Pool, words: int, rng: random.Random) -> list[str]:
    """Shuffled paragraphs of the pool, reshuffled when used up, until ``words`` words."""
    out: list[str] = []
    total = 0
    order: list[str] = []
    while total < words:
        if not order:
            order = list(pool.paragraphs)
            rng.shuffle(order)
        block = order.pop()
        out.append(block)
        total += len(block.split())
    return out


def notes_text(pool: Pool, words: int, rng: random.Random, number: int) -> str:
    """One notes file of about ``words`` words, with a title line holding a date."""
    title = (
        f"{rng.choice(MEETINGS)} {rng.choice(PLACES)} "
        f"{2020 + number % 6}-{1 + number % 12:02d}-{1 + number % 28:02d}"
    )
    return title + "\n\n" + "\n\n".join(paragraphs(pool, words, rng)) + "\n"


def write_corpus(
    folder: Path, pool: Pool, total_words: int, file_words: int, seed: int = 7
) -> tuple[list[Path], int]:
    """Write ``ceil(total_words / file_words)`` notes files of about ``file_words`` words.

    Returns the files and the number of words written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    files: list[Path] = []
    written = 0
    count = -(-total_words // file_words)
    for number in range(count):
        size = min(file_words, total_words - number * file_words)
        text = notes_text(pool, max(size, 1), rng, number)
        path = folder / f"notes-{number:05d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        written += len(text.split())
    return files, written


def write_large_file(path: Path, pool: Pool, megabytes: float, seed: int = 7) -> int:
    """Write one notes file of about ``megabytes`` MB (UTF-8) from shuffled paragraphs of
    the pool, a paragraph at a time; returns the number of words written."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    written = words = 0
    order: list[str] = []
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as file:
        title = f"{rng.choice(MEETINGS)} {rng.choice(PLACES)} 2024-03-14\n\n"
        file.write(title)
        written += len(title.encode("utf-8"))
        while written < target:
            if not order:
                order = list(pool.paragraphs)
                rng.shuffle(order)
            block = order.pop() + "\n\n"
            file.write(block)
            written += len(block.encode("utf-8"))
            words += len(block.split())
    return words


def texts(pool: Pool, words: int, seed: int = 7) -> list[str]:
    """Paragraphs of about ``words`` words in all, for tagging a list of texts."""
    return paragraphs(pool, words, random.Random(seed))


def statement_texts(
    pool: Pool, words: int, statements: Callable[[str], list[str]], seed: int = 7
) -> list[str]:
    """One-statement lines of about ``words`` words in all: the statements that
    ``statements`` finds in each paragraph of the pool (on one line each), shuffled."""
    found = [" ".join(s.split()) for p in pool.paragraphs for s in statements(p + "\n")]
    rng = random.Random(seed)
    out: list[str] = []
    total = 0
    order: list[str] = []
    while total < words:
        if not order:
            order = list(found)
            rng.shuffle(order)
        line = order.pop()
        out.append(line)
        total += len(line.split())
    return out

"""Tagging without storing: statements in (lines, a coded JSON lines file, or notes), one
JSON object per statement out, in input order (``synth tag``)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from synth.errors import InputError
from synth.models import DIMENSIONS, TagSet
from synth.pipeline.tagging import Tagger

# One encoder for every record: json.dumps with ensure_ascii=False builds a new encoder
# per call, a fifth of the encoding time (cProfile of ``tag --lines``).
_encode = json.JSONEncoder(ensure_ascii=False).encode
# The end of a record without tags, which most lines of a large input are not, but many are.
_UNTAGGED = ", " + ", ".join(f'"{key}": []' for key in (*DIMENSIONS, "evidence")) + "}"


def _record(text: str, tags: TagSet) -> str:
    if not tags.evidence and tags.is_empty() and not tags.scores:
        return '{"text": ' + _encode(text) + _UNTAGGED
    obj: dict[str, object] = {"text": text}
    for dim in DIMENSIONS:
        obj[dim] = tags.labels(dim)
    obj["evidence"] = [e.as_dict() for e in tags.evidence]
    if tags.scores:
        obj["model"] = tags.model_scores()
    return _encode(obj)


def _line_text(line: str) -> str:
    """A line is a statement, or a JSON object with a "text" field (as in gold files)."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError:
            return stripped
        if isinstance(obj, dict) and isinstance(obj.get("text"), str):
            return str(obj["text"])
    return stripped


def _read_stdin(stdin: TextIO, max_bytes: int) -> str:
    text = stdin.read(max_bytes + 1)
    if len(text) > max_bytes:
        raise InputError(
            f"standard input: over the limit of {max_bytes / 2**20:.3g} MB; "
            "split it, raise --max-size, or tag one statement per line with --lines"
        )
    return text


def _input_lines(source: str, stdin: TextIO, max_bytes: int) -> Iterable[str]:
    """The lines of the input, read as they come from standard input or a .jsonl file
    (any length); other files are read whole (up to ``max_bytes``) for their format."""
    if source == "-":
        return stdin
    path = Path(source)
    if path.suffix.lower() == ".jsonl" and path.is_file():
        return _file_lines(path)
    from synth.pipeline.reading import read_notes

    text = read_notes(path, max_bytes=max_bytes)
    found = text.split("\n")
    if found and found[-1] == "" and text.endswith("\n"):
        found.pop()
    return found


def _file_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8-sig") as lines:
        yield from lines


def tagged_records(
    source: str, tagger: Tagger, stdin: TextIO, *, lines: bool, max_bytes: int
) -> Iterator[str]:
    """One JSON object (a line, without its newline) per statement of ``source`` (a path,
    or "-" for ``stdin``): with ``lines`` each input line is a statement, read as it comes;
    otherwise the input is parsed as notes (up to ``max_bytes``)."""
    if lines:
        texts = (_line_text(line) for line in _input_lines(source, stdin, max_bytes))
        # Statements stream through a batch at a time (the classifier scores a batch at
        # once): memory stays the same however long the input is.
        while batch := list(itertools.islice(texts, 256)):
            for text, tags in zip(batch, tagger.tag_texts(batch), strict=True):
                yield _record(text, tags)
        return
    from synth.pipeline.reading import normalise, read_notes
    from synth.pipeline.statements import parse_source

    if source == "-":
        text = normalise(_read_stdin(stdin, max_bytes))
    else:
        text = read_notes(Path(source), max_bytes=max_bytes)
    for st in parse_source(text, source, tagger).statements:
        yield _record(st.text, st.tags)

"""synth tag: tag text without storing it (for scripts)."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    MaxSizeOption,
    NoModelOption,
    TagFormat,
    TaxonomyOption,
    app,
    handle_errors,
    make_tagger,
)
from synth.errors import InputError
from synth.models import DIMENSIONS, TagSet

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


def _read_stdin(max_bytes: int) -> str:
    text = sys.stdin.read(max_bytes + 1)
    if len(text) > max_bytes:
        raise InputError(
            f"standard input: over the limit of {max_bytes / 2**20:.3g} MB; "
            "split it, raise --max-size, or tag one statement per line with --lines"
        )
    return text


def _input_lines(source: str, max_bytes: int) -> Iterable[str]:
    """The lines of the input, read as they come from standard input or a .jsonl file
    (any length); other files are read whole (up to ``max_bytes``) for their format."""
    if source == "-":
        return sys.stdin
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


@app.command("tag")
@handle_errors
def tag_cli(
    source: Annotated[str, typer.Argument(help="A file, or - for standard input.")] = "-",
    fmt: Annotated[
        TagFormat, typer.Option("--format", help="jsonl (one JSON object a line).")
    ] = "jsonl",
    lines: Annotated[
        bool,
        typer.Option(
            "--lines",
            help='One statement per input line (a JSON line\'s "text" is used), read and '
            "written a line at a time, so input of any length; without it the input is "
            "parsed as notes.",
        ),
    ] = False,
    max_size: MaxSizeOption = 50.0,
    taxonomy: TaxonomyOption = None,
    corpus: CorpusOption = None,
    no_model: NoModelOption = False,
    debug: DebugOption = False,
) -> None:
    """Tag statements and print one JSON object per statement, in input order; tags the
    classifier added are listed under "model" with their scores."""
    max_bytes = int(max_size * 2**20)
    tagger = make_tagger(taxonomy, corpus, model=not no_model)
    write = sys.stdout.write
    if lines:
        texts = (_line_text(line) for line in _input_lines(source, max_bytes))
        # Statements stream through a batch at a time (the classifier scores a batch at
        # once): memory stays the same however long the input is.
        while batch := list(itertools.islice(texts, 256)):
            for text, tags in zip(batch, tagger.tag_texts(batch), strict=True):
                write(_record(text, tags) + "\n")
    else:
        from synth.pipeline.reading import normalise, read_notes
        from synth.pipeline.statements import parse_source

        if source == "-":
            text = normalise(_read_stdin(max_bytes))
        else:
            text = read_notes(Path(source), max_bytes=max_bytes)
        parsed = parse_source(text, source, tagger)
        for st in parsed.statements:
            write(_record(st.text, st.tags) + "\n")
    sys.stdout.flush()

"""synth tag: tag text without storing it (for scripts)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoModelOption,
    TagFormat,
    TaxonomyOption,
    app,
    handle_errors,
    make_tagger,
)
from synth.models import DIMENSIONS, TagSet


def _record(text: str, tags: TagSet) -> str:
    obj: dict[str, object] = {"text": text}
    for dim in DIMENSIONS:
        obj[dim] = tags.labels(dim)
    obj["evidence"] = [e.as_dict() for e in tags.evidence]
    if tags.scores:
        obj["model"] = tags.model_scores()
    return json.dumps(obj, ensure_ascii=False)


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
            help='One statement per input line (a JSON line\'s "text" is used); '
            "without it the input is parsed as notes.",
        ),
    ] = False,
    taxonomy: TaxonomyOption = None,
    corpus: CorpusOption = None,
    no_model: NoModelOption = False,
    debug: DebugOption = False,
) -> None:
    """Tag statements and print one JSON object per statement, in input order; tags the
    classifier added are listed under "model" with their scores."""
    if source == "-":
        text = sys.stdin.read()
    else:
        from synth.pipeline.reading import read_notes

        path = Path(source)
        if lines and path.suffix.lower() == ".jsonl" and path.is_file():
            text = path.read_text(encoding="utf-8-sig")
        else:
            text = read_notes(path)
    tagger = make_tagger(taxonomy, corpus, model=not no_model)
    write = sys.stdout.write
    if lines:
        texts = [_line_text(line) for line in text.split("\n")]
        if texts and texts[-1] == "" and text.endswith("\n"):
            texts.pop()
        for t, tags in zip(texts, tagger.tag_texts(texts), strict=True):
            write(_record(t, tags) + "\n")
    else:
        from synth.pipeline.reading import normalise
        from synth.pipeline.statements import parse_source

        parsed = parse_source(normalise(text), source, tagger)
        for st in parsed.statements:
            write(_record(st.text, st.tags) + "\n")
    sys.stdout.flush()

"""synth tag: tag text without storing it (for scripts)."""

from __future__ import annotations

import sys
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
    from synth.output.tagged import tagged_records

    tagger = make_tagger(taxonomy, corpus, model=not no_model)
    write = sys.stdout.write
    records = tagged_records(
        source, tagger, sys.stdin, lines=lines, max_bytes=int(max_size * 2**20)
    )
    for record in records:
        write(record + "\n")
    sys.stdout.flush()

"""The README and docs/ show what the commands print on corpus/examples.

Every console example below a `$ synth …` line of a page is run on a fresh corpus of the
examples (its `--corpus` and output files moved to a temporary folder) when its output is
plain text: ingest, search, tag, and diff and trends as Markdown. A "…" line in a page
stands for output it leaves out.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CHECKED = re.compile(
    r"synth (ingest corpus/examples|search |tag --lines|diff .*--format md|trends .*--format md)"
)


def console_examples(page: Path) -> list[tuple[str, list[str]]]:
    """The `$ command` lines of a page's console blocks, each with the lines shown below it."""
    examples: list[tuple[str, list[str]]] = []
    inside = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = line == "```console"
        elif inside and line.startswith("$ "):
            examples.append((line[2:], []))
        elif inside and examples:
            examples[-1][1].append(line)
    return examples


def checked_examples() -> list[tuple[str, str, list[str]]]:
    return [
        (page.relative_to(ROOT).as_posix(), command, without_blank_end(shown))
        for page in PAGES
        for command, shown in console_examples(page)
        if CHECKED.search(command) and shown
    ]


def without_blank_end(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def matches(shown: list[str], printed: list[str]) -> bool:
    """Whether the printed lines are the shown ones, a "…" line standing for any lines."""
    pattern = "".join(
        r"(?:.*\n)*?" if line == "…" else ".*?".join(map(re.escape, line.split("…"))) + r"\n"
        for line in shown
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in printed)) is not None


def printed_by(run: Any, command: str, tmp_path: Path) -> list[str]:
    """Run a page's command line (`echo … |`, `| head -N` and `| sed -n Np` included) on
    a corpus of the examples in ``tmp_path``; its output with the page's paths."""
    text_in = None
    if command.startswith("echo "):
        echo, command = command.split(" | ", 1)
        text_in = shlex.split(echo)[1] + "\n"
    command, *pipes = command.split(" | ")
    args = shlex.split(command)[1:]
    moved: dict[str, str] = {}
    for i, arg in enumerate(args[:-1]):
        if arg in ("--corpus", "-o", "--chart"):
            moved[str(tmp_path / Path(args[i + 1]).name)] = args[i + 1]
            args[i + 1] = str(tmp_path / Path(args[i + 1]).name)
    if "--corpus" not in args and args[0] != "tag":
        args += ["--corpus", str(tmp_path / "synth.db")]
    corpus = args[args.index("--corpus") + 1] if "--corpus" in args else None
    if corpus and args[0] != "ingest":
        assert run("ingest", EXAMPLES, "--corpus", corpus).exit_code == 0
    result = run(*args, input=text_in)
    assert result.exit_code == 0, result.output
    output = result.output
    for tmp, shown in moved.items():
        output = output.replace(tmp, shown)
    lines = output.splitlines()
    for pipe in pipes:
        if head := re.fullmatch(r"head -(\d+)", pipe):
            lines = lines[: int(head.group(1))]
        elif sed := re.fullmatch(r"sed -n (\d+)p", pipe):
            lines = lines[int(sed.group(1)) - 1 : int(sed.group(1))]
        else:
            raise AssertionError(f"no way to run '| {pipe}' here")
    return lines


def test_the_pages_have_checked_examples() -> None:
    pages = {page for page, _, _ in checked_examples()}
    assert {"README.md", "docs/comparing.md", "docs/qda-exchange.md"} <= pages


@pytest.mark.parametrize(
    ("page", "command", "shown"),
    checked_examples(),
    ids=[f"{page}: {command[:60]}" for page, command, _ in checked_examples()],
)
def test_a_docs_example_prints_what_the_page_shows(
    run: Any, tmp_path: Path, page: str, command: str, shown: list[str]
) -> None:
    printed = printed_by(run, command, tmp_path)
    assert matches(shown, printed), f"{page}: '$ {command}' prints:\n" + "\n".join(printed)

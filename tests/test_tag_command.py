"""synth tag: the stable one-object-per-line contract used by outside checks."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EVAL, TAXONOMY, need


def test_one_json_object_per_input_line_in_order(run: Any) -> None:
    lines = "Fler och bättre SIP\n\nVi behöver mer förebyggande arbete\n"
    result = run("tag", "-", "--format", "jsonl", "--lines", input=lines)
    assert result.exit_code == 0
    records = [json.loads(x) for x in result.output.splitlines()]
    assert [r["text"] for r in records] == [
        "Fler och bättre SIP",
        "",
        "Vi behöver mer förebyggande arbete",
    ]
    assert set(records[0]) == {"text", "shifts", "concepts", "factors", "evidence"}
    assert records[0]["shifts"] == ["samordning"] and records[0]["concepts"] == ["samordning"]
    assert records[1]["shifts"] == records[1]["concepts"] == records[1]["factors"] == []
    assert records[2]["shifts"] == ["proaktiv"]


def test_gold_file_lines_are_tagged_by_their_text(run: Any) -> None:
    gold = need(EVAL / "dev-gold.jsonl")
    result = run("tag", gold, "--format", "jsonl", "--lines")
    records = [json.loads(x) for x in result.output.splitlines()]
    source = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(records) == len(source)
    assert [r["text"] for r in records] == [s["text"] for s in source]


def test_without_lines_the_input_is_parsed_as_notes(run: Any) -> None:
    notes = "Vad behövs?\n\n- Fler SIP\n\nViktigt med dialog. Och med samverkan.\n"
    result = run("tag", "-", input=notes)
    assert [json.loads(x)["text"] for x in result.output.splitlines()] == [
        "Fler SIP",
        "Viktigt med dialog.",
        "Och med samverkan.",
    ]


class _LinesOnly(io.StringIO):
    """Standard input that can be read a line at a time but not all at once."""

    def read(self, size: int | None = -1) -> str:
        raise AssertionError("the whole input was read at once")


def test_lines_stream_through_without_reading_the_whole_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from synth.cli.tag import tag_cli

    monkeypatch.setattr("sys.stdin", _LinesOnly("Fler SIP\nMer förebyggande arbete\n"))
    tag_cli("-", "jsonl", lines=True, max_size=0.00001, taxonomy=TAXONOMY)
    records = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    # Longer than --max-size, which limits files and notes, not a stream of lines.
    assert [r["text"] for r in records] == ["Fler SIP", "Mer förebyggande arbete"]
    assert records[1]["shifts"] == ["proaktiv"]


def test_notes_on_standard_input_over_max_size_are_refused_with_the_fix(run: Any) -> None:
    result = run("tag", "-", "--max-size", "0.00001", input="Vad behövs?\n\n- Fler SIP\n")
    assert result.exit_code == 1
    assert "standard input" in result.output and "--max-size" in result.output
    assert "--lines" in result.output


def test_a_file_over_max_size_is_refused_naming_the_option(run: Any, tmp_path: Path) -> None:
    notes = tmp_path / "stora.txt"
    notes.write_text("- Fler SIP\n" * 200, encoding="utf-8")
    result = run("tag", notes, "--max-size", "0.001")
    assert result.exit_code == 1
    assert "stora.txt" in result.output and "--max-size" in result.output

"""synth tag: the stable one-object-per-line contract used by outside checks."""

from __future__ import annotations

import json
from typing import Any

from conftest import EVAL, need


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

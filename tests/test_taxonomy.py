"""Taxonomy validation: every problem as file:line:column, exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synth.taxonomy import check_text

GOOD = """\
dimensions:
  shifts:
    labels:
      - id: proaktiv
        name: Proaktiv
        terms: [förebygg*]
"""


def test_the_shipped_taxonomy_is_clean_and_uses_the_canonical_ids(run: Any) -> None:
    result = run("taxonomy", "check")
    assert result.exit_code == 0, result.output
    from synth.taxonomy import load

    tax = load(Path("taxonomy.yaml"))
    assert tax.ids("shifts") == ["person-relation", "samordning", "proaktiv", "medskapare"]
    assert tax.ids("concepts") == [
        "individ-i-centrum",
        "se-hela-mig",
        "egna-resurser",
        "respekt-jamlikhet",
        "tillsammans",
        "samordning",
        "sammanhallet",
        "trygghet",
        "kontinuitet",
        "tillganglighet",
    ]
    assert tax.ids("factors") == [
        "invanarperspektiv",
        "systemperspektiv",
        "ledarskap",
        "digitalisering",
        "kompetensforsorjning",
    ]


def test_yaml_syntax_error_has_line_and_column() -> None:
    _, problems = check_text("dimensions:\n  shifts: [\n", "t.yaml")
    assert len(problems) == 1
    assert problems[0].startswith("t.yaml:3:1: YAML syntax error")


def test_each_problem_is_reported_with_its_position() -> None:
    text = """\
dimensions:
  shifts:
    labels:
      - id: proaktiv
        name: Proaktiv
        terms: [förebygg*, hälsa]
        colour: red
      - id: proaktiv
        name: Igen
        terms: [hälsa]
      - name: Utan id
        terms: [x]
      - id: tom
        name: Tom
        terms: []
      - id: dålig
        name: Dålig stam
        terms: ["sa*m", "*ab*", "två *ord"]
  colours: {}
"""
    _, problems = check_text(text, "t.yaml")
    joined = "\n".join(problems)
    assert "t.yaml:7:9: unknown key 'colour'" in joined
    assert "t.yaml:8:9: duplicate id 'proaktiv'" in joined
    assert "t.yaml:11:9: a label of 'shifts' has no id" in joined
    assert "t.yaml:15:16: label 'tom' has an empty vocabulary" in joined
    assert "t.yaml:16:13: id 'dålig' must be lowercase letters" in joined
    assert "t.yaml:18:17: stem 'sa*m': '*' may stand only at the start or end" in joined
    assert "t.yaml:18:25: stem '*ab*' is too short" in joined
    assert "t.yaml:18:33: term 'två *ord': a phrase cannot hold a '*' stem" in joined
    assert "t.yaml:19:3: unknown dimension 'colours'" in joined


def test_a_term_under_two_labels_of_one_dimension_is_reported() -> None:
    text = GOOD + "      - id: annan\n        name: Annan\n        terms: [förebygg*]\n"
    _, problems = check_text(text, "t.yaml")
    assert problems == [
        "t.yaml:9:17: term 'förebygg*' is listed under both 'proaktiv' and 'annan' "
        "in 'shifts'; keep it in one"
    ]


def test_check_command_exit_codes(run: Any, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("id: proaktiv", "id: Proaktiv!"), encoding="utf-8")
    assert run("taxonomy", "check", good).exit_code == 0
    result = run("taxonomy", "check", bad)
    assert result.exit_code == 2
    assert f"{bad}:4:13: id 'Proaktiv!'" in result.output


def test_commands_loading_a_bad_taxonomy_print_the_same_messages(run: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("dimensions: [\n", encoding="utf-8")
    result = run("tag", "-", "--lines", "--taxonomy", bad, input="SIP\n")
    assert result.exit_code == 2
    assert f"{bad}:2:1: YAML syntax error" in result.output
    assert "Traceback" not in result.output


def test_show_prints_the_tree_with_term_counts(run: Any) -> None:
    result = run("taxonomy", "show")
    assert result.exit_code == 0
    assert "samordning: Samordning" in result.output
    assert "terms" in result.output

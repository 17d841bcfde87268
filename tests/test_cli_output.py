"""What the command line prints and writes: dimensions of tags, unknown labels, usage
errors that write nothing, and tables that are not cut when piped.

The notes are written for these tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

LONG = (
    "Vi behöver en gemensam samordnad individuell plan för varje person med stora behov, "
    "med en fast vårdkontakt som håller ihop insatserna från kommunen och regionen och som "
    "invånaren kan nå direkt utan att behöva berätta sin historia igen."
)
NOTES = f"Träff i Norrby\n\n- Mer samordning och SIP-möten mellan huvudmännen\n- {LONG}\n"


@pytest.fixture
def session(run: Any, tmp_path: Path, corpus_path: Path) -> str:
    notes = tmp_path / "norrby.txt"
    notes.write_text(NOTES, encoding="utf-8")
    assert run("ingest", notes, "--corpus", corpus_path).exit_code == 0
    return "norrby"


def test_show_names_the_dimension_of_each_tag(run: Any, session: str, corpus_path: Path) -> None:
    result = run("show", session, "--corpus", corpus_path)
    assert result.exit_code == 0
    assert "shift: Samordning" in result.stdout
    assert "concept: Samordning" in result.stdout


def test_a_piped_table_keeps_every_statement_whole_on_one_line(
    run: Any, session: str, corpus_path: Path
) -> None:
    result = run("show", session, "--corpus", corpus_path)
    assert any(LONG in line for line in result.stdout.splitlines())
    assert "\x1b[" not in result.stdout  # plain text, no colour codes


def test_taxonomy_show_piped_is_not_cut(run: Any) -> None:
    result = run("taxonomy", "show")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any("person-relation: Person och relation (" in line for line in lines)
    assert all(not line.endswith("…") for line in lines)
    assert all(line.count("(") == line.count(")") for line in lines)


@pytest.mark.parametrize("command", ["show", "search"])
def test_an_unknown_label_exits_2(run: Any, session: str, corpus_path: Path, command: str) -> None:
    args = [session] if command == "show" else ["samordning"]
    result = run(command, *args, "--label", "nosuch", "--corpus", corpus_path)
    assert result.exit_code == 2
    assert "nosuch" in result.stderr


@pytest.mark.parametrize(
    "option",
    [("--kind", "workshop"), ("--date", "2031-13-01"), ("--session", "Norrby/2031")],
)
def test_a_usage_error_in_ingest_creates_no_corpus(
    run: Any, tmp_path: Path, option: tuple[str, str]
) -> None:
    notes = tmp_path / "norrby.txt"
    notes.write_text(NOTES, encoding="utf-8")
    corpus = tmp_path / "new" / "corpus.db"
    result = run("ingest", notes, "--corpus", corpus, *option)
    assert result.exit_code == 2
    assert option[1] in result.stderr
    assert not corpus.exists() and not corpus.parent.exists()


def test_a_file_of_one_statement_is_counted_in_the_singular(
    run: Any, tmp_path: Path, corpus_path: Path
) -> None:
    notes = tmp_path / "kort.md"
    notes.write_text("- Tydligare samordning mellan hemtjänst och vårdcentral\n", encoding="utf-8")
    result = run("ingest", notes, "--corpus", corpus_path)
    assert result.exit_code == 0
    assert "kort  1 statement, 1 tagged" in result.output
    again = run("ingest", notes, "--corpus", corpus_path)
    assert "(1 statement;" in again.output

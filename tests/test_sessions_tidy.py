"""A corpus a facilitator can tidy: the same notes are not stored twice by accident, and
sessions can be deleted, renamed and merged (each in one transaction, after a yes).

The notes are written for these tests.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from synth.errors import StoreError
from synth.store import Corpus

NOTES_A = "Träff i Norrby\n\n- Fler hälsosamtal på vårdcentralen\n- Mer dialog med kommunen\n"
NOTES_B = "Träff i Söderby\n\n- Gemensam planering för de äldre\n"


@pytest.fixture
def notes(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "norrby.txt", tmp_path / "soderby.txt"
    a.write_text(NOTES_A, encoding="utf-8")
    b.write_text(NOTES_B, encoding="utf-8")
    return a, b


def stored(corpus: Path) -> dict[str, list[str]]:
    with Corpus(corpus) as db:
        return {s.id: [st.text for st in db.statements(s.id)] for s in db.sessions()}


def test_the_same_notes_under_another_session_id_are_not_stored_twice(
    run: Callable[..., Any], notes: tuple[Path, Path], corpus_path: Path
) -> None:
    a, _ = notes
    run("ingest", a, "--corpus", corpus_path)
    again = run("ingest", a, "--corpus", corpus_path, "--session", "x1")
    assert again.exit_code == 0
    assert "already stored" in again.stdout and "norrby" in again.stdout
    assert "--force-copy" in again.stdout
    assert list(stored(corpus_path)) == ["norrby"]


@pytest.mark.parametrize("flag", ["--force-copy", "--replace"])
def test_a_second_copy_is_stored_on_purpose(
    run: Callable[..., Any], notes: tuple[Path, Path], corpus_path: Path, flag: str
) -> None:
    a, _ = notes
    run("ingest", a, "--corpus", corpus_path)
    result = run("ingest", a, "--corpus", corpus_path, "--session", "x1", flag)
    assert result.exit_code == 0, result.output
    assert sorted(stored(corpus_path)) == ["norrby", "x1"]


def test_force_copy_without_a_session_id_stores_a_copy_under_a_new_id(
    run: Callable[..., Any], notes: tuple[Path, Path], corpus_path: Path
) -> None:
    a, _ = notes
    run("ingest", a, "--corpus", corpus_path)
    run("ingest", a, "--corpus", corpus_path, "--force-copy")
    assert sorted(stored(corpus_path)) == ["norrby", "norrby-2"]


def test_the_no_year_note_names_the_session_to_replace(
    run: Callable[..., Any], tmp_path: Path, corpus_path: Path
) -> None:
    path = tmp_path / "traff.txt"
    path.write_text("Träff 28 januari\n\n- Fler hälsosamtal\n", encoding="utf-8")
    result = run("ingest", path, "--corpus", corpus_path, "--session", "jan")
    assert "--replace --session jan --date YYYY-01-28" in result.stderr


def test_delete_asks_first_and_keeps_the_session_on_no(
    run: Callable[..., Any], notes: tuple[Path, Path], corpus_path: Path
) -> None:
    a, b = notes
    run("ingest", a, b, "--corpus", corpus_path)
    declined = run("sessions", "delete", "norrby", "--corpus", corpus_path, input="n\n")
    assert declined.exit_code == 1
    assert sorted(stored(corpus_path)) == ["norrby", "soderby"]
    done = run("sessions", "delete", "norrby", "--corpus", corpus_path, input="y\n")
    assert done.exit_code == 0
    assert list(stored(corpus_path)) == ["soderby"]
    # Nothing of it is left to search.
    found = run("search", "hälsosamtal", "--corpus", corpus_path)
    assert "Fler hälsosamtal" not in found.stdout


def test_rename_moves_statements_and_tags_to_the_new_id(
    run: Callable[..., Any], notes: tuple[Path, Path], corpus_path: Path
) -> None:
    a, _ = notes
    run("ingest", a, "--corpus", corpus_path)
    with Corpus(corpus_path) as db:
        before = [(s.text, s.tags.pairs()) for s in db.statements("norrby")]
    result = run("sessions", "rename", "norrby", "norrby-2031", "--yes", "--corpus", corpus_path)
    assert result.exit_code == 0, result.output
    with Corpus(corpus_path) as db:
        assert [s.id for s in db.sessions()] == ["norrby-2031"]
        assert [(s.text, s.tags.pairs()) for s in db.statements("norrby-2031")] == before
    # The notes are still known by their content under the new id.
    again = run("ingest", a, "--corpus", corpus_path)
    assert "already stored" in again.stdout and "norrby-2031" in again.stdout


def test_rename_to_a_taken_id_changes_nothing(
    run: Callable[..., Any], notes: tuple[Path, Path], corpus_path: Path
) -> None:
    a, b = notes
    run("ingest", a, b, "--corpus", corpus_path)
    result = run("sessions", "rename", "norrby", "soderby", "--yes", "--corpus", corpus_path)
    assert result.exit_code == 2
    assert "soderby" in result.stderr
    assert stored(corpus_path) == {
        "norrby": ["Fler hälsosamtal på vårdcentralen", "Mer dialog med kommunen"],
        "soderby": ["Gemensam planering för de äldre"],
    }


def test_merge_appends_the_other_sessions_in_order_and_removes_them(
    run: Callable[..., Any], notes: tuple[Path, Path], corpus_path: Path
) -> None:
    a, b = notes
    run("ingest", a, b, "--corpus", corpus_path)
    result = run("sessions", "merge", "norrby", "soderby", "--yes", "--corpus", corpus_path)
    assert result.exit_code == 0, result.output
    assert stored(corpus_path) == {
        "norrby": [
            "Fler hälsosamtal på vårdcentralen",
            "Mer dialog med kommunen",
            "Gemensam planering för de äldre",
        ]
    }
    with Corpus(corpus_path) as db:
        merged = db.statements("norrby")
        assert [s.position for s in merged] == [1, 2, 3]
        assert [s.source for s in merged] == ["norrby.txt", "norrby.txt", "soderby.txt"]
        assert db.session("norrby").sources == ["norrby.txt", "soderby.txt"]
    # The merged notes are known by their content as one session made of both files.
    again = run("ingest", a, b, "--session", "both", "--corpus", corpus_path)
    assert "already stored" in again.stdout and "norrby" in again.stdout


def test_a_failed_merge_changes_nothing(
    run: Callable[..., Any], notes: tuple[Path, Path], corpus_path: Path
) -> None:
    run("ingest", *notes, "--corpus", corpus_path)
    before = stored(corpus_path)
    with Corpus(corpus_path) as db, pytest.raises(StoreError):
        db.merge_sessions("norrby", ["soderby", "nosuch"])
    assert stored(corpus_path) == before


def test_sessions_commands_on_an_unknown_session_exit_2_and_write_nothing(
    run: Callable[..., Any], notes: tuple[Path, Path], corpus_path: Path
) -> None:
    a, _ = notes
    run("ingest", a, "--corpus", corpus_path)
    before = sqlite3.connect(corpus_path).execute("SELECT COUNT(*) FROM statements").fetchone()
    for args in (("delete", "nosuch"), ("rename", "nosuch", "x"), ("merge", "norrby", "nosuch")):
        result = run("sessions", *args, "--yes", "--corpus", corpus_path)
        assert result.exit_code == 2, args
        assert "nosuch" in result.stderr
    after = sqlite3.connect(corpus_path).execute("SELECT COUNT(*) FROM statements").fetchone()
    assert before == after

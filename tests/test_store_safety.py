"""Nothing lost: transactions survive a killed process, concurrent ingests both land, the
schema migrates forward, the corpus is private, session ids stay out of paths, re-ingest
does not duplicate, and retag works from the stored text alone."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, TAXONOMY, as_unprivileged, integrity
from synth.errors import StoreError
from synth.store import Corpus, valid_session_id
from synth.store import corpus as store

NOTES = "# Möte i Exempelby\n\n- Fler hälsosamtal på vårdcentralen\n- Mer dialog med kommunen\n"


def big_notes(path: Path, items: int) -> Path:
    lines = ["# Stor workshop", ""]
    lines += [
        f"- Förslag {n}: fler hälsosamtal och mer samverkan i område {n}" for n in range(items)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def synth_process(*args: str | Path, hook: str = "") -> subprocess.Popen[str]:
    """``synth ARGS`` in a new Python process, with optional code run before it."""
    code = hook + "\nfrom synth.cli import app\napp([" + ", ".join(repr(str(a)) for a in args)
    code += "])\n"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_an_ingest_killed_while_writing_leaves_the_previous_state_intact(
    run: Any, tmp_path: Path
) -> None:
    corpus = tmp_path / "c.db"
    first = tmp_path / "forsta.md"
    first.write_text(NOTES, encoding="utf-8")
    assert run("ingest", first, "--corpus", corpus).exit_code == 0
    large = big_notes(tmp_path / "stor.md", 3000)
    # Signal once the write transaction holds its first batch of statements, then wait,
    # so the kill lands inside the transaction.
    hook = textwrap.dedent(
        """
        import time
        from synth.store import Corpus
        insert = Corpus._insert_statements
        calls = [0]
        def slow(db, *lists):
            insert(db, *lists)
            calls[0] += 1
            if calls[0] == 1:
                print("writing", flush=True)
                time.sleep(60)
        Corpus._insert_statements = staticmethod(slow)
        """
    )
    process = synth_process("ingest", large, "--corpus", corpus, hook=hook)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "writing"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert integrity(corpus) == "ok"
    with Corpus(corpus) as db:
        sessions = db.sessions()
        assert [s.id for s in sessions] == ["forsta"]
        assert sessions[0].statement_count == 2
        assert db.db.execute("SELECT COUNT(*) FROM statements").fetchone()[0] == 2
    # The interrupted notes can be ingested again afterwards.
    assert run("ingest", large, "--corpus", corpus).exit_code == 0


def test_two_ingests_into_one_corpus_at_the_same_time_both_succeed(tmp_path: Path) -> None:
    corpus = tmp_path / "c.db"
    a = big_notes(tmp_path / "a.md", 800)
    b = tmp_path / "b.md"
    b.write_text(a.read_text(encoding="utf-8").replace("Förslag", "Idé"), encoding="utf-8")
    processes = [synth_process("ingest", path, "--corpus", corpus) for path in (a, b)]
    outcomes = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outcomes
    with Corpus(corpus) as db:
        assert {s.id: s.statement_count for s in db.sessions()} == {"a": 800, "b": 800}
    assert integrity(corpus) == "ok"


def test_a_database_without_a_schema_version_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    with Corpus(path) as db:
        assert db.db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
        assert db.sessions() == []


def test_a_new_schema_version_migrates_a_stored_corpus_forward(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "c.db"
    notes = tmp_path / "mote.md"
    notes.write_text(NOTES, encoding="utf-8")
    assert run("ingest", notes, "--corpus", corpus).exit_code == 0
    future = store.SCHEMA_VERSION + 1
    migrations = dict(store._MIGRATIONS)
    migrations[future] = "ALTER TABLE sessions ADD COLUMN note TEXT"
    monkeypatch.setattr(store, "_MIGRATIONS", migrations)
    monkeypatch.setattr(store, "SCHEMA_VERSION", future)
    with Corpus(corpus) as db:
        assert db.db.execute("PRAGMA user_version").fetchone()[0] == future
        assert [tuple(r) for r in db.db.execute("SELECT note FROM sessions")] == [(None,)]
        assert [s.id for s in db.sessions()] == ["mote"]


def test_a_corpus_from_a_newer_synth_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="upgrade synth"):
        Corpus(path)


def test_the_corpus_files_are_readable_by_their_owner_only(run: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "ny" / "c.db"
    notes = tmp_path / "mote.md"
    notes.write_text(NOTES, encoding="utf-8")
    assert run("ingest", notes, "--corpus", corpus).exit_code == 0
    with Corpus(corpus):  # WAL and shared-memory files exist while it is open
        files = sorted(corpus.parent.glob("c.db*"))
        assert corpus in files
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.parametrize("bad", ["../../x", "/etc/passwd", "a/b", "..", "x/../../y", ""])
def test_session_ids_that_could_reach_into_paths_are_rejected(bad: str) -> None:
    with pytest.raises(StoreError, match="not allowed"):
        valid_session_id(bad)


def test_the_cli_rejects_a_path_like_session_id_and_stores_nothing(
    run: Any, tmp_path: Path
) -> None:
    notes = tmp_path / "mote.md"
    notes.write_text(NOTES, encoding="utf-8")
    result = run("ingest", notes, "--corpus", tmp_path / "c.db", "--session", "../../x")
    assert result.exit_code == 2
    assert "session id '../../x' is not allowed" in result.stderr
    assert not (tmp_path.parent / "x").exists()


def test_the_same_content_under_another_name_is_not_stored_twice(run: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.db"
    (tmp_path / "a.md").write_text(NOTES, encoding="utf-8")
    (tmp_path / "kopia.md").write_text(NOTES, encoding="utf-8")
    assert run("ingest", tmp_path / "a.md", "--corpus", corpus).exit_code == 0
    again = run("ingest", tmp_path / "kopia.md", "--corpus", corpus)
    assert again.exit_code == 0 and "already stored  a " in again.output
    replaced = run("ingest", tmp_path / "a.md", "--corpus", corpus, "--replace")
    assert replaced.exit_code == 0 and replaced.output.startswith("replaced a ")
    with Corpus(corpus) as db:
        assert [(s.id, s.statement_count) for s in db.sessions()] == [("a", 2)]


def test_retag_applies_a_changed_taxonomy_to_stored_statements(run: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.db"
    notes = tmp_path / "mote.md"
    notes.write_text(NOTES, encoding="utf-8")
    assert run("ingest", notes, "--corpus", corpus).exit_code == 0
    notes.unlink()  # retag needs only the corpus
    with Corpus(corpus) as db:
        before = {s.text: s.tags.concepts for s in db.statements("mote")}
    assert "tillsammans" in before["Mer dialog med kommunen"]
    changed = tmp_path / "taxonomy.yaml"
    changed.write_text(
        TAXONOMY.read_text(encoding="utf-8").replace("          - dialog\n", "", 1),
        encoding="utf-8",
    )
    result = run("retag", "mote", "--corpus", corpus, "--taxonomy", changed)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("retagged mote  2 statements")
    assert "1 changed" in result.output
    with Corpus(corpus) as db:
        after = {s.text: s.tags.concepts for s in db.statements("mote")}
    assert "tillsammans" not in after["Mer dialog med kommunen"]
    assert after["Fler hälsosamtal på vårdcentralen"] == before["Fler hälsosamtal på vårdcentralen"]


def test_retag_with_the_same_taxonomy_changes_nothing(run: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.db"
    assert run("ingest", ROOT / "corpus" / "examples", "--corpus", corpus).exit_code == 0
    result = run("retag", "--corpus", corpus)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 3 and all(line.endswith(" 0 changed") for line in lines)


def test_retag_of_an_unknown_session_is_a_usage_error(run: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.db"
    notes = tmp_path / "mote.md"
    notes.write_text(NOTES, encoding="utf-8")
    assert run("ingest", notes, "--corpus", corpus).exit_code == 0
    result = run("retag", "saknas", "--corpus", corpus)
    assert result.exit_code == 2
    assert "unknown session 'saknas'" in result.stderr


def test_an_id_taken_by_a_concurrent_ingest_gets_the_next_free_id(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "c.db"
    (tmp_path / "ett").mkdir()
    (tmp_path / "tva").mkdir()
    (tmp_path / "ett" / "mote.md").write_text(NOTES, encoding="utf-8")
    (tmp_path / "tva" / "mote.md").write_text(NOTES.replace("Mer", "Bättre"), encoding="utf-8")
    assert run("ingest", tmp_path / "ett" / "mote.md", "--corpus", corpus).exit_code == 0
    # As if the other ingest committed "mote" just after this one looked for a free id.
    unique = Corpus.unique_session_id
    calls = [0]

    def stale_first(self: Corpus, base: str) -> str:
        calls[0] += 1
        return base if calls[0] == 1 else unique(self, base)

    monkeypatch.setattr(Corpus, "unique_session_id", stale_first)
    result = run("ingest", tmp_path / "tva" / "mote.md", "--corpus", corpus)
    assert result.exit_code == 0, result.output
    with Corpus(corpus) as db:
        assert [s.id for s in db.sessions()] == ["mote", "mote-2"]


def test_the_same_notes_are_stored_once_even_when_two_writes_race(tmp_path: Path) -> None:
    from synth.models import Session

    with Corpus(tmp_path / "c.db") as db:
        first = Session("a", "A", None, "other", ["a.txt"])
        second = Session("b", "B", None, "other", ["a.txt"])
        source = [("a.txt", "a.txt", "0" * 64, "text")]
        db.write_session(first, "same-hash", source, [], unique_content=True)
        # The second ingest checked before the first wrote; the write itself refuses.
        with pytest.raises(StoreError, match="already stored as session 'a'"):
            db.write_session(second, "same-hash", source, [], unique_content=True)
        assert [s.id for s in db.sessions()] == ["a"]


def test_replace_replaces_the_session_that_came_from_the_same_file(
    run: Any, tmp_path: Path
) -> None:
    corpus = tmp_path / "c.db"
    folder = tmp_path / "d"
    for n in range(4):
        (folder / str(n)).mkdir(parents=True)
        (folder / str(n) / "notes.txt").write_text(NOTES + f"- Grupp {n}\n", encoding="utf-8")
    assert run("ingest", folder, "-r", "--corpus", corpus).exit_code == 0
    changed = folder / "3" / "notes.txt"
    changed.write_text(NOTES + "- Grupp 3, rättad\n", encoding="utf-8")
    result = run("ingest", changed, "--replace", "--corpus", corpus)
    assert result.exit_code == 0, result.output
    with Corpus(corpus) as db:
        texts = sorted(" ".join(s.text for s in db.statements(x.id)) for x in db.sessions())
    assert len(texts) == 4
    for n in range(3):
        assert sum(f"Grupp {n}" in t for t in texts) == 1
    assert sum("Grupp 3, rättad" in t for t in texts) == 1


def test_replace_on_a_new_corpus_keeps_every_file_of_a_folder(run: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.db"
    for n in range(4):
        (tmp_path / "d" / str(n)).mkdir(parents=True)
        (tmp_path / "d" / str(n) / "notes.txt").write_text(NOTES + f"- Grupp {n}\n")
    result = run("ingest", tmp_path / "d", "-r", "--replace", "--corpus", corpus)
    assert result.exit_code == 0, result.output
    with Corpus(corpus) as db:
        assert len(db.sessions()) == 4


def test_replace_refuses_to_shrink_a_session_of_several_files(run: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.db"
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(NOTES, encoding="utf-8")
    b.write_text(NOTES + "- Mer\n", encoding="utf-8")
    assert run("ingest", a, b, "--session", "ab", "--corpus", corpus).exit_code == 0
    result = run("ingest", a, "--replace", "--corpus", corpus)
    assert result.exit_code == 1
    assert "--session ab" in result.stderr
    with Corpus(corpus) as db:
        assert db.session("ab").sources == ["a.txt", "b.txt"]


def test_a_full_disk_during_ingest_says_so_and_keeps_the_corpus(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "c.db"
    first = tmp_path / "first.txt"
    first.write_text(NOTES, encoding="utf-8")
    assert run("ingest", first, "--corpus", corpus).exit_code == 0
    connect = store.Corpus._connect

    def full(target: Any, uri: bool = False) -> sqlite3.Connection:
        db = connect(target, uri)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
        return db

    monkeypatch.setattr(store.Corpus, "_connect", staticmethod(full))
    result = run("ingest", big_notes(tmp_path / "big.txt", 3000), "--corpus", corpus)
    assert result.exit_code == 1
    assert "disk is full" in result.stderr
    assert "Traceback" not in result.stderr and "rollback" not in result.stderr
    monkeypatch.undo()
    with Corpus(corpus) as db:
        assert [s.sources for s in db.sessions()] == [["first.txt"]]
    assert integrity(corpus) == "ok"


def test_a_read_only_corpus_in_a_read_only_folder_can_be_read(run: Any, tmp_path: Path) -> None:
    # A folder others can reach (pytest's own temporary folders are private to root).
    base = Path(tempfile.mkdtemp())
    base.chmod(0o755)
    folder = base / "shared"
    folder.mkdir()
    corpus = folder / "c.db"
    notes = tmp_path / "n.txt"
    notes.write_text(NOTES, encoding="utf-8")
    assert run("ingest", notes, "--corpus", corpus, "--session", "n").exit_code == 0
    corpus.chmod(0o444)
    folder.chmod(0o555)
    try:

        def listing() -> tuple[int, str, str]:
            from typer.testing import CliRunner

            from synth.cli import app

            result = CliRunner().invoke(app, ["sessions", "--corpus", str(corpus)])
            searched = CliRunner().invoke(app, ["search", "hälsosamtal", "--corpus", str(corpus)])
            return result.exit_code, f"{result.output}{result.exception!r}", searched.output

        code, output, searched = as_unprivileged(listing)
        assert code == 0, output
        assert "n " in output and "Exempelby" in output
        assert "Fler hälsosamtal" in searched
        assert sorted(p.name for p in folder.iterdir()) == ["c.db"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(base)


def test_reading_commands_never_write_the_corpus(run: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.db"
    notes = tmp_path / "n.txt"
    notes.write_text(NOTES, encoding="utf-8")
    assert run("ingest", notes, "--corpus", corpus, "--session", "n").exit_code == 0
    with Corpus(corpus, readonly=True) as db:
        assert [s.id for s in db.sessions()] == ["n"]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.delete_session("n")


def test_a_large_file_tagged_while_it_is_stored_gives_the_same_statements(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from synth import ingest as ingesting

    notes = big_notes(tmp_path / "stor.txt", 2500)

    def stored(corpus: Path) -> list[tuple[object, ...]]:
        assert run("ingest", notes, "--corpus", corpus).exit_code == 0
        with Corpus(corpus) as db:
            (session,) = db.sessions()
            return [
                (s.text, s.char_start, s.char_end, s.lemmas, s.tags.pairs())
                for s in db.statements(session.id)
            ]

    eager = stored(tmp_path / "eager.db")
    monkeypatch.setattr(ingesting, "LAZY_CHARS", 0)
    spooled: list[int] = []
    spool = ingesting._spool

    def counting(records: Any, batch: int = 2000) -> Any:
        spooled.append(1)
        return spool(records, batch)

    monkeypatch.setattr(ingesting, "_spool", counting)
    assert stored(tmp_path / "lazy.db") == eager
    assert spooled == [1] and len(eager) == 2500

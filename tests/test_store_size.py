"""The corpus keeps no copy of what it can read again: the search index reads the
statements through a masked view, the lowercase forms are stored where they differ from
the lemmas, and a section's title and prompt once per session. Older corpora are
converted on open and stay consistent."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from conftest import search_total
from synth.analysis import search
from synth.store import Corpus
from synth.store import corpus as store
from synth.store.forms import forms, inflections

EXAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "examples"

OLD_TEXTS = (
    ("Vi samordnade hemtjänsten med vårdcentralerna.", "vi samordna hemtjänst med vårdcentral ."),
    ("Ring Anna på 070-123 45 67 om hembesöken.", "ringa anna på 070-123 45 67 om hembesök ."),
)

NOTES = """Uppföljning hemsjukvård 2023-11-20

- Vårdcentralerna vill samordna sina scheman.
- Vi behöver mer tid för hembesök.
"""


def _old_forms(text: str) -> str:
    return " ".join(text.lower().replace(".", " .").split())


def _schema_7_corpus(path: Path) -> None:
    """A corpus as schema 7 kept it: whole forms beside the lemmas, and a search index
    with its own copy of the masked text and lemmas."""
    db = Corpus._connect(path)
    for version in range(1, 8):
        for sql in store._statements(store._MIGRATIONS[version]):
            db.execute(sql)
        if version == 7:
            store._compact_tags(db)
    db.execute("PRAGMA user_version = 7")
    db.execute("INSERT INTO sessions VALUES ('gammal', 'Gammal', '2021-03-01', 'other', 'h', 't')")
    db.execute("INSERT INTO sources VALUES (1, 'gammal', 0, 'g.txt', 'g.txt', 's', 'x')")
    for position, (text, lemmas) in enumerate(OLD_TEXTS, start=1):
        db.execute(
            "INSERT INTO statements (session_id, source_id, position, text, kind, line_start,"
            " line_end, char_start, char_end, lemmas, forms, section, prompt) VALUES"
            " ('gammal', 1, ?, ?, 'bullet', 1, 1, 0, 1, ?, ?, 'Ledning', ?)",
            (position, text, lemmas, _old_forms(text), f"Fråga {position}?"),
        )
    db.execute(  # as schema 7's write_session indexed them
        "INSERT INTO statements_fts (rowid, text, lemmas)"
        " SELECT id, synth_mask(text), synth_mask_lemmas(lemmas) FROM statements"
    )
    db.close()


def _check_index(path: Path) -> None:
    """FTS5's own check that the index holds exactly the masked statements."""
    with Corpus(path) as corpus:
        corpus.db.execute(
            "INSERT INTO statements_fts (statements_fts, rank) VALUES ('integrity-check', 1)"
        )


def _ingested(run: Any, tmp_path: Path) -> Path:
    """A corpus of NOTES, ingested."""
    notes = tmp_path / "uppfoljning-2023-11-20.txt"
    notes.write_text(NOTES, encoding="utf-8")
    path = tmp_path / "c.db"
    assert run("ingest", notes, "--corpus", path).exit_code == 0
    return path


def test_a_schema_7_corpus_converted_on_open_stays_searchable_through_ingest_replace_and_delete(
    run: Any, tmp_path: Path
) -> None:
    path = tmp_path / "old.db"
    _schema_7_corpus(path)
    assert search_total(run, path, "samordna") == 1
    assert search_total(run, path, "070") == 0  # the index still holds masked text only
    with Corpus(path) as corpus:
        version = corpus.db.execute("PRAGMA user_version").fetchone()[0]
        old = corpus.statements("gammal")
        lemma = search.stored_lemmatizer(corpus, lambda word: "?")
        assert lemma("hembesöken") == "hembesök"
    assert version == store.SCHEMA_VERSION
    assert [s.forms for s in old] == [_old_forms(text) for text, _ in OLD_TEXTS]
    assert [(s.section, s.prompt) for s in old] == [
        ("Ledning", "Fråga 1?"),
        ("Ledning", "Fråga 2?"),
    ]
    _check_index(path)

    notes = tmp_path / "uppfoljning-2023-11-20.txt"
    notes.write_text(NOTES, encoding="utf-8")
    assert run("ingest", notes, "--corpus", path).exit_code == 0
    assert search_total(run, path, "samordna") == 2
    _check_index(path)

    notes.write_text(NOTES.replace("hembesök", "samtal"), encoding="utf-8")
    replaced = run("ingest", notes, "--corpus", path, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert search_total(run, path, "hembesök") == 1 and search_total(run, path, "samtal") == 1
    _check_index(path)

    assert run("sessions", "delete", "gammal", "--corpus", path, "--yes").exit_code == 0
    assert search_total(run, path, "hembesök") == 0 and search_total(run, path, "samordna") == 1
    _check_index(path)


def test_an_index_made_under_other_masks_is_made_again_when_the_corpus_opens(
    run: Any, tmp_path: Path
) -> None:
    path = _ingested(run, tmp_path)
    db = sqlite3.connect(path)
    # What an index made under other masks holds: words the statements do not.
    db.execute("INSERT INTO statements_fts (rowid, text, lemmas) VALUES (1, 'omaskerad', '')")
    db.execute("UPDATE corpus_info SET value = '0' WHERE key = 'index_masks'")
    db.commit()
    db.close()
    assert search_total(run, path, "omaskerad") == 0
    assert search_total(run, path, "samordna") == 1
    _check_index(path)


def test_the_search_index_keeps_no_copy_of_the_statements(run: Any, tmp_path: Path) -> None:
    path = _ingested(run, tmp_path)
    with Corpus(path) as corpus:
        tables = {str(r[0]) for r in corpus.db.execute("SELECT name FROM sqlite_schema")}
        (statement, *_) = corpus.statements("uppfoljning-2023-11-20")
    assert "statements_fts_content" not in tables and "statements_fts_docsize" not in tables
    assert statement.forms == "vårdcentralerna vill samordna sina scheman ."
    assert search_total(run, path, "vårdcentral") == 1


def _places(corpus: Corpus, session_id: str) -> list[tuple[str | None, ...]]:
    return [(s.section, s.section_shift, s.prompt, s.group) for s in corpus.statements(session_id)]


def test_statements_keep_their_sections_through_merge_and_rename_and_go_with_their_session(
    run: Any, tmp_path: Path
) -> None:
    notes = (EXAMPLES / "lgl-2024-03-14-gruppdialog.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(notes, encoding="utf-8")
    (tmp_path / "b.txt").write_text(notes + "\n- Ett tillägg.\n", encoding="utf-8")
    path = tmp_path / "c.db"
    for name in ("a", "b"):
        done = run("ingest", tmp_path / f"{name}.txt", "--corpus", path, "--session", name)
        assert done.exit_code == 0, done.output
    with Corpus(path) as corpus:
        a, b = _places(corpus, "a"), _places(corpus, "b")
        corpus.merge_sessions("a", ["b"])
        merged = _places(corpus, "a")
        corpus.rename_session("a", "c")
        renamed = _places(corpus, "c")
        corpus.delete_session("c")
        left = corpus.db.execute("SELECT COUNT(*) FROM places").fetchone()[0]
    assert any(p[0] for p in a) and any(p[1] for p in a) and any(p[2] for p in a)
    assert merged == renamed == a + b
    assert left == 0


WORDS = st.text(alphabet=st.characters(blacklist_characters=" "), max_size=6)


@given(st.lists(st.tuples(WORDS, WORDS), max_size=8))
def test_forms_read_back_as_stored_whatever_the_lemmas(pairs: list[tuple[str, str]]) -> None:
    stored = " ".join(f for f, _ in pairs), " ".join(b for _, b in pairs)
    assert forms(inflections(*stored), stored[1]) == stored[0]


@given(st.text(max_size=30), st.text(max_size=30))
def test_forms_that_do_not_align_with_the_lemmas_read_back_whole(written: str, lemmas: str) -> None:
    assert forms(inflections(written, lemmas), lemmas) == written

"""Tags stored compactly (label and term ids with offsets), statements with their session
as a number, their kind as an id and their words as ids of (form, lemma) pairs: read back
as stored, and older corpora converted when they open."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import integrity, search_total
from synth.errors import StoreError
from synth.models import Evidence, Session, Statement, TagSet
from synth.redact import INDEX_MASKS_VERSION
from synth.store import Corpus, words
from synth.store import corpus as store
from synth.store.forms import forms

TEXT = "Fler SIP och tidiga insatser"


def _schema_6_corpus(path: Path) -> None:
    """A corpus as schema 6 kept it: each tag's evidence as a JSON list."""
    db = Corpus._connect(path)
    for version in range(1, 7):
        for sql in store._statements(store._MIGRATIONS[version]):
            db.execute(sql)
    db.execute("PRAGMA user_version = 6")
    db.execute("INSERT INTO sessions VALUES ('s', 'T', NULL, 'other', 'h', 'now')")
    db.execute("INSERT INTO sources VALUES (1, 's', 0, 'n.txt', 'n.txt', 'x', ?)", (TEXT,))
    db.execute(
        "INSERT INTO statements (id, session_id, source_id, position, text, kind, line_start,"
        " line_end, char_start, char_end) VALUES (1, 's', 1, 1, ?, 'bullet', 1, 1, 0, 28)",
        (TEXT,),
    )
    evidence = {
        ("shifts", "proaktiv"): [
            {"term": "tidiga insatser", "text": "tidiga insatser", "start": 13, "end": 28}
        ],
        ("concepts", "samordning"): [
            {"term": "SIP", "text": "SIP", "start": 5, "end": 8},
            # Words that are not the statement's slice at these offsets are kept as stored.
            {"term": "samordn*", "text": "samordnad", "start": 0, "end": 4},
        ],
    }
    # The classifier added the concept (its score); the terms gave the shift.
    scores = {("concepts", "samordning"): 0.812, ("shifts", "proaktiv"): None}
    for (dimension, label), pieces in evidence.items():
        db.execute(
            "INSERT INTO tags VALUES (1, 's', ?, ?, ?, ?)",
            (dimension, label, json.dumps(pieces, ensure_ascii=False), scores[(dimension, label)]),
        )
    db.close()


def test_a_schema_6_corpus_opens_with_the_same_tags_and_evidence(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _schema_6_corpus(path)
    with Corpus(path) as corpus:
        (statement,) = corpus.statements("s")
        version = corpus.db.execute("PRAGMA user_version").fetchone()[0]
        counts = corpus.db.execute(
            "SELECT dimension, label, COUNT(*) FROM tags GROUP BY dimension, label"
        ).fetchall()
    assert version == store.SCHEMA_VERSION
    assert statement.tags.scores == {("concepts", "samordning"): 0.812}
    assert statement.tags.origin("shifts", "proaktiv") == "terms"
    assert statement.tags.shifts == ["proaktiv"] and statement.tags.concepts == ["samordning"]
    assert statement.tags.evidence == [
        Evidence("concepts", "samordning", "SIP", "SIP", 5, 8),
        Evidence("concepts", "samordning", "samordn*", "samordnad", 0, 4),
        Evidence("shifts", "proaktiv", "tidiga insatser", "tidiga insatser", 13, 28),
    ]
    assert sorted(tuple(r) for r in counts) == [
        ("concepts", "samordning", 1),
        ("shifts", "proaktiv", 1),
    ]


def test_stored_evidence_names_no_word_twice(tmp_path: Path) -> None:
    tags = TagSet(
        shifts=["proaktiv"],
        evidence=[Evidence("shifts", "proaktiv", "tidiga insatser", "tidiga insatser", 13, 28)],
    )
    statement = Statement(TEXT, "n.txt", 1, 1, 0, 28, "bullet", tags=tags)
    with Corpus(tmp_path / "c.db") as corpus:
        corpus.write_session(
            Session("s", "T", None, "other", ["n.txt"]),
            "h",
            [("n.txt", "n.txt", "x", TEXT)],
            [(0, statement)],
        )
        (stored,) = corpus.db.execute("SELECT evidence, evidence_text FROM statement_tags")
        (back,) = corpus.statements("s")
    assert "insatser" not in stored[0] and stored[1] is None
    assert back.tags.evidence == tags.evidence and back.tags.shifts == ["proaktiv"]


def test_retagging_replaces_the_compact_tags(tmp_path: Path) -> None:
    with Corpus(tmp_path / "c.db") as corpus:
        statement = Statement(TEXT, "n.txt", 1, 1, 0, 28, "bullet")
        corpus.write_session(
            Session("s", "T", None, "other", ["n.txt"]),
            "h",
            [("n.txt", "n.txt", "x", TEXT)],
            [(0, statement)],
        )
        ((statement_id, _text),) = corpus.statement_ids("s")
        tags = TagSet(
            concepts=["samordning"],
            evidence=[Evidence("concepts", "samordning", "SIP", "SIP", 5, 8)],
        )
        corpus.replace_tags("s", [(statement_id, tags)])
        (back,) = corpus.statements("s")
    assert back.tags.concepts == ["samordning"] and back.tags.evidence == tags.evidence


def _schema_7_corpus(path: Path, text: str) -> None:
    """A corpus as schema 7 kept it: each source's text whole in ``sources.text``."""
    db = Corpus._connect(path)
    for version in range(1, 8):
        for sql in store._statements(store._MIGRATIONS[version]):
            db.execute(sql)
    db.execute("DROP TABLE tags")
    db.execute(store._TAGS_VIEW)
    db.execute("PRAGMA user_version = 7")
    db.execute(
        "INSERT INTO sessions VALUES ('s', 'T', NULL, 'other', ?, 'now')",
        (store.content_hash([text]),),
    )
    db.execute("INSERT INTO sources VALUES (1, 's', 0, 'n.txt', '/n.txt', 'x', ?)", (text,))
    db.close()


def test_a_schema_7_corpus_keeps_its_source_texts_and_takes_new_notes(
    run: Any, tmp_path: Path
) -> None:
    path = tmp_path / "old.db"
    # Over two pieces, with characters of two and three bytes in UTF-8.
    text = ("Fler SIP på vårdcentralen – och tidiga insatser.\n" * 45_000)[:2_100_000]
    _schema_7_corpus(path, text)
    notes = tmp_path / "ny.md"
    notes.write_text("# Möte\n\n- Fler hälsosamtal på vårdcentralen\n", encoding="utf-8")
    with Corpus(path) as corpus:
        assert corpus.db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
        assert corpus.sources("s") == [("n.txt", "/n.txt", text)]
        pieces = corpus.db.execute("SELECT COUNT(*) FROM source_pieces").fetchone()[0]
        assert pieces == 3
        # Stored compressed: well under the text's size.
        stored = corpus.db.execute("SELECT SUM(LENGTH(text)) FROM source_pieces").fetchone()[0]
        assert stored < len(text.encode("utf-8")) / 3
    result = run("ingest", notes, "--corpus", path)
    assert result.exit_code == 0, result.output
    with Corpus(path) as corpus:
        assert sorted(s.id for s in corpus.sessions()) == ["ny", "s"]
        assert corpus.sources("ny")[0][2] == "# Möte\n\n- Fler hälsosamtal på vårdcentralen\n"
        assert corpus.sources("s")[0][2] == text
        # The same notes are still recognised by their hash.
        assert corpus.session_by_hash(store.content_hash([text])) == "s"


# Schema 10: session ids, kinds, lemmas and the forms that differ from them as text on
# every statement. (text, kind, lemmas, inflections as schema 10 stored them, forms read).
SCHEMA_10_STATEMENTS = (
    ("Vi samordnade hemtjänsten.", "bullet", "vi samordna hemtjänst .", " samordnade hemtjänsten "),
    (
        "Ring 070-123 45 67 om hembesöken.",
        "paragraph",
        "ringa 070-123 45 67 om hembesök .",
        "ring     hembesöken ",
    ),
    ("", "paragraph", "", ""),
    # Forms that do not line up with their lemmas were kept whole after a tab.
    ("Två ord", "bullet", "två ord", "\ttvå  ord"),
)


def _schema_10_corpus(path: Path) -> None:
    """A corpus as schema 10 kept it: two sessions, their texts in pieces, a statement's
    session id, kind, lemmas and inflections as text, its place and tags by id."""
    db = Corpus._connect(path)
    for version in range(1, 11):
        for sql in store._statements(store._MIGRATIONS[version]):
            db.execute(sql)
        if version in (7, 8, 10):
            store._CONVERSIONS[version](db)
    db.execute("PRAGMA user_version = 10")
    for number, session in enumerate(("aa", "bb"), start=1):
        text = f"Anteckningar {session}"
        db.execute(
            "INSERT INTO sessions VALUES (?, ?, '2021-03-0' || ?, 'other', ?, 'now')",
            (session, session.upper(), number, store.content_hash([text])),
        )
        db.execute(
            "INSERT INTO sources VALUES (?, ?, 0, ?, ?, 'x')",
            (number, session, f"{session}.txt", f"/{session}.txt"),
        )
        store._insert_text(db, number, text)
        db.execute(
            "INSERT INTO places (session_id, section, prompt) VALUES (?, 'Ledning', ?)",
            (session, f"Fråga {session}?"),
        )
        for position, (said, kind, lemmas, stored) in enumerate(SCHEMA_10_STATEMENTS, start=1):
            db.execute(
                "INSERT INTO statements (session_id, source_id, position, text, kind,"
                " line_start, line_end, char_start, char_end, lemmas, inflections, place_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?)",
                (session, number, position, said, kind, position, position, lemmas, stored, number),
            )
    ids = store._TagIds(db)
    (first, text), *_ = db.execute("SELECT id, text FROM statements ORDER BY id").fetchall()
    db.execute(
        "INSERT INTO statement_tags VALUES (?, ?, ?, NULL, 0.75)",
        (first, ids.label("concepts", "samordning"), f"{ids.term('samordn*')} 3 13"),
    )
    db.execute(
        "INSERT INTO statements_fts (rowid, text, lemmas)"
        " SELECT id, synth_mask(text), synth_mask_lemmas(lemmas) FROM statements"
    )
    db.execute("INSERT INTO corpus_info VALUES ('index_masks', ?)", (str(INDEX_MASKS_VERSION),))
    db.close()


def _read_back(corpus: Corpus, session: str) -> list[tuple[object, ...]]:
    return [
        (
            s.text,
            s.kind,
            s.lemmas,
            s.forms,
            s.section,
            s.prompt,
            s.position,
            s.line_start,
            s.tags.pairs(),
            s.tags.scores,
            s.tags.evidence,
        )
        for s in corpus.statements(session)
    ]


def _expected(session: str) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for position, (said, kind, lemmas, stored) in enumerate(SCHEMA_10_STATEMENTS, start=1):
        written = forms(stored, lemmas)
        tags: tuple[object, ...] = ([], {}, [])
        if session == "aa" and position == 1:
            tags = (
                [("concepts", "samordning")],
                {("concepts", "samordning"): 0.75},
                [Evidence("concepts", "samordning", "samordn*", "samordnade", 3, 13)],
            )
        out.append(
            (said, kind, lemmas, written, "Ledning", f"Fråga {session}?", position, position, *tags)
        )
    return out


def test_a_schema_10_corpus_opens_with_the_same_statements_words_places_and_tags(
    run: Any, tmp_path: Path
) -> None:
    path = tmp_path / "old.db"
    _schema_10_corpus(path)
    assert _expected("aa")[0][3] == "vi samordnade hemtjänsten ."
    with Corpus(path) as corpus:
        assert corpus.db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
        assert _read_back(corpus, "aa") == _expected("aa")
        assert _read_back(corpus, "bb") == _expected("bb")
        assert [(s.id, s.statement_count, s.sources) for s in corpus.sessions()] == [
            ("aa", 4, ["aa.txt"]),
            ("bb", 4, ["bb.txt"]),
        ]
        assert corpus.sources("bb") == [("bb.txt", "/bb.txt", "Anteckningar bb")]
        assert corpus.db.execute("PRAGMA foreign_key_check").fetchall() == []
        # Each pair of a form and its lemma is stored once for both sessions.
        pairs = corpus.db.execute("SELECT form, lemma FROM words").fetchall()
        assert len(pairs) == len({tuple(p) for p in pairs})
    assert integrity(path) == "ok"
    # Found by a lemma, a form, a prefix; the index still holds masked text only.
    assert search_total(run, path, "samordna") == 2
    assert search_total(run, path, "hembesöken") == 2
    assert search_total(run, path, "hemtj*") == 2
    assert search_total(run, path, "070") == 0
    with Corpus(path) as corpus:
        corpus.db.execute("INSERT INTO statements_fts (statements_fts) VALUES ('integrity-check')")
        corpus.rename_session("bb", "cc")
        corpus.merge_sessions("aa", ["cc"])
        merged = _read_back(corpus, "aa")
        assert [m[:8] for m in merged] == [
            (*e[:6], p, e[7]) for p, e in enumerate(_expected("aa") + _expected("bb"), 1)
        ]
        corpus.delete_session("aa")
        counts = [
            corpus.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in (
                "sessions",
                "sources",
                "source_pieces",
                "places",
                "statements",
                "statement_tags",
                "statements_fts",
            )
        ]
        corpus.db.execute("INSERT INTO statements_fts (statements_fts) VALUES ('integrity-check')")
    assert counts == [0] * 7


def test_a_schema_10_corpus_whose_conversion_fails_is_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    _schema_10_corpus(path)
    before = path.read_bytes()

    def fails(db: sqlite3.Connection) -> None:
        store._keys_as_numbers(db)
        db.execute("SELECT * FROM a_table_that_is_not_there")  # fails once all is converted

    monkeypatch.setitem(store._CONVERSIONS, 11, fails)
    with pytest.raises(StoreError, match="cannot open the corpus"):
        Corpus(path)
    monkeypatch.undo()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 10
    assert db.execute("SELECT COUNT(*) FROM statements WHERE session_id = 'bb'").fetchone()[0] == 4
    db.close()
    assert len(path.read_bytes()) == len(before)
    with Corpus(path) as corpus:
        assert _read_back(corpus, "bb") == _expected("bb")


def _session_of(corpus: Corpus, session: str, lines: list[tuple[str, str, str]]) -> None:
    """Store a session of statements given as (text, lemmas, forms)."""
    statements = [
        (0, Statement(t, "n.txt", 1, 1, 0, len(t), "bullet", lemmas=lem, forms=f))
        for t, lem, f in lines
    ]
    corpus.write_session(
        Session(session, "T", None, "other", ["n.txt"]),
        session,
        [("n.txt", "n.txt", "x", "x")],
        statements,
    )


def test_words_two_writers_add_read_back_as_each_stored_them(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    first = [("Vi samordnar", "vi samordna", "vi samordnar")]
    second = [("Fler möten", "fler möte", "fler möten"), ("Vi möts", "vi mötas", "vi möts")]
    with Corpus(path) as one, Corpus(path) as other:
        _session_of(one, "a", first)
        _session_of(other, "b", second)  # its pairs get ids after those of the first
        _session_of(one, "c", second + first)
        assert [(s.text, s.lemmas, s.forms) for s in one.statements("b")] == second
        assert [(s.text, s.lemmas, s.forms) for s in other.statements("c")] == second + first
        # "vi" is stored once: five pairs in all.
        assert one.db.execute("SELECT COUNT(*) FROM words").fetchone()[0] == 5


def test_words_added_by_a_write_that_failed_are_not_taken_for_stored(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with Corpus(path) as corpus:
        _session_of(corpus, "a", [("Ett", "en", "ett")])
        with pytest.raises(StoreError, match="already exists"):
            # New words, then the session is found to exist: nothing of it is kept.
            corpus.write_session(
                Session("a", "T", None, "other", []),
                "h",
                [],
                ((0, Statement(t, "n", 1, 1, 0, 1, "bullet", lemmas=t, forms=t)) for t in ["x"]),
            )
        _session_of(corpus, "b", [("Nya ord", "ny ord", "nya ord")])
        assert [(s.lemmas, s.forms) for s in corpus.statements("b")] == [("ny ord", "nya ord")]
        assert [(s.lemmas, s.forms) for s in corpus.statements("a")] == [("en", "ett")]


WORD = st.text(alphabet=st.characters(blacklist_characters=" "), max_size=5)


@given(st.lists(st.tuples(WORD, WORD), max_size=6), st.lists(WORD, max_size=4))
def test_any_forms_and_lemmas_read_back_as_written(
    pairs: list[tuple[str, str]], extra: list[str]
) -> None:
    # Aligned word by word, and (with extra forms) not.
    db = Corpus._connect(":memory:")
    db.execute(
        "CREATE TABLE words (id INTEGER PRIMARY KEY, form TEXT NOT NULL, lemma TEXT NOT NULL)"
    )
    for written in (" ".join(f for f, _ in pairs), " ".join([f for f, _ in pairs] + extra)):
        lemmas = " ".join(b for _, b in pairs)
        blob = db.words.encode(written, lemmas)
        db.words.forget()  # read back from the table
        assert db.words.decode(blob) == (written, lemmas)
        assert tuple(
            db.execute("SELECT synth_lemmas(?), synth_forms(?)", (blob, blob)).fetchone()
        ) == (
            lemmas,
            written,
        )
    db.close()


@given(st.lists(st.integers(min_value=0, max_value=2**40), max_size=20))
def test_numbers_read_back_from_their_varints(ids: list[int]) -> None:
    assert words.numbers(words.varints(ids)) == ids


def test_a_schema_10_corpus_with_statements_of_no_session_is_not_converted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    _schema_10_corpus(path)
    db = sqlite3.connect(path)  # foreign keys not enforced: a row left behind
    db.execute("DELETE FROM sessions WHERE id = 'bb'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"old\.db: 1 of the sources of the corpus belong to no"):
        Corpus(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 10
    assert db.execute("SELECT COUNT(*) FROM statements").fetchone()[0] == 8
    db.close()

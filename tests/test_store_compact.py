"""Tags stored compactly: label and term ids with offsets, read back as the evidence stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from synth.models import Evidence, Session, Statement, TagSet
from synth.store import Corpus
from synth.store import corpus as store

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

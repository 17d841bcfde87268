"""Nothing leaked: every field that comes from the user's files is masked in every output,
searching cannot confirm a masked value, names cannot play tricks on the terminal, and
statement HTML stays inert in handouts."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from synth.store import Corpus

SECRETS = ("811218-9876", "9876", "070-123 45 67", "anna@example.se")
PRIVATE = """Samtal om vården

Anteckningar från 070-123 45 67

Vem ringde 811218-9876 om hälsosamtal?

- Fler hälsosamtal och samverkan med kommunen
- Kontakt via anna@example.se om hembesök och trygghet
"""
LEGACY_ID = "samtal-811218-9876"


@pytest.fixture
def private(run: Any, tmp_path: Path) -> tuple[Path, list[str]]:
    """A corpus with personal data in file names, titles, sections, prompts and ids."""
    corpus = tmp_path / "c.db"
    notes = tmp_path / "anteckningar 811218-9876.txt"
    notes.write_text(PRIVATE, encoding="utf-8")
    other = tmp_path / "uppföljning.txt"
    other.write_text(PRIVATE.replace("Fler", "Färre"), encoding="utf-8")
    assert run("ingest", notes, "--corpus", corpus).exit_code == 0
    # A session id given by hand (or made by an older synth) with a personnummer in it.
    result = run("ingest", other, "--corpus", corpus, "--session", LEGACY_ID)
    assert result.exit_code == 0, result.output
    with Corpus(corpus) as db:
        ids = [s.id for s in db.sessions()]
    return corpus, ids


def assert_masked(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_a_session_id_is_never_made_of_a_personnummer(private: tuple[Path, list[str]]) -> None:
    _, ids = private
    made = [i for i in ids if i != LEGACY_ID]
    assert made and all("9876" not in i for i in made)


def test_every_output_masks_ids_titles_sources_sections_and_prompts(
    run: Any, tmp_path: Path, private: tuple[Path, list[str]]
) -> None:
    corpus, ids = private
    outputs = [
        run("sessions", "--corpus", corpus).output,
        run("sessions", "--corpus", corpus, "--format", "json").output,
        run("search", "hälsosamtal", "--corpus", corpus, "--format", "json").output,
        run("search", "hälsosamtal", "--corpus", corpus).output,
        run("diff", ids[0], ids[1], "--corpus", corpus, "--format", "json").output,
        run("diff", ids[0], ids[1], "--corpus", corpus, "--format", "md").output,
        run("trends", "--corpus", corpus, "--format", "json").output,
        run("summarize", *ids, "--corpus", corpus, "--template", "full").output,
    ]
    for sid in ids:
        outputs.append(run("show", sid, "--corpus", corpus).output)
        outputs.append(run("show", sid, "--corpus", corpus, "--format", "json").output)
        outputs.append(run("summarize", sid, "--corpus", corpus).output)
    for fmt in ("csv", "jsonl"):
        target = tmp_path / f"export.{fmt}"
        assert run("export", "--all", "--corpus", corpus, "-o", target).exit_code == 0
        outputs.append(target.read_text(encoding="utf-8-sig"))
    project = tmp_path / "export.qdpx"
    assert run("export", "--all", "--corpus", corpus, "-o", project).exit_code == 0
    with zipfile.ZipFile(project) as archive:
        outputs += [archive.read(name).decode("utf-8") for name in archive.namelist()]
        outputs.append(" ".join(archive.namelist()))
    for text in outputs:
        assert text.strip()
        assert_masked(text)
    # --no-redact keeps them, so the masking above was not the notes missing.
    kept = run("show", LEGACY_ID, "--corpus", corpus, "--format", "json", "--no-redact").output
    assert LEGACY_ID in kept and "070-123 45 67" in kept


def test_search_cannot_confirm_a_masked_number(run: Any, private: tuple[Path, list[str]]) -> None:
    corpus, _ = private
    for query in ("811218", "9876", "anna", "example.se", "070"):
        result = run("search", query, "--corpus", corpus, "--format", "json")
        assert json.loads(result.output)["total"] == 0, query
    found = run("search", "hembesök", "--corpus", corpus, "--format", "json")
    assert json.loads(found.output)["total"] == 2


def test_a_corpus_indexed_before_masking_is_indexed_again_when_opened(
    run: Any, private: tuple[Path, list[str]]
) -> None:
    corpus, _ = private
    # The index as schemas 2 to 4 kept it: the statements' own text (and without what
    # later schemas added: the examples, the tags' classifier score, compact tags, the
    # index's masks, the forms kept where they differ from the lemmas, and places).
    # The session as its id, the kind, the lemmas and the forms as text on each statement.
    db = Corpus._connect(corpus)
    db.executescript(
        """
        PRAGMA foreign_keys = OFF;
        DROP TRIGGER statements_fts_delete;
        DROP TRIGGER statements_fts_update;
        DROP TABLE statements_fts;
        DROP VIEW statements_indexed;
        DROP TABLE corpus_info;
        DROP VIEW tags;
        CREATE TABLE old_sessions (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, kind TEXT NOT NULL,
            content_hash TEXT NOT NULL, created_at TEXT NOT NULL
        );
        INSERT INTO old_sessions SELECT id, title, date, kind, content_hash, created_at
            FROM sessions;
        CREATE TABLE old_sources (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            position INTEGER NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,
            sha256 TEXT NOT NULL
        );
        INSERT INTO old_sources SELECT o.id, s.id, o.position, o.name, o.path, o.sha256
            FROM sources o JOIN sessions s ON s.number = o.session;
        CREATE TABLE old_statements (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            position INTEGER NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL,
            line_start INTEGER NOT NULL, line_end INTEGER NOT NULL,
            char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
            lemmas TEXT NOT NULL DEFAULT '', forms TEXT NOT NULL DEFAULT '',
            section TEXT, section_shift TEXT, prompt TEXT, "group" TEXT,
            UNIQUE(session_id, position)
        );
        INSERT INTO old_statements SELECT st.id, s.id, st.source_id, st.position, st.text,
            k.kind, st.line_start, st.line_end, st.char_start, st.char_end,
            synth_lemmas(st.words), synth_forms(st.words),
            p.section, p.section_shift, p.prompt, p."group"
            FROM statements st JOIN sessions s ON s.number = st.session
            JOIN kinds k ON k.id = st.kind LEFT JOIN places p ON p.id = st.place_id;
        DROP TABLE statements;
        DROP TABLE places;
        DROP TABLE sources;
        DROP TABLE sessions;
        DROP TABLE kinds;
        DROP TABLE words;
        ALTER TABLE old_sessions RENAME TO sessions;
        ALTER TABLE old_sources RENAME TO sources;
        ALTER TABLE old_statements RENAME TO statements;
        CREATE VIRTUAL TABLE statements_fts USING fts5(
            text, lemmas, content='statements', content_rowid='id',
            tokenize='unicode61 remove_diacritics 0'
        );
        INSERT INTO statements_fts (rowid, text, lemmas) SELECT id, text, lemmas FROM statements;
        CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
            INSERT INTO statements_fts (statements_fts, rowid, text, lemmas)
            VALUES ('delete', old.id, old.text, old.lemmas);
        END;
        CREATE TABLE tags (
            statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
            session_id TEXT NOT NULL,
            dimension TEXT NOT NULL,
            label TEXT NOT NULL,
            evidence TEXT NOT NULL,
            PRIMARY KEY (statement_id, dimension, label)
        ) WITHOUT ROWID;
        INSERT INTO tags SELECT t.statement_id, st.session_id, l.dimension, l.label, '[]'
            FROM statement_tags t JOIN labels l ON l.id = t.label_id
            JOIN statements st ON st.id = t.statement_id;
        DROP TABLE statement_tags;
        DROP TABLE labels;
        DROP TABLE terms;
        DROP TABLE examples;
        PRAGMA user_version = 4;
        """
    )
    db.close()
    result = run("search", "811218", "--corpus", corpus, "--format", "json")
    assert json.loads(result.output)["total"] == 0
    with Corpus(corpus) as opened:
        version = opened.db.execute("PRAGMA user_version").fetchone()[0]
        assert version >= 5
        # Deleting a session keeps the index in step (no stale rows).
        opened.delete_session(LEGACY_ID)
        opened.db.execute(
            "INSERT INTO statements_fts (statements_fts, rank) VALUES ('integrity-check', 1)"
        )


@pytest.mark.parametrize(
    "name",
    ["möte\nfalsk rad.txt", "möte\x1b[2J\x1b[31mröd.txt", "möte\u202etxt.exe.txt"],
)
def test_file_names_with_line_breaks_and_escapes_are_printed_escaped(
    run: Any, tmp_path: Path, name: str
) -> None:
    corpus = tmp_path / "c.db"
    notes = tmp_path / name
    notes.write_text("- Fler hälsosamtal\n- Mer samverkan\n", encoding="utf-8")
    assert run("ingest", notes, "--corpus", corpus).exit_code == 0
    listing = run("sessions", "--corpus", corpus).output
    with Corpus(corpus) as db:
        (sid,) = [s.id for s in db.sessions()]
    shown = run("show", sid, "--corpus", corpus).output
    shown_json = run("show", sid, "--corpus", corpus, "--format", "json").output
    for text in (listing, shown, shown_json):
        assert "\x1b" not in text and "\u202e" not in text
    assert len(listing.splitlines()) == 2  # the header and one session, no injected line
    assert "\\n" in listing or "\\x1b" in listing or "\\u202e" in listing
    assert json.loads(shown_json)["session"]["sources"] == [name]


HOSTILE = """Möte om hälsosamtal

- <script>alert(1)</script> fler hälsosamtal
- <img src=x onerror=alert(1)> mer samverkan
- [Klicka här](javascript:alert(1)) för trygghet
"""


@pytest.mark.parametrize("template", ["handout", "full", "brief"])
def test_statement_html_and_links_are_inert_in_handouts(
    run: Any, tmp_path: Path, template: str
) -> None:
    corpus = tmp_path / "c.db"
    notes = tmp_path / "möte.txt"
    notes.write_text(HOSTILE, encoding="utf-8")
    assert run("ingest", notes, "--corpus", corpus, "--session", "m").exit_code == 0
    handout = run("summarize", "m", "--corpus", corpus, "--template", template).output
    assert "<script" not in handout and "<img" not in handout
    assert "](javascript:" not in handout
    if template == "full":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in handout

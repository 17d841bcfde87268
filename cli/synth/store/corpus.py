"""The corpus: a SQLite database of sessions, sources, statements and tags.

Every write happens in one transaction, so a crash leaves the previous state intact.
The database runs in WAL mode with a busy timeout, so two ingests can run at once. The
schema version is kept in ``PRAGMA user_version`` and migrated forward on open.
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
import re
import sqlite3
import unicodedata
import urllib.parse
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from synth.errors import StoreError, os_error_reason
from synth.models import DIMENSIONS, CodedStatement, Evidence, Session, Statement, TagSet
from synth.redact import INDEX_MASKS_VERSION, index_lemmas, redact
from synth.store.forms import forms, inflections
from synth.store.words import Words

SCHEMA_VERSION = 11
DEFAULT_CORPUS = Path("corpus") / "synth.db"

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        date TEXT,
        kind TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX sessions_date ON sessions(date, id);
    CREATE INDEX sessions_hash ON sessions(content_hash);
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX sources_session ON sources(session_id);
    CREATE TABLE statements (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        line_start INTEGER NOT NULL,
        line_end INTEGER NOT NULL,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        section TEXT,
        section_shift TEXT,
        prompt TEXT,
        UNIQUE(session_id, position)
    );
    CREATE INDEX statements_session ON statements(session_id, position);
    CREATE TABLE tags (
        statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
        session_id TEXT NOT NULL,
        dimension TEXT NOT NULL,
        label TEXT NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (statement_id, dimension, label)
    ) WITHOUT ROWID;
    CREATE INDEX tags_session ON tags(session_id, dimension, label);
    CREATE INDEX tags_label ON tags(dimension, label);
    CREATE TABLE boilerplate (
        key TEXT PRIMARY KEY
    ) WITHOUT ROWID;
    """,
    # Full-text search over statements: the text and its lemmas ("samordna" finds
    # "samordnade"). unicode61 folds case; remove_diacritics 0 keeps å, ä, ö apart from a, o.
    # Triggers keep the index in step with the statements table (also on cascade deletes).
    # forms (lowercase tokens, aligned with lemmas) let a search find a word's lemma
    # without loading the language pipeline.
    2: """
    ALTER TABLE statements ADD COLUMN lemmas TEXT NOT NULL DEFAULT '';
    ALTER TABLE statements ADD COLUMN forms TEXT NOT NULL DEFAULT '';
    CREATE VIRTUAL TABLE statements_fts USING fts5(
        text, lemmas, content='statements', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    );
    INSERT INTO statements_fts (rowid, text, lemmas) SELECT id, text, lemmas FROM statements;
    CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
        INSERT INTO statements_fts (rowid, text, lemmas) VALUES (new.id, new.text, new.lemmas);
    END;
    CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
        INSERT INTO statements_fts (statements_fts, rowid, text, lemmas)
        VALUES ('delete', old.id, old.text, old.lemmas);
    END;
    CREATE TRIGGER statements_fts_update AFTER UPDATE OF text, lemmas ON statements BEGIN
        INSERT INTO statements_fts (statements_fts, rowid, text, lemmas)
        VALUES ('delete', old.id, old.text, old.lemmas);
        INSERT INTO statements_fts (rowid, text, lemmas) VALUES (new.id, new.text, new.lemmas);
    END;
    """,
    # New statements are indexed by write_session in one INSERT … SELECT per batch: the
    # per-row insert trigger cost three times as much (a sixth of the ingest time). The
    # delete and update triggers stay. The (session_id, position) index repeated the one
    # that the UNIQUE constraint of that pair already keeps.
    3: """
    DROP TRIGGER statements_fts_insert;
    DROP INDEX statements_session;
    """,
    # The theme label a statement stands under in the notes ("Ledning: …").
    4: """
    ALTER TABLE statements ADD COLUMN "group" TEXT;
    """,
    # The search index holds the text as outputs show it, personal data masked, so that
    # searching for a number or an address cannot confirm it is in the notes. The index
    # keeps its own copy: with the statements as external content, removing a row would
    # need its masked values again. synth_mask and synth_mask_lemmas are registered on
    # every connection (see Corpus).
    5: """
    DROP TRIGGER IF EXISTS statements_fts_delete;
    DROP TRIGGER IF EXISTS statements_fts_update;
    DROP TABLE statements_fts;
    CREATE VIRTUAL TABLE statements_fts USING fts5(
        text, lemmas, tokenize='unicode61 remove_diacritics 0'
    );
    INSERT INTO statements_fts (rowid, text, lemmas)
        SELECT id, synth_mask(text), synth_mask_lemmas(lemmas) FROM statements;
    CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
        DELETE FROM statements_fts WHERE rowid = old.id;
    END;
    CREATE TRIGGER statements_fts_update AFTER UPDATE OF text, lemmas ON statements BEGIN
        DELETE FROM statements_fts WHERE rowid = old.id;
        INSERT INTO statements_fts (rowid, text, lemmas)
        VALUES (new.id, synth_mask(new.text), synth_mask_lemmas(new.lemmas));
    END;
    """,
    # Tags the trained classifier added keep its score (NULL: the taxonomy's terms gave
    # the tag), a number rather than a field repeated in every evidence JSON. Examples are
    # the facilitator's corrections (synth learn): a statement and its labels per
    # dimension as space-separated ids, NULL for a dimension the file did not code.
    6: """
    ALTER TABLE tags ADD COLUMN score REAL;
    CREATE TABLE examples (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL UNIQUE,
        shifts TEXT,
        concepts TEXT,
        factors TEXT,
        source TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    """,
    # Tags stored compactly: a label by its id, each piece of evidence as the id of the
    # term and the character offsets of the words in the statement ("3 0 7,12 20 31"), the
    # words themselves read from the statement's text (kept apart in evidence_text, as a
    # JSON list, only where they are not that slice); score is the trained classifier's
    # for a tag it added, NULL for a tag the terms gave. The evidence JSON repeated the
    # dimension, label, term and words of every piece: twice the statements' text. The
    # view ``tags`` keeps the columns queries read. Old tags (and their scores) are converted by
    # ``_compact_tags`` (Python) after this script.
    7: """
    CREATE TABLE IF NOT EXISTS labels (
        id INTEGER PRIMARY KEY,
        dimension TEXT NOT NULL,
        label TEXT NOT NULL,
        UNIQUE (dimension, label)
    );
    CREATE TABLE IF NOT EXISTS terms (
        id INTEGER PRIMARY KEY,
        term TEXT NOT NULL UNIQUE
    );
    CREATE TABLE IF NOT EXISTS statement_tags (
        statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
        label_id INTEGER NOT NULL REFERENCES labels(id),
        evidence TEXT NOT NULL,
        evidence_text TEXT,
        score REAL,
        PRIMARY KEY (statement_id, label_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS statement_tags_label ON statement_tags(label_id);
    """,
    # The search index without a copy of its own: its content is the view
    # statements_indexed, the statements masked as schema 5 indexes them, so FTS5 reads
    # the text from the statements when it needs it ('rebuild', 'integrity-check'), and
    # removing a row masks the old values again. The masks are recorded in corpus_info
    # (index_masks): a corpus indexed under other masks is indexed again when opened
    # (``_index_with_current_masks``). columnsize=0: no ranking, so no table of
    # column sizes. The lowercase forms of each statement are kept only where they
    # differ from the lemmas (``synth.store.forms``): ``_store_inflections`` (Python)
    # converts the old ``forms`` column after this script.
    8: """
    DROP TRIGGER IF EXISTS statements_fts_delete;
    DROP TRIGGER IF EXISTS statements_fts_update;
    DROP TABLE IF EXISTS statements_fts;
    CREATE VIEW statements_indexed AS
        SELECT id, synth_mask(text) AS text, synth_mask_lemmas(lemmas) AS lemmas
        FROM statements;
    CREATE VIRTUAL TABLE statements_fts USING fts5(
        text, lemmas, content='statements_indexed', content_rowid='id', columnsize=0,
        tokenize='unicode61 remove_diacritics 0'
    );
    CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
        INSERT INTO statements_fts (statements_fts, rowid, text, lemmas)
        VALUES ('delete', old.id, synth_mask(old.text), synth_mask_lemmas(old.lemmas));
    END;
    CREATE TRIGGER statements_fts_update AFTER UPDATE OF text, lemmas ON statements BEGIN
        INSERT INTO statements_fts (statements_fts, rowid, text, lemmas)
        VALUES ('delete', old.id, synth_mask(old.text), synth_mask_lemmas(old.lemmas));
        INSERT INTO statements_fts (rowid, text, lemmas)
        VALUES (new.id, synth_mask(new.text), synth_mask_lemmas(new.lemmas));
    END;
    CREATE TABLE corpus_info (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    ALTER TABLE statements ADD COLUMN inflections TEXT NOT NULL DEFAULT '';
    """,
    # Where a statement stands in its notes (section, the shift its heading names, the
    # prompt, the group) is stored once per session as a place, not on every statement:
    # a section's title was repeated on each of its statements. Places go with their
    # session (cascade); merge and rename move them along.
    9: """
    CREATE TABLE places (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        section TEXT,
        section_shift TEXT,
        prompt TEXT,
        "group" TEXT
    );
    CREATE INDEX places_session ON places(session_id);
    ALTER TABLE statements ADD COLUMN place_id INTEGER;
    INSERT INTO places (session_id, section, section_shift, prompt, "group")
        SELECT DISTINCT session_id, section, section_shift, prompt, "group" FROM statements;
    UPDATE statements SET place_id = (
        SELECT p.id FROM places p WHERE p.session_id = statements.session_id
        AND p.section IS statements.section AND p.section_shift IS statements.section_shift
        AND p.prompt IS statements.prompt AND p."group" IS statements."group"
    );
    ALTER TABLE statements DROP COLUMN section;
    ALTER TABLE statements DROP COLUMN section_shift;
    ALTER TABLE statements DROP COLUMN prompt;
    ALTER TABLE statements DROP COLUMN "group";
    """,
    # A source's text in pieces of a million characters, each compressed (zlib level 1: a
    # third of the size), so that a large file is stored and read back a piece at a time
    # instead of as one value held whole in memory. Offsets stay character offsets into
    # the whole text. ``_text_in_pieces`` (Python) moves the texts of schema 9 after this.
    10: """
    CREATE TABLE IF NOT EXISTS source_pieces (
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text BLOB NOT NULL,
        PRIMARY KEY (source_id, position)
    );
    """,
    # Keys as numbers: a session has a number (``sessions.number``) that its sources,
    # places and statements keep instead of its id, which stays the name users see (a
    # rename changes one row); a statement's kind is the id of a row of ``kinds``; its
    # lowercase forms and lemmas are the ids of (form, lemma) pairs of ``words``, a blob
    # of varints (``synth.store.words``). The text keys, the kind and the forms and
    # lemmas as text made up a third of the statements table and most of its
    # (session, position) index. The tables are made anew beside the old ones here;
    # ``_keys_as_numbers`` (Python) fills the words and puts the new tables in place.
    11: """
    CREATE TABLE new_sessions (
        number INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        date TEXT,
        kind TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    INSERT INTO new_sessions (id, title, date, kind, content_hash, created_at)
        SELECT id, title, date, kind, content_hash, created_at FROM sessions ORDER BY rowid;
    CREATE TABLE new_sources (
        id INTEGER PRIMARY KEY,
        session INTEGER NOT NULL REFERENCES sessions(number) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL
    );
    INSERT INTO new_sources (id, session, position, name, path, sha256)
        SELECT o.id, s.number, o.position, o.name, o.path, o.sha256
        FROM sources o JOIN new_sessions s ON s.id = o.session_id;
    CREATE TABLE new_places (
        id INTEGER PRIMARY KEY,
        session INTEGER NOT NULL REFERENCES sessions(number) ON DELETE CASCADE,
        section TEXT,
        section_shift TEXT,
        prompt TEXT,
        "group" TEXT
    );
    INSERT INTO new_places (id, session, section, section_shift, prompt, "group")
        SELECT p.id, s.number, p.section, p.section_shift, p.prompt, p."group"
        FROM places p JOIN new_sessions s ON s.id = p.session_id;
    CREATE TABLE kinds (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL UNIQUE
    );
    INSERT INTO kinds (kind) SELECT DISTINCT kind FROM statements ORDER BY kind;
    CREATE TABLE words (
        id INTEGER PRIMARY KEY,
        form TEXT NOT NULL,
        lemma TEXT NOT NULL
    );
    CREATE TABLE new_statements (
        id INTEGER PRIMARY KEY,
        session INTEGER NOT NULL REFERENCES sessions(number) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        kind INTEGER NOT NULL REFERENCES kinds(id),
        line_start INTEGER NOT NULL,
        line_end INTEGER NOT NULL,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        place_id INTEGER,
        words BLOB NOT NULL,
        UNIQUE(session, position)
    );
    """,
}

# Schema 11, once the new tables hold the rows: the old tables go and the new ones take
# their names; the views and triggers that read the statements are made again.
_KEYS_IN_PLACE = """
    DROP VIEW IF EXISTS tags;
    DROP VIEW IF EXISTS statements_indexed;
    DROP TRIGGER IF EXISTS statements_fts_delete;
    DROP TRIGGER IF EXISTS statements_fts_update;
    DROP TABLE statements;
    DROP TABLE places;
    DROP TABLE sources;
    DROP TABLE sessions;
    ALTER TABLE new_sessions RENAME TO sessions;
    ALTER TABLE new_sources RENAME TO sources;
    ALTER TABLE new_places RENAME TO places;
    ALTER TABLE new_statements RENAME TO statements;
    CREATE INDEX sessions_date ON sessions(date, id);
    CREATE INDEX sessions_hash ON sessions(content_hash);
    CREATE INDEX sources_session ON sources(session);
    CREATE INDEX places_session ON places(session);
    CREATE VIEW statements_indexed AS
        SELECT id, synth_mask(text) AS text, synth_mask_lemmas(synth_lemmas(words)) AS lemmas
        FROM statements;
    CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
        INSERT INTO statements_fts (statements_fts, rowid, text, lemmas)
        VALUES ('delete', old.id, synth_mask(old.text),
            synth_mask_lemmas(synth_lemmas(old.words)));
    END;
    CREATE TRIGGER statements_fts_update AFTER UPDATE OF text, words ON statements BEGIN
        INSERT INTO statements_fts (statements_fts, rowid, text, lemmas)
        VALUES ('delete', old.id, synth_mask(old.text),
            synth_mask_lemmas(synth_lemmas(old.words)));
        INSERT INTO statements_fts (rowid, text, lemmas)
        VALUES (new.id, synth_mask(new.text), synth_mask_lemmas(synth_lemmas(new.words)));
    END;
    CREATE VIEW tags AS
        SELECT t.statement_id AS statement_id, s.id AS session_id,
            l.dimension AS dimension, l.label AS label, t.score AS score
        FROM statement_tags t
        JOIN labels l ON l.id = t.label_id
        JOIN statements st ON st.id = t.statement_id
        JOIN sessions s ON s.number = st.session;
"""

# The latest schema whose migration leaves space to give back (VACUUM) once it is done
# (8, 9 and 11 slimmed the statements, 10 compressed the sources): an older corpus gets it.
_SHRINKING = 11

# Statements written per executemany: large enough to be fast, small enough that a
# session of a huge file is not held twice in memory.
_BATCH = 2000

# Tables whose rows carry a position within their session.
_POSITIONED = ("statements", "sources")

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def slugify(text: str) -> str:
    """A session id from any text: lowercase ASCII letters, digits and '-'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:80].strip("-")


def valid_session_id(session_id: str) -> str:
    """Check a user-given session id; ids never hold path separators or '..'."""
    if not _ID_RE.match(session_id) or ".." in session_id:
        raise StoreError(
            f"session id '{session_id}' is not allowed; use lowercase letters, digits, "
            f"'-', '_' and '.' (e.g. {slugify(session_id) or 'lgl-2022-01-28'})"
        )
    return session_id


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of a migration; a trigger body's ';' does not end its statement."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n;"):
                yield buffer
            buffer = ""


# A statement as the values stored for it: its columns (``RECORD_COLUMNS``) and its tags as
# ``TagRecord``s. Plain tuples: ingest workers build them and the storing process takes
# them as they are (rebuilding dataclasses from a worker's results and encoding the
# evidence took it longer than storing them, cProfile of --jobs 2).
# A tag: dimension, label, its evidence as (term, start, end, words) pieces, and the
# classifier's score (None: the taxonomy's terms gave the tag).
TagRecord = tuple[str, str, tuple[tuple[str, int, int, str], ...], float | None]
StatementRecord = tuple[tuple[object, ...], list[TagRecord]]
# A source's text as stored: whole, or as consecutive parts of it.
SourceText = str | Iterable[str]
RECORD_COLUMNS = (
    "text",
    "kind",
    "line_start",
    "line_end",
    "char_start",
    "char_end",
    "section",
    "section_shift",
    "prompt",
    "group",
    "lemmas",
    "forms",
)

# The record's columns that say where the statement stands: stored as its place_id.
_PLACE = slice(RECORD_COLUMNS.index("section"), RECORD_COLUMNS.index("group") + 1)
# Stored as they are: text, then after the kind the lines and characters.
_LINES = slice(RECORD_COLUMNS.index("line_start"), RECORD_COLUMNS.index("char_end") + 1)
_INSERT_STATEMENT = (
    "INSERT INTO statements (id, session, source_id, position, text, kind, line_start,"
    " line_end, char_start, char_end, place_id, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# The search index gets a statement's values as the view statements_indexed gives them.
_INDEX_STATEMENT = (
    "INSERT INTO statements_fts (rowid, text, lemmas)"
    " VALUES (?, synth_mask(?), synth_mask_lemmas(?))"
)


def tag_records(tags: TagSet) -> list[TagRecord]:
    """(dimension, label, evidence pieces, classifier score) for each label of a tag set."""
    # The evidence of each label in one pass, in order (not a pass per label).
    evidence: dict[tuple[str, str], list[tuple[str, int, int, str]]] = {}
    for e in tags.evidence:
        evidence.setdefault((e.dimension, e.label), []).append((e.term, e.start, e.end, e.text))
    records: list[TagRecord] = []
    for dim in DIMENSIONS:
        for label in tags.labels(dim):
            key = (dim, label)
            records.append((dim, label, tuple(evidence.get(key, ())), tags.scores.get(key)))
    return records


class _TagIds:
    """Ids of labels and terms, added to the corpus as they first appear (one transaction)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.labels = {(str(d), str(lab)): int(i) for i, d, lab in db.execute(_LABELS)}
        self.terms = {str(t): int(i) for i, t in db.execute("SELECT id, term FROM terms")}

    def label(self, dimension: str, label: str) -> int:
        found = self.labels.get((dimension, label))
        if found is None:
            cur = self.db.execute(
                "INSERT INTO labels (dimension, label) VALUES (?, ?)", (dimension, label)
            )
            found = self.labels[(dimension, label)] = int(cur.lastrowid or 0)
        return found

    def term(self, term: str) -> int:
        found = self.terms.get(term)
        if found is None:
            cur = self.db.execute("INSERT INTO terms (term) VALUES (?)", (term,))
            found = self.terms[term] = int(cur.lastrowid or 0)
        return found

    def row(self, statement_id: int, text: str, tag: TagRecord) -> tuple[object, ...]:
        """The ``statement_tags`` row of one tag of a statement whose text is ``text``."""
        dimension, label, pieces, score = tag
        terms = self.terms
        offsets = [f"{terms.get(t) or self.term(t)} {start} {end}" for t, start, end, _ in pieces]
        apart = None
        if any(text[start:end] != words for _, start, end, words in pieces):
            apart = json.dumps(
                [None if text[start:end] == words else words for _, start, end, words in pieces],
                ensure_ascii=False,
            )
        return (
            statement_id,
            self.labels.get((dimension, label)) or self.label(dimension, label),
            ",".join(offsets),
            apart,
            score,
        )


class _Places:
    """Ids of the places of one session's statements, added as they first appear."""

    def __init__(self, db: sqlite3.Connection, session: int) -> None:
        self.db = db
        self.session = session
        self.ids: dict[tuple[object, ...], int] = {}

    def id(self, place: tuple[object, ...]) -> int:
        """The id of a place (the record's ``_PLACE`` columns)."""
        found = self.ids.get(place)
        if found is None:
            cur = self.db.execute(
                'INSERT INTO places (session, section, section_shift, prompt, "group")'
                " VALUES (?, ?, ?, ?, ?)",
                (self.session, *place),
            )
            found = self.ids[place] = int(cur.lastrowid or 0)
        return found


class _Kinds:
    """Ids of the kinds of statements ('bullet', 'paragraph'), added as they first appear."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.ids = {str(k): int(i) for i, k in db.execute("SELECT id, kind FROM kinds")}

    def id(self, kind: str) -> int:
        found = self.ids.get(kind)
        if found is None:
            cur = self.db.execute("INSERT INTO kinds (kind) VALUES (?)", (kind,))
            found = self.ids[kind] = int(cur.lastrowid or 0)
        return found


class _Connection(sqlite3.Connection):
    """A connection to a corpus, with the (form, lemma) pairs it has read."""

    words: Words


_LABELS = "SELECT id, dimension, label FROM labels"
_INSERT_TAG = (
    "INSERT INTO statement_tags (statement_id, label_id, evidence, evidence_text, score)"
    " VALUES (?, ?, ?, ?, ?)"
)
_TAGS_VIEW = """
CREATE VIEW tags AS
    SELECT t.statement_id AS statement_id, st.session_id AS session_id,
        l.dimension AS dimension, l.label AS label, t.score AS score
    FROM statement_tags t
    JOIN labels l ON l.id = t.label_id
    JOIN statements st ON st.id = t.statement_id
"""


def _evidence(
    dimension: str,
    label: str,
    evidence: str,
    evidence_text: str | None,
    text: str,
    terms: dict[int, str],
) -> Iterator[Evidence]:
    """The evidence of one stored tag of a statement whose text is ``text``."""
    if not evidence:
        return
    apart: list[str | None] = json.loads(evidence_text) if evidence_text else []
    for n, piece in enumerate(evidence.split(",")):
        term, start, end = (int(x) for x in piece.split(" "))
        words = apart[n] if n < len(apart) and apart[n] is not None else text[start:end]
        yield Evidence(dimension, label, terms[term], str(words), start, end)


def _compact_tags(db: sqlite3.Connection) -> None:
    """Schema 7: the tags of schema 6 (evidence as JSON) into ``statement_tags``."""
    kind = db.execute("SELECT type FROM sqlite_schema WHERE name = 'tags'").fetchone()
    if kind is not None and kind[0] == "view":
        return  # converted already
    columns = {str(r[1]) for r in db.execute("PRAGMA table_info(tags)")}
    score = "t.score" if "score" in columns else "NULL"
    old = db.execute(
        f"SELECT t.statement_id, st.text, t.dimension, t.label, t.evidence, {score}"
        " FROM tags t JOIN statements st ON st.id = t.statement_id"
    ).fetchall()
    ids = _TagIds(db)
    rows = []
    for statement_id, text, dimension, label, evidence, old_score in old:
        pieces = tuple((e["term"], e["start"], e["end"], e["text"]) for e in json.loads(evidence))
        rows.append(ids.row(statement_id, text, (dimension, label, pieces, old_score)))
    db.executemany(_INSERT_TAG, rows)
    db.execute("DROP TABLE tags")
    db.execute(_TAGS_VIEW)


def _store_inflections(db: sqlite3.Connection) -> None:
    """Schema 8: the whole lowercase forms of each statement into ``inflections``."""
    rows = [
        (inflections(str(f), str(lem)), int(i))
        for i, f, lem in db.execute("SELECT id, forms, lemmas FROM statements")
    ]
    db.executemany("UPDATE statements SET inflections = ? WHERE id = ?", rows)
    db.execute("ALTER TABLE statements DROP COLUMN forms")


def _indexed_with_current_masks(db: sqlite3.Connection) -> bool:
    """Whether the search index holds the statements masked as ``synth.redact`` masks now."""
    row = db.execute("SELECT value FROM corpus_info WHERE key = 'index_masks'").fetchone()
    return row is not None and str(row[0]) == str(INDEX_MASKS_VERSION)


def _index_with_current_masks(db: sqlite3.Connection) -> None:
    """Index every statement again as it is masked now (inside a transaction), unless
    the index holds them so already."""
    if _indexed_with_current_masks(db):
        return
    db.execute("INSERT INTO statements_fts (statements_fts) VALUES ('rebuild')")
    db.execute(
        "INSERT OR REPLACE INTO corpus_info (key, value) VALUES ('index_masks', ?)",
        (str(INDEX_MASKS_VERSION),),
    )


# Characters of source text per stored piece.
PIECE_CHARS = 1_000_000


def text_pieces(parts: Iterable[str], size: int | None = None) -> Iterator[str]:
    """The text of ``parts`` (consecutive stretches of one text, of any lengths) cut
    again into pieces of ``size`` characters (``PIECE_CHARS``), the last one shorter."""
    size = size or PIECE_CHARS
    held: list[str] = []
    length = 0
    for part in parts:
        while part:
            take = part[: size - length]
            part = part[len(take) :]
            held.append(take)
            length += len(take)
            if length == size:
                yield "".join(held)
                held, length = [], 0
    if held:
        yield "".join(held)


def _pack(piece: str) -> bytes:
    return zlib.compress(piece.encode("utf-8"), 1)


def _unpack(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8")


def _insert_text(db: sqlite3.Connection, source_id: int, text: SourceText) -> None:
    """Store a source's text in compressed pieces (``text`` whole or as parts)."""
    parts = [text] if isinstance(text, str) else text
    db.executemany(
        "INSERT INTO source_pieces (source_id, position, text) VALUES (?, ?, ?)",
        ((source_id, n, _pack(piece)) for n, piece in enumerate(text_pieces(parts))),
    )


def _text_in_pieces(db: sqlite3.Connection) -> None:
    """Schema 10: the texts of schema 9 (``sources.text``) into ``source_pieces``."""
    columns = {str(r[1]) for r in db.execute("PRAGMA table_info(sources)")}
    if "text" not in columns:
        return  # converted already
    ids = [int(r[0]) for r in db.execute("SELECT id FROM sources ORDER BY id")]
    for source_id in ids:
        (text,) = db.execute("SELECT text FROM sources WHERE id = ?", (source_id,)).fetchone()
        _insert_text(db, source_id, str(text))
    db.execute("ALTER TABLE sources DROP COLUMN text")


def _keys_as_numbers(db: sqlite3.Connection) -> None:
    """Schema 11: the statements of schema 10 into the new table (session number, kind
    id, words as ids), then the new tables in place of the old."""
    assert isinstance(db, _Connection)
    db.words.refresh()
    old = db.execute(
        "SELECT st.id, s.number, st.source_id, st.position, st.text, k.id, st.line_start,"
        " st.line_end, st.char_start, st.char_end, st.place_id, st.lemmas, st.inflections"
        " FROM statements st JOIN new_sessions s ON s.id = st.session_id"
        " JOIN kinds k ON k.kind = st.kind ORDER BY st.id"
    )
    while batch := old.fetchmany(_BATCH):
        db.executemany(
            "INSERT INTO new_statements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*r[:11], db.words.encode(forms(str(r[12]), str(r[11])), str(r[11]))) for r in batch],
        )
    # A row whose session is not stored would not be carried over: nothing is converted.
    for table in ("sources", "places", "statements"):
        before, after = (
            int(db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0])
            for name in (table, f"new_{table}")
        )
        if before != after:
            raise StoreError(
                f"{before - after} of the {table} of the corpus belong to no stored session;"
                " the corpus is left as it was: ingest its notes again into a new corpus"
                " (--corpus)"
            )
    for sql in _statements(_KEYS_IN_PLACE):
        db.execute(sql)


# Steps in Python after a migration's SQL.
_CONVERSIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    7: _compact_tags,
    8: _store_inflections,
    10: _text_in_pieces,
    11: _keys_as_numbers,
}


_RECORD_VALUES = operator.attrgetter(*RECORD_COLUMNS)


def statement_record(st: Statement) -> StatementRecord:
    """The values stored for a statement (see ``StatementRecord``)."""
    return _RECORD_VALUES(st), tag_records(st.tags)


def content_hash(texts: Iterable[str]) -> str:
    """The hash that recognises notes stored before: of the source texts, in order."""
    return digests_hash(hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts)


def _text_digest(parts: Iterable[str]) -> str:
    """The sha256 (hex) of a text's UTF-8 bytes, from its consecutive parts."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
    return h.hexdigest()


def digests_hash(digests: Iterable[str]) -> str:
    """``content_hash`` from the sha256 (hex) of each source text, in order."""
    h = hashlib.sha256()
    for digest in digests:
        h.update(bytes.fromhex(digest))
    return h.hexdigest()


def default_corpus() -> Path:
    env = os.environ.get("SYNTH_CORPUS")
    return Path(env) if env else DEFAULT_CORPUS


class Corpus:
    """An open corpus database."""

    def __init__(self, path: Path, create: bool = True, readonly: bool = False) -> None:
        """Open (with ``create``, make) the corpus at ``path``. With ``readonly`` nothing
        is written, so a corpus on a read-only disk or folder can still be read."""
        self.path = path
        self.readonly = readonly
        if not path.exists():
            if not create or readonly:
                raise StoreError(
                    f"{path}: no corpus here; run 'synth ingest NOTES' first or give --corpus"
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                # Workshop notes can be sensitive: the file is readable by its owner only.
                fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
                os.close(fd)
            except OSError as exc:
                raise StoreError(
                    f"{path}: cannot create the corpus ({os_error_reason(exc)});"
                    " give another --corpus"
                ) from exc
        try:
            if readonly:
                self.db = self._connect_readonly()
            else:
                self.db = self._connect(path)
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{path}: cannot open the corpus ({exc}); check the file") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{path}: not a synth corpus or damaged ({exc}); give another --corpus"
            ) from exc

    @staticmethod
    def _connect(target: Path | str, uri: bool = False) -> _Connection:
        db = sqlite3.connect(
            target, timeout=30.0, isolation_level=None, uri=uri, factory=_Connection
        )
        db.row_factory = sqlite3.Row
        db.words = Words(db)
        db.create_function("synth_mask", 1, redact, deterministic=True)
        db.create_function("synth_mask_lemmas", 1, index_lemmas, deterministic=True)
        db.create_function("synth_lemmas", 1, db.words.lemmas, deterministic=True)
        db.create_function("synth_forms", 1, db.words.forms, deterministic=True)
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def _connect_readonly(self) -> _Connection:
        """A connection that never writes (sqlite ``mode=ro``), the schema brought up to
        date first where the file can be written."""
        uri = f"file:{urllib.parse.quote(str(self.path.resolve()))}?mode=ro"
        try:
            db = self._connect(uri, uri=True)
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.OperationalError:
            # A WAL database in a folder synth cannot write to, with no writer at work
            # (a writer leaves its -wal and -shm files): read it as it is on disk.
            db = self._connect(uri + "&immutable=1", uri=True)
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            db.close()
            raise StoreError(
                f"{self.path}: made by a newer synth (schema {version}); upgrade synth"
            )
        writable = os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        if version == SCHEMA_VERSION and not _indexed_with_current_masks(db) and writable:
            # Indexed under other masks: indexed again (a corpus that cannot be written
            # to is searched as it is).
            db.close()
            Corpus(self.path, create=False).close()
            db = self._connect(uri, uri=True)
        if version < SCHEMA_VERSION:
            db.close()
            try:
                Corpus(self.path, create=False).close()  # migrates
            except StoreError as exc:
                if writable:
                    raise
                raise StoreError(
                    f"{self.path}: made by an older synth (schema {version}) and cannot be"
                    " upgraded where it is; copy it to a folder you can write to"
                ) from exc
            db = self._connect(uri, uri=True)
        return db

    def _migrate(self) -> None:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: made by a newer synth (schema {version}); upgrade synth"
            )
        if version == SCHEMA_VERSION:
            if not _indexed_with_current_masks(self.db):
                with self.transaction() as db:
                    _index_with_current_masks(db)
            return
        # Schema 11 makes tables anew: foreign keys are not enforced while a migration
        # runs (dropping a table would delete the rows that point at it) and are checked
        # before it commits. (Set outside the transaction: inside, the pragma does nothing.)
        self.db.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.transaction() as db:
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                for target in sorted(_MIGRATIONS):
                    if target > version:
                        for sql in _statements(_MIGRATIONS[target]):
                            db.execute(sql)
                        if target in _CONVERSIONS:
                            try:
                                _CONVERSIONS[target](db)
                            except StoreError as exc:
                                raise StoreError(f"{self.path}: {exc}") from exc
                        db.execute(f"PRAGMA user_version = {target}")
                _index_with_current_masks(db)
                broken = db.execute("PRAGMA foreign_key_check").fetchone()
                if broken is not None:
                    raise StoreError(
                        f"{self.path}: rows of table {broken[0]} point at missing rows of"
                        f" {broken[2]}; the corpus is left as it was (schema {version})"
                    )
        finally:
            self.db.execute("PRAGMA foreign_keys = ON")
        if 0 < version < _SHRINKING:
            self._vacuum()

    def _vacuum(self) -> None:
        """Give the space a migration freed back to the disk (the file shrinks)."""
        # Another process may hold the corpus open (or the disk lack room for the copy
        # VACUUM writes): the corpus is whole as it is, and later writes use the space.
        with suppress(sqlite3.OperationalError):
            self.db.execute("VACUUM")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error. A full disk is a
        ``StoreError`` saying so; the corpus keeps its state from before."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException:
                # SQLite has already rolled back after some errors (a full disk).
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                self.db.words.forget()  # pairs added in the transaction are gone
                raise
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode == sqlite3.SQLITE_FULL:
                raise StoreError(
                    f"{self.path}: the disk is full; free some space and run the command"
                    " again (the corpus is unchanged)"
                ) from exc
            raise

    # --- sessions -------------------------------------------------------------------

    def session_exists(self, session_id: str) -> bool:
        row = self.db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return row is not None

    def session_by_hash(self, content_hash: str) -> str | None:
        row = self.db.execute(
            "SELECT id FROM sessions WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return str(row["id"]) if row else None

    def session_by_source(self, path: str) -> str | None:
        """The session stored from the one file at ``path`` (as ingest records it).

        Raises ``StoreError`` when the file is one of several of a session: replacing the
        session with this file alone would drop the others."""
        rows = self.db.execute(
            "SELECT s.id AS session_id, (SELECT COUNT(*) FROM sources x WHERE x.session ="
            " o.session) AS n FROM sources o JOIN sessions s ON s.number = o.session"
            " WHERE o.path = ? ORDER BY o.id",
            (path,),
        ).fetchall()
        for row in rows:
            if int(row["n"]) == 1:
                return str(row["session_id"])
        if rows:
            sid = rows[0]["session_id"]
            raise StoreError(
                f"{path} is one of the files of session '{sid}'; to replace it, ingest all"
                f" its files with --session {sid} --replace"
            )
        return None

    def unique_session_id(self, base: str) -> str:
        candidate, n = base, 2
        while self.session_exists(candidate):
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def known_boilerplate(self) -> set[str]:
        return {str(r[0]) for r in self.db.execute("SELECT key FROM boilerplate")}

    def write_session(
        self,
        session: Session,
        content_hash: str,
        sources: list[tuple[str, str, str, SourceText]],
        statements: Iterable[tuple[int, Statement | StatementRecord]],
        boilerplate: Iterable[str] = (),
        replace: bool = False,
        unique_content: bool = False,
    ) -> int:
        """Store a session atomically. ``sources`` are (name, path, sha256, text), the text
        whole or as consecutive parts (read within the transaction, a part at a time);
        ``statements`` are (source index, statement or its ``statement_record``), in
        order. Returns the statement count.

        With ``unique_content`` the write fails (``StoreError``) when a session with the
        same content hash exists; the check runs under the write lock, so two ingests of
        the same notes at once store them once."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        count = 0
        with self.transaction() as db:
            self.db.words.refresh()
            if replace:
                db.execute("DELETE FROM sessions WHERE id = ?", (session.id,))
            elif self.session_exists(session.id):
                raise StoreError(
                    f"session '{session.id}' already exists; use --replace or another --session"
                )
            if unique_content and (existing := self.session_by_hash(content_hash)):
                raise StoreError(f"the same notes are already stored as session '{existing}'")
            number = int(
                db.execute(
                    "INSERT INTO sessions (id, title, date, kind, content_hash, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (session.id, session.title, session.date, session.kind, content_hash, now),
                ).lastrowid
                or 0
            )
            source_ids: list[int] = []
            for pos, (name, path, sha, text) in enumerate(sources):
                cur = db.execute(
                    "INSERT INTO sources (session, position, name, path, sha256)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (number, pos, name, path, sha),
                )
                source_ids.append(int(cur.lastrowid or 0))
                _insert_text(db, source_ids[-1], text)
            # Rows go in with executemany, a batch at a time, under ids counted on from the
            # largest one: one INSERT per statement was a quarter of the ingest time
            # (cProfile), and the write lock held since BEGIN IMMEDIATE keeps the ids free.
            first_id = int(db.execute("SELECT COALESCE(MAX(id), 0) FROM statements").fetchone()[0])
            rows: list[tuple[object, ...]] = []
            indexed: list[tuple[object, ...]] = []
            tag_rows: list[tuple[object, ...]] = []
            ids = _TagIds(db)
            places = _Places(db, number)
            kinds = _Kinds(db)
            words = self.db.words
            for source_index, item in statements:
                count += 1
                columns, tags = statement_record(item) if isinstance(item, Statement) else item
                statement_id = first_id + count
                said, kind, lemmas, written = columns[0], columns[1], columns[-2], columns[-1]
                rows.append(
                    (
                        statement_id,
                        number,
                        source_ids[source_index],
                        count,
                        said,
                        kinds.id(str(kind)),
                        *columns[_LINES],
                        places.id(columns[_PLACE]),
                        words.encode(str(written), str(lemmas)),
                    )
                )
                indexed.append((statement_id, said, lemmas))
                tag_rows.extend(ids.row(statement_id, str(said), tag) for tag in tags)
                if len(rows) >= _BATCH:
                    self._insert_statements(db, rows, indexed, tag_rows)
            self._insert_statements(db, rows, indexed, tag_rows)
            db.executemany(
                "INSERT OR IGNORE INTO boilerplate (key) VALUES (?)", [(k,) for k in boilerplate]
            )
        return count

    @staticmethod
    def _insert_statements(
        db: sqlite3.Connection,
        rows: list[tuple[object, ...]],
        indexed: list[tuple[object, ...]],
        tag_rows: list[tuple[object, ...]],
    ) -> None:
        """Insert statement rows, index them for search (``indexed``: id, text, lemmas of
        each), insert their tag rows; empties the lists."""
        db.executemany(_INSERT_STATEMENT, rows)
        db.executemany(_INDEX_STATEMENT, indexed)
        db.executemany(_INSERT_TAG, tag_rows)
        for done in (rows, indexed, tag_rows):
            done.clear()

    def replace_tags(self, session_id: str, tagged: Iterable[tuple[int, TagSet]]) -> int:
        """Replace the tags of a session's statements (by statement id), atomically."""
        n = 0
        with self.transaction() as db:
            texts = dict(self.statement_ids(session_id))
            db.execute(
                "DELETE FROM statement_tags WHERE statement_id IN"
                " (SELECT id FROM statements"
                "  WHERE session = (SELECT number FROM sessions WHERE id = ?))",
                (session_id,),
            )
            ids = _TagIds(db)
            for statement_id, tags in tagged:
                text = texts[statement_id]
                db.executemany(
                    _INSERT_TAG, [ids.row(statement_id, text, tag) for tag in tag_records(tags)]
                )
                n += 1
        return n

    # --- examples (the facilitator's corrections) ----------------------------------------

    def add_examples(self, examples: Iterable[CodedStatement], source: str) -> tuple[int, int]:
        """Store coded statements as training examples, in one transaction; a text stored
        before gets the new labels. Returns (added, updated)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        added = updated = 0
        with self.transaction() as db:
            for ex in examples:
                cells = [
                    " ".join(sorted(ex.labels[d])) if d in ex.labels else None for d in DIMENSIONS
                ]
                known = db.execute("SELECT 1 FROM examples WHERE text = ?", (ex.text,)).fetchone()
                db.execute(
                    "INSERT INTO examples (text, shifts, concepts, factors, source, added_at)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(text) DO UPDATE SET"
                    " shifts = excluded.shifts, concepts = excluded.concepts,"
                    " factors = excluded.factors, source = excluded.source,"
                    " added_at = excluded.added_at",
                    (ex.text, *cells, source, now),
                )
                if known:
                    updated += 1
                else:
                    added += 1
        return added, updated

    def examples(self) -> list[CodedStatement]:
        """The stored training examples, oldest first."""
        out: list[CodedStatement] = []
        for r in self.db.execute(
            "SELECT id, text, shifts, concepts, factors FROM examples ORDER BY id"
        ):
            labels = {d: set(str(r[d]).split()) for d in DIMENSIONS if r[d] is not None}
            out.append(CodedStatement(f"example-{r['id']}", str(r["text"]), labels, "corpus"))
        return out

    def delete_session(self, session_id: str) -> None:
        """Delete a session with its sources, statements and tags, in one transaction."""
        self.sessions_by_ids([session_id])
        with self.transaction() as db:
            # Sources, statements (and their search index) and tags go by cascade.
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def rename_session(self, old: str, new: str) -> None:
        """Give a session another id, in one transaction; the new id must be free."""
        valid_session_id(new)
        self.sessions_by_ids([old])
        with self.transaction() as db:
            if self.session_exists(new):
                raise StoreError(f"session '{new}' already exists; choose another id")
            # The rows of the session point at its number, which stays.
            db.execute("UPDATE sessions SET id = ? WHERE id = ?", (new, old))

    def merge_sessions(self, target: str, others: list[str]) -> int:
        """Move the sources and statements of ``others`` to the end of ``target`` (in the
        order given) and delete ``others``, in one transaction. Returns the statement
        count of the merged session."""
        others = [o for o in dict.fromkeys(others) if o != target]
        self.sessions_by_ids([target, *others])
        with self.transaction() as db:
            into = self._number(target)
            for other in others:
                number = self._number(other)
                statements, sources = (self._last_position(table, into) for table in _POSITIONED)
                # Positions go up by a gap first, so no two rows share one on the way.
                db.execute(
                    "UPDATE statements SET session = ?, position = position + ? WHERE session = ?",
                    (into, statements, number),
                )
                db.execute(
                    "UPDATE sources SET session = ?, position = position + ? + 1 WHERE session = ?",
                    (into, sources, number),
                )
                db.execute("UPDATE places SET session = ? WHERE session = ?", (into, number))
                db.execute("DELETE FROM sessions WHERE number = ?", (number,))
            ids = [
                int(r[0])
                for r in db.execute(
                    "SELECT id FROM sources WHERE session = ? ORDER BY position", (into,)
                )
            ]
            digests = [_text_digest(self.source_text(i)) for i in ids]
            db.execute(
                "UPDATE sessions SET content_hash = ? WHERE id = ?", (digests_hash(digests), target)
            )
        return self.session(target).statement_count

    def _last_position(self, table: str, number: int) -> int:
        assert table in _POSITIONED
        row = self.db.execute(
            f"SELECT COALESCE(MAX(position), 0) FROM {table} WHERE session = ?", (number,)
        ).fetchone()
        return int(row[0])

    def _number(self, session_id: str) -> int:
        """The number the rows of a session point at (the session must exist)."""
        row = self.db.execute("SELECT number FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise StoreError(f"unknown session '{session_id}' in {self.path}")
        return int(row[0])

    def sessions(self) -> list[Session]:
        return self._sessions("", ())

    def _sessions(self, where: str, params: tuple[str, ...]) -> list[Session]:
        rows = self.db.execute(
            "SELECT s.id, s.title, s.date, s.kind, s.created_at,"
            " (SELECT COUNT(*) FROM statements t WHERE t.session = s.number) AS n,"
            " (SELECT group_concat(name, ', ') FROM"
            "   (SELECT name FROM sources o WHERE o.session = s.number ORDER BY position)) AS src"
            f" FROM sessions s {where} ORDER BY s.date IS NULL, s.date, s.id",
            params,
        ).fetchall()
        return [
            Session(
                id=r["id"],
                title=r["title"],
                date=r["date"],
                kind=r["kind"],
                sources=(r["src"] or "").split(", ") if r["src"] else [],
                statement_count=int(r["n"]),
                created_at=r["created_at"],
            )
            for r in rows
        ]

    def session(self, session_id: str) -> Session:
        for s in self.sessions_by_ids([session_id]):
            return s
        raise AssertionError("unreachable")

    def sessions_by_ids(self, ids: Iterable[str]) -> list[Session]:
        """The sessions of ``ids`` in that order (each once); reads only those."""
        wanted = list(dict.fromkeys(ids))
        found = self._sessions(
            "WHERE s.id IN (SELECT value FROM json_each(?))", (json.dumps(wanted),)
        )
        by_id = {s.id: s for s in found}
        missing = [i for i in wanted if i not in by_id]
        if missing:
            ids_known = [str(r[0]) for r in self.db.execute("SELECT id FROM sessions")]
            known = ", ".join(sorted(ids_known)) or "none yet"
            raise StoreError(
                f"unknown session '{missing[0]}' in {self.path}; known sessions: {known}"
            )
        return [by_id[i] for i in wanted]

    def statements(self, session_id: str) -> list[Statement]:
        """The statements of a session, in order, with their tags and evidence."""
        rows = self.db.execute(
            "SELECT st.*, k.kind AS kind_name, so.name AS source,"
            ' p.section, p.section_shift, p.prompt, p."group"'
            " FROM statements st JOIN sources so ON so.id = st.source_id"
            " JOIN kinds k ON k.id = st.kind"
            " LEFT JOIN places p ON p.id = st.place_id"
            " WHERE st.session = (SELECT number FROM sessions WHERE id = ?) ORDER BY st.position",
            (session_id,),
        ).fetchall()
        texts = {int(r["id"]): str(r["text"]) for r in rows}
        terms = {int(i): str(t) for i, t in self.db.execute("SELECT id, term FROM terms")}
        tags: dict[int, TagSet] = {}
        for statement_id, dimension, label, evidence, apart, score in self.db.execute(
            "SELECT t.statement_id, l.dimension, l.label, t.evidence, t.evidence_text, t.score"
            " FROM statements st JOIN statement_tags t ON t.statement_id = st.id"
            " JOIN labels l ON l.id = t.label_id"
            " WHERE st.session = (SELECT number FROM sessions WHERE id = ?)"
            " ORDER BY st.id, l.dimension, l.label",
            (session_id,),
        ):
            ts = tags.setdefault(int(statement_id), TagSet())
            ts.labels(dimension).append(label)
            text = texts[int(statement_id)]
            ts.evidence.extend(_evidence(dimension, label, evidence, apart, text, terms))
            if score is not None:
                ts.scores[(dimension, label)] = float(score)
        out: list[Statement] = []
        decode = self.db.words.decode
        for r in rows:
            written, lemmas = decode(r["words"])
            out.append(
                Statement(
                    text=r["text"],
                    source=r["source"],
                    line_start=r["line_start"],
                    line_end=r["line_end"],
                    char_start=r["char_start"],
                    char_end=r["char_end"],
                    kind=r["kind_name"],
                    section=r["section"],
                    section_shift=r["section_shift"],
                    prompt=r["prompt"],
                    group=r["group"],
                    position=r["position"],
                    lemmas=lemmas,
                    forms=written,
                    tags=tags.get(int(r["id"]), TagSet()),
                )
            )
        return out

    def statement_ids(self, session_id: str) -> list[tuple[int, str]]:
        return [
            (int(r[0]), str(r[1]))
            for r in self.db.execute(
                "SELECT id, text FROM statements"
                " WHERE session = (SELECT number FROM sessions WHERE id = ?) ORDER BY position",
                (session_id,),
            )
        ]

    def sources(self, session_id: str) -> list[tuple[str, str, str]]:
        """(name, path, text) of each source of a session, in order."""
        rows = self.db.execute(
            "SELECT id, name, path FROM sources"
            " WHERE session = (SELECT number FROM sessions WHERE id = ?) ORDER BY position",
            (session_id,),
        ).fetchall()
        return [(str(r[1]), str(r[2]), "".join(self.source_text(int(r[0])))) for r in rows]

    def source_text(self, source_id: int) -> Iterator[str]:
        """The text of a stored source, a piece (a million characters) at a time."""
        for (data,) in self.db.execute(
            "SELECT text FROM source_pieces WHERE source_id = ? ORDER BY position", (source_id,)
        ):
            yield _unpack(data)

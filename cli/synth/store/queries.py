"""Read-only queries behind diff, trends, emerging words and search.

Each takes the corpus's connection and plain values and returns rows; the analysis
modules turn them into results. Session ids travel as one JSON array parameter
(``json_each``) however many there are.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence

# The sides as a table: (session_id, side). json_each keeps it to two parameters however
# many sessions are compared.
_SIDES = (
    "WITH side(session_id, side) AS ("
    " SELECT value, 'a' FROM json_each(?) UNION ALL SELECT value, 'b' FROM json_each(?))"
)

Example = tuple[str, int, str]  # session id, position, text


def _ids(ids: Sequence[str]) -> str:
    return json.dumps(list(ids))


def _example(row: sqlite3.Row | None) -> Example | None:
    return (str(row[0]), int(row[1]), str(row[2])) if row else None


def side_statement_counts(
    db: sqlite3.Connection, a_ids: Sequence[str], b_ids: Sequence[str]
) -> dict[str, int]:
    """Statements on each side ('a', 'b')."""
    rows = db.execute(
        _SIDES + " SELECT side.side, COUNT(*) FROM side"
        " JOIN sessions s ON s.id = side.session_id"
        " JOIN statements st ON st.session = s.number GROUP BY side.side",
        (_ids(a_ids), _ids(b_ids)),
    )
    return {str(side): int(n) for side, n in rows}


def side_label_counts(
    db: sqlite3.Connection, a_ids: Sequence[str], b_ids: Sequence[str]
) -> Iterator[tuple[str, str, str, int]]:
    """(side, dimension, label, statements with it) for every stored label on each side."""
    for side, dimension, label, n in db.execute(
        _SIDES + " SELECT side.side, t.dimension, t.label, COUNT(*) FROM side"
        " JOIN tags t ON t.session_id = side.session_id"
        " GROUP BY side.side, t.dimension, t.label",
        (_ids(a_ids), _ids(b_ids)),
    ):
        yield str(side), str(dimension), str(label), int(n)


def label_example(
    db: sqlite3.Connection,
    a_ids: Sequence[str],
    b_ids: Sequence[str],
    side: str,
    dimension: str,
    label: str,
) -> Example | None:
    """A statement of ``side`` with the label: of readable length if there is one, then the
    earliest."""
    # From the side's sessions to their statements to the label's tags (CROSS JOIN keeps
    # that order): starting from the label's tags in the whole corpus took half a second
    # a label on a side of 400 sessions in a corpus of 1,000.
    row = db.execute(
        "SELECT s.id, st.position, st.text FROM json_each(?) AS side"
        " CROSS JOIN sessions s ON s.id = side.value"
        " CROSS JOIN statements st ON st.session = s.number"
        " CROSS JOIN statement_tags t ON t.statement_id = st.id"
        " AND t.label_id = (SELECT id FROM labels WHERE dimension = ? AND label = ?)"
        " ORDER BY length(st.text) NOT BETWEEN 30 AND 240, s.date IS NULL, s.date,"
        " s.id, st.position LIMIT 1",
        (_ids(a_ids if side == "a" else b_ids), dimension, label),
    ).fetchone()
    return _example(row)


def lemma_phrase_example(
    db: sqlite3.Connection, session_ids: Sequence[str], phrase: str
) -> Example | None:
    """The earliest statement of the sessions whose lemmas hold ``phrase``."""
    quoted = '"' + phrase.replace('"', '""') + '"'
    row = db.execute(
        "SELECT s.id, st.position, st.text FROM statements_fts"
        " JOIN statements st ON st.id = statements_fts.rowid"
        " JOIN sessions s ON s.number = st.session"
        " WHERE statements_fts MATCH ? AND s.id IN (SELECT value FROM json_each(?))"
        " ORDER BY s.date IS NULL, s.date, s.id, st.position LIMIT 1",
        (f"lemmas : {quoted}", _ids(session_ids)),
    ).fetchone()
    return _example(row)


def texts_and_lemmas(
    db: sqlite3.Connection, session_ids: Sequence[str]
) -> Iterator[tuple[str, str]]:
    """(text, lemmas) of every statement of the sessions."""
    for text, lemmas in db.execute(
        "SELECT text, synth_lemmas(words) FROM statements WHERE session IN"
        " (SELECT number FROM sessions WHERE id IN (SELECT value FROM json_each(?)))",
        (_ids(session_ids),),
    ):
        yield str(text), str(lemmas)


def label_counts_by_session(
    db: sqlite3.Connection, dimension: str, session_ids: Sequence[str] | None
) -> Iterator[tuple[str, str, int]]:
    """(session id, label, statements with it) in ``dimension``; None means every session."""
    where, params = "", [dimension]
    if session_ids:
        where = " AND session_id IN (SELECT value FROM json_each(?))"
        params.append(_ids(session_ids))
    for session_id, label, n in db.execute(
        "SELECT session_id, label, COUNT(*) FROM tags WHERE dimension = ?"
        + where
        + " GROUP BY session_id, label",
        params,
    ):
        yield str(session_id), str(label), int(n)


def forms_and_lemmas_with(db: sqlite3.Connection, word: str) -> Iterator[tuple[str, str]]:
    """(forms, lemmas) of up to 20 statements whose text holds ``word``."""
    # The statements whose forms are not empty (synth.store.words).
    rows = db.execute(
        "SELECT synth_forms(st.words) AS f, synth_lemmas(st.words) FROM statements_fts"
        " JOIN statements st ON st.id = statements_fts.rowid"
        " WHERE statements_fts MATCH ? AND f != '' LIMIT 20",
        ('text : "' + word.replace('"', '""') + '"',),
    )
    for written, lemmas in rows:
        yield str(written), str(lemmas)


def search_statements(
    db: sqlite3.Connection,
    match: str,
    *,
    sessions: Sequence[str] | None,
    labels: Sequence[tuple[str | None, str]] | None,
    limit: int,
) -> tuple[int, list[sqlite3.Row]]:
    """Statements matching the FTS5 expression ``match``, in date order: the total and up
    to ``limit`` rows (session_id, date, title, position, text, line_start, source).

    ``labels`` keeps statements tagged with one of the (dimension or None, label) pairs.
    """
    where = ["statements_fts MATCH ?"]
    params: list[object] = [match]
    if sessions:
        where.append("s.id IN (SELECT value FROM json_each(?))")
        params.append(_ids(sessions))
    if labels:
        where.append(
            "EXISTS (SELECT 1 FROM tags t, json_each(?) l WHERE t.statement_id = st.id"
            " AND t.label = json_extract(l.value, '$[1]')"
            " AND (json_extract(l.value, '$[0]') IS NULL"
            "      OR t.dimension = json_extract(l.value, '$[0]')))"
        )
        params.append(json.dumps([list(pair) for pair in labels]))
    base = (
        " FROM statements_fts JOIN statements st ON st.id = statements_fts.rowid"
        " JOIN sessions s ON s.number = st.session"
        " WHERE " + " AND ".join(where)
    )
    total = int(db.execute("SELECT COUNT(*)" + base, params).fetchone()[0])
    rows = db.execute(
        "SELECT s.id AS session_id, s.date, s.title, st.position, st.text, st.line_start,"
        " (SELECT name FROM sources so WHERE so.id = st.source_id) AS source"
        + base
        + " ORDER BY s.date IS NULL, s.date, s.id, st.position LIMIT ?",
        [*params, limit],
    ).fetchall()
    return total, rows

"""Full-text search: Swedish letters, inflections, filters, keyword in context, migration."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from synth.analysis import search
from synth.store import Corpus
from synth.store import corpus as store

NOTES = """Arbetsmöte hemsjukvård 2023-05-04

- Vi samordnade hemtjänsten med vårdcentralen förra veckan.
- Hon har ingen tid att prata.
- Frisören klipper hår hemma hos brukaren.
- Öppna mottagningar gör det lättare att få hjälp.
- Ring mig på 070-123 45 67 om samordningen krånglar.
"""

LATER = """Uppföljning hemsjukvård 2023-11-20

- Vårdcentralerna vill samordna sina scheman.
- Vi behöver mer tid för samtal.
"""


@pytest.fixture
def notes_corpus(run: Any, tmp_path: Path, corpus_path: Path) -> Path:
    (tmp_path / "mote-2023-05-04.txt").write_text(NOTES, encoding="utf-8")
    (tmp_path / "uppfoljning-2023-11-20.txt").write_text(LATER, encoding="utf-8")
    result = run("ingest", tmp_path / "mote-2023-05-04.txt", "--corpus", corpus_path)
    assert result.exit_code == 0, result.output
    result = run("ingest", tmp_path / "uppfoljning-2023-11-20.txt", "--corpus", corpus_path)
    assert result.exit_code == 0, result.output
    return corpus_path


def texts(corpus_path: Path, query: str, **kwargs: Any) -> list[str]:
    with Corpus(corpus_path) as db:
        return [h.text for h in search.search(db, query, **kwargs).hits]


def test_a_verb_finds_its_inflections(notes_corpus: Path) -> None:
    found = texts(notes_corpus, "samordna")
    assert found == [
        "Vi samordnade hemtjänsten med vårdcentralen förra veckan.",
        "Vårdcentralerna vill samordna sina scheman.",
    ]


def test_a_noun_finds_its_definite_and_plural_forms(notes_corpus: Path) -> None:
    found = texts(notes_corpus, "vårdcentral")
    assert len(found) == 2 and all("årdcentral" in t for t in found)


def test_swedish_letters_are_kept_apart_and_case_is_folded(notes_corpus: Path) -> None:
    assert texts(notes_corpus, "hår") == ["Frisören klipper hår hemma hos brukaren."]
    assert texts(notes_corpus, "HÅR") == ["Frisören klipper hår hemma hos brukaren."]
    assert texts(notes_corpus, "har") == ["Hon har ingen tid att prata."]
    assert texts(notes_corpus, "öppna") == ["Öppna mottagningar gör det lättare att få hjälp."]
    assert texts(notes_corpus, "oppna") == []


def test_every_word_must_match_and_stems_and_phrases_work(notes_corpus: Path) -> None:
    assert texts(notes_corpus, "tid prata") == ["Hon har ingen tid att prata."]
    assert len(texts(notes_corpus, "samordn*")) == 3
    assert texts(notes_corpus, '"klipper hår"') == ["Frisören klipper hår hemma hos brukaren."]
    assert texts(notes_corpus, '"hår klipper"') == []


def test_search_can_be_limited_to_sessions_and_labels(notes_corpus: Path) -> None:
    later = texts(notes_corpus, "samordna", sessions=["uppfoljning-2023-11-20"])
    assert later == ["Vårdcentralerna vill samordna sina scheman."]
    with Corpus(notes_corpus) as db:
        labelled = db.db.execute(
            "SELECT st.text FROM statements st JOIN tags t ON t.statement_id = st.id"
            " WHERE t.label = 'samordning'"
        ).fetchall()
    expected = {r[0] for r in labelled if "samordn" in r[0].lower()}
    assert expected
    found = texts(notes_corpus, "samordn*", labels=[(None, "samordning")], redacted=False)
    assert set(found) == expected
    assert texts(notes_corpus, "samordn*", labels=[("factors", "samordning")]) == []


def test_matches_are_redacted_unless_asked(notes_corpus: Path) -> None:
    assert texts(notes_corpus, "ring") == ["Ring mig på [telefon] om samordningen krånglar."]
    raw = texts(notes_corpus, "ring", redacted=False)
    assert raw == ["Ring mig på 070-123 45 67 om samordningen krånglar."]


def test_search_prints_keyword_in_context_with_session_date_and_reference(
    run: Any, notes_corpus: Path
) -> None:
    result = run("search", "samordna", "--corpus", notes_corpus)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "#" in line]
    assert len(lines) == 2
    assert lines[0].split()[:3] == ["mote-2023-05-04", "2023-05-04", "#1"]
    assert "Vi samordnade hemtjänsten" in lines[0]
    assert lines[1].split()[:3] == ["uppfoljning-2023-11-20", "2023-11-20", "#1"]
    # The keywords line up in one column.
    assert lines[0].index("samordnade") == lines[1].index("samordna")
    assert "2 statement(s) match" in result.output


def test_search_json_gives_the_matching_words(run: Any, notes_corpus: Path) -> None:
    result = run("search", "vårdcentral", "--corpus", notes_corpus, "--format", "json")
    data = json.loads(result.output)
    assert data["total"] == 2
    first = data["hits"][0]
    start, end = first["matches"][0]
    assert first["text"][start:end] == "vårdcentralen"


def test_unknown_label_or_session_is_a_usage_error(run: Any, notes_corpus: Path) -> None:
    bad_label = run("search", "tid", "--corpus", notes_corpus, "--label", "nosuch")
    assert bad_label.exit_code == 2 and "unknown label 'nosuch'" in bad_label.output
    bad_session = run("search", "tid", "--corpus", notes_corpus, "--session", "nosuch")
    assert bad_session.exit_code == 2 and "unknown session 'nosuch'" in bad_session.output
    empty = run("search", "--corpus", notes_corpus, "--", "-- !")
    assert empty.exit_code == 2 and "nothing to search for" in empty.output


def test_deleted_and_replaced_sessions_leave_the_index(notes_corpus: Path) -> None:
    with Corpus(notes_corpus) as db:
        db.delete_session("mote-2023-05-04")
    assert texts(notes_corpus, "hår") == []
    assert texts(notes_corpus, "samordna") == ["Vårdcentralerna vill samordna sina scheman."]


def test_kwic_cuts_long_context_at_word_boundaries() -> None:
    text = "Det här är en lång mening där ordet samordning står mitt i allt det andra som sägs."
    start = text.index("samordning")
    left, keyword, right = search.kwic(text, [(start, start + len("samordning"))], width=15)
    assert keyword == "samordning"
    assert left.startswith("… ") and left.endswith("där ordet ")
    assert right.startswith(" står") and right.endswith(" …")


def test_a_corpus_of_schema_1_is_migrated_and_searchable(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(store._MIGRATIONS[1])
    db.execute("INSERT INTO sessions VALUES ('gammal', 'Gammal', '2021-03-01', 'other', 'h', 't')")
    db.execute("INSERT INTO sources VALUES (1, 'gammal', 0, 'g.txt', 'g.txt', 's', 'x')")
    db.execute(
        "INSERT INTO statements (session_id, source_id, position, text, kind, line_start,"
        " line_end, char_start, char_end) VALUES"
        " ('gammal', 1, 1, 'Äldre anteckning om trygghet.', 'bullet', 1, 1, 0, 1)"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Corpus(path) as corpus:
        version = corpus.db.execute("PRAGMA user_version").fetchone()[0]
        result = search.search(corpus, "äldre", lemmatize=str.lower)
    assert version == store.SCHEMA_VERSION
    assert [h.text for h in result.hits] == ["Äldre anteckning om trygghet."]


def test_a_corpus_of_schema_2_indexes_old_and_new_statements_once(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    db = sqlite3.connect(path)
    for version in (1, 2):
        db.executescript(store._MIGRATIONS[version])
    db.execute("INSERT INTO sessions VALUES ('v2', 'V2', '2022-03-01', 'other', 'h', 't')")
    db.execute("INSERT INTO sources VALUES (1, 'v2', 0, 'v.txt', 'v.txt', 's', 'x')")
    db.execute(  # indexed by schema 2's insert trigger
        "INSERT INTO statements (session_id, source_id, position, text, kind, line_start,"
        " line_end, char_start, char_end, lemmas, forms) VALUES ('v2', 1, 1,"
        " 'Vi samordnade resurserna.', 'bullet', 1, 1, 0, 1, 'vi samordna resurs',"
        " 'vi samordnade resurserna')"
    )
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    (tmp_path / "later.txt").write_text(LATER, encoding="utf-8")
    result = run("ingest", tmp_path / "later.txt", "--corpus", path)
    assert result.exit_code == 0, result.output
    assert texts(path, "samordna") == [
        "Vi samordnade resurserna.",
        "Vårdcentralerna vill samordna sina scheman.",
    ]
    with Corpus(path) as corpus:
        corpus.db.execute("INSERT INTO statements_fts (statements_fts) VALUES ('integrity-check')")
        corpus.db.execute(
            "CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, statements_fts, 'row')"
        )
        counts = dict(corpus.db.execute("SELECT term, cnt FROM temp.terms").fetchall())
    # The index holds each statement once, old (schema 2 trigger) and new (write_session).
    assert counts["vårdcentralerna"] == 1 and counts["resurserna"] == 1
    assert counts["samordna"] == 3  # two lemmas and one word as written


def test_a_word_of_the_corpus_is_lemmatized_as_at_ingest_without_the_pipeline(
    notes_corpus: Path,
) -> None:
    asked: list[str] = []

    def fallback(word: str) -> str:
        asked.append(word)
        return word

    with Corpus(notes_corpus) as db:
        lemma = search.stored_lemmatizer(db, fallback)
        assert lemma("Samordnade") == "samordna"
        assert lemma("vårdcentralerna") == "vårdcentral"
        assert asked == []
        assert lemma("omsorgstagare") == "omsorgstagare"
    assert asked == ["omsorgstagare"]


def test_searching_words_of_the_corpus_does_not_load_spacy(notes_corpus: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from synth.analysis import search\n"
        "from synth.store import Corpus\n"
        f"db = Corpus(Path({str(notes_corpus)!r}))\n"
        "result = search.search(db, 'vårdcentralen hemtjänsten')\n"
        "print(result.total, 'spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "False"]


def test_an_unknown_label_is_a_usage_error_in_show_as_in_search(run: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.db"
    notes = tmp_path / "n.txt"
    notes.write_text("Vi behöver en fast vårdkontakt.\n", encoding="utf-8")
    assert run("ingest", str(notes), "--corpus", str(corpus)).exit_code == 0
    for command in (["show", "n"], ["search", "vårdkontakt"]):
        result = run(*command, "--label", "nosuch", "--corpus", str(corpus))
        assert result.exit_code == 2, command
        assert "unknown label 'nosuch'" in result.output
    shown = run("show", "n", "--label", "concepts:kontinuitet", "--corpus", str(corpus))
    assert shown.exit_code == 0 and "fast vårdkontakt" in shown.output

"""Large plain-text files are read a part at a time: the same statements, hashes and
stored text as reading them whole, and a file that breaks its encoding part way through
stores nothing."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from synth.pipeline import reading
from synth.store import Corpus, content_hash
from synth.store import corpus as store


def notes_text() -> str:
    """Notes with a page footer repeated on every page, characters of two, three and
    four bytes in UTF-8, prompts listed in a preamble and numbered questions."""
    rng = random.Random(3)
    lines = [
        "Workshop Söderby 14 mars 2024",
        "",
        "Vilka frågor tar vi upp?",
        "- Vad behöver vi göra för invånarna?",
        "- Hur når vi dem som inte hörs?",
        "",
    ]
    words = ["hälsosamtal", "vårdcentralen", "samverkan", "närvård", "kommunen", "SIP"]
    marks = ["–", "€", "“citat”", "😀", "é", "å"]
    for page in range(1, 40):
        lines += ["## Från vård till hälsa", "", "Vad behöver vi göra för invånarna?", ""]
        for n in range(12):
            said = " ".join(rng.choice(words) for _ in range(rng.randint(4, 14)))
            lines.append(f"- Förslag {page}.{n}: fler {said} {rng.choice(marks)}")
        lines += ["", "1. Hur når vi dem som inte hörs?", ""]
        lines.append(f"Ledning: Vi vill ha {rng.choice(words)} och {rng.choice(words)}.")
        lines.append(f"Det gäller {rng.choice(words)} {rng.choice(marks)} i hela länet.")
        lines += ["", "Region Exempelby – Nära vård", f"Sida {page} av 39", ""]
    return "\n".join(lines) + "\n"


@pytest.fixture
def in_small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files over a kilobyte read in parts of 997 bytes, text stored in pieces of 4,000
    characters: every boundary falls somewhere, in a CRLF or in a character."""
    monkeypatch.setattr(reading, "PART_BYTES", 1000)
    monkeypatch.setattr(reading, "READ_BYTES", 997)
    monkeypatch.setattr(store, "PIECE_CHARS", 4000)


def stored(run: Any, notes: Path, corpus: Path) -> tuple[object, ...]:
    """Everything stored of the notes: session, hash, statements with their tags, text."""
    result = run("ingest", notes, "--corpus", corpus)
    assert result.exit_code == 0, result.output
    with Corpus(corpus) as db:
        (session,) = db.sessions()
        (the_hash,) = db.db.execute("SELECT content_hash FROM sessions").fetchone()
        statements = [
            (
                *(s.text, s.line_start, s.line_end, s.char_start, s.char_end, s.kind),
                *(s.section, s.section_shift, s.prompt, s.group, s.lemmas, s.forms),
                *(s.tags.pairs(), [(e.term, e.start, e.end) for e in s.tags.evidence]),
            )
            for s in db.statements(session.id)
        ]
        return (
            (session.id, session.title, session.date, session.kind, the_hash),
            statements,
            db.sources(session.id),
            db.known_boilerplate(),
        )


def test_a_file_read_in_parts_is_stored_as_when_read_whole(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_small_parts: None
) -> None:
    text = notes_text()
    notes = tmp_path / "stor.txt"
    notes.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    in_parts = stored(run, notes, tmp_path / "parts.db")
    with Corpus(tmp_path / "parts.db") as db:
        pieces = db.db.execute("SELECT COUNT(*) FROM source_pieces").fetchone()[0]
    assert pieces == -(-len(text) // 4000)
    monkeypatch.setattr(reading, "PART_BYTES", 50 * 1024 * 1024)
    assert not reading.read_in_parts(notes)
    whole = stored(run, notes, tmp_path / "whole.db")
    assert in_parts == whole
    session, statements, sources, boilerplate = in_parts
    # The hash that recognises the notes is the one of the text read whole.
    assert session[:3] == ("stor", "Workshop Söderby 14 mars 2024", "2024-03-14")
    assert session[4] == content_hash([text])
    assert sources == [("stor.txt", str(notes.resolve()), text)]
    # The footer went, the listed prompts are not statements, and the text kept every mark.
    assert "region exempelby – nära vård" in boilerplate
    texts = [s[0] for s in statements]
    assert not any("Exempelby" in t or "Sida" in t or t.endswith("?") for t in texts)
    assert any("😀" in t for t in texts) and len(texts) > 39 * 12


@pytest.mark.parametrize("read_bytes", [1, 2, 3, 7, 64])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_reading_in_parts_gives_the_text_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_bytes: int, encoding: str
) -> None:
    text = notes_text()[:3000]
    if encoding == "cp1252":
        text = text.replace("😀", ":)")
    notes = tmp_path / "stor.txt"
    notes.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    monkeypatch.setattr(reading, "PART_BYTES", 1000)
    monkeypatch.setattr(reading, "READ_BYTES", read_bytes)
    in_parts = reading.open_plain(notes)
    assert "".join(in_parts.parts()) == reading.read_plain(notes) == text
    assert in_parts.head == text[:500]


def test_a_file_that_breaks_its_encoding_part_way_through_stores_nothing(
    run: Any, tmp_path: Path, in_small_parts: None
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / "stor.txt"
    text = notes_text()
    middle = len(text) // 2
    bad.write_bytes(text[:middle].encode() + b"\xff" + text[middle:].encode())
    (folder / "bra.txt").write_text("# Möte\n\n- Fler hälsosamtal\n", encoding="utf-8")
    corpus = tmp_path / "c.db"
    result = run("ingest", folder, "--corpus", corpus)
    assert result.exit_code == 1, result.output
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert str(bad) in line and "save it again as UTF-8" in line
    assert "Traceback" not in result.stderr
    with Corpus(corpus) as db:
        assert [s.sources for s in db.sessions()] == [["bra.txt"]]
        assert db.db.execute("SELECT COUNT(*) FROM source_pieces").fetchone()[0] == 1

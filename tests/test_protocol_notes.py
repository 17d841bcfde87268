"""Protocol-style notes: numbered questions, theme labels, title, date and agenda lines.

The notes are written for these tests (a made-up meeting in a made-up county).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from synth.pipeline.statements import parse_source
from synth.pipeline.tagging import Tagger
from synth.store import Corpus

PROTOCOL = """Protokoll – Samverkansråd Exempellän

2031-05-06

§ 7 Workshop om omställningen

Bilaga 3

1. Vad behöver vi i ledningen göra för att komma vidare med omställningen?

Ledning: Tydliga beslut från båda huvudmännen. Vi måste följa upp det vi har bestämt.

Organisation: Gemensamma team för de mest sjuka äldre. Korta vägar mellan enheterna.

Invånare/närstående: Fråga de anhöriga vad som fungerar.

2. *Vad behöver medarbetarna för att arbeta på ett nytt sätt? Ge gärna två exempel*

Kommunikation: Mer tid för att träffas över gränserna.
"""


def texts(parsed: object) -> list[str]:
    return [s.text for s in parsed.statements]  # type: ignore[attr-defined]


def test_numbered_question_is_the_prompt_of_the_answers_below(tagger: Tagger) -> None:
    parsed = parse_source(PROTOCOL, "p.txt", tagger)
    first = "Vad behöver vi i ledningen göra för att komma vidare med omställningen?"
    by_text = {s.text: s for s in parsed.statements}
    assert by_text["Tydliga beslut från båda huvudmännen."].prompt == first
    assert by_text["Fråga de anhöriga vad som fungerar."].prompt == first
    assert not any("Vad behöver" in t for t in texts(parsed))


def test_question_followed_by_an_instruction_is_a_prompt(tagger: Tagger) -> None:
    parsed = parse_source(PROTOCOL, "p.txt", tagger)
    last = parsed.statements[-1]
    assert last.text == "Mer tid för att träffas över gränserna."
    assert last.prompt is not None and last.prompt.startswith("Vad behöver medarbetarna")


def test_theme_label_names_the_group_and_is_not_part_of_the_statement(tagger: Tagger) -> None:
    parsed = parse_source(PROTOCOL, "p.txt", tagger)
    groups = [(s.group, s.text) for s in parsed.statements]
    assert groups == [
        ("Ledning", "Tydliga beslut från båda huvudmännen."),
        ("Ledning", "Vi måste följa upp det vi har bestämt."),
        ("Organisation", "Gemensamma team för de mest sjuka äldre."),
        ("Organisation", "Korta vägar mellan enheterna."),
        ("Invånare/närstående", "Fråga de anhöriga vad som fungerar."),
        ("Kommunikation", "Mer tid för att träffas över gränserna."),
    ]
    # Provenance points past the label: the stored span is the statement's own text.
    first = parsed.statements[0]
    assert PROTOCOL[first.char_start : first.char_end] == first.text


def test_title_date_and_agenda_lines_are_not_statements(tagger: Tagger) -> None:
    parsed = parse_source(PROTOCOL, "p.txt", tagger)
    assert parsed.title == "Protokoll – Samverkansråd Exempellän"
    assert parsed.date_text == "2031-05-06"
    assert not any(t.startswith(("Protokoll", "2031", "§")) for t in texts(parsed))
    assert {s.section for s in parsed.statements} == {"Workshop om omställningen"}


def test_a_label_on_a_line_of_its_own_groups_the_bullets_below(tagger: Tagger) -> None:
    notes = "Möte\n\nLedning:\n- Våga prioritera\n- Följa upp\n\nOrganisation:\n- Fler team\n"
    parsed = parse_source(notes, "n.txt", tagger)
    assert [(s.group, s.text) for s in parsed.statements] == [
        ("Ledning", "Våga prioritera"),
        ("Ledning", "Följa upp"),
        ("Organisation", "Fler team"),
    ]


def test_a_sentence_running_on_over_a_colon_has_no_group(tagger: Tagger) -> None:
    notes = "Möte\n\nDet handlar om: Tillit och tid.\n\nMålet är: fler möten mellan enheterna.\n"
    parsed = parse_source(notes, "n.txt", tagger)
    assert all(s.group is None for s in parsed.statements)
    assert parsed.statements[0].text.startswith("Det handlar om:")


def test_meeting_particulars_are_not_statements(tagger: Tagger) -> None:
    notes = (
        "Minnesanteckningar nätverksträff\n\nDatum: 3 mars 2031, kl. 9-12\n\n"
        "Plats: Stadshuset\n\nLedning: Vi behöver en gemensam plan.\n"
    )
    parsed = parse_source(notes, "n.txt", tagger)
    assert texts(parsed) == ["Vi behöver en gemensam plan."]
    assert parsed.date_text == "Datum: 3 mars 2031, kl. 9-12"


def test_a_short_labelled_line_is_a_statement_not_a_section(tagger: Tagger) -> None:
    notes = "Möte\n\nLedning: Tydligt ledarskap\n\nTid: Mer tid för patienterna\n"
    parsed = parse_source(notes, "n.txt", tagger)
    assert [(s.group, s.text, s.section) for s in parsed.statements] == [
        ("Ledning", "Tydligt ledarskap", None),
        ("Tid", "Mer tid för patienterna", None),
    ]


def test_numbered_questions_in_a_list_stay_statements(tagger: Tagger) -> None:
    notes = "Möte\n\nFrågor från gruppen\n1. Hur når vi de unga?\n2. Vem betalar?\n"
    parsed = parse_source(notes, "n.txt", tagger)
    assert texts(parsed) == ["Hur når vi de unga?", "Vem betalar?"]


def test_group_is_stored_shown_and_exported(
    run: Callable[..., object], tmp_path: Path, corpus_path: Path
) -> None:
    notes = tmp_path / "protokoll-2031.txt"
    notes.write_text(PROTOCOL, encoding="utf-8")
    result = run("ingest", notes, "--corpus", corpus_path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    with Corpus(corpus_path) as db:
        (session,) = db.sessions()
        stored = db.statements(session.id)
    assert session.date == "2031-05-06"
    assert session.title == "Protokoll – Samverkansråd Exempellän"
    assert stored[0].group == "Ledning"

    shown = run("show", session.id, "--corpus", corpus_path, "--format", "json")
    payload = json.loads(shown.stdout)  # type: ignore[attr-defined]
    assert payload["statements"][0]["group"] == "Ledning"
    table = run("show", session.id, "--corpus", corpus_path)
    assert "Invånare/närstående" in table.stdout  # type: ignore[attr-defined]

    out = tmp_path / "out.jsonl"
    run("export", session.id, "--corpus", corpus_path, "--format", "jsonl", "-o", out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["group"] for r in rows][:3] == ["Ledning", "Ledning", "Organisation"]
    csv_out = tmp_path / "out.csv"
    run("export", session.id, "--corpus", corpus_path, "--format", "csv", "-o", csv_out)
    header, first = csv_out.read_text(encoding="utf-8-sig").splitlines()[:2]
    assert header.split(";")[header.split(";").index("group")] == "group"
    assert first.split(";")[header.split(";").index("group")] == "Ledning"


def test_a_corpus_of_the_previous_schema_opens_with_its_statements_and_no_groups(
    tmp_path: Path,
) -> None:
    import sqlite3

    from synth.store import corpus as store

    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    for version in (1, 2, 3):
        for sql in store._statements(store._MIGRATIONS[version]):
            db.execute(sql)
    db.execute("PRAGMA user_version = 3")
    db.execute("INSERT INTO sessions VALUES ('s', 'T', NULL, 'other', 'h', 'now')")
    db.execute("INSERT INTO sources VALUES (1, 's', 0, 'n.txt', 'n.txt', 'x', 'Fler team')")
    db.execute(
        "INSERT INTO statements (id, session_id, source_id, position, text, kind, line_start,"
        " line_end, char_start, char_end) VALUES (1, 's', 1, 1, 'Fler team', 'bullet', 1, 1, 0, 9)"
    )
    db.close()
    with Corpus(path) as corpus:
        (statement,) = corpus.statements("s")
    assert (statement.text, statement.group) == ("Fler team", None)


def test_abbreviations_without_their_inner_dots_do_not_end_a_sentence(tagger: Tagger) -> None:
    notes = (
        "Möte\n\n"
        "Vi behöver fler mötesplatser tex. en öppen mottagning. Kommunen bidrar bla. med "
        "lokaler mm. för hela länet. Det gäller även unga osv. i skolåldern. Vi väntar "
        "pga. sjukskrivningar. Samma rum dvs. ett gemensamt. Tydligt t.ex inom vården.\n"
    )
    parsed = parse_source(notes, "n.txt", tagger)
    assert texts(parsed) == [
        "Vi behöver fler mötesplatser tex. en öppen mottagning.",
        "Kommunen bidrar bla. med lokaler mm. för hela länet.",
        "Det gäller även unga osv. i skolåldern.",
        "Vi väntar pga. sjukskrivningar.",
        "Samma rum dvs. ett gemensamt.",
        "Tydligt t.ex inom vården.",
    ]


def test_a_number_glued_to_the_paragraph_sign_is_not_an_agenda_item_name() -> None:
    from synth.pipeline import parsing

    assert parsing.AGENDA_RE.match("§00") is None
    for line, name in (
        ("§ 7 Workshop", "Workshop"),
        ("§4. Beslut", "Beslut"),
        ("§ 12b – Övrigt", "Övrigt"),
    ):
        found = parsing.AGENDA_RE.match(line)
        assert found is not None and found.group("name") == name

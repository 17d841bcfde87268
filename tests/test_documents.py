"""A målbild or strategy document: development-area headings, chapter questions, its kind.

The document is written for these tests (a made-up county's plan).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from synth.ingest import guess_kind
from synth.pipeline.statements import parse_source
from synth.pipeline.tagging import Tagger
from synth.store import Corpus

PLAN = """Strategi för nära vård i Exempellän

Planen visar vart regionen och kommunerna ska gå de närmaste åren.

Person- och familjecentrerade arbetssätt

Vi utgår från det som är viktigt för invånaren och de närstående.

Hälsofrämjande, förebyggande och tidiga insatser

Vi arbetar tidigt med levnadsvanor i alla verksamheter.

Kompetens

Vi behöver fler medarbetare med bred kompetens.

Varför behöver vården ställa om?

Befolkningen blir äldre och behoven växer snabbare än resurserna.
"""


def by_text(tagger: Tagger) -> dict[str, object]:
    return {s.text: s for s in parse_source(PLAN, "plan.txt", tagger).statements}


def test_development_area_headings_are_recognised_as_shifts(tagger: Tagger) -> None:
    statements = by_text(tagger)
    person = statements["Vi utgår från det som är viktigt för invånaren och de närstående."]
    early = statements["Vi arbetar tidigt med levnadsvanor i alla verksamheter."]
    assert person.section_shift == "person-relation"  # type: ignore[attr-defined]
    assert early.section_shift == "proaktiv"  # type: ignore[attr-defined]


def test_a_question_heading_after_prose_opens_its_own_section(tagger: Tagger) -> None:
    last = by_text(tagger)["Befolkningen blir äldre och behoven växer snabbare än resurserna."]
    assert last.section == "Varför behöver vården ställa om?"  # type: ignore[attr-defined]
    assert last.prompt is None  # type: ignore[attr-defined]


def test_a_question_under_a_shift_stays_the_prompt_of_its_answers(tagger: Tagger) -> None:
    notes = (
        "Gruppdialog\n\nFrån reaktiv till proaktiv\n\nGruppen började med en runda.\n\n"
        "Vad behövs?\n- Fler hälsosamtal\n"
    )
    last = parse_source(notes, "n.txt", tagger).statements[-1]
    assert (last.text, last.prompt, last.section_shift) == (
        "Fler hälsosamtal",
        "Vad behövs?",
        "proaktiv",
    )


def test_a_strategy_is_guessed_as_a_document_and_a_workshop_about_it_is_not(
    tagger: Tagger,
) -> None:
    plan = parse_source(PLAN, "plan.txt", tagger)
    assert guess_kind("plan.txt", PLAN, plan.headings) == "document"
    workshop = PLAN.replace("Strategi för nära vård", "Workshop om strategin för nära vård")
    parsed = parse_source(workshop, "w.txt", tagger)
    assert guess_kind("w.txt", workshop, parsed.headings) != "document"


def test_ingest_stores_a_strategy_as_a_document(
    run: Callable[..., object], tmp_path: Path, corpus_path: Path
) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    run("ingest", path, "--corpus", corpus_path)
    with Corpus(corpus_path) as db:
        assert [s.kind for s in db.sessions()] == ["document"]

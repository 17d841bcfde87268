"""The parser: structure of real notes (headings, prompts, bullets, boilerplate)."""

from __future__ import annotations

from synth.pipeline.parsing import find_boilerplate
from synth.pipeline.statements import parse_source
from synth.pipeline.tagging import Tagger

FOOTER = (
    "Nära vård i samverkan – Exempellän\n\n"
    "Region Exempel | Norrby kommun | Söderby kommun\n"
    "Österby kommun | Västerby kommun\n"
)


def notes(*parts: str) -> str:
    return "\n".join(parts)


def test_footer_repeated_on_every_page_is_dropped(tagger: Tagger) -> None:
    text = notes(
        "Från reaktiv → till proaktiv och hälsofrämjande",
        "",
        "- Tidiga insatser i skolan",
        "",
        FOOTER,
        "- Fler hälsosamtal",
        "",
        FOOTER,
    )
    parsed = parse_source(text, "n.txt", tagger)
    texts = [s.text for s in parsed.statements]
    assert texts == ["Tidiga insatser i skolan", "Fler hälsosamtal"]
    assert not any("Norrby" in t for t in texts)


def test_a_repeated_prompt_is_not_boilerplate() -> None:
    lines = ["Vad behövs?", "- A", "", "Vad behövs?", "- B"]
    removed, _ = find_boilerplate(lines)
    assert removed == set()


def test_long_repeated_paragraphs_are_kept_as_content() -> None:
    para = "Detta är ett långt stycke om samverkan. " * 5
    removed, _ = find_boilerplate([para, para + "x", "", para, para + "x"])
    assert removed == set()


def test_shift_heading_variants_are_recognised(tagger: Tagger) -> None:
    text = notes(
        "Från fokus på organisation → Fokus på person och relation",
        "- a1",
        "",
        "Från isolerade vård och omsorgsinsatser till samordning utifrån personens fokus",
        "- b1",
        "",
        "Från reaktiv -> proaktiv och hälsoskapande",
        "- c1",
        "",
        "Från invånare och patienter som passiva mottagare – till aktiv medskapare.",
        "- d1",
    )
    parsed = parse_source(text, "n.txt", tagger)
    assert [(s.text, s.section_shift) for s in parsed.statements] == [
        ("a1", "person-relation"),
        ("b1", "samordning"),
        ("c1", "proaktiv"),
        ("d1", "medskapare"),
    ]


def test_markdown_headings_give_sections_shifts_and_prompts(tagger: Tagger) -> None:
    text = notes(
        "# Workshop",
        "",
        "## Från reaktiv till proaktiv",
        "",
        "### Vad behövs?",
        "",
        "* Förebyggande arbete",
        "",
        "## Övrigt",
        "",
        "1. Fika",
        "2. Promenad",
    )
    parsed = parse_source(text, "n.md", tagger)
    assert parsed.title == "Workshop"
    first, second, _ = parsed.statements
    assert (first.section_shift, first.prompt) == ("proaktiv", "Vad behövs?")
    assert (second.section, second.section_shift, second.prompt) == ("Övrigt", None, None)


def test_prompts_and_bullets_of_every_kind(tagger: Tagger) -> None:
    text = notes(
        "Från reaktiv → till proaktiv",
        "",
        "Vad skulle länet uppnå/vinna med denna förflyttning?",
        "",
        "- streck",
        "– tankstreck",
        "• punkt",
        "* stjärna",
        "1. numrerad",
        "2) numrerad med parentes",
    )
    parsed = parse_source(text, "n.txt", tagger)
    assert [s.text for s in parsed.statements] == [
        "streck",
        "tankstreck",
        "punkt",
        "stjärna",
        "numrerad",
        "numrerad med parentes",
    ]
    assert {s.prompt for s in parsed.statements} == {
        "Vad skulle länet uppnå/vinna med denna förflyttning?"
    }
    assert all(s.kind == "bullet" for s in parsed.statements)


def test_a_bullet_with_a_question_is_a_statement(tagger: Tagger) -> None:
    text = notes("Vad behövs?", "", "- Vilka insatser kan vi göra tillsammans?")
    parsed = parse_source(text, "n.txt", tagger)
    assert [s.text for s in parsed.statements] == ["Vilka insatser kan vi göra tillsammans?"]


def test_prompts_listed_in_a_preamble_are_not_statements(tagger: Tagger) -> None:
    text = notes(
        "Summering",
        "",
        "- Vad behövs för att göra denna förflyttning?",
        "",
        "Från reaktiv → till proaktiv",
        "",
        "Vad behövs för att göra denna förflyttning?",
        "",
        "- Tidiga insatser",
    )
    parsed = parse_source(text, "n.txt", tagger)
    assert [s.text for s in parsed.statements] == ["Tidiga insatser"]


def test_free_paragraphs_are_split_into_sentences(tagger: Tagger) -> None:
    text = notes(
        "Vad behövs?",
        "",
        "Viktigt att jobba tillsammans. Anhöriga blir sjuka pga. det. "
        'Tänk "vad kan jag göra?" istället för att hänvisa.',
    )
    parsed = parse_source(text, "n.txt", tagger)
    assert [s.text for s in parsed.statements] == [
        "Viktigt att jobba tillsammans.",
        "Anhöriga blir sjuka pga. det.",
        'Tänk "vad kan jag göra?" istället för att hänvisa.',
    ]
    assert all(s.kind == "paragraph" for s in parsed.statements)


def test_a_sentence_broken_by_a_page_break_is_joined(tagger: Tagger) -> None:
    text = notes("Ha en dialog med samhället för att", "", "", "individerna rör sig där.")
    parsed = parse_source(text, "n.txt", tagger)
    assert [s.text for s in parsed.statements] == [
        "Ha en dialog med samhället för att individerna rör sig där."
    ]
    assert (parsed.statements[0].line_start, parsed.statements[0].line_end) == (1, 4)


def test_named_section_ends_the_shift(tagger: Tagger) -> None:
    text = notes("Från reaktiv → till proaktiv", "", "- a", "", "Brukarperspektiv", "", "- b")
    parsed = parse_source(text, "n.txt", tagger)
    assert [(s.text, s.section_shift, s.section) for s in parsed.statements] == [
        ("a", "proaktiv", "Från reaktiv → till proaktiv"),
        ("b", None, "Brukarperspektiv"),
    ]


def test_offsets_point_at_the_statement_in_the_source(tagger: Tagger) -> None:
    text = notes("Titel", "", "- Fler och bättre SIP", "", "Viktigt med dialog. Och\nmed tillit.")
    parsed = parse_source(text, "n.txt", tagger)
    for st in parsed.statements:
        assert " ".join(text[st.char_start : st.char_end].split()) == st.text

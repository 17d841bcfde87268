"""Condensed handouts: merged points, structure, nothing lost, templates, charts, privacy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, SEED_000, need
from synth.analysis.condense import condense, cut_phrase, key_phrases
from synth.analysis.handout import build_context, short_phrase
from synth.models import Statement
from synth.store import Corpus
from synth.taxonomy import Taxonomy

GROUP = "lgl-2024-03-14-gruppdialog"
USERS = "brukardialog-2024-05-20"
FOLLOW_UP = "lgl-2024-10-10-uppfoljning"
SEED = "lgl-2022-01-28"
APPENDIX_SV = "## Källförteckning"


def words(text: str) -> int:
    """Words as a reader counts them: runs of letters (numbers, bars and refs are not words)."""
    return len(re.findall(r"[^\W\d_]+", text))


def body(handout: str, appendix: str = APPENDIX_SV) -> str:
    assert appendix in handout
    return handout.split(appendix)[0]


def ingest_examples(run: Any, corpus: Path) -> None:
    result = run("ingest", EXAMPLES, "--corpus", corpus)
    assert result.exit_code == 0, result.output


def ingest_seed(run: Any, corpus: Path) -> None:
    seed = need(SEED_000)
    result = run("ingest", seed, "--corpus", corpus, "--session", SEED)
    assert result.exit_code == 0, result.output


def summarize(run: Any, corpus: Path, *args: str) -> str:
    result = run("summarize", *args, "--corpus", corpus)
    assert result.exit_code == 0, result.output
    return str(result.output)


def bullet(text: str, prompt: str = "Vad behövs?") -> Statement:
    return Statement(text, "notes.txt", 1, 1, 0, len(text), "bullet", prompt=prompt)


# 1. Condensation


def test_near_duplicate_bullets_become_one_point_with_a_representative() -> None:
    statements = [
        bullet("Fler hembesök hos äldre som bor ensamma"),
        bullet("Bättre skyltning i väntrummet på vårdcentralen"),
        bullet("Hembesök hos äldre som bor ensamma behövs"),
        bullet("Hembesök till äldre"),
    ]
    clusters = condense(statements)
    assert sorted(c.members for c in clusters) == [[0, 2, 3], [1]]
    merged = next(c for c in clusters if c.count == 3)
    assert merged.representative in merged.members


def test_every_statement_is_in_exactly_one_cluster() -> None:
    texts = [
        "Gemensam journal mellan region och kommun",
        "Journalen behöver vara gemensam för region och kommun",
        "Mer tid för samtal med anhöriga",
        "Anhöriga behöver mer tid för samtal",
        "Fysisk aktivitet på recept",
    ]
    clusters = condense([bullet(t) for t in texts])
    members = sorted(m for c in clusters for m in c.members)
    assert members == list(range(len(texts)))


def test_seed_sip_bullets_are_merged_into_one_point(run: Any, corpus_path: Path) -> None:
    ingest_seed(run, corpus_path)
    with Corpus(corpus_path) as db:
        statements = db.statements(SEED)
    clusters = condense(statements)
    sip = [
        "Utveckla arbetet med SIP – med kvalitet",
        "Gör SIP känt ute i verksamheter",
        "Fler och bättre SIP",
        "Utveckla SIP (se föregående svar/anteckningar)",
    ]
    index = {s.text: i for i, s in enumerate(statements)}
    holding = {id(c) for t in sip for c in clusters if index[t] in c.members}
    assert len(holding) == 1
    point = next(c for c in clusters if index[sip[0]] in c.members)
    assert statements[point.representative].text in [statements[m].text for m in point.members]


def test_long_statements_are_cut_to_a_phrase_in_their_own_words() -> None:
    texts = [
        "Vi behöver bygga på samverkan och man är rädd för att möten tar tid",
        "Det är viktigt att kommunen och regionen planerar hembesöken tillsammans.",
        "Fler och bättre SIP",
        "Den digitala vården, menade gruppen, kan hjälpa invånaren mycket i vardagen",
    ]
    phrases = key_phrases(texts, max_words=5)
    assert phrases[2] == "Fler och bättre SIP"
    assert phrases[3] == "Den digitala vården …"
    for text, phrase in zip(texts, phrases, strict=True):
        if text == phrase:
            continue
        kept = phrase.replace("…", "").strip()
        assert phrase != text and "…" in phrase
        assert 2 <= len(kept.split()) <= 5
        assert kept.rstrip(".") in text


def test_a_cut_phrase_does_not_dangle_on_a_function_word() -> None:
    texts = [
        "Bygga strukturer för att samarbetet ska hålla över tid",
        "Vi ska våga backa och göra om när något inte fungerar",
    ]
    assert key_phrases(texts, max_words=5)[0] == "Bygga strukturer …"
    phrase = cut_phrase(["och", "göra", "ett", "bra", "jobb", "för"], leading=True, trailing=True)
    assert phrase == "… göra ett bra jobb …"
    assert cut_phrase(["och", "göra"], leading=True, trailing=False) == "… och göra"


def test_a_quotation_cut_in_two_is_closed_at_the_cut() -> None:
    assert cut_phrase(["Tänk", '"vad', "kan", "jag"], leading=False, trailing=True) == (
        'Tänk "vad kan jag …"'
    )
    assert cut_phrase(["jag", 'göra?"', "istället"], leading=True, trailing=False) == (
        '… "jag göra?" istället'
    )
    whole = ["Säg", '"ja"', "oftare"]
    assert cut_phrase(whole, leading=False, trailing=True) == 'Säg "ja" oftare …'


def test_prompts_are_shortened_from_their_start() -> None:
    prompt = "Vad skulle Kalmar län uppnå med denna förflyttning?"
    assert short_phrase(prompt, max_words=4) == "Vad skulle Kalmar …"
    assert short_phrase("Vad behövs?", max_words=4) == "Vad behövs?"
    assert short_phrase("Vad behövs för att göra denna förflyttning?", max_words=4) == (
        "Vad behövs …"
    )


def point_count(handout: str) -> int:
    found = re.search(r"→ (\d+) punkter", handout)
    assert found, handout[:300]
    return int(found.group(1))


def test_a_higher_threshold_merges_less(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    default = point_count(summarize(run, corpus_path, GROUP))
    strict = point_count(summarize(run, corpus_path, GROUP, "--threshold", "0.9"))
    loose = point_count(summarize(run, corpus_path, GROUP, "--threshold", "0.1"))
    assert loose < default < strict


def test_threshold_out_of_range_is_a_usage_error(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    result = run("summarize", GROUP, "--corpus", corpus_path, "--threshold", "2")
    assert result.exit_code == 2
    assert "--threshold" in result.output and "Traceback" not in result.output


# 2. Handout structure


def test_handout_has_header_overview_shifts_concepts_themes_other_and_sources(
    run: Any, corpus_path: Path
) -> None:
    ingest_examples(run, corpus_path)
    text = summarize(run, corpus_path, GROUP)
    assert text.startswith("# Länsgemensam ledning 14 mars 2024")
    assert "Datum: 2024-03-14" in text and "Typ: group-dialogue" in text
    assert "Källa: lgl-2024-03-14-gruppdialog.txt" in text
    sections = re.findall(r"(?m)^## (.+)$", text)
    assert sections[:5] == [
        "Översikt",
        "Person och relation",
        "Samordning",
        "Proaktiv och hälsofrämjande",
        "Aktiv medskapare",
    ]
    assert sections[-4:] == [
        "Återkommande begrepp",
        "Tvärgående teman",
        "Övrigt",
        "Källförteckning",
    ]
    assert re.search(r"(?m)^\| Samordning \| \d+ \| █+ \|$", text)
    for shift in re.split(r"(?m)^## ", text)[2:6]:
        prompts = re.findall(r"(?m)^### (.+)$", shift)
        assert prompts == ["Vad skulle länet …", "Vad behövs …"], shift
    assert re.search(r"(?m)^- \*\*Samordning\*\* \(\d+\): ”.+” \[#\d+\]", text)


def test_points_carry_their_concept_tags_and_merged_references(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    text = summarize(run, corpus_path, GROUP)
    with Corpus(corpus_path) as db:
        statements = {s.text: s for s in db.statements(GROUP)}
    sip = [statements[t].position for t in statements if "SIP" in t]
    line = next(ln for ln in text.splitlines() if ln.startswith("- ") and f"#{sip[0]}" in ln)
    assert "_Samordning_" in line or "Samordning," in line
    assert f"(×{line.count('#')})" in line


def test_cross_cutting_themes_are_concepts_under_two_or_more_shifts(
    run: Any, corpus_path: Path, taxonomy: Taxonomy
) -> None:
    ingest_examples(run, corpus_path)
    with Corpus(corpus_path) as db:
        info = db.session(GROUP)
        statements = db.statements(GROUP)
    context = build_context([info], [statements], taxonomy)
    for concept in context["recurring"]:
        shifts = {
            s.section_shift for s in statements if concept.id in s.tags.concepts and s.section_shift
        }
        if len(shifts) >= 2:
            assert concept in context["crosscutting"]
    assert all(len(c.shifts) >= 2 for c in context["crosscutting"])


def test_appendix_maps_every_reference_to_file_and_line(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    text = summarize(run, corpus_path, USERS)
    appendix = text.split(APPENDIX_SV)[1]
    with Corpus(corpus_path) as db:
        statements = db.statements(USERS)
    for st in statements:
        assert f"| #{st.position} | {st.source} | {st.line_start}" in appendix


# 3. Nothing lost


def point_refs(handout: str) -> list[str]:
    """References listed by points (shift and other sections, Övrigt), not by quotes."""
    refs: list[str] = []
    skip = False
    for line in body(handout).splitlines():
        if line.startswith("## "):
            skip = line in ("## Återkommande begrepp", "## Tvärgående teman")
        elif line.startswith("- ") and not skip:
            found = re.search(r"\[((?:[A-Z]*#?\d+(?:, )?)+)\]$", line)
            assert found, line
            refs.extend(found.group(1).split(", "))
    return refs


@pytest.mark.parametrize("session", [GROUP, USERS, FOLLOW_UP])
def test_nothing_is_lost_in_the_example_handouts(run: Any, corpus_path: Path, session: str) -> None:
    ingest_examples(run, corpus_path)
    refs = point_refs(summarize(run, corpus_path, session))
    with Corpus(corpus_path) as db:
        expected = [f"#{s.position}" for s in db.statements(session)]
    assert sorted(refs) == sorted(expected)


def test_nothing_is_lost_in_the_seed_handout(run: Any, corpus_path: Path) -> None:
    ingest_seed(run, corpus_path)
    refs = point_refs(summarize(run, corpus_path, SEED))
    with Corpus(corpus_path) as db:
        expected = [f"#{s.position}" for s in db.statements(SEED)]
    assert sorted(refs) == sorted(expected)


def test_untagged_statements_are_listed_under_other(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    text = summarize(run, corpus_path, GROUP)
    other = text.split("## Övrigt")[1].split("## ")[0]
    with Corpus(corpus_path) as db:
        untagged = [s for s in db.statements(GROUP) if s.tags.is_empty()]
    assert untagged
    for st in untagged:
        assert f"#{st.position}" in other


# 4. Condensed


def test_seed_handout_is_at_most_half_the_words_and_names_every_concept(
    run: Any, corpus_path: Path, taxonomy: Taxonomy
) -> None:
    ingest_seed(run, corpus_path)
    text = body(summarize(run, corpus_path, SEED))
    with Corpus(corpus_path) as db:
        statements = db.statements(SEED)
    assert words(text) <= 0.5 * sum(words(s.text) for s in statements)
    tagged = {c for s in statements for c in s.tags.concepts}
    assert tagged
    for concept in tagged:
        label = taxonomy.label("concepts", concept)
        assert label is not None
        assert f"**{label.display()}**" in text


# 5. Templates


def test_brief_fits_one_screen_and_full_lists_every_statement(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    handout = summarize(run, corpus_path, GROUP)
    brief = summarize(run, corpus_path, GROUP, "--template", "brief")
    full = summarize(run, corpus_path, GROUP, "--template", "full")
    assert len(brief.splitlines()) <= 50
    assert "| Förflyttning | Antal | |" in brief and "## Det som sades flest gånger" in brief
    with Corpus(corpus_path) as db:
        statements = db.statements(GROUP)
    for st in statements:
        assert st.text in full
    assert words(brief) < words(handout) < words(full)


def test_own_template_by_path(run: Any, corpus_path: Path, tmp_path: Path) -> None:
    ingest_examples(run, corpus_path)
    own = tmp_path / "mine.md.j2"
    own.write_text(
        "{{ title }}: {% for r in shift_rows %}{{ r.name }}={{ r.count }} {% endfor %}\n",
        encoding="utf-8",
    )
    text = summarize(run, corpus_path, GROUP, "--template", str(own))
    assert text.startswith("Länsgemensam ledning 14 mars 2024")
    assert re.search(r"Samordning=\d+", text)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("line one\n{{ title }}\n{{ no_such_name }}\n", "mine.md.j2:3: template error"),
        ("line one\n{% for x in shift_rows %}\n", "mine.md.j2:2: template syntax error"),
        ("{{ ''.__class__.__mro__ }}\n", "mine.md.j2:1: template error"),
    ],
)
def test_template_errors_name_file_and_line_without_traceback(
    run: Any, corpus_path: Path, tmp_path: Path, source: str, message: str
) -> None:
    ingest_examples(run, corpus_path)
    own = tmp_path / "mine.md.j2"
    own.write_text(source, encoding="utf-8")
    result = run("summarize", GROUP, "--corpus", corpus_path, "--template", str(own))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_unknown_template_name_is_a_usage_error(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    result = run("summarize", GROUP, "--corpus", corpus_path, "--template", "poster")
    assert result.exit_code == 2
    assert "template 'poster' not found" in result.output


def test_english_labels_keep_the_statements_as_written(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    text = summarize(run, corpus_path, GROUP, "--lang", "en")
    for heading in ("## Overview", "## Coordination", "## Recurring concepts", "## Other"):
        assert heading in text
    assert "## Sources" in text and "Återkommande" not in text and "Datum:" not in text
    assert "Fråga alltid" in text  # a participant's words stay in Swedish


# 6. Several sessions


def test_several_sessions_are_condensed_with_per_session_counts(
    run: Any, corpus_path: Path
) -> None:
    ingest_examples(run, corpus_path)
    text = summarize(run, corpus_path, GROUP, USERS, FOLLOW_UP)
    assert text.startswith("# Sammanställning av flera sessioner")
    for letter, session in zip("ABC", (GROUP, USERS, FOLLOW_UP), strict=True):
        assert f"| {letter} | " in text and f"({session})" in text
    with Corpus(corpus_path) as db:
        counts = [
            sum("samordning" in s.tags.concepts for s in db.statements(x))
            for x in (GROUP, USERS, FOLLOW_UP)
        ]
    expected = f"**Samordning** ({sum(counts)}: A {counts[0]} · B {counts[1]} · C {counts[2]})"
    assert expected in text
    refs = point_refs(text)
    assert any(r.startswith("A") for r in refs) and any(r.startswith("C") for r in refs)
    assert (
        len(refs)
        == len(set(refs))
        == sum(len(Corpus(corpus_path).statements(x)) for x in (GROUP, USERS, FOLLOW_UP))
    )


# 7. A picture


def test_chart_is_written_and_linked(run: Any, corpus_path: Path, tmp_path: Path) -> None:
    ingest_examples(run, corpus_path)
    out = tmp_path / "out" / "handout.md"
    chart = tmp_path / "out" / "img" / "chart.png"
    result = run("summarize", GROUP, "--corpus", corpus_path, "-o", out, "--chart", chart)
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert "](img/chart.png)" in out.read_text(encoding="utf-8")


def test_chart_needs_a_png_name(run: Any, corpus_path: Path, tmp_path: Path) -> None:
    ingest_examples(run, corpus_path)
    result = run("summarize", GROUP, "--corpus", corpus_path, "--chart", tmp_path / "c.jpg")
    assert result.exit_code == 2
    assert ".png" in result.output


# 8. Privacy


PRIVATE_NOTES = """Brukardialog 3 juni 2024

Samordning
- Min samordnare nås på anna.exempel@kommun.se och det ger trygghet.
- Ring 070-123 45 67 om tiden för SIP ändras.
- Deltagaren 811218-9876 vill ha en fast vårdkontakt.
"""


@pytest.fixture
def private_corpus(run: Any, corpus_path: Path, tmp_path: Path) -> Path:
    notes = tmp_path / "brukardialog-2024-06-03.txt"
    notes.write_text(PRIVATE_NOTES, encoding="utf-8")
    result = run("ingest", notes, "--corpus", corpus_path, "--session", "privat")
    assert result.exit_code == 0, result.output
    return corpus_path


@pytest.mark.parametrize("template", ["handout", "full"])
def test_handouts_mask_personal_data_unless_asked(
    run: Any, private_corpus: Path, template: str
) -> None:
    args = ("privat", "--template", template, "--lang", "sv")
    masked = summarize(run, private_corpus, *args)
    kept = summarize(run, private_corpus, *args, "--no-redact")
    for secret in ("anna.exempel@kommun.se", "811218-9876"):
        assert secret not in masked
    assert "[e-post]" in masked or "[personnummer]" in masked
    if template == "full":
        assert "anna.exempel@kommun.se" in kept and "811218-9876" in kept
        assert "070-123 45 67" in kept and "[telefon]" in masked


def test_show_masks_personal_data_and_the_store_keeps_it(run: Any, private_corpus: Path) -> None:
    masked = run("show", "privat", "--corpus", private_corpus, "--format", "json").output
    kept = run(
        "show", "privat", "--corpus", private_corpus, "--format", "json", "--no-redact"
    ).output
    assert "811218-9876" not in masked and "[personnummer]" in masked
    assert "[e-post]" in masked and "[telefon]" in masked
    assert "811218-9876" in kept and "anna.exempel@kommun.se" in kept
    with Corpus(private_corpus) as db:
        assert any("811218-9876" in s.text for s in db.statements("privat"))


def test_notes_not_organised_by_the_shifts_get_no_empty_shift_sections(
    run: Any, corpus_path: Path
) -> None:
    ingest_examples(run, corpus_path)
    for template in ("handout", "full"):
        text = summarize(run, corpus_path, USERS, "--template", template)
        sections = re.findall(r"(?m)^## (.+)$", text)
        # The user dialogue has one heading that names a shift ("Samordning") and its own
        # themes; the three shifts it never mentions are left out, not listed as empty.
        assert "Samordning" in sections and "Bemötande och relationer" in sections
        assert not {"Person och relation", "Aktiv medskapare"} & set(sections)
        assert "Inga anteckningar" not in text

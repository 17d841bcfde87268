"""Handouts: whole statements, merging only what says the same, the notes' structure, key
messages, counts that agree, length, language, Word and HTML, privacy."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT, SEED_000, need
from synth.analysis import evaluation
from synth.analysis.condense import condense
from synth.analysis.handout import Handout, build, words
from synth.models import Statement
from synth.store import Corpus
from synth.taxonomy import Taxonomy

GROUP = "lgl-2024-03-14-gruppdialog"
USERS = "brukardialog-2024-05-20"
FOLLOW_UP = "lgl-2024-10-10-uppfoljning"
SEED = "lgl-2022-01-28"
PAIRS = ROOT / "tests" / "data" / "merge-pairs.jsonl"


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


def model(corpus: Path, taxonomy: Taxonomy, *sessions: str, lang: str = "sv") -> Handout:
    with Corpus(corpus) as db:
        infos = db.sessions_by_ids(list(sessions))
        statements = [db.statements(s) for s in sessions]
    return build(infos, statements, taxonomy, lang)


def bullet(text: str, prompt: str = "Vad behövs?", section: str | None = None) -> Statement:
    return Statement(
        text, "notes.txt", 1, 1, 0, len(text), "bullet", section=section, prompt=prompt
    )


def point_lines(handout: str) -> list[str]:
    return [ln for ln in handout.splitlines() if ln.startswith("- ")]


# 1. Whole statements


@pytest.mark.parametrize("template", ["handout", "full"])
def test_every_point_is_a_statement_as_written_and_prompts_are_whole(
    run: Any, corpus_path: Path, template: str
) -> None:
    ingest_seed(run, corpus_path)
    text = summarize(run, corpus_path, SEED, "--template", template)
    with Corpus(corpus_path) as db:
        statements = db.statements(SEED)
    written = {s.text for s in statements}
    for line in point_lines(text.split("## Återkommande begrepp")[0]):
        shown = re.sub(r"^- (\*\*)?", "", line)
        shown = re.sub(r"(\*\*)?( \(×\d+\))?( · [^(]+)?( _[^_]+_)? \(r\. [\d, ]+\)$", "", shown)
        if shown.startswith("_+"):
            continue  # "+3 till: r. …", the statements the condensed handout leaves out
        assert shown in written, line
    assert "…" not in text
    prompts = re.findall(r"(?m)^### (.+)$", text)
    asked = {s.prompt for s in statements if s.prompt and s.section_shift}
    assert asked and asked <= set(prompts)


# 2. Merging only what says the same thing


def test_merging_on_the_labelled_pairs_reaches_the_precision_and_recall_asked() -> None:
    pairs = evaluation.load_pairs(PAIRS)
    assert len(pairs) >= 300
    kinds = {p.kind for p in pairs if not p.same}
    assert {"shared-words", "opposite"} <= kinds
    result = evaluation.cross_validate_merging(pairs)
    # Thresholds are chosen on four folds and scored on the fifth, five times.
    assert result.pooled.precision >= 0.90
    assert result.pooled.recall >= 0.60


def test_statements_of_opposite_polarity_are_never_merged() -> None:
    clusters = condense(
        [
            bullet("SIP fungerar bra i vår kommun"),
            bullet("SIP fungerar inte i vår kommun"),
            bullet("Samverkan med vårdcentralen fungerar smidigt"),
            bullet("Samverkan med vårdcentralen fungerar sämre"),
        ]
    )
    assert all(c.count == 1 for c in clusters)


def test_near_duplicates_merge_and_one_shared_word_does_not() -> None:
    statements = [
        bullet("Fler hembesök hos äldre som bor ensamma"),
        bullet("Bättre skyltning i väntrummet på vårdcentralen"),
        bullet("Fler hembesök hos äldre som bor ensamma behövs"),
        bullet("Viktigt att genomföra tidiga insatser"),
        bullet("Vilka insatser kan vi göra för vården?"),
    ]
    clusters = condense(statements)
    assert sorted(c.members for c in clusters) == [[0, 2], [1], [3], [4]]


def test_the_same_words_under_different_prompts_or_sessions_stay_apart() -> None:
    same = "Fler och bättre SIP med kvalitet"
    statements = [
        bullet(same, "Vad vinner vi?"),
        bullet(same, "Vad behövs?"),
        bullet(same, "Vad behövs?", section="Brukarperspektiv"),
    ]
    assert [c.count for c in condense(statements)] == [1, 1, 1]
    twice = [bullet(same), bullet(same)]
    assert [c.count for c in condense(twice, sessions=[0, 1])] == [1, 1]
    assert [c.count for c in condense(twice)] == [2]


def test_merging_uses_the_lemmas_stored_with_the_statements(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    with Corpus(corpus_path) as db:
        statements = db.statements(GROUP)
    assert all(s.lemmas for s in statements)
    stored = condense(statements)
    again = condense([Statement(**{**vars(s), "lemmas": "", "forms": ""}) for s in statements])
    assert [c.members for c in stored] == [c.members for c in again]


def test_a_merged_point_keeps_its_other_wordings_for_the_full_handout(
    run: Any, corpus_path: Path, taxonomy: Taxonomy
) -> None:
    ingest_seed(run, corpus_path)
    handout = model(corpus_path, taxonomy, SEED)
    merged = [p for p in handout.points if p.count > 1]
    assert merged
    full = summarize(run, corpus_path, SEED, "--template", "full")
    for p in merged:
        assert f"{p.text} (×{p.count})" in full
        for wording in p.wordings:
            assert f"    - {wording}" in full


# 3. The notes' structure


def test_untagged_statements_stay_under_their_shift_and_prompt(
    run: Any, corpus_path: Path, taxonomy: Taxonomy
) -> None:
    ingest_seed(run, corpus_path)
    handout = model(corpus_path, taxonomy, SEED)
    with Corpus(corpus_path) as db:
        untagged = [s for s in db.statements(SEED) if s.tags.is_empty()]
    assert untagged
    placed = {
        (r.line_start, s.shift, pr.text)
        for s in handout.sections
        for pr in s.prompts
        for p in pr.points
        for r in p.refs
    }
    for st in untagged:
        if st.section_shift:
            assert (st.line_start, st.section_shift, st.prompt) in placed, st.text
    text = summarize(run, corpus_path, SEED, "--template", "full")
    assert "## Övrigt" not in text
    person = text.split("## Person och relation")[1].split("\n## ")[0]
    first = next(st for st in untagged if st.section_shift == "person-relation")
    assert f"### {first.prompt}" in person
    assert first.text in person


def test_named_sections_stay_whole_and_the_preamble_opens_the_handout(
    run: Any, corpus_path: Path
) -> None:
    ingest_seed(run, corpus_path)
    text = summarize(run, corpus_path, SEED, "--template", "full")
    sections = re.findall(r"(?m)^## (.+)$", text)
    assert sections.count("Brukarperspektiv") == 1
    with Corpus(corpus_path) as db:
        statements = db.statements(SEED)
    # What stands before the first shift heading opens the handout; its heading is no theme.
    preamble = list(itertools.takewhile(lambda st: st.section_shift is None, statements))
    head = text.split("## ")[0]
    assert preamble and all(st.text in head for st in preamble)
    assert not {st.section for st in preamble} & set(sections)
    brukar = text.split("## Brukarperspektiv")[1].split("\n## ")[0]
    under = [st for st in statements if st.section == "Brukarperspektiv"]
    assert len(under) > 2 and all(st.text in brukar for st in under)


def test_shift_sections_follow_the_notes_and_empty_shifts_say_so(
    run: Any, corpus_path: Path
) -> None:
    ingest_examples(run, corpus_path)
    text = summarize(run, corpus_path, GROUP)
    sections = re.findall(r"(?m)^## (.+)$", text)
    assert sections[:2] == ["Nyckelbudskap", "Översikt"]
    assert sections[2:6] == [
        "Person och relation",
        "Samordning",
        "Proaktiv och hälsofrämjande",
        "Aktiv medskapare",
    ]
    assert sections[-2:] == ["Återkommande begrepp", "Framgångsfaktorer"]
    for template in ("handout", "full"):
        users = summarize(run, corpus_path, USERS, "--template", template)
        found = re.findall(r"(?m)^## (.+)$", users)
        assert "Bemötande och relationer" in found
        assert not {"Person och relation", "Aktiv medskapare"} & set(found)


# 4. Key messages and counts


def test_key_messages_are_five_to_eight_whole_statements_covering_several_shifts(
    run: Any, corpus_path: Path, taxonomy: Taxonomy
) -> None:
    ingest_seed(run, corpus_path)
    handout = model(corpus_path, taxonomy, SEED)
    assert 5 <= len(handout.key_messages) <= 8
    assert len({p.section for p in handout.key_messages}) >= 4
    most = max(p.count for p in handout.points)
    assert max(p.count for p in handout.key_messages) == most
    text = summarize(run, corpus_path, SEED)
    keys = text.split("## Nyckelbudskap")[1].split("\n## ")[0]
    assert len(point_lines(keys)) == len(handout.key_messages)


def test_counts_say_what_they_count_and_agree_with_trends(
    run: Any, corpus_path: Path, taxonomy: Taxonomy
) -> None:
    ingest_seed(run, corpus_path)
    text = summarize(run, corpus_path, SEED)
    assert "Antal = påståenden som taggats med etiketten" in text
    for dimension in ("shifts", "concepts", "factors"):
        result = run("trends", SEED, "--corpus", corpus_path, "-d", dimension, "--format", "json")
        for row in json.loads(result.output)["labels"]:
            if row["counts"][0] == 0 and dimension != "shifts":
                continue
            if dimension == "shifts":
                assert f"| {row['name']} | {row['counts'][0]} |" in text
            else:
                assert f"- **{row['name']}** {row['counts'][0]}" in text


def test_success_factors_have_a_section_with_their_counts(
    run: Any, corpus_path: Path, taxonomy: Taxonomy
) -> None:
    ingest_seed(run, corpus_path)
    handout = model(corpus_path, taxonomy, SEED)
    assert handout.factor_rows
    text = summarize(run, corpus_path, SEED)
    factors = text.split("## Framgångsfaktorer")[1]
    for row in handout.factor_rows:
        assert f"**{row.name}** {row.count}" in factors


# 5. Short, with compact references


def test_seed_handout_has_at_most_60_percent_of_the_words_of_its_statements(
    run: Any, corpus_path: Path
) -> None:
    ingest_seed(run, corpus_path)
    text = summarize(run, corpus_path, SEED)
    with Corpus(corpus_path) as db:
        statements = db.statements(SEED)
    assert words(text) <= 0.6 * sum(words(s.text) for s in statements)
    assert re.search(r"\(r\. \d+(, \d+)+\)", text)
    assert "Källförteckning" not in text and "| #" not in text


def test_full_template_keeps_every_statement_and_the_appendix(run: Any, corpus_path: Path) -> None:
    ingest_seed(run, corpus_path)
    text = summarize(run, corpus_path, SEED, "--template", "full")
    appendix = text.split("## Källförteckning")[1]
    with Corpus(corpus_path) as db:
        statements = db.statements(SEED)
    for st in statements:
        assert f"| #{st.position} | 000_af36ff376191ba0a.txt | {st.line_start}" in appendix
        assert st.text.replace("|", "\\|") in appendix


def test_condensed_handout_points_to_every_statement_it_leaves_out(
    run: Any, corpus_path: Path, taxonomy: Taxonomy
) -> None:
    ingest_seed(run, corpus_path)
    text = summarize(run, corpus_path, SEED)
    with Corpus(corpus_path) as db:
        statements = db.statements(SEED)
    body = text.split("## Återkommande begrepp")[0]
    lines = {int(n) for ref in re.findall(r"r\. ([\d, ]+)", body) for n in ref.split(", ")}
    assert {s.line_start for s in statements} <= lines


# 6. Language


def test_english_handout_has_english_headings_kinds_and_the_participants_words(
    run: Any, corpus_path: Path
) -> None:
    ingest_examples(run, corpus_path)
    text = summarize(run, corpus_path, GROUP, "--lang", "en")
    for heading in ("## Key messages", "## Overview", "## Coordination", "## Success factors"):
        assert heading in text
    assert "Kind: group dialogue" in text and "Count = statements tagged" in text
    assert "Nyckelbudskap" not in text and "Datum:" not in text
    full = summarize(run, corpus_path, GROUP, "--lang", "en", "--template", "full")
    assert "Fråga alltid" in full  # a participant's words stay in Swedish
    swedish = summarize(run, corpus_path, GROUP)
    assert "Typ: gruppdialog" in swedish and "group-dialogue" not in swedish
    assert "Typ: brukardialog" in summarize(run, corpus_path, USERS)


# 7. Word and the browser


def test_word_handout_has_headings_bullets_a_table_and_the_chart(
    run: Any, corpus_path: Path, tmp_path: Path
) -> None:
    from docx import Document

    ingest_examples(run, corpus_path)
    out = tmp_path / "handout.docx"
    result = run("summarize", GROUP, "--corpus", corpus_path, "-o", out)
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Heading 1", "Länsgemensam ledning 14 mars 2024, kl. 13-16") in styles
    assert ("Heading 2", "Nyckelbudskap") in styles and ("Heading 2", "Samordning") in styles
    assert any(s == "Heading 3" and t.endswith("?") for s, t in styles)
    assert sum(s == "List Bullet" for s, _ in styles) >= 10
    assert doc.tables and doc.tables[0].rows[0].cells[0].text == "Förflyttning"
    assert len(doc.inline_shapes) == 1


def test_html_handout_is_self_contained_printable_and_escapes_markup(
    run: Any, corpus_path: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "brukardialog-2024-06-03.txt"
    notes.write_text(
        "Brukardialog 3 juni 2024\n\nSamordning\n"
        "- Samordningen <script>alert(1)</script> brister helt.\n"
        "- Jag vill ha en fast vårdkontakt.\n",
        encoding="utf-8",
    )
    assert run("ingest", notes, "--corpus", corpus_path, "--session", "x").exit_code == 0
    out = tmp_path / "handout.html"
    result = run("summarize", "x", "--corpus", corpus_path, "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "@page { size: A4" in page
    assert "<h1>Brukardialog 3 juni 2024</h1>" in page and "<li>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'src="data:image/png;base64,' in page and "http" not in page


def test_markdown_chart_is_written_and_linked(run: Any, corpus_path: Path, tmp_path: Path) -> None:
    ingest_examples(run, corpus_path)
    out = tmp_path / "out" / "handout.md"
    chart = tmp_path / "out" / "img" / "chart.png"
    result = run("summarize", GROUP, "--corpus", corpus_path, "-o", out, "--chart", chart)
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert "](img/chart.png)" in out.read_text(encoding="utf-8")


def test_chart_titles_follow_the_language(
    run: Any, corpus_path: Path, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib.axes

    from synth.output.charts import chart_png

    ingest_examples(run, corpus_path)
    titles: list[str] = []
    original = matplotlib.axes.Axes.set_title

    def record(self: Any, label: str, *args: Any, **kwargs: Any) -> Any:
        titles.append(label)
        return original(self, label, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "set_title", record)
    chart_png(model(corpus_path, taxonomy, GROUP, lang="en"))
    chart_png(model(corpus_path, taxonomy, GROUP, lang="sv"))
    assert titles == [
        "Statements per shift",
        "Statements per concept",
        "Påståenden per förflyttning",
        "Påståenden per begrepp",
    ]


# 8. Templates and several sessions


def test_brief_fits_one_screen_and_full_is_longest(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    handout = summarize(run, corpus_path, GROUP)
    brief = summarize(run, corpus_path, GROUP, "--template", "brief")
    full = summarize(run, corpus_path, GROUP, "--template", "full")
    assert len(brief.splitlines()) <= 50 and "## Nyckelbudskap" in brief
    assert words(brief) < words(handout) < words(full)


def test_own_template_by_path_sees_the_handout_model(
    run: Any, corpus_path: Path, tmp_path: Path
) -> None:
    ingest_examples(run, corpus_path)
    own = tmp_path / "mine.md.j2"
    own.write_text(
        "{{ title }}: {% for r in shift_rows %}{{ r.name }}={{ r.count }} {% endfor %}"
        "{{ key_messages | length }}\n",
        encoding="utf-8",
    )
    text = summarize(run, corpus_path, GROUP, "--template", str(own))
    assert text.startswith("Länsgemensam ledning 14 mars 2024")
    assert re.search(r"Samordning=\d+ .* \d+$", text.strip())


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


def test_unknown_template_name_and_bad_options_are_usage_errors(
    run: Any, corpus_path: Path, tmp_path: Path
) -> None:
    ingest_examples(run, corpus_path)
    for args, message in (
        (("--template", "poster"), "template 'poster' not found"),
        (("--threshold", "2"), "--threshold"),
        (("--chart", str(tmp_path / "c.jpg")), ".png"),
        (("--template", "brief", "-o", str(tmp_path / "h.docx")), "--template handout or full"),
    ):
        result = run("summarize", GROUP, "--corpus", corpus_path, *args)
        assert result.exit_code == 2, args
        assert message in result.output and "Traceback" not in result.output


def test_several_sessions_keep_their_points_apart_with_per_session_counts(
    run: Any, corpus_path: Path, taxonomy: Taxonomy
) -> None:
    ingest_examples(run, corpus_path)
    text = summarize(run, corpus_path, GROUP, USERS, FOLLOW_UP)
    assert text.startswith("# Sammanställning av flera sessioner")
    assert "aldrig mellan sessioner" in text
    handout = model(corpus_path, taxonomy, GROUP, USERS, FOLLOW_UP)
    for p in handout.points:
        assert len({r.letter for r in p.refs}) == 1
    with Corpus(corpus_path) as db:
        counts = [
            sum("samordning" in s.tags.concepts for s in db.statements(x))
            for x in (GROUP, USERS, FOLLOW_UP)
        ]
    assert f"**Samordning** {sum(counts)} (A {counts[0]} · B {counts[1]} · C {counts[2]})" in text
    refs = [r for p in handout.points for r in p.refs]
    assert len(refs) == sum(counts_ for counts_ in (s.statement_count for s in handout.sessions))


# 9. Privacy


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


def test_word_handout_masks_personal_data(run: Any, private_corpus: Path, tmp_path: Path) -> None:
    from docx import Document

    out = tmp_path / "h.docx"
    result = run("summarize", "privat", "--corpus", private_corpus, "-o", out, "--template", "full")
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "811218-9876" not in text and "anna.exempel@kommun.se" not in text
    assert "[personnummer]" in text


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


def test_handout_model_is_typed_and_shared(run: Any, corpus_path: Path, taxonomy: Taxonomy) -> None:
    ingest_examples(run, corpus_path)
    handout = model(corpus_path, taxonomy, GROUP)
    assert isinstance(handout, Handout)
    assert handout.statement_count == sum(p.count for p in handout.points)


def test_inline_labels_become_sub_groups_under_their_question(
    run: Any, corpus_path: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "protokoll-2031-03-02.txt"
    notes.write_text(
        "Protokoll arbetsmöte 2031-03-02\n\nWorkshop om omställningen\n\n"
        "1. Vad behöver ledningen göra framåt?\n\n"
        "Ledning: Ett tydligt ledarskap behövs. Uthållighet i förändringen.\n\n"
        "Organisation: Forum för samverkan mellan huvudmännen. Bättre läkartillgång.\n",
        encoding="utf-8",
    )
    assert run("ingest", notes, "--corpus", corpus_path, "--session", "p").exit_code == 0
    text = summarize(run, corpus_path, "p", "--template", "full")
    question = text.split("### Vad behöver ledningen göra framåt?")[1].split("## ")[0]
    ledning, organisation = question.split("**Ledning**")[1].split("**Organisation**")
    assert "Ett tydligt ledarskap behövs." in ledning and "Uthållighet" in ledning
    assert "Forum för samverkan" in organisation and "ledarskap" not in organisation

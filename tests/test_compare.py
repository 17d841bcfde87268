"""diff and trends on a generated corpus of many sessions, checked against counts made here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import many_sessions
from conftest import EXAMPLES, ROOT, SEED_000, SEEDS, need
from many_sessions import GeneratedCorpus, GeneratedStatement
from synth.analysis import compare
from synth.models import Session, Statement, TagSet
from synth.store import Corpus
from synth.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GeneratedCorpus:
    path = tmp_path_factory.mktemp("many") / "corpus.db"
    return many_sessions.build(path, n_sessions=120)


def labels_of(st: GeneratedStatement, dimension: str) -> list[str]:
    labels: list[str] = getattr(st, dimension)
    return labels


def test_diff_counts_and_shares_match_an_independent_count(
    generated: GeneratedCorpus, taxonomy: Taxonomy
) -> None:
    a_ids, b_ids = generated.sessions[:40], generated.sessions[80:]
    with Corpus(generated.path) as db:
        result = compare.diff(db, taxonomy, a_ids, b_ids)
    side_a = [s for s in generated.statements if s.session in a_ids]
    side_b = [s for s in generated.statements if s.session in b_ids]
    assert (result.a.statements, result.b.statements) == (len(side_a), len(side_b))
    checked = 0
    for change in result.labels:
        k_a = sum(change.label in labels_of(s, change.dimension) for s in side_a)
        k_b = sum(change.label in labels_of(s, change.dimension) for s in side_b)
        assert (change.a, change.b) == (k_a, k_b), change.label
        assert change.share_a == pytest.approx(k_a / len(side_a))
        assert change.change_pp == pytest.approx(100 * (k_b / len(side_b) - k_a / len(side_a)))
        checked += k_a + k_b > 0
    assert checked >= 10


def test_diff_finds_the_planted_rise_and_the_planted_word(
    generated: GeneratedCorpus, taxonomy: Taxonomy
) -> None:
    with Corpus(generated.path) as db:
        result = compare.diff(db, taxonomy, generated.sessions[:60], generated.sessions[60:])
    trygghet = next(c for c in result.labels if (c.dimension, c.label) == ("concepts", "trygghet"))
    assert trygghet.verdict == "up" and trygghet.stars == "***"
    assert trygghet.example_a is not None and trygghet.example_b is not None
    assert trygghet.example_b.session in generated.sessions[60:]
    example = next(
        s
        for s in generated.statements
        if (s.session, s.position) == (trygghet.example_b.session, trygghet.example_b.position)
    )
    assert "trygghet" in example.concepts
    terms = [t.term for t in result.emerging]
    assert "kvartersträff" in terms
    assert "digital" not in terms  # the taxonomy already has digital*
    assert [c.label for c in result.new] == ["digitalisering"]
    assert [c.label for c in result.gone] == ["ledarskap"]


def test_trends_gives_shares_per_session_in_date_order(
    generated: GeneratedCorpus, taxonomy: Taxonomy
) -> None:
    with Corpus(generated.path) as db:
        result = compare.trends(db, taxonomy, None, "concepts")
    assert [s.id for s in result.sessions] == generated.sessions
    row = next(r for r in result.rows if r.label == "trygghet")
    for i, sid in enumerate(generated.sessions):
        mine = [s for s in generated.statements if s.session == sid]
        expected = sum("trygghet" in s.concepts for s in mine) / len(mine)
        assert row.shares[i] == pytest.approx(expected)


def test_trends_of_chosen_sessions_come_in_date_order(
    generated: GeneratedCorpus, taxonomy: Taxonomy
) -> None:
    chosen = [generated.sessions[9], generated.sessions[2], generated.sessions[5]]
    with Corpus(generated.path) as db:
        result = compare.trends(db, taxonomy, chosen, "shifts")
    assert [s.id for s in result.sessions] == sorted(chosen)
    assert [r.label for r in result.rows] == [
        "person-relation",
        "samordning",
        "proaktiv",
        "medskapare",
    ]


# --- small hand-made corpora ----------------------------------------------------------


def write(
    db: Corpus, sid: str, day: str, concepts_per_statement: list[list[str]], text: str = "Text."
) -> None:
    statements = [
        (
            0,
            Statement(
                text=f"{text} {i}",
                source=f"{sid}.txt",
                line_start=i,
                line_end=i,
                char_start=0,
                char_end=1,
                kind="bullet",
                tags=TagSet(concepts=concepts),
            ),
        )
        for i, concepts in enumerate(concepts_per_statement, start=1)
    ]
    db.write_session(Session(sid, sid, day, "other", []), sid, [(sid, sid, sid, "x")], statements)


def test_hand_computed_significance_of_ten_against_thirty_in_a_hundred(
    corpus_path: Path, taxonomy: Taxonomy
) -> None:
    with Corpus(corpus_path) as db:
        write(db, "before", "2022-01-28", [["kontinuitet"]] * 10 + [[]] * 90)
        write(db, "after", "2022-10-14", [["kontinuitet"]] * 30 + [[]] * 70)
        result = compare.diff(db, taxonomy, ["before"], ["after"])
    change = next(c for c in result.labels if c.label == "kontinuitet")
    assert change.test == "g2"
    assert change.statistic == pytest.approx(12.9715, abs=1e-3)
    assert change.p == pytest.approx(3.16e-4, rel=0.01)
    assert change.change_pp == pytest.approx(20.0)
    assert (change.verdict, change.stars) == ("up", "***")


def test_one_change_at_p_under_five_percent_among_several_labels_is_not_significant(
    corpus_path: Path, taxonomy: Taxonomy
) -> None:
    # kontinuitet 10 → 21 of 100 (p 0.030); trygghet and samordning do not move (p ≥ 0.86):
    # three labels tested, so the adjusted q of kontinuitet is 3 × 0.030.
    before = [["kontinuitet", "trygghet", "samordning"]] * 10 + [["trygghet", "samordning"]] * 10
    after = [["kontinuitet", "trygghet", "samordning"]] * 21
    with Corpus(corpus_path) as db:
        write(db, "before", "2022-01-28", before + [["samordning"]] + [[]] * 79)
        write(db, "after", "2022-10-14", after + [[]] * 79)
        result = compare.diff(db, taxonomy, ["before"], ["after"])
    by_label = {c.label: c for c in result.labels}
    change = by_label["kontinuitet"]
    assert change.p == pytest.approx(0.0301, abs=1e-3)
    assert change.q == pytest.approx(3 * change.p)  # not significant after adjustment
    assert (change.verdict, change.stars, change.notable) == ("no clear change", "", False)
    assert by_label["trygghet"].q == pytest.approx(1.0) and by_label["samordning"].q is not None
    absent = [c for c in result.labels if c.status == "absent"]
    assert absent and all(c.q is None for c in absent)


def test_labels_on_one_side_only_are_new_or_gone_and_small_counts_get_no_star(
    corpus_path: Path, taxonomy: Taxonomy
) -> None:
    with Corpus(corpus_path) as db:
        write(db, "before", "2022-01-28", [["trygghet"], ["trygghet"], [], []])
        write(db, "after", "2022-10-14", [["kontinuitet"], ["kontinuitet"], []])
        result = compare.diff(db, taxonomy, ["before"], ["after"])
    assert [c.label for c in result.new] == ["kontinuitet"]
    assert [c.label for c in result.gone] == ["trygghet"]
    gone = result.gone[0]
    assert gone.verdict == "too few statements" and gone.stars == ""
    assert gone.example_a is not None and gone.example_a.ref == "before#1"
    assert gone.example_b is None


# --- the command line ------------------------------------------------------------------


def ingest_examples(run: Any, corpus: Path) -> None:
    assert run("ingest", EXAMPLES, "--corpus", corpus).exit_code == 0


def json_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON value, lists written as [] (labels[].a.share)."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            paths |= json_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            paths |= json_paths(item, prefix + "[]")
    return paths


def test_diff_json_follows_the_documented_schema(
    run: Any, generated: GeneratedCorpus, tmp_path: Path
) -> None:
    out = tmp_path / "diff.json"
    a = ",".join(generated.sessions[:60])
    result = run(
        "diff", a, "--side-b", generated.sessions[60], "-b", ",".join(generated.sessions[61:]),
        "--corpus", generated.path, "--format", "json", "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    doc = (ROOT / "docs" / "diff-schema.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([^`]+)` \|", doc, flags=re.MULTILINE))
    produced = json_paths(data)
    assert produced - documented == set(), "fields missing from docs/diff-schema.md"
    assert documented - produced == set(), "documented fields the output lacks"
    assert data["schema"] == "synth-diff/1"
    assert len(data["a"]["sessions"]) == 60 and len(data["b"]["sessions"]) == 60
    assert data["b"]["statements"] == 60 * 30
    for label in data["labels"]:
        assert label["verdict"] in ("up", "down", "no clear change", "too few statements", "absent")
        assert label["test"] in ("g2", "fisher", None)


def test_diff_prints_tables_and_renders_markdown(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    sides = ("lgl-2024-03-14-gruppdialog", "lgl-2024-10-10-uppfoljning")
    table = run("diff", *sides, "--corpus", corpus_path)
    assert table.exit_code == 0, table.output
    assert "Samordning" in table.output and "pp" in table.output
    md = run("diff", *sides, "--corpus", corpus_path, "--format", "md").output
    assert md.startswith("# Vad har förändrats?")
    assert "## Fokusförflyttningar" in md and "| Samordning |" in md
    assert "## Nya ord och fraser" in md


def test_diff_of_unknown_or_overlapping_sessions_is_one_line_and_exit_2(
    run: Any, corpus_path: Path
) -> None:
    ingest_examples(run, corpus_path)
    unknown = run("diff", "lgl-2024-03-14-gruppdialog", "nosuch", "--corpus", corpus_path)
    assert unknown.exit_code == 2
    assert "unknown session 'nosuch'" in unknown.output
    both = run(
        "diff",
        "lgl-2024-03-14-gruppdialog",
        "lgl-2024-03-14-gruppdialog,brukardialog-2024-05-20",
        "--corpus",
        corpus_path,
    )
    assert both.exit_code == 2 and "on both sides" in both.output
    one = run("diff", "lgl-2024-03-14-gruppdialog", "--corpus", corpus_path)
    assert one.exit_code == 2 and "give sessions on both sides" in one.output
    assert "Traceback" not in unknown.output + both.output + one.output


def test_trends_json_markdown_and_heatmap(run: Any, corpus_path: Path, tmp_path: Path) -> None:
    ingest_examples(run, corpus_path)
    data = json.loads(run("trends", "--corpus", corpus_path, "--format", "json").output)
    assert [s["date"] for s in data["sessions"]] == ["2024-03-14", "2024-05-20", "2024-10-10"]
    assert len(data["labels"]) == 4 and all(len(r["shares"]) == 3 for r in data["labels"])
    md = run("trends", "--corpus", corpus_path, "--format", "md", "-d", "concepts").output
    assert "| Etikett | lgl-2024-03-14-gruppdialog (2024-03-14) |" in md
    chart = tmp_path / "trends.png"
    result = run("trends", "--corpus", corpus_path, "--chart", chart)
    assert result.exit_code == 0
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_trends_rejects_an_unknown_dimension(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    result = run("trends", "--corpus", corpus_path, "-d", "themes")
    assert result.exit_code == 2 and "unknown dimension 'themes'" in result.output


def test_trends_of_many_sessions_prints_one_line_per_session_in_date_order(
    run: Any, generated: GeneratedCorpus
) -> None:
    result = run("trends", "--corpus", generated.path, "-d", "concepts")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split()[:3] == ["session", "date", "n"]
    rows = lines[2:]
    assert [r.split()[0] for r in rows] == generated.sessions
    first = generated.sessions[0]
    mine = [s for s in generated.statements if s.session == first]
    share = round(100 * sum("trygghet" in s.concepts for s in mine) / len(mine))
    # concepts in taxonomy order: trygghet is the eighth label
    assert int(rows[0].split()[3 + 7]) == share


def test_diff_of_the_january_and_october_lgl_notes_agrees_with_the_stored_statements(
    run: Any, corpus_path: Path
) -> None:
    january = need(SEED_000)
    october = need(SEEDS / "002_322a6b81bce670b2.txt")
    for path, sid in ((january, "lgl-2022-01-28"), (october, "lgl-2022-10-14")):
        result = run("ingest", path, "--corpus", corpus_path, "--session", sid)
        assert result.exit_code == 0, result.output
    out = run(
        "diff", "lgl-2022-01-28", "lgl-2022-10-14", "--corpus", corpus_path, "--format", "json"
    )
    data = json.loads(out.output)
    with Corpus(corpus_path) as db:
        sides = {"a": db.statements("lgl-2022-01-28"), "b": db.statements("lgl-2022-10-14")}
    by_ref = {
        f"{sid}#{s.position}": s
        for sid, side in (("lgl-2022-01-28", "a"), ("lgl-2022-10-14", "b"))
        for s in sides[side]
    }
    for row in data["labels"]:
        for side, statements in sides.items():
            expected = sum(row["label"] in s.tags.labels(row["dimension"]) for s in statements)
            assert row[side]["statements"] == expected, (row["label"], side)
            assert row[side]["share"] == pytest.approx(expected / len(statements))
            example = row["examples"][side]
            if example:
                shown = by_ref[example["ref"]]
                assert row["label"] in shown.tags.labels(row["dimension"])
        assert any(row["examples"].values()) == row["notable"]


def test_diff_opens_with_plain_sentences_and_says_new_and_gone_alike(
    run: Any, corpus_path: Path, taxonomy: Taxonomy
) -> None:
    with Corpus(corpus_path) as db:
        write(db, "before", "2022-01-28", [["kontinuitet"]] * 8 + [["trygghet"]] * 3 + [[]] * 89)
        write(db, "after", "2022-10-14", [["kontinuitet"]] * 31 + [["samordning"]] * 4 + [[]] * 65)
        result = compare.diff(db, taxonomy, ["before"], ["after"])
    sentences = compare.plain_sentences(result)
    assert sentences[0] == (
        "Kontinuitet nämndes oftare: 8 % → 31 % av påståendena, en tydlig skillnad."
    )
    assert "Samordning är ny i B: 4 % av påståendena (ingen i A)." in sentences
    assert "Trygghet är borta i B: 3 % av påståendena i A, ingen i B." in sentences
    english = compare.plain_sentences(result, "en", taxonomy)[0]
    assert english.startswith("Continuity came up more often: 8 % → 31 %")
    md = run("diff", "before", "after", "--corpus", corpus_path, "--format", "md").output
    assert md.split("\n")[2] == sentences[0]
    assert "(ny i B)" in md and "(borta i B)" in md and "Ny i B: Samordning" in md
    table = run("diff", "before", "after", "--corpus", corpus_path).output
    assert table.startswith(sentences[0]) and "(new" in table and "(new)" not in table


def test_emerging_words_leave_out_names_and_protocol_words(
    corpus_path: Path, taxonomy: Taxonomy
) -> None:
    said = "Vi behöver fler mötesplatser för invånarna och Sofia Berg ordnar dagens möte i länet"
    with Corpus(corpus_path) as db:
        write(db, "before", "2022-01-28", [[]] * 20, text="Vi pratar om vården idag")
        write(db, "after", "2022-10-14", [[]] * 20, text=said)
        result = compare.diff(db, taxonomy, ["before"], ["after"], emerging=50)
    terms = {t.term for t in result.emerging}
    assert "mötesplats" in terms or "mötesplatser" in terms
    for word in ("sofia", "berg", "län", "dag", "möte", "länet", "dagens"):
        assert not any(word in t.split() for t in terms), (word, terms)


def test_emerging_words_leave_out_every_kind_of_taxonomy_term(taxonomy: Taxonomy) -> None:
    """A word any term covers (word, abbreviation, prefix, suffix, infix) is not emerging;
    checked against the plain reading of each term, over every term and a few thousand
    words of the examples."""
    terms = [t for label in taxonomy.all_labels() for t in label.terms if t.kind != "phrase"]

    def covered(word: str) -> bool:
        for t in terms:
            value = t.value.casefold()
            if (
                (t.kind in ("word", "abbreviation") and word == value)
                or (t.kind == "prefix" and word.startswith(value))
                or (t.kind == "suffix" and word.endswith(value))
                or (t.kind == "infix" and value in word)
            ):
                return True
        return False

    words = {
        w.lower() for p in sorted(EXAMPLES.glob("*")) for w in re.findall(r"\w+", p.read_text())
    }
    for t in terms:
        value = t.value.casefold()
        words |= {value, f"{value}na", f"ut{value}", f"x{value}x", value[:-1]}
    coverage = compare._Coverage(taxonomy)
    kinds = {t.kind for t in terms}
    assert {"word", "prefix", "suffix"} <= kinds
    wrong = sorted(w for w in words if coverage.word(w) != covered(w))
    assert not wrong
    assert sum(coverage.word(w) for w in words) > len(terms)


def test_diff_tables_print_a_notes_colons_and_brackets_as_written(
    run: Any, corpus_path: Path
) -> None:
    # ":ok:" would be an emoji and "[bold]" a style if the tables read notes as markup.
    text = "Svar :ok: från [bold] SIP-gruppen"
    with Corpus(corpus_path) as db:
        write(db, "before", "2022-01-28", [["kontinuitet"]] * 5 + [[]] * 95, text=text)
        write(db, "after", "2022-10-14", [["kontinuitet"]] * 40 + [[]] * 60, text=text)
    table = run("diff", "before", "after", "--corpus", corpus_path).output
    assert "examples of notable changes" in table
    flat = " ".join(table.replace("│", " ").split())
    assert "Svar :ok: från [bold] SIP-gruppen" in flat

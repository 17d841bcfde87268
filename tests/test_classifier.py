"""The trained classifier beside the taxonomy: hybrid tags, their origin, learning, training."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from synth import resources
from synth.models import CodedStatement
from synth.pipeline.classifier import FUNCTION_WORDS, Classifier, label_name, read_thresholds
from synth.pipeline.tagging import Tagger
from synth.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def shipped() -> Classifier:
    return Classifier(resources.packaged("training/model"))


def test_scores_are_those_of_spacys_own_textcat(shipped: Classifier) -> None:
    import spacy
    from spacy.tokens import Doc

    statements = [
        ["ingen", "lyssna", "på", "vad", "jag", "säga"],
        ["jag", "vilja", "inte", "behöva", "berätta", "allt", "igen"],
        ["parkering", "kosta", "tjugo", "krona"],
        ["fler", "och", "bra", "SIP", "⟨term:shifts/samordning⟩", "⟨term:concepts/samordning⟩"],
    ]
    nlp = spacy.load(shipped.path)
    names = nlp.get_pipe("textcat_multilabel").labels  # type: ignore[attr-defined]
    docs = nlp.pipe([Doc(nlp.vocab, words=words) for words in statements])
    expected = [[doc.cats[n] for n in names] for doc in docs]
    got = shipped.score_lemmas(statements)
    assert abs(got - expected).max() < 1e-5


def _scored_rows(tagger: Tagger, items: list[tuple[str, list[tuple[int, int]]]]) -> list[Any]:
    """The weight rows the tagger scores for each span of each text."""
    assert tagger.classifier is not None
    classifier = tagger.classifier
    seen: list[Any] = []
    score = classifier.segment_scores

    def spy(rows: Any, starts: Any) -> Any:
        # each statement's rows start with the zero row
        ends = [*starts[1:], len(rows)]
        seen.extend(rows[start + 1 : end].tolist() for start, end in zip(starts, ends, strict=True))
        return score(rows, starts)

    classifier.segment_scores = spy  # type: ignore[method-assign]
    try:
        tagger.tag_many([(tagger.split(text), spans) for text, spans in items])
    finally:
        del classifier.segment_scores
    return seen


@pytest.mark.parametrize("terms", [True, False])
def test_the_tagger_scores_the_words_and_term_features_training_builds(
    taxonomy: Taxonomy, terms: bool
) -> None:
    from synth.training import classifier_words

    classifier = Classifier(resources.packaged("training/model"))
    assert classifier.reads_terms
    first, second = "Fler och bättre SIP.", "Samordnaren ringer upp dig."
    paragraph = f"{first} {second}"
    n_first = len(Tagger(taxonomy).split(first).types)
    n_all = len(Tagger(taxonomy).split(paragraph).types)
    texts = [
        "Ingen lyssnar på vad jag säger.",  # no term
        "Kommunen och regionen har respektive ansvar för hemsjukvården.",  # an exclude
        first,
        second,
    ]
    tagger = Tagger(taxonomy, classifier=classifier, terms=terms)
    got = _scored_rows(tagger, [(t, [(0, len(tagger.split(t).types))]) for t in texts])
    # one text of two statements (as ingest tags a paragraph): each span on its own
    got += _scored_rows(tagger, [(paragraph, [(0, n_first), (n_first, n_all)])])
    built = classifier_words([*texts, first, second], taxonomy)
    assert any("⟨term:shifts/samordning⟩" in words for words in built)
    assert got == [classifier.rows(words) for words in built]


def test_a_model_trained_on_words_alone_is_read_without_term_features(
    taxonomy: Taxonomy, tmp_path: Path
) -> None:
    import shutil

    from synth.pipeline.classifier import FEATURES_FILE

    model = tmp_path / "model"
    shutil.copytree(resources.packaged("training/model"), model)
    (model / FEATURES_FILE).unlink()
    classifier = Classifier(model)
    assert not classifier.reads_terms
    text = "Fler och bättre SIP"
    tagger = Tagger(taxonomy, classifier=classifier)
    (rows,) = _scored_rows(tagger, [(text, [(0, 4)])])
    words = [w.lemma for w in tagger.split(text).types]
    assert "samordning" in tagger.tag_text(text).shifts  # a term hit, yet no feature for it
    assert rows == classifier.rows(words)


def test_every_label_of_the_taxonomy_has_a_threshold(
    shipped: Classifier, taxonomy: Taxonomy
) -> None:
    names = {label_name(d, lab) for d, lab in shipped.labels}
    for dim in ("shifts", "concepts", "factors"):
        for label in taxonomy.labels(dim):
            assert label_name(dim, label.id) in names
    thresholds = json.loads((shipped.path / "thresholds.json").read_text(encoding="utf-8"))
    assert set(thresholds) == names
    vetoes = json.loads((shipped.path / "vetoes.json").read_text(encoding="utf-8"))
    assert set(vetoes) == names
    for name, veto in vetoes.items():
        # a veto never exceeds the threshold: the model does not add back what it dropped
        assert 0 <= veto <= (thresholds[name] if thresholds[name] is not None else 1), name


def test_a_veto_drops_the_terms_tag_and_its_evidence(taxonomy: Taxonomy) -> None:
    text = "Fler och bättre SIP"
    classifier = Classifier(resources.packaged("training/model"))
    classifier.set_vetoes({})
    kept = Tagger(taxonomy, classifier=classifier).tag_text(text)
    assert "samordning" in kept.shifts and "samordning" in kept.concepts
    # above any score; the model may not add the label back (a veto never exceeds the
    # threshold)
    classifier.set_vetoes({"shifts/samordning": 1.01})
    classifier.set_thresholds(
        {**read_thresholds(classifier.path), "shifts/samordning": float("inf")}
    )
    vetoed = Tagger(taxonomy, classifier=classifier).tag_text(text)
    assert "samordning" not in vetoed.shifts
    assert not [e for e in vetoed.evidence if (e.dimension, e.label) == ("shifts", "samordning")]
    assert "samordning" in vetoed.concepts  # the other dimension's tag stands
    assert ("shifts", "samordning") not in vetoed.scores


def test_model_tags_carry_their_score_and_the_words_that_weighed_most(
    taxonomy: Taxonomy,
) -> None:
    classifier = Classifier(resources.packaged("training/model"))
    classifier.set_thresholds({label_name(d, lab): 0.0 for d, lab in classifier.labels})
    text = "Ingen lyssnar på vad jag säger när jag ringer."
    tags = Tagger(taxonomy, classifier=classifier).tag_text(text)
    model_tags = [(d, lab) for d, lab in tags.pairs() if tags.origin(d, lab) == "model"]
    assert model_tags
    for dim, label in model_tags:
        assert 0.0 <= tags.scores[(dim, label)] <= 1.0
        words = [e for e in tags.evidence if (e.dimension, e.label) == (dim, label)]
        for e in words:
            assert e.term == ""
            assert text[e.start : e.end] == e.text
            assert e.text.lower() not in FUNCTION_WORDS


def test_a_false_friend_keeps_the_model_from_adding_its_label(taxonomy: Taxonomy) -> None:
    # "respektive" is an exclude of respekt-jamlikhet: even a model that adds every label
    # (thresholds 0) must not add that one.
    classifier = Classifier(resources.packaged("training/model"))
    classifier.set_thresholds({label_name(d, lab): 0.0 for d, lab in classifier.labels})
    tags = Tagger(taxonomy, classifier=classifier).tag_text(
        "Kommunen och regionen har respektive ansvar för hemsjukvården."
    )
    assert "respekt-jamlikhet" not in tags.concepts
    assert tags.scores  # the model did add the others


def test_terms_keep_their_evidence_in_the_hybrid(taxonomy: Taxonomy) -> None:
    classifier = Classifier(resources.packaged("training/model"))
    tags = Tagger(taxonomy, classifier=classifier).tag_text("Fler och bättre SIP")
    assert "samordning" in tags.shifts
    assert tags.origin("shifts", "samordning") == "terms"
    assert any(e.term and e.text == "SIP" for e in tags.evidence)


def test_tag_command_lists_the_models_tags_with_scores(run: Any) -> None:
    text = "Ingen lyssnar på vad jag säger.\nFler och bättre SIP\n"
    with_model = run("tag", "--lines", "-", input=text)
    without = run("tag", "--lines", "-", "--no-model", input=text)
    assert with_model.exit_code == 0 and without.exit_code == 0
    for line in without.output.splitlines():
        assert "model" not in json.loads(line)
    for line in with_model.output.splitlines():
        obj = json.loads(line)
        for name, score in obj.get("model", {}).items():
            dim, _, label = name.partition("/")
            assert label in obj[dim] and 0 < score <= 1


def test_eval_reports_taxonomy_model_and_hybrid_side_by_side(run: Any) -> None:
    probe = Path(__file__).parent / "data" / "probe-gold.jsonl"
    result = run("eval", probe, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert list(data["methods"]) == ["taxonomy", "model", "hybrid"]
    for scores in data["methods"].values():
        assert set(scores) == {"shifts", "concepts"}
        assert {"micro_precision", "micro_recall", "micro_f1", "macro_f1", "kappa"} <= set(
            scores["shifts"]
        )
    table = run("eval", probe)
    for method in ("taxonomy", "model", "hybrid"):
        assert method in table.output


def _small_splits(texts: dict[str, list[str]]) -> dict[str, list[CodedStatement]]:
    """A tiny shipped corpus: statements on listening (person-relation) and on waiting."""
    out: dict[str, list[CodedStatement]] = {}
    for split, lines in texts.items():
        out[split] = [
            CodedStatement(
                f"{split}-{i}",
                line,
                {"shifts": {"person-relation"} if "lyssna" in line else set(), "concepts": set()},
            )
            for i, line in enumerate(lines)
        ]
    return out


SMALL = {
    "train": [
        "ingen lyssnar på mig",
        "de lyssnade inte",
        "personalen lyssnar aldrig",
        "jag väntade länge på bussen",
        "kaffet var kallt",
        "de borde lyssna mer",
    ]
    * 3,
    "dev": ["hon lyssnar inte på mamma", "bussen var sen", "ingen lyssnade på oss"],
    "test": [],
}


def test_training_stops_after_the_best_checkpoint_but_the_shipped_run_takes_every_step(
    taxonomy: Taxonomy, tmp_path: Path
) -> None:
    import spacy

    from synth.training import train_classifier

    config = spacy.util.load_config(resources.packaged("training/textcat.cfg"), interpolate=False)
    assert config["training"]["patience"] > 0
    # one step per epoch of the small corpus, a dev score at every step
    config["training"].update({"patience": 3, "eval_frequency": 1, "max_epochs": 100})
    config.to_disk(tmp_path / "textcat.cfg")
    splits = _small_splits(SMALL)
    done: list[int] = []

    def progress(step: int, total: int) -> None:
        done.append(step)

    def train(name: str, steps: int | None = None) -> int:
        done.clear()
        train_classifier(
            splits["train"],
            splits["dev"],
            tmp_path / name,
            taxonomy,
            config=tmp_path / "textcat.cfg",
            progress=progress,
            steps=steps,
        )
        return max(done[:-1])  # the last call says it is finished

    assert train("early") < 50  # no better dev score for 3 steps: it stops
    assert train("every", steps=60) == 60


def test_learn_then_train_gives_the_corpus_a_model_of_its_own(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from synth import training

    monkeypatch.setattr(training, "shipped_splits", lambda: _small_splits(SMALL))
    db = tmp_path / "notes.db"
    corrections = tmp_path / "rättat.csv"
    corrections.write_text(
        "\ufeffsession;position;text;shifts;concepts;factors\r\n"
        "s1;1;Ingen lyssnar på vad pappa säger;person-relation;;\r\n"
        "s1;2;Bussen gick för tidigt;;;\r\n"
        # A statement of the shipped dev split, corrected: it stays in dev.
        "s1;3;bussen var sen;;;\r\n",
        encoding="utf-8",
    )
    learnt = run("learn", corrections, "--corpus", db)
    assert learnt.exit_code == 0, learnt.output
    assert "3 new" in learnt.output
    again = run("learn", corrections, "--corpus", db)
    assert "0 new and 3 corrected" in again.output

    trained = run("train", "--corpus", db)
    assert trained.exit_code == 0, trained.output
    model = resources.corpus_model_dir(db)
    assert (model / "config.cfg").exists() and (model / "thresholds.json").exists()
    assert resources.model_dir(db) == model

    report = run("eval", tmp_path / "gold.jsonl", "--corpus", db, "--format", "json")
    assert report.exit_code == 2  # no such file: the message names it
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"text": "Ingen lyssnar på mig", "shifts": ["person-relation"]}) + "\n",
        encoding="utf-8",
    )
    report = run("eval", gold, "--corpus", db, "--format", "json")
    methods = json.loads(report.output)["methods"]
    assert {"hybrid (shipped)", "hybrid (corpus)"} <= set(methods)


def test_learn_refuses_an_unknown_label_and_stores_nothing(run: Any, tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    bad = tmp_path / "rättat.jsonl"
    bad.write_text(
        json.dumps({"text": "Fler och bättre SIP", "shifts": ["samordning"]})
        + "\n"
        + json.dumps({"text": "Något annat", "concepts": ["nosuch"]})
        + "\n",
        encoding="utf-8",
    )
    result = run("learn", bad, "--corpus", db)
    assert result.exit_code == 2
    assert str(bad) in result.output and "nosuch" in result.output
    from synth.store import Corpus

    with Corpus(db) as corpus:
        assert corpus.examples() == []


def test_train_without_examples_says_what_to_run(run: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    from synth.store import Corpus

    Corpus(empty).close()
    result = run("train", "--corpus", empty)
    assert result.exit_code == 2
    assert "synth learn" in result.output


def test_model_tags_are_stored_and_shown_with_their_score(
    run: Any, tmp_path: Path, taxonomy: Taxonomy
) -> None:
    from synth.models import Session, Statement
    from synth.store import Corpus

    classifier = Classifier(resources.packaged("training/model"))
    classifier.set_thresholds({label_name(d, lab): 0.0 for d, lab in classifier.labels})
    text = "Ingen lyssnar på vad jag säger."
    tags = Tagger(taxonomy, classifier=classifier).tag_text(text)
    st = Statement(text, "a.txt", 1, 1, 0, len(text), "bullet", position=1, tags=tags)
    db = tmp_path / "c.db"
    with Corpus(db) as corpus:
        corpus.write_session(
            Session("s", "S", None, "other", ["a.txt"]),
            "h",
            [("a.txt", "a.txt", "x", text)],
            [(0, st)],
        )
        (stored,) = corpus.statements("s")
    assert stored.tags.scores == tags.scores
    shown = run("show", "s", "--corpus", db)
    assert "model 0." in shown.output
    as_json = json.loads(run("show", "s", "--corpus", db, "--format", "json").output)
    assert as_json["statements"][0]["model"] == tags.model_scores()


def test_tuning_with_a_guard_makes_no_more_errors_than_the_terms_on_it(
    taxonomy: Taxonomy, tmp_path: Path
) -> None:
    import shutil

    from synth.analysis.evaluation import evaluate_statements
    from synth.coded import read_coded
    from synth.training import shipped_splits, tune_decision

    model = tmp_path / "model"
    shutil.copytree(resources.packaged("training/model"), model)
    guard = read_coded(Path(__file__).parent / "data" / "probe-gold.jsonl")
    classifier = Classifier(model)
    thresholds, vetoes = tune_decision(classifier, taxonomy, shipped_splits()["dev"][:300], guard)
    assert any(v > 0 for v in vetoes.values()) or any(v < 1 for v in thresholds.values())
    terms = evaluate_statements(guard, Tagger(taxonomy)).dimensions
    hybrid = evaluate_statements(guard, Tagger(taxonomy, classifier=classifier)).dimensions
    for before, after in zip(terms, hybrid, strict=True):
        for b, a in zip(before.labels, after.labels, strict=True):
            assert (a.dimension, a.label) == (b.dimension, b.label)
            assert a.fp + a.fn <= b.fp + b.fn, (a.dimension, a.label)


def _micro(statements: list[CodedStatement], tagger: Tagger) -> dict[str, tuple[float, float]]:
    from synth.analysis.evaluation import evaluate_statements

    report = evaluate_statements(statements, tagger)
    return {d.dimension: (d.micro_precision, d.micro_f1) for d in report.dimensions}


def test_the_hybrid_tags_the_dev_families_precisely(
    taxonomy: Taxonomy, shipped: Classifier
) -> None:
    # The split run (trained on the train families only) reached hybrid precision
    # 0.78 (shifts) and 0.81 (concepts) on the dev families (docs/tagging.md). The
    # shipped model also saw them in training, so this is a floor against a broken decision
    # or model, not a measure of held-out quality.
    from synth.training import shipped_splits

    scores = _micro(shipped_splits()["dev"], Tagger(taxonomy, classifier=shipped))
    assert scores["shifts"][0] >= 0.70 and scores["concepts"][0] >= 0.76, scores


def test_the_hybrid_keeps_the_terms_score_on_dev_gold(
    taxonomy: Taxonomy, shipped: Classifier
) -> None:
    # The vocabulary was tuned on dev-gold; thresholds and vetoes keep the hybrid within
    # the terms' errors there, so it may lose at most 0.02 micro-F1 against them.
    from conftest import EVAL, need
    from synth.coded import read_coded

    gold = read_coded(need(EVAL / "dev-gold.jsonl"))
    terms = _micro(gold, Tagger(taxonomy))
    hybrid = _micro(gold, Tagger(taxonomy, classifier=shipped))
    for dim in ("shifts", "concepts"):
        assert hybrid[dim][1] >= terms[dim][1] - 0.02, (dim, terms[dim], hybrid[dim])


def test_a_very_long_statement_scores_without_overflow_warnings(shipped: Classifier) -> None:
    """A pasted paragraph of thousands of words sums to logits far beyond what exp can
    hold: the scores stay 0–1 and nothing is printed."""
    import warnings

    rows = shipped.rows(["inte", "lyssna", "samordning", "hemtjänst", "tid"])
    pushed = [int(r) for r in rows for _ in range(20_000)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        long = shipped.scores([pushed])
    # Every label is pushed all the way to one side, none past it.
    assert ((long >= 0) & (long <= 1)).all()
    assert ((long < 1e-6) | (long > 1 - 1e-6)).all()


def test_each_dimensions_beta_steers_its_own_thresholds(
    taxonomy: Taxonomy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Weighing recall more for shifts and concepts finds more of them on the statements
    tuned on and leaves the factors' thresholds as they were."""
    import shutil

    from synth import training
    from synth.analysis.evaluation import evaluate_statements
    from synth.training import shipped_splits, tune_decision

    assert all(0 < beta <= 1 for beta in training.BETAS.values())
    dev = shipped_splits()["dev"][:300]
    recall: dict[str, dict[str, float]] = {}
    thresholds = {}
    for name, betas in {
        "precision first": dict.fromkeys(training.BETAS, 0.5),
        "recall first for shifts and concepts": {"shifts": 2.0, "concepts": 2.0, "factors": 0.5},
    }.items():
        model = tmp_path / name
        shutil.copytree(resources.packaged("training/model"), model)
        classifier = Classifier(model)
        monkeypatch.setattr(training, "BETAS", betas)
        thresholds[name] = tune_decision(classifier, taxonomy, dev)[0]
        report = evaluate_statements(dev, Tagger(taxonomy, classifier=classifier))
        recall[name] = {d.dimension: d.micro_recall for d in report.dimensions}
    before, after = recall["precision first"], recall["recall first for shifts and concepts"]
    assert after["shifts"] + after["concepts"] > before["shifts"] + before["concepts"]
    assert after["shifts"] >= before["shifts"] and after["concepts"] >= before["concepts"]
    factors = [k for k in thresholds["precision first"] if k.startswith("factors/")]
    assert [thresholds["precision first"][k] for k in factors] == [
        thresholds["recall first for shifts and concepts"][k] for k in factors
    ]


def test_the_ceiling_folds_hold_each_statement_once_and_each_family_whole() -> None:
    """training/ceiling.py compares folds drawn by statement with folds of whole
    families: its figures mean what docs/tagging.md says only if no family is split
    between a training and a test fold in the second cut, and every family is spread
    over the folds in the first."""
    import importlib.util

    from synth.training import read_shipped

    path = Path(__file__).resolve().parent.parent / "training" / "ceiling.py"
    spec = importlib.util.spec_from_file_location("ceiling", path)
    assert spec is not None and spec.loader is not None
    ceiling = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ceiling)
    statements = read_shipped(Path(__file__).resolve().parent.parent / "corpus" / "coded")
    ids = sorted(st.id for st in statements)

    family_folds = ceiling.by_family(statements, 5)
    assert sorted(st.id for fold in family_folds for st in fold) == ids
    fold_of: dict[str, set[int]] = {}
    for i, fold in enumerate(family_folds):
        for st in fold:
            fold_of.setdefault(st.family, set()).add(i)
    assert all(len(folds) == 1 for folds in fold_of.values())
    sizes = [len(fold) for fold in family_folds]
    assert max(sizes) - min(sizes) < len(statements) // 20

    statement_folds = ceiling.by_statement(statements, 5)
    assert sorted(st.id for fold in statement_folds for st in fold) == ids
    assert [[st.id for st in f] for f in statement_folds] == [
        [st.id for st in f] for f in ceiling.by_statement(statements, 5)
    ]
    spread = [{st.family for st in fold} for fold in statement_folds]
    big = [f for f, folds in fold_of.items() if sum(st.family == f for st in statements) >= 50]
    assert all(f in fams for f in big for fams in spread)

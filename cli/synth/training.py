"""Training the classifier: coded statements in, a spaCy pipeline with per-label thresholds out.

The statements become docs whose words are their lemmas (as the tagger reads them), one
category per taxonomy label (``dimension/label``; a dimension a statement does not code is
left missing, not negative). spaCy trains the ``textcat_multilabel`` from
``training/textcat.cfg`` with its own initialisation and training loop (``spacy train``);
the checkpoint that scores best on the dev statements is kept. Each label then gets the
threshold at which the hybrid tags (terms, plus the model where its score reaches the
threshold) score the best F1 on the dev statements; a label the model does not improve
gets none (the model never adds it).

The shipped corpus (``corpus/coded``) is split by family (the kind of source each
statement comes from, ``training/split.toml``): dev and test hold whole families that
training never sees.
"""

from __future__ import annotations

import io
import math
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synth import resources
from synth.coded import check_labels, read_coded
from synth.errors import SynthError
from synth.models import DIMENSIONS, CodedStatement
from synth.pipeline.classifier import (
    Classifier,
    is_word,
    label_name,
    write_thresholds,
)
from synth.store import Corpus
from synth.taxonomy import Taxonomy

CONFIG = "training/textcat.cfg"
SPLIT = "training/split.toml"
CODED = "corpus/coded"
SPLITS = ("train", "dev", "test")
# Threshold candidates: a label's threshold is the one of these with the best dev F1.
_CANDIDATES = [round(0.05 + 0.025 * i, 3) for i in range(37)]

# Thresholds maximise F-beta on dev with beta < 1: precision weighs more than recall, so
# the model adds a label only where it is right more often than not (a wrong tag costs
# the facilitator more than a missing one, and the terms already tag precisely).
BETA = 0.5

Progress = Callable[[int, int], None]
_progress: list[Progress | None] = [None]


@dataclass
class TrainResult:
    """What training made: the model folder, the statements used and the thresholds."""

    path: Path
    train: int
    dev: int
    thresholds: dict[str, float]


def read_split(path: Path) -> dict[str, str]:
    """Family (source kind) → split, from a TOML file with ``dev`` and ``test`` lists."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SynthError(f"{path}: cannot read the split ({exc}); fix the file") from exc
    families: dict[str, str] = {}
    for split in ("dev", "test"):
        for family in data.get(split, []):
            families[str(family)] = split
    return families


def read_shipped(folder: Path | None = None) -> list[CodedStatement]:
    """The coded statements shipped with synth (every ``*.jsonl`` of ``corpus/coded``)."""
    folder = folder or resources.packaged(CODED)
    out: list[CodedStatement] = []
    for path in sorted(folder.glob("*.jsonl")):
        out.extend(read_coded(path))
    return out


def split_statements(
    statements: Iterable[CodedStatement], families: dict[str, str]
) -> dict[str, list[CodedStatement]]:
    """Statements by split; a family not named in the split file is for training."""
    out: dict[str, list[CodedStatement]] = {s: [] for s in SPLITS}
    for st in statements:
        out[families.get(st.family, "train")].append(st)
    return out


def shipped_splits(
    folder: Path | None = None, split_file: Path | None = None
) -> dict[str, list[CodedStatement]]:
    """The shipped corpus split by family."""
    families = read_split(split_file or resources.packaged(SPLIT))
    return split_statements(read_shipped(folder), families)


def classifier_words(texts: Iterable[str]) -> list[list[str]]:
    """The words the classifier reads for each text: the lemmas of its words, as tagging
    reads them (the same pipeline)."""
    from synth.pipeline import nlp as nlp_module

    nlp = nlp_module.pipeline()
    return [[t.lemma_ for t in doc if is_word(t.text)] for doc in nlp.pipe(texts)]


def _docbin(statements: Sequence[CodedStatement], labels: list[str]) -> Any:
    import spacy
    from spacy.tokens import Doc, DocBin

    vocab = spacy.blank("sv").vocab
    docbin = DocBin(store_user_data=False)
    for st, words in zip(statements, classifier_words(s.text for s in statements), strict=True):
        doc = Doc(vocab, words=words or ["_"])
        cats: dict[str, float] = {}
        for name in labels:
            dim, _, label = name.partition("/")
            if dim in st.labels:
                cats[name] = 1.0 if label in st.labels[dim] else 0.0
        doc.cats = cats
        docbin.add(doc)
    return docbin


def _register_logger() -> None:
    from spacy.util import registry

    if "synth.progress.v1" in registry.loggers:
        return

    @registry.loggers("synth.progress.v1")  # type: ignore[untyped-decorator]
    def progress_logger() -> Any:
        def setup(nlp: Any, stdout: Any = None, stderr: Any = None) -> Any:
            steps = [0]

            def log_step(info: dict[str, Any] | None) -> None:
                steps[0] += 1
                callback = _progress[0]
                if callback is not None:
                    callback(steps[0], 0)

            def finalize() -> None:
                return None

            return log_step, finalize

        return setup


def train_classifier(
    train: Sequence[CodedStatement],
    dev: Sequence[CodedStatement],
    output: Path,
    taxonomy: Taxonomy,
    *,
    config: Path | None = None,
    progress: Progress | None = None,
) -> TrainResult:
    """Train on ``train``, keep the checkpoint best on ``dev``, tune thresholds on ``dev``,
    and write the model to ``output`` (replaced as a whole at the end)."""
    import spacy
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    if not train or not dev:
        raise SynthError("nothing to train on: the training and dev statements are empty")
    labels = [label_name(d, label.id) for d in DIMENSIONS for label in taxonomy.labels(d)]
    config_path = config or resources.packaged(CONFIG)
    _register_logger()
    with tempfile.TemporaryDirectory(prefix="synth-train-") as tmp:
        work = Path(tmp)
        _docbin(train, labels).to_disk(work / "train.spacy")
        _docbin(dev, labels).to_disk(work / "dev.spacy")
        cfg = spacy.util.load_config(
            config_path,
            overrides={
                "paths.train": str(work / "train.spacy"),
                "paths.dev": str(work / "dev.spacy"),
            },
            interpolate=False,
        )
        cfg["training"]["logger"] = {"@loggers": "synth.progress.v1"}
        epochs = int(cfg["training"]["max_epochs"])
        batch = int(cfg["training"]["batcher"]["size"])
        total = epochs * math.ceil(len(train) / batch)

        def step(done: int, _unused: int) -> None:
            if progress is not None:
                progress(min(done, total), total)

        _progress[0] = step
        try:
            nlp = init_nlp(cfg)
            (work / "out").mkdir()
            train_loop(nlp, work / "out", stdout=io.StringIO(), stderr=io.StringIO())
        finally:
            _progress[0] = None
        best = work / "out" / "model-best"
        staging = output.with_name(output.name + ".new")
        if staging.exists():
            shutil.rmtree(staging)
        shutil.copytree(best, staging)
        thresholds = tune_thresholds(Classifier(staging), taxonomy, dev)
        write_thresholds(staging, thresholds)
        if output.exists():
            shutil.rmtree(output)
        staging.rename(output)
    if progress is not None:
        progress(total, total)
    return TrainResult(output, len(train), len(dev), thresholds)


def _hybrid_f1(
    gold: list[bool], by_terms: list[bool], scores: list[float], threshold: float
) -> float:
    """F-score (``BETA``) of one label when the terms' tags stand and the model adds
    scores ≥ threshold."""
    tp = fp = fn = 0
    for g, terms, s in zip(gold, by_terms, scores, strict=True):
        predicted = terms or s >= threshold
        tp += g and predicted
        fp += predicted and not g
        fn += g and not predicted
    b2 = BETA * BETA
    return (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0


def tune_thresholds(
    classifier: Classifier, taxonomy: Taxonomy, dev: Sequence[CodedStatement]
) -> dict[str, float]:
    """Per label, the threshold at which the hybrid tags score the best F1 on ``dev``
    (ties go to the higher threshold); ``inf`` where the terms alone do as well."""
    from synth.pipeline.tagging import Tagger

    # With every threshold at 0 the hybrid tagger adds each label that the terms did not
    # give and no exclude blocks, with its score: the candidates for every threshold.
    classifier.set_thresholds({label_name(d, lab): 0.0 for d, lab in classifier.labels})
    tags = list(Tagger(taxonomy, classifier=classifier).tag_texts(st.text for st in dev))
    thresholds: dict[str, float] = {}
    for dim, label in classifier.labels:
        rows = [(st, t) for st, t in zip(dev, tags, strict=True) if dim in st.labels]
        gold = [label in st.labels[dim] for st, _ in rows]
        by_terms = [label in t.labels(dim) and (dim, label) not in t.scores for _, t in rows]
        scores = [t.scores.get((dim, label), -1.0) for _, t in rows]

        best_f1, best = _hybrid_f1(gold, by_terms, scores, math.inf), math.inf
        for candidate in _CANDIDATES:
            value = _hybrid_f1(gold, by_terms, scores, candidate)
            if value > best_f1 or (value == best_f1 and value > 0 and candidate > best):
                best_f1, best = value, candidate
        thresholds[label_name(dim, label)] = best
    classifier.set_thresholds(thresholds)
    return thresholds


@dataclass
class LearnResult:
    """What ``learn`` stored."""

    added: int
    updated: int
    total: int  # examples in the corpus after storing


def learn(corpus: Corpus, path: Path, taxonomy: Taxonomy) -> LearnResult:
    """Store the corrected statements of a file (see ``synth.coded``) as the corpus's
    training examples; every label id must be the taxonomy's. Nothing is stored when a
    line is wrong."""
    statements = read_coded(path)
    check_labels(path, statements, taxonomy)
    coded = [st for st in statements if st.labels]
    if not coded:
        raise SynthError(
            f"{path}: no statement has a {', '.join(DIMENSIONS)} column or list; "
            "keep the label columns when editing"
        )
    added, updated = corpus.add_examples(coded, path.name)
    return LearnResult(added, updated, len(corpus.examples()))


def train_corpus(
    corpus: Corpus, taxonomy: Taxonomy, progress: Progress | None = None
) -> TrainResult:
    """Retrain the classifier on the shipped corpus's train split plus the corpus's own
    examples (which replace a shipped statement of the same text) into the model folder
    beside the corpus; thresholds are tuned on the shipped dev split (with the corpus's
    corrections of its statements)."""
    examples = corpus.examples()
    if not examples:
        raise SynthError(
            f"{corpus.path}: no examples to learn from yet; run 'synth learn FILE' first"
        )
    splits = shipped_splits()
    # An example with the text of a shipped dev statement replaces it in dev (the
    # thresholds are tuned on the corrected labels); the others replace or join training.
    own = {ex.text: ex for ex in examples}
    dev_texts = {st.text for st in splits["dev"]}
    dev = [own.get(st.text, st) for st in splits["dev"]]
    train = [st for st in splits["train"] if st.text not in own]
    train += [ex for ex in examples if ex.text not in dev_texts]
    output = resources.corpus_model_dir(corpus.path)
    result = train_classifier(train, dev, output, taxonomy, progress=progress)
    # The model holds words of the corpus's statements: readable by its owner only.
    output.chmod(0o700)
    return result

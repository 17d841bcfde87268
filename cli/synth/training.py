"""Training the classifier: coded statements in, a spaCy pipeline with per-label thresholds out.

The statements become docs whose words are their lemmas followed by a pseudo-word per
label the taxonomy's terms give them (``Tagger.classifier_words``: as tagging reads them),
one category per taxonomy label (``dimension/label``; a dimension a statement does not code is
left missing, not negative). spaCy trains the ``textcat_multilabel`` from
``training/textcat.cfg`` with its own initialisation and training loop (``spacy train``);
the checkpoint that scores best on the dev statements is kept. Each label then gets the
threshold and the veto at which the hybrid tags (the terms' tags whose score reaches the
veto, plus the model's where its score reaches the threshold) score the best F-beta on
the dev statements (beta per dimension, ``BETAS``), among those that make no more
errors than the terms alone on the guard statements, if given (``dev-gold``, on which the
vocabulary was tuned); a label the model does not improve gets no threshold (the model
never adds it) and no veto.

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
from typing import TYPE_CHECKING, Any

from synth import resources
from synth.coded import check_labels, read_coded
from synth.errors import SynthError
from synth.models import DIMENSIONS, CodedStatement
from synth.pipeline.classifier import (
    THRESHOLDS_FILE,
    VETOES_FILE,
    Classifier,
    label_name,
    write_features,
    write_thresholds,
    write_vetoes,
)
from synth.store import Corpus
from synth.taxonomy import Taxonomy

if TYPE_CHECKING:
    import numpy

CONFIG = "training/textcat.cfg"
SPLIT = "training/split.toml"
CODED = "corpus/coded"
SPLITS = ("train", "dev", "test")
# Threshold candidates: a label's threshold is the one of these with the best dev F1.
_CANDIDATES = [round(0.05 + 0.025 * i, 3) for i in range(37)]
# Veto candidates: fine steps at the bottom, where the scores of wrong tags of the terms lie.
_VETO_CANDIDATES = (
    [0.0] + [i / 100 for i in range(1, 10)] + [round(0.1 + 0.025 * i, 3) for i in range(25)]
)

# Thresholds maximise F-beta on dev, per dimension, with beta < 1: precision weighs more
# than recall (a wrong tag costs the facilitator more than a missing one, and the terms
# already tag precisely), less so for shifts and concepts, whose recall is the weak side.
# Tuned on three dev families and scored on the fourth (three seeds), beta 0.75 gave the
# hybrid F1 +0.04 (shifts) and +0.02 (concepts) against 0.5 at the same precision (within
# 0.01); for factors it only cost precision (docs/tagging.md).
BETAS = {"shifts": 0.75, "concepts": 0.75, "factors": 0.5}

Progress = Callable[[int, int], None]
_progress: list[Progress | None] = [None]
# (score, step) of the best checkpoint of the training running now.
_best: list[tuple[float, int]] = []


@dataclass
class TrainResult:
    """What training made: the model folder, the statements used and the thresholds."""

    path: Path
    train: int
    dev: int
    thresholds: dict[str, float]
    vetoes: dict[str, float]
    # The step of the checkpoint kept and the steps of one epoch of the training data.
    best_step: int = 0
    epoch_steps: int = 0


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


def classifier_words(texts: Iterable[str], taxonomy: Taxonomy) -> list[list[str]]:
    """What the classifier reads of each text: the lemmas of its words and the
    pseudo-words of the taxonomy's term hits, built by the tagger as it reads them."""
    from synth.pipeline.tagging import Tagger

    tagger = Tagger(taxonomy)
    return [tagger.classifier_words(text) for text in texts]


def _docbin(statements: Sequence[CodedStatement], labels: list[str], taxonomy: Taxonomy) -> Any:
    import spacy
    from spacy.tokens import Doc, DocBin

    vocab = spacy.blank("sv").vocab
    docbin = DocBin(store_user_data=False)
    texts = (s.text for s in statements)
    for st, words in zip(statements, classifier_words(texts, taxonomy), strict=True):
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
                # spaCy keeps the latest checkpoint of the best score
                score = None if info is None else info.get("score")
                if info is not None and score is not None and (not _best or score >= _best[0][0]):
                    _best[:] = [(float(score), int(info["step"]))]
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
    guard: Sequence[CodedStatement] = (),
    decision_from: Path | None = None,
    steps: int | None = None,
) -> TrainResult:
    """Train on ``train``, keep the checkpoint best on ``dev`` (or, with ``steps``, train
    that many steps and keep the last), tune thresholds and vetoes on ``dev`` (kept within
    the terms' errors on ``guard``), or take those of the model folder ``decision_from``
    (changed only where the new model would make more errors than the terms on
    ``guard``), and write the model to ``output`` (replaced as a whole at the end)."""
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
        _docbin(train, labels, taxonomy).to_disk(work / "train.spacy")
        _docbin(dev, labels, taxonomy).to_disk(work / "dev.spacy")
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
        epoch_steps = math.ceil(len(train) / batch)
        total = epochs * epoch_steps
        if steps is not None:
            # 0 epochs: no limit but the steps, all of them (no early stop on the dev
            # score: dev may be part of the training data)
            cfg["training"]["max_epochs"] = 0
            cfg["training"]["max_steps"] = total = steps
            cfg["training"]["patience"] = 0

        def step(done: int, _unused: int) -> None:
            if progress is not None:
                progress(min(done, total), total)

        _progress[0] = step
        _best.clear()
        try:
            nlp = init_nlp(cfg)
            (work / "out").mkdir()
            train_loop(nlp, work / "out", stdout=io.StringIO(), stderr=io.StringIO())
        finally:
            _progress[0] = None
        best = work / "out" / ("model-best" if steps is None else "model-last")
        best_step = _best[0][1] if _best else 0
        staging = output.with_name(output.name + ".new")
        if staging.exists():
            shutil.rmtree(staging)
        shutil.copytree(best, staging)
        _forget_training_paths(staging)
        write_features(staging)
        if decision_from is not None:
            for name in (THRESHOLDS_FILE, VETOES_FILE):
                shutil.copyfile(decision_from / name, staging / name)
            thresholds, vetoes = keep_within_guard(Classifier(staging), taxonomy, guard)
        else:
            thresholds, vetoes = tune_decision(Classifier(staging), taxonomy, dev, guard)
        write_thresholds(staging, thresholds)
        write_vetoes(staging, vetoes)
        if output.exists():
            shutil.rmtree(output)
        staging.rename(output)
    if progress is not None:
        progress(total, total)
    return TrainResult(output, len(train), len(dev), thresholds, vetoes, best_step, epoch_steps)


def _forget_training_paths(model: Path) -> None:
    """Leave the temporary training files out of the model's config (they are gone, and
    the same data give the same model, byte for byte)."""
    import spacy

    config = spacy.util.load_config(model / "config.cfg", interpolate=False)
    config["paths"]["train"] = None
    config["paths"]["dev"] = None
    config.to_disk(model / "config.cfg")


@dataclass
class _Decisions:
    """What the hybrid can do with each statement and label (statements × labels)."""

    gold: numpy.ndarray[Any, Any]  # coded with the label
    coded: numpy.ndarray[Any, Any]  # the statement codes the label's dimension
    by_terms: numpy.ndarray[Any, Any]  # the terms tag it
    addable: numpy.ndarray[Any, Any]  # the model may add it (not by the terms, no exclude)
    scores: numpy.ndarray[Any, Any]  # the model's score

    def counts(self, j: int, threshold: float, veto: float) -> tuple[int, int, int]:
        """(true positives, false positives, misses) of label ``j`` in the hybrid."""
        s = self.scores[:, j]
        predicted = (self.by_terms[:, j] & (s >= veto)) | (self.addable[:, j] & (s >= threshold))
        gold, coded = self.gold[:, j], self.coded[:, j]
        predicted = predicted & coded
        return (
            int((predicted & gold).sum()),
            int((predicted & ~gold).sum()),
            int((gold & ~predicted).sum()),
        )


def _decisions(
    classifier: Classifier, taxonomy: Taxonomy, statements: Sequence[CodedStatement]
) -> _Decisions:
    """The terms' tags, what the model may add and its scores, for every label."""
    import numpy

    from synth.pipeline.tagging import Tagger

    labels = classifier.labels
    # With every threshold at 0 and no veto the hybrid tagger adds each label that the
    # terms did not give and no exclude blocks.
    classifier.set_thresholds({label_name(d, lab): 0.0 for d, lab in labels})
    classifier.set_vetoes({})
    tags = list(Tagger(taxonomy, classifier=classifier).tag_texts(st.text for st in statements))
    shape = (len(statements), len(labels))
    out = _Decisions(
        gold=numpy.zeros(shape, dtype=bool),
        coded=numpy.zeros(shape, dtype=bool),
        by_terms=numpy.zeros(shape, dtype=bool),
        addable=numpy.zeros(shape, dtype=bool),
        scores=classifier.score_lemmas(classifier_words((st.text for st in statements), taxonomy)),
    )
    for i, (st, tagset) in enumerate(zip(statements, tags, strict=True)):
        for j, (dim, label) in enumerate(labels):
            out.coded[i, j] = dim in st.labels
            out.gold[i, j] = label in st.labels.get(dim, ())
            added = (dim, label) in tagset.scores
            out.addable[i, j] = added
            out.by_terms[i, j] = label in tagset.labels(dim) and not added
    return out


def _f_beta(tp: int, fp: int, fn: int, beta: float) -> float:
    b2 = beta * beta
    return (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0


def tune_decision(
    classifier: Classifier,
    taxonomy: Taxonomy,
    dev: Sequence[CodedStatement],
    guard: Sequence[CodedStatement] = (),
) -> tuple[dict[str, float], dict[str, float]]:
    """Per label, the threshold (``inf``: the model never adds it) and the veto (0: it
    never drops a tag of the terms; at most the threshold) with the best F-beta of the
    hybrid on ``dev``, among those that make no more errors (false tags plus misses)
    than the terms alone on ``guard``; ties go to the smaller veto and the higher
    threshold. Without ``guard`` there are no vetoes."""
    on_dev = _decisions(classifier, taxonomy, dev)
    on_guard = _decisions(classifier, taxonomy, guard) if guard else None
    # Without statements on which the terms are known to tag as meant, a veto cannot tell
    # a word used in another sense from a label the dev coders read more broadly: none.
    veto_candidates = _VETO_CANDIDATES if guard else [0.0]
    thresholds: dict[str, float] = {}
    vetoes: dict[str, float] = {}
    for j, (dim, label) in enumerate(classifier.labels):
        limit = 0
        if on_guard is not None:
            _, fp, fn = on_guard.counts(j, math.inf, 0.0)
            limit = fp + fn
        best_key: tuple[float, float, float] | None = None
        best = (math.inf, 0.0)
        for threshold in [math.inf, *_CANDIDATES]:
            for veto in veto_candidates:
                if veto > threshold:
                    break
                if on_guard is not None:
                    _, fp, fn = on_guard.counts(j, threshold, veto)
                    if fp + fn > limit:
                        continue
                f = _f_beta(*on_dev.counts(j, threshold, veto), BETAS[dim])
                key = (round(f, 9), -veto, threshold)
                if best_key is None or key > best_key:
                    best_key, best = key, (threshold, veto)
        thresholds[label_name(dim, label)], vetoes[label_name(dim, label)] = best
    classifier.set_thresholds(thresholds)
    classifier.set_vetoes(vetoes)
    return thresholds, vetoes


def keep_within_guard(
    classifier: Classifier, taxonomy: Taxonomy, guard: Sequence[CodedStatement]
) -> tuple[dict[str, float], dict[str, float]]:
    """The classifier's own thresholds and vetoes, each label's raised (threshold) or
    lowered (veto) by the fewest candidate steps that make the hybrid make no more errors
    than the terms alone on ``guard``."""
    names = [label_name(d, lab) for d, lab in classifier.labels]
    thresholds = dict(zip(names, (float(v) for v in classifier.thresholds), strict=True))
    vetoes = dict(zip(names, (float(v) for v in classifier.vetoes), strict=True))
    if guard:
        on_guard = _decisions(classifier, taxonomy, guard)
        for j, name in enumerate(names):
            _, fp, fn = on_guard.counts(j, math.inf, 0.0)
            limit = fp + fn
            higher = [t for t in [*_CANDIDATES, math.inf] if t >= thresholds[name]]
            lower = [v for v in reversed(_VETO_CANDIDATES) if v <= vetoes[name]]
            for threshold, veto in sorted(
                ((t, v) for t in higher for v in lower if v <= t),
                key=lambda tv: higher.index(tv[0]) + lower.index(tv[1]),
            ):
                _, fp, fn = on_guard.counts(j, threshold, veto)
                if fp + fn <= limit:
                    thresholds[name], vetoes[name] = threshold, veto
                    break
    classifier.set_thresholds(thresholds)
    classifier.set_vetoes(vetoes)
    return thresholds, vetoes


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

"""The trained classifier beside the taxonomy: a spaCy ``textcat_multilabel`` over lemmas.

The model is spaCy's bag of words (``TextCatBOW``, unigrams) trained by ``spacy train``
(``training/textcat.cfg``) on docs whose words are the statements' lemmas, so "lyssnar",
"lyssnade" and "lyssna" share one feature, and a pseudo-word per label the taxonomy's
terms give the statement (``term_features``). Such a model is linear: the score of a
label is ``sigmoid(bias + sum of the weights of the statement's features)``. The weights
are read once per feature from the component's own predict on one-word docs, all new ones
of a batch in one call, and a statement then costs a sum over its features (no Doc is
built per statement); the same weights name the words that weighed most for a label.

The pipeline is loaded on first use, so commands that do not tag never load it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy

from synth.errors import ResourceError
from synth.models import DIMENSIONS

COMPONENT = "textcat_multilabel"
THRESHOLDS_FILE = "thresholds.json"
# Per-label vetoes: a tag of the terms whose score stays below its label's veto is dropped.
VETOES_FILE = "vetoes.json"
# Words shown as the evidence of a model tag.
TOP_WORDS = 3
# A model trained with the taxonomy's term hits as features (see ``term_features``) says so
# in this file; a model without it reads words only.
FEATURES_FILE = "features.json"


def label_name(dimension: str, label: str) -> str:
    """The classifier's name of a taxonomy label: ``dimension/label``."""
    return f"{dimension}/{label}"


def split_label(name: str) -> tuple[str, str]:
    dimension, _, label = name.partition("/")
    return dimension, label


def term_features(labels: Iterable[tuple[str, str]]) -> list[str]:
    """The pseudo-words a statement's term tags add to its words for the classifier, one
    per (dimension, label) the terms give (``⟨term:dimension/label⟩``; a term whose
    exclude matched gives none). Training and tagging build them alike: the model learns
    when a term's word is meant in its context, and leans on the terms for recall.
    (Pseudo-words for the excludes' hits as well were measured: more recall, less
    precision on the dev families.)"""
    return [f"⟨term:{label_name(d, lab)}⟩" for d, lab in labels]


def write_features(path: Path) -> None:
    """Mark a model folder as trained with the term features."""
    (path / FEATURES_FILE).write_text(json.dumps({"terms": True}) + "\n", encoding="utf-8")


# Function words are read like any word (measured: leaving them out did not score better on
# held-out families) but are not shown as the words that weighed most for a tag.
FUNCTION_WORDS = frozenset(
    [
        "en",
        "ett",
        "den",
        "det",
        "de",
        "detta",
        "denna",
        "dessa",
        "och",
        "eller",
        "men",
        "att",
        "som",
        "om",
        "än",
        "så",
        "för",
        "på",
        "i",
        "av",
        "till",
        "med",
        "från",
        "vid",
        "hos",
        "mot",
        "genom",
        "efter",
        "under",
        "över",
        "åt",
        "vad",
        "hur",
        "vilken",
        "vilket",
        "vilka",
        "också",
        "även",
        "ju",
        "väl",
        "nog",
        "då",
        "där",
        "här",
        "när",
        "sin",
        "sitt",
        "sina",
        "man",
    ]
)


def is_word(text: str) -> bool:
    """Whether a token counts as a word for the classifier (has a letter)."""
    return any(ch.isalpha() for ch in text)


def read_thresholds(path: Path) -> dict[str, float]:
    """Per-label thresholds of a model folder; null (the model adds nothing) reads as inf."""
    file = path / THRESHOLDS_FILE
    if not file.exists():
        return {}
    data = json.loads(file.read_text(encoding="utf-8"))
    return {str(k): math.inf if v is None else float(v) for k, v in data.items()}


def write_thresholds(path: Path, thresholds: dict[str, float]) -> None:
    data = {k: None if math.isinf(v) else round(v, 3) for k, v in sorted(thresholds.items())}
    (path / THRESHOLDS_FILE).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def read_vetoes(path: Path) -> dict[str, float]:
    """Per-label vetoes of a model folder (0: the model never drops a tag of the terms);
    a folder without the file has none."""
    file = path / VETOES_FILE
    if not file.exists():
        return {}
    data = json.loads(file.read_text(encoding="utf-8"))
    return {str(k): float(v) for k, v in data.items()}


def write_vetoes(path: Path, vetoes: dict[str, float]) -> None:
    data = {k: round(v, 3) for k, v in sorted(vetoes.items())}
    (path / VETOES_FILE).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


# The classifier reads no text (its docs are built from lemmas, a word at a time), so its
# pipeline is loaded with a tokenizer without rules: building spaCy's Swedish one, with all
# its special cases, was two thirds of loading the model (0.12 s of CPU of 0.17 s).
_BARE_TOKENIZER = "synth.bare_tokenizer.v1"


def _bare_tokenizer() -> Callable[[Any], Any]:
    from spacy.tokenizer import Tokenizer

    def make(nlp: Any) -> Any:
        return Tokenizer(nlp.vocab)

    return make


class Classifier:
    """A trained model folder, loaded lazily; scores statements given as lemma lists."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._loaded = False
        self._vocab: Any = None
        self._linear: Any = None  # the component's model without its logistic output
        self._labels: list[tuple[str, str]] = []
        self._bias = numpy.zeros(0, dtype=numpy.float32)
        self._thresholds = numpy.zeros(0, dtype=numpy.float32)
        self._vetoes = numpy.zeros(0, dtype=numpy.float64)
        # One row of label weights per lemma seen; row 0 is all zeros (no words).
        self._rows: dict[str, int] = {}
        self._weights = numpy.zeros((1, 0), dtype=numpy.float32)
        self._term_features = False

    def __reduce__(self) -> tuple[Any, tuple[Path]]:
        # Worker processes get the folder and load the model themselves.
        return (Classifier, (self.path,))

    def _load(self) -> None:
        if self._loaded:
            return
        import spacy
        from spacy.util import registry

        if _BARE_TOKENIZER not in registry.tokenizers:
            registry.tokenizers.register(_BARE_TOKENIZER, func=_bare_tokenizer)
        try:
            nlp = spacy.load(
                self.path,
                config={"nlp": {"tokenizer": {"@tokenizers": _BARE_TOKENIZER}}},
                exclude=["tokenizer"],
            )
        except (OSError, ValueError) as exc:
            raise ResourceError(
                f"{self.path}: not a trained synth model ({exc}); run 'synth train' again"
            ) from exc
        if COMPONENT not in nlp.pipe_names:
            raise ResourceError(f"{self.path}: the model has no {COMPONENT}; run 'synth train'")
        pipe: Any = nlp.get_pipe(COMPONENT)
        arch = nlp.config["components"][COMPONENT]["model"]
        if (
            not str(arch.get("@architectures", "")).startswith("spacy.TextCatBOW")
            or int(arch.get("ngram_size", 0)) != 1
        ):
            raise ResourceError(
                f"{self.path}: synth reads a unigram bag-of-words {COMPONENT} "
                "(training/textcat.cfg); train the model with that config"
            )
        linear = pipe.model.layers[0]
        sparse = next(node for node in linear.walk() if node.name == "sparse_linear")
        self._vocab = nlp.vocab
        self._linear = linear
        self._labels = [split_label(name) for name in pipe.labels]
        self._bias = numpy.asarray(sparse.get_param("b"), dtype=numpy.float32).copy()
        self._weights = numpy.zeros((1, len(self._labels)), dtype=numpy.float32)
        features = self.path / FEATURES_FILE
        self._term_features = features.exists() and bool(
            json.loads(features.read_text(encoding="utf-8")).get("terms")
        )
        self._loaded = True
        self.set_thresholds(read_thresholds(self.path))
        self.set_vetoes(read_vetoes(self.path))

    @property
    def labels(self) -> list[tuple[str, str]]:
        """(dimension, label) of each output, in the model's order."""
        self._load()
        return self._labels

    @property
    def reads_terms(self) -> bool:
        """Whether the model was trained with the term features (``term_features``)."""
        self._load()
        return self._term_features

    @property
    def thresholds(self) -> numpy.ndarray[Any, Any]:
        self._load()
        return self._thresholds

    def set_thresholds(self, thresholds: dict[str, float]) -> None:
        """Use these thresholds (by ``dimension/label``; 0.5 for a label not given)."""
        self._thresholds = self._per_label(thresholds, 0.5)

    @property
    def vetoes(self) -> numpy.ndarray[Any, Any]:
        """Per label, the score below which a tag of the terms is dropped (0: never)."""
        self._load()
        return self._vetoes

    def set_vetoes(self, vetoes: dict[str, float]) -> None:
        """Use these vetoes (by ``dimension/label``; 0, no veto, for a label not given)."""
        self._vetoes = self._per_label(vetoes, 0.0)

    def _per_label(self, values: dict[str, float], default: float) -> numpy.ndarray[Any, Any]:
        self._load()
        return numpy.array(
            [values.get(label_name(d, lab), default) for d, lab in self._labels],
            dtype=numpy.float64,
        )

    @property
    def known_rows(self) -> dict[str, int]:
        """Lemma → weight row of the lemmas read so far (``rows`` adds new ones)."""
        self._load()
        return self._rows

    def rows(self, lemmas: Iterable[str]) -> list[int]:
        """The weight row of each lemma; new lemmas are read in one predict call."""
        self._load()
        rows = self._rows
        wanted = list(lemmas)
        new = [w for w in dict.fromkeys(wanted) if w not in rows]
        if new:
            from spacy.tokens import Doc

            docs = [Doc(self._vocab, words=[w]) for w in new]
            logits = numpy.asarray(self._linear.predict(docs), dtype=numpy.float32)
            start = len(self._weights)
            self._weights = numpy.vstack([self._weights, logits - self._bias])
            for i, w in enumerate(new):
                rows[w] = start + i
        return [rows[w] for w in wanted]

    def scores(self, statements: Sequence[Sequence[int]]) -> numpy.ndarray[Any, Any]:
        """Label probabilities (statements × labels) from each statement's weight rows."""
        self._load()
        if not statements:
            return numpy.zeros((0, len(self._labels)))
        # Each statement starts with the zero row 0, so that one without words still has
        # a segment of its own.
        flat: list[int] = []
        starts: list[int] = []
        for rows in statements:
            starts.append(len(flat))
            flat.append(0)
            flat.extend(rows)
        return self.segment_scores(numpy.array(flat), numpy.array(starts))

    def segment_scores(
        self, rows: numpy.ndarray[Any, Any], starts: numpy.ndarray[Any, Any]
    ) -> numpy.ndarray[Any, Any]:
        """Label probabilities (statements × labels) of statements given as one array of
        weight rows: each statement's from its start to the next one's, the first of them
        the zero row 0 (``scores``)."""
        self._load()
        if not len(starts):
            return numpy.zeros((0, len(self._labels)))
        # One reduceat over all statements.
        sums = numpy.add.reduceat(self._weights[rows], starts, axis=0)
        logits = self._bias.astype(numpy.float64) + sums
        # A very long statement can sum to a logit whose exp overflows (a RuntimeWarning
        # on the terminal); beyond ±500 the probability is 0 or 1 to the last digit anyway.
        numpy.clip(logits, -500.0, 500.0, out=logits)
        out: numpy.ndarray[Any, Any] = 1.0 / (1.0 + numpy.exp(-logits))
        return out

    def label_weights(
        self, rows: numpy.ndarray[Any, Any], labels: numpy.ndarray[Any, Any]
    ) -> numpy.ndarray[Any, Any]:
        """How much each word (by its row) pushed the score of a label (by its index in
        ``labels``), one label per word."""
        found: numpy.ndarray[Any, Any] = self._weights[rows, labels]
        return found

    def score_lemmas(self, statements: Iterable[Sequence[str]]) -> numpy.ndarray[Any, Any]:
        """Label probabilities of statements given as their lemmas (words only)."""
        lists = [list(s) for s in statements]
        return self.scores([self.rows(s) for s in lists])

    def label_sets(self, probabilities: numpy.ndarray[Any, Any]) -> list[dict[str, set[str]]]:
        """The labels at or above their thresholds, per statement and dimension."""
        chosen = probabilities >= self.thresholds
        out: list[dict[str, set[str]]] = []
        for row in chosen:
            labels: dict[str, set[str]] = {d: set() for d in DIMENSIONS}
            for j in numpy.flatnonzero(row):
                dim, lab = self._labels[j]
                labels[dim].add(lab)
            out.append(labels)
        return out

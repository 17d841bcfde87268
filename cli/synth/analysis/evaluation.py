"""Scoring tags against hand-coded statements (precision, recall, F1, Cohen's kappa), and
merging against labelled pairs of statements."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from synth.coded import read_coded
from synth.errors import SynthError
from synth.models import DIMENSIONS, CodedStatement
from synth.pipeline.tagging import Tagger

if TYPE_CHECKING:
    from synth.pipeline.classifier import Classifier
    from synth.taxonomy import Taxonomy


@dataclass
class LabelScore:
    dimension: str
    label: str
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def kappa(self) -> float:
        """Cohen's kappa between tagger and coder on this label (yes/no per statement)."""
        n = self.tp + self.fp + self.fn + self.tn
        if n == 0:
            return 0.0
        observed = (self.tp + self.tn) / n
        p_yes = ((self.tp + self.fp) / n) * ((self.tp + self.fn) / n)
        p_no = ((self.fn + self.tn) / n) * ((self.fp + self.tn) / n)
        expected = p_yes + p_no
        return (observed - expected) / (1 - expected) if expected < 1 else 1.0


@dataclass
class DimensionScore:
    dimension: str
    labels: list[LabelScore]
    micro_precision: float
    micro_recall: float
    micro_f1: float
    macro_f1: float

    @property
    def kappa(self) -> float:
        """Mean Cohen's kappa over the labels coded or predicted at least once."""
        used = [s for s in self.labels if s.support or s.fp]
        return sum(s.kappa for s in used) / len(used) if used else 0.0

    def summary(self) -> dict[str, float]:
        return {
            "micro_precision": round(self.micro_precision, 4),
            "micro_recall": round(self.micro_recall, 4),
            "micro_f1": round(self.micro_f1, 4),
            "macro_f1": round(self.macro_f1, 4),
            "kappa": round(self.kappa, 4),
        }


@dataclass
class Miss:
    id: str
    text: str
    dimension: str
    missed: list[str]  # in gold, not predicted
    extra: list[str]  # predicted, not in gold
    evidence: list[str] = field(default_factory=list)


@dataclass
class EvalReport:
    """The scores of one way of tagging (``method``) on a gold file."""

    statements: int
    dimensions: list[DimensionScore]
    misses: list[Miss]
    method: str = "tagger"

    def as_dict(self) -> dict[str, object]:
        return {
            "statements": self.statements,
            "dimensions": {
                d.dimension: {
                    **d.summary(),
                    "labels": {
                        s.label: {
                            "precision": round(s.precision, 4),
                            "recall": round(s.recall, 4),
                            "f1": round(s.f1, 4),
                            "kappa": round(s.kappa, 4),
                            "support": s.support,
                            "tp": s.tp,
                            "fp": s.fp,
                            "fn": s.fn,
                        }
                        for s in d.labels
                    },
                }
                for d in self.dimensions
            },
            "misses": [m.__dict__ for m in self.misses],
        }


def score(
    gold: list[CodedStatement],
    predicted: list[dict[str, set[str]]],
    label_ids: dict[str, list[str]],
) -> tuple[list[DimensionScore], list[tuple[int, str, set[str], set[str]]]]:
    """Per-label and per-dimension scores for dimensions the gold file codes."""
    dims: list[DimensionScore] = []
    wrong: list[tuple[int, str, set[str], set[str]]] = []
    coded = [d for d in DIMENSIONS if any(d in g.labels for g in gold)]
    for dim in coded:
        rows = [
            (i, g.labels[dim], predicted[i].get(dim, set()))
            for i, g in enumerate(gold)
            if dim in g.labels
        ]
        all_labels = list(label_ids.get(dim, []))
        for _, g_set, p_set in rows:
            for lab in sorted(g_set | p_set):
                if lab not in all_labels:
                    all_labels.append(lab)
        scores = []
        for lab in all_labels:
            tp = sum(1 for _, g, p in rows if lab in g and lab in p)
            fp = sum(1 for _, g, p in rows if lab not in g and lab in p)
            fn = sum(1 for _, g, p in rows if lab in g and lab not in p)
            tn = len(rows) - tp - fp - fn
            scores.append(LabelScore(dim, lab, tp, fp, fn, tn))
        tp = sum(s.tp for s in scores)
        fp = sum(s.fp for s in scores)
        fn = sum(s.fn for s in scores)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        with_support = [s for s in scores if s.support or s.fp]
        macro = sum(s.f1 for s in with_support) / len(with_support) if with_support else 0.0
        dims.append(DimensionScore(dim, scores, p, r, f1, macro))
        for i, g_set, p_set in rows:
            if g_set != p_set:
                wrong.append((i, dim, g_set - p_set, p_set - g_set))
    return dims, wrong


def evaluate(gold_path: Path, tagger: Tagger, method: str = "tagger") -> EvalReport:
    """Tag the gold statements and score the tags against the hand-coding."""
    return evaluate_statements(read_coded(gold_path), tagger, method)


def methods(taxonomy: Taxonomy, classifier: Classifier) -> dict[str, Tagger]:
    """The three ways of tagging scored side by side, in this order: the taxonomy's terms
    alone, the classifier alone and the hybrid."""
    return {
        "taxonomy": Tagger(taxonomy),
        "model": Tagger(taxonomy, classifier=classifier, terms=False),
        "hybrid": Tagger(taxonomy, classifier=classifier),
    }


def compare_methods(gold_path: Path, taggers: dict[str, Tagger]) -> list[EvalReport]:
    """One report per way of tagging (e.g. taxonomy, model, hybrid) on the same gold file."""
    gold = read_coded(gold_path)
    return [evaluate_statements(gold, tagger, method) for method, tagger in taggers.items()]


def evaluate_statements(
    gold: list[CodedStatement], tagger: Tagger, method: str = "tagger"
) -> EvalReport:
    """Tag coded statements and score the tags against their coding."""
    tagsets = list(tagger.tag_texts(g.text for g in gold))
    predicted = [{d: set(t.labels(d)) for d in DIMENSIONS} for t in tagsets]
    label_ids = {d: tagger.taxonomy.ids(d) for d in DIMENSIONS}
    dims, wrong = score(gold, predicted, label_ids)
    misses = []
    for i, dim, missed, extra in wrong:
        ev = [
            f"{e.label}: '{e.text}' ({e.term or 'model'})"
            for e in tagsets[i].evidence
            if e.dimension == dim and e.label in extra
        ]
        misses.append(Miss(gold[i].id, gold[i].text, dim, sorted(missed), sorted(extra), ev))
    return EvalReport(len(gold), dims, misses, method)


# --- merging: statement pairs labelled same point / different point ------------------


@dataclass
class LabelledPair:
    id: str
    a: str
    b: str
    same: bool
    kind: str


@dataclass
class MergeScore:
    """Merging measured on labelled pairs: a pair is merged when its similarity reaches
    the threshold."""

    threshold: float
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


@dataclass
class MergeEvaluation:
    """Cross-validated merging: per fold the threshold chosen on the other folds, and the
    pooled counts of the held-out folds."""

    folds: list[MergeScore]
    pooled: MergeScore


def load_pairs(path: Path) -> list[LabelledPair]:
    """Labelled pairs from a JSON-lines file (``id``, ``a``, ``b``, ``same``, ``kind``)."""
    pairs: list[LabelledPair] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            pairs.append(
                LabelledPair(
                    str(row["id"]), row["a"], row["b"], bool(row["same"]), row.get("kind", "")
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise SynthError(
                f"{path}:{n}: not a labelled pair ({exc}); write one JSON object a line "
                'with "a", "b" and "same"'
            ) from exc
    return pairs


def pair_similarities(pairs: list[LabelledPair]) -> list[float]:
    """The merge similarity of each pair, IDF taken over all texts of the pairs."""
    from synth.analysis import condense

    texts = sorted({t for p in pairs for t in (p.a, p.b)})
    bags = dict(zip(texts, condense.text_bags(texts), strict=True))
    idf = condense.idf_weights(list(bags.values()))
    return [condense.similarity(bags[p.a], bags[p.b], idf) for p in pairs]


def merge_score(
    pairs: list[LabelledPair], sims: list[float], threshold: float, keep: list[bool] | None = None
) -> MergeScore:
    tp = fp = fn = tn = 0
    for i, (pair, sim) in enumerate(zip(pairs, sims, strict=True)):
        if keep is not None and not keep[i]:
            continue
        merged = sim >= threshold
        tp += merged and pair.same
        fp += merged and not pair.same
        fn += not merged and pair.same
        tn += not merged and not pair.same
    return MergeScore(threshold, tp, fp, fn, tn)


def _fold(pair_id: str, folds: int) -> int:
    import hashlib

    return int(hashlib.sha1(pair_id.encode()).hexdigest(), 16) % folds


def cross_validate_merging(
    pairs: list[LabelledPair], folds: int = 5, min_precision: float = 0.92
) -> MergeEvaluation:
    """For each fold, the threshold with the best recall at ``min_precision`` on the other
    folds, scored on the fold; folds are fixed by a hash of the pair id."""
    sims = pair_similarities(pairs)
    fold_of = [_fold(p.id, folds) for p in pairs]
    candidates = [t / 100 for t in range(20, 96)]
    scores: list[MergeScore] = []
    for k in range(folds):
        dev = [f != k for f in fold_of]
        fitted = [merge_score(pairs, sims, t, dev) for t in candidates]
        ok = [s for s in fitted if s.precision >= min_precision] or fitted[-1:]
        chosen = max(ok, key=lambda s: (s.recall, s.threshold)).threshold
        scores.append(merge_score(pairs, sims, chosen, [not d for d in dev]))
    pooled = MergeScore(
        float("nan"),
        sum(s.tp for s in scores),
        sum(s.fp for s in scores),
        sum(s.fn for s in scores),
        sum(s.tn for s in scores),
    )
    return MergeEvaluation(scores, pooled)

"""Scoring tags against hand-coded statements: precision, recall, F1 and Cohen's kappa."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from synth.errors import SynthError
from synth.models import DIMENSIONS
from synth.pipeline.tagging import Tagger


@dataclass
class GoldStatement:
    id: str
    text: str
    labels: dict[str, set[str]]  # dimension -> labels; only dimensions present in the file


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
    statements: int
    dimensions: list[DimensionScore]
    misses: list[Miss]

    def as_dict(self) -> dict[str, object]:
        return {
            "statements": self.statements,
            "dimensions": {
                d.dimension: {
                    "micro_precision": round(d.micro_precision, 4),
                    "micro_recall": round(d.micro_recall, 4),
                    "micro_f1": round(d.micro_f1, 4),
                    "macro_f1": round(d.macro_f1, 4),
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


def read_gold(path: Path) -> list[GoldStatement]:
    """Read hand-coded statements: JSON lines with ``text`` and label lists per dimension."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError as exc:
        raise SynthError(f"{path}: no such file; give a JSONL file of coded statements") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SynthError(f"{path}: cannot read ({exc}); save it as UTF-8") from exc
    out: list[GoldStatement] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SynthError(f"{path}:{n}: not valid JSON ({exc.msg}); fix the line") from exc
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise SynthError(f'{path}:{n}: each line needs a "text" string')
        labels = {d: set(obj[d]) for d in DIMENSIONS if isinstance(obj.get(d), list)}
        out.append(GoldStatement(str(obj.get("id", n)), obj["text"], labels))
    if not out:
        raise SynthError(f'{path}: no statements; each line is a JSON object with "text"')
    return out


def score(
    gold: list[GoldStatement], predicted: list[dict[str, set[str]]], label_ids: dict[str, list[str]]
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


def evaluate(gold_path: Path, tagger: Tagger) -> EvalReport:
    """Tag the gold statements and score the tags against the hand-coding."""
    gold = read_gold(gold_path)
    tagsets = list(tagger.tag_texts(g.text for g in gold))
    predicted = [{d: set(t.labels(d)) for d in DIMENSIONS} for t in tagsets]
    label_ids = {d: tagger.taxonomy.ids(d) for d in DIMENSIONS}
    dims, wrong = score(gold, predicted, label_ids)
    misses = []
    for i, dim, missed, extra in wrong:
        ev = [
            f"{e.label}: '{e.text}' ({e.term})"
            for e in tagsets[i].evidence
            if e.dimension == dim and e.label in extra
        ]
        misses.append(Miss(gold[i].id, gold[i].text, dim, sorted(missed), sorted(extra), ev))
    return EvalReport(len(gold), dims, misses)

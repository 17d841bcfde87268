"""Diff and trends as plain data: the JSON outputs and what their templates render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from synth.analysis import stats
from synth.analysis.compare import ALPHA, MIN_STATEMENTS, Diff, Example, LabelChange, Side, Trends
from synth.models import Session
from synth.redact import mask_ids, redact

if TYPE_CHECKING:
    from synth.analysis.search import SearchResult

DIFF_SCHEMA = "synth-diff/1"


def _example_dict(example: Example | None, redacted: bool) -> dict[str, Any] | None:
    if example is None:
        return None
    return {
        "ref": example.ref,
        "session": redact(example.session) if redacted else example.session,
        "position": example.position,
        "text": redact(example.text) if redacted else example.text,
    }


def _sessions(sessions: list[Session], redacted: bool) -> list[dict[str, Any]]:
    shown = mask_ids(s.id for s in sessions) if redacted else {}
    return [
        {
            "id": shown.get(s.id, s.id),
            "title": redact(s.title) if redacted else s.title,
            "date": s.date,
            "statements": s.statement_count,
        }
        for s in sessions
    ]


def _side_dict(side: Side, redacted: bool) -> dict[str, Any]:
    return {
        "sessions": _sessions(side.sessions, redacted),
        "statements": side.statements,
        "words": side.words,
    }


def diff_to_dict(
    result: Diff, redacted: bool = True, summary: list[str] | None = None
) -> dict[str, Any]:
    """The diff as plain data, in the documented JSON schema (docs/diff-schema.md);
    ``summary`` holds plain sentences (Swedish ones when not given)."""
    from synth.analysis.compare import plain_sentences

    def label_ref(c: LabelChange) -> dict[str, Any]:
        return {"dimension": c.dimension, "label": c.label, "name": c.name}

    return {
        "schema": DIFF_SCHEMA,
        "summary": summary if summary is not None else plain_sentences(result),
        "a": _side_dict(result.a, redacted),
        "b": _side_dict(result.b, redacted),
        "settings": {
            "alpha": ALPHA,
            "min_statements": MIN_STATEMENTS,
            "min_expected": stats.MIN_EXPECTED,
        },
        "labels": [
            {
                **label_ref(c),
                "a": {"statements": c.a, "share": c.share_a},
                "b": {"statements": c.b, "share": c.share_b},
                "change_pp": c.change_pp,
                "test": c.test,
                "statistic": c.statistic,
                "p": c.p,
                "q": c.q,
                "significant": c.significant,
                "stars": c.stars,
                "status": c.status,
                "verdict": c.verdict,
                "notable": c.notable,
                "examples": {
                    "a": _example_dict(c.example_a, redacted),
                    "b": _example_dict(c.example_b, redacted),
                },
            }
            for c in result.labels
        ],
        "new": [label_ref(c) for c in result.new],
        "gone": [label_ref(c) for c in result.gone],
        "emerging": [
            {
                "term": t.term,
                "words": t.words,
                "a": {"count": t.a, "per_1000": t.per_1000_a},
                "b": {"count": t.b, "per_1000": t.per_1000_b},
                "g2": t.g2,
                "p": t.p,
                "example": _example_dict(t.example, redacted),
            }
            for t in result.emerging
        ],
    }


def trends_to_dict(result: Trends, redacted: bool = True) -> dict[str, Any]:
    """The trends matrix as plain data: sessions in date order, one row per label; session
    ids and titles masked unless ``redacted`` is False."""
    return {
        "dimension": result.dimension,
        "sessions": _sessions(result.sessions, redacted),
        "labels": [
            {"label": r.label, "name": r.name, "counts": r.counts, "shares": r.shares}
            for r in result.rows
        ],
    }


def search_to_dict(result: SearchResult) -> dict[str, Any]:
    """Search hits as plain data (``synth search --format json``)."""
    return {
        "query": result.query,
        "total": result.total,
        "hits": [
            {
                "session": h.session,
                "date": h.date,
                "ref": h.ref,
                "source": h.source,
                "line": h.line,
                "text": h.text,
                "matches": [list(span) for span in h.spans],
            }
            for h in result.hits
        ],
    }

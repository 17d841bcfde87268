"""One session's statements as ``synth show`` lists them: masked, optionally one label."""

from __future__ import annotations

from typing import Any

from synth.models import DIMENSIONS, Session, Statement
from synth.redact import mask_session, mask_statement
from synth.store import Corpus


def session_statements(
    corpus: Corpus,
    session_id: str,
    *,
    label: tuple[str | None, str] | None = None,
    redact: bool = True,
) -> tuple[Session, list[Statement]]:
    """The session and its statements in order; with ``label`` (dimension or None, label id)
    only the statements tagged with it. Personal data is masked unless ``redact`` is False
    (the stored text stays as it is)."""
    info = corpus.sessions_by_ids([session_id])[0]
    statements = corpus.statements(session_id)
    if redact:
        info = mask_session(info)
        statements = [mask_statement(s) for s in statements]
    if label:
        dim, lab = label
        dims = [dim] if dim else list(DIMENSIONS)
        statements = [s for s in statements if any(lab in s.tags.labels(d) for d in dims)]
    return info, statements


def show_to_dict(info: Session, statements: list[Statement]) -> dict[str, Any]:
    """The session and its statements as plain data (``synth show --format json``)."""
    return {
        "session": info.__dict__,
        "statements": [
            {
                "ref": f"#{s.position}",
                "text": s.text,
                "source": s.source,
                "lines": [s.line_start, s.line_end],
                "section": s.section,
                "section_shift": s.section_shift,
                "prompt": s.prompt,
                "group": s.group,
                **{d: s.tags.labels(d) for d in DIMENSIONS},
                "evidence": [e.as_dict() for e in s.tags.evidence],
                "model": s.tags.model_scores(),
            }
            for s in statements
        ],
    }

"""Re-tag stored statements with the current taxonomy, without the source files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from synth.pipeline.tagging import Tagger
from synth.store import Corpus


@dataclass
class RetagResult:
    """What re-tagging did to one session."""

    session_id: str
    statements: int
    tagged: int  # statements with at least one label after re-tagging
    changed: int  # statements whose labels differ from before


def retag(corpus: Corpus, tagger: Tagger, session_ids: Iterable[str] = ()) -> list[RetagResult]:
    """Tag the stored text of every statement of the given sessions (all when none) again
    and replace their tags, one transaction per session.

    Raises ``StoreError`` for an unknown session before anything is changed.
    """
    wanted = list(session_ids)
    sessions = corpus.sessions_by_ids(wanted) if wanted else corpus.sessions()
    results: list[RetagResult] = []
    for session in sessions:
        before = {st.position: st.tags.pairs() for st in corpus.statements(session.id)}
        rows = corpus.statement_ids(session.id)
        new_tags = list(tagger.tag_texts(text for _, text in rows))
        corpus.replace_tags(session.id, zip((sid for sid, _ in rows), new_tags, strict=True))
        changed = sum(
            1
            for position, tags in enumerate(new_tags, start=1)
            if sorted(tags.pairs()) != sorted(before.get(position, []))
        )
        results.append(
            RetagResult(
                session.id,
                len(rows),
                sum(1 for tags in new_tags if not tags.is_empty()),
                changed,
            )
        )
    return results

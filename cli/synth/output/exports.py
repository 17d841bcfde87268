"""Exports of stored sessions: a REFI-QDA project (.qdpx) or a spreadsheet (CSV, JSON lines)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from synth.errors import StoreError
from synth.output import refi, tabular
from synth.store import Corpus
from synth.taxonomy import Taxonomy


@dataclass
class Export:
    """What an export holds: the file's bytes and what went into it."""

    data: bytes
    sessions: int
    statements: int
    codings: int


def export(
    corpus: Corpus,
    session_ids: Sequence[str] | None,
    fmt: Literal["qdpx", "csv", "jsonl"],
    taxonomy: Taxonomy | None,
    *,
    redact: bool = True,
    name: str = "synth",
) -> Export:
    """The sessions ``session_ids`` (None: every stored session) as a file of ``fmt``.

    ``taxonomy`` names the codes of a .qdpx (not needed for CSV and JSON lines); ``name``
    names the project. Personal data is masked unless ``redact`` is False.
    """
    infos = corpus.sessions() if session_ids is None else corpus.sessions_by_ids(session_ids)
    if not infos:
        raise StoreError(f"no sessions stored in {corpus.path}; run 'synth ingest NOTES' first")
    loaded = [(info, corpus.statements(info.id), corpus.sources(info.id)) for info in infos]
    statements = sum(len(sts) for _, sts, _ in loaded)
    codings = sum(len(s.tags.pairs()) for _, sts, _ in loaded for s in sts)
    if fmt == "qdpx":
        if taxonomy is None:
            raise ValueError("a .qdpx export needs the taxonomy")
        items = [refi.SessionExport(i, sources, sts) for i, sts, sources in loaded]
        data = refi.project_bytes(items, taxonomy, redact=redact, name=name)
    else:
        rows = tabular.statement_rows([(i, sts) for i, sts, _ in loaded], redact=redact)
        text = tabular.to_csv(rows) if fmt == "csv" else tabular.to_jsonl(rows)
        # Bytes, so the CSV keeps its CRLF line ends on every platform.
        data = text.encode("utf-8")
    return Export(data, len(loaded), statements, codings)

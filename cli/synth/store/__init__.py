"""The corpus: the one door to SQLite. Nothing outside this package writes SQL."""

from synth.store.corpus import (
    DEFAULT_CORPUS,
    SCHEMA_VERSION,
    Corpus,
    StatementRecord,
    content_hash,
    default_corpus,
    digests_hash,
    slugify,
    statement_record,
    valid_session_id,
)

__all__ = [
    "DEFAULT_CORPUS",
    "SCHEMA_VERSION",
    "Corpus",
    "StatementRecord",
    "content_hash",
    "default_corpus",
    "digests_hash",
    "slugify",
    "statement_record",
    "valid_session_id",
]

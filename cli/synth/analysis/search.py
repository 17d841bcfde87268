"""Full-text search over every stored statement, on words as written and on their lemmas.

The index is the ``statements_fts`` FTS5 table (see ``synth.store.corpus``): it folds
case, keeps å, ä and ö distinct, and holds each statement's lemmas next to its text, so a query word
matches its other inflections ("samordna" finds "samordnade").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from synth.errors import SynthError
from synth.redact import redact
from synth.store import Corpus, queries

Lemmatize = Callable[[str], str]

_QUERY_RE = re.compile(r'"([^"]*)"|(\w[\w-]*\*?)')
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class QueryTerm:
    """A word, a stem (``samord*``) or a quoted phrase of the query, with its lemmas."""

    words: tuple[str, ...]
    lemmas: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        """The FTS5 expression: the words in the text, or their lemmas in the lemmas."""

        def phrase(words: tuple[str, ...]) -> str:
            return '"' + " ".join(words).replace('"', '""') + '"'

        if self.prefix:
            return f"(text : {phrase(self.words)} * OR lemmas : {phrase(self.words)} *)"
        return f"(text : {phrase(self.words)} OR lemmas : {phrase(self.lemmas)})"

    def matches(self, word: str, lemma: Callable[[str], str]) -> bool:
        """Whether one word of a statement is (an inflection of) a word of this term."""
        lower = word.casefold()
        if self.prefix:
            return lower.startswith(self.words[0])
        return lower in self.words or lemma(lower) in self.lemmas


def parse_query(query: str, lemmatize: Lemmatize) -> list[QueryTerm]:
    """Words, ``stem*`` and ``"quoted phrases"`` of a query; every term must match."""
    terms: list[QueryTerm] = []
    for m in _QUERY_RE.finditer(query):
        if m.group(1) is not None:
            words = tuple(w.casefold() for w in _WORD_RE.findall(m.group(1)))
            if words:
                terms.append(QueryTerm(words, tuple(lemmatize(w) for w in words)))
        else:
            raw = m.group(2)
            prefix = raw.endswith("*")
            words = tuple(w.casefold() for w in _WORD_RE.findall(raw))
            if prefix and len(words) == 1:
                terms.append(QueryTerm(words, words, prefix=True))
            elif words:
                terms.append(QueryTerm(words, tuple(lemmatize(w) for w in words)))
    if not terms:
        raise SynthError(f"nothing to search for in '{query}'; give a word, stem* or \"phrase\"")
    return terms


@dataclass
class Hit:
    """A statement that matched, with the character spans of the matching words."""

    session: str
    date: str | None
    title: str
    position: int
    source: str
    line: int
    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"#{self.position}"


@dataclass
class SearchResult:
    """Hits in date order (at most ``limit``) and how many statements matched in all."""

    query: str
    total: int
    hits: list[Hit]


def pipeline_lemmatizer() -> Lemmatize:
    """The lemmatizer of the ingest pipeline, without loading spaCy (built on first use)."""

    def lemma(word: str) -> str:
        from synth.pipeline import lemmas

        return lemmas.shared().lemma(word.lower())

    return lemma


def stored_lemmatizer(corpus: Corpus, fallback: Lemmatize) -> Lemmatize:
    """Lemmas as the ingest pipeline gave them to the same word in stored statements.

    The pipeline lemmatizes each lowercase word the same way wherever it stands, so a
    word seen in the corpus has its lemma stored next to it (``forms`` and ``lemmas`` are
    aligned token by token). Words the corpus lacks go to ``fallback``.
    """
    cache: dict[str, str] = {}

    def lemma(word: str) -> str:
        lower = word.casefold()
        if lower in cache:
            return cache[lower]
        rows = queries.forms_and_lemmas_with(corpus.db, lower)
        found = None
        for forms, lemmas in rows:
            pairs = zip(forms.split(" "), lemmas.split(" "), strict=False)
            found = next((lem for form, lem in pairs if form == lower), None)
            if found is not None:
                break
        cache[lower] = found if found is not None else fallback(lower)
        return cache[lower]

    return lemma


def match_spans(text: str, terms: list[QueryTerm], lemma: Lemmatize) -> list[tuple[int, int]]:
    """Character spans of the words of ``text`` that match any query term."""
    return [
        (m.start(), m.end())
        for m in _WORD_RE.finditer(text)
        if any(t.matches(m.group(0), lemma) for t in terms)
    ]


def search(
    corpus: Corpus,
    query: str,
    *,
    sessions: list[str] | None = None,
    labels: list[tuple[str | None, str]] | None = None,
    limit: int = 50,
    redacted: bool = True,
    lemmatize: Lemmatize | None = None,
) -> SearchResult:
    """Statements matching every term of ``query`` (as written or as a lemma).

    Query words are lemmatized with ``lemmatize``, by default as stored at ingest (see
    ``stored_lemmatizer``). ``sessions`` limits the search to those sessions; ``labels``
    to statements tagged with one of the given (dimension or None, label) pairs. Text is
    redacted unless ``redacted`` is False, and so are the session id, title and source.
    """
    terms = parse_query(query, lemmatize or stored_lemmatizer(corpus, pipeline_lemmatizer()))
    # Words of the hits are in the corpus; one the lookup misses (split differently by
    # the pipeline, as in "SIP-möte") is only not highlighted.
    lemma = lemmatize or stored_lemmatizer(corpus, lambda word: word)
    if sessions:
        corpus.sessions_by_ids(sessions)  # unknown ids are an error, not "no hits"
    total, rows = queries.search_statements(
        corpus.db,
        " AND ".join(t.fts() for t in terms),
        sessions=sessions,
        labels=labels,
        limit=limit,
    )
    hits: list[Hit] = []
    for r in rows:
        clean: Callable[[str], str] = redact if redacted else str
        text = clean(str(r["text"]))
        hits.append(
            Hit(
                session=clean(str(r["session_id"])),
                date=r["date"],
                title=clean(str(r["title"])),
                position=int(r["position"]),
                source=clean(str(r["source"])),
                line=int(r["line_start"]),
                text=text,
                spans=match_spans(text, terms, lemma),
            )
        )
    return SearchResult(query, total, hits)


def kwic(text: str, spans: list[tuple[int, int]], width: int = 40) -> tuple[str, str, str]:
    """Keyword in context: (left, keyword, right) around the first match, each side cut to
    ``width`` characters at a word boundary and marked with … where cut."""
    flat = " ".join(text.split())
    if not spans:
        right = flat if len(flat) <= 2 * width else flat[: 2 * width].rsplit(" ", 1)[0] + " …"
        return "", "", right
    # Offsets refer to the original text; map them onto the whitespace-normalised one.
    start, end = spans[0]
    left = " ".join(text[:start].split())
    if text[:start] and text[start - 1].isspace() and left:
        left += " "
    keyword = text[start:end]
    right_raw = text[end:]
    right = " ".join(right_raw.split())
    if right_raw and right_raw[0].isspace() and right:
        right = " " + right
    if len(left) > width:
        cut = left[-width:]
        left = "… " + (cut.split(" ", 1)[1] if " " in cut[:-1] else cut)
    if len(right) > width:
        cut = right[:width]
        right = (cut.rsplit(" ", 1)[0] if " " in cut[1:] else cut) + " …"
    return left, keyword, right

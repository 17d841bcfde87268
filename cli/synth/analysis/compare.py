"""Comparing sessions: what moved between two groups (diff) and label shares over time (trends).

Everything is counted in SQL over the ``tags`` and ``statements`` tables, so the cost
grows with the sessions compared, not with the corpus. Only the lemmas of the compared
statements are read into Python, to count words and two-word phrases for keyness.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, pairwise

from synth.analysis import stats
from synth.errors import SynthError
from synth.models import DIMENSIONS, Session
from synth.store import Corpus, queries
from synth.taxonomy import Taxonomy

# Fewer statements than this with a label (both sides together) is too little to test.
MIN_STATEMENTS = 5
ALPHA = 0.05

# Function words that never make a theme (lemma forms, as the lemmatizer gives them).
_STOP_WORDS_TEXT = """
    alla allt andra annan annat att av bara bli bra del den denna dess det detta dig din
    dock du där efter eller en ett finnas fler från få för genom göra ha han hela hen hon
    hur här i ibland inget inom inte jag ju kan kanske kommer komma kunna man med mellan
    men mer mig min mot mycket många ni nog när någon något några och också om oss på
    samma se sig sin sina själv ska skola som så sådan sätt till under upp ut utan vad
    var vara varför vi vid vilja vilken vår vårt än ändå är även över mm osv tex bl.a
    ex t.ex dvs pga etc nu då sedan redan väl lite ännu hos kring per ingen ju både
    varje alltid aldrig eget egen egna olika stor liten ny nya gå ge ta bör måste samt
    två tre fyra fem sex sju åtta nio tio första andra tredje
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# Words of a protocol's frame and of places, never a theme of what was said.
_BOILERPLATE_TEXT = """
    län kommun region landsting ledamot ledamöter dag dagens möte mötet protokoll
    ordförande vice bilaga föredragare beslut beslutar punkt sammanträde sammanträdesplan
    justering justera närvara närvarande deltar deltagare kommunförbund kommunförbundet
    socialchef ersättare sekreterare paragraf handling handlingarna kl klockan
    länet länets kommunen kommuner kommunerna regionen dagen möten ledamoten ledamöterna
"""
BOILERPLATE_LEMMAS = frozenset(_BOILERPLATE_TEXT.split())


@dataclass(frozen=True)
class Example:
    """A statement that shows a label, with its reference ``session#position``."""

    session: str
    position: int
    text: str

    @property
    def ref(self) -> str:
        return f"{self.session}#{self.position}"


@dataclass
class LabelChange:
    """One label compared between side A and side B."""

    dimension: str
    label: str
    name: str
    a: int  # statements with the label
    b: int
    share_a: float  # a / statements of side A (0 when side A is empty)
    share_b: float
    test: str | None  # "g2" or "fisher"; None when no statement has the label
    statistic: float | None
    p: float | None
    # p adjusted for testing every label of the diff at once (Benjamini–Hochberg); None
    # when there is no test or too few statements
    q: float | None = None
    example_a: Example | None = None
    example_b: Example | None = None

    @property
    def change_pp(self) -> float:
        """The change of the share from A to B, in percentage points."""
        return 100.0 * (self.share_b - self.share_a)

    @property
    def status(self) -> str:
        """new (only in B), gone (only in A), both, or absent."""
        if self.a == 0 and self.b == 0:
            return "absent"
        if self.a == 0:
            return "new"
        if self.b == 0:
            return "gone"
        return "both"

    @property
    def too_few(self) -> bool:
        return self.a + self.b < MIN_STATEMENTS

    @property
    def significant(self) -> bool:
        return self.q is not None and self.q < ALPHA

    @property
    def verdict(self) -> str:
        """up / down (significant), no clear change, too few statements, or absent."""
        if self.status == "absent":
            return "absent"
        if self.too_few:
            return "too few statements"
        if self.significant:
            return "up" if self.share_b > self.share_a else "down"
        return "no clear change"

    @property
    def stars(self) -> str:
        return stats.stars(self.q) if self.significant and self.q is not None else ""

    @property
    def notable(self) -> bool:
        return self.significant or self.status in ("new", "gone")


@dataclass
class EmergingTerm:
    """A lemma or two-word phrase over-represented in B and not yet in the taxonomy."""

    term: str
    words: int
    a: int  # occurrences
    b: int
    per_1000_a: float
    per_1000_b: float
    g2: float
    p: float
    example: Example | None = None


@dataclass
class Side:
    """One side of a diff: its sessions and their size."""

    sessions: list[Session]
    statements: int
    words: int = 0


@dataclass
class Diff:
    """The result of ``diff``: sides, every label compared, and emerging words."""

    a: Side
    b: Side
    labels: list[LabelChange]
    emerging: list[EmergingTerm] = field(default_factory=list)

    @property
    def new(self) -> list[LabelChange]:
        return [c for c in self.labels if c.status == "new"]

    @property
    def gone(self) -> list[LabelChange]:
        return [c for c in self.labels if c.status == "gone"]

    @property
    def notable(self) -> list[LabelChange]:
        return [c for c in self.labels if c.notable]


def split_sessions(values: Iterable[str]) -> list[str]:
    """Session ids from repeated and comma-separated values, in order, without repeats."""
    ids = [part.strip() for value in values for part in value.split(",")]
    return list(dict.fromkeys(i for i in ids if i))


def _example(row: queries.Example | None) -> Example | None:
    return Example(*row) if row else None


def _check_sides(a_ids: list[str], b_ids: list[str]) -> None:
    if not a_ids or not b_ids:
        raise SynthError("give sessions on both sides: synth diff A B (ids from 'synth sessions')")
    both = [i for i in a_ids if i in b_ids]
    if both:
        raise SynthError(f"session '{both[0]}' is on both sides; compare separate sessions")


def diff(
    corpus: Corpus,
    taxonomy: Taxonomy,
    a_ids: list[str],
    b_ids: list[str],
    *,
    emerging: int = 15,
    min_count: int = 3,
) -> Diff:
    """Compare the label shares of sessions ``a_ids`` with those of ``b_ids``.

    Every label of the taxonomy (and any stored label the taxonomy no longer has) is
    compared; notable changes get an example statement from each side. ``emerging`` is the
    number of emerging words and phrases to return (seen at least ``min_count`` times in B).
    """
    _check_sides(a_ids, b_ids)
    side_a = Side(corpus.sessions_by_ids(a_ids), 0)
    side_b = Side(corpus.sessions_by_ids(b_ids), 0)
    counted = queries.side_statement_counts(corpus.db, a_ids, b_ids)
    side_a.statements, side_b.statements = counted.get("a", 0), counted.get("b", 0)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for side, dimension, label, n in queries.side_label_counts(corpus.db, a_ids, b_ids):
        counts.setdefault((dimension, label), {})[side] = n

    keys = [(d, label.id) for d in DIMENSIONS for label in taxonomy.labels(d)]
    keys += sorted(set(counts) - set(keys))
    n_a, n_b = side_a.statements, side_b.statements
    changes: list[LabelChange] = []
    for dimension, label_id in keys:
        k_a = counts.get((dimension, label_id), {}).get("a", 0)
        k_b = counts.get((dimension, label_id), {}).get("b", 0)
        result = stats.compare_proportions(k_a, n_a, k_b, n_b) if k_a + k_b else None
        change = LabelChange(
            dimension=dimension,
            label=label_id,
            name=taxonomy.display_name(dimension, label_id),
            a=k_a,
            b=k_b,
            share_a=k_a / n_a if n_a else 0.0,
            share_b=k_b / n_b if n_b else 0.0,
            test=result.test if result else None,
            statistic=result.statistic if result else None,
            p=result.p if result else None,
        )
        changes.append(change)
    tested = [c for c in changes if c.p is not None and not c.too_few]
    for change, q in zip(
        tested, stats.benjamini_hochberg([c.p or 0.0 for c in tested]), strict=True
    ):
        change.q = q
    db = corpus.db
    for change in changes:
        if change.notable:
            dim, label = change.dimension, change.label
            change.example_a = _example(queries.label_example(db, a_ids, b_ids, "a", dim, label))
            change.example_b = _example(queries.label_example(db, a_ids, b_ids, "b", dim, label))
    terms, words_a, words_b = emerging_terms(
        corpus, taxonomy, a_ids, b_ids, top=emerging, min_count=min_count
    )
    side_a.words, side_b.words = words_a, words_b
    return Diff(side_a, side_b, changes, terms)


# --- plain sentences -----------------------------------------------------------------

SENTENCES: dict[str, dict[str, str]] = {
    "sv": {
        "up": "{name} nämndes oftare: {a} → {b} av påståendena, en tydlig skillnad.",
        "down": "{name} nämndes mer sällan: {a} → {b} av påståendena, en tydlig skillnad.",
        "new": "{name} är ny i B: {b} av påståendena (ingen i A).",
        "gone": "{name} är borta i B: {a} av påståendena i A, ingen i B.",
        "unclear": (
            "{name}: {a} → {b} av påståendena, men skillnaden är så liten att den kan vara slump."
        ),
        "none": "Inga tydliga skillnader mellan A och B i förflyttningar, begrepp och "
        "framgångsfaktorer.",
    },
    "en": {
        "up": "{name} came up more often: {a} → {b} of the statements, a clear difference.",
        "down": "{name} came up less often: {a} → {b} of the statements, a clear difference.",
        "new": "{name} is new in B: {b} of the statements (none in A).",
        "gone": "{name} is gone in B: {a} of the statements in A, none in B.",
        "unclear": "{name}: {a} → {b} of the statements, but the difference may be chance.",
        "none": "No clear differences between A and B in shifts, concepts and success factors.",
    },
}
MAX_SENTENCES = 6


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def plain_sentences(result: Diff, lang: str = "sv", taxonomy: Taxonomy | None = None) -> list[str]:
    """A few sentences a reader without statistics can follow: the clear changes, new and
    gone labels, largest first; else the largest change, said to be possibly chance.
    Label names come from ``taxonomy`` in ``lang`` when given."""
    words = SENTENCES.get(lang, SENTENCES["sv"])

    def say(key: str, c: LabelChange) -> str:
        name = taxonomy.display_name(c.dimension, c.label, lang) if taxonomy else c.name
        return words[key].format(name=name, a=_percent(c.share_a), b=_percent(c.share_b))

    clear = sorted(
        (c for c in result.labels if c.significant or c.status in ("new", "gone")),
        key=lambda c: -abs(c.change_pp),
    )
    out: list[str] = []
    for c in clear[:MAX_SENTENCES]:
        if c.status in ("new", "gone"):
            out.append(say(c.status, c))
        else:
            out.append(say("up" if c.share_b > c.share_a else "down", c))
    if not out:
        out.append(words["none"])
        moved = [c for c in result.labels if c.status == "both"]
        if moved:
            out.append(say("unclear", max(moved, key=lambda c: abs(c.change_pp))))
    return out


# --- emerging words ------------------------------------------------------------------

_WORD_RE = re.compile(r"^[^\W\d_](?:[\w-]*\w)?$")


class _Coverage:
    """Whether a lemma or phrase is already in the taxonomy's vocabulary (cached per word).

    Words and abbreviations are a set, prefixes a set looked up by the word's own
    prefixes of each stem length; suffixes and infixes are few and tried in turn.
    """

    def __init__(self, taxonomy: Taxonomy) -> None:
        values: dict[str, set[str]] = {}
        for label in taxonomy.all_labels():
            for term in label.terms:
                values.setdefault(term.kind, set()).add(term.value.casefold())
        self.words = values.get("word", set()) | values.get("abbreviation", set())
        self.prefixes = values.get("prefix", set())
        self.prefix_lengths = sorted({len(p) for p in self.prefixes})
        self.suffixes = tuple(sorted(values.get("suffix", set())))
        self.infixes = tuple(sorted(values.get("infix", set())))
        self.phrases = values.get("phrase", set())
        self.cache: dict[str, bool] = {}

    def word(self, word: str) -> bool:
        found = self.cache.get(word)
        if found is None:
            found = (
                word in self.words
                or any(word[:n] in self.prefixes for n in self.prefix_lengths if n <= len(word))
                or word.endswith(self.suffixes)
                or any(infix in word for infix in self.infixes)
            )
            self.cache[word] = found
        return found

    def phrase(self, first: str, second: str) -> bool:
        return f"{first} {second}" in self.phrases or self.word(first) or self.word(second)


def _content(lemma: str) -> bool:
    return len(lemma) >= 3 and lemma not in STOP_WORDS and bool(_WORD_RE.match(lemma))


def _count_side(rows: Iterable[tuple[str, str]]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Occurrences of every lemma and of every pair of neighbouring lemmas.

    Counting everything and filtering the distinct terms afterwards keeps the per-token
    work inside ``Counter``; this is the one place diff reads statements into Python.
    """
    # Corpora stored before lemmas were kept fall back to lowercase words.
    statements = [
        lemmas.split() if lemmas else re.findall(r"\w+|[^\w\s]", text.lower())
        for text, lemmas in rows
    ]
    # One Counter call over a chain stays in C; one call per statement does not.
    unigrams = Counter(chain.from_iterable(statements))
    bigrams = Counter(chain.from_iterable(pairwise(tokens) for tokens in statements))
    return unigrams, bigrams


def _terms(
    unigrams: Counter[str], bigrams: Counter[tuple[str, str]], coverage: _Coverage
) -> tuple[Counter[str], int]:
    """Uncovered content lemmas and phrases with their counts; and the number of words."""
    words = 0
    content: dict[str, bool] = {}
    terms: Counter[str] = Counter()
    for token, n in unigrams.items():
        if any(ch.isalpha() for ch in token):
            words += n
        content[token] = _content(token)
        if content[token] and not coverage.word(token):
            terms[token] += n
    for (first, second), n in bigrams.items():
        if content[first] and content[second] and not coverage.phrase(first, second):
            terms[f"{first} {second}"] += n
    return terms, words


def proper_names(texts: Iterable[str]) -> set[str]:
    """Lowercase words written with a capital inside a sentence more often than without:
    names of people and places ("Sofia", "Oskarshamns"), kept out of emerging words."""
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for text in texts:
        for sentence in re.split(r"(?<=[.!?:])\s+", text):
            for word in re.findall(r"[^\W\d_]+", sentence)[1:]:
                (upper if word[0].isupper() and not word.isupper() else lower)[word.lower()] += 1
    return {w for w, n in upper.items() if n > lower.get(w, 0)}


def emerging_terms(
    corpus: Corpus,
    taxonomy: Taxonomy,
    a_ids: list[str],
    b_ids: list[str],
    *,
    top: int = 15,
    min_count: int = 3,
) -> tuple[list[EmergingTerm], int, int]:
    """Lemmas and two-word phrases more frequent in B than in A by keyness (G², p < 0.05),
    not covered by any taxonomy term; with the word counts of A and B."""
    coverage = _Coverage(taxonomy)
    rows_b = list(queries.texts_and_lemmas(corpus.db, b_ids))
    count_a, words_a = _terms(*_count_side(queries.texts_and_lemmas(corpus.db, a_ids)), coverage)
    count_b, words_b = _terms(*_count_side(rows_b), coverage)
    names = proper_names(text for text, _ in rows_b)
    found: list[EmergingTerm] = []
    for term, b in count_b.items():
        a = count_a.get(term, 0)
        if b < min_count or not words_a or b / words_b <= a / words_a:
            continue
        if any(w in names or w in BOILERPLATE_LEMMAS for w in term.split()):
            continue
        statistic = stats.g2(b, words_b, a, words_a)
        p = stats.chi2_sf_1(statistic)
        if p >= ALPHA:
            continue
        found.append(
            EmergingTerm(
                term=term,
                words=term.count(" ") + 1,
                a=a,
                b=b,
                per_1000_a=1000.0 * a / words_a,
                per_1000_b=1000.0 * b / words_b,
                g2=statistic,
                p=p,
            )
        )
    found.sort(key=lambda t: (-t.g2, t.term))
    found = found[:top]
    for item in found:
        item.example = _example(queries.lemma_phrase_example(corpus.db, b_ids, item.term))
    return found, words_a, words_b


# --- trends --------------------------------------------------------------------------


@dataclass
class TrendRow:
    """One label across sessions: statements with it and their share of each session."""

    label: str
    name: str
    counts: list[int]
    shares: list[float]


@dataclass
class Trends:
    """A label × session matrix of shares, sessions in date order."""

    dimension: str
    sessions: list[Session]
    rows: list[TrendRow]


def trends(
    corpus: Corpus, taxonomy: Taxonomy, session_ids: list[str] | None, dimension: str
) -> Trends:
    """The share of each session's statements that carries each label of ``dimension``.

    ``session_ids`` None means every stored session.
    """
    if dimension not in DIMENSIONS:
        raise SynthError(f"unknown dimension '{dimension}'; use {', '.join(DIMENSIONS)}")
    if session_ids:
        chosen = corpus.sessions_by_ids(session_ids)
        order = {s.id: i for i, s in enumerate(corpus.sessions())}
        sessions = sorted(chosen, key=lambda s: order[s.id])
    else:
        sessions = corpus.sessions()
    column = {s.id: i for i, s in enumerate(sessions)}
    counts: dict[str, list[int]] = {}
    for session_id, label, n in queries.label_counts_by_session(corpus.db, dimension, session_ids):
        counts.setdefault(label, [0] * len(sessions))[column[session_id]] = n
    labels = taxonomy.ids(dimension) + sorted(set(counts) - set(taxonomy.ids(dimension)))
    rows: list[TrendRow] = []
    for label_id in labels:
        row = counts.get(label_id, [0] * len(sessions))
        shares = [
            k / s.statement_count if s.statement_count else 0.0
            for k, s in zip(row, sessions, strict=True)
        ]
        rows.append(TrendRow(label_id, taxonomy.display_name(dimension, label_id), row, shares))
    return Trends(dimension, sessions, rows)

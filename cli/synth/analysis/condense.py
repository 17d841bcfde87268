"""Condensation: statements that say the same thing merged into one point, traceably.

Method (offline, no model). Each statement becomes a bag of content lemmas, read from the
lemmas stored with it at ingest (statements without stored lemmas are lemmatised here):
stop words and workshop filler words are dropped, a few field synonyms are folded
together ("närstående" → "anhörig"), and words that set the polarity of a statement
(negations such as "inte", "aldrig", "saknas"; valence words such as "bra", "sämre") are
kept apart as its polarity. Two statements are compared by a soft cosine over their
lemmas weighted by IDF (over the statements condensed): equal lemmas count fully, lemmas
where one holds the other or that share their first six letters ("samordningsansvar" and
"samordning", a typo) count 0.8. Statements of different polarity ("SIP fungerar bra" /
"SIP fungerar inte") are never the same point.

Only statements of one block are compared: the same session, section, shift heading,
prompt and inline group. Within a block, candidate pairs come from an inverted index over
the rarer lemmas (and their six-letter prefixes): a lemma found in more than
``RARE_LIMIT`` statements of the block proposes no pairs, and each statement is scored
against at most ``MAX_CANDIDATES`` others. Statements with identical bags are merged
first. So time and memory grow with the number of statements, not with its square.
Clusters grow by complete linkage: two groups merge only when every pair across them
reaches ``threshold``, so one shared word cannot chain different statements together.
Each cluster is shown by its most central member (the shorter one on a near tie): a
statement as written, never generated text. The threshold and the word lists were chosen
on a labelled set of pairs (``tests/data/merge-pairs.jsonl``; see ``docs/handouts.md``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from synth.models import Statement

DEFAULT_THRESHOLD = 0.5
SOFT_MATCH = 0.8  # weight of a compound part, a shared six-letter prefix or a typo
PREFIX = 6
RARE_LIMIT = 50  # a lemma in more statements of a block than this proposes no pairs
MAX_CANDIDATES = 10  # statements scored against each statement
MAX_LINK_CHECKS = 2500  # pairs checked before two groups merge; beyond, they stay apart
REPRESENTATIVE_SLACK = 0.8

# Words that carry the grammar of a workshop note rather than its topic: two notes that
# share only "utveckla" or "viktigt" are not saying the same thing. The last words are
# cross-references in notes ("se föregående svar/anteckningar").
# fmt: off
FILLER_LEMMAS = frozenset({
    "göra", "behöva", "behov", "utveckla", "viktig", "hitta", "förändring", "tänka", "arbete",
    "arbeta", "stor", "ta", "ge", "öka", "god", "finnas", "kunna", "vilja",
    "se", "komma", "sätt", "exempel", "ex", "tanke", "mycket", "lite", "fler", "mer",
    "mindre", "istället", "också", "få", "bli", "ska", "måste", "hel", "använda", "användning",
    "skapa", "jobba", "föregå", "föregående", "svar", "anteckning", "anteckningar",
    "själv", "kring", "hos", "varje", "böra", "åt", "emot", "snar", "just", "till_exempel",
    "per", "både", "via", "egen", "gång", "riktig", "väldig", "faktiskt", "numera",
})
# Words of the field that say the same thing (folded to the second).
SYNONYMS = {
    "närstående": "anhörig", "doktor": "läkare", "personal": "medarbetare",
    "förtroendevald": "politiker", "prevention": "förebyggande", "preventiv": "förebyggande",
    "samarbeta": "samverka", "samverkan": "samverka", "samarbete": "samverka",
    "bemötande": "bemöta", "digitalisering": "digital", "delaktighet": "delaktig",
    "senior": "gammal", "äldre": "gammal", "stöttning": "stöd", "prova": "testa",
    "ork": "orka", "kraft": "orka",
}
# Words that set what a statement says about its topic: a negation, or a judgement.
NEGATIONS = frozenset({
    "inte", "ej", "ingen", "inget", "inga", "aldrig", "sällan", "knappast", "utan",
    "omöjlig", "saknas", "sakna", "ingenting",
})
POSITIVE = frozenset({
    "bra", "bättre", "lätt", "enkel", "smidig", "smidigare", "lyckas", "snabb", "positiv",
    "förenkla",
})
NEGATIVE = frozenset({
    "dålig", "sämre", "svår", "slöseri", "brist", "ytlig", "hinder", "problem", "negativ",
})
# fmt: on


@dataclass(frozen=True)
class Bag:
    """What a statement says, for comparing: its content lemmas and its polarity."""

    lemmas: tuple[str, ...]
    polarity: frozenset[str]


@dataclass
class Cluster:
    """Statements that say the same thing: indices into the condensed list, in order."""

    members: list[int]
    representative: int
    similarity: float = 1.0  # mean pairwise similarity of the members

    @property
    def count(self) -> int:
        return len(self.members)


# spaCy's stop words that carry the topic of a note in this field.
KEPT_STOP_WORDS = frozenset({"tillsammans"})


_STOP_WORDS: frozenset[str] | None = None


def _stop_words() -> frozenset[str]:
    """spaCy's Swedish stop words, read from its file without importing spaCy (seconds)."""
    global _STOP_WORDS
    if _STOP_WORDS is None:
        import importlib.util
        from pathlib import Path

        spec = importlib.util.find_spec("spacy")
        assert spec is not None and spec.submodule_search_locations
        path = Path(next(iter(spec.submodule_search_locations))) / "lang" / "sv" / "stop_words.py"
        namespace: dict[str, object] = {}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
        words = namespace["STOP_WORDS"]
        assert isinstance(words, set)
        _STOP_WORDS = frozenset(str(w) for w in words) - KEPT_STOP_WORDS
    return _STOP_WORDS


def _content(form: str, lemma: str, stop_words: frozenset[str]) -> bool:
    if len(form) < 2 or not any(ch.isalpha() for ch in form):
        return False
    return not (form in stop_words or lemma in stop_words or lemma in FILLER_LEMMAS)


def bag_of(pairs: Iterable[tuple[str, str]], stop_words: frozenset[str]) -> Bag:
    """The bag of (lowercase form, lemma) pairs of one statement."""
    lemmas: list[str] = []
    polarity: set[str] = set()
    for form, lemma in pairs:
        if form in NEGATIONS or lemma in NEGATIONS:
            polarity.add("negation")
        elif form in POSITIVE or lemma in POSITIVE:
            continue  # "bättre SIP" and "SIP" make the same point; only a negative differs
        elif form in NEGATIVE or lemma in NEGATIVE:
            polarity.add("negative")
        elif _content(form, lemma, stop_words):
            lemmas.append(SYNONYMS.get(lemma, lemma))
    return Bag(tuple(lemmas), frozenset(polarity))


def text_bags(texts: Sequence[str]) -> list[Bag]:
    """Bags of texts lemmatised here (for statements stored without lemmas, and pair sets)."""
    from synth.pipeline.nlp import pipeline

    stop = _stop_words()
    nlp = pipeline()
    return [
        bag_of(((t.lower_, t.lemma_.lower()) for t in doc), stop)
        for doc in nlp.pipe(texts, batch_size=256)
    ]


def statement_bags(statements: Sequence[Statement]) -> list[Bag]:
    """Bags from the lemmas stored with each statement (lemmatised here when missing)."""
    stop = _stop_words()
    bags: list[Bag | None] = [
        bag_of(zip(s.forms.split(), s.lemmas.split(), strict=False), stop)
        if s.lemmas and len(s.forms.split()) == len(s.lemmas.split())
        else None
        for s in statements
    ]
    missing = [i for i, b in enumerate(bags) if b is None]
    if missing:  # building the language pipeline costs more than condensing
        texts = [statements[i].text for i in missing]
        for i, made in zip(missing, text_bags(texts), strict=True):
            bags[i] = made
    return [b for b in bags if b is not None]


def idf_weights(bags: Sequence[Bag]) -> dict[str, float]:
    """Smoothed IDF of every lemma over the bags."""
    df: Counter[str] = Counter(w for bag in bags for w in set(bag.lemmas))
    n = len(bags)
    return {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}


def _match(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) >= 4 and (a in b or b in a):
        return SOFT_MATCH
    if len(a) >= PREFIX and len(b) >= PREFIX and a[:PREFIX] == b[:PREFIX]:
        return SOFT_MATCH
    return 0.0


def similarity(a: Bag, b: Bag, idf: dict[str, float]) -> float:
    """Soft cosine of two bags (0–1); 0 when their polarity differs or one is empty."""
    if a.polarity != b.polarity:
        return 0.0
    set_a, set_b = set(a.lemmas), set(b.lemmas)
    if not set_a or not set_b:
        return 0.0
    top = max(idf.values(), default=1.0)
    shared = set_a & set_b
    total = sum(idf.get(w, top) ** 2 for w in shared)
    matched = len(shared)
    rest_b = set_b - shared
    for x in set_a - shared:
        best, partner = 0.0, x
        for y in rest_b:
            m = _match(x, y)
            if m > best:
                best, partner = m, y
        if best:
            matched += 1
            total += best * idf.get(x, top) * idf.get(partner, top)
    # One shared word is a shared topic, not a shared point ("tidiga insatser" /
    # "vilka insatser kan vi göra"), unless that word is all either says.
    if matched < min(2, len(set_a), len(set_b)):
        return 0.0
    norm_a = math.sqrt(sum(idf.get(w, top) ** 2 for w in set_a))
    norm_b = math.sqrt(sum(idf.get(w, top) ** 2 for w in set_b))
    return min(1.0, total / (norm_a * norm_b))


def _keys(bag: Bag) -> set[str]:
    return set(bag.lemmas) | {w[:PREFIX] + "…" for w in bag.lemmas if len(w) >= PREFIX}


def candidate_pairs(bags: Sequence[Bag]) -> Iterable[tuple[int, int]]:
    """Pairs (i < j) of bags worth scoring: sharing a rare lemma or prefix, the
    ``MAX_CANDIDATES`` sharing most per bag. Memory: the index, linear in the bags."""
    keys = [_keys(b) for b in bags]
    index: dict[str, list[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            index.setdefault(k, []).append(i)
    for i, ks in enumerate(keys):
        shared: Counter[int] = Counter()
        for k in ks:
            posting = index[k]
            if len(posting) <= RARE_LIMIT:
                shared.update(j for j in posting if j > i)
        for j, _ in shared.most_common(MAX_CANDIDATES):
            yield i, j


def _block_clusters(
    units: list[list[int]], bags: Sequence[Bag], idf: dict[str, float], threshold: float
) -> list[list[int]]:
    """Complete-linkage groups of units (statements with identical bags)."""
    unit_bags = [bags[u[0]] for u in units]
    edges = [
        (value, i, j)
        for i, j in candidate_pairs(unit_bags)
        if (value := similarity(unit_bags[i], unit_bags[j], idf)) >= threshold
    ]
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    group_of = list(range(len(units)))
    groups: dict[int, list[int]] = {i: [i] for i in range(len(units))}
    for _, i, j in edges:
        a, b = group_of[i], group_of[j]
        if a == b or len(groups[a]) * len(groups[b]) > MAX_LINK_CHECKS:
            continue
        if all(
            similarity(unit_bags[x], unit_bags[y], idf) >= threshold
            for x in groups[a]
            for y in groups[b]
        ):
            for m in groups[b]:
                group_of[m] = a
            groups[a].extend(groups.pop(b))
    return [sorted(m for u in g for m in units[u]) for g in groups.values()]


def cluster(
    bags: Sequence[Bag],
    threshold: float = DEFAULT_THRESHOLD,
    lengths: Sequence[int] | None = None,
    blocks: Sequence[Hashable] | None = None,
) -> list[Cluster]:
    """Clusters of the bags, in order of their first member. Bags whose ``blocks`` keys
    differ are never merged."""
    idf = idf_weights(bags)
    by_block: dict[Hashable, dict[Bag, list[int]]] = {}
    clusters: list[Cluster] = []
    for i, bag in enumerate(bags):
        if not bag.lemmas:
            # An empty bag ("Ja.") says nothing to compare: it stays a point of its own.
            clusters.append(Cluster([i], i))
            continue
        key = blocks[i] if blocks is not None else None
        by_block.setdefault(key, {}).setdefault(bag, []).append(i)
    for units in by_block.values():
        for members in _block_clusters(list(units.values()), bags, idf, threshold):
            clusters.append(_with_representative(members, bags, idf, lengths))
    clusters.sort(key=lambda c: c.members[0])
    return clusters


def _with_representative(
    members: list[int], bags: Sequence[Bag], idf: dict[str, float], lengths: Sequence[int] | None
) -> Cluster:
    if len(members) == 1:
        return Cluster(members, members[0])
    distinct = list(dict.fromkeys(bags[m] for m in members))
    sims = {(x, y): similarity(x, y, idf) if x != y else 1.0 for x in distinct for y in distinct}
    pair_sum = {m: sum(sims[(bags[m], bags[o])] for o in members if o != m) for m in members}
    # The most central member, or a shorter one nearly as central: a point reads best
    # as the briefest way the participants said it.
    top = max(pair_sum.values())
    central = [m for m in members if pair_sum[m] >= REPRESENTATIVE_SLACK * top]
    best = min(central, key=lambda m: ((lengths[m] if lengths else 0), -pair_sum[m], m))
    size = len(members)
    mean = sum(pair_sum.values()) / (size * (size - 1))
    return Cluster(members, best, round(mean, 3))


def block_key(st: Statement, session: int = 0) -> tuple[object, ...]:
    """Statements are compared only within one session, section, heading, prompt, group."""
    return (session, st.section, st.section_shift, st.prompt, st.group)


def condense(
    statements: Sequence[Statement],
    threshold: float = DEFAULT_THRESHOLD,
    sessions: Sequence[int] | None = None,
) -> list[Cluster]:
    """Merge statements that say the same thing. Every statement is in exactly one cluster.

    ``sessions[i]`` is the session of statement i (all one session when None); statements
    of different sessions, sections, shift headings, prompts or groups are never merged.
    """
    if not statements:
        return []
    bags = statement_bags(statements)
    lengths = [len(re.findall(r"\w+", s.text)) for s in statements]
    blocks = [
        block_key(s, sessions[i] if sessions is not None else 0) for i, s in enumerate(statements)
    ]
    return cluster(bags, threshold, lengths, blocks)

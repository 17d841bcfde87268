"""Condensation: near-duplicate statements merged into one point, traceably.

Method (offline, no model): each statement becomes a bag of content lemmas (spaCy's
blank Swedish tokenizer with the simplemma lemmatizer of ``synth.pipeline.nlp``; stop words and
a short list of workshop filler words removed). The bags are weighted by TF-IDF over
the statements being condensed and compared by cosine similarity. Clusters grow by
average linkage: two groups merge when the mean similarity of all their pairs reaches
``threshold``, so one shared word cannot chain unrelated statements together. Each
cluster is represented by the member most similar to the others (the shorter one on a
tie): a statement as written, never generated text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from synth.models import Statement

DEFAULT_THRESHOLD = 0.25
# Statements given in answer to the same prompt under the same heading are closer in
# meaning than their words alone show; pairs that share a lemma get this much extra.
CONTEXT_BONUS = 0.1
REPRESENTATIVE_SLACK = 0.8

# Words that carry the grammar of a workshop note rather than its topic: two notes that
# share only "utveckla" or "viktigt" are not saying the same thing. The last words are
# cross-references in notes ("se föregående svar/anteckningar").
# fmt: off
FILLER_LEMMAS = frozenset({
    "göra", "behöva", "behov", "utveckla", "viktig", "hitta", "förändring", "tänka", "arbete",
    "arbeta", "stor", "ta", "ge", "öka", "bra", "god", "bättre", "finnas", "kunna", "vilja",
    "se", "komma", "sätt", "exempel", "ex", "tanke", "mycket", "lite", "fler", "mer",
    "mindre", "istället", "också", "få", "bli", "ska", "måste", "hel", "använda", "användning",
    "skapa", "jobba", "föregå", "föregående", "svar", "anteckning", "anteckningar",
})
# fmt: on


@dataclass
class Cluster:
    """Statements that say the same thing: indices into the condensed list, in order."""

    members: list[int]
    representative: int
    similarity: float = 1.0  # mean pairwise similarity of the members

    @property
    def count(self) -> int:
        return len(self.members)


def content_lemmas(texts: Sequence[str]) -> list[list[str]]:
    """The content lemmas of each text (lowercase), in order of appearance."""
    from spacy.lang.sv.stop_words import STOP_WORDS

    from synth.pipeline.nlp import pipeline

    nlp = pipeline()
    out: list[list[str]] = []
    for doc in nlp.pipe(texts, batch_size=256):
        lemmas = []
        for tok in doc:
            if not any(ch.isalpha() for ch in tok.text) or len(tok.text) < 2:
                continue
            lemma = tok.lemma_.lower()
            if tok.lower_ in STOP_WORDS or lemma in STOP_WORDS or lemma in FILLER_LEMMAS:
                continue
            lemmas.append(lemma)
        out.append(lemmas)
    return out


def tfidf_vectors(bags: Sequence[Sequence[str]]) -> list[dict[str, float]]:
    """L2-normalised TF-IDF vectors (smoothed idf) of lemma bags."""
    n = len(bags)
    df: dict[str, int] = {}
    for bag in bags:
        for word in set(bag):
            df[word] = df.get(word, 0) + 1
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
    vectors: list[dict[str, float]] = []
    for bag in bags:
        vec: dict[str, float] = {}
        for word in bag:
            vec[word] = vec.get(word, 0.0) + idf[word]
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        vectors.append({w: x / norm for w, x in vec.items()})
    return vectors


def similarities(
    vectors: Sequence[dict[str, float]],
    contexts: Sequence[object] | None = None,
    bonus: float = CONTEXT_BONUS,
) -> dict[tuple[int, int], float]:
    """Cosine similarity of every pair (i < j) that shares at least one lemma, plus
    ``bonus`` when both have the same context (heading and prompt)."""
    index: dict[str, list[int]] = {}
    for i, vec in enumerate(vectors):
        for word in vec:
            index.setdefault(word, []).append(i)
    sims: dict[tuple[int, int], float] = {}
    for i, vec in enumerate(vectors):
        candidates = {j for word in vec for j in index[word] if j > i}
        for j in candidates:
            other = vectors[j]
            value = sum(x * other.get(w, 0.0) for w, x in vec.items())
            if contexts is not None and contexts[i] == contexts[j]:
                value += bonus
            sims[(i, j)] = value
    return sims


def cluster(
    vectors: Sequence[dict[str, float]],
    threshold: float = DEFAULT_THRESHOLD,
    lengths: Sequence[int] | None = None,
    contexts: Sequence[object] | None = None,
    partition: Sequence[object] | None = None,
) -> list[Cluster]:
    """Average-linkage clusters of the vectors, in order of their first member.

    Vectors whose ``partition`` keys differ are never merged.
    """
    sims = similarities(vectors, contexts)
    if partition is not None:
        sims = {(i, j): v for (i, j), v in sims.items() if partition[i] == partition[j]}

    def sim(i: int, j: int) -> float:
        return sims.get((i, j) if i < j else (j, i), 0.0)

    # Average linkage with running sums: links[a][b] is the summed similarity of the pairs
    # between groups a and b, so each merge costs the number of groups it touches.
    group_of = list(range(len(vectors)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(vectors))}
    links: dict[int, dict[int, float]] = {i: {} for i in range(len(vectors))}
    for (i, j), value in sims.items():
        links[i][j] = value
        links[j][i] = value
    for (i, j), value in sorted(sims.items(), key=lambda kv: (-kv[1], kv[0])):
        if value < threshold:
            break
        a, b = group_of[i], group_of[j]
        if a == b:
            continue
        if links[a].get(b, 0.0) / (len(members[a]) * len(members[b])) < threshold:
            continue
        if len(members[a]) < len(members[b]):
            a, b = b, a
        for other, total in links.pop(b).items():
            if other == a:
                continue
            links[a][other] = links[a].get(other, 0.0) + total
            links[other][a] = links[a][other]
            del links[other][b]
        links[a].pop(b, None)
        for m in members[b]:
            group_of[m] = a
        members[a].extend(members.pop(b))
    clusters = [_with_representative(sorted(m), sim, lengths) for m in members.values()]
    clusters.sort(key=lambda c: c.members[0])
    return clusters


def _with_representative(
    members: list[int],
    sim: Callable[[int, int], float],
    lengths: Sequence[int] | None,
) -> Cluster:
    if len(members) == 1:
        return Cluster(members, members[0])
    pair_sum = {m: sum(sim(m, o) for o in members if o != m) for m in members}
    size = len(members)
    # The most central member, or a shorter one nearly as central: a point reads best
    # as the briefest way the participants said it.
    top = max(pair_sum.values())
    central = [m for m in members if pair_sum[m] >= REPRESENTATIVE_SLACK * top]
    best = min(central, key=lambda m: ((lengths[m] if lengths else 0), -pair_sum[m], m))
    mean = sum(pair_sum.values()) / (size * (size - 1))
    return Cluster(members, best, round(mean, 3))


def condense(
    statements: Sequence[Statement], threshold: float = DEFAULT_THRESHOLD
) -> list[Cluster]:
    """Merge near-duplicate statements. Every statement is in exactly one cluster."""
    if not statements:
        return []
    bags = content_lemmas([s.text for s in statements])
    lengths = [len(re.findall(r"\w+", s.text)) for s in statements]
    contexts = [(s.section, s.section_shift, s.prompt) for s in statements]
    # An untagged statement is never merged into a tagged point: untagged statements are
    # listed under "Övrigt", where a facilitator looks for what the taxonomy missed.
    tagged = [not s.tags.is_empty() for s in statements]
    return cluster(tfidf_vectors(bags), threshold, lengths, contexts, partition=tagged)


def key_phrases(texts: Sequence[str], max_words: int) -> list[str]:
    """Each text as a phrase of at most ``max_words`` words, in its own words.

    A short text stays whole; otherwise its first clause when that is short and says
    something, else its opening ``max_words - 1`` words when they hold two content words,
    else the run of that many words with the most content words (earliest on a tie).
    Left-out words are marked with an ellipsis.
    """
    out: list[str] = []
    long = [t for t in texts if len(t.split()) > max_words]
    words_of = {t: t.split() for t in long}
    vocabulary = sorted({w for t in long for w in words_of[t]})
    content = dict(zip(vocabulary, (bool(b) for b in content_lemmas(vocabulary)), strict=True))
    for text in texts:
        words = words_of.get(text)
        if words is None:
            out.append(text)
            continue
        head = words[: first_clause(words)]
        if 2 <= len(head) <= max_words and sum(content[w] for w in head) >= 2:
            out.append(cut_phrase(head, leading=False, trailing=True))
            continue
        size = max_words - 1
        # A phrase never runs across the end of a sentence or clause.
        starts = [
            i
            for i in range(len(words) - size + 1)
            if not any(w[-1] in ".;:!?" for w in words[i : i + size - 1])
        ] or [0]
        # The opening reads most naturally; move on only when it says little.
        start = 0
        if 0 not in starts or sum(content[w] for w in words[:size]) < 2:
            start = max(
                starts,
                key=lambda i: (sum(content[w] for w in words[i : i + size]), content[words[i]], -i),
            )
        end = start + size
        out.append(cut_phrase(words[start:end], leading=start > 0, trailing=end < len(words)))
    return out


_TRIM = " ,;:–—-"
# Words a phrase does not end on where words were cut away after it (nor begin with where
# words were cut before it): "Bygga strukturer för att …" reads as "Bygga strukturer …".
_DANGLING = frozenset(
    [
        "och",
        "eller",
        "men",
        "samt",
        "att",
        "som",
        "för",
        "till",
        "i",
        "på",
        "av",
        "med",
        "om",
        "från",
        "åt",
        "mot",
        "hos",
        "under",
        "efter",
        "en",
        "ett",
        "den",
        "det",
        "de",
        "är",
        "var",
        "så",
        "när",
        "än",
        "utan",
        "både",
        "vad",
    ]
)


def cut_phrase(words: Sequence[str], *, leading: bool, trailing: bool) -> str:
    """Words cut from a longer text, with an ellipsis on each side that lost words.

    Function words at a cut are dropped as well (at least two words are kept).
    """
    kept = list(words)
    while trailing and len(kept) > 2 and kept[-1].lower().strip(_TRIM + ".!?") in _DANGLING:
        kept.pop()
    while leading and len(kept) > 2 and kept[0].lower().strip(_TRIM) in _DANGLING:
        kept.pop(0)
    phrase = " ".join(kept)
    if trailing:
        phrase = phrase.rstrip(_TRIM + ".!?") + " …"
    # A quotation cut in two is closed (or opened) where the cut is: 'Tänk "vad kan …"'.
    for mark in '"”':
        if phrase.count(mark) % 2:
            if trailing:
                phrase += mark
            elif leading:
                phrase = mark + phrase
    return "… " + phrase if leading else phrase


def first_clause(words: Sequence[str]) -> int:
    """How many words the first clause has: up to a word ending in punctuation or a dash."""
    for i, word in enumerate(words):
        if word[-1] in ".;:!?,":
            return i + 1
        if i + 1 < len(words) and words[i + 1] in ("–", "—", "-"):
            return i + 1
    return len(words)

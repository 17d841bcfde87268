"""Tagging statements against the taxonomy, with the evidence for every tag.

The hybrid decision: the taxonomy's terms give the tags they match, with the words as
evidence; the trained classifier (``synth.pipeline.classifier``), when there is one, drops
a tag of the terms whose score for that label stays below the label's veto (a word used in
another sense, which the statement's other words give away), and adds the labels the words
missed whose score reaches the label's threshold, with the words that weighed most as
evidence; a label whose exclude (false friend) matched in the statement is never added,
by terms or by the model.

Tagging needs only spaCy's tokenizer: everything else is a property of a word type (the
text as written), looked up once and cached, so the cost per token is a dictionary
lookup. A word type knows its lower case, lemma (simplemma), the word and stem terms it
hits, whether it ends a sentence, and which phrase terms may start at it; a phrase is
checked only where one may start. (spaCy's ``PhraseMatcher`` on lemmas needed the
lemmatizer to write a lemma into every token first, and its sentencizer made a Token
object per word: together more than the tokenizer's own time, cProfile of ``tag``.)
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from synth.models import DIMENSIONS, Evidence, TagSet
from synth.pipeline.classifier import FUNCTION_WORDS, TOP_WORDS, Classifier, term_features
from synth.taxonomy import Label, Taxonomy, Term

if TYPE_CHECKING:
    import numpy
    from spacy.language import Language
    from spacy.tokens import Doc


@dataclass(frozen=True)
class _Hit:
    dimension: str
    label: str
    term: str
    exclude: bool


@dataclass(frozen=True)
class _Phrase:
    """A phrase term: its words in lower case, and the lemmas each word may have."""

    dimension: str
    label: str
    term: str
    exclude: bool
    lowers: tuple[str, ...]
    lemmas: tuple[frozenset[str], ...]

    def matches(self, types: Sequence[WordType], start: int) -> bool:
        """Whether the phrase matches at ``start``: every word by its lower case, or every
        word by its lemma (as spaCy's PhraseMatcher on LOWER and on LEMMA did)."""
        if start + len(self.lowers) > len(types):
            return False
        by_lower = by_lemma = True
        # Plain loops, leaving at the first word that fits neither way: most candidates
        # fail on their second word.
        for offset, (lower, lemmas) in enumerate(zip(self.lowers, self.lemmas, strict=True)):
            word = types[start + offset]
            by_lower = by_lower and word.lower == lower
            by_lemma = by_lemma and word.lemma in lemmas
            if not (by_lower or by_lemma):
                return False
        return True


@dataclass(eq=False, slots=True)
class WordType:
    """A word as written, once per corpus: its lower case, lemma and taxonomy hits."""

    text: str
    lower: str
    lemma: str
    space: bool
    hits: tuple[_Hit, ...]
    punct: bool = False  # spaCy's is_punct
    sentence_end: bool = False  # one of the characters spaCy's sentencizer ends a sentence on
    phrase_first: bool = False  # the first word of some phrase term
    is_word: bool = False  # has a letter: a word the classifier reads
    # The classifier's weight row of its lemma, set once per type: a statement's rows are
    # then read off its word types (0: not a word; -1: not read yet).
    row: int = 0
    marked: bool = False  # hits a term or may start a phrase: term tagging looks at it


@dataclass
class Tokens:
    """One text's tokens: the word type and character offset of each."""

    text: str
    types: list[WordType]
    starts: list[int]


# Text whose only whitespace is single spaces between words: spaCy's tokenizer splits it
# into the tokens of each space-separated chunk, each chunk on its own.
_OTHER_SPACING = re.compile(r"[^\S ]|  |^ | $")
# Chunks kept in the cache before it starts afresh (bounds its memory).
_CHUNK_CACHE_SIZE = 500_000
# A chunk's word types, their offsets in it (None: one token), and its length + 1 (the
# step to the next chunk): no len() per chunk of a text.
_Chunk = tuple[tuple[WordType, ...], tuple[int, ...] | None, int]


def _word_hits(term: Term, lower: str, lemma: str, text: str) -> bool:
    kind, value = term.kind, term.value
    if kind == "word":
        return lower == value or lemma == value
    if kind == "prefix":
        return lower.startswith(value) or lemma.startswith(value)
    if kind == "suffix":
        return lower.endswith(value) or lemma.endswith(value)
    if kind == "infix":
        return value in lower
    if kind == "abbreviation":
        # SIP, SIP:en, SIP-möte: the abbreviation as written, alone or before - or :
        return text == value or text.startswith((value + "-", value + ":"))
    return False


def _has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


class Tagger:
    """Tags statements (token spans of a text) with labels of the three dimensions.

    With a ``classifier`` the tags are hybrid (see the module's docstring); with
    ``terms=False`` the classifier alone tags (for comparing the two in ``synth eval``).
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        nlp: Language | None = None,
        classifier: Classifier | None = None,
        terms: bool = True,
    ) -> None:
        from spacy.attrs import IDX, ORTH
        from spacy.pipeline.sentencizer import Sentencizer

        from synth.pipeline import lemmas
        from synth.pipeline import nlp as nlp_module

        self._heading_cache: dict[str, str | None] = {}
        self._attrs = [ORTH, IDX]
        self._sentence_chars = frozenset(Sentencizer.default_punct_chars)
        self._lemmas = lemmas.shared()
        self.taxonomy = taxonomy
        self.classifier = classifier
        self.terms = terms
        self.nlp: Language = nlp if nlp is not None else nlp_module.pipeline()
        self._order = {
            (d, label.id): i for d in DIMENSIONS for i, label in enumerate(taxonomy.labels(d))
        }
        self._word_terms: list[tuple[Label, Term, bool]] = []
        phrase_terms: list[tuple[Label, Term, bool]] = []
        for label in taxonomy.all_labels():
            for term, excl in [(t, False) for t in label.terms] + [
                (t, True) for t in label.exclude
            ]:
                # "person/relation" is one term but three tokens: match it as a phrase.
                multi_token = term.kind == "word" and len(self.nlp.make_doc(term.value)) > 1
                if term.kind == "phrase" or multi_token:
                    phrase_terms.append((label, term, excl))
                else:
                    self._word_terms.append((label, term, excl))
        # Exact words go in a dict; stems are checked per new word type.
        self._exact: dict[str, list[tuple[Label, Term, bool]]] = {}
        self._stems: list[tuple[Label, Term, bool]] = []
        for label, term, excl in self._word_terms:
            if term.kind == "word":
                self._exact.setdefault(term.value, []).append((label, term, excl))
            else:
                self._stems.append((label, term, excl))
        # Prefix stems by their text: a new word type looks up its own prefixes of each
        # length instead of trying every stem (most stems are prefixes).
        self._prefixes: dict[str, list[int]] = {}
        self._other_stems: list[int] = []
        for n, (_label, term, _excl) in enumerate(self._stems):
            if term.kind == "prefix":
                self._prefixes.setdefault(term.value, []).append(n)
            else:
                self._other_stems.append(n)
        self._prefix_lengths = sorted({len(value) for value in self._prefixes})
        self._phrases = [self._phrase(label, term, excl) for label, term, excl in phrase_terms]
        # Phrase indices by the keys (lower case or lemma) their first and second word may
        # have (None: a phrase of one token); a phrase is checked only where both fit.
        self._phrase_index: dict[str, dict[str | None, list[int]]] = {}
        for n, phrase in enumerate(self._phrases):
            seconds: list[str | None] = (
                [phrase.lowers[1], *phrase.lemmas[1]] if len(phrase.lowers) > 1 else [None]
            )
            for first in {phrase.lowers[0], *phrase.lemmas[0]}:
                for second in dict.fromkeys(seconds):
                    self._phrase_index.setdefault(first, {}).setdefault(second, []).append(n)
        # Candidate phrases at a pair of word types (None: the text's last word).
        self._pairs: dict[tuple[WordType, WordType | None], tuple[int, ...]] = {}
        self._types: dict[int, WordType] = {}
        self._chunks: dict[str, _Chunk] = {}
        # Word types whose classifier row is not read yet (read a batch at a time).
        self._unread: list[WordType] = []
        # The classifier's rows of the term features of each set of term tags.
        self._features: dict[tuple[tuple[str, ...], ...], list[int]] = {}

    def _phrase(self, label: Label, term: Term, exclude: bool) -> _Phrase:
        """A phrase term's words, and the lemmas each may have: as lemmatized, or as written.

        Terms are written in base form, so a word as written is a lemma too: the
        lemmatizer reads "klara" (to manage) in "klara det mesta" as the adjective "klar",
        while "klarar" in a statement gets the lemma "klara"; "det" and "mesta" still have
        to match as lemmas ("den", "mycket").
        """
        lowers = tuple(t.lower_ for t in self.nlp.make_doc(term.value))
        options = tuple(frozenset((self._lemmas.lemma(w), w)) for w in lowers)
        return _Phrase(label.dimension, label.id, term.raw, exclude, lowers, options)

    def _token_hits(self, text: str, lower: str, lemma: str) -> tuple[_Hit, ...]:
        """The terms one word hits (uncached; ``tokens`` caches them per word type)."""
        found: list[_Hit] = []
        for cand in (lower, lemma):
            for label, term, excl in self._exact.get(cand, ()):
                found.append(_Hit(label.dimension, label.id, term.raw, excl))
        stems = self._stems
        hit: set[int] = set()
        prefixes = self._prefixes
        for length in self._prefix_lengths:
            hit.update(prefixes.get(lower[:length], ()))
            hit.update(prefixes.get(lemma[:length], ()))
        hit.update(n for n in self._other_stems if _word_hits(stems[n][1], lower, lemma, text))
        for n in sorted(hit):  # in the order of the stems, as when each was tried in turn
            label, term, excl = stems[n]
            found.append(_Hit(label.dimension, label.id, term.raw, excl))
        return tuple(dict.fromkeys(found))

    def tokens(self, doc: Doc, text: str) -> Tokens:
        """The word types and character offsets of ``doc``'s tokens (``text``: its text).

        Types are cached by the string id of the text as written: lower case, lemma and
        hits are functions of it, so each type is looked up and matched once. Tokens are
        read as arrays of ids: a Token object per word cost more than the matching.
        """
        if not len(doc):
            return Tokens(text, [], [])
        orths, starts = doc.to_array(self._attrs).T.tolist()
        cache = self._types
        types = [
            cache[orth] if orth in cache else self._new_type(doc, i, orth)
            for i, orth in enumerate(orths)
        ]
        return Tokens(text, types, starts)

    def split(self, text: str) -> Tokens:
        """The tokens of ``text``, as spaCy's tokenizer makes them.

        spaCy's tokenizer splits text at single spaces and tokenizes each chunk on its
        own (its own cache is keyed by the chunk), so the tokens of a chunk are looked up
        in a cache of chunks here: no Doc is made for text seen before. Text with other
        whitespace (line breaks, runs of spaces) goes through spaCy's tokenizer.
        """
        if not text or _OTHER_SPACING.search(text):
            return self.tokens(self.nlp.tokenizer(text), text)
        get = self._chunks.get
        types: list[WordType] = []
        starts: list[int] = []
        start = starts.append
        position = 0
        for chunk in text.split(" "):
            found = get(chunk)
            if found is None:
                found = self._new_chunk(chunk)
            chunk_types, chunk_starts, step = found
            types += chunk_types
            if chunk_starts is None:
                start(position)
            else:
                starts += [position + offset for offset in chunk_starts]
            position += step
        return Tokens(text, types, starts)

    def _new_chunk(self, chunk: str) -> _Chunk:
        tokens = self.tokens(self.nlp.tokenizer(chunk), chunk)
        if len(self._chunks) >= _CHUNK_CACHE_SIZE:
            self._chunks.clear()
        starts = None if len(tokens.starts) == 1 else tuple(tokens.starts)
        found = self._chunks[chunk] = (tuple(tokens.types), starts, len(chunk) + 1)
        return found

    def _new_type(self, doc: Doc, i: int, orth: int) -> WordType:
        token = doc[i]
        text, lower = token.text, token.lower_
        lemma = self._lemmas.lemma(lower)
        is_word = _has_letter(text)
        hits = self._token_hits(text, lower, lemma) if is_word else ()
        phrase_first = lower in self._phrase_index or lemma in self._phrase_index
        word = WordType(
            text,
            lower,
            lemma,
            token.is_space,
            hits,
            punct=token.is_punct,
            sentence_end=text in self._sentence_chars,
            phrase_first=phrase_first,
            is_word=is_word,
            row=-1 if is_word else 0,
            marked=bool(hits) or phrase_first,
        )
        self._types[orth] = word
        if is_word and self.classifier is not None:
            self._unread.append(word)
        return word

    def _phrase_matches(
        self, types: Sequence[WordType], firsts: Iterable[int]
    ) -> list[tuple[int, int, int]]:
        """(start, end, phrase index) of every phrase term found at the positions
        ``firsts`` (those of the words a phrase may start with), in order."""
        found: list[tuple[int, int, int]] = []
        phrases = self._phrases
        pairs = self._pairs
        last = len(types) - 1
        for i in firsts:
            key = (types[i], types[i + 1] if i < last else None)
            candidates = pairs.get(key)
            if candidates is None:
                candidates = pairs[key] = self._candidates(*key)
            for n in candidates:
                if phrases[n].matches(types, i):
                    found.append((i, i + len(phrases[n].lowers), n))
        found.sort()
        return found

    def _candidates(self, word: WordType, after: WordType | None) -> tuple[int, ...]:
        """The phrases that may start at ``word`` when ``after`` (None: nothing) follows."""
        found: set[int] = set()
        for first in (word.lower, word.lemma):
            seconds = self._phrase_index.get(first, {})
            found.update(seconds.get(None, ()))
            if after is not None:
                found.update(seconds.get(after.lower, ()))
                found.update(seconds.get(after.lemma, ()))
        return tuple(sorted(found))

    def tag_tokens(self, tokens: Tokens, spans: Sequence[tuple[int, int]]) -> list[TagSet]:
        """Tag each token span ``(start, end)``; evidence offsets are span-relative."""
        results, excluded = self._term_tags(tokens, spans)
        if self.classifier is not None:
            self._add_model_tags([(tokens, span) for span in spans], results, excluded)
        return results

    def tag_many(
        self, items: Sequence[tuple[Tokens, Sequence[tuple[int, int]]]]
    ) -> list[list[TagSet]]:
        """``tag_tokens`` of several texts (tokens, spans); the classifier scores the spans
        of all of them in one batch."""
        results: list[TagSet] = []
        excluded: list[set[tuple[str, str]]] = []
        model_items: list[tuple[Tokens, tuple[int, int]]] = []
        for tokens, spans in items:
            tags, blocked = self._term_tags(tokens, spans)
            results.extend(tags)
            excluded.extend(blocked)
            model_items.extend((tokens, span) for span in spans)
        if self.classifier is not None:
            self._add_model_tags(model_items, results, excluded)
        out: list[list[TagSet]] = []
        n = 0
        for _, spans in items:
            out.append(results[n : n + len(spans)])
            n += len(spans)
        return out

    def _term_tags(
        self, tokens: Tokens, spans: Sequence[tuple[int, int]]
    ) -> tuple[list[TagSet], list[set[tuple[str, str]]]]:
        """The terms' tags of each span, and the labels whose excludes matched in it
        (with ``terms=False``, only when the classifier reads them as features)."""
        if not self.terms and not (self.classifier is not None and self.classifier.reads_terms):
            return [TagSet() for _ in spans], [set() for _ in spans]
        types = tokens.types
        # Most words neither hit a term nor may start a phrase: only the others are read.
        marked = [i for i, t in enumerate(types) if t.marked]
        if not marked:
            return [TagSet() for _ in spans], [set() for _ in spans]
        firsts = [i for i in marked if types[i].phrase_first]
        phrase_matches = self._phrase_matches(types, firsts) if firsts else []
        word_hits = [(i, types[i].hits) for i in marked if types[i].hits]
        if not (phrase_matches or word_hits):
            return [TagSet() for _ in spans], [set() for _ in spans]
        phrase_starts = [m[0] for m in phrase_matches]
        hit_positions = [i for i, _ in word_hits]
        results: list[TagSet] = []
        excluded: list[set[tuple[str, str]]] = []
        # Each span takes the matches inside it by bisection: a paragraph of many
        # sentences would otherwise scan every match of the paragraph for each one.
        for span_start, span_end in spans:
            if len(spans) == 1:
                phrases, words = phrase_matches, word_hits
            else:
                phrases = phrase_matches[
                    bisect_left(phrase_starts, span_start) : bisect_left(phrase_starts, span_end)
                ]
                words = word_hits[
                    bisect_left(hit_positions, span_start) : bisect_left(hit_positions, span_end)
                ]
            tags, span_excluded = self._tag_span(tokens, span_start, span_end, phrases, words)
            results.append(tags)
            excluded.append(span_excluded)
        return results, excluded

    def _add_model_tags(
        self,
        items: Sequence[tuple[Tokens, tuple[int, int]]],
        results: list[TagSet],
        excluded: list[set[tuple[str, str]]],
    ) -> None:
        """Drop the terms' tags the classifier scores below their vetoes, and add the
        labels it scores at or above their thresholds to each statement (a text's tokens
        and its span; all scored in one batch), unless the terms gave them already or an
        exclude matched."""
        assert self.classifier is not None
        classifier = self.classifier
        unread = self._unread
        if unread:
            # The rows of the word types new since the last batch, in one predict call.
            for word, row in zip(unread, classifier.rows([w.lemma for w in unread]), strict=True):
                word.row = row
            unread.clear()
        # A statement's rows are those of its words (row 0: not a word), in text order.
        rows = [[r for w in tokens.types[s:e] if (r := w.row)] for tokens, (s, e) in items]
        scored = rows
        if classifier.reads_terms:
            # The terms' tags (before any veto) are features too: the rows of their
            # pseudo-words follow the words'.
            scored = [
                words if tags.is_empty() else words + self._feature_rows(tags)
                for words, tags in zip(rows, results, strict=True)
            ]
            if not self.terms:
                results[:] = [TagSet() for _ in results]
                excluded[:] = [set() for _ in excluded]
        probabilities = classifier.scores(scored)
        self._veto_term_tags(probabilities, results)
        above = probabilities >= classifier.thresholds
        labels = classifier.labels
        for k, j in zip(*above.nonzero(), strict=True):
            dim, label = labels[j]
            tags = results[k]
            labelled = tags.labels(dim)
            if (dim, label) not in self._order or label in labelled:
                continue
            if (dim, label) in excluded[k]:
                continue
            labelled.append(label)
            labelled.sort(key=lambda x, d=dim: self._order[(d, x)])
            tags.scores[(dim, label)] = round(float(probabilities[k, j]), 3)
            tokens, (span_start, span_end) = items[k]
            types = tokens.types
            positions = [i for i in range(span_start, span_end) if types[i].is_word]
            tags.evidence.extend(
                self._model_evidence(tokens, span_start, positions, rows[k], dim, label, j)
            )

    def _feature_rows(self, tags: TagSet) -> list[int]:
        """The classifier's rows of the pseudo-words of a statement's term tags (cached
        by the labels: few sets of labels recur)."""
        key = (tuple(tags.shifts), tuple(tags.concepts), tuple(tags.factors))
        rows = self._features.get(key)
        if rows is None:
            assert self.classifier is not None
            rows = self._features[key] = self.classifier.rows(term_features(tags.pairs()))
        return rows

    def classifier_words(self, text: str) -> list[str]:
        """What the classifier reads of a text tagged as one statement: the lemmas of its
        words, then the pseudo-words of the terms' tags (``term_features``). Training
        builds its docs with this, so they are what tagging scores."""
        tokens = self.split(text)
        words = [w.lemma for w in tokens.types if w.is_word]
        if not tokens.types or not self.terms:
            return words
        (tags,), _ = self._term_tags(tokens, [(0, len(tokens.types))])
        return words + term_features(tags.pairs())

    def _veto_term_tags(
        self, probabilities: numpy.ndarray[Any, Any], results: list[TagSet]
    ) -> None:
        """Drop each tag of the terms whose score stays below its label's veto, with its
        evidence (a veto is at most the label's threshold: the model does not add it back)."""
        assert self.classifier is not None
        vetoes = self.classifier.vetoes
        if not self.terms or not vetoes.any():
            return
        labels = self.classifier.labels
        for k, j in zip(*(probabilities < vetoes).nonzero(), strict=True):
            dim, label = labels[j]
            tags = results[k]
            if label in tags.labels(dim):
                tags.labels(dim).remove(label)
                tags.evidence = [e for e in tags.evidence if (e.dimension, e.label) != (dim, label)]

    def _model_evidence(
        self,
        tokens: Tokens,
        span_start: int,
        positions: list[int],
        rows: list[int],
        dim: str,
        label: str,
        label_index: int,
    ) -> list[Evidence]:
        """The words that pushed a model tag's score most (positive weight), in text order;
        function words are left out of what is shown."""
        assert self.classifier is not None
        weights = self.classifier.weights(rows, label_index)
        types, starts = tokens.types, tokens.starts
        best: dict[str, tuple[float, int]] = {}
        for i, w in zip(positions, weights, strict=True):
            if w <= 0:
                continue
            lower = types[i].lower
            if lower in FUNCTION_WORDS:
                continue
            if lower not in best or w > best[lower][0]:
                best[lower] = (w, i)
        top = sorted(best.values(), reverse=True)[:TOP_WORDS]
        base = starts[span_start]
        out = []
        for _w, i in sorted(top, key=lambda x: x[1]):
            text = types[i].text
            start = starts[i] - base
            out.append(Evidence(dim, label, "", text, start, start + len(text)))
        return out

    def _tag_span(
        self,
        tokens: Tokens,
        span_start: int,
        span_end: int,
        phrase_matches: list[tuple[int, int, int]],
        word_hits: list[tuple[int, tuple[_Hit, ...]]],
    ) -> tuple[TagSet, set[tuple[str, str]]]:
        """The tags of one span from the matches starting inside it, and the labels whose
        excludes matched in it."""
        # (token start, token end, dimension, label, term) of each term found
        positive: list[tuple[int, int, str, str, str]] = []
        excluded: set[tuple[str, str, int]] = set()
        for start, end, n in phrase_matches:
            if end > span_end:
                continue
            phrase = self._phrases[n]
            if phrase.exclude:
                excluded.update((phrase.dimension, phrase.label, i) for i in range(start, end))
            else:
                positive.append((start, end, phrase.dimension, phrase.label, phrase.term))
        for i, hits in word_hits:
            for hit in hits:
                if hit.exclude:
                    excluded.add((hit.dimension, hit.label, i))
                else:
                    positive.append((i, i + 1, hit.dimension, hit.label, hit.term))
        tags = TagSet()
        excluded_labels = {(dim, label) for dim, label, _ in excluded} if excluded else set()
        if not positive:
            return tags, excluded_labels
        if len(positive) > 1:
            positive.sort()
        text, starts, types = tokens.text, tokens.starts, tokens.types
        base = starts[span_start]
        evidence: list[Evidence] = []
        seen: dict[tuple[str, str], None] = {}
        spans_seen: set[tuple[str, str, int, int]] = set()
        for start, end, dim, label, term in positive:
            if excluded and any((dim, label, i) in excluded for i in range(start, end)):
                continue
            if (dim, label, start, end) in spans_seen:
                continue  # two terms of one label on the same words: one piece of evidence
            spans_seen.add((dim, label, start, end))
            char_start = starts[start]
            char_end = starts[end - 1] + len(types[end - 1].text)
            evidence.append(
                Evidence(
                    dim, label, term, text[char_start:char_end], char_start - base, char_end - base
                )
            )
            seen[(dim, label)] = None
        order = self._order
        for dim, label in sorted(seen, key=order.__getitem__):
            getattr(tags, dim).append(label)
        tags.evidence = evidence
        return tags, excluded_labels

    def classify_heading(self, heading: str) -> str | None:
        """``classify_heading`` for this tagger's taxonomy, cached per heading text."""
        cache = self._heading_cache
        if heading not in cache:
            cache[heading] = classify_heading(self.taxonomy, heading)
        return cache[heading]

    def tag_texts(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[TagSet]:
        """Tag each text as one statement (a stream; the classifier scores a batch at a
        time)."""
        if self.classifier is None:
            yield from map(self.tag_text, texts)
            return
        it = iter(texts)
        while batch := list(itertools.islice(it, batch_size)):
            yield from self._tag_batch([self.split(text) for text in batch])

    def _tag_batch(self, texts: list[Tokens]) -> list[TagSet]:
        """Tags of texts of one statement each (the classifier scores them all at once)."""
        tagged = self.tag_many([(tokens, [(0, len(tokens.types))]) for tokens in texts])
        return [tags[0] for tags in tagged]

    def tag_text(self, text: str) -> TagSet:
        """Tag a text as one statement."""
        tokens = self.split(text)
        if not tokens.types and self.classifier is None:
            return TagSet()
        return self.tag_tokens(tokens, [(0, len(tokens.types))])[0]


def classify_heading(taxonomy: Taxonomy, heading: str) -> str | None:
    """The shift whose heading terms a heading line matches best, or None on no match or a tie."""
    import re

    words = [w.casefold() for w in re.findall(r"\w+", heading)]
    joined = " " + " ".join(words) + " "
    scores: dict[str, int] = {}
    for label in taxonomy.labels("shifts"):
        score = 0
        for term in label.headings:
            if term.kind == "phrase":
                score += (" " + term.value + " ") in joined
            else:
                score += any(_word_hits(term, w, w, w) for w in words)
        if score:
            scores[label.id] = score
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]

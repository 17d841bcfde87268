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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, cast

import numpy

from synth.models import DIMENSIONS, Evidence, TagSet
from synth.pipeline.classifier import FUNCTION_WORDS, TOP_WORDS, Classifier, term_features
from synth.taxonomy import Label, Taxonomy, Term

if TYPE_CHECKING:
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

    def matches(self, types: Sequence[WordType], start: int, end: int) -> bool:
        """Whether the phrase matches at ``start`` before the token ``end``: every word by
        its lower case, or every word by its lemma (as spaCy's PhraseMatcher on LOWER and on
        LEMMA did)."""
        if start + len(self.lowers) > end:
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
    shown: bool = False  # a word, not a function word: may be shown as a model tag's evidence
    # The classifier's weight row of its lemma, set once per type: a statement's rows are
    # then read off its word types (0: not a word; -1: not read yet).
    row: int = 0
    # What term tagging reads at it (``_READ``, ``_FIRST``, ...; 0: nothing).
    reads: int = 0
    id: int = 0  # its number: its row in the tagger's tables of word types
    # What the word alone gives: ((dimension, label), term) of each label its terms tag,
    # sorted, the first term of a label only (one piece of evidence per label and word);
    # and (dimension, label) of the excludes it hits.
    found: tuple[tuple[tuple[str, str], str], ...] = ()
    labels: dict[tuple[str, str], None] = field(default_factory=dict)  # those of ``found``
    excludes: tuple[tuple[str, str], ...] = ()


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
# Pieces of evidence of words kept in the cache before it starts afresh.
_EVIDENCE_CACHE_SIZE = 200_000
# A chunk's word types, their offsets in it (None: one token) and its length + 1 (the
# step to the next chunk): no len() per chunk of a text.
_Chunk = tuple[tuple[WordType, ...], tuple[int, ...] | None, int]
# Flags of a word type for term tagging: it hits a term or a phrase of one word starts at
# it (term tagging always reads it); a longer phrase may start at it (read when the next
# word may be a phrase's second word); it may be a phrase's second word; it hits an
# exclude; a phrase of one word may start at it. A statement with a word of either of the
# last two, or where a phrase may start, goes through ``_span_terms``.
_READ, _FIRST, _SECOND, _EXCLUDE, _SINGLE = 1, 2, 4, 8, 16
# A pair of word types as one number: the first's id times this, plus the second's.
_PAIR_KEY = 1 << 32
_TYPE_ID = attrgetter("id")
# Whitespace other than a space (see _OTHER_SPACING).
_OTHER_WHITESPACE = re.compile(r"[^\S ]")


class _Column:
    """A column of numbers by id (of word types, chunks or tokens of chunks), kept in a
    numpy array for reading many at once; new values wait in a list until then."""

    def __init__(self) -> None:
        self._array = numpy.zeros(1024, dtype=numpy.intp)
        self._size = 0
        self._new: list[int] = []

    def __len__(self) -> int:
        return self._size + len(self._new)

    def extend(self, values: Iterable[int]) -> None:
        self._new += values

    def read(self) -> numpy.ndarray[Any, Any]:
        """The values (the array grows, its size doubling, when the new ones need it)."""
        if self._new:
            end = self._size + len(self._new)
            if end > len(self._array):
                grown = numpy.zeros(max(end, 2 * len(self._array)), dtype=numpy.intp)
                grown[: self._size] = self._array[: self._size]
                self._array = grown
            self._array[self._size : end] = self._new
            self._size = end
            self._new = []
        return self._array

    def clear(self) -> None:
        self._size = 0
        self._new = []


@dataclass
class _Batch:
    """Statements tagged together: the tokens of their texts (word types, their ids and
    character offsets in their text), the texts, and of each statement its text (an index)
    and the tokens it spans (from ``firsts`` to ``ends``, indices of ``types``)."""

    types: list[WordType]
    type_ids: numpy.ndarray[Any, Any]
    starts: list[int]
    texts: list[str]
    texts_of: list[int]
    firsts: list[int]
    ends: list[int]


# A statement's tags by the terms (None: none), the number of their set of labels (before
# any veto; 0: none) in ``Tagger._sets``, and the labels whose excludes matched in it
# (None: none).
_TermTags = tuple[TagSet | None, int, set[tuple[str, str]] | None]
_NOTHING: _TermTags = (None, 0, None)
_LABEL_SET = itemgetter(1)
_EXCLUDED = itemgetter(2)
# A phrase found: its length in tokens, dimension, label, term and whether an exclude.
_PhraseHit = tuple[int, str, str, str, bool]
# The phrases at a pair of word types: those the pair matches (sorted), the longer ones to
# check, whether the matched include an exclude or a phrase of one word (which the
# words' own evidence does not come before), and the length of the longest phrase.
_PairPhrases = tuple[tuple[_PhraseHit, ...], tuple[tuple["_Phrase", _PhraseHit], ...], bool, int]
# The phrases matched at some words, and whether they include an exclude or a phrase of
# one word (as in ``_PairPhrases``).
_Matched = tuple[tuple[_PhraseHit, ...], bool]
# The labels of each dimension, in the taxonomy's order.
_LabelSet = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _before(counts: numpy.ndarray[Any, Any]) -> numpy.ndarray[Any, Any]:
    """The sum of the counts before each one."""
    found: numpy.ndarray[Any, Any] = numpy.cumsum(counts) - counts
    return found


def _ranges(
    starts: numpy.ndarray[Any, Any], counts: numpy.ndarray[Any, Any]
) -> numpy.ndarray[Any, Any]:
    """``range(start, start + count)`` of each start and count, one after the other."""
    found: numpy.ndarray[Any, Any] = numpy.repeat(starts - _before(counts), counts)
    return found + numpy.arange(len(found))


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
        self._order_in = {
            d: {label.id: i for i, label in enumerate(taxonomy.labels(d))} for d in DIMENSIONS
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
        # The keys a phrase's second word may have, and the first words of phrases of one
        # word: a position is read for its phrases only where these allow a match.
        self._seconds = {
            second for seconds in self._phrase_index.values() for second in seconds
        } - {None}
        self._singles = {first for first, seconds in self._phrase_index.items() if None in seconds}
        # The phrases at a pair of word types (None: the statement's last word): those the
        # pair matches, and the longer ones to check (``_pair``).
        self._pairs: dict[tuple[WordType, WordType | None], _PairPhrases] = {}
        # The phrases matched at the words a phrase may span where longer phrases are to be
        # checked (``_window``).
        self._windows: dict[tuple[WordType, ...], _Matched] = {}
        # The pairs of word types seen where a phrase may start (``_PAIR_KEY``), sorted,
        # and whether a phrase may start at the first of each (it matches the pair, or a
        # longer one is to be checked).
        self._pair_keys = numpy.zeros(0, dtype=numpy.intp)
        self._pair_live = numpy.zeros(0, dtype=bool)
        # Sets of labels the terms gave (0: none), by the labels in the order found.
        self._label_sets: dict[tuple[tuple[str, str], ...], int] = {}
        self._sets: list[_LabelSet] = [((), (), ())]
        # The classifier's column of each label, and whether the taxonomy has that label;
        # of each set of labels the rows of its term features (how many), and its columns.
        self._columns: dict[tuple[str, str], int] = {}
        self._known = numpy.zeros(0, dtype=bool)
        self._set_features: list[list[int]] = []
        self._set_feature_counts = numpy.zeros(0, dtype=numpy.intp)
        self._set_columns = numpy.zeros((0, 0), dtype=bool)
        self._types: dict[int, WordType] = {}
        # The evidence of a word's own terms, by the word and its offset in the statement.
        self._evidence: dict[tuple[WordType, int], tuple[Evidence, ...]] = {}
        # The evidence of phrases, and where an exclude matched, by what it holds.
        self._pieces: dict[tuple[str, str, str, str, int], Evidence] = {}
        # The evidence of a model tag's word, by the label's column, the word and its offset.
        self._model_pieces: dict[tuple[int, WordType, int], Evidence] = {}
        # Of each word type (by id): the type, whether term tagging looks at it (marked)
        # and its classifier row; of each chunk (by id) its number of tokens, its length
        # + 1 and where its tokens start in the columns of the chunks' tokens (their types
        # and offsets in the chunk).
        self._type_list: list[WordType] = []
        # The same as an array of objects (the first ``_type_array_size`` filled), to read
        # the types of many ids at once.
        self._type_array = numpy.empty(1024, dtype=object)
        self._type_array_size = 0
        self._reads = _Column()
        self._rows = _Column()
        # Of each word type (by id) whether it may be shown as a model tag's evidence, and
        # the number of its lower case.
        self._shown = _Column()
        self._lowers = _Column()
        self._lower_ids: dict[str, int] = {}
        # The number of each chunk (its row in the tables of chunks), and the chunks by it.
        self._chunks: dict[str, int] = {}
        self._chunk_list: list[_Chunk] = []
        self._chunk_counts = _Column()
        self._chunk_steps = _Column()
        self._chunk_firsts = _Column()
        self._chunk_types = _Column()
        self._chunk_offsets = _Column()
        # Word types whose classifier row is not read yet (read a batch at a time).
        self._unread: list[WordType] = []

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
        if len(self._chunks) >= _CHUNK_CACHE_SIZE:
            self._clear_chunks()
        get = self._chunks.get
        types: list[WordType] = []
        starts: list[int] = []
        start = starts.append
        position = 0
        chunk_list = self._chunk_list
        for chunk in text.split(" "):
            found = get(chunk)
            chunk_types, chunk_starts, step = chunk_list[
                self._new_chunk(chunk) if found is None else found
            ]
            types += chunk_types
            if chunk_starts is None:
                start(position)
            else:
                starts += [position + offset for offset in chunk_starts]
            position += step
        return Tokens(text, types, starts)

    def _new_chunk(self, chunk: str) -> int:
        """Tokenize a chunk not seen before, keep it in the cache; returns its number."""
        tokens = self.tokens(self.nlp.tokenizer(chunk), chunk)
        offsets = tokens.starts
        found = self._chunks[chunk] = len(self._chunk_list)
        self._chunk_list.append(
            (tuple(tokens.types), None if len(offsets) == 1 else tuple(offsets), len(chunk) + 1)
        )
        self._chunk_counts.extend((len(offsets),))
        self._chunk_steps.extend((len(chunk) + 1,))
        self._chunk_firsts.extend((len(self._chunk_types),))
        self._chunk_types.extend(w.id for w in tokens.types)
        self._chunk_offsets.extend(offsets)
        return found

    def _clear_chunks(self) -> None:
        """Start the cache of chunks afresh (bounds its memory)."""
        self._chunks.clear()
        self._chunk_list.clear()
        for column in (
            self._chunk_counts,
            self._chunk_steps,
            self._chunk_firsts,
            self._chunk_types,
            self._chunk_offsets,
        ):
            column.clear()

    def _new_type(self, doc: Doc, i: int, orth: int) -> WordType:
        token = doc[i]
        text, lower = token.text, token.lower_
        lemma = self._lemmas.lemma(lower)
        is_word = _has_letter(text)
        hits = self._token_hits(text, lower, lemma) if is_word else ()
        phrase_first = lower in self._phrase_index or lemma in self._phrase_index
        single = lower in self._singles or lemma in self._singles
        found: dict[tuple[str, str], str] = {}
        for dim, label, term in sorted(
            (h.dimension, h.label, h.term) for h in hits if not h.exclude
        ):
            found.setdefault((dim, label), term)
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
            shown=is_word and lower not in FUNCTION_WORDS,
            row=-1 if is_word else 0,
            reads=(
                (_READ if hits or single else 0)
                | (_EXCLUDE if any(h.exclude for h in hits) else 0)
                | (_SINGLE if single else 0)
                | (_FIRST if phrase_first else 0)
                | (_SECOND if lower in self._seconds or lemma in self._seconds else 0)
            ),
            found=tuple(found.items()),
            labels=dict.fromkeys(found),
            excludes=tuple(dict.fromkeys((h.dimension, h.label) for h in hits if h.exclude)),
            id=len(self._type_list),
        )
        self._types[orth] = word
        self._type_list.append(word)
        self._reads.extend((word.reads,))
        self._rows.extend((word.row,))
        self._shown.extend((word.shown,))
        self._lowers.extend((self._lower_ids.setdefault(lower, len(self._lower_ids)),))
        if is_word and self.classifier is not None:
            self._unread.append(word)
        return word

    def _pair(self, word: WordType, after: WordType | None) -> _PairPhrases:
        """The phrases that may start at ``word`` when ``after`` (None: nothing) follows:
        those the two words match already (a phrase of one or two words), and the longer
        ones still to be checked against the words after them."""
        matched: list[_PhraseHit] = []
        longer: list[tuple[_Phrase, _PhraseHit]] = []
        pair = (word,) if after is None else (word, after)
        for n in self._candidates(word, after):
            phrase = self._phrases[n]
            hit = (len(phrase.lowers), phrase.dimension, phrase.label, phrase.term, phrase.exclude)
            if len(phrase.lowers) > len(pair):
                longer.append((phrase, hit))
            elif phrase.matches(pair, 0, len(pair)):
                matched.append(hit)
        special = any(hit[0] == 1 or hit[4] for hit in matched)
        longest = max((len(phrase.lowers) for phrase, _ in longer), default=len(pair))
        found = self._pairs[(word, after)] = (
            tuple(sorted(matched)),
            tuple(longer),
            special,
            longest,
        )
        return found

    def _window(self, words: tuple[WordType, ...]) -> _Matched:
        """The phrases that match at the first of ``words`` (those a phrase starting there
        may span, up to the statement's end), where the first two words have longer phrases
        to check."""
        matched, longer, special, _ = self._pairs[(words[0], words[1])]
        more = tuple(hit for p, hit in longer if p.matches(words, 0, len(words)))
        if more:
            matched = tuple(sorted(matched + more))
            special = special or any(hit[4] for hit in more)
        found = self._windows[words] = (matched, special)
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
        return self.tag_many([(tokens, spans)])[0]

    def tag_many(
        self, items: Sequence[tuple[Tokens, Sequence[tuple[int, int]]]]
    ) -> list[list[TagSet]]:
        """``tag_tokens`` of several texts (tokens, spans); the classifier scores the spans
        of all of them in one batch."""
        batch = self._batch_of([tokens for tokens, _ in items])
        batch.texts_of, batch.firsts, batch.ends = [], [], []
        offset = 0
        for n, (tokens, spans) in enumerate(items):
            for start, end in spans:
                batch.texts_of.append(n)
                batch.firsts.append(offset + start)
                batch.ends.append(offset + end)
            offset += len(tokens.types)
        results = self._tag_batch(batch)
        out: list[list[TagSet]] = []
        n = 0
        for _, spans in items:
            out.append(results[n : n + len(spans)])
            n += len(spans)
        return out

    def _tag_batch(self, batch: _Batch, empty: TagSet | None = None) -> list[TagSet]:
        """The tags of each statement of a batch: the terms', then the classifier's
        (``empty``: the result of each statement without tags; None: a new one each)."""
        classifier = self.classifier
        if self.terms or (classifier is not None and classifier.reads_terms):
            found = self._term_tags(batch)
        else:
            found = [_NOTHING] * len(batch.firsts)
        if not self.terms:  # the terms' tags were found as the classifier's features only
            results = [TagSet() for _ in found] if empty is None else [empty] * len(found)
        elif empty is None:
            results = [TagSet() if tags is None else tags for tags, _, _ in found]
        else:
            results = [empty if tags is None else tags for tags, _, _ in found]
        if classifier is not None and found:
            self._add_model_tags(batch, found, results, empty)
        return results

    def _term_tags(self, batch: _Batch) -> list[_TermTags]:
        """The terms' tags of each statement of a batch (see ``_TermTags``)."""
        types = batch.types
        # Most words neither hit a term nor start a phrase: only the others are read,
        # found for the whole batch at once. A phrase of two words or more may start at
        # a word only if the next may be a phrase's second word (a word of the next
        # statement too: reading a word for nothing changes nothing).
        reads = self._reads.read()[batch.type_ids]
        phrase = numpy.zeros(len(reads), dtype=bool)
        phrase[:-1] = ((reads[:-1] & _FIRST) != 0) & ((reads[1:] & _SECOND) != 0)
        pairs = numpy.flatnonzero(phrase)
        if len(pairs):
            # Most of those pairs start no phrase after all (known once per pair of types).
            phrase[pairs[~self._live_pairs(types, batch.type_ids, pairs)]] = False
        marked = numpy.flatnonzero(((reads & _READ) != 0) | phrase)
        firsts, ends = batch.firsts, batch.ends
        lows = numpy.searchsorted(marked, firsts).tolist()
        highs = numpy.searchsorted(marked, ends).tolist()
        positions = marked.tolist()
        # Where phrases are looked up, and the statements where an exclude hit: these go
        # through ``_span_terms``; the others (most) only gather their words' own evidence
        # (``_own_terms``).
        phrase_at = numpy.flatnonzero(phrase | ((reads & _SINGLE) != 0))
        phrase_lows = numpy.searchsorted(phrase_at, firsts).tolist()
        phrase_highs = numpy.searchsorted(phrase_at, ends).tolist()
        starting = phrase_at.tolist()
        excluding = numpy.flatnonzero((reads & _EXCLUDE) != 0)
        excluded = (
            numpy.searchsorted(excluding, ends) > numpy.searchsorted(excluding, firsts)
        ).tolist()
        if len(self._evidence) > _EVIDENCE_CACHE_SIZE:
            self._evidence.clear()
        if len(self._windows) > _EVIDENCE_CACHE_SIZE:
            self._windows.clear()
        if len(self._pieces) > _EVIDENCE_CACHE_SIZE:
            self._pieces.clear()
        texts, starts = batch.texts, batch.starts
        span_terms, own_terms = self._span_terms, self._own_terms
        return [
            (
                span_terms(
                    types,
                    starts,
                    texts[n],
                    positions[low:high],
                    starting[phrase_low:phrase_high],
                    exclude,
                    first,
                    end,
                )
                if exclude or phrase_low < phrase_high
                else own_terms(types, starts, positions[low:high], starts[first])
            )
            if low < high
            else _NOTHING
            for n, first, end, low, high, phrase_low, phrase_high, exclude in zip(
                batch.texts_of,
                firsts,
                ends,
                lows,
                highs,
                phrase_lows,
                phrase_highs,
                excluded,
                strict=True,
            )
        ]

    def _live_pairs(
        self,
        types: list[WordType],
        type_ids: numpy.ndarray[Any, Any],
        positions: numpy.ndarray[Any, Any],
    ) -> numpy.ndarray[Any, Any]:
        """Whether a phrase may start at each of ``positions`` (of a batch's tokens) when
        the next token follows (``_pair``), looked up by pair of word types."""
        keys = type_ids[positions] * _PAIR_KEY + type_ids[positions + 1]
        known = self._pair_keys
        at = numpy.searchsorted(known, keys)
        seen = known[numpy.minimum(at, len(known) - 1)] == keys if len(known) else at < 0
        if not seen.all():
            new, first = numpy.unique(keys[~seen], return_index=True)
            live = []
            for i in positions[~seen][first].tolist():
                word, after = types[i], types[i + 1]
                matched, longer, _, _ = self._pairs.get((word, after)) or self._pair(word, after)
                live.append(bool(matched or longer))
            merged = numpy.concatenate([known, new])
            order = numpy.argsort(merged, kind="stable")
            self._pair_keys = merged[order]
            self._pair_live = numpy.concatenate([self._pair_live, live]).astype(bool)[order]
            at = numpy.searchsorted(self._pair_keys, keys)
        found: numpy.ndarray[Any, Any] = self._pair_live[at]
        return found

    def _own_terms(
        self, types: list[WordType], starts: list[int], positions: list[int], base: int
    ) -> _TermTags:
        """``_span_terms`` of a statement where no phrase may start and no exclude hit: the
        evidence of each word's own terms, in the order of the words (``positions``: those
        that hit a term, each a term of some label; ``base``: the statement's offset)."""
        evidence: list[Evidence] = []
        seen: dict[tuple[str, str], None] = {}
        cache = self._evidence
        for i in positions:
            word = types[i]
            start = starts[i] - base
            evidence += cache.get((word, start)) or self._word_evidence(word, start)
            seen.update(word.labels)
        return *self._tag_set(seen, evidence), None

    def _span_terms(
        self,
        types: list[WordType],
        starts: list[int],
        text: str,
        positions: list[int],
        phrase_at: list[int],
        excludes: bool,
        first: int,
        end: int,
    ) -> _TermTags:
        """The terms' tags of the statement of the tokens ``first`` to ``end`` of a text
        (``positions``: those of its words that hit a term or may start a phrase;
        ``phrase_at``: those where a phrase may start; ``excludes``: whether a word hits
        an exclude).

        The evidence is in the order of its words (first token, last token, dimension,
        label, term), one piece per label on the same words; a term on words where an
        exclude of its label matched gives none."""
        phrases: dict[int, tuple[_PhraseHit, ...]] = {}
        pairs, windows = self._pairs, self._windows
        for i in phrase_at:
            word = types[i]
            after = types[i + 1] if i + 1 < end else None
            matched, longer, special, longest = pairs.get((word, after)) or self._pair(word, after)
            if longer:
                # The words a longer phrase may span decide what matches there.
                words = tuple(types[i : min(end, i + longest)])
                matched, special = windows.get(words) or self._window(words)
            if matched:
                phrases[i] = matched
                excludes = excludes or special
        base = starts[first]
        evidence: list[Evidence] = []
        seen: dict[tuple[str, str], None] = {}
        excluded_labels = None
        if excludes:
            found = (positions, phrases, evidence, seen)
            excluded_labels = self._evidence_excluding(types, starts, text, base, *found)
        else:
            # In the order of the words: at each word its own terms' evidence, then that of
            # the phrases starting there, the shorter first (each list sorted already).
            cache = self._evidence
            for i in positions:
                word = types[i]
                if word.found:
                    start = starts[i] - base
                    pieces = cache.get((word, start)) or self._word_evidence(word, start)
                    evidence += pieces
                    seen.update(word.labels)
                if phrases and i in phrases:
                    char_start = starts[i]
                    last = None
                    for size, dim, label, term, _ in phrases[i]:
                        if (size, dim, label) == last:
                            continue  # two terms of one label on the same words
                        last = (size, dim, label)
                        char_end = starts[i + size - 1] + len(types[i + size - 1].text)
                        seen[(dim, label)] = None
                        evidence.append(
                            self._piece(
                                dim, label, term, text[char_start:char_end], char_start - base
                            )
                        )
        if not seen:
            return None, 0, excluded_labels
        return *self._tag_set(seen, evidence), excluded_labels

    def _tag_set(
        self, seen: dict[tuple[str, str], None], evidence: list[Evidence]
    ) -> tuple[TagSet, int]:
        """The terms' tags of a statement (the labels in the order found) and the number of
        their set of labels."""
        labels = tuple(seen)
        label_set = self._label_sets.get(labels) or self._label_set(labels)
        shifts, concepts, factors = self._sets[label_set]
        return TagSet(list(shifts), list(concepts), list(factors), evidence), label_set

    def _piece(self, dim: str, label: str, term: str, words: str, start: int) -> Evidence:
        """A piece of evidence of the terms (the words at an offset in the statement),
        made once and reused (see ``_word_evidence``)."""
        key = (dim, label, term, words, start)
        piece = self._pieces.get(key)
        if piece is None:
            piece = self._pieces[key] = Evidence(dim, label, term, words, start, start + len(words))
        return piece

    def _word_evidence(self, word: WordType, start: int) -> tuple[Evidence, ...]:
        """The evidence of a word's own terms at an offset in its statement (cached: a
        word that hits terms recurs, and within a statement's length, at the same offsets;
        evidence does not change, and a new piece of it costs more than matching)."""
        text = word.text
        stop = start + len(text)
        pieces = tuple(
            Evidence(d, label, term, text, start, stop) for (d, label), term in word.found
        )
        self._evidence[(word, start)] = pieces
        return pieces

    def _evidence_excluding(
        self,
        types: list[WordType],
        starts: list[int],
        text: str,
        base: int,
        positions: list[int],
        phrases: dict[int, tuple[_PhraseHit, ...]],
        evidence: list[Evidence],
        seen: dict[tuple[str, str], None],
    ) -> set[tuple[str, str]] | None:
        """``_span_terms``'s evidence where an exclude matched (or a phrase of one word):
        the evidence goes to ``evidence``, its labels to ``seen``; returns the labels
        whose excludes matched (None: none)."""
        # (token start, token end, dimension, label, term) of each term found
        positive: list[tuple[int, int, str, str, str]] = []
        excluded: set[tuple[str, str, int]] = set()
        for i in positions:
            word = types[i]
            excluded.update((dim, label, i) for dim, label in word.excludes)
            positive += [(i, i + 1, dim, label, term) for (dim, label), term in word.found]
            for size, dim, label, term, exclude in phrases.get(i, ()):
                if exclude:
                    excluded.update((dim, label, j) for j in range(i, i + size))
                else:
                    positive.append((i, i + size, dim, label, term))
        positive.sort()
        last = None
        for start, stop, dim, label, term in positive:
            if excluded and any((dim, label, j) in excluded for j in range(start, stop)):
                continue
            if (start, stop, dim, label) == last:
                continue  # two terms of one label on the same words: one piece of evidence
            last = (start, stop, dim, label)
            char_start = starts[start]
            char_end = starts[stop - 1] + len(types[stop - 1].text)
            evidence.append(
                self._piece(dim, label, term, text[char_start:char_end], char_start - base)
            )
            seen[(dim, label)] = None
        return {(dim, label) for dim, label, _ in excluded} if excluded else None

    def _label_set(self, labels: tuple[tuple[str, str], ...]) -> int:
        """The number of a set of labels (in the order of their evidence) in ``_sets``, where
        it is kept as the labels of each dimension in the taxonomy's order."""
        order = self._order
        by_dimension: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
        for dim, label in sorted(labels, key=order.__getitem__):
            by_dimension[dim].append(label)
        shifts, concepts, factors = (tuple(by_dimension[d]) for d in DIMENSIONS)
        self._sets.append((shifts, concepts, factors))
        found = self._label_sets[labels] = len(self._sets) - 1
        return found

    def _add_model_tags(
        self,
        batch: _Batch,
        found: list[_TermTags],
        results: list[TagSet],
        empty: TagSet | None,
    ) -> None:
        """Drop the terms' tags the classifier scores below their vetoes, and add the
        labels it scores at or above their thresholds to each statement of a batch (all
        scored at once), unless the terms gave them already or an exclude matched
        (``empty``: the shared result of statements without tags, replaced where a tag is
        added)."""
        assert self.classifier is not None
        classifier = self.classifier
        unread = self._unread
        if unread:
            # The rows of the word types new since the last batch, in one predict call.
            rows = classifier.rows([w.lemma for w in unread])
            for word, row in zip(unread, rows, strict=True):
                word.row = row
            self._rows.read()[[w.id for w in unread]] = rows
            unread.clear()
        if len(self._model_pieces) > _EVIDENCE_CACHE_SIZE:
            self._model_pieces.clear()
        self._read_label_sets()
        label_sets = list(map(_LABEL_SET, found))
        if classifier.reads_terms:
            # The terms' tags (before any veto) are features too: the rows of their
            # pseudo-words follow the words'.
            features = list(
                itertools.chain.from_iterable(map(self._set_features.__getitem__, label_sets))
            )
            feature_counts = self._set_feature_counts[label_sets]
        else:
            features, feature_counts = [], numpy.zeros(len(found), dtype=numpy.intp)
        probabilities = classifier.segment_scores(
            *self._model_rows(batch, features, feature_counts)
        )
        names = classifier.labels
        if self.terms:
            by_terms = self._set_columns[label_sets]
            vetoed = by_terms & (probabilities < classifier.vetoes)
            dropped: dict[int, set[tuple[str, str]]] = {}
            for k, j in zip(*vetoed.nonzero(), strict=True):
                dim, label = names[j]
                results[k].labels(dim).remove(label)
                dropped.setdefault(k, set()).add((dim, label))
            for k, pairs in dropped.items():
                tags = results[k]
                tags.evidence = [e for e in tags.evidence if (e.dimension, e.label) not in pairs]
            above = (probabilities >= classifier.thresholds) & self._known & ~(by_terms & ~vetoed)
            columns = self._columns
            for k, excluded in enumerate(map(_EXCLUDED, found)):
                if excluded:
                    for j in map(columns.get, excluded):
                        if j is not None:
                            above[k, j] = False
        else:  # the model alone tags
            above = (probabilities >= classifier.thresholds) & self._known
        order_in = self._order_in
        statements, label_columns = above.nonzero()
        pieces = self._model_evidence(batch, statements, label_columns)
        for k, j, words in zip(statements.tolist(), label_columns.tolist(), pieces, strict=True):
            dim, label = names[j]
            tags = results[k]
            if tags is empty:
                tags = results[k] = TagSet()
            labelled = tags.labels(dim)
            labelled.append(label)
            labelled.sort(key=order_in[dim].__getitem__)
            tags.scores[(dim, label)] = round(float(probabilities[k, j]), 3)
            tags.evidence.extend(words)

    def _read_label_sets(self) -> None:
        """What the classifier reads of the sets of labels found since the last batch: the
        rows of their term features, and their columns."""
        assert self.classifier is not None
        done, sets = len(self._set_features), self._sets
        if done == len(sets):
            return
        if not self._columns:
            labels = self.classifier.labels
            self._columns = {pair: j for j, pair in enumerate(labels)}
            self._known = numpy.array([pair in self._order for pair in labels], dtype=bool)
        columns = self._columns
        new = numpy.zeros((len(sets) - done, len(self._known)), dtype=bool)
        for k, by_dimension in enumerate(sets[done:]):
            pairs = [
                (d, x) for d, found in zip(DIMENSIONS, by_dimension, strict=True) for x in found
            ]
            reads_terms = self.classifier.reads_terms and pairs
            self._set_features.append(
                self.classifier.rows(term_features(pairs)) if reads_terms else []
            )
            for j in map(columns.get, pairs):
                if j is not None:
                    new[k, j] = True
        self._set_columns = numpy.concatenate([self._set_columns, new]) if done else new
        self._set_feature_counts = numpy.array(
            [len(rows) for rows in self._set_features], dtype=numpy.intp
        )

    def _model_rows(
        self,
        batch: _Batch,
        features: list[int],
        feature_counts: numpy.ndarray[Any, Any],
    ) -> tuple[numpy.ndarray[Any, Any], numpy.ndarray[Any, Any]]:
        """The classifier's rows of each statement of a batch, one statement after the
        other: the zero row (a statement without words still has one), its words' rows in
        text order, then the rows of its term features (``features``, ``feature_counts``
        of each statement); and where each statement's rows start."""
        rows = self._rows.read()[batch.type_ids]
        firsts = numpy.array(batch.firsts, dtype=numpy.intp)
        lengths = numpy.array(batch.ends, dtype=numpy.intp) - firsts
        statement_rows = rows[_ranges(firsts, lengths)]
        words = statement_rows != 0
        counted = numpy.concatenate(([0], numpy.cumsum(words)))
        ends = numpy.cumsum(lengths)
        word_counts = counted[ends] - counted[ends - lengths]
        sizes = 1 + word_counts + feature_counts
        starts = _before(sizes)
        flat = numpy.zeros(int(sizes.sum()), dtype=numpy.intp)
        flat[_ranges(starts + 1, word_counts)] = statement_rows[words]
        flat[_ranges(starts + 1 + word_counts, feature_counts)] = features
        return flat, starts

    def classifier_words(self, text: str) -> list[str]:
        """What the classifier reads of a text tagged as one statement: the lemmas of its
        words, then the pseudo-words of the terms' tags (``term_features``). Training
        builds its docs with this, so they are what tagging scores."""
        tokens = self.split(text)
        words = [w.lemma for w in tokens.types if w.is_word]
        if not tokens.types or not self.terms:
            return words
        ((tags, _, _),) = self._term_tags(self._batch_of([tokens]))
        return words if tags is None else words + term_features(tags.pairs())

    def _model_evidence(
        self,
        batch: _Batch,
        statements: numpy.ndarray[Any, Any],
        columns: numpy.ndarray[Any, Any],
    ) -> list[list[Evidence]]:
        """The evidence of each model tag of a batch (of its statement, by index, and its
        label's column): the words of the statement that pushed the score most (positive
        weight; of words with the same lower case the one that pushed most, the first on a
        tie; the later word first on a tie of weights), in text order; function words are
        left out of what is shown. Found for all tags at once."""
        assert self.classifier is not None
        if not len(statements):
            return []
        firsts = numpy.array(batch.firsts, dtype=numpy.intp)[statements]
        lengths = numpy.array(batch.ends, dtype=numpy.intp)[statements] - firsts
        tokens = _ranges(firsts, lengths)
        tags = numpy.repeat(numpy.arange(len(statements)), lengths)
        ids = batch.type_ids[tokens]
        shown = self._shown.read()[ids] != 0
        tokens, tags, ids = tokens[shown], tags[shown], ids[shown]
        weights = self.classifier.label_weights(self._rows.read()[ids], columns[tags])
        pushed = weights > 0
        tokens, tags, ids, weights = tokens[pushed], tags[pushed], ids[pushed], weights[pushed]
        # Of each tag's words with the same lower case, the first with the highest weight.
        lowers = self._lowers.read()[ids]
        order = numpy.lexsort((tokens, -weights, lowers, tags))
        tokens, tags, lowers, weights = tokens[order], tags[order], lowers[order], weights[order]
        best = numpy.ones(len(order), dtype=bool)
        best[1:] = (tags[1:] != tags[:-1]) | (lowers[1:] != lowers[:-1])
        tokens, tags, weights = tokens[best], tags[best], weights[best]
        # Each tag's TOP_WORDS highest weights, then in text order.
        order = numpy.lexsort((-tokens, -weights, tags))
        tokens, tags = tokens[order], tags[order]
        rank = (
            numpy.arange(len(tags)) - _before(numpy.bincount(tags, minlength=len(statements)))[tags]
        )
        tokens, tags = tokens[rank < TOP_WORDS], tags[rank < TOP_WORDS]
        order = numpy.lexsort((tokens, tags))
        found = tokens[order].tolist()
        bounds = numpy.searchsorted(tags[order], numpy.arange(len(statements) + 1)).tolist()
        types, starts, names = batch.types, batch.starts, self.classifier.labels
        cache = self._model_pieces
        out: list[list[Evidence]] = []
        for n, (k, j) in enumerate(zip(statements.tolist(), columns.tolist(), strict=True)):
            base = starts[batch.firsts[k]]
            words: list[Evidence] = []
            for i in found[bounds[n] : bounds[n + 1]]:
                key = (j, types[i], starts[i] - base)
                piece = cache.get(key)
                if piece is None:
                    dim, label = names[j]
                    text, start = types[i].text, key[2]
                    piece = cache[key] = Evidence(dim, label, "", text, start, start + len(text))
                words.append(piece)
            out.append(words)
        return out

    def _split_texts(self, texts: list[str]) -> _Batch:
        """The tokens of texts of one statement each, as ``split`` makes them, for the whole
        batch at once: its chunks are looked up in one pass and the types and offsets of
        their tokens read from the tables of chunks (``split`` text by text cost as much as
        the tagging)."""
        joined = " ".join(texts)
        # (Whitespace is printable only as a space: most text needs no search.)
        if (
            (not joined.isprintable() and _OTHER_WHITESPACE.search(joined))
            or "  " in joined
            or joined[:1] == " "
            or joined[-1:] == " "
        ):
            return self._batch_of([self.split(text) for text in texts])
        if len(self._chunks) >= _CHUNK_CACHE_SIZE:
            self._clear_chunks()
        chunks = joined.split(" ")
        get = self._chunks.get
        cached = list(map(get, chunks))
        if None in cached:
            for n, chunk in enumerate(cached):
                if chunk is None:
                    found = get(chunks[n])
                    cached[n] = self._new_chunk(chunks[n]) if found is None else found
        ids = numpy.fromiter(cast(list[int], cached), numpy.intp, len(cached))
        counts = self._chunk_counts.read()[ids]
        tokens = _ranges(self._chunk_firsts.read()[ids], counts)
        text_starts = _before(numpy.fromiter(map(len, texts), numpy.intp, len(texts)) + 1)
        # Each chunk's offset in the joined text, its text, and its offset in its text.
        joined_places = _before(self._chunk_steps.read()[ids])
        text_of = numpy.searchsorted(text_starts, joined_places, side="right") - 1
        text_chunks = numpy.bincount(text_of, minlength=len(texts))
        places = joined_places - text_starts[text_of]
        offsets = numpy.repeat(places, counts) + self._chunk_offsets.read()[tokens]
        counted = numpy.concatenate(([0], numpy.cumsum(counts)))
        bounds = counted[numpy.concatenate(([0], numpy.cumsum(text_chunks)))].tolist()
        type_ids = self._chunk_types.read()[tokens]
        return _Batch(
            self._types_by_id()[type_ids].tolist(),
            type_ids,
            offsets.tolist(),
            texts,
            list(range(len(texts))),
            bounds[:-1],
            bounds[1:],
        )

    def _types_by_id(self) -> numpy.ndarray[Any, Any]:
        """The word types by id, as an array of objects (the array grows, its size doubling,
        when new types need it)."""
        size, done = len(self._type_list), self._type_array_size
        if size > done:
            if size > len(self._type_array):
                grown = numpy.empty(max(size, 2 * len(self._type_array)), dtype=object)
                grown[:done] = self._type_array[:done]
                self._type_array = grown
            self._type_array[done:size] = self._type_list[done:size]
            self._type_array_size = size
        return self._type_array

    def _batch_of(self, texts: list[Tokens]) -> _Batch:
        """A batch of the tokens of texts of one statement each."""
        types: list[WordType] = []
        starts: list[int] = []
        firsts: list[int] = []
        ends: list[int] = []
        for tokens in texts:
            firsts.append(len(types))
            types += tokens.types
            starts += tokens.starts
            ends.append(len(types))
        type_ids = numpy.fromiter(map(_TYPE_ID, types), numpy.intp, len(types))
        texts_of = list(range(len(texts)))
        return _Batch(types, type_ids, starts, [t.text for t in texts], texts_of, firsts, ends)

    def classify_heading(self, heading: str) -> str | None:
        """``classify_heading`` for this tagger's taxonomy, cached per heading text."""
        cache = self._heading_cache
        if heading not in cache:
            cache[heading] = classify_heading(self.taxonomy, heading)
        return cache[heading]

    def tag_texts(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[TagSet]:
        """Tag each text as one statement (a stream; the classifier scores a batch at a
        time). The texts without tags share one empty TagSet: read the results, do not
        change them."""
        it = iter(texts)
        empty = TagSet()
        while batch := list(itertools.islice(it, batch_size)):
            yield from self._tag_batch(self._split_texts(batch), empty)

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

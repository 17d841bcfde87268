"""Tagging statements against the taxonomy, with the evidence for every tag.

The hybrid decision: the taxonomy's terms give the tags they match, with the words as
evidence; the trained classifier (``synth.pipeline.classifier``), when there is one, adds
the labels the words missed whose score reaches the label's threshold, with the words
that weighed most as evidence; a label whose exclude (false friend) matched in the
statement is never added, by terms or by the model.

Words and stems are checked once per word type and cached, so the cost per token is a
dictionary lookup; phrases go through spaCy's ``PhraseMatcher`` on lemmas and on
lowercase forms. (spaCy ``Matcher`` patterns with ``REGEX`` were measured at a tenth of
the speed and are not used.)
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from synth.models import DIMENSIONS, Evidence, TagSet
from synth.pipeline.classifier import FUNCTION_WORDS, TOP_WORDS, Classifier
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
class WordType:
    """A word as written, once per corpus: its lower case, lemma and taxonomy hits."""

    text: str
    lower: str
    lemma: str
    space: bool
    hits: tuple[_Hit, ...]
    is_word: bool = False  # has a letter: a word the classifier reads


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
    """Tags statements (spaCy spans) with labels of the three dimensions.

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
        from spacy.attrs import ORTH
        from spacy.matcher import PhraseMatcher

        from synth.pipeline import nlp as nlp_module

        # Tokens are read as one array of string ids per doc: a Token object per word
        # cost more than the matching (cProfile of ingest).
        self._heading_cache: dict[str, str | None] = {}
        self._orth = ORTH
        self.taxonomy = taxonomy
        self.classifier = classifier
        self.terms = terms
        self.nlp: Language = nlp if nlp is not None else nlp_module.pipeline()
        self._order = {
            (d, label.id): i for d in DIMENSIONS for i, label in enumerate(taxonomy.labels(d))
        }
        self._word_terms: list[tuple[Label, Term, bool]] = []
        self._phrases: dict[str, tuple[str, str, str, bool]] = {}
        self._lower_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._lemma_matcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
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
        for n, (label, term, excl) in enumerate(phrase_terms):
            key = f"p{n}"
            self._phrases[key] = (label.dimension, label.id, term.raw, excl)
            self._lower_matcher.add(key, [self.nlp.make_doc(term.value)])
            self._lemma_matcher.add(key, self._lemma_patterns(term.value))
        self._types: dict[int, WordType] = {}

    def _lemma_patterns(self, phrase: str) -> list[Doc]:
        """Lemma patterns of a phrase term: each word as lemmatized, or as written.

        Terms are written in base form, so a word as written is a lemma too: the
        lemmatizer reads "klara" (to manage) in "klara det mesta" as the adjective "klar",
        while "klarar" in a statement gets the lemma "klara"; "det" and "mesta" still have
        to match as lemmas ("den", "mycket").
        """
        from spacy.tokens import Doc

        analysed = self.nlp(phrase)
        options = [dict.fromkeys((t.lemma_, t.lower_)) for t in analysed]
        words = [t.text for t in analysed]
        spaces = [bool(t.whitespace_) for t in analysed]
        return [
            Doc(self.nlp.vocab, words=words, spaces=spaces, lemmas=list(lemmas))
            for lemmas in itertools.product(*options)
        ]

    def _token_hits(self, text: str, lower: str, lemma: str) -> tuple[_Hit, ...]:
        """The terms one word hits (uncached; ``word_types`` caches per word type)."""
        found: list[_Hit] = []
        for cand in (lower, lemma):
            for label, term, excl in self._exact.get(cand, ()):
                found.append(_Hit(label.dimension, label.id, term.raw, excl))
        for label, term, excl in self._stems:
            if _word_hits(term, lower, lemma, text):
                found.append(_Hit(label.dimension, label.id, term.raw, excl))
        return tuple(dict.fromkeys(found))

    def word_types(self, doc: Doc, orths: Sequence[int] | None = None) -> list[WordType]:
        """The word type of each token of ``doc`` (``orths``: its ORTH ids, if read already).

        Types are cached by the string id of the text as written: the pipeline's lower
        case and lemma are functions of it, so each type is looked up and matched once.
        """
        cache = self._types
        if orths is None:
            orths = doc.to_array(self._orth).tolist()
        return [
            cache[orth] if orth in cache else self._new_type(doc, i, orth)
            for i, orth in enumerate(orths)
        ]

    def _new_type(self, doc: Doc, i: int, orth: int) -> WordType:
        token = doc[i]
        text, lower, lemma = token.text, token.lower_, token.lemma_
        is_word = _has_letter(text)
        hits = self._token_hits(text, lower, lemma) if is_word else ()
        word = WordType(text, lower, lemma, token.is_space, hits, is_word)
        self._types[orth] = word
        return word

    def tag_doc(
        self,
        doc: Doc,
        spans: Sequence[tuple[int, int]],
        types: Sequence[WordType] | None = None,
    ) -> list[TagSet]:
        """Tag each token span ``(start, end)`` of ``doc``; evidence offsets are span-relative.

        ``types`` are ``word_types(doc)`` when the caller has them already.
        """
        if types is None:
            types = self.word_types(doc)
        results, excluded = self._term_tags(doc, spans, types)
        if self.classifier is not None:
            self._add_model_tags([(doc, span, types) for span in spans], results, excluded)
        return results

    def tag_docs(
        self, items: Sequence[tuple[Doc, Sequence[tuple[int, int]], Sequence[WordType]]]
    ) -> list[list[TagSet]]:
        """``tag_doc`` of several docs (doc, spans, word types); the classifier scores the
        spans of all of them in one batch."""
        results: list[TagSet] = []
        excluded: list[set[tuple[str, str]]] = []
        model_items: list[tuple[Doc, tuple[int, int], Sequence[WordType]]] = []
        for doc, spans, types in items:
            tags, blocked = self._term_tags(doc, spans, types)
            results.extend(tags)
            excluded.extend(blocked)
            model_items.extend((doc, span, types) for span in spans)
        if self.classifier is not None:
            self._add_model_tags(model_items, results, excluded)
        out: list[list[TagSet]] = []
        n = 0
        for _, spans, _ in items:
            out.append(results[n : n + len(spans)])
            n += len(spans)
        return out

    def _term_tags(
        self, doc: Doc, spans: Sequence[tuple[int, int]], types: Sequence[WordType]
    ) -> tuple[list[TagSet], list[set[tuple[str, str]]]]:
        """The terms' tags of each span, and the labels whose excludes matched in it."""
        phrase_matches: list[tuple[int, int, str]] = []
        strings = self.nlp.vocab.strings
        for matcher in (self._lower_matcher, self._lemma_matcher):
            for match_id, start, end in matcher(doc):
                phrase_matches.append((start, end, strings[match_id]))
        phrase_matches = sorted(set(phrase_matches))
        phrase_starts = [m[0] for m in phrase_matches]
        word_hits = [(i, t.hits) for i, t in enumerate(types) if t.hits]
        hit_positions = [i for i, _ in word_hits]
        results: list[TagSet] = []
        excluded: list[set[tuple[str, str]]] = []
        # Each span takes the matches inside it by bisection: a paragraph of many
        # sentences would otherwise scan every match of the paragraph for each one.
        for span_start, span_end in spans:
            if not self.terms:
                results.append(TagSet())
                excluded.append(set())
                continue
            tags, span_excluded = self._tag_span(
                doc,
                span_start,
                span_end,
                phrase_matches[
                    bisect_left(phrase_starts, span_start) : bisect_left(phrase_starts, span_end)
                ],
                word_hits[
                    bisect_left(hit_positions, span_start) : bisect_left(hit_positions, span_end)
                ],
            )
            results.append(tags)
            excluded.append(span_excluded)
        return results, excluded

    def _add_model_tags(
        self,
        items: Sequence[tuple[Doc, tuple[int, int], Sequence[WordType]]],
        results: list[TagSet],
        excluded: list[set[tuple[str, str]]],
    ) -> None:
        """Add the labels the classifier scores at or above their thresholds to each
        statement (a doc's span and its word types; all scored in one batch), unless the
        terms gave them already or an exclude matched."""
        assert self.classifier is not None
        classifier = self.classifier
        positions = [[i for i in range(s, e) if types[i].is_word] for _, (s, e), types in items]
        known = classifier.known_rows
        new = {
            types[i].lemma
            for (_, _, types), p in zip(items, positions, strict=True)
            for i in p
            if types[i].lemma not in known
        }
        if new:
            classifier.rows(new)
        rows = [
            [known[types[i].lemma] for i in p]
            for (_, _, types), p in zip(items, positions, strict=True)
        ]
        probabilities = classifier.scores(rows)
        above = probabilities >= classifier.thresholds
        labels = classifier.labels
        for k, j in zip(*above.nonzero(), strict=True):
            dim, label = labels[j]
            tags = results[k]
            if (dim, label) not in self._order or label in tags.labels(dim):
                continue
            if (dim, label) in excluded[k]:
                continue
            tags.labels(dim).append(label)
            tags.labels(dim).sort(key=lambda x, d=dim: self._order[(d, x)])
            tags.scores[(dim, label)] = round(float(probabilities[k, j]), 3)
            doc, (span_start, _), types = items[k]
            tags.evidence.extend(
                self._model_evidence(doc, types, span_start, positions[k], rows[k], (dim, label, j))
            )

    def _model_evidence(
        self,
        doc: Doc,
        types: Sequence[WordType],
        span_start: int,
        positions: list[int],
        rows: list[int],
        tag: tuple[str, str, int],
    ) -> list[Evidence]:
        """The words that pushed a model tag's score most (positive weight), in text order;
        function words are left out of what is shown."""
        assert self.classifier is not None
        dim, label, label_index = tag
        weights = self.classifier.weights(rows, label_index)
        best: dict[str, tuple[float, int]] = {}
        for i, w in zip(positions, weights, strict=True):
            lower = types[i].lower
            if lower in FUNCTION_WORDS:
                continue
            if w > 0 and (lower not in best or w > best[lower][0]):
                best[lower] = (w, i)
        top = sorted(best.values(), reverse=True)[:TOP_WORDS]
        base = doc[span_start].idx
        out = []
        for _w, i in sorted(top, key=lambda x: x[1]):
            token = doc[i]
            start = token.idx - base
            out.append(Evidence(dim, label, "", token.text, start, start + len(token.text)))
        return out

    def _tag_span(
        self,
        doc: Doc,
        span_start: int,
        span_end: int,
        phrase_matches: list[tuple[int, int, str]],
        word_hits: list[tuple[int, tuple[_Hit, ...]]],
    ) -> tuple[TagSet, set[tuple[str, str]]]:
        """The tags of one span from the matches starting inside it, and the labels whose
        excludes matched in it."""
        positive: list[
            tuple[int, int, str, str, str]
        ] = []  # (tok_start, tok_end, dim, label, term)
        excluded: set[tuple[str, str, int]] = set()
        for start, end, key in phrase_matches:
            if end > span_end:
                continue
            dim, label, term, excl = self._phrases[key]
            if excl:
                excluded.update((dim, label, i) for i in range(start, end))
            else:
                positive.append((start, end, dim, label, term))
        for i, hits in word_hits:
            for hit in hits:
                if hit.exclude:
                    excluded.add((hit.dimension, hit.label, i))
                else:
                    positive.append((i, i + 1, hit.dimension, hit.label, hit.term))
        tags = TagSet()
        excluded_labels = {(dim, label) for dim, label, _ in excluded}
        if not positive:
            return tags, excluded_labels
        base = doc[span_start].idx
        evidence: list[Evidence] = []
        seen: set[tuple[str, str]] = set()
        spans_seen: set[tuple[str, str, int, int]] = set()
        for start, end, dim, label, term in sorted(positive):
            if any((dim, label, i) in excluded for i in range(start, end)):
                continue
            if (dim, label, start, end) in spans_seen:
                continue  # two terms of one label on the same words: one piece of evidence
            spans_seen.add((dim, label, start, end))
            first = doc[start]
            last = first if end - start == 1 else doc[end - 1]
            # One word (most evidence) without building a Span.
            words = first.text if last is first else doc[start:end].text
            char_start = first.idx - base
            char_end = last.idx + len(last) - base
            evidence.append(Evidence(dim, label, term, words, char_start, char_end))
            seen.add((dim, label))
        for dim in DIMENSIONS:
            labels = sorted(
                (lab for d, lab in seen if d == dim), key=lambda x: self._order[(dim, x)]
            )
            getattr(tags, dim).extend(labels)
        tags.evidence = evidence
        return tags, excluded_labels

    def classify_heading(self, heading: str) -> str | None:
        """``classify_heading`` for this tagger's taxonomy, cached per heading text."""
        cache = self._heading_cache
        if heading not in cache:
            cache[heading] = classify_heading(self.taxonomy, heading)
        return cache[heading]

    def tag_texts(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[TagSet]:
        """Tag each text as one statement (the classifier scores a batch at a time)."""
        if self.classifier is None:
            for doc in self.nlp.pipe(texts, batch_size=batch_size):
                yield self.tag_doc(doc, [(0, len(doc))])[0]
            return
        batch: list[Doc] = []
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            batch.append(doc)
            if len(batch) == batch_size:
                yield from self._tag_batch(batch)
                batch = []
        yield from self._tag_batch(batch)

    def _tag_batch(self, docs: list[Doc]) -> list[TagSet]:
        """Tags of docs of one statement each (the classifier scores them all at once)."""
        tagged = self.tag_docs([(doc, [(0, len(doc))], self.word_types(doc)) for doc in docs])
        return [tags[0] for tags in tagged]

    def tag_text(self, text: str) -> TagSet:
        return next(self.tag_texts([text]))


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

"""The spaCy pipeline: blank Swedish, sentencizer and a simplemma lemmatizer.

No Swedish spaCy model is on PyPI, so the pipeline is built from parts that work
offline. spaCy's lookup lemmatizer looks words up as written (so "Behov" is missed) and
errs on common words (vård -> vårda, för -> föra); simplemma, looked up on the lowercase
form and cached per word type, gets these right. Import this module lazily: importing
spaCy takes about a second.
"""

from __future__ import annotations

from typing import Any

import numpy
import spacy
from spacy.attrs import IS_PUNCT, LEMMA, LOWER, ORTH
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from synth import lemmas

# Abbreviations that end with a period in Swedish notes and must not end a sentence.
ABBREVIATIONS = (
    "pga.",
    "p.g.a.",
    "dvs.",
    "d.v.s.",
    "osv.",
    "o.s.v.",
    "bl.a.",
    "t.ex.",
    "m.fl.",
    "m.m.",
    "ca.",
    "kl.",
    "resp.",
    "inkl.",
    "exkl.",
    "ev.",
    "jfr.",
    "s.k.",
    "fr.o.m.",
    "t.o.m.",
    "ang.",
    "enl.",
    "nr.",
    "tel.",
)


class SimplemmaLemmatizer:
    """Sets ``token.lemma_`` from simplemma, cached per lowercase word type."""

    def __init__(self) -> None:
        self._lemmas = lemmas.shared()
        self._ids: dict[int, int] = {}  # string id of the lowercase form -> of its lemma

    def lemma(self, lower: str) -> str:
        return self._lemmas.lemma(lower)

    def _lemma_id(self, lower_id: int, strings: Any) -> int:
        lemma_id = int(strings.add(self.lemma(strings[lower_id])))
        self._ids[lower_id] = lemma_id
        return lemma_id

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # Through arrays of string ids: making a Token object per word cost more than the
        # lemmatizing itself (cProfile of ingest).
        ids = self._ids
        strings = doc.vocab.strings
        lemma_ids = [
            ids[h] if h in ids else self._lemma_id(h, strings) for h in doc.to_array(LOWER).tolist()
        ]
        column: Any = numpy.array(lemma_ids, dtype=numpy.uint64).reshape(-1, 1)
        doc.from_array([LEMMA], column)
        return doc


class ArraySentencizer(Sentencizer):  # type: ignore[misc]
    """spaCy's ``Sentencizer`` with the same rule, read from arrays of string ids.

    A sentence ends after a run of sentence-final characters and any punctuation after
    them. spaCy's version builds a Token object per word to read its text; this one reads
    every word's string id and punctuation flag as one array (the same sentences, at
    several times the speed; ``tests/test_nlp.py`` checks both agree).
    """

    def __init__(self, name: str = "sentencizer") -> None:
        super().__init__(name=name)
        self._punct_ids: dict[int, frozenset[int]] = {}  # per StringStore

    def _punct(self, doc: Doc) -> frozenset[int]:
        strings = doc.vocab.strings
        ids = self._punct_ids.get(id(strings))
        if ids is None:
            ids = self._punct_ids[id(strings)] = frozenset(
                int(strings.add(c)) for c in self.punct_chars
            )
        return ids

    def predict(self, docs: Any) -> list[list[bool]]:
        guesses: list[list[bool]] = []
        for doc in docs:
            n = len(doc)
            starts = [False] * n
            if n:
                punct = self._punct(doc)
                starts[0] = True
                seen_end = False
                for i, (orth, is_punct) in enumerate(doc.to_array([ORTH, IS_PUNCT]).tolist()):
                    if orth in punct:
                        seen_end = True
                    elif seen_end and not is_punct:
                        starts[i] = True
                        seen_end = False
            guesses.append(starts)
        return guesses


@Language.factory("synth_sentencizer")
def _make_sentencizer(nlp: Language, name: str) -> ArraySentencizer:
    return ArraySentencizer(name)


@Language.factory("synth_lemmatizer")
def _make_lemmatizer(nlp: Language, name: str) -> SimplemmaLemmatizer:
    return SimplemmaLemmatizer()


_PIPELINE: Language | None = None


def pipeline() -> Language:
    """The shared pipeline (built once per process)."""
    global _PIPELINE
    if _PIPELINE is None:
        nlp = spacy.blank("sv")
        tokenizer: Any = nlp.tokenizer
        for abbr in ABBREVIATIONS:
            for form in {abbr, abbr.capitalize()}:
                tokenizer.add_special_case(form, [{"ORTH": form}])
        nlp.add_pipe("synth_sentencizer")
        nlp.add_pipe("synth_lemmatizer")
        _PIPELINE = nlp
    return _PIPELINE


def baseline_pipeline() -> Any:
    """spaCy's own blank Swedish + sentencizer + lookup lemmatizer (for the benchmark)."""
    nlp = spacy.blank("sv")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp

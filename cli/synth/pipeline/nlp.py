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
from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.tokens import Doc

from synth.pipeline import lemmas

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
    # The same written without their inner dots, as notes often have them ("tex." for
    # "t.ex."); none of them is a Swedish word that could end a sentence.
    "tex.",
    "bla.",
    "mm.",
    "mfl.",
    "ffa.",
    "iom.",
    "sk.",
    "t.ex",
    "bl.a",
    "m.m",
    "d.v.s",
    "o.s.v",
    "p.g.a",
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
        nlp.add_pipe("sentencizer")
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

"""The spaCy pipeline: blank Swedish, sentencizer and a simplemma lemmatizer.

No Swedish spaCy model is on PyPI, so the pipeline is built from parts that work
offline. spaCy's lookup lemmatizer looks words up as written (so "Behov" is missed) and
errs on common words (vård -> vårda, för -> föra); simplemma, looked up on the lowercase
form and cached per word type, gets these right. Import this module lazily: importing
spaCy takes about a second.
"""

from __future__ import annotations

from typing import Any

import spacy
from spacy.language import Language
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
        self.cache = self._lemmas.cache

    def lemma(self, lower: str) -> str:
        return self._lemmas.lemma(lower)

    def __call__(self, doc: Doc) -> Doc:
        cache = self.cache
        for token in doc:
            lower = token.lower_
            lemma = cache.get(lower)
            token.lemma_ = lemma if lemma is not None else self._lemmas.lemma(lower)
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

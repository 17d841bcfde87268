"""Swedish lemmas from simplemma, cached per lowercase word, without importing spaCy.

The spaCy pipeline (``synth.pipeline.nlp``) and the search command share this: a search for a word
needs its lemma, and loading simplemma alone takes a fraction of importing spaCy.
"""

from __future__ import annotations

import simplemma
from simplemma.strategies import DefaultStrategy

# Words simplemma maps to a lemma that would make matching wrong in this field.
LEMMA_OVERRIDES: dict[str, str] = {
    "vård": "vård",
    "vården": "vård",
    "för": "för",
    "bort": "bort",
    "en": "en",
    "mer": "mer",
    "fler": "fler",
    "sedd": "sedd",
    "sedda": "sedd",
    "sedde": "se",
    "delaktig": "delaktig",
    "delaktiga": "delaktig",
    "trygg": "trygg",
    "trygga": "trygg",
    "tryggt": "trygg",
    "nära": "nära",
    # simplemma reads the auxiliaries as forms of "skola" (school)
    "ska": "ska",
    "skall": "ska",
    "skulle": "ska",
}


class Lemmatizer:
    """simplemma on the lowercase form, with the overrides above, cached per word type."""

    def __init__(self) -> None:
        self._lemmatizer = simplemma.Lemmatizer(
            lemmatization_strategy=DefaultStrategy(low_memory=True)
        )
        self.cache: dict[str, str] = dict(LEMMA_OVERRIDES)

    def lemma(self, lower: str) -> str:
        """The lemma of a lowercase word (the word itself when simplemma has none)."""
        found = self.cache.get(lower)
        if found is None:
            found = lower
            if any(ch.isalpha() for ch in lower):
                try:
                    found = str(self._lemmatizer.lemmatize(lower, lang="sv")).lower()
                except (ValueError, KeyError):
                    found = lower
            self.cache[lower] = found
        return found


_SHARED: Lemmatizer | None = None


def shared() -> Lemmatizer:
    """The process-wide lemmatizer (built on first use)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Lemmatizer()
    return _SHARED

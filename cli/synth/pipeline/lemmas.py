"""Swedish lemmas from simplemma, cached per lowercase word, without importing spaCy.

The spaCy pipeline (``synth.pipeline.nlp``) and the search command share this: a search for a word
needs its lemma, and loading simplemma alone takes a fraction of importing spaCy.

simplemma's Swedish dictionary is read through a MARISA trie kept in the user's cache
folder: reading its compressed dictionary took over a second in every process that
lemmatised a word (a search for a word the corpus has never seen, every ``tag`` and
``ingest``); the trie opens in a few hundredths. It is built from the installed
dictionary on first use (``make install`` builds it), written to a temporary file and
renamed into place, so processes starting together never read half a trie. Nothing is
downloaded; where the cache folder cannot be written, the trie is built in memory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import simplemma
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import TrieDictionaryFactory

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


class _TrieFactory(TrieDictionaryFactory):
    """simplemma's trie dictionaries, written to their cache folder atomically."""

    def _write_trie_to_disk(self, lang: str, trie: Any) -> None:
        folder = Path(self._cache_dir)
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{lang}.", suffix=".dic", dir=folder)
        os.close(fd)
        try:
            trie.save(name)
            os.replace(name, folder / f"{lang}.dic")
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise


class Lemmatizer:
    """simplemma on the lowercase form, with the overrides above, cached per word type."""

    def __init__(self) -> None:
        self._lemmatizer = simplemma.Lemmatizer(
            lemmatization_strategy=DefaultStrategy(dictionary_factory=_TrieFactory())
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


if __name__ == "__main__":
    # ``python -m synth.pipeline.lemmas``: build the cached trie now (make install does).
    print(shared().lemma("samordnade"))

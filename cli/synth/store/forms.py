"""A statement's lowercase word forms as schemas 8 to 10 stored them: only where they
differ from the lemmas (schema 11 stores forms and lemmas as word ids,
``synth.store.words``; these functions read an older corpus when it is converted).

Forms and lemmas are aligned word by word (space-separated) and about two words in three
are their own lemma, so the corpus keeps a form only where it is not its lemma and an
empty place where it is: "vi samordnade arbetet" with the lemmas "vi samordna arbete" is
stored as " samordnade arbetet". Forms that do not align with their lemmas (never written
by the pipeline) are stored whole after a tab.
"""

from __future__ import annotations

_WHOLE = "\t"


def inflections(forms: str, lemmas: str) -> str:
    """What the corpus stores of ``forms``, given the ``lemmas`` stored beside them."""
    words, bases = forms.split(" "), lemmas.split(" ")
    # An empty form where the lemma is not empty would read back as the lemma. (Lists,
    # not generators, and the test for an empty form first: this runs for every
    # statement stored.)
    if len(words) == len(bases) and (
        "" not in words or all(w or not b for w, b in zip(words, bases, strict=True))
    ):
        stored = " ".join(["" if w == b else w for w, b in zip(words, bases, strict=True)])
        if not stored.startswith(_WHOLE):
            return stored
    return _WHOLE + forms


def forms(inflections: str, lemmas: str) -> str:
    """The forms that ``inflections`` (as ``inflections`` stores them) stand for."""
    if inflections.startswith(_WHOLE):
        return inflections[len(_WHOLE) :]
    return " ".join(w or b for w, b in zip(inflections.split(" "), lemmas.split(" "), strict=True))

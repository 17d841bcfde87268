"""The pipeline's own parts give what spaCy's parts they replace give."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, SEEDS
from synth import nlp
from synth.reading import read_notes


def _sentences(pipe: spacy.language.Language, texts: list[str]) -> list[list[tuple[int, int]]]:
    return [[(s.start, s.end) for s in doc.sents] for doc in pipe.pipe(texts)]


@pytest.fixture(scope="module")
def pipelines() -> tuple[spacy.language.Language, spacy.language.Language]:
    reference = spacy.blank("sv")
    reference.add_pipe("sentencizer")
    ours = spacy.blank("sv")
    ours.add_pipe("synth_sentencizer")
    return reference, ours


def _paragraphs(folder: Path) -> list[str]:
    texts: list[str] = []
    for path in sorted(folder.glob("*.*")):
        texts.extend(p for p in read_notes(path).split("\n\n") if p.strip())
    return texts


def test_sentences_of_the_examples_are_spacys(pipelines) -> None:
    reference, ours = pipelines
    texts = _paragraphs(EXAMPLES)
    expected = _sentences(reference, texts)
    assert sum(len(s) > 1 for s in expected) >= 5  # paragraphs of several sentences
    assert _sentences(ours, texts) == expected


def test_sentences_of_the_seeds_are_spacys(pipelines) -> None:
    if not SEEDS.exists():
        pytest.skip(f"{SEEDS} not present")
    reference, ours = pipelines
    texts = _paragraphs(SEEDS)
    assert _sentences(ours, texts) == _sentences(reference, texts)


PIECES = st.sampled_from(
    ["Vård", "nära", ".", "!", "?", "…", '"', "”", ")", "(", "t.ex.", "SIP", "3.", "—", ";"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PIECES, st.sampled_from(["", " ", "\n"])), max_size=25))
def test_sentences_of_any_text_are_spacys(pipelines, pieces) -> None:
    reference, ours = pipelines
    text = "".join(word + space for word, space in pieces)
    assert _sentences(ours, [text]) == _sentences(reference, [text])


def test_the_pipeline_splits_on_its_own_sentencizer() -> None:
    doc = nlp.pipeline()("Vi träffades i mars. Brukarna vill ha en fast kontakt! Bra, t.ex. SIP.")
    assert [s.text for s in doc.sents] == [
        "Vi träffades i mars.",
        "Brukarna vill ha en fast kontakt!",
        "Bra, t.ex. SIP.",
    ]

"""Tagging: compounds, abbreviations, exclusions, evidence, and the score on coded data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EVAL, ROOT, need
from synth.analysis.evaluation import evaluate
from synth.pipeline.tagging import _FIRST, _READ, _SECOND, _SINGLE, Tagger, WordType
from synth.taxonomy import Taxonomy, check_text


@pytest.mark.parametrize(
    ("text", "dimension", "label"),
    [
        ("Vårdsamordningen brister mellan sjukhuset och hemtjänsten", "concepts", "samordning"),
        ("Tydligt samordningsansvar saknas", "concepts", "samordning"),
        ("Relationskontinuitet är viktigt", "concepts", "kontinuitet"),
        ("Stärka egenvården hemma", "concepts", "egna-resurser"),
        ("Mer hälsofrämjande arbete", "shifts", "proaktiv"),
        ("Ett personcentrerat arbetssätt", "concepts", "individ-i-centrum"),
        ("Behov Av Samverkan", "concepts", "tillsammans"),
    ],
)
def test_stems_catch_swedish_compounds(
    tagger: Tagger, text: str, dimension: str, label: str
) -> None:
    assert label in tagger.tag_text(text).labels(dimension)


def test_abbreviation_matches_as_written_and_expansion_as_phrase(tagger: Tagger) -> None:
    assert "samordning" in tagger.tag_text("Fler SIP-möten").concepts
    assert "samordning" in tagger.tag_text("en samordnad individuell plan").concepts
    assert tagger.tag_text("ta en sip kaffe").concepts == []


def test_evidence_points_at_the_matched_words(tagger: Tagger) -> None:
    text = "Utveckla arbetet med SIP och tidiga insatser"
    tags = tagger.tag_text(text)
    for ev in tags.evidence:
        assert text[ev.start : ev.end] == ev.text
    assert ("proaktiv", "tidiga insatser") in {(e.label, e.text) for e in tags.evidence}


def test_exclusions_silence_false_friends() -> None:
    text = """\
dimensions:
  concepts:
    labels:
      - id: trygghet
        name: Trygghet
        terms: ["trygg*"]
        exclude: [tryggve, trygg vid]
"""
    tax, problems = check_text(text, "t.yaml")
    assert not problems and tax is not None
    tagger = Tagger(tax)
    assert tagger.tag_text("Jag känner mig trygg").concepts == ["trygghet"]
    assert tagger.tag_text("Tryggve kom på besök").concepts == []
    assert tagger.tag_text("Han är trygg vid hemmet").concepts == []


def test_lemmas_find_inflected_and_capitalised_words(tagger: Tagger) -> None:
    tags = tagger.tag_text("Bemötandet var bra och Tillsammans klarar vi det")
    assert {"respekt-jamlikhet", "tillsammans"} <= set(tags.concepts)


def test_the_auxiliary_ska_is_not_school(tagger: Tagger) -> None:
    assert tagger.tag_text("Barnen ska få stöd").shifts == []


def test_dev_gold_scores_above_the_target(tagger: Tagger) -> None:
    gold = need(EVAL / "dev-gold.jsonl")
    report = evaluate(Path(gold), tagger)
    scores = {d.dimension: d for d in report.dimensions}
    for dim in ("shifts", "concepts"):
        assert scores[dim].micro_f1 >= 0.85, dim
        assert scores[dim].micro_precision >= 0.85, dim


@pytest.mark.parametrize(
    ("text", "dimension", "label", "expected"),
    [
        ("Jag vill ha någon som känner mig.", "concepts", "kontinuitet", True),
        ("Jag känner mig trygg hemma.", "concepts", "kontinuitet", False),
        ("Ett familjecentrerat arbetssätt.", "concepts", "individ-i-centrum", True),
        ("Hon arbetar på familjecentralen.", "concepts", "individ-i-centrum", False),
        ("Ordföranden hälsar alla välkomna.", "shifts", "proaktiv", False),
        ("Jag kan själv hantera ärenden som rör min hälsa.", "shifts", "proaktiv", False),
        ("Insatser som främjar hälsa i skolan.", "shifts", "proaktiv", True),
        ("Siffrorna för respektive kommun.", "concepts", "respekt-jamlikhet", False),
        ("Man kommer aldrig fram till vårdcentralen.", "concepts", "tillganglighet", True),
        ("Vi kom inte fram till något beslut.", "concepts", "tillganglighet", False),
        ("Vi samarbetar med skolan.", "concepts", "tillsammans", True),
        ("Bilderna läggs på samarbetsytan.", "concepts", "tillsammans", False),
        # job titles and names of bodies are not coordination; acting as one's own is
        ("Distriktets vårdsamordnare går i pension i maj.", "concepts", "samordning", False),
        ("Samordningsförbundet bjuder på kaffe.", "shifts", "samordning", False),
        ("Anhöriga ska inte behöva vara sin egen samordnare.", "concepts", "samordning", True),
        # equipment, places, documents and postponing are not the values they sound like
        ("Trygghetslarmet behöver nytt batteri.", "concepts", "trygghet", False),
        ("Vi ses på caféet i centrum klockan tio.", "concepts", "individ-i-centrum", False),
        ("Med patienten i centrum planeras besöken.", "concepts", "individ-i-centrum", True),
        (
            "Minnesanteckningarna finns tillgängliga på intranätet.",
            "concepts",
            "tillganglighet",
            False,
        ),
        ("Vi väntar med att köpa nya stolar.", "concepts", "tillganglighet", False),
        ("Kontinuitetsgruppen ses igen i höst.", "concepts", "kontinuitet", False),
        ("Hennes hälsa har blivit sämre i vinter.", "shifts", "proaktiv", False),
        ("Digitalt möte på torsdag, länk kommer.", "factors", "digitalisering", False),
        ("Skolsköterskan deltar digitalt.", "factors", "digitalisering", False),
        ("Samverkansgruppen har bytt mötesdag.", "concepts", "tillsammans", False),
        ("Hälsa till alla på avdelningen!", "shifts", "proaktiv", False),
        ("Mer fokus på hälsa på arbetsplatsen.", "shifts", "proaktiv", True),
    ],
)
def test_false_friends_of_the_field(
    tagger: Tagger, text: str, dimension: str, label: str, expected: bool
) -> None:
    assert (label in tagger.tag_text(text).labels(dimension)) is expected


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # "klara" as written is read as the adjective "klar" by the lemmatizer
        ("Hon klarar sig själv hemma", "egna-resurser"),
        ("Jag klarar det mesta själv om jag får stöd", "egna-resurser"),
        ("Det måste hänga ihop för patienten", "sammanhallet"),
    ],
)
def test_a_phrase_term_in_base_form_matches_its_inflections(
    tagger: Tagger, text: str, label: str
) -> None:
    assert label in tagger.tag_text(text).concepts


# Pieces of Swedish notes that exercise spaCy's tokenizer: abbreviations kept whole,
# punctuation split off, hyphens, quotes, numbers, colons, slashes and odd spacing.
_PIECES = [
    "Vi",
    "behöver",
    "SIP-möten,",
    "t.ex.",
    "bl.a.",
    "(vård-",
    "och",
    "omsorg)",
    '"Vad',
    'göra?"',
    "kl.",
    "13-16.",
    "person/relation",
    "SIP:en",
    "2030!",
    "…",
    "–",
    "e-post:",
    "a@b.se",
    "50%",
    "Äldre",
]


@settings(derandomize=True, database=None, max_examples=200)
@given(
    st.lists(
        st.tuples(st.sampled_from(_PIECES), st.sampled_from([" ", " ", " ", "  ", "\n", ""])),
        max_size=12,
    )
)
def test_tokens_are_those_of_spacys_tokenizer(tagger: Tagger, parts: list[tuple[str, str]]) -> None:
    text = "".join(piece + space for piece, space in parts)
    doc = tagger.nlp.tokenizer(text)
    tokens = tagger.split(text)
    assert [w.text for w in tokens.types] == [t.text for t in doc]
    assert tokens.starts == [t.idx for t in doc]


@settings(derandomize=True, database=None, max_examples=200)
@given(st.lists(st.sampled_from([*_PIECES, "Bra.", "Nej!", "...", ")", "?", '"']), max_size=14))
def test_sentences_start_where_spacys_sentencizer_starts_them(
    tagger: Tagger, words: list[str]
) -> None:
    from spacy.pipeline import Sentencizer

    from synth.pipeline.statements import sentence_starts

    text = " ".join(words)
    doc = Sentencizer()(tagger.nlp.tokenizer(text))
    expected = [1 if t.is_sent_start else -1 for t in doc]
    assert sentence_starts(tagger.split(text).types) == expected


def test_phrases_match_by_lemma_or_as_written(tagger: Tagger) -> None:
    assert "proaktiv" in tagger.tag_text("Tidiga insatser behövs").shifts
    assert "proaktiv" in tagger.tag_text("Den tidigaste insatsen").shifts
    tags = tagger.tag_text("Det gäller tidiga insatser")
    assert ("tidiga insatser", 11, 26) in {(e.text, e.start, e.end) for e in tags.evidence}


def test_lemmas_from_the_cached_trie_equal_simplemmas_own_dictionary() -> None:
    """The trie kept in the cache folder gives every word of the coded statements the lemma
    simplemma's own Swedish dictionary gives it (overrides apart)."""
    import json

    import simplemma
    from simplemma.strategies import DefaultStrategy

    from synth.pipeline.lemmas import LEMMA_OVERRIDES, shared

    words: set[str] = set()
    with (ROOT / "corpus" / "coded" / "users.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            words.update(w.strip('.,!?:;"()') for w in json.loads(line)["text"].lower().split())
    words = {w for w in words if w.isalpha() and w not in LEMMA_OVERRIDES}
    assert len(words) > 1000
    own = simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(low_memory=True))
    ours = shared()
    differ = [w for w in sorted(words) if ours.lemma(w) != str(own.lemmatize(w, lang="sv")).lower()]
    assert differ == []


class _EveryWordTagger(Tagger):
    """A tagger that reads every word of a statement for terms and phrases (tagging
    itself reads only the words that may give a tag)."""

    def _new_type(self, *args: Any, **kwargs: Any) -> WordType:
        word = super()._new_type(*args, **kwargs)
        self._reads.read()[word.id] |= _READ | _FIRST | _SECOND | _SINGLE
        return word

    def _live_pairs(self, *args: Any, **kwargs: Any) -> numpy.ndarray[Any, Any]:
        return numpy.ones(len(args[2]), dtype=bool)


# Words of phrase terms and excludes of the taxonomy, their neighbours and other words.
_PHRASE_PIECES = [
    "vad",
    "är",
    "viktigt",
    "för",
    "dig",
    "mig",
    "hela",
    "människan",
    "i",
    "centrum",
    "individen",
    "ledning",
    "samverkan",
    "gemensam",
    "min",
    "hälsa",
    "till",
    "relation",
    "person/relation",
    "tidiga",
    "insatser",
    "insatsen",
    "samordnad",
    "individuell",
    "plan",
    "SIP",
    "trygg",
    "och",
    "vården",
    ".",
]


@pytest.fixture(scope="module")
def two_taggers(taxonomy: Taxonomy) -> tuple[Tagger, Tagger]:
    return Tagger(taxonomy), _EveryWordTagger(taxonomy)


@settings(derandomize=True, database=None, max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(_PHRASE_PIECES), min_size=1, max_size=8), min_size=1, max_size=6
    )
)
def test_tags_are_those_found_by_reading_every_word(
    two_taggers: tuple[Tagger, Tagger], texts: list[list[str]]
) -> None:
    tagger, every_word = two_taggers
    lines = [" ".join(words) for words in texts]
    assert list(tagger.tag_texts(lines)) == list(every_word.tag_texts(lines))

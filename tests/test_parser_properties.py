"""Properties of the parser for any text: it never raises, and no text silently vanishes.

What may change between a source line and the statements (also in the README):
- whitespace: line ends, runs of spaces and leading/trailing spaces are not kept; a
  paragraph's wrapped lines are joined with one space;
- markup: a line's list marker (``-``, ``•``, ``1.``, ``a)`` …), Markdown ``#`` marks
  and ``*``/``_`` emphasis around a heading;
- theme labels: the colon after a label that opens a paragraph ("Ledning:") is dropped,
  the label becomes the group of the statements;
- boilerplate: lines of page headers and footers repeated in the text are removed
  whole (and recorded as removed);
- a sentence or bullet with no letter or digit at all (``–``, ``…``) is not a statement.
Every other character of a non-blank line lands in a statement, a heading or a prompt.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synth.pipeline import parsing
from synth.pipeline.reading import normalise
from synth.pipeline.statements import parse_source
from synth.pipeline.tagging import Tagger, classify_heading

MARKUP_PREFIX = re.compile(
    r"^(?:#{1,6})?(?:[-–—•*▪►▼●◦·‣○]|\(?\d{1,2}[.)]|[a-zA-Z]\))?(?:#{1,6})?[*_]*$"
)
MARKUP_SUFFIX = re.compile(r"^[*_#]*$")

# Lines shaped like notes: headings, prompts, bullets, numbered items, free text.
WORDS = st.sampled_from(
    [
        "vård",
        "Samverkan",
        "SIP",
        "hälsa",
        "Från",
        "till",
        "→",
        "och",
        "behövs?",
        "Vad",
        "förflyttning.",
        "2030",
        "–",
        "**viktigt**",
        "Region",
        "|",
        "kommun",
        "...",
        "\u00a0",
        "\t",
    ]
)
LINE = st.builds(
    lambda prefix, words, end: prefix + " ".join(words) + end,
    st.sampled_from(["", "", "- ", "• ", "1. ", "a) ", "# ", "## ", "  ", "**"]),
    st.lists(WORDS, min_size=0, max_size=8),
    st.sampled_from(["", "", ".", "?", ":", "**", " "]),
)
NOTES = st.lists(LINE, min_size=0, max_size=30).map("\n".join)
ANY_TEXT = st.text(max_size=400)


def squash(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def classify(tagger: Tagger) -> parsing.ShiftClassifier:
    return lambda heading: classify_heading(tagger.taxonomy, heading)


def check_every_line_is_accounted_for(text: str, seg: parsing.Segmentation) -> None:
    lines = text.split("\n")
    removed = {n for a, b in seg.boilerplate for n in range(a, b + 1)}
    kept: dict[int, str] = {}
    for heading in seg.headings:
        text = heading.text + (":" if heading.role == "group" else "")
        kept[heading.line] = kept.get(heading.line, "") + text
    for block in seg.blocks:
        for piece in block.pieces:
            part = block.text[piece.block_start : piece.block_start + piece.length]
            kept[piece.line] = kept.get(piece.line, "") + part
    for number, line in enumerate(lines, start=1):
        if number in removed or not line.strip():
            continue
        source, found = squash(line), squash(kept.get(number, ""))
        # The kept text stands somewhere in the line with only markup around it.
        assert any(
            source[at:].startswith(found)
            and MARKUP_PREFIX.match(source[:at])
            and MARKUP_SUFFIX.match(source[at + len(found) :])
            for at in range(len(source) + 1)
        ), (number, line, found)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOTES)
def test_segment_accounts_for_every_line_of_notes(tagger: Tagger, text: str) -> None:
    text = normalise(text)
    check_every_line_is_accounted_for(text, parsing.segment(text, classify(tagger)))


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_segment_never_raises_and_accounts_for_any_text(tagger: Tagger, text: str) -> None:
    text = normalise(text)
    check_every_line_is_accounted_for(text, parsing.segment(text, classify(tagger)))


def only_non_words_dropped(blocks: str, statements: str) -> bool:
    """``statements`` is ``blocks`` with only characters that are no letter or digit left out."""
    i = 0
    for ch in blocks:
        if i < len(statements) and ch == statements[i]:
            i += 1
        elif ch.isalnum():
            return False
    return i == len(statements)


@settings(max_examples=150, deadline=None)
@given(st.one_of(NOTES, ANY_TEXT))
def test_every_word_of_every_block_lands_in_a_statement_at_its_source_offsets(
    tagger: Tagger, text: str
) -> None:
    text = normalise(text)
    parsed = parse_source(text, "n.txt", tagger)
    seg = parsing.segment(text, classify(tagger))
    blocks = squash("".join(b.text for b in seg.blocks))
    statements = squash("".join(s.text for s in parsed.statements))
    assert only_non_words_dropped(blocks, statements), (blocks, statements)
    for s in parsed.statements:
        assert squash(s.text) == squash(text[s.char_start : s.char_end]), s

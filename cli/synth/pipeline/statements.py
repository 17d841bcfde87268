"""Statements: a normalised text becomes tagged statements with their provenance.

The text is segmented into blocks (``parsing``), each block is tokenised once and split
into sentences, and each sentence is tagged (``tagging``) and located in the source.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from synth.models import Heading, Statement
from synth.pipeline import parsing
from synth.pipeline.reading import TextInParts
from synth.pipeline.tagging import Tagger, Tokens, WordType


@dataclass
class ParsedSource:
    """One source file, parsed and tagged."""

    name: str
    path: str
    text: str | None  # the whole text; None for a file read in parts (``notes``)
    title: str | None
    date_text: str | None  # the line that dates the meeting ("2023-04-19"), if any
    headings: list[Heading]
    statements: list[Statement]
    boilerplate_keys: set[str]
    boilerplate: list[tuple[int, int]]
    # The statements as the store keeps them (plain tuples), when a worker process made
    # them; ``statements`` is then empty. Set by the ingest, never by the parser.
    records: Iterable[Any] | None = None
    # With parse_source(lazy=True): the statements, tagged as they are taken.
    pending: Iterator[Statement] | None = None
    # How many boilerplate keys were known when it was parsed (set by the ingest).
    known_keys: int = 0
    # A large plain-text file, read a part at a time each time its text is needed.
    notes: TextInParts | None = None

    def parts(self) -> Iterable[str]:
        """The text, whole or a part at a time."""
        if self.notes is not None:
            return self.notes.parts()
        assert self.text is not None
        return (self.text,)

    @property
    def sha256(self) -> str:
        """Of the text as UTF-8, as the store records it."""
        if self.notes is not None:
            return self.notes.sha256
        assert self.text is not None
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def head(self) -> str:
        """The first 500 characters, where a title or a date is looked for."""
        return self.notes.head if self.notes is not None else (self.text or "")[:HEAD_CHARS]


HEAD_CHARS = 500


QUOTES = "\"”“'»«"
# A paragraph longer than this is tagged in pieces cut at sentence ends (or spaces): spaCy
# refuses texts over its max_length (1,000,000 characters), and one huge Doc costs memory
# the pieces do not.
MAX_PIECE_CHARS = 100_000


def pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of ``text``, each at most ``limit`` characters,
    cut after a sentence end where there is one, else after a space, else anywhere."""
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        cut = cut + 2 if cut > 0 else window.rfind(" ") + 1
        end = start + (cut if cut > 0 else limit)
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def sentence_starts(words: Sequence[WordType]) -> list[int]:
    """SENT_START values (1 begins a sentence, -1 does not) as spaCy's sentencizer sets them.

    A sentence ends after a run of sentence-ending characters ("." "?" "!" …) and any
    punctuation after it. Read from the cached word types: spaCy's sentencizer made a
    Token object per word, a third of the tagging time (cProfile of ``tag``).
    """
    starts = [-1] * len(words)
    if not words:
        return starts
    starts[0] = 1
    seen_end = False
    for i, word in enumerate(words):
        if seen_end and not word.punct and not word.sentence_end:
            starts[i] = 1
            seen_end = False
        elif word.sentence_end:
            seen_end = True
    return starts


def sentence_spans(
    words: Sequence[WordType], sent_starts: Sequence[int], spaces: Sequence[bool]
) -> list[tuple[int, int]]:
    """Sentences of a paragraph as token spans, with quotes kept in their sentence.

    ``words`` are the paragraph's tokens, ``sent_starts`` their SENT_START values (1 on
    the first token of a sentence, ``sentence_starts``) and ``spaces`` whether whitespace
    follows each one.
    spaCy's sentencizer attaches an opening quote after a full stop to the sentence
    before it, and splits ``Tänk "vad kan jag göra?" istället …`` after the question.
    """
    bounds = [i for i, start in enumerate(sent_starts) if start == 1 or i == 0]
    bounds.append(len(words))
    spans = [[a, b] for a, b in itertools.pairwise(bounds)]
    # An opening quote (space before, none after) belongs to the next sentence.
    for i in range(len(spans) - 1):
        end = spans[i][1]
        if (
            end - 1 > spans[i][0]
            and words[end - 1].text in QUOTES
            and spaces[end - 2]
            and not spaces[end - 1]
        ):
            spans[i][1] -= 1
            spans[i + 1][0] -= 1
    merged: list[list[int]] = []
    for span in spans:
        if (
            merged
            and words[span[0]].text[:1].islower()
            and words[merged[-1][1] - 1].text in QUOTES
            and merged[-1][1] - 2 >= merged[-1][0]
            and words[merged[-1][1] - 2].text in "?!"
        ):
            merged[-1][1] = span[1]
        else:
            merged.append(span)
    return [(a, b) for a, b in merged if b > a]


# A letter or a digit (what ``str.isalnum`` says of a character: ``\w`` but "_").
_ALNUM = re.compile(r"[^\W_]")

# Blocks tagged together: the classifier scores all their statements in one batch (one
# call per block cost a quarter of the ingest time with the classifier on, cProfile).
_TAG_BATCH = 64


@dataclass
class _Block:
    """A block's piece, tokenised, with its sentences: ready to be tagged."""

    block: parsing.Block
    tokens: Tokens
    spans: list[tuple[int, int]]
    chars: dict[tuple[int, int], tuple[int, int]]


def tagged_statements(seg: parsing.Segmentation, name: str, tagger: Tagger) -> Iterator[Statement]:
    """The statements of a segmented text, tagged, in order (a batch of blocks at a time)."""
    batch: list[_Block] = []
    for piece in _pieces(seg, tagger):
        batch.append(piece)
        if len(batch) == _TAG_BATCH:
            yield from _tag_blocks(batch, name, tagger)
            batch = []
    yield from _tag_blocks(batch, name, tagger)


def _pieces(seg: parsing.Segmentation, tagger: Tagger) -> Iterator[_Block]:
    """Each piece of each block that says something, tokenised and split into sentences.

    Every token is read through its cached word type and its offset: a Token or Span
    object per word cost more than the tagging (cProfile of ingest). Most blocks are one
    piece."""
    for block in seg.blocks:
        for offset, end in pieces(block.text):
            tokens = tagger.split(block.text[offset:end])
            words = tokens.types
            if not words:
                continue
            starts = [offset + s for s in tokens.starts] if offset else tokens.starts
            spans = (
                [(0, len(words))]
                if block.kind == "bullet"
                else sentence_spans(words, sentence_starts(words), _spaces_after(tokens))
            )
            # Texts cut from the block's text by character offsets.
            chars = {
                span: (starts[span[0]], starts[span[1] - 1] + len(words[span[1] - 1].text))
                for span in spans
            }
            # A piece with no letter or digit ("–", "…") says nothing; "2030" does.
            spans = [span for span in spans if _ALNUM.search(block.text, *chars[span])]
            if spans:
                yield _Block(block, tokens, spans, chars)


def _tag_blocks(batch: list[_Block], name: str, tagger: Tagger) -> Iterator[Statement]:
    tagged = tagger.tag_many([(b.tokens, b.spans) for b in batch])
    for piece, tagsets in zip(batch, tagged, strict=True):
        block, words = piece.block, piece.tokens.types
        for span, tags in zip(piece.spans, tagsets, strict=True):
            start_char, end_char = piece.chars[span]
            src_start, src_end, line_start, line_end = block.source_span(start_char, end_char)
            span_words = [w for w in words[span[0] : span[1]] if not w.space]
            yield Statement(
                text=block.text[start_char:end_char].strip(),
                source=name,
                line_start=line_start,
                line_end=line_end,
                char_start=src_start,
                char_end=src_end,
                kind=block.kind,
                section=block.section,
                section_shift=block.section_shift,
                prompt=block.prompt,
                group=block.group,
                lemmas=" ".join([w.lemma for w in span_words]),
                forms=" ".join([w.lower for w in span_words]),
                tags=tags,
            )


def _spaces_after(tokens: Tokens) -> list[bool]:
    """Whether whitespace follows each token (spaCy's SPACY attribute), from the offsets."""
    starts, words = tokens.starts, tokens.types
    ends = [*starts[1:], len(tokens.text)]
    return [start + len(w.text) < end for start, w, end in zip(starts, words, ends, strict=True)]


def parse_source(
    text: str,
    name: str,
    tagger: Tagger,
    known_boilerplate: AbstractSet[str] | None = None,
    *,
    lazy: bool = False,
) -> ParsedSource:
    """Parse normalised text into tagged statements with provenance.

    With ``lazy`` the statements are tagged as ``ParsedSource.pending`` is iterated, so a
    huge file never holds all of its statements in memory at once."""
    seg = parsing.segment(text, tagger.classify_heading, known_boilerplate or ())
    statements = tagged_statements(seg, name, tagger)
    return ParsedSource(
        name=name,
        path=name,
        text=text,
        title=seg.title,
        date_text=seg.date_text,
        headings=seg.headings,
        statements=[] if lazy else list(statements),
        pending=statements if lazy else None,
        boilerplate_keys=seg.boilerplate_keys,
        boilerplate=seg.boilerplate,
    )


def parse_notes(
    notes: TextInParts,
    name: str,
    tagger: Tagger,
    known_boilerplate: AbstractSet[str] | None = None,
) -> ParsedSource:
    """``parse_source`` for a file read in parts: its boilerplate and prompts are found
    now (two readings of the file), its statements are segmented and tagged as
    ``ParsedSource.pending`` is iterated (a third), after which ``title``, ``date_text``
    and ``headings`` (its title and shift headings) are known. Memory holds a part of the
    text and a batch of statements, never the whole file."""
    seg = parsing.segment_lines(
        lambda: parsing.split_lines(notes.parts()),
        tagger.classify_heading,
        known_boilerplate or (),
        all_headings=False,
    )
    source = ParsedSource(
        name=name,
        path=name,
        text=None,
        title=None,
        date_text=None,
        headings=[],
        statements=[],
        boilerplate_keys=seg.boilerplate_keys,
        boilerplate=seg.boilerplate,
        notes=notes,
    )

    def statements() -> Iterator[Statement]:
        yield from tagged_statements(seg, name, tagger)
        source.title, source.date_text, source.headings = seg.title, seg.date_text, seg.headings

    source.pending = statements()
    return source

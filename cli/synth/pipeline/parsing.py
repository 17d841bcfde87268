"""From normalised text to structure: boilerplate, headings, prompts and statement blocks.

The parser works on lines. It removes blocks of lines that repeat (page headers and
footers), recognises shift headings (``Från … → till …``), named sections, question
prompts and bullets, and joins wrapped lines into blocks. Splitting free paragraphs into
sentences is left to the spaCy pipeline (see ``synth.pipeline.statements``).
"""

from __future__ import annotations

import functools
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np

from synth.models import BlockKind, Heading, HeadingRole

BULLET_RE = re.compile(r"^\s*(?:[-–—•*▪►▼●◦·‣○]|\(?\d{1,2}[.)]|[a-zA-Z][)])\s+(?=\S)")
MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
FRAN_RE = re.compile(r"^\s*\W*från\s", re.IGNORECASE)
FRAN_SEPARATOR_RE = re.compile(r"→|->|=>|\s[-–—]\s|\btill\b", re.IGNORECASE)
NUMBERED_RE = re.compile(r"^\s*\(?\d{1,2}[.)]\s+")
INNER_SENTENCE_RE = re.compile(r"[.!?]\s+[A-ZÅÄÖ]")
TERMINAL = '.!?:;"”»)'
EMPHASIS = "*_"

# A repeated run of lines is boilerplate only when every line of it is short: long
# repeated lines are content (a pasted paragraph) and stay.
MAX_BOILERPLATE_LINE = 120
DIGITS_RE = re.compile(r"\d+")
MAX_NUMBERED_FURNITURE_WORDS = 4  # "Sida 2 av 12", "Kalmar 2023-04-19 sida 2"
# A page number on a line of its own, numbers folded: "sida #", "sida # av #", "# (#)",
# "# / #", "- # -".
PAGE_NUMBER_RE = re.compile(
    r"^(?:(?:sida|sid\.?|s\.|page)\s*#(?:\s*(?:av|/|of)\s*#)?|#\s*\(#\)|#\s*(?:av|/)\s*#"
    r"|[-–]\s*#\s*[-–])$"
)
MAX_HEADING_WORDS = 8
MAX_PROMPT_WORDS = 30
MAX_TITLE_WORDS = 12
MAX_INSTRUCTION_WORDS = 15  # "Ge gärna två exempel" after a question

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
_WEEKDAY = r"(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?"
_TIME = r"\d{1,2}(?:[.:]\d{2})?"
# A line that only dates the meeting: "2023-04-19", "Datum: 14 mars 2024, kl. 13-16".
DATE_LINE_RE = re.compile(
    rf"^(?:datum\s*:\s*)?(?:{_WEEKDAY}\s+(?:den\s+)?)?"
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+(?:{'|'.join(MONTHS)})(?:\s+\d{{4}})?)"
    rf"(?:,?\s*(?:kl\.?\s*)?{_TIME}(?:\s*[-–]\s*{_TIME})?)?\.?$",
    re.IGNORECASE,
)
# An agenda item of a protocol: "§ 4 Workshop om nära vård".
# The number ends at a space or a mark: "§00" is not item 0 named "0".
AGENDA_RE = re.compile(r"^§\s*\d+[a-z]?(?:\s*[.:–-]\s*|\s+)(?P<name>\S.*)$")
ATTACHMENT_RE = re.compile(r"^bilag(?:a|or)\b[\s\d,.:och-]*$", re.IGNORECASE)
AGENDA_SECTIONS = frozenset({"dagordning", "agenda", "föredragningslista"})
# A theme label opening a paragraph: "Ledning: …", "Invånare/närstående: …". Up to four
# words of letters, no digits (so "Grupp 2:" and "kl. 10:" are not labels).
GROUP_LABEL_RE = re.compile(
    r"^(?P<label>[A-ZÅÄÖÉ][^\W\d_]*(?:(?:\s|/|\s?-\s?|\s/\s)[^\W\d_]+){0,3})\s*:(?:\s+|$)"
)
MAX_LABEL_CHARS = 40
# Words before a colon that introduce an example or a quote rather than name a theme.
NOT_LABELS = frozenset({"t ex", "tex", "till exempel", "exempel", "obs", "citat", "fråga"})
# First words of a sentence that runs on over a colon ("Det handlar om: …").
NOT_LABEL_STARTS = frozenset(
    [
        "det",
        "detta",
        "de",
        "den",
        "denna",
        "vi",
        "jag",
        "man",
        "du",
        "ni",
        "vad",
        "hur",
        "här",
        "så",
        "och",
        "men",
        "som",
        "en",
        "ett",
        "vår",
        "vårt",
    ]
)
QUOTE_MARKS = "\"”“'»«"
# Labels of meeting particulars: the session's metadata, never statements.
META_LABELS = frozenset(
    {
        "närvarande",
        "deltagare",
        "frånvarande",
        "föredragare",
        "justerare",
        "sekreterare",
        "protokollförare",
        "mötesledare",
        "ordförande",
    }
)
# Above the notes only: further down "Tid: vi behöver mer tid" is a theme.
TOP_META_LABELS = frozenset({"datum", "tid", "plats"})


def line_key(line: str) -> str:
    """The form of a line used to recognise repeats: case and spacing folded."""
    return " ".join(line.split()).casefold()


def strip_emphasis(text: str) -> str:
    return text.strip().strip(EMPHASIS).strip()


@dataclass
class Piece:
    """A stretch of one source line that belongs to a block."""

    line: int  # 1-based
    src_start: int  # offset in the source text
    block_start: int  # offset in the block text
    length: int


@dataclass
class Block:
    """A bullet or a free paragraph, with the lines it was joined from."""

    kind: BlockKind
    pieces: list[Piece] = field(default_factory=list)
    text: str = ""
    section: str | None = None
    section_shift: str | None = None
    prompt: str | None = None
    group: str | None = None
    meta: bool = False  # meeting particulars ("Närvarande: …"): not statements
    _parts: list[str] = field(default_factory=list, repr=False)
    _length: int = 0
    # Where each piece starts in the block text (``source_span`` looks a statement up
    # there), and whether a piece has more than whitespace.
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)
    _has_text: bool = field(default=False, repr=False, compare=False)

    def add(self, line_no: int, src_start: int, content: str) -> None:
        """Append a line's content; lines are joined with one space."""
        if self._parts:
            self._length += 1
        self.pieces.append(Piece(line_no, src_start, self._length, len(content)))
        self._starts.append(self._length)
        self._parts.append(content)
        self._length += len(content)
        self._has_text = self._has_text or not (content.isspace() or not content)

    def finish(self) -> Block:
        """Join the lines once (not per line: long PDF paragraphs stay linear)."""
        self.text = " ".join(self._parts)
        return self

    def last_char(self) -> str:
        for part in reversed(self._parts):
            stripped = part.rstrip()
            if stripped:
                return stripped[-1]
        return ""

    def has_text(self) -> bool:
        return self._has_text

    def source_span(self, start: int, end: int) -> tuple[int, int, int, int]:
        """Map a block-text span to (src_start, src_end, line_start, line_end)."""
        starts = self._starts
        first = self.pieces[max(0, bisect_right(starts, start) - 1)]
        last = self.pieces[max(0, bisect_left(starts, end) - 1)]
        s = first.src_start + max(0, min(start - first.block_start, first.length))
        e = last.src_start + max(0, min(end - last.block_start, last.length))
        return s, max(s, e), first.line, last.line


@dataclass
class Segmentation:
    """The parser's result before sentence splitting.

    From ``segment_lines`` the blocks come as they are taken, and ``headings``, ``title``
    and ``date_text`` are complete once they all have been."""

    blocks: Iterable[Block]
    headings: list[Heading]
    boilerplate: list[tuple[int, int]]
    boilerplate_keys: set[str]
    title: str | None
    date_text: str | None = None  # the line that dates the meeting, if any


ShiftClassifier = Callable[[str], str | None]
# The lines of a text ("\n" split), afresh at each call: the parser reads them three times.
LineSource = Callable[[], Iterable[str]]


def split_lines(parts: Iterable[str]) -> Iterator[str]:
    """The lines of a text given as consecutive parts, as ``"".join(parts).split("\n")``."""
    held: list[str] = []
    for part in parts:
        if "\n" not in part:
            held.append(part)
            continue
        lines = part.split("\n")
        held.append(lines[0])
        yield "".join(held)
        yield from lines[1:-1]
        held = [lines[-1]]
    yield "".join(held)


def boilerplate_key(line: str) -> str:
    """The form of a line used to recognise page furniture: case and spacing folded, and
    in a short line every number written as ``#`` ("Sida 1" and "Sida 2" repeat as
    "sida #"). Longer lines keep their numbers: "Punkt 1 om vården" is content."""
    key = line_key(line)
    return DIGITS_RE.sub("#", key) if len(key.split()) <= MAX_NUMBERED_FURNITURE_WORDS else key


# Eligible lines whose keys are compared a million at a time (see _repeated_runs).
_COMPARED = 1 << 20

# What the parser reads off a line by itself (its key, its marks, whether it only dates
# the meeting) is kept for this many distinct lines: notes repeat lines (headers, prompts,
# the same bullets under several questions) and the parser reads each line in three
# passes, so most lines are looked at again (cProfile of ingest: the regular expressions
# run on each line were a fifth of the parsing).
_LINES_KEPT = 1 << 14


@functools.lru_cache(maxsize=_LINES_KEPT)
def _furniture(line: str) -> tuple[str, bool, bool]:
    """Of a non-blank line: its ``boilerplate_key``, whether it may be page furniture
    (short, not a bullet, not a question) and whether it is a page number of its own."""
    stripped = line.strip()
    key = boilerplate_key(line)
    able = (
        len(stripped) <= MAX_BOILERPLATE_LINE
        and not BULLET_RE.match(line)
        and not stripped.endswith("?")
    )
    return key, able, PAGE_NUMBER_RE.match(key) is not None


def _repeated_runs(keys: array[int], eligible: bytearray) -> set[int]:
    """Positions of runs of two or more eligible keys that occur again further on.

    ``keys`` are hashes of the keys (8 bytes a line instead of the key itself, so that a
    large file is scanned in little memory); only keys that occur twice among the
    eligible lines are gathered, with their first 50 positions."""
    n = len(keys)
    if n < 2:
        return set()
    hashes = np.frombuffer(keys, dtype=np.int64)
    able = np.frombuffer(eligible, dtype=np.bool_)
    ordered = hashes[able]
    ordered.sort()
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    del ordered
    occurrences: dict[int, list[int]] = {}
    for start in range(0, n, _COMPARED):
        stop = min(n, start + _COMPARED)
        hits = np.isin(hashes[start:stop], repeated) & able[start:stop]
        for k in (np.flatnonzero(hits) + start).tolist():
            positions = occurrences.setdefault(keys[k], [])
            if len(positions) < 50:
                positions.append(k)
    marked: set[int] = set()
    for positions in occurrences.values():
        for a_idx, a in enumerate(positions):
            for b in positions[a_idx + 1 :]:
                run = 0
                while (
                    b + run < n
                    and a + run < b
                    and keys[a + run] == keys[b + run]
                    and eligible[a + run]
                ):
                    run += 1
                if run >= 2:
                    marked.update(range(a, a + run))
                    marked.update(range(b, b + run))
    return marked


def _boilerplate_ordinals(lines: Iterable[str], known: AbstractSet[str]) -> set[int]:
    """Ordinals among the non-blank lines (0 for the first) of the boilerplate lines; see
    ``find_boilerplate``. One pass over the lines, keeping a hash and a flag per line."""
    keys: array[int] = array("q")
    eligible = bytearray()
    marked: set[int] = set()
    run_start = -1  # of a run of known keys
    page_numbers: list[tuple[int, str]] = []
    counts: Counter[str] = Counter()
    k = 0
    for line in lines:
        if not line or line.isspace():
            continue
        key, able, page_number = _furniture(line)
        keys.append(hash(key))
        eligible.append(able)
        if able and key in known:
            run_start = k if run_start < 0 else run_start
        else:
            if run_start >= 0 and k - run_start >= 2:
                marked.update(range(run_start, k))
            run_start = -1
        if page_number:
            page_numbers.append((k, key))
            counts[key] += 1
        k += 1
    if run_start >= 0 and k - run_start >= 2:
        marked.update(range(run_start, k))
    marked |= _repeated_runs(keys, eligible)
    marked.update(n for n, key in page_numbers if counts[key] >= 2 or key in known)
    return marked


def find_boilerplate(lines: list[str], known: Iterable[str] = ()) -> tuple[set[int], set[str]]:
    """Indexes of lines in repeated runs (page headers/footers) and their keys.

    A run is two or more consecutive non-blank lines (blank lines between them ignored)
    that occur again elsewhere in the text, all short, none a bullet or a question; lines
    are compared with their numbers folded (``boilerplate_key``), so a footer with its
    page number repeats. Lines whose keys are in ``known`` (learnt from earlier
    documents) count as repeated when two or more of them stand together; a page number
    on a line of its own counts when it repeats or is known.
    """
    marked = _boilerplate_ordinals(lines, {boilerplate_key(k) for k in known})
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    return {nonblank[k] for k in marked}, {boilerplate_key(lines[nonblank[k]]) for k in marked}


def _ranges(indexes: set[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i in sorted(indexes):
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i + 1, i + 1))
    # convert to 1-based inclusive ranges
    return [(a, b) for a, b in out]


@functools.lru_cache(maxsize=_LINES_KEPT)
def _unnumbered(content: str) -> str:
    return strip_emphasis(NUMBERED_RE.sub("", content))


@functools.lru_cache(maxsize=_LINES_KEPT)
def _is_prompt(content: str) -> bool:
    stripped = strip_emphasis(content)
    return (
        stripped.endswith("?")
        and len(stripped.split()) <= MAX_PROMPT_WORDS
        and not INNER_SENTENCE_RE.search(stripped[:-1])
    )


def _is_question_with_instruction(content: str) -> bool:
    """A question followed by a short instruction ("Vad behövs? Ge gärna två exempel")."""
    stripped = strip_emphasis(content)
    mark = stripped.find("?")
    if mark < 0:
        return False
    tail = stripped[mark + 1 :].strip()
    return (
        _is_prompt(stripped[: mark + 1])
        and 0 < len(tail.split()) <= MAX_INSTRUCTION_WORDS
        and "?" not in tail
    )


def _is_named_section(content: str) -> bool:
    stripped = strip_emphasis(content)
    words = stripped.split()
    return (
        0 < len(words) <= MAX_HEADING_WORDS
        and len(stripped) >= 3
        and stripped[-1] not in TERMINAL + ",–-"
        and (stripped[0].isupper() or stripped[0].isdigit())
        and any(ch.isalpha() for ch in stripped)
    )


def _is_fran_heading(content: str) -> bool:
    return (
        bool(FRAN_RE.match(content))
        and bool(FRAN_SEPARATOR_RE.search(content))
        and (len(content.split()) <= 25)
    )


@functools.lru_cache(maxsize=_LINES_KEPT)
def group_label(content: str) -> tuple[str, int] | None:
    """The theme label opening a paragraph ("Ledning: …") and where the text after it
    starts, or None."""
    if ":" not in content:
        return None  # a label ends at a colon (and the pattern is slow to say no)
    m = GROUP_LABEL_RE.match(strip_emphasis(content) if content.endswith(":") else content)
    if m is None:
        return None
    label = m.group("label")
    folded = label.casefold()
    if (
        len(label) > MAX_LABEL_CHARS
        or folded in NOT_LABELS
        or folded.split()[0] in NOT_LABEL_STARTS
    ):
        return None
    # A theme's points start a sentence: "Målet är: fler möten" is one sentence.
    rest = content[m.end() :].lstrip(EMPHASIS + QUOTE_MARKS + " ")
    if rest and not (rest[0].isupper() or rest[0].isdigit()):
        return None
    return label, m.end()


def is_meta_label(label: str | None, at_top: bool = False) -> bool:
    """Labels of meeting particulars (attendance; date and place above the notes)."""
    if label is None:
        return False
    folded = label.casefold()
    return folded in META_LABELS or (at_top and folded in TOP_META_LABELS)


@dataclass
class Line:
    """A non-blank line of the text with what its neighbours say about it."""

    number: int  # 1-based
    offset: int  # of the raw line in the text
    raw: str
    content: str  # the line stripped
    alone: bool  # blank (or removed) lines before and after
    next_bullet: bool  # the next line is a bullet
    next_numbered: bool  # the next line is a numbered item
    continued: bool  # its sentence goes on in the next line (after a page break, say)
    bullet: re.Match[str] | None
    md: re.Match[str] | None
    numbered: bool  # a numbered item ("1. …")

    @property
    def start(self) -> int:
        """Offset of the content in the text."""
        return self.offset + len(self.raw) - len(self.raw.lstrip())

    @property
    def unnumbered(self) -> str:
        """The content without its number and emphasis: "1. *Vad …?*" is "Vad …?"."""
        return _unnumbered(self.content)

    def after_bullet(self) -> str:
        assert self.bullet is not None
        return self.raw[self.bullet.end() :].rstrip()


@dataclass(slots=True)
class _RawLine:
    """A line of the text as read, with whether the parser skips it."""

    index: int  # 0-based
    offset: int
    raw: str
    stripped: str
    removed: bool  # boilerplate
    date: bool  # only dates the meeting
    blank: bool  # blank, or skipped (boilerplate, a date line): a gap between blocks


@functools.lru_cache(maxsize=_LINES_KEPT)
def _stripped(line: str) -> tuple[str, bool]:
    """The line stripped, and whether it only dates the meeting ("2023-04-19",
    "Datum: 14 mars 2024, kl. 13-16")."""
    return line.strip(), DATE_LINE_RE.match(strip_emphasis(line)) is not None


def _raw_lines(lines: Iterable[str], removed: AbstractSet[int]) -> Iterator[_RawLine]:
    """Each line with its offset; ``removed`` holds ordinals among the non-blank lines."""
    offset = 0
    k = 0
    for i, line in enumerate(lines):
        stripped, date = _stripped(line)
        gone = False
        if stripped:
            gone = k in removed
            k += 1
        date = date and not gone
        yield _RawLine(i, offset, line, stripped, gone, date, not stripped or gone or date)
        offset += len(line) + 1


@functools.lru_cache(maxsize=_LINES_KEPT)
def _marks(line: str) -> tuple[re.Match[str] | None, re.Match[str] | None, bool]:
    """A line's bullet and Markdown heading marks, and whether it is a numbered item."""
    return BULLET_RE.match(line), MD_HEADING_RE.match(line), NUMBERED_RE.match(line) is not None


# How far ahead a line looks for the next line with text (see Line.continued).
_LOOKAHEAD = 40


def _lines_in_context(raw_lines: Iterable[_RawLine]) -> Iterator[tuple[_RawLine, Line | None]]:
    """Each line with its ``Line`` (None for blank and skipped lines), read with a window
    of the lines around it, so that a text of any length is read a line at a time."""
    window: deque[_RawLine] = deque()
    source = iter(raw_lines)
    previous_blank = True  # the line before (none before the first) is blank or skipped
    while True:
        for item in source:
            window.append(item)
            if len(window) >= _LOOKAHEAD:
                break
        if not window:
            return
        current = window.popleft()
        if current.blank:
            yield current, None
            previous_blank = True
            continue
        line, content = current.raw, current.stripped
        # Its sentence goes on when it has no end mark and the next line with text
        # (skipped or not) within 40 lines starts in lower case.
        continued = False
        if content[-1:] not in TERMINAL:
            for ahead in window:
                if ahead.stripped:
                    continued = ahead.stripped[:1].islower()
                    break
        after = window[0] if window else None
        next_blank = after is None or after.blank
        next_bullet = next_numbered = False
        if after is not None and not next_blank:
            next_mark, _, next_numbered = _marks(after.raw)
            next_bullet = next_mark is not None
        bullet, md, numbered = _marks(line)
        yield (
            current,
            Line(
                number=current.index + 1,
                offset=current.offset,
                raw=line,
                content=content,
                alone=previous_blank and next_blank,
                next_bullet=next_bullet,
                next_numbered=next_numbered,
                continued=continued,
                bullet=bullet,
                md=md,
                numbered=numbered,
            ),
        )
        previous_blank = False


@dataclass
class _Context:
    """What the line rules need to know about the lines before."""

    classify_shift: ShiftClassifier
    prompt_keys: set[str]
    seen_content: bool = False
    has_title: bool = False
    has_blocks: bool = False
    in_agenda: bool = False

    @property
    def at_top(self) -> bool:
        """Before any content: where a document's title stands."""
        return not self.seen_content and not self.has_title


Role = tuple[str, str]  # (role, heading text)


def _markdown_role(line: Line, ctx: _Context) -> Role | None:
    if line.md is None:
        return None
    text = strip_emphasis(line.md.group(2))
    if text.endswith("?") or _is_question_with_instruction(text):
        return "prompt", text
    if _is_fran_heading(text) or ctx.classify_shift(text):
        return "shift", text
    if ctx.at_top and len(line.md.group(1)) == 1:
        return "title", text
    return "section", text


def _label_role(line: Line, ctx: _Context) -> Role | None:
    """A theme label on a line of its own ("Ledning:"), or a meeting particular."""
    if line.bullet is not None:
        return None
    found = group_label(line.content)
    if found is None:
        return None
    label, end = found
    if end >= len(strip_emphasis(line.content)):
        return "group", label
    return None


def _shift_line_role(line: Line, ctx: _Context) -> Role | None:
    if line.bullet is None and _is_fran_heading(line.content):
        return "shift", strip_emphasis(line.content)
    return None


def _agenda_role(line: Line, ctx: _Context) -> Role | None:
    """Agenda items: "§ 4 Workshop om nära vård" opens a section; the items listed under
    "Dagordning" are structure too, and so is a reference to an attachment ("Bilaga 2")."""
    if line.bullet is None:
        return _agenda_item(line.content)
    if ctx.in_agenda:
        return "agenda", strip_emphasis(line.after_bullet())
    return None


@functools.lru_cache(maxsize=_LINES_KEPT)
def _agenda_item(content: str) -> Role | None:
    """The role of a line that is no bullet as an attachment or an agenda item."""
    if ATTACHMENT_RE.match(strip_emphasis(content)):
        return "meta", strip_emphasis(content)
    m = AGENDA_RE.match(content)
    return ("section", strip_emphasis(m.group("name"))) if m else None


def _question_role(line: Line, ctx: _Context) -> Role | None:
    """A question on a line of its own, numbered or not, is the prompt of what follows."""
    if line.bullet is not None and not line.numbered:
        return None
    text = line.unnumbered
    if line.bullet is None:
        return ("prompt", text) if _is_prompt(text) else None
    # A numbered question is a prompt when it stands alone or heads a list of its own;
    # in a numbered list of questions it is content.
    if not (_is_prompt(text) or (line.alone and _is_question_with_instruction(text))):
        return None
    if line.alone or (line.next_bullet and not line.next_numbered):
        return "prompt", text
    return None


def _listed_prompt_role(line: Line, ctx: _Context) -> Role | None:
    """A bullet repeating a prompt of the notes: the preamble listing the questions."""
    if line.bullet is None or not line.content.endswith("?"):
        return None
    text = strip_emphasis(line.after_bullet())
    return ("listed", text) if line_key(text) in ctx.prompt_keys else None


def _section_role(line: Line, ctx: _Context) -> Role | None:
    """A short line of its own names a section (or the document, at the top)."""
    if not (line.alone or line.next_bullet) or line.continued:
        return None
    if line.bullet is not None and not (line.numbered and line.alone):
        return None
    text = line.unnumbered
    if not _is_named_section(text) or group_label(text) is not None:
        return None
    if ctx.at_top and not ctx.has_blocks:
        return "title", text
    return ("shift" if ctx.classify_shift(text) else "section"), text


def _title_role(line: Line, ctx: _Context) -> Role | None:
    """The first short line of a document names it ("LGL 28 januari, kl. 9-12."), unless
    the next line continues its sentence."""
    if (
        ctx.at_top
        and line.alone
        and line.bullet is None
        and len(line.content.split()) <= MAX_TITLE_WORDS
        and not line.content.endswith("?")
        and not line.continued
    ):
        return "title", strip_emphasis(line.content)
    return None


# Tried in order; the first rule that names a role wins.
_LINE_RULES = (
    _markdown_role,
    _label_role,
    _shift_line_role,
    _agenda_role,
    _question_role,
    _listed_prompt_role,
    _section_role,
)


def classify_line(line: Line, ctx: _Context) -> Role | None:
    """The structural role of a line and its heading text, or None for content."""
    for rule in _LINE_RULES:
        found = rule(line, ctx)
        if found is not None:
            return found
    return _title_role(line, ctx)


class _Segmenter:
    """Builds blocks line by line, keeping the section, prompt and group they stand under."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.blocks: list[Block] = []
        self.headings: list[Heading] = []
        self.section: str | None = None
        self.shift: str | None = None
        self.prompt: str | None = None
        self.group: str | None = None  # from a label on a line of its own
        self.group_is_meta = False
        self.current: Block | None = None
        self.title: str | None = None
        self.date_text: str | None = None
        self.gap = False  # a blank (or removed) line since the current block's last line
        # The last block was free text straight under a named section (a document's
        # chapter): a question after it heads a chapter of its own, not a prompt.
        self.prose_under_section = False

    def flush(self) -> None:
        block, self.current = self.current, None
        if block is None or not block.has_text():
            return
        if block.meta:
            # Meeting particulars ("Närvarande: …") describe the session; not statements.
            block.finish()
            for piece in block.pieces:
                text = block.text[piece.block_start : piece.block_start + piece.length]
                end = piece.src_start + piece.length
                self.headings.append(Heading(text, piece.line, piece.src_start, end, "meta"))
            return
        self.blocks.append(block.finish())
        self.ctx.has_blocks = True
        self.prose_under_section = (
            block.kind == "paragraph"
            and block.section is not None
            and block.section_shift is None
            and block.prompt is None
        )

    def heading(self, line: Line, role: str, text: str) -> None:
        self.flush()
        self.gap = False
        end = line.offset + len(line.raw.rstrip())

        def add(kind: HeadingRole, shift: str | None = None) -> None:
            self.headings.append(Heading(text, line.number, line.start, end, kind, shift))

        if role == "listed":
            add("prompt")
        elif role in ("meta", "agenda"):
            add("meta" if role == "meta" else "agenda")
        elif role == "title":
            self.title = text
            self.ctx.has_title = True
            add("title")
        elif role == "group":
            self.group = text
            self.group_is_meta = is_meta_label(text, not self.ctx.seen_content)
            add("group")
        else:
            self.ctx.seen_content = True
            self.group, self.group_is_meta = None, False
            if role == "prompt" and self.prose_under_section:
                role = "section"
            self.prose_under_section = False
            if role == "prompt":
                self.prompt = text
                add("prompt", self.shift)
                return
            self.shift = self.ctx.classify_shift(text) if role == "shift" else None
            self.section, self.prompt = text, None
            self.ctx.in_agenda = role == "section" and text.casefold() in AGENDA_SECTIONS
            add("shift" if role == "shift" else "section", self.shift)

    def date_line(self, number: int, offset: int, raw: str) -> None:
        self.flush()
        text = strip_emphasis(raw)
        if self.date_text is None:
            self.date_text = text
        start = offset + len(raw) - len(raw.lstrip())
        self.headings.append(Heading(text, number, start, offset + len(raw.rstrip()), "date"))

    def _open(self, kind: BlockKind, label: str | None) -> Block:
        self.flush()
        self.current = Block(
            kind,
            section=self.section,
            section_shift=self.shift,
            prompt=self.prompt,
            group=label or self.group,
            meta=is_meta_label(label, not self.ctx.seen_content) if label else self.group_is_meta,
        )
        return self.current

    def content(self, line: Line) -> None:
        """A bullet, or a plain line that continues the open block or starts a paragraph."""
        text = line.after_bullet() if line.bullet else line.raw.rstrip()[line.start - line.offset :]
        text_start = line.offset + line.bullet.end() if line.bullet else line.start
        label = group_label(text)
        if label is not None:
            # The label names the group; it is not part of the statement.
            name, skip = label
            self.headings.append(
                Heading(name, line.number, text_start, text_start + len(name), "group")
            )
            text_start += skip
            text = text[skip:]
        if line.bullet or label is not None or not self._continues(line):
            block = self._open("bullet" if line.bullet else "paragraph", label and label[0])
        else:
            assert self.current is not None
            block = self.current
        block.add(line.number, text_start, text)
        self.ctx.seen_content = self.ctx.seen_content or not block.meta
        self.gap = False

    def _continues(self, line: Line) -> bool:
        if self.current is None:
            return False
        last_char = self.current.last_char()
        starts_lower = line.content[:1].islower()
        if self.current.kind == "paragraph":
            return not self.gap or (last_char not in TERMINAL and starts_lower)
        return not self.gap and (starts_lower or last_char not in TERMINAL)


def segment(
    text: str,
    classify_shift: ShiftClassifier,
    known_boilerplate: Iterable[str] = (),
) -> Segmentation:
    """Split normalised text into blocks under their headings, prompts and groups.

    ``classify_shift`` maps a heading's text to a shift id (or None); it comes from the
    taxonomy's heading patterns. Repeated runs of lines (and runs of lines whose keys are
    in ``known_boilerplate``) are removed first.
    """
    lines = text.split("\n")
    seg = segment_lines(lambda: lines, classify_shift, known_boilerplate)
    seg.blocks = list(seg.blocks)
    return seg


@dataclass
class _Structure:
    """What the parser learns from the whole text before it segments it."""

    removed: set[int]  # ordinals among the non-blank lines
    ranges: list[tuple[int, int]]  # the removed lines, 1-based inclusive ranges
    keys: set[str]  # their boilerplate keys
    prompt_keys: set[str]


def _structure(lines: LineSource, known: AbstractSet[str]) -> _Structure:
    """Boilerplate (a first pass over the lines), then the prompts of the notes (a second,
    which looks at the lines with a question mark only)."""
    removed = _boilerplate_ordinals(lines(), known)
    found = _Structure(removed, [], set(), set())
    k = 0  # ordinal of the next non-blank line
    before_blank = True  # whether the line before is blank (or skipped): as _RawLine.blank
    asked: tuple[str, str, bool] | None = None  # a line with a '?': raw, stripped, before_blank
    for index, raw in enumerate(lines()):
        stripped, date = _stripped(raw)
        gone = False
        if stripped:
            gone = k in removed
            k += 1
        blank = not stripped or gone or date
        if asked is not None:
            _add_prompt(found, *asked, after_blank=blank)
            asked = None
        if gone:
            found.keys.add(boilerplate_key(raw))
            if found.ranges and found.ranges[-1][1] == index:
                found.ranges[-1] = (found.ranges[-1][0], index + 1)
            else:
                found.ranges.append((index + 1, index + 1))
        elif not blank and "?" in stripped:
            asked = (raw, stripped, before_blank)
        before_blank = blank
    if asked is not None:
        _add_prompt(found, *asked, after_blank=True)
    return found


def _add_prompt(
    found: _Structure, raw: str, stripped: str, before_blank: bool, *, after_blank: bool
) -> None:
    """Prompts listed as bullets in a preamble ("- Vad behövs …?") repeat as real prompts
    later; such bullets are structure, not statements. A line is a prompt as Line says."""
    text = _unnumbered(stripped)
    bullet, _, numbered = _marks(raw)
    if (bullet is None or (numbered and before_blank and after_blank)) and _is_prompt(text):
        found.prompt_keys.add(line_key(text))


def _summary(heading: Heading, kept: list[Heading]) -> bool:
    """Headings kept of a text read in parts: its title and two shift headings (what
    guessing the session's kind reads)."""
    if heading.role == "title":
        return True
    shifts = sum(1 for h in kept if h.role == "shift" and h.shift)
    return heading.role == "shift" and heading.shift is not None and shifts < 2


def segment_lines(
    lines: LineSource,
    classify_shift: ShiftClassifier,
    known_boilerplate: Iterable[str] = (),
    *,
    all_headings: bool = True,
) -> Segmentation:
    """``segment`` for a text given as its lines, read three times (``lines`` gives them
    afresh at each call): boilerplate, prompts, then blocks, which come as they are taken.
    Memory holds a block and a window of lines, not the text. Without ``all_headings``
    only the title and two shift headings are kept."""
    found = _structure(lines, {boilerplate_key(k) for k in known_boilerplate})
    seg = Segmentation(iter(()), [], found.ranges, found.keys, None)

    def blocks() -> Iterator[Block]:
        segmenter = _Segmenter(_Context(classify_shift, found.prompt_keys))

        def taken() -> Iterator[Block]:
            """The blocks and headings the segmenter has made since it was last asked."""
            for heading in segmenter.headings:
                if all_headings or _summary(heading, seg.headings):
                    seg.headings.append(heading)
            segmenter.headings.clear()
            seg.title, seg.date_text = segmenter.title, segmenter.date_text
            made, segmenter.blocks = segmenter.blocks, []
            return iter(made)

        for raw, line in _lines_in_context(_raw_lines(lines(), found.removed)):
            if raw.date:
                segmenter.date_line(raw.index + 1, raw.offset, raw.raw)
            elif line is None:
                segmenter.gap = True
            else:
                role = classify_line(line, segmenter.ctx)
                if role is not None:
                    segmenter.heading(line, *role)
                else:
                    segmenter.content(line)
            if segmenter.blocks or segmenter.headings:
                yield from taken()
        segmenter.flush()
        yield from taken()

    seg.blocks = blocks()
    return seg

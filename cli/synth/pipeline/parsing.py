"""From normalised text to structure: boilerplate, headings, prompts and statement blocks.

The parser works on lines. It removes blocks of lines that repeat (page headers and
footers), recognises shift headings (``Från … → till …``), named sections, question
prompts and bullets, and joins wrapped lines into blocks. Splitting free paragraphs into
sentences is left to the spaCy pipeline (see ``synth.pipeline.statements``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from synth.models import BlockKind, Heading

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
MAX_HEADING_WORDS = 8
MAX_PROMPT_WORDS = 30


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
    _parts: list[str] = field(default_factory=list, repr=False)
    _length: int = 0

    def add(self, line_no: int, src_start: int, content: str) -> None:
        """Append a line's content; lines are joined with one space."""
        if self._parts:
            self._length += 1
        self.pieces.append(Piece(line_no, src_start, self._length, len(content)))
        self._parts.append(content)
        self._length += len(content)

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
        return any(part.strip() for part in self._parts)

    def source_span(self, start: int, end: int) -> tuple[int, int, int, int]:
        """Map a block-text span to (src_start, src_end, line_start, line_end)."""
        starts = [p.block_start for p in self.pieces]
        first = self.pieces[max(0, bisect_right(starts, start) - 1)]
        last = self.pieces[max(0, bisect_left(starts, end) - 1)]
        s = first.src_start + max(0, min(start - first.block_start, first.length))
        e = last.src_start + max(0, min(end - last.block_start, last.length))
        return s, max(s, e), first.line, last.line


@dataclass
class Segmentation:
    """The parser's result before sentence splitting."""

    blocks: list[Block]
    headings: list[Heading]
    boilerplate: list[tuple[int, int]]
    boilerplate_keys: set[str]
    title: str | None


ShiftClassifier = Callable[[str], str | None]


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) for every line of the text."""
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def find_boilerplate(lines: list[str], known: Iterable[str] = ()) -> tuple[set[int], set[str]]:
    """Indexes of lines in repeated runs (page headers/footers) and their keys.

    A run is two or more consecutive non-blank lines (blank lines between them ignored)
    that occur again elsewhere in the text, all short, none a bullet or a question.
    Lines whose keys are in ``known`` (learnt from earlier documents) count as repeated
    when two or more of them stand together.
    """
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    keys = [line_key(lines[i]) for i in nonblank]

    def eligible(k: int) -> bool:
        raw = lines[nonblank[k]]
        return (
            len(raw.strip()) <= MAX_BOILERPLATE_LINE
            and not BULLET_RE.match(raw)
            and not raw.rstrip().endswith("?")
        )

    occurrences: dict[str, list[int]] = defaultdict(list)
    for k, key in enumerate(keys):
        if eligible(k):
            occurrences[key].append(k)
    marked: set[int] = set()
    for positions in occurrences.values():
        if len(positions) < 2:
            continue
        positions = positions[:50]
        for a_idx, a in enumerate(positions):
            for b in positions[a_idx + 1 :]:
                run = 0
                while (
                    b + run < len(keys)
                    and a + run < b
                    and keys[a + run] == keys[b + run]
                    and eligible(a + run)
                ):
                    run += 1
                if run >= 2:
                    marked.update(range(a, a + run))
                    marked.update(range(b, b + run))
    known_set = set(known)
    if known_set:
        k = 0
        while k < len(keys):
            j = k
            while j < len(keys) and keys[j] in known_set and eligible(j):
                j += 1
            if j - k >= 2:
                marked.update(range(k, j))
            k = max(j, k + 1)
    found_keys = {keys[k] for k in marked}
    return {nonblank[k] for k in marked}, found_keys


def _ranges(indexes: set[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i in sorted(indexes):
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i + 1, i + 1))
    # convert to 1-based inclusive ranges
    return [(a, b) for a, b in out]


def _is_prompt(content: str) -> bool:
    stripped = strip_emphasis(content)
    return (
        stripped.endswith("?")
        and len(stripped.split()) <= MAX_PROMPT_WORDS
        and not INNER_SENTENCE_RE.search(stripped[:-1])
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


def segment(
    text: str,
    classify_shift: ShiftClassifier,
    known_boilerplate: Iterable[str] = (),
) -> Segmentation:
    """Split normalised text into blocks under their headings and prompts.

    ``classify_shift`` maps a heading's text to a shift id (or None); it comes from the
    taxonomy's heading patterns.
    """
    numbered = _lines(text)
    raw_lines = [line for _, line in numbered]
    removed, bp_keys = find_boilerplate(raw_lines, known_boilerplate)

    # Prompts listed as bullets in a preamble ("- Vad behövs …?") repeat as real prompts
    # later; such bullets are structure, not statements.
    prompt_keys = {
        line_key(strip_emphasis(NUMBERED_RE.sub("", line)))
        for i, line in enumerate(raw_lines)
        if i not in removed and not BULLET_RE.match(line) and _is_prompt(line)
    }

    blocks: list[Block] = []
    headings: list[Heading] = []
    section: str | None = None
    shift: str | None = None
    prompt: str | None = None
    current: Block | None = None
    title: str | None = None
    seen_content = False
    gap = False  # a blank (or removed) line since the current block's last line

    def flush() -> None:
        nonlocal current
        if current is not None and current.has_text():
            blocks.append(current.finish())
        current = None

    def block_of_line(i: int) -> tuple[bool, bool]:
        """(alone, next_is_bullet) for line i within its block of non-blank lines."""
        prev_blank = i == 0 or not raw_lines[i - 1].strip() or (i - 1) in removed
        nxt = i + 1
        next_blank = nxt >= len(raw_lines) or not raw_lines[nxt].strip() or nxt in removed
        next_bullet = not next_blank and bool(BULLET_RE.match(raw_lines[nxt]))
        return prev_blank and next_blank, next_bullet

    for i, (offset, line) in enumerate(numbered):
        line_no = i + 1
        if i in removed or not line.strip():
            gap = True
            continue
        lead = len(line) - len(line.lstrip())
        content = line.strip()
        start = offset + lead
        alone, next_bullet = block_of_line(i)
        # A line whose sentence goes on after a page break is not a heading.
        following = next((x for x in raw_lines[i + 1 : i + 40] if x.strip()), "")
        continued = following.strip()[:1].islower() and content[-1:] not in TERMINAL

        md = MD_HEADING_RE.match(line)
        bullet = BULLET_RE.match(line)
        heading_text: str | None = None
        role: str | None = None
        if md:
            heading_text = strip_emphasis(md.group(2))
            if heading_text.endswith("?"):
                role = "prompt"
            elif _is_fran_heading(heading_text) or classify_shift(heading_text):
                role = "shift"
            elif not seen_content and title is None and len(md.group(1)) == 1:
                role = "title"
            else:
                role = "section"
        elif not bullet and _is_fran_heading(content):
            heading_text, role = strip_emphasis(content), "shift"
        elif (
            (not bullet or NUMBERED_RE.match(line))
            and _is_prompt(content)
            and (alone or next_bullet or not bullet)
        ):
            if not bullet or alone:
                heading_text, role = strip_emphasis(NUMBERED_RE.sub("", content)), "prompt"
        elif (
            bullet
            and content.endswith("?")
            and line_key(strip_emphasis(content[bullet.end() - lead :])) in prompt_keys
        ):
            heading_text, role = strip_emphasis(content[bullet.end() - lead :]), "listed"
        elif (
            (alone or next_bullet)
            and not continued
            and (not bullet or (NUMBERED_RE.match(line) and alone))
        ):
            candidate = strip_emphasis(NUMBERED_RE.sub("", content))
            if _is_named_section(candidate):
                heading_text = candidate
                if not seen_content and title is None and not blocks:
                    role = "title"
                else:
                    role = "shift" if classify_shift(candidate) else "section"
        # The first short line of a document names it ("LGL 28 januari, kl. 9-12."),
        # unless the next line continues its sentence.
        if (
            heading_text is None
            and not seen_content
            and title is None
            and alone
            and not bullet
            and len(content.split()) <= 12
            and not content.endswith("?")
            and not continued
        ):
            heading_text, role = strip_emphasis(content), "title"

        if heading_text is not None and role is not None:
            flush()
            gap = False
            end = offset + len(line.rstrip())
            if role == "listed":
                headings.append(Heading(heading_text, line_no, start, end, "prompt"))
                continue
            if role == "title":
                title = heading_text
                headings.append(Heading(heading_text, line_no, start, end, "title"))
                continue
            seen_content = True
            if role == "shift":
                found = classify_shift(heading_text)
                shift, section, prompt = found, heading_text, None
                headings.append(Heading(heading_text, line_no, start, end, "shift", found))
            elif role == "section":
                shift, section, prompt = None, heading_text, None
                headings.append(Heading(heading_text, line_no, start, end, "section"))
            else:
                prompt = heading_text
                headings.append(Heading(heading_text, line_no, start, end, "prompt", shift))
            continue

        seen_content = True
        if bullet:
            flush()
            current = Block("bullet", section=section, section_shift=shift, prompt=prompt)
            current.add(line_no, offset + bullet.end(), line[bullet.end() :].rstrip())
            gap = False
            continue
        # A plain line: continues the open block or starts a paragraph.
        continues = False
        if current is not None:
            last_char = current.last_char()
            starts_lower = content[:1].islower()
            if current.kind == "paragraph":
                continues = not gap or (last_char not in TERMINAL and starts_lower)
            else:
                continues = not gap and (starts_lower or last_char not in TERMINAL)
        if not continues:
            flush()
            current = Block("paragraph", section=section, section_shift=shift, prompt=prompt)
        assert current is not None
        current.add(line_no, start, line.rstrip()[lead:])
        gap = False
    flush()
    return Segmentation(blocks, headings, _ranges(removed), bp_keys, title)

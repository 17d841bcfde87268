"""Masking personal data in outputs: personnummer/samordningsnummer, e-mail, phone numbers.

Stored text is never changed; every output (handouts, ``show``, ``sessions``, ``search``,
``diff``, ``trends`` and the exports) masks through ``personal_spans``, the one place that
finds personal data, unless the user asks for ``--no-redact``. ``redact`` masks a text,
``masked_with_offsets`` masks it and maps offsets into the masked text, and
``mask_session``/``mask_statement`` mask every field that comes from the user's files.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from synth.models import Session, Statement

MASK_ID = "[personnummer]"
MASK_EMAIL = "[e-post]"
MASK_PHONE = "[telefon]"


class _Lazy:
    """A pattern compiled when first used: most texts stop at the cheap hints below, and
    compiling these few costs a command a hundredth of a second at every start."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text)


# Hyphens and dashes people and word processors put in numbers: hyphen-minus, hyphen,
# non-breaking hyphen, figure dash, en dash, em dash, minus sign.
_DASHES = r"\-" "\u2010\u2011\u2012\u2013\u2014\u2212"
# Spaces inside a number: plain, no-break, narrow no-break, thin.
_SPACE = "[ \u00a0\u202f\u2009]"

# YYMMDD or YYYYMMDD, then a dash or '+' (with spaces around, if any) and four digits; or
# the digits run together (or with one space), which also suits other numbers, so that
# shape is masked only when it is a valid personnummer.
_ID_RE = _Lazy(
    rf"(?<!\d)(?<!\d[{_DASHES}])(?P<century>(?:19|20)(?=\d{{6}}))?(?P<date>\d{{6}})"
    rf"(?:(?P<sep>{_SPACE}*[{_DASHES}+]{_SPACE}*)|{_SPACE}?)(?P<serial>\d{{4}})(?!\d)"
)
# A personnummer written with a dash (or '+') and glued to other digits on either side,
# as text pasted from a form or a table loses its spaces: "670811218-98760". The whole run
# of digits is masked when the six digits before the dash are a plausible date.
_GLUED_ID_RE = _Lazy(
    rf"(?<!\d)\d+(?P<date>\d{{6}})(?P<sep>{_SPACE}*[{_DASHES}+]{_SPACE}*)(?P<serial>\d{{4}})\d*"
    rf"|(?<!\d)(?P<date2>\d{{6}})(?P<sep2>{_SPACE}*[{_DASHES}+]{_SPACE}*)\d{{5,}}"
)
# name@domain.se, also written name(at)domain.se, name [at] domain [dot] se.
_AT = r"(?:@|\s*[(\[{]\s*(?:at|snabel-a)\s*[)\]}]\s*)"
_DOT = r"(?:\.|\s*[(\[{]\s*(?:dot|punkt)\s*[)\]}]\s*)"
_EMAIL_RE = _Lazy(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE)
# Swedish numbers: 07x-xxx xx xx, 0480-123 45, +46 70 123 45 67, +46 (0)70 …, 070/123 …,
# 070.123.45.67: 6 to 9 digits after the leading 0 or +46 (no more, or a number would take
# the "0" that begins the next one), groups apart by spaces, dashes, '/' or '.'.
_GAP = rf"(?:{_SPACE}*[{_DASHES}/.]{_SPACE}*|{_SPACE})"
_PHONE_RE = _Lazy(
    rf"(?<![\w+])(?:(?:\+|00)46{_SPACE}*(?:\(0\){_SPACE}*)?|\(?0)"
    rf"\d\)?(?:{_GAP}?\d){{5,8}}(?![\w])"
)
# Cheap tests that let most statements skip the patterns above (they cost ten times more
# than these when run over text without personal data).
_EMAIL_HINT = re.compile(r"@|[(\[{]\s*(?:at|snabel-a)\s*[)\]}]", re.IGNORECASE)
_ID_HINT = re.compile(r"\d{6}")
_PHONE_HINT = re.compile(r"\d{2}")
_DIGIT = re.compile(r"\d")
# Every pattern is looked for only after one of the tests above, and each of those hints
# begins with one of these characters: text without any has nothing to mask (most
# statements), which one search says fastest.
_HINT_START = re.compile(r"[@(\[{\d]")
# A date written with dots, slashes or dashes ("01.02.2024") is not a phone number.
_DATE_RE = re.compile(r"\d{1,2}([./-])\d{1,2}\1(?:\d{2}|\d{4})")


class Span(NamedTuple):
    """Personal data at ``text[start:end]``, shown as ``mask``."""

    start: int
    end: int
    mask: str


def _plausible_date(date: str) -> bool:
    month, day = int(date[2:4]), int(date[4:6])
    # Samordningsnummer add 60 to the day.
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def _identity(m: re.Match[str]) -> bool:
    """A personnummer or samordningsnummer, or its shape with a typo in it.

    Written with a dash or '+' or a century, a plausible date before four digits is
    masked even when the check digit is wrong: a typo is still personal data. Ten digits
    run together are masked only when valid, since phone and case numbers look alike.
    """
    if not _plausible_date(m["date"]):
        return False
    if m["sep"] or m["century"]:
        return True
    from personnummer import personnummer  # only for ten digits that run together

    return bool(personnummer.valid(m["date"] + m["serial"]))


def personal_spans(text: str) -> list[Span]:
    """Where ``text`` holds personal data, in order and without overlaps."""
    if not _HINT_START.search(text):
        return []
    found: list[Span] = []
    if _EMAIL_HINT.search(text):
        found += [Span(m.start(), m.end(), MASK_EMAIL) for m in _EMAIL_RE.finditer(text)]
    if _ID_HINT.search(text):
        found += [Span(m.start(), m.end(), MASK_ID) for m in _ID_RE.finditer(text) if _identity(m)]
        found += [
            Span(m.start(), m.end(), MASK_ID)
            for m in _GLUED_ID_RE.finditer(text)
            if _plausible_date(m["date"] or m["date2"])
        ]
    if _PHONE_HINT.search(text):
        # Phones are looked for with the identity numbers blanked out, so that a phone
        # number glued to one ends where the identity number begins.
        rest = text
        for span in found:
            if span.mask == MASK_ID:
                rest = rest[: span.start] + " " * (span.end - span.start) + rest[span.end :]
        found += [
            Span(m.start(), m.end(), MASK_PHONE)
            for m in _PHONE_RE.finditer(rest)
            if not _DATE_RE.fullmatch(m.group())
        ]
    # E-mail first, then identity numbers, then phones: a later kind never overlaps an
    # earlier one (a phone inside a personnummer is the personnummer).
    spans: list[Span] = []
    for span in found:
        if all(span.end <= s.start or span.start >= s.end for s in spans):
            spans.append(span)
    return sorted(spans)


def redact(text: str) -> str:
    """The text with identity numbers, e-mail addresses and phone numbers masked."""
    spans = personal_spans(text)
    return _masked(text, spans, ())[0] if spans else text


def masked_with_offsets(text: str, cuts: Iterable[int]) -> tuple[str, dict[int, int]]:
    """Mask ``text`` as ``redact`` does and map each offset in ``cuts`` (and 0 and the end)
    to the masked text.

    The personal data is found in the whole text, so the result is ``redact(text)``
    whatever the cuts; a cut inside personal data (a number split between two statements)
    maps to the end of its mask, so nothing of it leaks and the offsets stay in order.
    """
    return _masked(text, personal_spans(text), cuts)


def _masked(text: str, spans: list[Span], cuts: Iterable[int]) -> tuple[str, dict[int, int]]:
    """``masked_with_offsets`` with the personal data of ``text`` already found."""
    pieces: list[str] = []
    starts: list[tuple[int, int, Span]] = []  # (start, masked start, span)
    position = previous = 0
    for span in spans:
        pieces.append(text[previous : span.start])
        position += span.start - previous
        starts.append((span.start, position, span))
        pieces.append(span.mask)
        position += len(span.mask)
        previous = span.end
    pieces.append(text[previous:])
    masked = "".join(pieces)
    mapping: dict[int, int] = {}
    index = 0
    for cut in sorted({0, len(text), *(c for c in cuts if 0 <= c <= len(text))}):
        while index < len(starts) and starts[index][2].end <= cut:
            index += 1
        # Offsets before the next span move by what the masks before them changed.
        shift = sum(len(s.mask) - (s.end - s.start) for _, _, s in starts[:index])
        if index < len(starts) and starts[index][0] < cut:
            mapping[cut] = starts[index][1] + len(starts[index][2].mask)
        else:
            mapping[cut] = cut + shift
    return masked, mapping


# What the search index holds is ``redact`` of each statement's text and ``index_lemmas``
# of its lemmas, and removing a statement from the index needs those same values again.
# Raise this number whenever either function changes what it gives: a corpus indexed under
# another number is indexed again when it is opened.
INDEX_MASKS_VERSION = 1


def index_lemmas(lemmas: str) -> str:
    """Lemmas (space-separated) as the search index keeps them: masked, and without the
    tokens that hold digits, which may be pieces of a number the text masks."""
    masked = redact(lemmas)
    if not _DIGIT.search(masked):
        return masked
    return " ".join(w for w in masked.split() if not _DIGIT.search(w))


def mask_ids(ids: Iterable[str]) -> dict[str, str]:
    """Each session id masked, kept apart from the others ('-2', '-3' … on a clash)."""
    shown: dict[str, str] = {}
    taken: set[str] = set()
    for session_id in dict.fromkeys(ids):
        base = redact(session_id)
        candidate = base
        for n in itertools.count(2):
            if candidate not in taken:
                break
            candidate = f"{base}-{n}"
        shown[session_id] = candidate
        taken.add(candidate)
    return shown


def mask_session(session: Session, shown_id: str | None = None) -> Session:
    """The session with its id, title and source names masked."""
    return dataclasses.replace(
        session,
        id=shown_id if shown_id is not None else redact(session.id),
        title=redact(session.title),
        sources=[redact(name) for name in session.sources],
    )


def mask_statement(statement: Statement) -> Statement:
    """The statement with its text, source name, section, prompt, group and evidence masked."""

    def optional(value: str | None) -> str | None:
        return None if value is None else redact(value)

    tags = dataclasses.replace(
        statement.tags,
        evidence=[dataclasses.replace(e, text=redact(e.text)) for e in statement.tags.evidence],
    )
    return dataclasses.replace(
        statement,
        text=redact(statement.text),
        source=redact(statement.source),
        section=optional(statement.section),
        prompt=optional(statement.prompt),
        group=optional(statement.group),
        tags=tags,
    )

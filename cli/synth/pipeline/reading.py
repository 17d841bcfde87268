"""Reading a notes file into normalised plain text.

Every reader returns text with LF line ends, no BOM, non-breaking spaces turned into
spaces and soft hyphens removed; all statement offsets refer to this text.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synth.errors import InputError

_MB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * _MB

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Swedish notes come as UTF-8, UTF-16 or Windows-1252; charset-normalizer left free
# picks cp1250 for cp1252 text (å -> ĺ), so the candidates are fixed.
_CANDIDATE_ENCODINGS = ["utf_8", "utf_16", "utf_16_le", "utf_16_be", "cp1252"]


def normalise(text: str) -> str:
    """Line ends to LF, NBSP and similar spaces to plain spaces, soft hyphens removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00ad", "").replace("\ufeff", "")
    for space in ("\u00a0", "\u2007", "\u202f", "\u2009", "\u200a", "\t"):
        text = text.replace(space, " ")
    text = text.replace("\u200b", "").replace("\u2028", "\n").replace("\u2029", "\n")
    return text


def decode(data: bytes, source: str = "<bytes>") -> str:
    """Decode bytes of a text file: BOM, then strict UTF-8, then a constrained detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                # A byte-order mark promises an encoding the rest does not keep to.
                raise InputError(
                    f"{source}: starts as {encoding.upper().replace('-SIG', '')} but byte "
                    f"{exc.start} is not ({exc.reason}); save it again as UTF-8 and ingest again"
                ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATE_ENCODINGS).best()
    if best is None:
        raise InputError(f"{source}: cannot decode the text; save it as UTF-8 and ingest again")
    return str(best)


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding synth reads."""
    sample = data[:8192]
    if any(sample.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return bool(sample) and controls / len(sample) > 0.05


# Characters of Swedish notes beyond ASCII: letters of Nordic and Western European names,
# typographic punctuation and a few symbols.
_USUAL = set("åäöÅÄÖéÉèÈüÜæÆøØáÁíÍóÓúÚñÑçÇß«»§°½€£–—‘’‚“”„…•·‣▪►●◦○✓")


def _unusual(ch: str) -> bool:
    if ch.isascii():
        return not (ch.isprintable() or ch in "\n\r\t\f")
    if ch in _USUAL or ch.isspace():
        return False
    # Other scripts, arrows and emoji are text (a translated quote, "→"); the Latin-1
    # and Windows-1252 symbols that garbage decodes to (U+0080-U+218F) are not.
    return (ord(ch) < 0x2190 and not (ch.isalpha() and ord(ch) >= 0x370)) or ch == "\ufffd"


def looks_garbled(text: str) -> bool:
    """True when decoded text is mostly not letters, digits, punctuation or spaces."""
    sample = text[:20000]
    if not sample.strip():
        return False
    # Counted per distinct character: a few dozen checks instead of one per character.
    odd = sum(n for ch, n in Counter(sample).items() if _unusual(ch))
    return odd / len(sample) > 0.05


# Signatures of files that are often given a wrong name ("notes.txt" that is a PDF).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF; name it .pdf"),
    (b"PK\x03\x04", "a zip archive (perhaps a Word document); name it .docx"),
    (b"\xd0\xcf\x11\xe0", "an old Office document; save it as .docx"),
    (b"{\\rtf", "an RTF document; save it as .docx or .txt"),
)


def _check_plain_start(data: bytes, path: Path) -> None:
    """Refuse a .txt or .md file whose first bytes show it is not text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{path}: this is {what} and ingest again")
    if looks_binary(data):
        raise InputError(f"{path}: this is not a text file; export the notes as .txt or .docx")


def _check_decoded(text: str, path: Path) -> None:
    if looks_garbled(text):
        raise InputError(f"{path}: the text decodes to garbage; save it as UTF-8 and ingest again")


def read_plain(path: Path) -> str:
    """Text of a .txt or .md file."""
    data = path.read_bytes()
    _check_plain_start(data, path)
    text = decode(data, str(path))
    _check_decoded(text, path)
    return normalise(text)


# A .txt or .md file larger than this is read a part at a time (``TextInParts``), its
# encoding decided on its first part; a smaller one is read whole, as above.
PART_BYTES = 2 * _MB
READ_BYTES = _MB  # read at a time
_HEAD_CHARS = 500


def read_in_parts(path: Path) -> bool:
    """True for a plain-text file large enough to be read a part at a time."""
    try:
        return path.suffix.lower() in _PLAIN and path.stat().st_size > PART_BYTES
    except OSError:
        return False  # reported by read_notes


def _encoding_of(head: bytes, path: Path) -> str:
    """The codec of a file from its first part, decided as ``decode`` decides for a whole
    file: a byte-order mark, then strict UTF-8, then a constrained detection."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    try:
        # Not final: a character cut by the end of the part is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(head)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=_CANDIDATE_ENCODINGS).best()
    if best is None:
        raise InputError(f"{path}: cannot decode the text; save it as UTF-8 and ingest again")
    return str(best.encoding)


@dataclass
class TextInParts:
    """A plain-text file read as normalised text a part at a time, each time it is read.

    The first reading (``open_plain`` asks for it) records the text's sha256 and its
    first characters; a later reading that finds other text (the file changed) raises
    ``InputError``, as does a part that is not in the file's encoding."""

    path: Path
    encoding: str
    sha256: str = ""
    head: str = ""

    def parts(self) -> Iterator[str]:
        """The normalised text, about a megabyte at a time."""
        digest = hashlib.sha256()
        head: list[str] = []
        seen = 0
        for part in self._decoded():
            digest.update(part.encode("utf-8"))
            if seen < _HEAD_CHARS:
                head.append(part[: _HEAD_CHARS - seen])
                seen += len(head[-1])
            yield part
        if not self.sha256:
            self.sha256, self.head = digest.hexdigest(), "".join(head)
        elif digest.hexdigest() != self.sha256:
            raise InputError(f"{self.path}: the file changed while it was read; ingest it again")

    def _decoded(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self.encoding)()
        held = ""  # a CR at the end of a part may be the first half of a CRLF
        done = 0
        with self.path.open("rb") as file:
            while True:
                data = file.read(READ_BYTES)
                try:
                    text = held + decoder.decode(data, final=not data)
                except UnicodeDecodeError as exc:
                    name = self.encoding.upper().replace("-SIG", "").replace("_", "-")
                    raise InputError(
                        f"{self.path}: read as {name} but byte {done + max(exc.start, 0)} is"
                        f" not ({exc.reason}); save it again as UTF-8 and ingest again"
                    ) from None
                held = "\r" if data and text.endswith("\r") else ""
                if held:
                    text = text[:-1]
                if text:
                    yield normalise(text)
                if not data:
                    return
                done += len(data)


def open_plain(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> TextInParts:
    """A large .txt or .md file, checked as ``read_notes`` checks one and read once (its
    sha256 and first characters recorded). Raises ``InputError``."""
    _check_file(path, max_bytes)
    try:
        with path.open("rb") as file:
            head = file.read(PART_BYTES)
        _check_plain_start(head, path)
        encoding = _encoding_of(head, path)
        sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
        _check_decoded(sample, path)
        notes = TextInParts(path, encoding)
        has_text = False
        for part in notes.parts():
            has_text = has_text or bool(part.strip())
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read the file ({exc.strerror}); check its permissions"
        ) from exc
    if not has_text:
        raise InputError(f"{path}: the file has no text; check that the notes were saved")
    return notes


def _layout(blocks: list[tuple[str, str]]) -> str:
    """Lines for the parser from (kind, text) blocks: kind is "heading", "item" or "para".

    List items stand on consecutive lines; everything else is set off by blank lines, so
    the parser sees the same shapes as in hand-typed notes.
    """
    lines: list[str] = []
    previous = ""
    for kind, text in blocks:
        if lines and not (kind == "item" and previous == "item"):
            lines.append("")
        lines.append(text)
        previous = kind
    return normalise("\n".join(lines) + "\n")


def _docx_heading_level(style_name: str) -> int:
    """1-6 for Word's title and heading styles (also Swedish "Rubrik"), 0 otherwise."""
    name = style_name.casefold()
    if name in ("title", "rubrik"):
        return 1
    m = re.match(r"(?:heading|rubrik)\s*(\d)", name)
    return min(int(m.group(1)), 6) if m else 0


def read_docx(path: Path) -> str:
    """Text of a Word document: headings become ``#`` lines, list paragraphs ``- ``
    bullets and each table row one bullet with its cells joined by `` | ``."""
    try:
        import docx
        from docx.table import Table

        document = docx.Document(str(path))
        blocks: list[tuple[str, str]] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        value = " ".join(cell.text.split())
                        # Merged cells repeat their text in every grid column.
                        if value and (not cells or cells[-1] != value):
                            cells.append(value)
                    if cells:
                        blocks.append(("item", "- " + " | ".join(cells)))
                continue
            text = item.text.strip()
            if not text:
                continue
            style = item.style.name if item.style is not None else ""
            level = _docx_heading_level(style or "")
            p_pr = item._p.pPr
            numbered = p_pr is not None and p_pr.numPr is not None
            if level:
                blocks.append(("heading", "#" * level + " " + " ".join(text.split())))
            elif numbered or (style or "").casefold().startswith(("list", "liststycke")):
                blocks.append(("item", "- " + text.replace("\n", " ")))
            else:
                blocks.append(("para", text))
    except Exception as exc:  # python-docx raises many types for a damaged file
        raise InputError(
            f"{path}: cannot read this Word document (damaged, or not a .docx); "
            "open it in Word and save it again as .docx"
        ) from exc
    return _layout(blocks)


def read_odt(path: Path) -> str:
    """Text of an OpenDocument text file, with the same structure as a Word document."""
    try:
        from odf import opendocument, teletype
        from odf.namespaces import TABLENS, TEXTNS

        document = opendocument.load(str(path))
        blocks: list[tuple[str, str]] = []

        def walk(node: Any, in_list: bool) -> None:
            for child in node.childNodes:
                qname = getattr(child, "qname", None)
                if qname == (TEXTNS, "h"):
                    text = " ".join(teletype.extractText(child).split())
                    level = child.getAttrNS(TEXTNS, "outline-level") or "1"
                    if text:
                        n = min(int(level) if level.isdigit() else 1, 6)
                        blocks.append(("heading", "#" * n + " " + text))
                elif qname == (TEXTNS, "p"):
                    text = teletype.extractText(child).strip()
                    if text:
                        if in_list:
                            blocks.append(("item", "- " + " ".join(text.split())))
                        else:
                            blocks.append(("para", text))
                elif qname == (TEXTNS, "list"):
                    walk(child, True)
                elif qname == (TABLENS, "table-row"):
                    cells = [
                        " ".join(teletype.extractText(c).split())
                        for c in child.childNodes
                        if getattr(c, "qname", None) == (TABLENS, "table-cell")
                    ]
                    cells = [c for c in cells if c]
                    if cells:
                        blocks.append(("item", "- " + " | ".join(cells)))
                elif qname is not None:
                    walk(child, in_list)

        walk(document.text, False)
    except Exception as exc:  # odfpy raises many types for a damaged file
        raise InputError(
            f"{path}: cannot read this OpenDocument file (damaged, or not an .odt); "
            "open it and save it again as .odt"
        ) from exc
    return _layout(blocks)


# Words that follow a hyphen standing for a shared word part ("hälso- och sjukvård"):
# such a hyphen at a line end is kept, with a space.
_CONJUNCTIONS = ("och", "eller", "samt", "som", "till", "respektive", "resp", "men")
_HYPHEN_BREAK_RE = re.compile(r"(?<=[a-zåäöéü])-\n(?=([a-zåäöéü]+))")
_EDGE_LINES = 2


def _page_edge_key(line: str, page_number: int) -> str:
    """A line's form for finding repeats across pages: spacing and case folded, and a
    number close to the page's own number written relative to it ("Sida 3 av 9" on page 3
    and "Sida 4 av 9" on page 4 are the same footer; "nr 5" and "nr 9" are not)."""
    found = False

    def relative(m: re.Match[str]) -> str:
        nonlocal found
        offset = int(m.group()) - page_number
        # Only the first such number: in "Sida 1 av 3" the 3 is the page count.
        if found or abs(offset) > 2:
            return m.group()
        found = True
        return f"<page{offset:+d}>"

    return re.sub(r"\d{1,4}", relative, " ".join(line.split()).casefold())


def remove_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop header and footer lines that repeat at the top or bottom of most pages.

    Up to two non-blank lines at each edge of a page go when the same line (page numbers
    aside) stands at an edge of at least half of the pages, and of two pages or more.
    Questions and bullets stay, even when repeated: they are prompts and content.
    """
    if len(pages) < 2:
        return pages

    def edges(lines: list[str]) -> list[int]:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))

    counts: dict[str, int] = {}
    for number, lines in enumerate(pages, start=1):
        for key in {_page_edge_key(lines[i], number) for i in edges(lines)}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, (len(pages) + 1) // 2)

    def furniture(line: str, number: int) -> bool:
        stripped = line.strip()
        return (
            counts.get(_page_edge_key(line, number), 0) >= needed
            and len(stripped) <= 120
            and not stripped.endswith("?")
            and not stripped.startswith(("-", "•", "*"))
        )

    kept: list[list[str]] = []
    for number, lines in enumerate(pages, start=1):
        filled = [i for i, line in enumerate(lines) if line.strip()]
        drop: set[int] = set()
        # From each edge inwards, as long as the lines are furniture.
        for side in (filled[:_EDGE_LINES], filled[::-1][:_EDGE_LINES]):
            for i in side:
                if not furniture(lines[i], number):
                    break
                drop.add(i)
        kept.append([line for i, line in enumerate(lines) if i not in drop])
    return kept


def join_hyphenated(text: str) -> str:
    """Join words split over two lines with a hyphen ("förflytt-\nning" -> "förflyttning")."""

    def join(m: re.Match[str]) -> str:
        return "- " if m.group(1) in _CONJUNCTIONS else ""

    return _HYPHEN_BREAK_RE.sub(join, text)


def read_pdf(path: Path) -> str:
    """Text of a PDF (exported from Word or PowerPoint): page headers and footers removed,
    hyphenated line breaks joined, pages separated by a blank line."""
    import logging

    # pypdf logs every repair it makes ("EOF marker not found"); the user gets one line.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path}: the PDF is password-protected; export it without a password")
        pages = [
            [line.rstrip() for line in normalise(page.extract_text() or "").split("\n")]
            for page in reader.pages
        ]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many types for a damaged file
        raise InputError(
            f"{path}: cannot read this PDF (damaged or incomplete); export it again from the "
            "original document"
        ) from exc
    pages = remove_page_furniture(pages)
    text = "\n\n".join("\n".join(lines).strip("\n") for lines in pages)
    if not text.strip():
        raise InputError(
            f"{path}: the PDF has no text layer (a scanned image?); export the text or run OCR"
        )
    return join_hyphenated(text) + "\n"


Reader = Callable[[Path], str]

_PLAIN = (".txt", ".md", ".markdown")

READERS: dict[str, Reader] = {
    ".txt": read_plain,
    ".md": read_plain,
    ".markdown": read_plain,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".odt": read_odt,
}

# Formats people send by mistake, with what to do instead.
EXPORT_HINTS = {
    ".doc": "save it as .docx",
    ".ppt": "export it as PDF",
    ".pptx": "export it as PDF",
    ".rtf": "save it as .docx or .txt",
    ".pages": "export it as .docx or PDF",
}


def supported_suffixes() -> list[str]:
    """File name endings synth reads, e.g. ``.docx``."""
    return sorted(READERS)


# Word and OpenDocument files are zip archives: their XML is parsed into trees many times
# its size, so what they unpack to is checked before they are opened (a zip bomb of a few
# hundred KB can unpack to gigabytes).
_ZIPPED = (".docx", ".odt")
_UNPACKED_FACTOR = 4  # all members together, images included, against --max-size


def check_unpacked_size(path: Path, max_bytes: int) -> None:
    """Refuse a zipped document whose XML unpacks to more than ``max_bytes`` or whose
    members together unpack to more than four times that; raises ``InputError``."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # the reader reports the file as damaged
    xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    total = sum(m.file_size for m in members)
    if xml > max_bytes or total > _UNPACKED_FACTOR * max_bytes:
        raise InputError(
            f"{path}: unpacks to {max(xml, total) / _MB:.3g} MB, over the limit of "
            f"{max_bytes / _MB:.3g} MB for its text; split the document or raise --max-size"
        )


def _check_file(path: Path, max_bytes: int) -> Reader:
    """The reader of a notes file that exists, is of a supported type, not empty and not
    over ``max_bytes``; raises ``InputError``."""
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give the files in it")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        hint = EXPORT_HINTS.get(path.suffix.lower())
        raise InputError(
            f"{path}: unsupported file type '{path.suffix or 'none'}'; "
            + (f"{hint} and ingest again" if hint else f"use {', '.join(supported_suffixes())}")
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: file is {size / _MB:.3g} MB, over the limit of {max_bytes / _MB:.3g} MB; "
            "split it or raise --max-size"
        )
    if size == 0:
        raise InputError(f"{path}: the file is empty; check that the notes were saved")
    return reader


def read_notes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a notes file of any supported format into normalised text.

    Raises ``InputError`` with a one-line message naming the file and the fix.
    """
    reader = _check_file(path, max_bytes)
    try:
        with path.open("rb"):
            pass  # a file that cannot be opened says so, not "damaged"
        if path.suffix.lower() in _ZIPPED:
            check_unpacked_size(path, max_bytes)
        text = reader(path)
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read the file ({exc.strerror}); check its permissions"
        ) from exc
    if not text.strip():
        raise InputError(f"{path}: the file has no text; check that the notes were saved")
    return text

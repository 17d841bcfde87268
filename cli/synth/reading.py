"""Reading a notes file into normalised plain text.

Every reader returns text with LF line ends, no BOM, non-breaking spaces turned into
spaces and soft hyphens removed; all statement offsets refer to this text.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

from synth.errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

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
            return data.decode(encoding)
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


def looks_garbled(text: str) -> bool:
    """True when decoded text is mostly not letters, digits, punctuation or spaces."""
    sample = text[:20000]
    if not sample.strip():
        return False
    odd = sum(1 for ch in sample if not (ch.isprintable() or ch in "\n\t") or ch == "\ufffd")
    return odd / len(sample) > 0.02


def read_plain(path: Path) -> str:
    """Text of a .txt or .md file."""
    data = path.read_bytes()
    if looks_binary(data):
        raise InputError(f"{path}: this is not a text file; export the notes as .txt or .docx")
    text = decode(data, str(path))
    if looks_garbled(text):
        raise InputError(f"{path}: the text decodes to garbage; save it as UTF-8 and ingest again")
    return normalise(text)


Reader = Callable[[Path], str]

READERS: dict[str, Reader] = {
    ".txt": read_plain,
    ".md": read_plain,
    ".markdown": read_plain,
}


def supported_suffixes() -> list[str]:
    return sorted(READERS)


def read_notes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a notes file of any supported format into normalised text.

    Raises ``InputError`` with a one-line message naming the file and the fix.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give the files in it")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(
            f"{path}: unsupported file type '{path.suffix or 'none'}'; "
            f"supported: {', '.join(supported_suffixes())}"
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: file is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.0f} MB; "
            "split it or raise --max-size"
        )
    if size == 0:
        raise InputError(f"{path}: the file is empty; check that the notes were saved")
    text = reader(path)
    if not text.strip():
        raise InputError(f"{path}: the file has no text; check that the notes were saved")
    return text

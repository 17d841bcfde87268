"""The taxonomy: loaded, validated and turned into match terms in one place.

A taxonomy file has three dimensions (``shifts``, ``concepts``, ``factors``), each with
labels. A label's vocabulary is a list of *terms*:

- ``samordning``      a word, matched on its lemma or its lowercase form;
- ``i centrum``       a phrase of several words, matched on lemmas or lowercase forms;
- ``samordn*``        a stem at the start of a word (samordna, samordnare);
- ``*kontinuitet``    a stem at the end of a word (relationskontinuitet);
- ``*samordn*``       a stem anywhere in a word (vårdsamordnare, samordningsansvar);

plus ``abbreviations`` (``SIP: samordnad individuell plan``; the abbreviation is matched
case-sensitively, its expansion as a phrase) and ``exclude`` terms that silence the
label on words or phrases that only look related (false friends). Shift labels also
have ``headings``: terms that recognise a section heading in the notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from synth.errors import LabelError, TaxonomyError
from synth.models import DIMENSIONS

TermKind = Literal["word", "phrase", "prefix", "suffix", "infix", "abbreviation"]

TOP_KEYS = {"version", "language", "name", "dimensions"}
DIMENSION_KEYS = {"name", "name_en", "description", "labels"}
LABEL_KEYS = {
    "id",
    "name",
    "name_en",
    "short",
    "short_en",
    "description",
    "terms",
    "abbreviations",
    "exclude",
    "headings",
}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
WORD_CHARS_RE = re.compile(r"^[\w\-/'.+&]+$")
MIN_STEM = 3


@dataclass(frozen=True)
class Term:
    """One vocabulary entry, as written and as parsed."""

    raw: str
    kind: TermKind
    value: str  # lowercase form without wildcards (abbreviations keep their case)
    line: int = 0
    column: int = 0

    @property
    def words(self) -> list[str]:
        return self.value.split()


@dataclass
class Label:
    """A shift, concept or success factor."""

    id: str
    dimension: str
    name: str
    description: str = ""
    name_en: str = ""
    short: str = ""
    short_en: str = ""
    terms: list[Term] = field(default_factory=list)
    exclude: list[Term] = field(default_factory=list)
    headings: list[Term] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)
    line: int = 0

    def display(self, lang: str = "sv") -> str:
        """A short name for tables and handouts."""
        if lang == "en":
            return self.short_en or self.name_en or self.short or self.name
        return self.short or self.name


@dataclass
class Dimension:
    id: str
    name: str
    name_en: str = ""
    description: str = ""
    labels: list[Label] = field(default_factory=list)


@dataclass
class Taxonomy:
    """A validated taxonomy."""

    path: str
    dimensions: dict[str, Dimension]

    def labels(self, dimension: str) -> list[Label]:
        dim = self.dimensions.get(dimension)
        return dim.labels if dim else []

    def label(self, dimension: str, label_id: str) -> Label | None:
        for label in self.labels(dimension):
            if label.id == label_id:
                return label
        return None

    def display_name(self, dimension: str, label_id: str, lang: str = "sv") -> str:
        """The label's short name in ``lang``; the id itself for a label the taxonomy lacks."""
        found = self.label(dimension, label_id)
        return found.display(lang) if found else label_id

    def label_filter(self, value: str) -> tuple[str | None, str]:
        """``concepts:samordning``, ``concepts/samordning`` or ``samordning`` as (dimension or
        None, label id); raises LabelError naming the known ids for an unknown one."""
        dimension: str | None = None
        label = value.strip()
        for sep in (":", "/"):
            if sep in value:
                dimension, label = (part.strip() for part in value.split(sep, 1))
                break
        if dimension is not None and dimension not in DIMENSIONS:
            raise LabelError(
                f"unknown dimension '{dimension}' in --label; use {', '.join(DIMENSIONS)}"
            )
        if not any(label in self.ids(d) for d in ([dimension] if dimension else DIMENSIONS)):
            known = ", ".join(sorted({i for d in DIMENSIONS for i in self.ids(d)}))
            raise LabelError(f"unknown label '{label}' in --label; known labels: {known}")
        return dimension, label

    def ids(self, dimension: str) -> list[str]:
        return [label.id for label in self.labels(dimension)]

    def all_labels(self) -> list[Label]:
        return [label for d in DIMENSIONS for label in self.labels(d)]


def parse_term(raw: str) -> tuple[TermKind, str] | str:
    """Classify a term as written; returns (kind, value) or a problem message."""
    text = " ".join(str(raw).split())
    if not text:
        return "empty term"
    if " " in text:
        if "*" in text:
            return f"term '{raw}': a phrase cannot hold a '*' stem; write the words out"
        return "phrase", text.casefold()
    starts, ends = text.startswith("*"), text.endswith("*")
    core = text.strip("*")
    if "*" in core:
        return f"stem '{raw}': '*' may stand only at the start or end"
    if not core or not WORD_CHARS_RE.match(core):
        return f"term '{raw}': use letters only, with '*' at the start or end of a stem"
    if (starts or ends) and len(core) < MIN_STEM:
        return f"stem '{raw}' is too short: use at least {MIN_STEM} letters"
    kind: TermKind = (
        "infix" if starts and ends else "suffix" if starts else "prefix" if ends else "word"
    )
    return kind, core.casefold()


def check_text(text: str, path: str) -> tuple[Taxonomy | None, list[str]]:
    """Validate taxonomy YAML text; returns the taxonomy (if usable) and every problem."""
    from synth.taxonomy_reader import read_yaml

    return read_yaml(text, path)


def check_file(path: Path) -> tuple[Taxonomy | None, list[str]]:
    """Validate a taxonomy file; unreadable files are reported as problems too."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [f"{path}:1:1: no such file; give the path of a taxonomy.yaml"]
    except OSError as exc:
        return None, [f"{path}:1:1: cannot read the file ({exc}); save it as UTF-8"]
    return _check_bytes(path, data)


def _check_bytes(path: Path, data: bytes) -> tuple[Taxonomy | None, list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [f"{path}:1:1: cannot read the file ({exc}); save it as UTF-8"]
    return check_text(text, str(path))


def load(path: Path) -> Taxonomy:
    """Load and validate a taxonomy; raises ``TaxonomyError`` listing every problem.

    A taxonomy that passed its checks is kept in the user's cache folder under a hash of
    its bytes, its path and the code that reads it, so that the next command reads it
    back in a millisecond instead of parsing the YAML (and importing PyYAML) again. An
    edited file has another hash and is read afresh; a cache that cannot be read or
    written is passed by.
    """
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    cache = None
    if data is not None:
        cache = _cache_file(path, data)
        cached = _cached(cache) if cache is not None else None
        if cached is not None:
            return cached
        taxonomy, problems = _check_bytes(path, data)
    else:
        taxonomy, problems = check_file(path)
    if problems or taxonomy is None:
        raise TaxonomyError(problems or [f"{path}:1:1: not a taxonomy"])
    if cache is not None:
        _keep(cache, taxonomy)
    return taxonomy


# --- the cache of read taxonomies -------------------------------------------------------

_CACHE_FOLDER = "taxonomies"
_CACHE_KEEP = 20  # files kept; the oldest are removed when a new one is written


def _cache_file(path: Path, data: bytes) -> Path | None:
    """Where the taxonomy of these bytes is kept; None when the code cannot be read."""
    import hashlib

    import platformdirs

    from synth import __version__

    code = Path(__file__).with_name("taxonomy_reader.py")
    try:
        sources = (Path(__file__).read_bytes(), code.read_bytes() if code.exists() else b"")
    except OSError:
        return None
    digest = hashlib.sha256()
    for part in (
        __version__.encode(),
        *sources,
        str(path).encode("utf-8", "surrogateescape"),
        data,
    ):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    folder = Path(platformdirs.user_cache_dir("synth")) / _CACHE_FOLDER
    return folder / f"{digest.hexdigest()}.pickle"


def _cached(cache: Path) -> Taxonomy | None:
    import pickle

    try:
        with cache.open("rb") as fh:
            found = pickle.load(fh)
    except Exception:  # absent, unreadable or from another version: read the YAML
        return None
    return found if isinstance(found, Taxonomy) else None


def _keep(target: Path, taxonomy: Taxonomy) -> None:
    import os
    import pickle
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(taxonomy, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        kept = sorted(target.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-_CACHE_KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass

"""The domain objects that flow from a notes file to a handout."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DIMENSIONS: tuple[str, ...] = ("shifts", "concepts", "factors")
# "document": a målbild, strategy or plan — text written to be read, not notes of a talk.
KINDS: tuple[str, ...] = ("group-dialogue", "user-dialogue", "protocol", "document", "other")

BlockKind = Literal["bullet", "paragraph"]
# title, date, agenda and meta lines describe the session; group is a theme label ("Ledning:")
HeadingRole = Literal["shift", "section", "prompt", "title", "date", "agenda", "meta", "group"]


@dataclass(frozen=True)
class Evidence:
    """Why a label fired: the taxonomy term and the words of the statement it matched.

    For a tag the classifier added, ``term`` is empty and the words are those that
    weighed most for the label (``TagSet.scores`` holds the tag's score).
    """

    dimension: str
    label: str
    term: str
    text: str
    start: int  # character offsets in the statement text, end exclusive
    end: int

    def as_dict(self) -> dict[str, object]:
        return {
            "dimension": self.dimension,
            "label": self.label,
            "term": self.term,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class TagSet:
    """The labels of one statement in the three dimensions, with their evidence.

    A tag comes from the taxonomy's terms or from the trained classifier; ``scores``
    holds the classifier's score of each tag it added, keyed by (dimension, label).
    """

    shifts: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    factors: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    scores: dict[tuple[str, str], float] = field(default_factory=dict)

    def origin(self, dimension: str, label: str) -> str:
        """``model`` for a tag the classifier added, ``terms`` for one the words gave."""
        return "model" if (dimension, label) in self.scores else "terms"

    def model_scores(self) -> dict[str, float]:
        """The classifier's tags as ``{"dimension/label": score}`` (for JSON output)."""
        return {f"{d}/{label}": s for (d, label), s in self.scores.items()}

    def labels(self, dimension: str) -> list[str]:
        labels: list[str] = getattr(self, dimension)
        return labels

    def pairs(self) -> list[tuple[str, str]]:
        return [(d, label) for d in DIMENSIONS for label in self.labels(d)]

    def is_empty(self) -> bool:
        return not (self.shifts or self.concepts or self.factors)


@dataclass
class CodedStatement:
    """A statement with a coder's labels: gold for ``synth eval``, an example for training."""

    id: str
    text: str
    labels: dict[str, set[str]]  # dimension -> label ids; only the dimensions coded
    family: str = ""  # the kind of source it comes from (for splits by family)


@dataclass
class Statement:
    """One thing said: a bullet, or one sentence of a free paragraph, with its provenance."""

    text: str
    source: str
    line_start: int  # 1-based, inclusive
    line_end: int
    char_start: int  # offsets into the source's normalised text, end exclusive
    char_end: int
    kind: BlockKind
    section: str | None = None
    section_shift: str | None = None
    prompt: str | None = None
    group: str | None = None  # the theme label the notes put it under ("Ledning")
    position: int = 0  # 1-based order in the session; shown as #N
    lemmas: str = ""  # the lemmas of its tokens, space-separated (for search and keyness)
    forms: str = ""  # the same tokens in lowercase, aligned with lemmas
    tags: TagSet = field(default_factory=TagSet)


@dataclass
class Heading:
    """A structural line: a shift heading, a named section or a question prompt."""

    text: str
    line: int
    char_start: int
    char_end: int
    role: HeadingRole
    shift: str | None = None


@dataclass
class Session:
    """A stored workshop session (one or more source files)."""

    id: str
    title: str
    date: str | None
    kind: str
    sources: list[str]
    statement_count: int = 0
    created_at: str = ""

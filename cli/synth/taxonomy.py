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

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from synth.errors import LabelError, TaxonomyError
from synth.models import DIMENSIONS

# libyaml's parser when PyYAML was built with it (its wheels are): the taxonomy is read by
# every command, and the pure-Python parser took most of a handout's time. Both keep the
# line and column of every node for the messages of ``synth taxonomy check``.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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


class _Checker:
    """Walks the YAML node tree, building the taxonomy and collecting problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[str] = []

    def problem(self, node: Node | None, message: str) -> None:
        if node is None:
            self.problems.append(f"{self.path}:1:1: {message}")
        else:
            mark = node.start_mark
            self.problems.append(f"{self.path}:{mark.line + 1}:{mark.column + 1}: {message}")

    @staticmethod
    def mapping(node: Node) -> dict[str, tuple[Node, Node]]:
        assert isinstance(node, MappingNode)
        return {str(k.value): (k, v) for k, v in node.value if isinstance(k, ScalarNode)}

    def expect_mapping(self, node: Node, what: str) -> bool:
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of keys to values")
            return False
        seen: set[str] = set()
        for k, _ in node.value:
            if isinstance(k, ScalarNode):
                if k.value in seen:
                    self.problem(k, f"key '{k.value}' appears twice in {what}")
                seen.add(k.value)
        return True

    def unknown_keys(self, node: Node, allowed: set[str], what: str) -> None:
        for key, (knode, _) in self.mapping(node).items():
            if key not in allowed:
                self.problem(
                    knode, f"unknown key '{key}' in {what}; allowed: {', '.join(sorted(allowed))}"
                )

    def scalar(self, node: Node, what: str) -> str | None:
        if not isinstance(node, ScalarNode):
            self.problem(node, f"{what} must be text")
            return None
        return str(node.value)

    def terms(self, node: Node, what: str) -> list[Term]:
        if isinstance(node, ScalarNode) and node.value in ("", "~", "null"):
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} must be a list")
            return []
        out: list[Term] = []
        for item in node.value:
            raw = self.scalar(item, f"an entry of {what}")
            if raw is None:
                continue
            parsed = parse_term(raw)
            if isinstance(parsed, str):
                self.problem(item, parsed)
                continue
            kind, value = parsed
            out.append(Term(raw, kind, value, item.start_mark.line + 1, item.start_mark.column + 1))
        return out

    def abbreviations(self, node: Node, label_id: str) -> tuple[dict[str, str], list[Term]]:
        if not self.expect_mapping(node, f"abbreviations of '{label_id}'"):
            return {}, []
        out: dict[str, str] = {}
        terms: list[Term] = []
        for key, (knode, vnode) in self.mapping(node).items():
            expansion = self.scalar(vnode, f"the expansion of '{key}'")
            if not key.strip() or " " in key.strip():
                self.problem(knode, f"abbreviation '{key}' must be one word")
                continue
            out[key] = expansion or ""
            line, col = knode.start_mark.line + 1, knode.start_mark.column + 1
            terms.append(Term(key, "abbreviation", key.strip(), line, col))
            if expansion:
                parsed = parse_term(expansion)
                if isinstance(parsed, tuple):
                    terms.append(Term(expansion, parsed[0], parsed[1], line, col))
        return out, terms

    def label(self, node: Node, dimension: str) -> Label | None:
        if not self.expect_mapping(node, f"a label of '{dimension}'"):
            return None
        self.unknown_keys(node, LABEL_KEYS, "a label")
        fields = self.mapping(node)
        if "id" not in fields:
            self.problem(node, f"a label of '{dimension}' has no id")
            return None
        label_id = self.scalar(fields["id"][1], "id") or ""
        if not ID_RE.match(label_id):
            self.problem(
                fields["id"][1],
                f"id '{label_id}' must be lowercase letters, digits and '-' (e.g. se-hela-mig)",
            )
        texts: dict[str, str] = {}
        for key in ("name", "name_en", "short", "short_en", "description"):
            if key in fields:
                texts[key] = self.scalar(fields[key][1], key) or ""
        if not texts.get("name"):
            self.problem(node, f"label '{label_id}' has no name")
        label = Label(
            id=label_id,
            dimension=dimension,
            name=texts.get("name", label_id),
            description=texts.get("description", ""),
            name_en=texts.get("name_en", ""),
            short=texts.get("short", ""),
            short_en=texts.get("short_en", ""),
            line=node.start_mark.line + 1,
        )
        if "terms" in fields:
            label.terms = self.terms(fields["terms"][1], f"terms of '{label_id}'")
        if "exclude" in fields:
            label.exclude = self.terms(fields["exclude"][1], f"exclude of '{label_id}'")
        if "headings" in fields:
            if dimension != "shifts":
                self.problem(fields["headings"][0], "only shift labels have headings")
            label.headings = self.terms(fields["headings"][1], f"headings of '{label_id}'")
        if "abbreviations" in fields:
            label.abbreviations, extra = self.abbreviations(fields["abbreviations"][1], label_id)
            label.terms.extend(extra)
        if not label.terms:
            where = fields["terms"][1] if "terms" in fields else node
            self.problem(where, f"label '{label_id}' has an empty vocabulary; add terms")
        return label

    def dimension(self, key: str, knode: Node, node: Node) -> Dimension | None:
        if key not in DIMENSIONS:
            self.problem(knode, f"unknown dimension '{key}'; use {', '.join(DIMENSIONS)}")
            return None
        if not self.expect_mapping(node, f"dimension '{key}'"):
            return None
        self.unknown_keys(node, DIMENSION_KEYS, f"dimension '{key}'")
        fields = self.mapping(node)
        dim = Dimension(
            id=key,
            name=self.scalar(fields["name"][1], "name") or key if "name" in fields else key,
            name_en=(self.scalar(fields["name_en"][1], "name_en") or "")
            if "name_en" in fields
            else "",
            description=(self.scalar(fields["description"][1], "description") or "")
            if "description" in fields
            else "",
        )
        if "labels" not in fields or not isinstance(fields["labels"][1], SequenceNode):
            self.problem(node, f"dimension '{key}' needs a list of labels")
            return dim
        seen: dict[str, int] = {}
        term_owner: dict[tuple[str, str], str] = {}
        for item in fields["labels"][1].value:
            label = self.label(item, key)
            if label is None:
                continue
            if label.id in seen:
                self.problem(
                    item, f"duplicate id '{label.id}' in '{key}' (first on line {seen[label.id]})"
                )
                continue
            seen[label.id] = label.line
            for term in label.terms:
                owner = term_owner.get((term.kind, term.value))
                if owner is not None and owner != label.id:
                    self.problems.append(
                        f"{self.path}:{term.line}:{term.column}: term '{term.raw}' is listed "
                        f"under both '{owner}' and '{label.id}' in '{key}'; keep it in one"
                    )
                term_owner[(term.kind, term.value)] = label.id
            dim.labels.append(label)
        return dim

    def taxonomy(self, root: Node | None) -> Taxonomy:
        dims: dict[str, Dimension] = {}
        if root is None:
            self.problem(None, "the taxonomy is empty; it needs 'dimensions'")
            return Taxonomy(self.path, dims)
        if not self.expect_mapping(root, "the taxonomy"):
            return Taxonomy(self.path, dims)
        self.unknown_keys(root, TOP_KEYS, "the taxonomy")
        fields = self.mapping(root)
        if "dimensions" not in fields:
            self.problem(root, "the taxonomy has no 'dimensions'")
            return Taxonomy(self.path, dims)
        dnode = fields["dimensions"][1]
        if not self.expect_mapping(dnode, "dimensions"):
            return Taxonomy(self.path, dims)
        for key, (knode, vnode) in self.mapping(dnode).items():
            dim = self.dimension(key, knode, vnode)
            if dim is not None:
                dims[key] = dim
        if not dims:
            self.problem(dnode, "no dimensions defined; use " + ", ".join(DIMENSIONS))
        return Taxonomy(self.path, dims)


def check_text(text: str, path: str) -> tuple[Taxonomy | None, list[str]]:
    """Validate taxonomy YAML text; returns the taxonomy (if usable) and every problem."""
    checker = _Checker(path)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        return None, [f"{path}:{line}:{col}: YAML syntax error: {reason}"]
    except yaml.YAMLError as exc:
        return None, [f"{path}:1:1: YAML error: {exc}"]
    taxonomy = checker.taxonomy(root)
    return taxonomy, checker.problems


def check_file(path: Path) -> tuple[Taxonomy | None, list[str]]:
    """Validate a taxonomy file; unreadable files are reported as problems too."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [f"{path}:1:1: no such file; give the path of a taxonomy.yaml"]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path}:1:1: cannot read the file ({exc}); save it as UTF-8"]
    return check_text(text, str(path))


def load(path: Path) -> Taxonomy:
    """Load and validate a taxonomy; raises ``TaxonomyError`` listing every problem."""
    taxonomy, problems = check_file(path)
    if problems or taxonomy is None:
        raise TaxonomyError(problems or [f"{path}:1:1: not a taxonomy"])
    return taxonomy

"""Reading a taxonomy's YAML: the node tree walked with line and column for every problem.

Kept apart from ``synth.taxonomy`` so that a command whose taxonomy is in the cache
(``taxonomy.load``) does not import PyYAML at all.
"""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from synth.models import DIMENSIONS
from synth.taxonomy import (
    DIMENSION_KEYS,
    ID_RE,
    LABEL_KEYS,
    TOP_KEYS,
    Dimension,
    Label,
    Taxonomy,
    Term,
    parse_term,
)

# libyaml's parser when PyYAML was built with it (its wheels are): the taxonomy is read by
# every command, and the pure-Python parser took most of a handout's time. Both keep the
# line and column of every node for the messages of ``synth taxonomy check``.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def read_yaml(text: str, path: str) -> tuple[Taxonomy | None, list[str]]:
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

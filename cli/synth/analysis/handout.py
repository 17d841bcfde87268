"""Handouts: sessions condensed into points by shift and prompt, rendered with Jinja2.

``build_context`` turns stored sessions into plain data (dataclasses) for a template;
``render`` fills a template in a sandbox; ``write_chart`` draws the overview as a PNG.
Statement texts pass through ``synth.redact.redact`` unless the caller turns it off;
the stored text is never changed.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from synth.analysis.condense import cut_phrase, first_clause
from synth.models import Session, Statement
from synth.redact import mask_ids, mask_session, mask_statement
from synth.taxonomy import Taxonomy

BAR = "█"
BAR_WIDTH = 20
PHRASE_WORDS = 5  # a point reads as a short phrase; the full text is one reference away
PROMPT_WORDS = 4  # prompts repeat under every shift: "Vad skulle Kalmar län …"
QUOTES_PER_CONCEPT = 2
TWO_QUOTES_FROM = 10  # a concept said this often gets a second quote

LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "date": "Datum",
        "kind": "Typ",
        "source": "Källa",
        "sessions": "Sessioner",
        "session": "Session",
        "statements": "påståenden",
        "points": "punkter",
        "unknown": "okänt",
        "overview": "Översikt",
        "shift": "Förflyttning",
        "concept": "Begrepp",
        "count": "Antal",
        "no_notes": "Inga anteckningar under denna förflyttning.",
        "introduction": "Inledning",
        "recurring": "Återkommande begrepp",
        "no_concepts": "Inga begrepp taggades.",
        "crosscutting": "Tvärgående teman",
        "crosscutting_intro": "Begrepp som återkommer under minst två förflyttningar.",
        "no_crosscutting": "Inget begrepp återkommer under flera förflyttningar.",
        "other": "Övrigt",
        "no_other": "Alla påståenden fick minst en tagg.",
        "appendix": "Källförteckning",
        "ref": "ref",
        "file": "fil",
        "line": "rad",
        "top_points": "Det som sades flest gånger",
        "no_top_points": "Inga påståenden slogs samman.",
        "chart": "Diagram över förflyttningar och begrepp",
        "across": "Sammanställning av flera sessioner",
        "under": "under",
    },
    "en": {
        "date": "Date",
        "kind": "Kind",
        "source": "Source",
        "sessions": "Sessions",
        "session": "Session",
        "statements": "statements",
        "points": "points",
        "unknown": "unknown",
        "overview": "Overview",
        "shift": "Shift",
        "concept": "Concept",
        "count": "Count",
        "no_notes": "No notes under this shift.",
        "introduction": "Introduction",
        "recurring": "Recurring concepts",
        "no_concepts": "No concepts were tagged.",
        "crosscutting": "Cross-cutting themes",
        "crosscutting_intro": "Concepts that recur under at least two shifts.",
        "no_crosscutting": "No concept recurs under several shifts.",
        "other": "Other",
        "no_other": "Every statement has at least one tag.",
        "appendix": "Sources",
        "ref": "ref",
        "file": "file",
        "line": "line",
        "top_points": "Said most often",
        "no_top_points": "No statements were merged.",
        "chart": "Chart of shifts and concepts",
        "across": "Summary of several sessions",
        "under": "under",
    },
}


@dataclass
class Point:
    """One condensed point: a representative statement and the references behind it."""

    text: str  # the representative, shortened to a phrase
    full_text: str  # the representative as written
    refs: list[str]  # every statement merged into the point, representative first
    concepts: list[str]
    shifts: list[str]
    factors: list[str]
    concept_ids: list[str] = field(default_factory=list)
    own_concept_ids: list[str] = field(default_factory=list)  # the representative's own

    @property
    def count(self) -> int:
        return len(self.refs)

    @property
    def ref(self) -> str:
        return self.refs[0]


@dataclass
class PromptGroup:
    prompt: str
    points: list[Point] = field(default_factory=list)
    short: str = ""  # the prompt shortened for the condensed handout
    first: int = 0  # where the prompt first appears in the notes


@dataclass
class Section:
    id: str | None
    name: str
    groups: list[PromptGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(p.count for g in self.groups for p in g.points)

    def group(self, prompt: str) -> PromptGroup:
        for g in self.groups:
            if g.prompt == prompt:
                return g
        made = PromptGroup(prompt, short=short_phrase(prompt, PROMPT_WORDS))
        self.groups.append(made)
        return made


@dataclass
class Row:
    """A line of an overview table: a label, its count, a bar, counts per session."""

    id: str
    name: str
    count: int
    bar: str
    per_session: list[int]


@dataclass
class ConceptSummary:
    """A concept tagged in the sessions: how often, where, and in whose words."""

    id: str
    name: str
    count: int
    per_session: list[int]
    shifts: list[str]  # names of the shifts it came up under
    by_shift: list[int]  # statements per shift, in taxonomy order
    quotes: list[Point]


@dataclass
class SourceRef:
    ref: str
    session: str
    source: str
    lines: str


@dataclass
class _Item:
    """A statement with the session it comes from and its reference."""

    statement: Statement
    session_index: int
    ref: str


def _context(st: Statement) -> tuple[str | None, str | None]:
    return (st.section_shift or st.section, st.prompt)


def session_letter(index: int) -> str:
    """A, B, …, Z, AA, AB, …: the prefix of references when several sessions are shown."""
    letters = string.ascii_uppercase
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = letters[rem] + out
    return out


def short_phrase(text: str, max_words: int = PHRASE_WORDS) -> str:
    """The text itself if short; else its first clause if that is short, else its first
    words; a cut ends in an ellipsis. The words are always the participants' own."""
    words = text.split()
    if len(words) <= max_words:
        return text
    head = words[: first_clause(words)]
    if not 2 <= len(head) <= max_words:
        head = words[: max_words - 1]
    return cut_phrase(head, leading=False, trailing=True)


def bar(count: int, top: int, width: int = BAR_WIDTH) -> str:
    """A Unicode bar proportional to ``count`` (at least one block when non-zero)."""
    if count <= 0 or top <= 0:
        return ""
    return BAR * max(1, round(width * count / top))


def build_context(
    sessions: Sequence[Session],
    statements: Sequence[Sequence[Statement]],
    tax: Taxonomy,
    lang: str = "sv",
    *,
    redact: bool = True,
    condense: bool = True,
    threshold: float | None = None,
    chart: str | None = None,
) -> dict[str, Any]:
    """The data a handout template receives, for one session or several.

    ``statements[i]`` are the stored statements of ``sessions[i]``. Every statement ends up
    in exactly one point (merged with its near-duplicates when ``condense``) or under
    "Övrigt" when it has no tag. References are ``#N`` for one session and ``AN``, ``BN`` …
    for several.
    """
    from synth.analysis import condense as condensing

    t = LABELS.get(lang, LABELS["sv"])
    if redact:
        # Every field from the notes: ids, titles, source names, sections, prompts, texts.
        shown = mask_ids(s.id for s in sessions)
        sessions = [mask_session(s, shown[s.id]) for s in sessions]
        statements = [[mask_statement(st) for st in sts] for sts in statements]
    multi = len(sessions) > 1
    items = [
        _Item(st, si, f"{session_letter(si) if multi else '#'}{st.position}")
        for si, sts in enumerate(statements)
        for st in sts
    ]

    def names(dim: str, ids: Sequence[str]) -> list[str]:
        return [tax.display_name(dim, lab, lang) for lab in ids]

    phrases: dict[str, str] = {}

    def point(members: list[_Item], rep: _Item, shorten: bool) -> Point:
        def union(dim: str) -> list[str]:
            ids = {lab for m in members for lab in m.statement.tags.labels(dim)}
            return [i for i in tax.ids(dim) if i in ids] + sorted(ids - set(tax.ids(dim)))

        text = rep.statement.text
        concepts = union("concepts")
        return Point(
            text=phrases.get(text, text) if shorten else text,
            full_text=text,
            refs=[rep.ref] + [m.ref for m in members if m is not rep],
            concepts=names("concepts", concepts),
            shifts=names("shifts", union("shifts")),
            factors=names("factors", union("factors")),
            concept_ids=concepts,
            own_concept_ids=list(rep.statement.tags.concepts),
        )

    items_index = {id(item): n for n, item in enumerate(items)}
    singles = [([i], i) for i in items]
    # Prompts keep the order of the notes, even when a merged point sits under a later one.
    prompt_first: dict[tuple[str | None, str | None], int] = {}
    for n, item in enumerate(items):
        prompt_first.setdefault(_context(item.statement), n)
    if condense:
        kwargs = {} if threshold is None else {"threshold": threshold}
        clusters = condensing.condense([i.statement for i in items], **kwargs)
        grouped = [([items[m] for m in c.members], items[c.representative]) for c in clusters]
        texts = [items[c.representative].statement.text for c in clusters]
        phrases = dict(zip(texts, condensing.key_phrases(texts, PHRASE_WORDS), strict=True))
    else:
        grouped = singles

    def place(
        grouped: list[tuple[list[_Item], _Item]], shorten: bool
    ) -> tuple[list[Section], list[Section], list[Point]]:
        shift_sections = [Section(lab.id, lab.display(lang)) for lab in tax.labels("shifts")]
        by_shift = {s.id: s for s in shift_sections}
        named: dict[str, Section] = {}
        other: list[Point] = []
        order: dict[int, int] = {}  # point -> position of its first statement in the notes
        for members, rep in grouped:
            p = point(members, rep, shorten)
            order[id(p)] = min(items_index[id(m)] for m in members) + 1
            if all(m.statement.tags.is_empty() for m in members):
                other.append(p)
                continue
            st = rep.statement
            if st.section_shift and st.section_shift in by_shift:
                section = by_shift[st.section_shift]
            else:
                name = st.section or t["introduction"]
                section = named.setdefault(name, Section(None, name))
            group = section.group(st.prompt or "")
            group.points.append(p)
            group.first = prompt_first[_context(st)]
        for section in [*shift_sections, *named.values()]:
            section.groups.sort(key=lambda g: g.first)
            for g in section.groups:
                g.points.sort(key=lambda q: order[id(q)])
        other.sort(key=lambda q: order[id(q)])
        return shift_sections, list(named.values()), other

    shifts, other_sections, other = place(grouped, shorten=condense)
    full_shifts, full_other_sections, full_other = place(singles, shorten=False)

    def per_session(match: Callable[[Statement], bool]) -> list[int]:
        counts = [0] * len(sessions)
        for i in items:
            if match(i.statement):
                counts[i.session_index] += 1
        return counts

    def in_shift(shift_id: str) -> Callable[[Statement], bool]:
        return lambda s: s.section_shift == shift_id or shift_id in s.tags.shifts

    def has_concept(concept_id: str) -> Callable[[Statement], bool]:
        return lambda s: concept_id in s.tags.concepts

    shift_counts = [(lab, per_session(in_shift(lab.id))) for lab in tax.labels("shifts")]
    concept_counts = [(lab, per_session(has_concept(lab.id))) for lab in tax.labels("concepts")]
    shift_top = max((sum(c) for _, c in shift_counts), default=0)
    concept_top = max((sum(c) for _, c in concept_counts), default=0)
    shift_rows = [
        Row(lab.id, lab.display(lang), sum(c), bar(sum(c), shift_top), c) for lab, c in shift_counts
    ]
    concept_rows = [
        Row(lab.id, lab.display(lang), sum(c), bar(sum(c), concept_top), c)
        for lab, c in concept_counts
        if sum(c)
    ]

    all_points = [p for s in shifts + other_sections for g in s.groups for p in g.points]
    recurring: list[ConceptSummary] = []
    for row in sorted(concept_rows, key=lambda r: -r.count):
        # Where a concept came up: the shift heading it was said under, else its shift tags.
        where: dict[str, int] = {}
        for i in items:
            st = i.statement
            if row.id in st.tags.concepts:
                for shift_id in [st.section_shift] if st.section_shift else st.tags.shifts:
                    where[shift_id] = where.get(shift_id, 0) + 1
        quotes = sorted(
            (p for p in all_points if row.id in p.concept_ids),
            # A quote whose own words carry the concept, the most repeated first.
            key=lambda p: (row.id not in p.own_concept_ids, -p.count, len(p.text)),
        )[: QUOTES_PER_CONCEPT if row.count >= TWO_QUOTES_FROM else 1]
        recurring.append(
            ConceptSummary(
                id=row.id,
                name=row.name,
                count=row.count,
                per_session=row.per_session,
                shifts=names("shifts", [s for s in tax.ids("shifts") if s in where]),
                by_shift=[where.get(s, 0) for s in tax.ids("shifts")],
                quotes=quotes,
            )
        )
    crosscutting = [c for c in recurring if len(c.shifts) >= 2]
    top_points = sorted(
        (p for p in all_points if p.count > 1), key=lambda p: (-p.count, len(p.text))
    )[:10]

    appendix = [
        SourceRef(
            i.ref,
            sessions[i.session_index].id,
            i.statement.source,
            f"{i.statement.line_start}"
            if i.statement.line_start == i.statement.line_end
            else f"{i.statement.line_start}–{i.statement.line_end}",
        )
        for i in items
    ]
    shown_sessions = [
        {
            "letter": session_letter(i) if multi else "",
            "id": s.id,
            "title": s.title,
            "date": s.date,
            "kind": s.kind,
            "sources": s.sources,
            "statement_count": len(statements[i]),
        }
        for i, s in enumerate(sessions)
    ]
    first = shown_sessions[0] if shown_sessions else None
    return {
        "t": t,
        "lang": lang,
        "multi": multi,
        "title": t["across"] if multi else (first["title"] if first else ""),
        "session": first,
        "sessions": shown_sessions,
        "statement_count": len(items),
        "point_count": len(all_points) + len(other),
        "shift_names": [lab.display(lang) for lab in tax.labels("shifts")],
        "shift_rows": shift_rows,
        "concept_rows": concept_rows,
        "shifts": shifts,
        # Notes organised by the shifts (a group dialogue) show every shift, an empty one
        # as "no notes"; other notes (a user dialogue with one "Samordning" heading) show
        # only the shifts that have statements.
        "by_shift": sum(1 for section in full_shifts if section.groups) >= 2,
        "other_sections": other_sections,
        "other": other,
        "recurring": recurring,
        "crosscutting": crosscutting,
        "top_points": top_points,
        "full_shifts": full_shifts,
        "full_other_sections": full_other_sections,
        "full_other": full_other,
        "appendix": appendix,
        "chart": chart,
    }

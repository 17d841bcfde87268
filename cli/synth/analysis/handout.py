"""Handouts: stored sessions as a typed model (``Handout``) that every output renders.

``build`` turns sessions into a ``Handout``: the notes' own structure (sections in the
order of the notes, prompts, inline groups such as "Ledning:"), every statement in
exactly one ``Point`` (merged with the statements that say the same thing), key messages,
and counts of shifts, concepts and success factors. ``fit`` chooses the points a
condensed handout shows so that it stays within a share of the notes' words. Statement
texts and every other field taken from the user's files pass through
``synth.redact.redact`` unless the caller turns it off; the stored text is never changed.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from synth.models import Session, Statement
from synth.redact import mask_ids, mask_session, mask_statement
from synth.taxonomy import Taxonomy

BAR = "█"
BAR_WIDTH = 20
KEY_MESSAGES = 6  # at least this many key messages when the notes have as many points
MAX_KEY_MESSAGES = 8
MAX_WORD_SHARE = 0.6  # a condensed handout has at most this share of the notes' words

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
        "shifts": "Fokusförflyttningar",
        "concept": "Begrepp",
        "factor": "Framgångsfaktor",
        "count": "Antal",
        "no_notes": "Inga anteckningar under denna förflyttning.",
        "key_messages": "Nyckelbudskap",
        "recurring": "Återkommande begrepp",
        "no_concepts": "Inga begrepp taggades.",
        "factors": "Framgångsfaktorer",
        "no_factors": "Ingen framgångsfaktor taggades.",
        "appendix": "Källförteckning",
        "ref": "ref",
        "file": "fil",
        "line": "rad",
        "line_abbr": "r.",
        "more": "till",
        "wordings": "Andra formuleringar",
        "chart": "Diagram över förflyttningar och begrepp",
        "chart_shifts": "Påståenden per förflyttning",
        "chart_concepts": "Påståenden per begrepp",
        "chart_count": "Antal påståenden",
        "across": "Sammanställning av flera sessioner",
        "counts_note": (
            "Antal = påståenden som taggats med etiketten (samma räkning som synth show, "
            "trends och diff); ×N = N påståenden sa samma sak."
        ),
        "multi_note": "Påståenden slås samman bara inom en session, aldrig mellan sessioner.",
        "condensed_note": (
            "Ett urval: varje påstående står i sin helhet, alla finns i den fullständiga "
            "versionen (--template full)."
        ),
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
        "shifts": "Shifts",
        "concept": "Concept",
        "factor": "Success factor",
        "count": "Count",
        "no_notes": "No notes under this shift.",
        "key_messages": "Key messages",
        "recurring": "Recurring concepts",
        "no_concepts": "No concepts were tagged.",
        "factors": "Success factors",
        "no_factors": "No success factor was tagged.",
        "appendix": "Sources",
        "ref": "ref",
        "file": "file",
        "line": "line",
        "line_abbr": "l.",
        "more": "more",
        "wordings": "Other wordings",
        "chart": "Chart of shifts and concepts",
        "chart_shifts": "Statements per shift",
        "chart_concepts": "Statements per concept",
        "chart_count": "Statements",
        "across": "Summary of several sessions",
        "counts_note": (
            "Count = statements tagged with the label (as counted by synth show, trends "
            "and diff); ×N = N statements said the same thing."
        ),
        "multi_note": "Statements are merged within one session only, never across sessions.",
        "condensed_note": (
            "A selection: every statement is shown whole; all are in the full version "
            "(--template full)."
        ),
    },
}

KIND_NAMES: dict[str, dict[str, str]] = {
    "sv": {
        "group-dialogue": "gruppdialog",
        "user-dialogue": "brukardialog",
        "protocol": "protokoll",
        "document": "dokument",
        "other": "övrigt",
    },
    "en": {
        "group-dialogue": "group dialogue",
        "user-dialogue": "user dialogue",
        "protocol": "protocol",
        "document": "document",
        "other": "other",
    },
}


@dataclass
class Ref:
    """Where a statement stands: its session (letter when several) and source line."""

    letter: str
    position: int
    source: str
    line_start: int
    line_end: int


@dataclass(eq=False)
class Point:
    """Statements that say the same thing, shown by the clearest of their wordings."""

    text: str  # the representative statement as written (masked)
    refs: list[Ref]  # every statement of the point, the representative first
    wordings: list[str]  # the other statements' texts, as written
    concepts: list[str]  # names of the concepts of its statements
    factors: list[str]
    shifts: list[str]
    section: str = ""  # the name of the section it stands in
    order: int = 0  # where its first statement stands in the notes
    labels: int = 0  # how many labels its representative carries
    key: bool = False  # listed among the key messages

    @property
    def count(self) -> int:
        return len(self.refs)

    def lines(self, abbr: str = "r.") -> str:
        """Compact references: "r. 61, 27" (one session) or "A r. 61, B r. 4"."""
        parts: list[str] = []
        by_letter: dict[str, list[int]] = {}
        for ref in self.refs:
            lines = by_letter.setdefault(ref.letter, [])
            if ref.line_start not in lines:
                lines.append(ref.line_start)
        for letter, lines in by_letter.items():
            joined = ", ".join(str(n) for n in lines)
            parts.append(f"{letter} {abbr} {joined}" if letter else f"{abbr} {joined}")
        return "; ".join(parts)


@dataclass
class Group:
    """Points under an inline label of the notes ("Ledning:"), or under none."""

    label: str | None
    points: list[Point] = field(default_factory=list)
    shown: list[Point] = field(default_factory=list)  # what a condensed handout shows

    @property
    def hidden(self) -> list[Point]:
        shown = {id(p) for p in self.shown}
        return [p for p in self.points if id(p) not in shown]

    def hidden_lines(self, abbr: str = "r.") -> str:
        refs = sorted((r for p in self.hidden for r in p.refs), key=lambda r: r.line_start)
        return Point("", refs, [], [], [], []).lines(abbr) if refs else ""


@dataclass
class Prompt:
    """A question of the notes (None: statements before any question) and its answers."""

    text: str | None
    groups: list[Group] = field(default_factory=list)

    @property
    def points(self) -> list[Point]:
        return [p for g in self.groups for p in g.points]


@dataclass
class Section:
    """A shift heading or a named section of the notes, whole."""

    name: str
    shift: str | None  # the shift id when the section is a shift heading
    prompts: list[Prompt] = field(default_factory=list)

    @property
    def points(self) -> list[Point]:
        return [p for pr in self.prompts for p in pr.points]

    @property
    def groups(self) -> list[Group]:
        return [g for pr in self.prompts for g in pr.groups]


@dataclass
class LabelRow:
    """A shift, concept or factor: statements tagged with it, per session, and a quote."""

    id: str
    name: str
    count: int
    per_session: list[int]
    bar: str
    quote: Point | None = None


@dataclass
class SessionInfo:
    letter: str
    id: str
    title: str
    date: str | None
    kind: str  # in the handout's language
    sources: list[str]
    statement_count: int


@dataclass
class AppendixRow:
    ref: str  # "#N" or "AN"
    session: str
    source: str
    lines: str
    text: str


@dataclass
class Handout:
    """Everything a handout shows, in the handout's language; shared by every output."""

    t: dict[str, str]
    lang: str
    title: str
    multi: bool
    sessions: list[SessionInfo]
    statement_count: int
    statement_words: int
    intro: list[Point]
    sections: list[Section]
    key_messages: list[Point]
    shift_rows: list[LabelRow]
    concept_rows: list[LabelRow]
    factor_rows: list[LabelRow]
    appendix: list[AppendixRow]
    by_shift: bool  # notes organised by the shifts: every shift gets a section
    chart: str | None = None

    @property
    def session(self) -> SessionInfo | None:
        return self.sessions[0] if self.sessions else None

    @property
    def points(self) -> list[Point]:
        return self.intro + [p for s in self.sections for p in s.points]

    @property
    def point_count(self) -> int:
        return len(self.points)

    @property
    def shift_names(self) -> list[str]:
        return [r.name for r in self.shift_rows]


def session_letter(index: int) -> str:
    """A, B, …, Z, AA, AB, …: the prefix of references when several sessions are shown."""
    letters = string.ascii_uppercase
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = letters[rem] + out
    return out


def words(text: str) -> int:
    """Words as a reader counts them: runs of letters (numbers and bars are not words)."""
    return len(re.findall(r"[^\W\d_]+", text))


def bar(count: int, top: int, width: int = BAR_WIDTH) -> str:
    """A Unicode bar proportional to ``count`` (at least one block when non-zero)."""
    if count <= 0 or top <= 0:
        return ""
    return BAR * max(1, round(width * count / top))


@dataclass
class _Item:
    """A statement with its session and its place in the notes."""

    statement: Statement
    session: int
    order: int


def _points(
    items: list[_Item],
    tax: Taxonomy,
    lang: str,
    letters: list[str],
    condense: bool,
    threshold: float | None,
) -> list[Point]:
    """Every statement in exactly one point, in the order of the notes."""
    from synth.analysis import condense as condensing

    if condense and items:
        kwargs = {} if threshold is None else {"threshold": threshold}
        clusters = condensing.condense(
            [i.statement for i in items], sessions=[i.session for i in items], **kwargs
        )
        grouped = [(c.representative, c.members) for c in clusters]
    else:
        grouped = [(n, [n]) for n in range(len(items))]

    def names(dim: str, members: list[int]) -> list[str]:
        ids = {lab for m in members for lab in items[m].statement.tags.labels(dim)}
        ordered = [i for i in tax.ids(dim) if i in ids] + sorted(ids - set(tax.ids(dim)))
        return [tax.display_name(dim, lab, lang) for lab in ordered]

    points: list[Point] = []
    for rep, members in grouped:
        ordered = [rep] + [m for m in sorted(members) if m != rep]
        rep_st = items[rep].statement
        points.append(
            Point(
                text=rep_st.text,
                refs=[
                    Ref(
                        letters[items[m].session],
                        items[m].statement.position,
                        items[m].statement.source,
                        items[m].statement.line_start,
                        items[m].statement.line_end,
                    )
                    for m in ordered
                ],
                wordings=list(
                    dict.fromkeys(
                        items[m].statement.text
                        for m in ordered[1:]
                        if items[m].statement.text != rep_st.text
                    )
                ),
                concepts=names("concepts", members),
                factors=names("factors", members),
                shifts=names("shifts", members),
                order=min(items[m].order for m in members),
                labels=len(rep_st.tags.pairs()),
            )
        )
    points.sort(key=lambda p: p.order)
    return points


def _section_key(st: Statement) -> tuple[str, str | None]:
    if st.section_shift:
        return ("shift", st.section_shift)
    return ("named", st.section)


def _sections(
    items: list[_Item],
    points: list[Point],
    tax: Taxonomy,
    lang: str,
) -> tuple[list[Point], list[Section], bool]:
    """Points placed under their section, prompt and group, in the order of the notes.

    Statements before the first section heading of notes organised by the shifts (a
    preamble) become the introduction; when the notes name at least two shifts, every
    shift gets a section (an empty one says so).
    """
    first_of = {p.order: p for p in points}
    by_order = {i.order: i for i in items}
    shift_ids = {i.statement.section_shift for i in items if i.statement.section_shift}
    by_shift = len(shift_ids) >= 2
    intro: list[Point] = []
    sections: dict[tuple[str, str | None], Section] = {}
    seen_shift = False
    for order in sorted(first_of):
        point, st = first_of[order], by_order[order].statement
        key = _section_key(st)
        seen_shift = seen_shift or key[0] == "shift"
        if by_shift and not seen_shift and key[0] == "named":
            intro.append(point)
            continue
        if key not in sections:
            name = (
                tax.display_name("shifts", st.section_shift, lang)
                if st.section_shift
                else st.section or ""
            )
            sections[key] = Section(name, st.section_shift)
        section = sections[key]
        point.section = section.name
        prompt_text = st.prompt or None
        prompt = next((p for p in section.prompts if p.text == prompt_text), None)
        if prompt is None:
            prompt = Prompt(prompt_text)
            section.prompts.append(prompt)
        label = st.group or None
        group = next((g for g in prompt.groups if g.label == label), None)
        if group is None:
            group = Group(label)
            prompt.groups.append(group)
        group.points.append(point)
    ordered = list(sections.values())
    if by_shift:
        present = {s.shift for s in ordered}
        ordered += [
            Section(lab.display(lang), lab.id)
            for lab in tax.labels("shifts")
            if lab.id not in present
        ]
    return intro, ordered, by_shift


def _rows(
    dim: str, items: list[_Item], sessions: int, tax: Taxonomy, lang: str, points: list[Point]
) -> list[LabelRow]:
    """Statements tagged with each label of a dimension, as ``trends`` and ``diff`` count
    them; concepts and factors never tagged are left out."""
    counts: dict[str, list[int]] = {lab: [0] * sessions for lab in tax.ids(dim)}
    for item in items:
        for lab in item.statement.tags.labels(dim):
            counts.setdefault(lab, [0] * sessions)[item.session] += 1
    top = max((sum(c) for c in counts.values()), default=0)
    rows: list[LabelRow] = []
    for lab, per in counts.items():
        if dim != "shifts" and not sum(per):
            continue
        name = tax.display_name(dim, lab, lang)
        rows.append(
            LabelRow(lab, name, sum(per), per, bar(sum(per), top), _quote(name, dim, points))
        )
    if dim != "shifts":
        rows.sort(key=lambda r: -r.count)
    return rows


def _quote(name: str, dim: str, points: list[Point]) -> Point | None:
    """The point that shows a label best: most often said, then the shortest."""
    carrying = [p for p in points if name in getattr(p, dim)]
    return min(carrying, key=lambda p: (-p.count, words(p.text), p.order), default=None)


def _priority(point: Point) -> tuple[int, int, int, int]:
    """Most voiced first: said most often, then tagged (with two labels or more before
    one), then the shortest: a key message is read at a glance."""
    return (-point.count, -min(point.labels, 2), words(point.text), point.order)


def key_messages(sections: list[Section]) -> list[Point]:
    """The most voiced points, chosen round the sections so that they cover different
    shifts before any section gets a second one."""
    ranked = sorted((p for s in sections for p in s.points), key=_priority)
    wanted = KEY_MESSAGES + sum(1 for p in ranked[:MAX_KEY_MESSAGES] if p.count > 1) // 3
    wanted = min(MAX_KEY_MESSAGES, wanted, len(ranked))
    chosen: list[Point] = []
    while len(chosen) < wanted:
        covered = {p.section for p in chosen}
        fresh = [p for p in ranked if p not in chosen and p.section not in covered]
        chosen.append((fresh or [p for p in ranked if p not in chosen])[0])
    for p in chosen:
        p.key = True
    return sorted(chosen, key=_priority)


def _appendix(
    items: list[_Item], letters: list[str], sessions: list[SessionInfo]
) -> list[AppendixRow]:
    rows: list[AppendixRow] = []
    for i in items:
        st = i.statement
        lines = (
            f"{st.line_start}" if st.line_start == st.line_end else f"{st.line_start}–{st.line_end}"
        )
        ref = f"{letters[i.session] or '#'}{st.position}"
        rows.append(AppendixRow(ref, sessions[i.session].id, st.source, lines, st.text))
    return rows


def build(
    sessions: Sequence[Session],
    statements: Sequence[Sequence[Statement]],
    tax: Taxonomy,
    lang: str = "sv",
    *,
    redact: bool = True,
    condense: bool = True,
    threshold: float | None = None,
    chart: str | None = None,
) -> Handout:
    """The handout of one session or several; ``statements[i]`` are those of
    ``sessions[i]``. Every statement ends up in exactly one point; all points are shown
    until ``fit`` chooses fewer."""
    t = LABELS.get(lang, LABELS["sv"])
    if redact:
        # Every field from the notes: ids, titles, source names, sections, prompts, groups,
        # texts; the stored statements are not changed.
        shown = mask_ids(s.id for s in sessions)
        sessions = [mask_session(s, shown[s.id]) for s in sessions]
        statements = [[mask_statement(st) for st in sts] for sts in statements]
    multi = len(sessions) > 1
    letters = [session_letter(i) if multi else "" for i in range(len(sessions))]
    items = [
        _Item(st, si, n)
        for n, (si, st) in enumerate((si, st) for si, sts in enumerate(statements) for st in sts)
    ]
    infos = [
        SessionInfo(
            letters[i],
            s.id,
            (s.title),
            s.date,
            KIND_NAMES.get(lang, KIND_NAMES["sv"]).get(s.kind, s.kind),
            [(src) for src in s.sources],
            len(statements[i]),
        )
        for i, s in enumerate(sessions)
    ]
    points = _points(items, tax, lang, letters, condense, threshold)
    intro, sections, by_shift = _sections(items, points, tax, lang)
    for group in (g for s in sections for g in s.groups):
        group.shown = list(group.points)
    keys = key_messages(sections)
    # A quote comes from what was said under a heading, not from a preamble.
    quotable = [p for s in sections for p in s.points] or points
    title = t["across"] if multi else (infos[0].title if infos else "")
    return Handout(
        t=t,
        lang=lang,
        title=title,
        multi=multi,
        sessions=infos,
        statement_count=len(items),
        statement_words=sum(words(i.statement.text) for i in items),
        intro=intro,
        sections=sections,
        key_messages=keys,
        shift_rows=_rows("shifts", items, len(sessions), tax, lang, quotable),
        concept_rows=_rows("concepts", items, len(sessions), tax, lang, quotable),
        factor_rows=_rows("factors", items, len(sessions), tax, lang, quotable),
        appendix=_appendix(items, letters, infos),
        by_shift=by_shift,
        chart=chart,
    )


def _ranked_extras(handout: Handout) -> tuple[set[int], list[Point]]:
    """The most voiced point of each group (always shown), and the others, most voiced first
    (key messages, already on top, last)."""
    groups = [g for s in handout.sections for g in s.groups]
    firsts = {id(min(g.points, key=_priority)) for g in groups if g.points}
    rest = sorted(
        (p for g in groups for p in g.points if id(p) not in firsts),
        key=lambda p: (p.key, _priority(p)),
    )
    return firsts, rest


def show_points(handout: Handout, extra: int) -> None:
    """Show in each group its most voiced point, then the ``extra`` most voiced others."""
    firsts, rest = _ranked_extras(handout)
    chosen = firsts | {id(p) for p in rest[:extra]}
    for g in (g for s in handout.sections for g in s.groups):
        g.shown = [p for p in g.points if id(p) in chosen]


def fit(handout: Handout, render: Callable[[Handout], str], share: float = MAX_WORD_SHARE) -> None:
    """Choose the points shown so that ``render(handout)`` has at most ``share`` of the
    words of the notes' statements (as many points as fit; at least one per group).

    The words each extra point adds are estimated (its text and its reference), so a
    few renderings suffice however long the notes are.
    """
    budget = share * handout.statement_words
    _, rest = _ranked_extras(handout)
    show_points(handout, 0)
    spent = words(render(handout))
    extra = 0
    for point in rest:
        cost = words(point.text) + 1
        if spent + cost > budget:
            break
        spent += cost
        extra += 1
    while True:
        show_points(handout, extra)
        over = words(render(handout)) - budget
        if over <= 0 or extra == 0:
            return
        while over > 0 and extra > 0:  # drop the last points until the excess is covered
            extra -= 1
            over -= words(rest[extra].text) + 1

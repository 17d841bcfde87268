"""Handouts: a session's statements arranged by shift and prompt, rendered with Jinja2."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synth.errors import TemplateError
from synth.models import Session, Statement
from synth.taxonomy import Taxonomy

NO_PROMPT = ""


@dataclass
class Point:
    ref: str
    text: str
    concepts: list[str]
    shifts: list[str]
    factors: list[str]
    source: str
    lines: str


@dataclass
class PromptGroup:
    prompt: str
    points: list[Point] = field(default_factory=list)


@dataclass
class Section:
    id: str | None
    name: str
    groups: list[PromptGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(g.points) for g in self.groups)


def _point(st: Statement, tax: Taxonomy, lang: str) -> Point:
    def names(dim: str) -> list[str]:
        out = []
        for lab in st.tags.labels(dim):
            found = tax.label(dim, lab)
            out.append(found.display(lang) if found else lab)
        return out

    lines = f"{st.line_start}" if st.line_start == st.line_end else f"{st.line_start}–{st.line_end}"
    return Point(
        ref=f"#{st.position}",
        text=st.text,
        concepts=names("concepts"),
        shifts=names("shifts"),
        factors=names("factors"),
        source=st.source,
        lines=lines,
    )


def build_context(
    session: Session, statements: list[Statement], tax: Taxonomy, lang: str = "sv"
) -> dict[str, Any]:
    """The data a handout template receives."""
    shift_sections = [Section(label.id, label.display(lang)) for label in tax.labels("shifts")]
    by_shift = {s.id: s for s in shift_sections}
    other: dict[str, Section] = {}
    for st in statements:
        if st.section_shift and st.section_shift in by_shift:
            section = by_shift[st.section_shift]
        else:
            name = st.section or ("Inledning" if lang == "sv" else "Introduction")
            section = other.setdefault(name, Section(None, name))
        prompt = st.prompt or NO_PROMPT
        if not section.groups or section.groups[-1].prompt != prompt:
            existing = [g for g in section.groups if g.prompt == prompt]
            group = existing[0] if existing else PromptGroup(prompt)
            if not existing:
                section.groups.append(group)
        else:
            group = section.groups[-1]
        group.points.append(_point(st, tax, lang))
    untagged = [_point(st, tax, lang) for st in statements if st.tags.is_empty()]
    return {
        "session": session,
        "lang": lang,
        "shifts": shift_sections,
        "other_sections": list(other.values()),
        "untagged": untagged,
        "statement_count": len(statements),
        "appendix": [_point(st, tax, lang) for st in statements],
    }


def environment(template_dirs: list[Path]) -> Any:
    """The one Jinja2 environment: sandboxed, strict about undefined names."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return env


def render(template: str, context: dict[str, Any], templates_dir: Path) -> str:
    """Render a template by name (in ``templates_dir``) or by path."""
    from jinja2 import TemplateError as JinjaTemplateError
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    from synth.resources import packaged_templates_dir

    path = Path(template)
    dirs = [templates_dir, packaged_templates_dir()]
    if path.suffix == ".j2" and path.exists():
        dirs.insert(0, path.resolve().parent)
        name = path.name
    else:
        name = template if template.endswith(".j2") else f"{template}.md.j2"
    env = environment(dirs)
    try:
        tmpl = env.get_template(name)
        return str(tmpl.render(**context))
    except TemplateNotFound as exc:
        raise TemplateError(
            f"template '{template}' not found in {templates_dir}; give a name like "
            "handout, brief or full, or the path of a .j2 file"
        ) from exc
    except TemplateSyntaxError as exc:
        raise TemplateError(
            f"{exc.filename or exc.name or name}:{exc.lineno}: template syntax error: {exc.message}"
        ) from exc
    except JinjaTemplateError as exc:
        raise TemplateError(f"{name}:{_template_line(exc, name)}: template error: {exc}") from exc


def _template_line(exc: BaseException, name: str) -> str:
    """The line in the template where rendering failed, from the traceback."""
    tb = exc.__traceback__
    line = "?"
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(name):
            line = str(tb.tb_lineno)
        tb = tb.tb_next
    return line

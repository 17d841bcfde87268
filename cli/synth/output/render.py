"""Reports rendered from templates: the one Jinja2 environment, sandboxed."""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synth.errors import TemplateError

if TYPE_CHECKING:
    from synth.analysis.handout import Handout


def markdown_text(value: object) -> object:
    """Text from the notes made inert in Markdown and in the HTML it becomes: ``<`` and
    ``>`` as entities (no ``<script>``, ``<img onerror>``, autolinks), and ``](`` and
    ``]:`` broken so no link (``javascript:``) is made of a statement. Other values pass."""
    if not isinstance(value, str):
        return value
    return (
        value.replace("<", "&lt;").replace(">", "&gt;").replace("](", "]\\(").replace("]:", "]\\:")
    )


def environment(template_dirs: list[Path]) -> Any:
    """The one Jinja2 environment: sandboxed, strict about undefined names, and every
    ``{{ value }}`` passed through ``markdown_text`` (also in the user's own templates).
    One environment per list of folders is kept for the process, so a template rendered
    again (a handout fitted to its word budget) is compiled once."""
    return _environment(tuple(template_dirs))


@lru_cache(maxsize=8)
def _environment(template_dirs: tuple[Path, ...]) -> Any:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=markdown_text,
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


def handout_context(handout: Handout) -> dict[str, Any]:
    """The names a handout template sees: every field of the ``Handout`` and its derived
    values (``session``, ``points``, ``point_count``, ``shift_names``), and ``handout``."""
    context: dict[str, Any] = {f.name: getattr(handout, f.name) for f in fields(handout)}
    for name in ("session", "points", "point_count", "shift_names"):
        context[name] = getattr(handout, name)
    context["handout"] = handout
    return context


def render_handout(template: str, handout: Handout, templates_dir: Path) -> str:
    """A handout rendered by a template name or path."""
    return render(template, handout_context(handout), templates_dir)


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

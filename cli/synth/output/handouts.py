"""A handout as a file: the typed handout rendered as Markdown, HTML or Word, with its chart."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from synth.analysis import handout
from synth.models import Session, Statement
from synth.output import charts, render
from synth.taxonomy import Taxonomy

HandoutFormat = Literal["md", "html", "docx"]


@dataclass
class HandoutFile:
    """The handout's content (text for Markdown and HTML, bytes for Word) and its chart."""

    content: str | bytes
    chart: bytes | None


def make_handout(
    infos: list[Session],
    statements: list[list[Statement]],
    taxonomy: Taxonomy,
    *,
    fmt: HandoutFormat = "md",
    template: str = "handout",
    templates_dir: Path,
    lang: str = "sv",
    redact: bool = True,
    threshold: float | None = None,
    chart: bool = False,
    chart_link: str | None = None,
) -> HandoutFile:
    """Condense the sessions' statements into a handout of ``fmt`` rendered with
    ``template``; the default template is fitted to its word budget. ``chart`` draws the
    bar chart as a PNG (HTML and Word embed it whatever ``chart`` says); ``chart_link`` is
    where the Markdown links it."""
    made = handout.build(
        infos, statements, taxonomy, lang, redact=redact, threshold=threshold, chart=chart_link
    )
    if template != "full":
        # "handout" and the other condensed templates are measured against the default one.
        handout.fit(made, lambda h: render.render_handout("handout", h, templates_dir))
    png = charts.chart_png(made) if chart or fmt != "md" else None
    if fmt == "docx":
        from synth.output import docx

        return HandoutFile(docx.to_docx(made, png, full=template == "full"), png)
    text = render.render_handout(template, made, templates_dir)
    if fmt == "html":
        from synth.output import html

        text = html.to_html(text, made.title, lang, png)
    return HandoutFile(text, png)

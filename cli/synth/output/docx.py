"""Handouts as Word documents (python-docx): real headings, bullet lists, tables and the
chart, built from the same ``Handout`` as the Markdown."""

from __future__ import annotations

import io
from typing import Any

from synth.analysis.handout import Group, Handout, LabelRow, Point


def _refs(point: Point, handout: Handout) -> str:
    return f"({point.lines(handout.t['line_abbr'])})"


def _point(
    doc: Any, point: Point, handout: Handout, *, bold: bool = False, where: str = ""
) -> None:
    para = doc.add_paragraph(style="List Bullet")
    run = para.add_run(point.text)
    run.bold = bold
    times = f" (×{point.count})" if point.count > 1 else ""
    place = f" · {where}" if where else ""
    para.add_run(f"{times}{place} {_refs(point, handout)}")


def _table(doc: Any, header: str, rows: list[LabelRow], handout: Handout) -> None:
    t = handout.t
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = header
    table.rows[0].cells[1].text = t["count"]
    for row in rows:
        cells = table.add_row().cells
        cells[0].text = row.name
        cells[1].text = str(row.count)


def _group(doc: Any, group: Group, handout: Handout, full: bool) -> None:
    if group.label:
        doc.add_paragraph().add_run(group.label).bold = True
    for point in group.points if full else group.shown:
        _point(doc, point, handout)
    if not full and group.hidden:
        para = doc.add_paragraph(style="List Bullet")
        t = handout.t
        para.add_run(
            f"+{len(group.hidden)} {t['more']}: {group.hidden_lines(t['line_abbr'])}"
        ).italic = True


def _labels(doc: Any, heading: str, rows: list[LabelRow], empty: str, handout: Handout) -> None:
    doc.add_heading(heading, level=2)
    if not rows:
        doc.add_paragraph(empty).runs[0].italic = True
    for row in rows:
        para = doc.add_paragraph(style="List Bullet")
        para.add_run(row.name).bold = True
        para.add_run(f" {row.count}")
        if row.quote is not None:
            para.add_run(f": ”{row.quote.text}” {_refs(row.quote, handout)}")


def to_docx(handout: Handout, chart_png: bytes | None = None, full: bool = False) -> bytes:
    """The handout as a .docx file's bytes; ``full`` lists every statement and the
    appendix, otherwise the points ``fit`` chose."""
    from docx import Document
    from docx.shared import Cm

    t = handout.t
    doc = Document()
    doc.add_heading(handout.title, level=1)
    for s in handout.sessions:
        letter = f"{s.letter}: " if s.letter else ""
        doc.add_paragraph(
            f"{letter}{t['date']}: {s.date or t['unknown']} · {t['kind']}: {s.kind} · "
            f"{t['source']}: {', '.join(s.sources)} · {s.statement_count} {t['statements']}"
        )
    if handout.multi:
        doc.add_paragraph(t["multi_note"])
    for point in handout.intro:
        doc.add_paragraph().add_run(f"{point.text} {_refs(point, handout)}").italic = True
    doc.add_heading(t["key_messages"], level=2)
    for point in handout.key_messages:
        _point(doc, point, handout, bold=True, where=point.section)
    doc.add_heading(t["overview"], level=2)
    doc.add_paragraph(t["counts_note"])
    _table(doc, t["shift"], handout.shift_rows, handout)
    if chart_png is not None:
        doc.add_picture(io.BytesIO(chart_png), width=Cm(16))
    for section in handout.sections:
        doc.add_heading(section.name, level=2)
        if not section.prompts:
            doc.add_paragraph(t["no_notes"]).runs[0].italic = True
        for prompt in section.prompts:
            if prompt.text:
                doc.add_heading(prompt.text, level=3)
            for group in prompt.groups:
                _group(doc, group, handout, full)
    _labels(doc, t["recurring"], handout.concept_rows, t["no_concepts"], handout)
    _labels(doc, t["factors"], handout.factor_rows, t["no_factors"], handout)
    if full:
        doc.add_heading(t["appendix"], level=2)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, name in zip(
            table.rows[0].cells, ("ref", "file", "line", "statements"), strict=True
        ):
            cell.text = t[name]
        for row in handout.appendix:
            cells = table.add_row().cells
            for cell, value in zip(cells, (row.ref, row.source, row.lines, row.text), strict=True):
                cell.text = value
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

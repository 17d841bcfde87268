"""Handouts as one self-contained HTML page: the Markdown rendered with markdown-it-py,
the chart inlined, and CSS for printing on A4."""

from __future__ import annotations

import base64
import html

CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "Segoe UI", Calibri, Arial, sans-serif; font-size: 11pt; line-height: 1.4;
       color: #1b1b1b; max-width: 178mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 20pt; margin: 0 0 4mm; color: #1f4e79; }
h2 { font-size: 14pt; margin: 7mm 0 2mm; color: #1f4e79; border-bottom: 1px solid #c9d6e3;
     break-after: avoid; }
h3 { font-size: 11.5pt; margin: 4mm 0 1.5mm; break-after: avoid; }
ul { margin: 1mm 0 3mm; padding-left: 6mm; }
li { margin: 0.8mm 0; break-inside: avoid; }
table { border-collapse: collapse; margin: 2mm 0 4mm; break-inside: avoid; }
th, td { border: 1px solid #c9d6e3; padding: 1mm 2.5mm; text-align: left; }
td:nth-child(2) { text-align: right; }
img { max-width: 100%; }
@media print { body { padding: 0; } a { color: inherit; text-decoration: none; } }
"""


def to_html(markdown: str, title: str, lang: str, chart_png: bytes | None = None) -> str:
    """A complete HTML document of a Markdown handout. Raw HTML in the Markdown (a
    statement that holds ``<script>``) is shown as text, never run."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = md.render(markdown)
    if chart_png is not None:
        data = base64.b64encode(chart_png).decode("ascii")
        body += f'<p><img alt="" src="data:image/png;base64,{data}"></p>\n'
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}</body>\n</html>\n"
    )

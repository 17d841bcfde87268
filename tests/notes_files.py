"""Notes files in every format synth reads, written by the tests themselves.

The Swedish example text is made up for the tests; nothing here comes from real notes.
"""

from __future__ import annotations

from pathlib import Path

SHIFT = "Från reaktiv till proaktiv och hälsofrämjande"
PROMPT = "Vad behövs för att göra denna förflyttning?"
ITEMS = [
    "Fler hälsosamtal på vårdcentralen",
    "Gemensam planering med kommunens äldreomsorg",
]
PARAGRAPH = "Vi måste våga prioritera förebyggande arbete även när budgeten är trång."
TABLE = [("Aktivitet", "Ansvar"), ("Öppen mottagning för unga", "Region och kommun")]


def write_docx(path: Path) -> Path:
    """A Word document with a title, a shift heading, a prompt, a list, a paragraph, a table."""
    import docx

    document = docx.Document()
    document.add_heading("Workshop i Exempelby 12 mars 2025", level=1)
    document.add_heading(SHIFT, level=2)
    document.add_paragraph(PROMPT)
    for item in ITEMS:
        document.add_paragraph(item, style="List Bullet")
    document.add_paragraph(PARAGRAPH)
    table = document.add_table(rows=len(TABLE), cols=2)
    for row, values in zip(table.rows, TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.save(str(path))
    return path


def write_pdf(path: Path, pages: list[list[str]], footer: list[str] | None = None) -> Path:
    """A PDF with one text line per entry, a repeated header and a footer per page
    (``footer`` lines, by default "Sida N av M").

    fpdf2's core fonts are Latin-1, which covers å, ä and ö.
    """
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(10, 8)
        pdf.cell(0, 5, "Nära vård i Exempellän - arbetsmaterial")
        pdf.set_font("Helvetica", size=12)
        y = 25.0
        for line in lines:
            pdf.set_xy(10, y)
            pdf.cell(0, 6, line)
            y += 7
        pdf.set_font("Helvetica", size=9)
        bottom = footer or [f"Sida {number} av {len(pages)}"]
        for n, line in enumerate(bottom):
            pdf.set_xy(10, 285 - 6 * (len(bottom) - 1 - n))
            pdf.cell(0, 5, line)
    pdf.output(str(path))
    return path


def write_odt(path: Path) -> Path:
    """An OpenDocument text with the same structure as ``write_docx``."""
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableRow
    from odf.text import H, List, ListItem, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Workshop i Exempelby 12 mars 2025"))
    document.text.addElement(H(outlinelevel=2, text=SHIFT))
    document.text.addElement(P(text=PROMPT))
    bullets = List()
    for item in ITEMS:
        entry = ListItem()
        entry.addElement(P(text=item))
        bullets.addElement(entry)
    document.text.addElement(bullets)
    document.text.addElement(P(text=PARAGRAPH))
    table = Table()
    for values in TABLE:
        row = TableRow()
        for value in values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    document.save(str(path))
    return path

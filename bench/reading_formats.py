"""How long reading notes takes per format: .txt, .docx and .pdf of the same made-up notes.

Run: .venv/bin/python bench/reading_formats.py [ITEMS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from synth.pipeline.reading import read_notes

LINE = "Fler hälsosamtal och gemensam planering med kommunens äldreomsorg nr {n}."


def write_files(folder: Path, items: int) -> list[Path]:
    import docx
    from fpdf import FPDF

    lines = [LINE.format(n=n) for n in range(items)]
    txt = folder / "notes.txt"
    txt.write_text("\n".join(f"- {line}" for line in lines) + "\n", encoding="utf-8")
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line, style="List Bullet")
    document.save(str(folder / "notes.docx"))
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for line in lines:
        pdf.cell(0, 6, "- " + line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(folder / "notes.pdf"))
    return [txt, folder / "notes.docx", folder / "notes.pdf"]


def main() -> None:
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        for path in write_files(Path(tmp), items):
            start = time.perf_counter()
            text = read_notes(path)
            seconds = time.perf_counter() - start
            print(f"{path.suffix:<6} {items} items  {len(text):>8} chars  {seconds:6.3f} s")


if __name__ == "__main__":
    main()

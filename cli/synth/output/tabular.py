"""Plain exports of tagged statements: CSV for spreadsheets, JSON lines for scripts.

One row per statement with its session, date, section shift, prompt, group (the theme
label of the notes), source line, text and the label ids of each dimension. Personal
data is masked unless asked otherwise.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from synth.models import DIMENSIONS, Session, Statement
from synth.redact import mask_ids, mask_session, mask_statement

COLUMNS = (
    "session",
    "date",
    "kind",
    "position",
    "section",
    "section_shift",
    "prompt",
    "group",
    "source",
    "line",
    "text",
    *DIMENSIONS,
)
# Swedish Excel lists with ';' (the comma is the decimal sign) and reads UTF-8 only
# with a BOM.
CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"
TAG_SEPARATOR = ", "
# Spreadsheets run cells that start with these as formulas.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class StatementRow:
    """One exported statement."""

    session: str
    date: str | None
    kind: str
    position: int
    section: str | None
    section_shift: str | None
    prompt: str | None
    group: str | None
    source: str
    line: int
    text: str
    tags: dict[str, list[str]]

    def as_dict(self) -> dict[str, object]:
        return {
            "session": self.session,
            "date": self.date,
            "kind": self.kind,
            "position": self.position,
            "section": self.section,
            "section_shift": self.section_shift,
            "prompt": self.prompt,
            "group": self.group,
            "source": self.source,
            "line": self.line,
            "text": self.text,
            **{d: list(self.tags.get(d, [])) for d in DIMENSIONS},
        }


def statement_rows(
    sessions: list[tuple[Session, list[Statement]]], redact: bool = True
) -> list[StatementRow]:
    """A row per statement of each session, in session and statement order; with
    ``redact`` every field from the notes is masked (``synth.redact``)."""
    if redact:
        shown = mask_ids(session.id for session, _ in sessions)
        sessions = [
            (mask_session(session, shown[session.id]), [mask_statement(st) for st in statements])
            for session, statements in sessions
        ]
    rows: list[StatementRow] = []
    for session, statements in sessions:
        for st in statements:
            rows.append(
                StatementRow(
                    session=session.id,
                    date=session.date,
                    kind=session.kind,
                    position=st.position,
                    section=st.section,
                    section_shift=st.section_shift,
                    prompt=st.prompt,
                    group=st.group,
                    source=st.source,
                    line=st.line_start,
                    text=st.text,
                    tags={d: list(st.tags.labels(d)) for d in DIMENSIONS},
                )
            )
    return rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return TAG_SEPARATOR.join(str(v) for v in value)
    text = str(value)
    # A leading apostrophe makes a spreadsheet show the text instead of evaluating it.
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: list[StatementRow]) -> str:
    """CSV text for Excel: BOM, ';' between fields, CRLF line ends, a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        data = row.as_dict()
        writer.writerow([_cell(data[c]) for c in COLUMNS])
    return CSV_BOM + buffer.getvalue()


def to_jsonl(rows: list[StatementRow]) -> str:
    """One JSON object per line, UTF-8 text as is; tags as lists of label ids."""
    return "".join(json.dumps(r.as_dict(), ensure_ascii=False) + "\n" for r in rows)

"""Coded statements: the files a coder writes or corrects, read into ``CodedStatement``.

Read alike by ``synth eval`` (gold), ``synth learn`` (corrections) and training (the
shipped corpus):

- JSON lines: one object per line with ``text`` and a list of label ids per dimension
  coded (the eval format; ``synth tag`` and ``synth export --format jsonl`` output);
- a JSON object with ``statements`` (``synth show --format json``), each statement as above;
- CSV with a header row holding ``text`` and the dimensions' columns, label ids separated
  by commas (``synth export --format csv``, edited in a spreadsheet; ';' or ',' between
  fields).

A dimension left out of a line (or a column left out of the CSV) is not coded there; an
empty list or cell says "none of this dimension".
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from synth.errors import SynthError
from synth.models import DIMENSIONS, CodedStatement
from synth.taxonomy import Taxonomy

_LABEL_SPLIT = re.compile(r"[,;|]")


def read_coded(path: Path) -> list[CodedStatement]:
    """The coded statements of a JSON lines, JSON or CSV file; ``SynthError`` naming the
    file (and line) and the fix when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise SynthError(f"{path}: no such file; give a file of coded statements") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SynthError(f"{path}: cannot read ({exc}); save it as UTF-8") from exc
    if path.suffix.lower() == ".csv":
        found = _read_csv(path, text)
    elif _is_json_document(path, text):
        found = _read_json(path, text)
    else:
        found = _read_jsonl(path, text)
    if not found:
        raise SynthError(f'{path}: no statements; each line is a JSON object with "text"')
    return found


def _statement(path: Path, where: str, obj: Any, fallback_id: str) -> CodedStatement:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise SynthError(f'{path}:{where}: each statement needs a "text" string')
    labels: dict[str, set[str]] = {}
    for dim in DIMENSIONS:
        value = obj.get(dim)
        if value is None:
            continue
        if isinstance(value, str):
            value = _split_labels(value)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SynthError(f"{path}:{where}: '{dim}' must be a list of label ids")
        labels[dim] = set(value)
    ident = obj.get("id", obj.get("ref", fallback_id))
    family = obj.get("family")
    kind = family.get("source_kind", "") if isinstance(family, dict) else ""
    return CodedStatement(str(ident), obj["text"], labels, str(kind))


def _split_labels(cell: str) -> list[str]:
    return [part.strip() for part in _LABEL_SPLIT.split(cell) if part.strip()]


def _read_jsonl(path: Path, text: str) -> list[CodedStatement]:
    out: list[CodedStatement] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SynthError(f"{path}:{n}: not valid JSON ({exc.msg}); fix the line") from exc
        out.append(_statement(path, str(n), obj, str(n)))
    return out


def _is_json_document(path: Path, text: str) -> bool:
    """A .json file, or text whose first line is not a whole JSON object (pretty-printed)."""
    if path.suffix.lower() == ".json":
        return True
    stripped = text.lstrip()
    try:
        json.loads(stripped.split("\n", 1)[0])
    except json.JSONDecodeError:
        return stripped.startswith("{")
    return False


def _read_json(path: Path, text: str) -> list[CodedStatement]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SynthError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); fix the file") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("statements"), list):
        raise SynthError(
            f'{path}: a JSON file needs a "statements" list (synth show --format json);'
            " or give JSON lines"
        )
    return [
        _statement(path, f"statement {n}", st, str(n))
        for n, st in enumerate(obj["statements"], start=1)
    ]


def _read_csv(path: Path, text: str) -> list[CodedStatement]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    fields = reader.fieldnames or []
    if "text" not in fields or not any(d in fields for d in DIMENSIONS):
        raise SynthError(
            f"{path}: a CSV needs a header with 'text' and the columns "
            f"{', '.join(DIMENSIONS)} (as synth export --format csv writes)"
        )
    out: list[CodedStatement] = []
    for n, row in enumerate(reader, start=2):
        if not (row.get("text") or "").strip():
            continue
        # A leading apostrophe is how the export keeps a spreadsheet from evaluating text.
        cells: dict[str, Any] = {"text": _unquote(row["text"] or "")}
        for dim in DIMENSIONS:
            if dim in fields:
                cells[dim] = row.get(dim) or ""
        if row.get("session") and row.get("position"):
            cells["id"] = f"{row['session']}#{row['position']}"
        out.append(_statement(path, str(n), cells, str(n)))
    return out


def _unquote(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


def check_labels(path: Path, statements: list[CodedStatement], taxonomy: Taxonomy) -> None:
    """Raise ``SynthError`` for the first label id the taxonomy does not have."""
    for st in statements:
        for dim, labels in st.labels.items():
            known = taxonomy.ids(dim)
            for label in sorted(labels):
                if label not in known:
                    raise SynthError(
                        f"{path}: statement {st.id}: unknown {dim} label '{label}'; "
                        f"use one of {', '.join(known)}"
                    )

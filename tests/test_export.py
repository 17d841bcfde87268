"""synth export: sessions as a .qdpx project, a CSV for Excel or JSON lines."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES
from synth.models import Session, Statement, TagSet
from synth.output.tabular import statement_rows, to_csv
from synth.store import Corpus

GROUP = "lgl-2024-03-14-gruppdialog"
USERS = "brukardialog-2024-05-20"


@pytest.fixture
def corpus(run: Any, corpus_path: Path) -> Path:
    result = run("ingest", EXAMPLES, "--corpus", corpus_path)
    assert result.exit_code == 0, result.output
    return corpus_path


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    text = raw.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_has_a_row_per_statement_with_tags_and_swedish_letters(
    run: Any, corpus: Path, tmp_path: Path
) -> None:
    target = tmp_path / "statements.csv"
    result = run("export", GROUP, USERS, "--corpus", corpus, "-o", target)
    assert result.exit_code == 0, result.output
    rows = read_csv(target)
    with Corpus(corpus) as db:
        expected = db.statements(GROUP) + db.statements(USERS)
    assert len(rows) == len(expected)
    assert [r["text"] for r in rows] == [s.text for s in expected]
    assert {r["session"] for r in rows} == {GROUP, USERS}
    sip = next(r for r in rows if r["text"] == "Gör SIP känd i alla verksamheter")
    assert sip["date"] == "2024-03-14"
    assert sip["section_shift"] == "samordning"
    assert sip["prompt"] == "Vad behövs för att göra denna förflyttning?"
    assert "samordning" in sip["concepts"].split(", ")
    assert int(sip["line"]) > 0
    assert any("å" in r["text"] or "ä" in r["text"] or "ö" in r["text"] for r in rows)
    assert b"\r\n" in target.read_bytes()


def test_jsonl_gives_tags_as_lists_per_dimension(run: Any, corpus: Path) -> None:
    result = run("export", USERS, "--corpus", corpus, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    with Corpus(corpus) as db:
        statements = db.statements(USERS)
    assert [r["position"] for r in rows] == [s.position for s in statements]
    for row, st in zip(rows, statements, strict=True):
        assert row["shifts"] == st.tags.shifts
        assert row["concepts"] == st.tags.concepts
        assert row["factors"] == st.tags.factors
        assert row["kind"] == "user-dialogue"


def test_all_exports_every_session_as_a_qdpx(run: Any, corpus: Path, tmp_path: Path) -> None:
    target = tmp_path / "nara-vard.qdpx"
    result = run("export", "--all", "--corpus", corpus, "-o", target)
    assert result.exit_code == 0, result.output
    assert "3 session(s), 76 statements" in result.output
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert "project.qde" in names
    assert len([n for n in names if n.startswith("sources/")]) == 3


def test_exports_mask_personal_data_unless_asked_not_to(
    run: Any, corpus_path: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "protokoll-2024-09-01.txt"
    notes.write_text(
        "Protokoll 1 september 2024\n\n- Kontaktperson nås på 0480-123 45 eller "
        "lena.ek@exempel.se för frågor om samverkan.\n",
        encoding="utf-8",
    )
    assert run("ingest", notes, "--corpus", corpus_path).exit_code == 0
    masked = run("export", "--all", "--corpus", corpus_path, "--format", "jsonl").stdout
    assert "lena.ek" not in masked and "0480" not in masked
    assert "[e-post]" in masked and "[telefon]" in masked
    kept = run(
        "export", "--all", "--corpus", corpus_path, "--format", "jsonl", "--no-redact"
    ).stdout
    assert "lena.ek@exempel.se" in kept


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--all", "--format", "qdpx"], "give -o FILE.qdpx"),
        (["--all", "--format", "xlsx"], "'xlsx' is not one of 'qdpx', 'csv', 'jsonl'"),
        (["--all"], "give --format"),
        (["--format", "csv"], "or give --all"),
        (["okänd-session", "--format", "csv"], "unknown session 'okänd-session'"),
    ],
)
def test_export_mistakes_are_one_line_errors_with_exit_2(
    run: Any, corpus: Path, args: list[str], message: str
) -> None:
    result = run("export", *args, "--corpus", corpus)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_csv_cells_that_look_like_formulas_are_kept_as_text() -> None:
    session = Session(id="s", title="T", date=None, kind="other", sources=["a.txt"])
    statement = Statement(
        text="=SUMMA(A1:A3) är inget att räkna med",
        source="a.txt",
        line_start=1,
        line_end=1,
        char_start=0,
        char_end=36,
        kind="bullet",
        position=1,
        tags=TagSet(concepts=["trygghet", "kontinuitet"]),
    )
    text = to_csv(statement_rows([(session, [statement])]))
    (row,) = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";")
    assert row["text"] == "'=SUMMA(A1:A3) är inget att räkna med"
    assert row["concepts"] == "trygghet, kontinuitet"

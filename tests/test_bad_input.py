"""Bad notes get one clear line naming the file and the fix, the right exit code, and the
good files of a batch are still stored."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import as_unprivileged
from notes_files import write_docx, write_pdf
from synth.store import Corpus

GOOD = "# Möte i Exempelby\n\n- Fler hälsosamtal på vårdcentralen\n- Mer samverkan\n"


def error_lines(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def empty(folder: Path) -> Path:
    path = folder / "tom.txt"
    path.write_bytes(b"")
    return path


def blank(folder: Path) -> Path:
    path = folder / "blank.md"
    path.write_text("  \n\n\t\n", encoding="utf-8")
    return path


def binary(folder: Path) -> Path:
    path = folder / "anteckningar.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return path


def unsupported(folder: Path) -> Path:
    path = folder / "bild.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    return path


def old_word(folder: Path) -> Path:
    path = folder / "protokoll.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    return path


def pdf_named_txt(folder: Path) -> Path:
    path = folder / "summering.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    return path


def garbage(folder: Path) -> Path:
    path = folder / "konstig.txt"
    rng = random.Random(7)
    path.write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(4000)))
    return path


def corrupt_docx(folder: Path) -> Path:
    good = write_docx(folder / "hel.docx").read_bytes()
    path = folder / "trasig.docx"
    path.write_bytes(good[: len(good) // 3])
    (folder / "hel.docx").unlink()
    return path


def corrupt_pdf(folder: Path) -> Path:
    good = write_pdf(folder / "hel.pdf", [["- Fler hälsosamtal."]] * 2).read_bytes()
    path = folder / "trasig.pdf"
    path.write_bytes(good[: len(good) // 2])
    (folder / "hel.pdf").unlink()
    return path


def scanned_pdf(folder: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a picture of a page, no text
    path = folder / "skannad.pdf"
    pdf.output(str(path))
    return path


def missing(folder: Path) -> Path:
    return folder / "finns-inte.txt"


def folder_without_notes(folder: Path) -> Path:
    path = folder / "bilder"
    path.mkdir()
    (path / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    return path


BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing path": (missing, "no such file"),
    "folder without notes": (folder_without_notes, "no supported files"),
    "empty file": (empty, "empty"),
    "whitespace only": (blank, "no text"),
    "binary file": (binary, "not a text file"),
    "unsupported type": (unsupported, "unsupported file type"),
    "old word format": (old_word, "save it as .docx"),
    "pdf named .txt": (pdf_named_txt, "name it .pdf"),
    "garbage": (garbage, "save it as UTF-8"),
    "corrupt docx": (corrupt_docx, "cannot read this Word document"),
    "corrupt pdf": (corrupt_pdf, "cannot read this PDF"),
    "pdf without text": (scanned_pdf, "no text layer"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_each_bad_input_gets_one_line_naming_the_file_and_exit_1(
    case: str, run: Any, tmp_path: Path
) -> None:
    make, words = BAD_INPUTS[case]
    bad = make(tmp_path)
    result = run("ingest", bad, "--corpus", tmp_path / "c.db")
    assert result.exit_code == 1
    [line] = error_lines(result)
    assert str(bad) in line and words in line
    assert "Traceback" not in result.output


def test_a_file_over_the_size_limit_is_refused_with_the_option_to_raise_it(
    run: Any, tmp_path: Path
) -> None:
    big = tmp_path / "stor.txt"
    big.write_text(GOOD * 200, encoding="utf-8")  # about 16 kB
    result = run("ingest", big, "--corpus", tmp_path / "c.db", "--max-size", "0.01")
    assert result.exit_code == 1
    [line] = error_lines(result)
    assert str(big) in line and "over the limit of 0.01 MB" in line and "--max-size" in line
    assert run("ingest", big, "--corpus", tmp_path / "c.db", "--max-size", "0.1").exit_code == 0


def test_a_batch_stores_the_good_files_and_reports_the_bad_ones_at_the_end(
    run: Any, tmp_path: Path
) -> None:
    (tmp_path / "a-bra.md").write_text(GOOD, encoding="utf-8")
    empty(tmp_path)
    garbage(tmp_path)
    (tmp_path / "z-bra.txt").write_text(GOOD.replace("Mer", "Bättre"), encoding="utf-8")
    corpus = tmp_path / "c.db"
    result = run("ingest", tmp_path, "--corpus", corpus)
    assert result.exit_code == 1
    assert len(error_lines(result)) == 2
    assert "2 input(s) failed; 2 session(s) stored." in result.stderr
    assert result.stderr.rstrip().endswith("2 session(s) stored.")
    with Corpus(corpus) as db:
        assert sorted(s.sources[0] for s in db.sessions()) == ["a-bra.md", "z-bra.txt"]


def test_usage_errors_exit_2(run: Any, tmp_path: Path) -> None:
    notes = tmp_path / "a.md"
    notes.write_text(GOOD, encoding="utf-8")
    result = run("ingest", notes, "--corpus", tmp_path / "c.db", "--date", "14 mars")
    assert result.exit_code == 2
    assert error_lines(result) == ["error: date '14 mars' is not YYYY-MM-DD"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--max-size", "nan", "error: --max-size nan: give the largest file size in MB"),
        ("--max-size", "inf", "error: --max-size inf: give the largest file size in MB"),
        ("--max-size", "-1", "error: --max-size -1.0: give the largest file size in MB"),
        ("--date", "2024W01", "error: date '2024W01' is not YYYY-MM-DD"),
        ("--date", "20240101", "error: date '20240101' is not YYYY-MM-DD"),
    ],
)
def test_sizes_and_dates_that_are_not_numbers_or_days_are_refused(
    run: Any, tmp_path: Path, option: str, value: str, message: str
) -> None:
    notes = tmp_path / "a.md"
    notes.write_text(GOOD, encoding="utf-8")
    result = run("ingest", notes, "--corpus", tmp_path / "c.db", option, value)
    assert result.exit_code == 2
    (line,) = error_lines(result)
    assert line.startswith(message)
    assert not (tmp_path / "c.db").exists() or not Corpus(tmp_path / "c.db").sessions()


def test_debug_shows_the_traceback_of_a_user_error(run: Any, tmp_path: Path) -> None:
    notes = tmp_path / "a.md"
    notes.write_text(GOOD, encoding="utf-8")
    args = ["ingest", str(notes), "--corpus", str(tmp_path / "c.db"), "--session", "../../x"]
    quiet = run(*args)
    assert quiet.exit_code == 2 and "Traceback" not in quiet.output
    loud = subprocess.run(
        [sys.executable, "-m", "synth", *args, "--debug"], capture_output=True, text=True
    )
    assert loud.returncode != 0 and "Traceback" in loud.stderr and "StoreError" in loud.stderr


def test_progress_bar_stays_out_of_output_that_is_not_a_terminal(run: Any, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    result = run("ingest", tmp_path / "a.md", "--corpus", tmp_path / "c.db")
    assert result.exit_code == 0
    assert "reading" not in result.output and "\r" not in result.output


def test_debug_shows_why_a_file_of_a_batch_failed(run: Any, tmp_path: Path) -> None:
    bad = corrupt_docx(tmp_path)
    result = run("ingest", bad, "--corpus", tmp_path / "c.db", "--debug")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "PackageNotFoundError" in result.stderr
    assert len(error_lines(result)) == 1


def test_notes_in_a_format_to_export_are_reported_from_a_folder_and_lock_files_skipped(
    run: Any, tmp_path: Path
) -> None:
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    old_word(tmp_path)
    (tmp_path / "~$workshop.docx").write_bytes(b"\x05lock")
    (tmp_path / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    corpus = tmp_path / "c.db"
    result = run("ingest", tmp_path, "--corpus", corpus)
    assert result.exit_code == 1
    [line] = error_lines(result)
    assert "protokoll.doc" in line and "save it as .docx" in line
    with Corpus(corpus) as db:
        assert [s.sources for s in db.sessions()] == [["a.md"]]


# --- files that once stopped a whole batch ---------------------------------------------


def bom_then_bad_byte(folder: Path) -> Path:
    path = folder / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf- Fler h\xc3\xa4lsosamtal\n- \xff trasig rad\n")
    return path


def odd_utf16(folder: Path) -> Path:
    path = folder / "utf16.txt"
    path.write_bytes(b"\xff\xfe" + "- Fler hälsosamtal\n".encode("utf-16-le") + b"\x00")
    return path


@pytest.mark.parametrize("make", [bom_then_bad_byte, odd_utf16])
def test_a_file_that_breaks_its_encoding_fails_alone(
    run: Any, tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = make(folder)
    (folder / "bra.txt").write_text(GOOD, encoding="utf-8")
    corpus = tmp_path / "c.db"
    result = run("ingest", folder, "--corpus", corpus)
    assert result.exit_code == 1, result.output
    (line,) = error_lines(result)
    assert str(bad) in line and "save it again as UTF-8" in line
    assert "Traceback" not in result.stderr
    with Corpus(corpus) as db:
        assert [s.sources for s in db.sessions()] == [["bra.txt"]]


def test_a_paragraph_longer_than_spacy_takes_is_stored_in_pieces(run: Any, tmp_path: Path) -> None:
    sentence = "Vi behöver fler hälsosamtal och mer samverkan med kommunen. "
    huge = tmp_path / "lang.txt"
    huge.write_text(sentence * (1_100_000 // len(sentence)) + "\n", encoding="utf-8")
    (tmp_path / "bra.txt").write_text(GOOD, encoding="utf-8")
    corpus = tmp_path / "c.db"
    result = run("ingest", huge, tmp_path / "bra.txt", "--corpus", corpus, "--max-size", "5")
    assert result.exit_code == 0, result.output
    with Corpus(corpus) as db:
        sessions = {s.sources[0]: s for s in db.sessions()}
        assert set(sessions) == {"lang.txt", "bra.txt"}
        statements = db.statements(sessions["lang.txt"].id)
    assert len(statements) == 1_100_000 // len(sentence)
    assert all(s.text == sentence.strip() for s in statements)


def test_unreadable_files_and_folders_fail_alone(run: Any, tagger: Any) -> None:
    # A folder others can reach (pytest's own temporary folders are private to root).
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o777)
        folder = base / "in"
        (folder / "låst").mkdir(parents=True)
        (folder / "bra.txt").write_text(GOOD, encoding="utf-8")
        locked = folder / "last.txt"
        locked.write_text(GOOD + "- Hemligt\n", encoding="utf-8")
        word = folder / "last.docx"
        write_docx(word)
        for path in (locked, word, folder / "låst"):
            path.chmod(0)
        corpus = base / "c.db"
        base.joinpath("out").mkdir()
        base.joinpath("out").chmod(0o777)

        def ingest(*args: Path | str) -> tuple[int, str, list[list[str]]]:
            from typer.testing import CliRunner

            from synth.cli import app

            target = base / "out" / f"{len(args)}.db"
            result = CliRunner().invoke(app, ["ingest", *map(str, args), "--corpus", str(target)])
            with Corpus(target) as db:
                return result.exit_code, result.stderr, [s.sources for s in db.sessions()]

        # Given by name, in a folder, below a folder: each fails alone.
        for args, expected in [
            ((locked, folder / "bra.txt"), [str(locked)]),
            ((folder,), [str(locked), str(word)]),
            ((folder, "-r"), [str(folder / "låst"), str(locked), str(word)]),
        ]:
            outcome = as_unprivileged(lambda a=args: ingest(*a))
            assert len(outcome) == 3, outcome
            code, stderr, stored = outcome
            assert code == 1, stderr
            lines = [line for line in stderr.splitlines() if line.startswith("error:")]
            assert sorted(line.split(": ")[1] for line in lines) == sorted(expected)
            assert all("permissions" in line for line in lines)
            assert stored == [["bra.txt"]]
        assert not corpus.exists()
    finally:
        for path in base.rglob("*"):
            path.chmod(0o700)
        shutil.rmtree(base)


def zip_bomb(path: Path, member: str, inner: bytes) -> Path:
    """A zip whose one XML member unpacks to far more than the file's size."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, inner)
    return path


@pytest.mark.parametrize(
    ("name", "member"), [("bomb.docx", "word/document.xml"), ("bomb.odt", "content.xml")]
)
def test_a_document_that_unpacks_far_beyond_the_limit_is_refused_unopened(
    run: Any, tmp_path: Path, name: str, member: str
) -> None:
    inner = b"<w:document>" + b"<w:p/>" * (3 * 1024 * 1024) + b"</w:document>"
    bomb = zip_bomb(tmp_path / name, member, inner)
    assert bomb.stat().st_size < 200_000
    result = run("ingest", bomb, "--corpus", tmp_path / "c.db", "--max-size", "10")
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert "unpacks to 18 MB, over the limit of 10 MB" in line and "--max-size" in line

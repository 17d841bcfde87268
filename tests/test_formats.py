"""Notes in every format and encoding they arrive in: Word, PDF, OpenDocument, old Windows text."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest

from notes_files import ITEMS, PARAGRAPH, PROMPT, SHIFT, write_docx, write_odt, write_pdf
from synth.errors import InputError
from synth.pipeline.reading import join_hyphenated, read_notes, remove_page_furniture
from synth.pipeline.statements import parse_source
from synth.pipeline.tagging import Tagger
from synth.store import Corpus

SWEDISH = "Äldre på särskilt boende får ökad trygghet.\nÖppna mötesplatser i Åby.\n"


@pytest.mark.parametrize("write", [write_docx, write_odt], ids=["docx", "odt"])
def test_word_and_opendocument_structure_reaches_the_statements(
    write: Any, tmp_path: Path, tagger: Tagger
) -> None:
    path = write(tmp_path / f"workshop.{write.__name__.split('_')[1]}")
    parsed = parse_source(read_notes(path), path.name, tagger)
    assert parsed.title == "Workshop i Exempelby 12 mars 2025"
    texts = [s.text for s in parsed.statements]
    assert texts == [
        *ITEMS,
        PARAGRAPH,
        "Aktivitet | Ansvar",
        "Öppen mottagning för unga | Region och kommun",
    ]
    first = parsed.statements[0]
    assert first.kind == "bullet"
    assert first.section == SHIFT and first.section_shift == "proaktiv"
    assert first.prompt == PROMPT
    assert parsed.statements[2].kind == "paragraph"


def test_pdf_footers_and_headers_repeated_on_every_page_are_removed(tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "summering.pdf",
        [[SHIFT, PROMPT, "- " + ITEMS[0] + "."], ["- " + ITEMS[1] + ".", PARAGRAPH]],
    )
    text = read_notes(pdf)
    assert "arbetsmaterial" not in text
    assert "Sida" not in text
    for line in (SHIFT, PROMPT, PARAGRAPH, *ITEMS):
        assert line in text


def test_a_footer_block_on_every_pdf_page_stays_out_of_the_statements(
    tmp_path: Path, tagger: Tagger
) -> None:
    footer = [
        "Ledning i samverkan i Exempellän",
        "Inom socialtjänst och hälso- och sjukvård",
        "Norrby kommun | Söderby kommun | Region Exempel",
        "Österby kommun | Västerby kommun",
    ]
    pages = [
        [SHIFT, PROMPT, "- " + ITEMS[0] + "."],
        ["- " + ITEMS[1] + ".", PARAGRAPH],
        ["- Samverkan med skolan."],
    ]
    pdf = write_pdf(tmp_path / "fot.pdf", pages, footer=footer)
    parsed = parse_source(read_notes(pdf), pdf.name, tagger)
    assert [s.text for s in parsed.statements] == [
        ITEMS[0] + ".",
        ITEMS[1] + ".",
        PARAGRAPH,
        "Samverkan med skolan.",
    ]


def test_a_password_protected_pdf_is_reported_and_an_owner_password_alone_is_no_obstacle(
    tmp_path: Path,
) -> None:
    from fpdf import FPDF

    for name, user_password in (("las.pdf", "hemligt"), ("skydd.pdf", None)):
        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.cell(0, 6, PARAGRAPH)
        pdf.set_encryption(owner_password="ägare", user_password=user_password)
        pdf.output(str(tmp_path / name))
    with pytest.raises(InputError, match=r"las\.pdf: the PDF is password-protected"):
        read_notes(tmp_path / "las.pdf")
    assert read_notes(tmp_path / "skydd.pdf") == PARAGRAPH + "\n"


def test_pdf_words_split_over_two_lines_are_joined(tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "delat.pdf",
        [["Vi behöver en gemensam förflytt-", "ning av resurser inom hälso-", "och sjukvården."]],
    )
    text = read_notes(pdf)
    assert "gemensam förflyttning av resurser inom hälso- och sjukvården." in text


def test_pdf_ingested_through_the_cli_keeps_a_a_o(run: Any, tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "möte.pdf", [[SHIFT, PROMPT, "- " + ITEMS[0] + "."], ["- " + ITEMS[1] + "."]]
    )
    corpus = tmp_path / "c.db"
    result = run("ingest", pdf, "--corpus", corpus)
    assert result.exit_code == 0, result.output
    with Corpus(corpus) as db:
        [session] = db.sessions()
        assert [s.text for s in db.statements(session.id)] == [ITEMS[0] + ".", ITEMS[1] + "."]


def test_a_footer_line_that_only_numbers_its_page_is_removed() -> None:
    pages = [
        ["Kalmar 2025", f"Första raden på sida {n * 7}", f"Slut {n * 11}", f"Sida {n} av 3"]
        for n in (1, 2, 3)
    ]
    kept = remove_page_furniture(pages)
    assert kept == [[f"Första raden på sida {n * 7}", f"Slut {n * 11}"] for n in (1, 2, 3)]


def test_repeated_questions_at_page_tops_are_kept_as_prompts() -> None:
    pages = [[PROMPT, f"- svar {n}", "Sidfot"] for n in range(3)]
    assert [p[0] for p in remove_page_furniture(pages)] == [PROMPT] * 3


def test_a_hyphen_before_och_is_a_shared_word_part_and_stays() -> None:
    assert join_hyphenated("hälso-\noch sjukvård, förebygg-\nande") == (
        "hälso- och sjukvård, förebyggande"
    )
    assert join_hyphenated("SIP-\nmöte") == "SIP-\nmöte"  # not a lowercase word split


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252", "latin-1"],
)
def test_encodings_are_detected_and_a_a_o_survive(encoding: str, tmp_path: Path) -> None:
    path = tmp_path / "anteckningar.txt"
    if encoding == "utf-16-be-bom":
        path.write_bytes(codecs.BOM_UTF16_BE + SWEDISH.encode("utf-16-be"))
    else:
        path.write_bytes(SWEDISH.encode(encoding))
    assert read_notes(path) == SWEDISH


def test_cp1252_quotes_and_dashes_are_decoded(tmp_path: Path) -> None:
    text = "Brukaren sa: “Jag vill bli sedd” – inte bara hörd.\n"
    path = tmp_path / "citat.txt"
    path.write_bytes(text.encode("cp1252"))
    assert read_notes(path) == text


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_windows_and_old_mac_line_ends_become_lf(newline: str, tmp_path: Path) -> None:
    path = tmp_path / "rader.txt"
    path.write_bytes(SWEDISH.replace("\n", newline).encode("utf-8"))
    assert read_notes(path) == SWEDISH


def test_non_breaking_spaces_and_soft_hyphens_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "mellanrum.txt"
    path.write_text("Vård\u00a0och omsorg i sam\u00adverkan\n", encoding="utf-8")
    assert read_notes(path) == "Vård och omsorg i samverkan\n"


def test_a_folder_ingests_every_supported_file_and_recursive_reaches_subfolders(
    run: Any, tmp_path: Path
) -> None:
    notes = tmp_path / "anteckningar"
    (notes / "grupp").mkdir(parents=True)
    write_docx(notes / "a.docx")
    (notes / "b.md").write_text("# Möte\n\n- Fler hälsosamtal\n", encoding="utf-8")
    (notes / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write_pdf(notes / "grupp" / "c.pdf", [["- " + ITEMS[1] + "."]])
    corpus = tmp_path / "c.db"
    flat = run("ingest", notes, "--corpus", corpus)
    assert flat.exit_code == 0, flat.output
    with Corpus(corpus) as db:
        assert sorted(s.sources[0] for s in db.sessions()) == ["a.docx", "b.md"]
    deep = run("ingest", notes, "--recursive", "--corpus", corpus)
    assert deep.exit_code == 0, deep.output
    with Corpus(corpus) as db:
        assert sorted(s.sources[0] for s in db.sessions()) == ["a.docx", "b.md", "c.pdf"]

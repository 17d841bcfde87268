"""Page footers with page numbers, learnt within a file, across files and across commands.

The notes are written for these tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from synth.pipeline.statements import parse_source
from synth.pipeline.tagging import Tagger
from synth.store import Corpus

FOOTER = "Dialogträff om vården – Norra distriktet\n\nSida {n}\n"


def page(n: int, *lines: str) -> str:
    return "\n".join(lines) + "\n\n" + FOOTER.format(n=n) + "\n"


def texts(text: str, tagger: Tagger) -> list[str]:
    return [s.text for s in parse_source(text, "n.txt", tagger).statements]


def test_a_footer_with_its_page_number_is_dropped_on_every_page(tagger: Tagger) -> None:
    text = "Träff\n\n" + page(1, "- Fler samtal") + page(2, "- Färre köer") + page(3, "- Mer tid")
    assert texts(text, tagger) == ["Fler samtal", "Färre köer", "Mer tid"]


@pytest.mark.parametrize("number", ["Sida {n} av 3", "{n} (12)", "- {n} -"])
def test_a_page_number_on_a_line_of_its_own_is_dropped(tagger: Tagger, number: str) -> None:
    text = "Träff\n\n" + "".join(
        f"Punkt nummer {n} om vården.\n\n{number.format(n=n)}\n\n" for n in (1, 2, 3)
    )
    assert texts(text, tagger) == [f"Punkt nummer {n} om vården." for n in (1, 2, 3)]


def test_numbers_in_content_lines_are_kept(tagger: Tagger) -> None:
    text = "Träff\n\nGrupp 1\n- Vi vill 2030\n\nGrupp 2\n- Vi vill 2031\n"
    assert texts(text, tagger) == ["Vi vill 2030", "Vi vill 2031"]


def notes_with_footer_twice(folder: Path) -> Path:
    path = folder / "a-traff.txt"
    path.write_text(
        "Träff A\n\n" + page(1, "- Fler samtal") + page(2, "- Färre köer"), encoding="utf-8"
    )
    return path


def notes_with_footer_once(folder: Path) -> Path:
    path = folder / "b-traff.txt"
    path.write_text("Träff B\n\n" + page(7, "- Mer tid för de äldre"), encoding="utf-8")
    return path


def stored_texts(corpus_path: Path) -> dict[str, list[str]]:
    with Corpus(corpus_path) as db:
        return {s.id: [st.text for st in db.statements(s.id)] for s in db.sessions()}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_footer_learnt_from_one_file_is_dropped_from_the_next_in_the_same_command(
    run: Callable[..., object], tmp_path: Path, jobs: str
) -> None:
    a, b = notes_with_footer_twice(tmp_path), notes_with_footer_once(tmp_path)
    together, apart = tmp_path / "together.db", tmp_path / "apart.db"
    result = run("ingest", a, b, "--corpus", together, "--jobs", jobs)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    run("ingest", a, "--corpus", apart)
    run("ingest", b, "--corpus", apart)
    assert stored_texts(together)["b-traff"] == ["Mer tid för de äldre"]
    assert stored_texts(together) == stored_texts(apart)

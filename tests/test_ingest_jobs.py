"""Ingest at scale: several processes (--jobs) store what one stores; files are streamed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import EXAMPLES
from synth.ingest import ingest
from synth.pipeline.tagging import Tagger
from synth.store import Corpus


def stored(corpus: Path) -> dict[str, list[tuple[str, int, list[str], list[str]]]]:
    """Per session: text, first line, concepts and shifts of every statement."""
    with Corpus(corpus) as db:
        return {
            s.id: [
                (st.text, st.line_start, st.tags.concepts, st.tags.shifts)
                for st in db.statements(s.id)
            ]
            for s in db.sessions()
        }


def test_two_processes_store_the_same_sessions_as_one(run: Any, tmp_path: Path) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    assert run("ingest", EXAMPLES, "--corpus", one).exit_code == 0
    result = run("ingest", EXAMPLES, "--corpus", two, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert stored(two) == stored(one)
    assert len(stored(two)) == 3


def test_failing_file_is_reported_and_the_others_stored_with_two_processes(
    tagger: Tagger, tmp_path: Path
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    for source in sorted(EXAMPLES.iterdir()):
        (notes / source.name).write_bytes(source.read_bytes())
    (notes / "trasig.txt").write_bytes(b"\x00\x01\x02\x03 inte text")
    with Corpus(tmp_path / "c.db") as db:
        report = ingest([notes], db, tagger, jobs=2)
    assert len(report.results) == 3
    assert len(report.failures) == 1 and "trasig.txt" in report.failures[0]


def test_sessions_are_stored_in_file_order_with_two_processes(
    tagger: Tagger, tmp_path: Path
) -> None:
    with Corpus(tmp_path / "c.db") as db:
        report = ingest([EXAMPLES], db, tagger, jobs=2)
    assert [r.session_id for r in report.results] == [
        "brukardialog-2024-05-20",
        "lgl-2024-03-14-gruppdialog",
        "lgl-2024-10-10-uppfoljning",
    ]


def test_jobs_below_one_is_a_usage_error(run: Any, corpus_path: Path) -> None:
    result = run("ingest", EXAMPLES, "--corpus", corpus_path, "--jobs", "0")
    assert result.exit_code == 2
    assert not corpus_path.exists()


def test_each_session_is_stored_before_the_next_file_is_read(
    tagger: Tagger, tmp_path: Path
) -> None:
    stored_when_read: list[int] = []
    with Corpus(tmp_path / "c.db") as db:

        def step(name: str) -> None:
            stored_when_read.append(len(db.sessions()))

        ingest([EXAMPLES], db, tagger, progress=step)
    # Memory holds one file at a time: a large batch never waits in memory to be stored.
    assert stored_when_read == [0, 1, 2]


def test_with_two_processes_a_stored_file_is_not_kept_in_memory(
    tagger: Tagger, tmp_path: Path
) -> None:
    """Memory stays flat in the number of files: once a file parsed by a worker is handed
    on, nothing of the pool holds its statements any more."""
    import gc
    import weakref

    from synth.ingest import _parse_files
    from synth.pipeline.reading import DEFAULT_MAX_BYTES

    text = (EXAMPLES / "lgl-2024-03-14-gruppdialog.txt").read_text(encoding="utf-8")
    files = []
    for n in range(8):
        path = tmp_path / f"notes-{n}.txt"
        path.write_text(text.replace("2024-03-14", f"2024-03-{n + 10}"), encoding="utf-8")
        files.append(path)
    handed_on: list[weakref.ref[object]] = []
    for call in _parse_files(files, tagger, set(), DEFAULT_MAX_BYTES, jobs=2):
        source = call()
        assert source.records is not None or source.statements
        handed_on.append(weakref.ref(source))
        del source
        gc.collect()
        # Every file but the one just handed on is gone.
        assert [r() is None for r in handed_on[:-1]] == [True] * (len(handed_on) - 1)
    assert len(handed_on) == len(files)

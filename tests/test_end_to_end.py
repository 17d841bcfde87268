"""From notes files to a stored corpus and a handout, through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, SEED_000, need
from synth.ingest import find_day_month
from synth.store import Corpus


def ingest_examples(run: Any, corpus: Path) -> None:
    result = run("ingest", EXAMPLES, "--corpus", corpus)
    assert result.exit_code == 0, result.output


def test_seed_group_dialogue_is_ingested_with_structure(run: Any, corpus_path: Path) -> None:
    seed = need(SEED_000)
    result = run("ingest", seed, "--corpus", corpus_path, "--session", "lgl-2022-01-28")
    assert result.exit_code == 0, result.output
    with Corpus(corpus_path) as db:
        statements = db.statements("lgl-2022-01-28")
    assert len(statements) >= 85
    assert not any("Borgholms kommun |" in s.text for s in statements)
    assert not any("Vimmerby kommun" in s.text for s in statements)
    under_shifts = [s for s in statements if s.section_shift]
    assert {s.section_shift for s in under_shifts} == {
        "person-relation",
        "samordning",
        "proaktiv",
        "medskapare",
    }
    assert all(s.prompt for s in under_shifts)
    user_view = [s for s in statements if s.section == "Brukarperspektiv"]
    assert len(user_view) == 5 and all(s.section_shift is None for s in user_view)
    sip = [s for s in statements if s.text == "Fler och bättre SIP"]
    assert sip and sip[0].section_shift == "samordning"
    assert "samordning" in sip[0].tags.concepts


def test_example_notes_become_three_sessions(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    with Corpus(corpus_path) as db:
        sessions = {s.id: s for s in db.sessions()}
        group = db.statements("lgl-2024-03-14-gruppdialog")
    assert set(sessions) == {
        "lgl-2024-03-14-gruppdialog",
        "brukardialog-2024-05-20",
        "lgl-2024-10-10-uppfoljning",
    }
    assert sessions["brukardialog-2024-05-20"].kind == "user-dialogue"
    assert sessions["lgl-2024-03-14-gruppdialog"].kind == "group-dialogue"
    assert sessions["lgl-2024-03-14-gruppdialog"].date == "2024-03-14"
    assert not any("Norrby kommun" in s.text for s in group)
    assert {s.section_shift for s in group} >= {
        "person-relation",
        "samordning",
        "proaktiv",
        "medskapare",
    }


def test_ingesting_the_same_notes_twice_stores_one_session(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    result = run("ingest", EXAMPLES, "--corpus", corpus_path)
    assert result.exit_code == 0
    assert "already stored" in result.output
    with Corpus(corpus_path) as db:
        assert len(db.sessions()) == 3


def test_sessions_lists_what_was_stored(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    result = run("sessions", "--corpus", corpus_path, "--format", "json")
    listed = json.loads(result.output)
    assert [s["id"] for s in listed] == [
        "lgl-2024-03-14-gruppdialog",
        "brukardialog-2024-05-20",
        "lgl-2024-10-10-uppfoljning",
    ]


def test_show_json_gives_tags_with_evidence(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    result = run("show", "lgl-2024-03-14-gruppdialog", "--corpus", corpus_path, "--format", "json")
    data = json.loads(result.output)
    sip = next(s for s in data["statements"] if s["text"] == "Gör SIP känd i alla verksamheter")
    assert "samordning" in sip["concepts"]
    assert any(e["text"] == "SIP" and e["term"] == "SIP" for e in sip["evidence"])
    assert sip["section_shift"] == "samordning"
    assert sip["prompt"] == "Vad behövs för att göra denna förflyttning?"


def test_summarize_prints_a_handout_with_the_four_shifts(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    result = run(
        "summarize", "lgl-2024-03-14-gruppdialog", "--corpus", corpus_path, "--template", "full"
    )
    assert result.exit_code == 0
    text = result.output
    for heading in (
        "## Person och relation",
        "## Samordning",
        "## Proaktiv och hälsofrämjande",
        "## Aktiv medskapare",
    ):
        assert heading in text
    assert "### Vad behövs för att göra denna förflyttning?" in text
    assert "Gör SIP känd i alla verksamheter" in text


def test_full_handout_lists_every_statement(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    args = ("summarize", "brukardialog-2024-05-20", "--corpus", corpus_path, "--template", "full")
    text = run(*args).output
    with Corpus(corpus_path) as db:
        statements = db.statements("brukardialog-2024-05-20")
    for st in statements:
        assert st.text in text


def test_unknown_session_is_one_line_and_exit_2(run: Any, corpus_path: Path) -> None:
    ingest_examples(run, corpus_path)
    result = run("show", "nope", "--corpus", corpus_path)
    assert result.exit_code == 2
    assert "unknown session 'nope'" in result.output
    assert "Traceback" not in result.output


def test_help_does_not_import_spacy() -> None:
    code = (
        "import sys\n"
        "from synth.cli import app\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0\n"
        "print('spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_installed_command_runs_from_another_directory(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "synth"
    out = subprocess.run(
        [str(exe), "taxonomy", "check"], capture_output=True, text=True, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert "ok" in out.stderr


def test_a_date_without_a_year_is_pointed_out_with_the_option_that_sets_it(
    run: Any, corpus_path: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "lgl-morgon.txt"
    notes.write_text("LGL 28 januari, kl. 9-12\n\n- Fler och bättre SIP\n", encoding="utf-8")
    result = run("ingest", notes, "--corpus", corpus_path)
    assert result.exit_code == 0, result.output
    assert "no date" in result.stdout
    assert result.stderr.strip() == (
        'note: lgl-morgon: "28 januari" has no year; to date the session,'
        " ingest it again with --replace --session lgl-morgon --date YYYY-01-28"
    )
    result = run("ingest", notes, "--corpus", corpus_path, "--replace", "--date", "2022-01-28")
    assert "2022-01-28" in result.stdout and result.stderr == ""


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("LGL 28 januari, kl. 9-12", ("--01-28", "28 januari")),
        ("Möte 1 Maj", ("--05-01", "1 Maj")),
        ("Möte 28 januari 2022", None),  # has its year: find_date takes it
        ("Möte 31 februari", None),
        ("Version 2-3 mars", None),
        ("Inget datum här", None),
    ],
)
def test_a_day_and_month_without_a_year_are_found(text: str, found: Any) -> None:
    assert find_day_month(text) == found

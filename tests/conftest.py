"""Shared fixtures: the user's seeds (when present), example notes, a tagger, a CLI runner."""

from __future__ import annotations

import ast
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from synth.cli import command_line
from synth.pipeline.tagging import Tagger
from synth.taxonomy import Taxonomy, load

# Property tests draw the same examples on every run and keep no database between runs: a
# failure never depends on luck or on an earlier run (tests may tighten this further).
settings.register_profile("synth", derandomize=True, database=None)
settings.load_profile("synth")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EVAL = SHARED / "eval"
EXAMPLES = ROOT / "corpus" / "examples"
TAXONOMY = ROOT / "taxonomy.yaml"
SEED_000 = SEEDS / "000_af36ff376191ba0a.txt"


def need(path: Path) -> Path:
    """Skip the test when the user's shared data is not on this machine."""
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


def integrity(corpus: Path) -> str:
    """SQLite's own check of a corpus file ('ok' when whole)."""
    db = sqlite3.connect(corpus)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def search_total(run: Callable[..., Any], corpus: Path, query: str) -> int:
    """How many statements ``synth search`` finds for ``query``."""
    result = run("search", query, "--corpus", corpus, "--format", "json")
    assert result.exit_code == 0, result.output
    return int(json.loads(result.output)["total"])


def as_unprivileged(action: Callable[[], object]) -> object:
    """Run ``action`` as a user file permissions apply to: in a child process as nobody
    when the tests run as root (whom no permission stops). Modules ``action`` needs must
    be imported before; its result comes back through its repr."""
    if os.geteuid() != 0:
        return action()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, run, report
        os.close(read)
        try:
            os.setgid(65534)
            os.setuid(65534)
            value = repr(action())
        except BaseException as exc:  # reported to the parent
            value = repr(("failed", repr(exc)))
        os.write(write, value.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        text = fh.read()
    os.waitpid(pid, 0)
    return ast.literal_eval(text)


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load(TAXONOMY)


@pytest.fixture(scope="session")
def tagger(taxonomy: Taxonomy) -> Tagger:
    return Tagger(taxonomy)


@pytest.fixture
def corpus_path(tmp_path: Path) -> Path:
    return tmp_path / "corpus.db"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., object]:
    """Invoke the CLI in-process; returns the click Result."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("SYNTH_CORPUS", raising=False)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> object:
        argv = [str(a) for a in args]
        # As the synth command runs: only the command being run is built in full.
        return runner.invoke(command_line(argv), argv, input=input, catch_exceptions=False)

    return invoke

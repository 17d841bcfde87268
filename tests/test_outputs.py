"""Outputs are written whole or not at all, owner-only, and a target that cannot be
written gets one line and exit 2 with the existing file untouched."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES
from synth.output import files

GROUP = "lgl-2024-03-14-gruppdialog"
USERS = "brukardialog-2024-05-20"


@pytest.fixture
def corpus(run: Any, tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    assert run("ingest", EXAMPLES, "--corpus", path).exit_code == 0
    return path


def writing_commands(corpus: Path, target: Path) -> list[list[str | Path]]:
    c = ("--corpus", corpus)
    return [
        ["summarize", GROUP, *c, "-o", target],
        ["summarize", GROUP, *c, "--chart", target],
        ["diff", GROUP, USERS, *c, "-o", target],
        ["diff", GROUP, USERS, *c, "--format", "json", "-o", target],
        ["trends", *c, "-o", target],
        ["trends", *c, "--chart", target],
        ["export", GROUP, *c, "--format", "csv", "-o", target],
        ["export", GROUP, *c, "--format", "qdpx", "-o", target],
        ["taxonomy", "export", "-o", target],
    ]


def one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    return str(lines[0])


def test_an_output_that_is_a_folder_is_one_line_and_exit_2(
    run: Any, corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "out.png"
    folder.mkdir()
    for command in writing_commands(corpus, folder):
        line = one_error_line(run(*command))
        assert "folder" in line, command
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_an_output_to_a_full_device_says_the_disk_is_full(run: Any, corpus: Path) -> None:
    for command in writing_commands(corpus, Path("/dev/full")):
        if "--chart" in command:
            continue  # a chart must be named .png
        assert "disk is full" in one_error_line(run(*command)), command
    assert Path("/dev/full").exists() and not Path("/dev/full").is_file()


def test_a_full_disk_leaves_the_existing_file_as_it_was(
    run: Any, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    precious = tmp_path / "precious.csv"
    precious.write_text("the previous export\n", encoding="utf-8")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", no_space)
    for command in writing_commands(corpus, precious):
        if "--chart" in command:
            continue
        assert "disk is full" in one_error_line(run(*command)), command
        assert precious.read_text(encoding="utf-8") == "the previous export\n"
    # No temporary file is left beside it.
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("c.db")] == ["precious.csv"]


def test_outputs_holding_notes_are_readable_by_their_owner_only(
    run: Any, corpus: Path, tmp_path: Path
) -> None:
    for name, command in [
        ("e.csv", ["export", GROUP, "-o"]),
        ("e.jsonl", ["export", GROUP, "-o"]),
        ("e.qdpx", ["export", GROUP, "-o"]),
        ("h.md", ["summarize", GROUP, "-o"]),
        ("d.json", ["diff", GROUP, USERS, "--format", "json", "-o"]),
    ]:
        target = tmp_path / name
        result = run(*command, target, "--corpus", corpus)
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(target.stat().st_mode) == 0o600, name
    # Written again over a file others could read: owner-only too.
    target = tmp_path / "shared.csv"
    target.write_text("old\n")
    target.chmod(0o644)
    assert run("export", GROUP, "-o", target, "--corpus", corpus).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8-sig").startswith("session;")

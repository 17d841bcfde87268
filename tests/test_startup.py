"""Start-up: what every command pays before it does its work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth import taxonomy
from synth.cli import app, command_line

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[list[str]]:
    names = [[c.name] for c in app.registered_commands if c.name]
    groups = [[g.name] for g in app.registered_groups if g.name]
    subs = [
        [g.name, c.name]
        for g in app.registered_groups
        if g.name and g.typer_instance
        for c in g.typer_instance.registered_commands
        if c.name
    ]
    return names + groups + subs


@pytest.mark.parametrize(
    "args",
    [[], ["--help"], ["--version"], ["nosuch"], ["sesions"], ["sessions", "nosuch"]]
    + [[*c, "--help"] for c in _commands()],
    ids=lambda a: " ".join(a) or "(none)",
)
def test_help_and_usage_errors_read_as_with_every_command_built(args: list[str]) -> None:
    """synth builds only the command it runs; what --help and a mistyped command print
    is what the whole app prints."""
    runner = CliRunner()
    full = runner.invoke(app, args)
    lean = runner.invoke(command_line(args), args)
    assert (lean.exit_code, lean.output) == (full.exit_code, full.output)
    assert full.output.strip()


def test_the_command_being_run_is_the_only_one_built() -> None:
    lean = command_line(["summarize", "x"])
    built = [c.name for c in lean.registered_commands if c.callback is not None]
    assert "summarize" in built
    listed = [c for c in lean.registered_commands if c.name != "summarize"]
    assert listed and all(c.callback.__name__ == "_not_built" for c in listed)  # type: ignore[union-attr]


def _yaml_free_load(path: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\nfrom pathlib import Path\nfrom synth import taxonomy\n"
        f"t = taxonomy.load(Path({str(path)!r}))\n"
        "print(len(t.all_labels()), 'yaml' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )


def test_a_taxonomy_read_before_comes_from_the_cache_without_yaml(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_bytes((ROOT / "taxonomy.yaml").read_bytes())
    first = _yaml_free_load(path, tmp_path / "cache")
    second = _yaml_free_load(path, tmp_path / "cache")
    assert first.stdout.split() == ["19", "True"]
    assert second.stdout.split() == ["19", "False"]


def test_an_edited_taxonomy_is_read_afresh_and_a_broken_cache_is_passed_by(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "taxonomy.yaml"
    text = (ROOT / "taxonomy.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    before = taxonomy.load(path)
    stat = path.stat()
    # Same size and modification time, one label renamed: the cache must not answer.
    edited = text.replace("name: Trygghet", "name: Tryggare", 1)
    assert edited != text and len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = taxonomy.load(path)
    assert before.display_name("concepts", "trygghet") == "Trygghet"
    assert after.display_name("concepts", "trygghet") == "Tryggare"
    for cached in (tmp_path / "cache").rglob("*.pickle"):
        cached.write_bytes(b"not a pickle")
    assert taxonomy.load(path).display_name("concepts", "trygghet") == "Tryggare"
    # A broken file is still reported with every problem, cache or not.
    path.write_text(edited.replace("\ndimensions:", "\ndimensionz:", 1), encoding="utf-8")
    with pytest.raises(taxonomy.TaxonomyError):
        taxonomy.load(path)

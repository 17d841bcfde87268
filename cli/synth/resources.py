"""Finding the taxonomy and the templates: option, then working directory, then packaged copy."""

from __future__ import annotations

import os
from pathlib import Path

from synth.errors import ResourceError

_PACKAGE_DIR = Path(__file__).resolve().parent
# In a wheel the files are force-included under synth/_resources; in an editable
# install or a source checkout they stand at the top of the repository.
_CANDIDATE_ROOTS = (_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent.parent)


def _resolve(explicit: Path | None, env_var: str, name: str) -> Path:
    tried: list[Path] = []
    if explicit is not None:
        if explicit.exists():
            return explicit
        raise ResourceError(f"{explicit}: not found; give an existing path")
    env = os.environ.get(env_var)
    if env:
        p = Path(env)
        if p.exists():
            return p
        tried.append(p)
    candidates = [Path.cwd() / name] + [root / name for root in _CANDIDATE_ROOTS]
    for p in candidates:
        tried.append(p)
        if p.exists():
            return p
    raise ResourceError(f"{name} not found; tried: " + ", ".join(str(p) for p in tried))


def taxonomy_path(explicit: Path | None = None) -> Path:
    """The taxonomy file to use: ``explicit``, ``$SYNTH_TAXONOMY``, ./taxonomy.yaml, packaged."""
    return _resolve(explicit, "SYNTH_TAXONOMY", "taxonomy.yaml")


def templates_dir(explicit: Path | None = None) -> Path:
    """The templates folder: ``explicit``, ``$SYNTH_TEMPLATES``, ./templates, packaged."""
    return _resolve(explicit, "SYNTH_TEMPLATES", "templates")


def packaged_templates_dir() -> Path:
    """The templates shipped with synth (used as a fallback for includes)."""
    for root in _CANDIDATE_ROOTS:
        if (root / "templates").is_dir():
            return root / "templates"
    raise ResourceError("packaged templates not found")


def packaged(name: str) -> Path:
    """A file or folder shipped with synth (``training/model``, ``corpus/coded``, …): the
    packaged copy, or in a source checkout the one at the top of the repository."""
    tried: list[Path] = []
    for root in _CANDIDATE_ROOTS:
        p = root / name
        tried.append(p)
        if p.exists():
            return p
    raise ResourceError(f"{name} not found; tried: " + ", ".join(str(p) for p in tried))


def corpus_model_dir(corpus: Path) -> Path:
    """Where ``synth train`` keeps the model it trains for a corpus: beside the database."""
    return corpus.with_name(corpus.stem + ".model")


def model_dir(corpus: Path | None) -> Path:
    """The classifier to tag with: the corpus's own model (after ``synth train``), else
    the shipped one."""
    if corpus is not None and (corpus_model_dir(corpus) / "config.cfg").exists():
        return corpus_model_dir(corpus)
    return packaged("training/model")

"""Memory of a process tree: the summed proportional set size (PSS), sampled.

PSS counts each page shared between processes (a fork server and its workers) once in
all, split between them, so the sum over a tree is the memory the tree holds. Linux only
(``/proc/PID/smaps_rollup``); elsewhere the sampler reports nothing.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

PROC = Path("/proc")


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # The command name (field 2) is in parentheses and may hold spaces.
        fields = text[text.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return children


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    children = _children()
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


def pss_kb(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler:
    """Samples the summed PSS of a process and its descendants until it ends."""

    def __init__(self, process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
        self.process = process
        self.peak_kb = 0
        self.samples = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while self.process.poll() is None:
            total = sum(pss_kb(pid) for pid in tree(self.process.pid))
            self.peak_kb = max(self.peak_kb, total)
            self.samples += 1
            # Each sample reads /proc; a tenth of a second keeps that off the measurement.
            threading.Event().wait(0.1)

    def peak_mb(self) -> float | None:
        """Peak summed PSS in MB (None when nothing could be sampled)."""
        self._thread.join()
        return self.peak_kb / 1024 if self.peak_kb else None

"""Charts as PNG: the handout's bars and the trends heatmap (matplotlib, no display)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from synth.analysis.compare import Trends
from synth.analysis.handout import Handout, LabelRow
from synth.output.files import write_file


def _save(fig: Any, path: Path, dpi: int) -> None:
    """Render the figure as PNG and write it atomically (see ``synth.output.files``)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=dpi, format="png")
    write_file(path, buffer.getvalue())


def chart_png(handout: Handout) -> bytes:
    """The statements per shift and per concept as two bar charts, as PNG bytes, with
    titles in the handout's language."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    t = handout.t
    shift_rows: list[LabelRow] = handout.shift_rows
    concept_rows: list[LabelRow] = handout.concept_rows
    fig, (ax1, ax2) = plt.subplots(
        1, 2, figsize=(11, 0.4 * max(len(shift_rows), len(concept_rows), 4) + 1.5)
    )
    try:
        for ax, rows, title in (
            (ax1, shift_rows, t["chart_shifts"]),
            (ax2, concept_rows, t["chart_concepts"]),
        ):
            names = [r.name for r in rows][::-1]
            counts = [r.count for r in rows][::-1]
            ax.barh(names, counts, color="#2a6f97")
            ax.set_title(title)
            ax.set_xlabel(t["chart_count"])
        fig.suptitle(handout.title)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()
    finally:
        plt.close(fig)


def write_chart(handout: Handout, path: Path) -> None:
    """Draw the chart of ``chart_png`` into a PNG file, written atomically."""
    write_file(path, chart_png(handout))


def heatmap(result: Trends, path: Path, redacted: bool = True) -> Path:
    """Draw the matrix as a heatmap PNG (labels down, sessions across in date order);
    session ids masked unless ``redacted`` is False."""
    from synth.redact import mask_ids

    shown = mask_ids(s.id for s in result.sessions) if redacted else {}
    names = [f"{s.date or ''} {shown.get(s.id, s.id)}".strip() for s in result.sessions]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_sessions = max(1, len(result.sessions))
    width = min(40.0, 3.0 + 0.6 * n_sessions)
    height = 1.5 + 0.45 * max(1, len(result.rows))
    fig, ax = plt.subplots(figsize=(width, height))
    data = [[100.0 * s for s in row.shares] for row in result.rows] or [[0.0]]
    image = ax.imshow(data, aspect="auto", cmap="Blues", vmin=0.0)
    ax.set_yticks(range(len(result.rows)), [row.name for row in result.rows])
    # Label at most ~40 sessions so the axis stays legible on large corpora.
    step = max(1, n_sessions // 40)
    ticks = list(range(0, len(result.sessions), step))
    ax.set_xticks(
        ticks,
        [names[i] for i in ticks],
        rotation=60,
        ha="right",
        fontsize=8,
    )
    if n_sessions <= 12:
        top = max((s for row in result.rows for s in row.shares), default=0.0)
        for r, row in enumerate(result.rows):
            for c, share in enumerate(row.shares):
                color = "white" if top and share > 0.6 * top else "black"
                ax.text(
                    c, r, f"{100 * share:.0f}", ha="center", va="center", fontsize=8, color=color
                )
    fig.colorbar(image, ax=ax, label="% of statements")
    ax.set_title(f"{result.dimension}: share of statements per session")
    fig.tight_layout()
    try:
        _save(fig, path, dpi=120)
    finally:
        plt.close(fig)
    return path


# --- plain data for JSON and templates ------------------------------------------------

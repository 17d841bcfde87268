"""synth show: a session's statements with their tags and evidence."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoRedactOption,
    TableFormat,
    TaxonomyOption,
    app,
    handle_errors,
    load_taxonomy,
    open_corpus,
    print_json,
    print_wide,
    printable,
)
from synth.models import DIMENSIONS
from synth.redact import mask_session, mask_statement

# The dimension of a tag, shown before its name: the shift and the concept "Samordning"
# are two tags.
DIMENSION_WORDS = {"shifts": "shift", "concepts": "concept", "factors": "factor"}


@app.command("show")
@handle_errors
def show_cli(
    session: Annotated[str, typer.Argument(help="Session id (see 'synth sessions').")],
    corpus: CorpusOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = "table",
    label: Annotated[
        str | None,
        typer.Option("--label", help="Only statements with this label id, or DIMENSION:ID."),
    ] = None,
    no_redact: NoRedactOption = False,
    taxonomy: TaxonomyOption = None,
    debug: DebugOption = False,
) -> None:
    """Show the statements of a session with their tags and the evidence behind them."""
    tax = load_taxonomy(taxonomy)
    wanted = tax.label_filter(label) if label else None
    with open_corpus(corpus) as db:
        info = db.sessions_by_ids([session])[0]
        statements = db.statements(session)
    if not no_redact:
        # Mask personal data in what is shown; the stored text stays as it is.
        info = mask_session(info)
        statements = [mask_statement(s) for s in statements]
    if wanted:
        dim, lab = wanted
        dims = [dim] if dim else DIMENSIONS
        statements = [s for s in statements if any(lab in s.tags.labels(d) for d in dims)]
    if fmt == "json":
        payload = {
            "session": info.__dict__,
            "statements": [
                {
                    "ref": f"#{s.position}",
                    "text": s.text,
                    "source": s.source,
                    "lines": [s.line_start, s.line_end],
                    "section": s.section,
                    "section_shift": s.section_shift,
                    "prompt": s.prompt,
                    "group": s.group,
                    **{d: s.tags.labels(d) for d in DIMENSIONS},
                    "evidence": [e.as_dict() for e in s.tags.evidence],
                    "model": s.tags.model_scores(),
                }
                for s in statements
            ],
        }
        print_json(payload)
        return

    def name(dim: str, lab: str) -> str:
        return tax.display_name(dim, lab)

    # Titles, sections and source names come from the files: printed escaped.
    title = printable(f"{info.title} ({info.id}, {info.date or 'no date'})")
    table = Table(title=escape(title), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("statement", ratio=3)
    table.add_column("section", ratio=1)
    table.add_column("tags: dimension, label (evidence)", ratio=2)
    for s in statements:
        tags = []
        for dim in DIMENSIONS:
            for lab in s.tags.labels(dim):
                words = list(
                    dict.fromkeys(
                        e.text for e in s.tags.evidence if e.label == lab and e.dimension == dim
                    )
                )
                if s.tags.origin(dim, lab) == "model":
                    # The classifier's tag: its score and the words that weighed most.
                    why = f"model {s.tags.scores[(dim, lab)]:.2f}: {', '.join(words)}"
                else:
                    why = ", ".join(sorted(words))
                shown = escape(printable(why))
                tags.append(
                    f"{DIMENSION_WORDS[dim]}: [bold]{escape(name(dim, lab))}[/] [dim]({shown})[/]"
                )
        where = name("shifts", s.section_shift) if s.section_shift else (s.section or "")
        section = escape(printable(where))
        if s.group:
            group = escape(printable(s.group))
            section = f"{section}\n[italic]{group}[/]" if section else group
        table.add_row(str(s.position), Text(printable(s.text)), section, "\n".join(tags))
    print_wide(table)

"""synth show: a session's statements with their tags and evidence."""

from __future__ import annotations

from typing import Annotated

import typer

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
    from synth.analysis.show import session_statements, show_to_dict

    tax = load_taxonomy(taxonomy)
    wanted = tax.label_filter(label) if label else None
    with open_corpus(corpus) as db:
        info, statements = session_statements(db, session, label=wanted, redact=not no_redact)
    if fmt == "json":
        print_json(show_to_dict(info, statements))
        return

    def name(dim: str, lab: str) -> str:
        return tax.display_name(dim, lab)

    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

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

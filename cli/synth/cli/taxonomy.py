"""synth taxonomy: check and show a taxonomy file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from synth.cli._util import (
    CodebookFormat,
    DebugOption,
    app,
    err,
    fail,
    handle_errors,
    load_taxonomy,
    out,
    print_wide,
    write_output,
)
from synth.errors import EXIT_OK, EXIT_USAGE

taxonomy_app = typer.Typer(help="Check, show, export and import taxonomies.", no_args_is_help=True)
app.add_typer(taxonomy_app, name="taxonomy")


@taxonomy_app.command("check")
@handle_errors
def check_cli(
    file: Annotated[
        Path | None, typer.Argument(help="Taxonomy file (default: the one synth uses).")
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Validate a taxonomy; print every problem as file:line:column: message."""
    from synth import resources, taxonomy

    path = file if file is not None else resources.taxonomy_path(None)
    tax, problems = taxonomy.check_file(path)
    for problem in problems:
        out.print(problem, markup=False, highlight=False)
    if problems or tax is None:
        err.print(f"{len(problems)} problem(s) in {path}", markup=False)
        raise typer.Exit(EXIT_USAGE)
    counts = ", ".join(f"{len(tax.labels(d))} {d}" for d in tax.dimensions)
    err.print(f"{path}: ok ({counts})", markup=False)
    raise typer.Exit(EXIT_OK)


@taxonomy_app.command("show")
@handle_errors
def show_cli(
    file: Annotated[
        Path | None, typer.Argument(help="Taxonomy file (default: the one synth uses).")
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Print the taxonomy as a tree with the number of terms of each label."""
    from rich.tree import Tree

    tax = load_taxonomy(file)
    tree = Tree(f"[bold]{tax.path}[/]")
    for dim in tax.dimensions.values():
        branch = tree.add(f"[bold]{dim.name}[/] ({dim.id}, {len(dim.labels)} labels)")
        for label in dim.labels:
            extra = f", {len(label.headings)} heading terms" if label.headings else ""
            excl = f", {len(label.exclude)} exclusions" if label.exclude else ""
            branch.add(
                f"{label.id}: {label.display()} [dim]({len(label.terms)} terms{extra}{excl})[/]"
            )
    print_wide(tree)


@taxonomy_app.command("export")
@handle_errors
def export_cli(
    file: Annotated[
        Path | None, typer.Argument(help="Taxonomy file (default: the one synth uses).")
    ] = None,
    fmt: Annotated[
        CodebookFormat,
        typer.Option("--format", help="qdc: a REFI-QDA codebook; csv: a codebook for Taguette."),
    ] = "qdc",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Export the taxonomy as a codebook for NVivo, ATLAS.ti, MAXQDA, QualCoder (qdc) or
    Taguette (csv)."""
    from synth.output import refi

    tax = load_taxonomy(file)
    text = refi.codebook_csv(tax) if fmt == "csv" else refi.codebook_xml(tax).decode("utf-8")
    write_output(text, output)


@taxonomy_app.command("import")
@handle_errors
def import_cli(
    file: Annotated[Path, typer.Argument(help="A .qdc codebook or a .qdpx project.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the -o file.")] = False,
    debug: DebugOption = False,
) -> None:
    """Turn another program's codebook into a taxonomy skeleton whose terms you fill in."""
    from synth.output import refi

    if output is not None and output.exists() and not force:
        raise fail(f"{output} exists; give another -o or --force to overwrite it")
    codes = refi.read_codebook(file)
    text = refi.skeleton_yaml(codes, file.name)
    write_output(text, output)
    dims = refi.skeleton(codes)
    labels = sum(len(d.labels) for d in dims)
    check = f"'synth taxonomy check {output}'" if output else "'synth taxonomy check FILE'"
    err.print(
        f"{len(dims)} dimension(s), {labels} labels with empty vocabularies: add their terms, "
        f"then run {check}",
        markup=False,
    )

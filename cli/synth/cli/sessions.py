"""synth sessions: list the stored sessions; delete, rename or merge them."""

from __future__ import annotations

from typing import Annotated

import typer

from synth.cli._util import (
    CorpusOption,
    DebugOption,
    NoRedactOption,
    TableFormat,
    app,
    err,
    handle_errors,
    open_corpus,
    out,
    print_json,
    printable,
    statements,
)
from synth.errors import EXIT_PARTIAL

sessions_app = typer.Typer(
    help="List the sessions in the corpus (oldest first); delete, rename or merge them.",
    invoke_without_command=True,
)
app.add_typer(sessions_app, name="sessions")

YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


@sessions_app.callback()
@handle_errors
def sessions_cli(
    ctx: typer.Context,
    corpus: CorpusOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table or json.")] = "table",
    no_redact: NoRedactOption = False,
    debug: DebugOption = False,
) -> None:
    """List the sessions in the corpus, oldest first."""
    if ctx.invoked_subcommand is not None:
        return
    from synth.redact import mask_ids, mask_session

    with open_corpus(corpus) as db:
        sessions = db.sessions()
    if not no_redact:
        shown = mask_ids(s.id for s in sessions)
        sessions = [mask_session(s, shown[s.id]) for s in sessions]
    if fmt == "json":
        print_json([s.__dict__ for s in sessions])
        return
    if not sessions:
        out.print("no sessions yet; run 'synth ingest NOTES'", markup=False)
        return
    # Plain aligned lines: they stay readable in narrow terminals and in logs. Titles come
    # from file names, which may hold line breaks or terminal escapes: printed escaped.
    ids = [printable(s.id) for s in sessions]
    widest = max(len(i) for i in ids)
    out.print(f"{'session':<{widest}}  {'date':<10}  {'kind':<14}  {'n':>5}  title", markup=False)
    for sid, s in zip(ids, sessions, strict=True):
        date = s.date or "–"
        out.print(
            f"{sid:<{widest}}  {date:<10}  {s.kind:<14}  {s.statement_count:>5}  "
            f"{printable(s.title)}",
            markup=False,
            overflow="ignore",
            crop=False,
        )


def _confirm(question: str, yes: bool) -> None:
    """Ask before changing the corpus; a no (or no answer) ends the command with exit 1."""
    if yes:
        return
    if not typer.confirm(question, default=False, err=True):
        err.print("nothing changed", markup=False)
        raise typer.Exit(EXIT_PARTIAL)


@sessions_app.command("delete")
@handle_errors
def delete_cli(
    session: Annotated[str, typer.Argument(help="Session id (see 'synth sessions').")],
    corpus: CorpusOption = None,
    yes: YesOption = False,
    debug: DebugOption = False,
) -> None:
    """Delete a session with its statements and tags (its notes files are not touched)."""
    with open_corpus(corpus, write=True) as db:
        info = db.sessions_by_ids([session])[0]
        _confirm(f"delete session '{info.id}' ({statements(info.statement_count)})?", yes)
        db.delete_session(session)
    out.print(f"deleted  {session}", markup=False)


@sessions_app.command("rename")
@handle_errors
def rename_cli(
    session: Annotated[str, typer.Argument(help="Session id (see 'synth sessions').")],
    new_id: Annotated[str, typer.Argument(help="The new id.")],
    corpus: CorpusOption = None,
    yes: YesOption = False,
    debug: DebugOption = False,
) -> None:
    """Give a session another id."""
    from synth.store import valid_session_id

    valid_session_id(new_id)
    with open_corpus(corpus, write=True) as db:
        db.sessions_by_ids([session])
        _confirm(f"rename session '{session}' to '{new_id}'?", yes)
        db.rename_session(session, new_id)
    out.print(f"renamed  {session} → {new_id}", markup=False)


@sessions_app.command("merge")
@handle_errors
def merge_cli(
    target: Annotated[str, typer.Argument(help="The session that receives the others.")],
    others: Annotated[list[str], typer.Argument(help="Sessions appended to it, in order.")],
    corpus: CorpusOption = None,
    yes: YesOption = False,
    debug: DebugOption = False,
) -> None:
    """Append the sources and statements of other sessions to one session and delete them
    (e.g. the notes of one workshop ingested as several sessions)."""
    with open_corpus(corpus, write=True) as db:
        db.sessions_by_ids([target, *others])
        _confirm(f"merge {', '.join(repr(o) for o in others)} into '{target}'?", yes)
        count = db.merge_sessions(target, others)
    out.print(f"merged   {target}  {statements(count)}", markup=False)

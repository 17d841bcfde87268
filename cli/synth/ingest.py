"""Ingest: read notes files, parse their structure, tag every statement and store it."""

from __future__ import annotations

import collections
import functools
import itertools
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date as date_type
from pathlib import Path
from typing import IO, TYPE_CHECKING

from synth.errors import InputError, StoreError, SynthError
from synth.models import KINDS, Heading, Session
from synth.pipeline import parsing, reading
from synth.pipeline.classifier import Classifier
from synth.pipeline.statements import ParsedSource, parse_notes, parse_source
from synth.pipeline.tagging import Tagger
from synth.redact import redact
from synth.store import (
    Corpus,
    StatementRecord,
    digests_hash,
    slugify,
    statement_record,
    valid_session_id,
)

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

    from synth.taxonomy import Taxonomy

MONTHS = {m: i for i, m in enumerate(parsing.MONTHS, start=1)}
FULL_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATE_RE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
SV_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})", re.IGNORECASE)


@dataclass
class IngestResult:
    """What happened to one session."""

    session_id: str
    title: str
    date: str | None
    kind: str
    sources: list[str]
    statements: int
    tagged: int
    status: str  # "stored", "replaced", "unchanged"
    # With no date: a day and month found without a year ("28 januari" -> "--01-28")
    undated: str | None = None
    undated_text: str | None = None
    # "unchanged" because the notes are stored under another id than the one asked for
    not_stored_as: str | None = None


@dataclass
class IngestReport:
    results: list[IngestResult] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    errors: list[SynthError] = field(default_factory=list)  # behind failures, for --debug


def find_date(*texts: str) -> str | None:
    """The first ISO or Swedish long-form date ("28 januari 2022") in the given texts."""
    for text in texts:
        for m in ISO_DATE_RE.finditer(text):
            try:
                return date_type(int(m[1]), int(m[2]), int(m[3])).isoformat()
            except ValueError:
                continue
        for m in SV_DATE_RE.finditer(text):
            try:
                return date_type(int(m[3]), MONTHS[m[2].lower()], int(m[1])).isoformat()
            except ValueError:
                continue
    return None


DAY_MONTH_RE = re.compile(
    r"(?<![\d-])(\d{1,2})\s+(" + "|".join(MONTHS) + r")\b(?!\s+\d)", re.IGNORECASE
)


def find_day_month(*texts: str) -> tuple[str, str] | None:
    """A day and month written without a year ("28 januari"), as ("--01-28", the text)."""
    for text in texts:
        for m in DAY_MONTH_RE.finditer(text):
            month, day = MONTHS[m[2].lower()], int(m[1])
            try:
                date_type(2000, month, day)  # a leap year: 29 februari is a day
            except ValueError:
                continue
            return f"--{month:02d}-{day:02d}", m[0]
    return None


# Words naming a document written to be read (a målbild, a strategy, a plan) near its top.
DOCUMENT_WORDS = ("målbild", "strategi", "handlingsplan", "policy", "riktlinje", "vägledning")
# … unless the title says it was a meeting about one ("Workshop om målbilden").
MEETING_WORDS = ("workshop", "dialog", "möte", "träff", "seminari")


def guess_kind(name: str, text: str, headings: list[Heading]) -> str:
    """user-dialogue for brukardialog, protocol for protokoll, document for a målbild or
    strategy, group-dialogue when shift headings structure the notes, other otherwise."""
    head = (name + " " + text[:400]).casefold()
    if "brukardialog" in head or "brukarintervju" in head or "user dialogue" in head:
        return "user-dialogue"
    if "protokoll" in head or "minnesanteckning" in head:
        return "protocol"
    title = next((h.text for h in headings if h.role == "title"), name).casefold()
    if any(w in title for w in DOCUMENT_WORDS) and not any(w in title for w in MEETING_WORDS):
        return "document"
    if sum(1 for h in headings if h.role == "shift" and h.shift) >= 2:
        return "group-dialogue"
    return "other"


def expand_paths(paths: list[Path], recursive: bool = False) -> tuple[list[Path], list[str]]:
    """Files to ingest from files and directories; problems as one-line messages."""
    files: list[Path] = []
    problems: list[str] = []
    suffixes = set(reading.supported_suffixes())
    # Notes saved in a format synth cannot read (.doc, .pptx) are reported, not skipped.
    wanted = suffixes | set(reading.EXPORT_HINTS)
    for path in paths:
        if path.is_dir():
            # Folders that cannot be read are reported (glob would pass over them).
            unreadable = [
                d for d in _folders(path, recursive) if not os.access(d, os.R_OK | os.X_OK)
            ]
            problems.extend(
                f"{d}: cannot read the folder; check its permissions" for d in unreadable
            )
            if path in unreadable:
                continue
            pattern = "**/*" if recursive else "*"
            found = sorted(
                p for p in path.glob(pattern) if p.is_file() and p.suffix.lower() in wanted
            )
            # Hidden files and Word's lock files ("~$notes.docx") are not notes.
            found = [p for p in found if not p.name.startswith((".", "~$"))]
            if not found:
                problems.append(
                    f"{path}: no supported files ({', '.join(sorted(suffixes))})"
                    + ("" if recursive else "; use --recursive for subfolders")
                )
            files.extend(found)
        elif not path.exists():
            problems.append(f"{path}: no such file or directory; check the path")
        else:
            files.append(path)
    return files, problems


def _folders(path: Path, recursive: bool) -> list[Path]:
    """The folder and, with ``recursive``, every folder below it that can be listed."""
    if not recursive:
        return [path]
    found = [path]
    for root, dirs, _ in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(root) / d for d in dirs)
    return found


def check_options(session_id: str | None, kind: str | None, date: str | None) -> str | None:
    """Check the options of an ingest before anything is opened or written; returns the
    date in ISO form. Raises ``SynthError`` (a usage error) for a bad one."""
    if session_id is not None:
        valid_session_id(session_id)
    if kind is not None and kind not in KINDS:
        raise SynthError(f"unknown kind '{kind}'; use one of {', '.join(KINDS)}")
    if date is None:
        return None
    # Python also reads week dates (2024W01) and 20240101: only YYYY-MM-DD is a date.
    try:
        if not FULL_DATE_RE.fullmatch(date):
            raise ValueError(date)
        return date_type.fromisoformat(date).isoformat()
    except ValueError as exc:
        raise SynthError(f"date '{date}' is not YYYY-MM-DD") from exc


def ingest(
    paths: list[Path],
    corpus: Corpus,
    tagger: Tagger,
    *,
    session_id: str | None = None,
    title: str | None = None,
    date: str | None = None,
    kind: str | None = None,
    replace: bool = False,
    force_copy: bool = False,
    recursive: bool = False,
    max_bytes: int = reading.DEFAULT_MAX_BYTES,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> IngestReport:
    """Ingest notes files into the corpus.

    Each file becomes a session; with ``session_id`` all files form one session. Notes
    already stored (the same texts, whatever the session id) are not stored again unless
    ``replace`` (parse them again, into ``session_id`` if given) or ``force_copy`` (store
    another copy). A file that fails is reported in ``failures`` and the others are still
    stored. Each session is stored as soon as its file is parsed, so memory holds one file
    at a time. With ``jobs`` > 1, that many processes read, parse and tag the files (in
    file order), each with a tagger of its own built from ``tagger.taxonomy``.
    """
    date = check_options(session_id, kind, date)
    report = IngestReport()
    files, problems = expand_paths(paths, recursive)
    report.failures.extend(problems)
    # Page furniture learnt from each file is used for the files after it, as it is
    # between commands. One file at a time reads this set as it grows; parallel workers
    # got it as it was, so a file they parsed is parsed again here when more is known.
    known = {parsing.boilerplate_key(k) for k in corpus.known_boilerplate()}

    def parsed_sources() -> Iterator[ParsedSource]:
        results = _parse_files(files, tagger, known, max_bytes, jobs)
        for path, result in zip(files, results, strict=True):
            if progress:
                progress(str(path))
            try:
                source = result()
                if source.known_keys < len(known) and _misses_boilerplate(source, known):
                    source = read_and_parse(path, tagger, known, max_bytes, lazy=True)
            except InputError as exc:
                report.failures.append(str(exc))
                report.errors.append(exc)
                continue
            known.update(source.boilerplate_keys)
            yield source

    parsed = parsed_sources()
    groups: Iterable[list[ParsedSource]] = (
        [list(parsed)] if session_id is not None else ([p] for p in parsed)
    )
    for group in groups:
        if not group:
            continue
        try:
            report.results.append(
                _store_group(group, corpus, session_id, title, date, kind, replace, force_copy)
            )
        except SynthError as exc:
            report.failures.append(str(exc))
    return report


def _misses_boilerplate(source: ParsedSource, known: set[str]) -> bool:
    """True when lines of the source are page furniture by ``known`` but were kept."""
    removed, _ = parsing.find_boilerplate("".join(source.parts()).split("\n"), known)
    removed_before = {n - 1 for a, b in source.boilerplate for n in range(a, b + 1)}
    return not removed <= removed_before


# Notes larger than this are tagged while they are stored (see _spool), not all at once.
LAZY_CHARS = 2_000_000


def read_and_parse(
    path: Path,
    tagger: Tagger,
    known: AbstractSet[str],
    max_bytes: int = reading.DEFAULT_MAX_BYTES,
    lazy: bool = False,
) -> ParsedSource:
    """Read one notes file and parse it into tagged statements; raises ``InputError``.
    With ``lazy`` a large file's statements are left to be tagged as they are taken; a
    large plain-text file is then read a part at a time (``reading.TextInParts``)."""
    if lazy and reading.read_in_parts(path):
        notes = reading.open_plain(path, max_bytes=max_bytes)
        source = parse_notes(notes, path.name, tagger, known)
    else:
        text = reading.read_notes(path, max_bytes=max_bytes)
        source = parse_source(text, path.name, tagger, known, lazy=lazy and len(text) > LAZY_CHARS)
    # The resolved path identifies the session's source for --replace.
    source.path = str(path.resolve())
    source.known_keys = len(known)
    return source


def _parse_files(
    files: list[Path], tagger: Tagger, known: set[str], max_bytes: int, jobs: int
) -> Iterator[Callable[[], ParsedSource]]:
    """For each file in order, a call that returns its parsed source or raises its error."""
    if jobs <= 1 or len(files) < 2:
        for path in files:
            yield functools.partial(read_and_parse, path, tagger, known, max_bytes, lazy=True)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Not "fork": the parent may hold threads (progress display) and an open database,
    # which a forked child must not inherit. A fork server that has imported spaCy once
    # starts each worker in a fraction of the time a fresh interpreter takes.
    context: BaseContext = multiprocessing.get_context("spawn")
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(
            [
                "synth.pipeline.nlp",
                "synth.pipeline.tagging",
                "synth.pipeline.statements",
                "synth.ingest",
            ]
        )
        context = forkserver
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(tagger.taxonomy, tagger.classifier),
    ) as pool:
        # A few files ahead of the one being stored, so that parsed files waiting to be
        # stored never pile up in memory.
        ahead = 2 * jobs
        pending: collections.deque[Callable[[], ParsedSource]] = collections.deque()
        # Only the files not yet handed on: a finished future holds its file's statements.
        futures: set[Future[ParsedSource]] = set()

        def start(path: Path) -> Callable[[], ParsedSource]:
            if reading.read_in_parts(path):
                # Read a part at a time here when its turn comes: a worker would send
                # all of its statements back at once.
                return functools.partial(read_and_parse, path, tagger, known, max_bytes, lazy=True)
            future = pool.submit(_worker_parse, path, frozenset(known), max_bytes)
            futures.add(future)

            def result() -> ParsedSource:
                futures.discard(future)
                return future.result()

            return result

        queue = iter(files)
        try:
            pending.extend(start(path) for path in itertools.islice(queue, ahead))
            while pending:
                result = pending.popleft()
                pending.extend(start(path) for path in itertools.islice(queue, 1))
                yield result
        finally:
            for future in futures:
                future.cancel()


_WORKER_TAGGER: Tagger | None = None


def _start_worker(taxonomy: Taxonomy, classifier: Classifier | None) -> None:
    global _WORKER_TAGGER
    _WORKER_TAGGER = Tagger(taxonomy, classifier=classifier)


def _worker_parse(path: Path, known: AbstractSet[str], max_bytes: int) -> ParsedSource:
    """Parse a file in a worker; its statements travel as records (plain tuples)."""
    assert _WORKER_TAGGER is not None, "worker started without a tagger"
    source = read_and_parse(path, _WORKER_TAGGER, known, max_bytes)
    source.records = list(_records(source))
    source.statements = []
    return source


def _records(source: ParsedSource) -> Iterator[StatementRecord]:
    """The source's statements as the store keeps them."""
    if source.records is not None:
        yield from source.records
    elif source.pending is not None:
        for st in source.pending:
            yield statement_record(st)
    else:
        for st in source.statements:
            yield statement_record(st)


def _spool(records: Iterable[StatementRecord], batch: int = 2000) -> Iterator[StatementRecord]:
    """Take every record now, into an anonymous temporary file (owner-only, gone when
    closed or when the process ends), and give them back a batch at a time."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by _unspool
    it = iter(records)
    while chunk := list(itertools.islice(it, batch)):
        pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)
    return _unspool(spool)


def _unspool(spool: IO[bytes]) -> Iterator[StatementRecord]:
    with spool:
        spool.seek(0)
        while True:
            try:
                chunk: list[StatementRecord] = pickle.load(spool)
            except EOFError:
                return
            yield from chunk


def _store_group(
    group: list[ParsedSource],
    corpus: Corpus,
    session_id: str | None,
    title: str | None,
    date: str | None,
    kind: str | None,
    replace: bool,
    force_copy: bool,
) -> IngestResult:
    for attempt in range(3):
        try:
            return _store_group_once(
                group, corpus, session_id, title, date, kind, replace, force_copy
            )
        except StoreError:
            # An ingest running at the same time may have taken the id (or stored the same
            # content) between the check and the write; check again and pick another id.
            if session_id is not None or replace or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store_group_once(
    group: list[ParsedSource],
    corpus: Corpus,
    session_id: str | None,
    title: str | None,
    date: str | None,
    kind: str | None,
    replace: bool,
    force_copy: bool,
) -> IngestResult:
    first = group[0]
    the_hash = digests_hash(p.sha256 for p in group)
    existing = corpus.session_by_hash(the_hash)
    if existing is not None and not replace and not force_copy:
        stored = corpus.session(existing)
        return IngestResult(
            existing,
            stored.title,
            stored.date,
            stored.kind,
            stored.sources,
            stored.statement_count,
            0,
            "unchanged",
            not_stored_as=session_id if session_id not in (None, existing) else None,
        )
    for p in group:
        if p.pending is not None:
            # Tagged now, outside the write lock, into a temporary file; memory holds a
            # batch at a time and other ingests are not kept waiting while it is tagged.
            # A file read in parts knows its title, date and headings after this.
            p.records, p.pending = _spool(_records(p)), None
    the_title = title or first.title or Path(first.name).stem
    the_date = date or find_date(first.date_text or "", first.name, the_title, first.head)
    the_kind = kind or guess_kind(first.name, first.head, first.headings)
    # A session is known by the file it came from (and by its content), never by its
    # file name alone: notes.txt in two folders are two sessions.
    from_source = corpus.session_by_source(first.path) if replace and len(group) == 1 else None
    if session_id is not None:
        sid = session_id
    elif from_source is not None:
        sid = from_source
    elif replace and existing is not None:
        sid = existing
    else:
        # Never an id made of personal data: a personnummer in the file name is masked.
        base = slugify(redact(Path(first.name).stem)) or "session"
        sid = corpus.unique_session_id(base)
    is_replacement = replace and corpus.session_exists(sid)
    session = Session(sid, the_title, the_date, the_kind, [p.name for p in group])
    tagged = 0

    def records() -> Iterator[tuple[int, StatementRecord]]:
        nonlocal tagged
        for i, p in enumerate(group):
            for record in _records(p):
                tagged += bool(record[1])
                yield i, record

    n = corpus.write_session(
        session,
        the_hash,
        [(p.name, p.path, p.sha256, p.parts()) for p in group],
        records(),
        boilerplate=set().union(*(p.boilerplate_keys for p in group)),
        replace=replace,
        unique_content=not (replace or force_copy),
    )
    day_month = None if the_date else find_day_month(first.date_text or "", the_title, first.head)
    return IngestResult(
        sid,
        the_title,
        the_date,
        the_kind,
        session.sources,
        n,
        tagged,
        "replaced" if is_replacement else "stored",
        undated=day_month[0] if day_month else None,
        undated_text=day_month[1] if day_month else None,
    )

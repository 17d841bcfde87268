"""REFI-QDA exchange: codebooks (``.qdc``) and projects (``.qdpx``).

NVivo, ATLAS.ti, MAXQDA and QualCoder all read and write the REFI-QDA standard, so a
human can refine synth's coding in the program they already use:

- ``codebook_xml`` writes the taxonomy as a codebook: one non-codable parent code per
  dimension and a codable child per label. GUIDs are uuid5 of the dimension and label
  id, so every export of the same taxonomy gives the same codes.
- ``project_bytes`` writes sessions as a project zip: ``project.qde`` plus the plain
  text of each source under ``sources/``; each statement is a ``PlainTextSelection``
  (Unicode code points, end exclusive) with one ``Coding`` per tag.
- ``read_codebook`` and ``read_project`` read such files back, ours or another tool's;
  ``skeleton_yaml`` turns a codebook into a taxonomy skeleton to fill in.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from synth import __version__
from synth.errors import ExchangeError
from synth.models import DIMENSIONS, KINDS, Session, Statement
from synth.redact import mask_ids, mask_session, mask_statement, masked_with_offsets
from synth.redact import redact as mask
from synth.store import slugify
from synth.taxonomy import Taxonomy

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = f"synth {__version__}"

# Fixed namespace of every GUID synth derives: changing it would break code identity
# between exports.
GUID_NAMESPACE = uuid.UUID("6f1d4a52-3c0e-5b8e-9a57-2d3f8e1c7b40")
USER_NAME = "synth"

# One colour per dimension, so a program's code tree shows the three dimensions apart.
DIMENSION_COLOURS = {"shifts": "#1F77B4", "concepts": "#E8860C", "factors": "#2CA02C"}
DIMENSION_NAMES = {
    "shifts": "Fokusförflyttningar",
    "concepts": "Återkommande begrepp",
    "factors": "Framgångsfaktorer",
}
# Names by which a foreign codebook's top-level code is taken as one of synth's dimensions.
_DIMENSION_ALIASES = {
    "shifts": {"shifts", "fokusförflyttningar", "förflyttningar"},
    "concepts": {"concepts", "recurring concepts", "återkommande begrepp", "begrepp"},
    "factors": {"factors", "success factors", "framgångsfaktorer"},
}

# Dimensions a foreign codebook's top-level groups take, in this order: concepts is the
# most general one.
_FREE_ORDER = ("concepts", "factors", "shifts")
_MAX_ID = 48
_MAX_MEMBER_BYTES = 200 * 1024 * 1024
_MAX_DEPTH = 100
_MAX_PROJECT_BYTES = 2 * _MAX_MEMBER_BYTES
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- GUIDs -----------------------------------------------------------------------------


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, ":".join(parts)))


def dimension_guid(dimension: str) -> str:
    """The GUID of a dimension's parent code; the same in every export."""
    return _guid("dimension", dimension)


def code_guid(dimension: str, label_id: str) -> str:
    """The GUID of a label's code, derived from its dimension and id."""
    return _guid("label", dimension, label_id)


def user_guid() -> str:
    """The GUID of the synth user that made every coding."""
    return _guid("user", USER_NAME)


def normal_guid(guid: str) -> str:
    """GUIDs compare case-insensitively and may carry braces."""
    return guid.strip().strip("{}").lower()


# --- writing ---------------------------------------------------------------------------


def _el(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    # Tags stay unqualified; the root carries the default namespace (see _serialise).
    return ET.SubElement(parent, tag, attrs)


def _text_el(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = _el(parent, tag)
    element.text = text
    return element


def _serialise(root: ET.Element, ns: str) -> bytes:
    # ElementTree's default_namespace option rejects unqualified attributes, so the
    # namespace is declared by hand on the root.
    root.set("xmlns", ns)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


# Added to a label's name when another dimension has a label of the same name.
DIMENSION_SINGULAR = {"shifts": "förflyttning", "concepts": "begrepp", "factors": "framgångsfaktor"}


def code_names(
    taxonomy: Taxonomy, extra: dict[str, list[str]] | None = None
) -> dict[tuple[str, str], str]:
    """A code name per (dimension, label id), unique across the whole codebook.

    QualCoder keeps one code per name: a second code of the same name is merged into the
    first without its GUID, and every coding that points at it is lost. So the first
    dimension to use a name keeps it and later ones add theirs: the concept "Samordning"
    is "Samordning (begrepp)" beside the shift "Samordning". ``extra`` holds label ids per
    dimension that stored tags use but the taxonomy lacks; their code is named by the id.
    """
    taken = {_dimension_name(taxonomy, d).casefold() for d in DIMENSIONS}
    names: dict[tuple[str, str], str] = {}
    for dim in DIMENSIONS:
        wanted = [(label.id, label.display()) for label in taxonomy.labels(dim)]
        wanted += [(i, i) for i in (extra or {}).get(dim, []) if taxonomy.label(dim, i) is None]
        for label_id, name in wanted:
            for candidate in (
                name,
                f"{name} ({DIMENSION_SINGULAR[dim]})",
                f"{name} ({DIMENSION_SINGULAR[dim]}, {label_id})",
            ):
                if candidate.casefold() not in taken:
                    break
            taken.add(candidate.casefold())
            names[(dim, label_id)] = candidate
    return names


def _dimension_name(taxonomy: Taxonomy, dim: str) -> str:
    info = taxonomy.dimensions.get(dim)
    return info.name if info and info.name != dim else DIMENSION_NAMES[dim]


def _codes(
    parent: ET.Element,
    taxonomy: Taxonomy,
    extra: dict[str, list[str]] | None = None,
) -> None:
    """A ``Codes`` element: a parent per dimension, a codable child per label, every code
    named uniquely (``code_names``).

    ``extra`` holds label ids per dimension that stored tags use but the taxonomy no
    longer has; they get a code named after the id so no coding points nowhere.
    """
    codes = _el(parent, "Codes")
    names = code_names(taxonomy, extra)
    for dim in DIMENSIONS:
        labels = taxonomy.labels(dim)
        missing = [i for i in (extra or {}).get(dim, []) if taxonomy.label(dim, i) is None]
        if not labels and not missing:
            continue
        info = taxonomy.dimensions.get(dim)
        colour = DIMENSION_COLOURS[dim]
        top = _el(
            codes,
            "Code",
            guid=dimension_guid(dim),
            name=_dimension_name(taxonomy, dim),
            isCodable="false",
            color=colour,
        )
        if info and info.description:
            _text_el(top, "Description", info.description)
        for label in labels:
            code = _el(
                top,
                "Code",
                guid=code_guid(dim, label.id),
                name=names[(dim, label.id)],
                isCodable="true",
                color=colour,
            )
            description = label.description
            if label.name != label.display():
                description = f"{label.name}. {description}".strip()
            if description:
                _text_el(code, "Description", description)
        for label_id in missing:
            _el(
                top,
                "Code",
                guid=code_guid(dim, label_id),
                name=names[(dim, label_id)],
                isCodable="true",
                color=colour,
            )


def codebook_xml(taxonomy: Taxonomy) -> bytes:
    """The taxonomy as a REFI-QDA codebook (the content of a ``.qdc`` file)."""
    root = ET.Element("CodeBook", {"origin": ORIGIN})
    _codes(root, taxonomy)
    return _serialise(root, CODEBOOK_NS)


def codebook_csv(taxonomy: Taxonomy) -> str:
    """The taxonomy as a codebook Taguette imports (it reads codebooks only as CSV): a
    ``tag`` and a ``description`` column, comma-separated UTF-8, one row per label under
    its unique code name (``code_names``), the dimension at the start of the description."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["tag", "description"])
    names = code_names(taxonomy)
    for dim in DIMENSIONS:
        for label in taxonomy.labels(dim):
            about = f"{label.name}. {label.description}".strip()
            writer.writerow([names[(dim, label.id)], f"{_dimension_name(taxonomy, dim)}: {about}"])
    return buffer.getvalue()


@dataclass
class SessionExport:
    """What a project export needs of one session."""

    session: Session
    sources: list[tuple[str, str, str]]  # (name, path, text), as Corpus.sources gives
    statements: list[Statement]


@dataclass
class _Variable:
    name: str
    kind: str  # REFI typeOfVariable
    description: str

    @property
    def guid(self) -> str:
        return _guid("variable", self.name)


_VARIABLES = (
    _Variable("session", "Text", "synth session id"),
    _Variable("title", "Text", "Session title"),
    _Variable("date", "Date", "Session date"),
    _Variable("kind", "Text", "Kind of notes: " + ", ".join(KINDS)),
)


def _variable_values(parent: ET.Element, session: Session, variables: dict[str, _Variable]) -> None:
    values = {"session": session.id, "title": session.title, "kind": session.kind}
    if session.date and _DATE_RE.match(session.date):
        values["date"] = session.date
    for name, var in variables.items():
        if name not in values:
            continue
        vv = _el(parent, "VariableValue")
        _el(vv, "VariableRef", targetGUID=var.guid)
        _text_el(vv, "DateValue" if var.kind == "Date" else "TextValue", values[name])


def _datetime(value: str, fallback: str) -> str:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return fallback
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _labels_in_use(sessions: list[SessionExport]) -> dict[str, list[str]]:
    """Label ids per dimension that the sessions' statements are tagged with, in order."""
    used: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
    for item in sessions:
        for st in item.statements:
            for dim, label in st.tags.pairs():
                if label not in used[dim]:
                    used[dim].append(label)
    return used


@dataclass
class _Stamp:
    """Who made the project elements and when (REFI wants both on most of them)."""

    user: str
    created: str

    def attrs(self) -> dict[str, str]:
        return {"creatingUser": self.user, "creationDateTime": self.created}


def _selection(
    source: ET.Element,
    st: Statement,
    session_id: str,
    plain: str,
    mapping: dict[int, int],
    stamp: _Stamp,
) -> None:
    """A statement as a ``PlainTextSelection`` of its source, with a coding per tag."""
    start = min(mapping.get(st.char_start, st.char_start), len(plain))
    end = min(max(mapping.get(st.char_end, st.char_end), start), len(plain))
    selection = _el(
        source,
        "PlainTextSelection",
        guid=_guid("statement", session_id, str(st.position)),
        name=f"#{st.position}",
        startPosition=str(start),
        endPosition=str(end),
        **stamp.attrs(),
    )
    where = [p for p in (st.section, st.prompt, st.group) if p]
    if where:
        _text_el(selection, "Description", " / ".join(where))
    for dim, label_id in st.tags.pairs():
        coding = _el(
            selection,
            "Coding",
            guid=_guid("coding", session_id, str(st.position), dim, label_id),
            **stamp.attrs(),
        )
        _el(coding, "CodeRef", targetGUID=code_guid(dim, label_id))


def _session_sources(
    item: SessionExport,
    stamp: _Stamp,
    variables: dict[str, _Variable],
    redact: bool,
    files: dict[str, str],
) -> list[ET.Element]:
    """A ``TextSource`` per source of a session with its statements as selections; the
    texts (masked with ``redact``) are added to ``files`` under their path in the zip."""
    session = item.session
    elements: list[ET.Element] = []
    placed: set[int] = set()
    for index, (source_name, _path, text) in enumerate(item.sources):
        # Statements name their source; two sources of one name take them in turn.
        statements = [
            s for s in item.statements if s.source == source_name and s.position not in placed
        ]
        placed.update(s.position for s in statements)
        if redact:
            plain, mapping = masked_with_offsets(
                text, [o for s in statements for o in (s.char_start, s.char_end)]
            )
        else:
            plain, mapping = text, {}
        # Stored text is already LF-only without BOM (reading.normalise), which is
        # what tools need: they disagree on CRLF and a BOM would shift every offset.
        guid = _guid("source", session.id, str(index))
        files[f"sources/{guid}.txt"] = plain
        label = session.id if len(item.sources) == 1 else f"{session.id} ({source_name})"
        source = ET.Element(
            "TextSource",
            {"guid": guid, "name": label, "plainTextPath": f"internal://{guid}.txt"}
            | stamp.attrs(),
        )
        _text_el(source, "Description", session.title)
        for st in statements:
            _selection(source, st, session.id, plain, mapping, stamp)
        _variable_values(source, session, variables)
        elements.append(source)
    return elements


def _cases(
    root: ET.Element,
    sessions: list[SessionExport],
    source_guids: dict[str, list[str]],
    variables: dict[str, _Variable],
) -> None:
    """A ``Case`` per session with its variables and its sources."""
    cases = _el(root, "Cases")
    for item in sessions:
        case = _el(cases, "Case", guid=_guid("case", item.session.id))
        case.set("name", item.session.id)
        _text_el(case, "Description", item.session.title)
        _variable_values(case, item.session, variables)
        for guid in source_guids[item.session.id]:
            _el(case, "SourceRef", targetGUID=guid)


def _zip(root: ET.Element, files: dict[str, str], moment: datetime) -> bytes:
    """The ``.qdpx`` zip: ``project.qde`` and the source texts."""
    buffer = io.BytesIO()
    date_time = moment.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("project.qde", date_time),
            _serialise(root, PROJECT_NS),
            zipfile.ZIP_DEFLATED,
        )
        for path, text in files.items():
            archive.writestr(
                zipfile.ZipInfo(path, date_time), text.encode("utf-8"), zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def project_bytes(
    sessions: list[SessionExport],
    taxonomy: Taxonomy,
    redact: bool = True,
    name: str = "synth",
    now: datetime | None = None,
) -> bytes:
    """A ``.qdpx`` project zip of the sessions: texts, statements as selections, tags as
    codings, the taxonomy as codebook and each session as a case with its variables.

    With ``redact`` every field from the notes is masked (session ids, titles, source
    names, sections, prompts, texts; see ``synth.redact``) and the offsets point into the
    masked text.
    """
    if redact:
        sessions = _masked(sessions)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    created = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    user = user_guid()
    root = ET.Element(
        "Project",
        {"name": name, "origin": ORIGIN, "creatingUserGUID": user, "creationDateTime": created},
    )
    _el(_el(root, "Users"), "User", guid=user, name=USER_NAME, id=USER_NAME)
    used = _labels_in_use(sessions)
    if any(taxonomy.labels(d) or used[d] for d in DIMENSIONS):
        _codes(_el(root, "CodeBook"), taxonomy, used)
    variables = {v.name: v for v in _VARIABLES}
    if sessions:
        var_parent = _el(root, "Variables")
        for var in variables.values():
            element = _el(var_parent, "Variable", guid=var.guid, name=var.name)
            element.set("typeOfVariable", var.kind)
            _text_el(element, "Description", var.description)

    files: dict[str, str] = {}
    source_guids: dict[str, list[str]] = {}
    source_elements: list[ET.Element] = []
    for item in sessions:
        stamp = _Stamp(user, _datetime(item.session.created_at, created))
        elements = _session_sources(item, stamp, variables, redact, files)
        source_guids[item.session.id] = [e.get("guid", "") for e in elements]
        source_elements.extend(elements)
    if sessions:
        _cases(root, sessions, source_guids, variables)
    if source_elements:
        _el(root, "Sources").extend(source_elements)
    return _zip(root, files, moment)


def _masked(sessions: list[SessionExport]) -> list[SessionExport]:
    """The sessions with every field from the notes masked, except the source texts,
    which ``masked_with_offsets`` masks with the statement offsets."""
    shown = mask_ids(item.session.id for item in sessions)
    return [
        SessionExport(
            mask_session(item.session, shown[item.session.id]),
            [(mask(name), path, text) for name, path, text in item.sources],
            [mask_statement(st) for st in item.statements],
        )
        for item in sessions
    ]


# --- reading ---------------------------------------------------------------------------


@dataclass
class QdaCode:
    """A code of a codebook, with its children."""

    guid: str
    name: str
    codable: bool
    description: str = ""
    color: str | None = None
    children: list[QdaCode] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[QdaCode, list[QdaCode]]]:
        """This code and every descendant, each with its ancestors below this one."""
        yield self, []
        for child in self.children:
            for code, ancestors in child.walk():
                yield code, [self, *ancestors]


@dataclass
class QdaSelection:
    """A coded stretch of a text source; ``text`` is the source text at the offsets."""

    guid: str
    name: str
    start: int
    end: int
    text: str
    description: str
    code_guids: list[str]


@dataclass
class QdaSource:
    """A text source with its plain text (empty when the file holds no text for it)."""

    guid: str
    name: str
    text: str
    selections: list[QdaSelection]
    variables: dict[str, str]


@dataclass
class QdaProject:
    """What synth reads of a REFI-QDA project."""

    name: str
    origin: str
    users: dict[str, str]  # guid -> name
    codes: list[QdaCode]
    sources: list[QdaSource]
    cases: dict[str, list[str]]  # case name -> source guids

    def code_index(self) -> dict[str, tuple[QdaCode, list[QdaCode]]]:
        """Every code by normalised GUID, with its ancestors."""
        index: dict[str, tuple[QdaCode, list[QdaCode]]] = {}
        for top in self.codes:
            for code, ancestors in top.walk():
                index[normal_guid(code.guid)] = (code, ancestors)
        return index

    def label_map(self, taxonomy: Taxonomy) -> dict[str, tuple[str, str]]:
        """Normalised code GUID -> (dimension, label id) of every code that is a label.

        Codes synth made are recognised by GUID; codes added in another program under
        a dimension's parent code count as labels of that dimension, named as the code.
        """
        dims = {normal_guid(dimension_guid(d)): d for d in DIMENSIONS}
        out: dict[str, tuple[str, str]] = {}
        for key, (code, ancestors) in self.code_index().items():
            dim = dims.get(normal_guid(ancestors[0].guid)) if ancestors else None
            if dim is not None:
                out[key] = (dim, code.name)
        for dim in DIMENSIONS:
            for label in taxonomy.labels(dim):
                out[normal_guid(code_guid(dim, label.id))] = (dim, label.id)
        return out

    @staticmethod
    def tags(selection: QdaSelection, labels: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
        """A selection's codes as label ids per dimension, given ``label_map``'s result."""
        out: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
        for guid in selection.code_guids:
            found = labels.get(normal_guid(guid))
            if found is not None:
                out[found[0]].append(found[1])
        return out


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    # Namespace-blind: tools differ in how they qualify elements.
    return [c for c in element if _local(c) == name]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _grandchildren(element: ET.Element, name: str, item: str) -> list[ET.Element]:
    """The ``item`` elements of ``element``'s ``name`` container (none if absent)."""
    container = _child(element, name)
    return [] if container is None else _children(container, item)


def _parse_xml(data: bytes, where: str) -> ET.Element:
    try:
        root = ET.fromstring(data.lstrip(b"\xef\xbb\xbf"))
    except ET.ParseError as exc:
        raise ExchangeError(f"{where}: not valid XML ({exc}); export it again") from None
    # Codes are read recursively: a tree nested deeper than any codebook is refused here,
    # counted without recursion, instead of failing deep inside.
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise ExchangeError(
                f"{where}: elements nested more than {_MAX_DEPTH} levels deep; a codebook"
                " is not that deep: export it again"
            )
        stack.extend((child, depth + 1) for child in element)
    return root


def _read_codes(element: ET.Element | None) -> list[QdaCode]:
    if element is None:
        return []
    codes_el = _child(element, "Codes")
    if codes_el is None:
        return []

    def code(el: ET.Element) -> QdaCode:
        description = _child(el, "Description")
        return QdaCode(
            guid=el.get("guid", ""),
            name=el.get("name", ""),
            codable=el.get("isCodable", "true").strip().lower() in ("true", "1"),
            description=(description.text or "").strip() if description is not None else "",
            color=el.get("color"),
            children=[code(c) for c in _children(el, "Code")],
        )

    return [code(c) for c in _children(codes_el, "Code")]


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ExchangeError(f"{path}: no such file; give the path of a .qdpx or .qdc") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ExchangeError(
            f"{path}: not a REFI-QDA project zip ({exc}); export a .qdpx again"
        ) from None


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """A member's bytes, its size checked before it is unpacked and again while it is
    (a header may lie); a damaged member is an ``ExchangeError``."""
    too_large = ExchangeError(
        f"{path}: '{info.filename}' unpacks to more than {_MAX_MEMBER_BYTES // 2**20} MB;"
        " synth does not read it"
    )
    if info.file_size > _MAX_MEMBER_BYTES:
        raise too_large
    try:
        with archive.open(info) as member:
            data = member.read(_MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ExchangeError(
            f"{path}: '{info.filename}' in the zip is damaged ({exc}); export the project again"
        ) from None
    if len(data) > _MAX_MEMBER_BYTES:
        raise too_large
    return data


def _qde_info(archive: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    # ATLAS.ti names the .qde after the project: accept any single one.
    found = [i for i in archive.infolist() if i.filename.lower().endswith(".qde")]
    if len(found) != 1:
        what = "no .qde file" if not found else f"{len(found)} .qde files"
        raise ExchangeError(f"{path}: {what} in the zip; export the project as .qdpx again")
    return found[0]


def read_codebook(path: Path) -> list[QdaCode]:
    """The codes of a ``.qdc`` codebook, or of the codebook inside a ``.qdpx`` project."""
    if zipfile.is_zipfile(path):
        with _open_zip(path) as archive:
            root = _parse_xml(_member(archive, _qde_info(archive, path), path), str(path))
    else:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ExchangeError(f"{path}: no such file; give the path of a .qdc") from None
        except OSError as exc:
            raise ExchangeError(f"{path}: cannot read ({exc})") from None
        root = _parse_xml(data, str(path))
    if _local(root) == "CodeBook":
        codes = _read_codes(root)
    elif _local(root) == "Project":
        codes = _read_codes(_child(root, "CodeBook"))
    else:
        raise ExchangeError(
            f"{path}: a <{_local(root)}> document, not a REFI-QDA codebook; give a .qdc or .qdpx"
        )
    if not codes:
        raise ExchangeError(f"{path}: the codebook has no codes")
    return codes


def _source_text(
    archive: zipfile.ZipFile, element: ET.Element, members: dict[str, zipfile.ZipInfo], path: Path
) -> str:
    content = _child(element, "PlainTextContent")
    if content is not None:
        return content.text or ""
    target = element.get("plainTextPath", "")
    if not target.startswith("internal://"):
        return ""  # the text lives outside the zip (relative:// or absolute): not readable
    # The folder is 'sources/', but read it case-insensitively.
    info = members.get("sources/" + target[len("internal://") :].lower())
    if info is None:
        return ""
    data = _member(archive, info, path)
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def read_project(path: Path) -> QdaProject:
    """Read a ``.qdpx`` project: codebook, users, text sources with selections, cases."""
    with _open_zip(path) as archive:
        # What synth reads (the .qde and the texts), checked unpacked before any is read.
        unpacked = sum(
            i.file_size for i in archive.infolist() if i.filename.lower().endswith((".qde", ".txt"))
        )
        if unpacked > _MAX_PROJECT_BYTES:
            raise ExchangeError(
                f"{path}: its project and texts unpack to {unpacked // 2**20} MB, more than"
                f" {_MAX_PROJECT_BYTES // 2**20} MB; export fewer sessions at a time"
            )
        root = _parse_xml(_member(archive, _qde_info(archive, path), path), str(path))
        if _local(root) != "Project":
            raise ExchangeError(f"{path}: the .qde holds no <Project>; export it again")
        members = {i.filename.lower(): i for i in archive.infolist()}
        users = {
            normal_guid(u.get("guid", "")): u.get("name", "")
            for u in _grandchildren(root, "Users", "User")
        }
        variables = {
            normal_guid(v.get("guid", "")): v.get("name", "")
            for v in _grandchildren(root, "Variables", "Variable")
        }

        def values(element: ET.Element) -> dict[str, str]:
            out: dict[str, str] = {}
            for vv in _children(element, "VariableValue"):
                ref = _child(vv, "VariableRef")
                if ref is None:
                    continue
                name = variables.get(normal_guid(ref.get("targetGUID", "")))
                value = next((c.text or "" for c in vv if _local(c) != "VariableRef"), "")
                if name:
                    out[name] = value
            return out

        sources: list[QdaSource] = []
        for element in _grandchildren(root, "Sources", "TextSource"):
            text = _source_text(archive, element, members, path)
            selections: list[QdaSelection] = []
            for sel in _children(element, "PlainTextSelection"):
                try:
                    start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
                except ValueError:
                    continue
                description = _child(sel, "Description")
                selections.append(
                    QdaSelection(
                        guid=sel.get("guid", ""),
                        name=sel.get("name", ""),
                        start=start,
                        end=end,
                        text=text[start:end],
                        description=(description.text or "") if description is not None else "",
                        code_guids=[
                            ref.get("targetGUID", "")
                            for coding in _children(sel, "Coding")
                            for ref in _children(coding, "CodeRef")
                        ],
                    )
                )
            sources.append(
                QdaSource(
                    guid=element.get("guid", ""),
                    name=element.get("name", ""),
                    text=text,
                    selections=selections,
                    variables=values(element),
                )
            )
        cases = {
            case.get("name", case.get("guid", "")): [
                normal_guid(r.get("targetGUID", "")) for r in _children(case, "SourceRef")
            ]
            for case in _grandchildren(root, "Cases", "Case")
        }
        return QdaProject(
            name=root.get("name", ""),
            origin=root.get("origin", ""),
            users=users,
            codes=_read_codes(_child(root, "CodeBook")),
            sources=sources,
            cases=cases,
        )


# --- codebook -> taxonomy skeleton -------------------------------------------------------


@dataclass
class SkeletonLabel:
    id: str
    name: str
    description: str
    path: list[str]  # names of the codes above it inside its dimension


@dataclass
class SkeletonDimension:
    key: str
    name: str
    description: str
    labels: list[SkeletonLabel]
    from_code: str | None  # the top-level code it came from


def _label_id(name: str, fallback: str) -> str:
    slug = slugify(name) or fallback
    if len(slug) > _MAX_ID:
        slug = slug[:_MAX_ID].rsplit("-", 1)[0] or slug[:_MAX_ID]
    return slug


def _dimension_key(code: QdaCode) -> str | None:
    """The synth dimension a top-level code stands for, if it is recognisably one."""
    key = normal_guid(code.guid)
    for dim in DIMENSIONS:
        if key == normal_guid(dimension_guid(dim)):
            return dim
    folded = code.name.strip().casefold()
    for dim in DIMENSIONS:
        if folded in _DIMENSION_ALIASES[dim]:
            return dim
    return None


def _without_dimension(name: str, dimension: str) -> str:
    """A code name without the dimension ``code_names`` added to keep it unique
    ("Samordning (begrepp)" in the concepts is "Samordning")."""
    suffix = f" ({DIMENSION_SINGULAR.get(dimension, '')})"
    return name[: -len(suffix)] if name.endswith(suffix) else name


def skeleton(codes: list[QdaCode]) -> list[SkeletonDimension]:
    """Group a codebook's codes into dimensions.

    Top-level codes with children become dimensions: synth's own by GUID or name,
    the others take the free dimensions in the order concepts, factors, shifts (and
    keep a slug of their name when none is free, which ``taxonomy check`` reports).
    Top-level codes without children form one more group. Deeper codes are flattened
    into their dimension; their path is kept in ``SkeletonLabel.path``.
    """
    groups: list[tuple[QdaCode | None, list[QdaCode]]] = []
    loose = [c for c in codes if not c.children]
    groups.extend((c, c.children) for c in codes if c.children)
    if loose:
        groups.append((None, loose))
    taken: dict[int, str] = {}  # id() of a top-level code -> its dimension
    for top, _ in groups:
        if top is not None:
            known = _dimension_key(top)
            if known and known not in taken.values():
                taken[id(top)] = known
    free = [d for d in _FREE_ORDER if d not in taken.values()]
    out: list[SkeletonDimension] = []
    used_keys: set[str] = set(taken.values())
    for top, members in groups:
        if top is not None and id(top) in taken:
            key = taken[id(top)]
        elif free:
            key = free.pop(0)
        else:
            key = _label_id(top.name if top else "codes", "codes")
            while key in used_keys:
                key += "-2"
        used_keys.add(key)
        name = top.name if top else "Koder"
        dim = SkeletonDimension(key, name, top.description if top else "", [], None)
        dim.from_code = top.name if top is not None else None
        ids: set[str] = set()
        for member in members:
            for code, ancestors in member.walk():
                if not code.codable:
                    continue
                path = [a.name for a in ancestors]
                name = _without_dimension(code.name, key)
                base = _label_id(name, f"code-{len(ids) + 1}")
                label_id = base
                if label_id in ids and ancestors:
                    label_id = _label_id(f"{ancestors[-1].name} {code.name}", base)
                n = 2
                while label_id in ids:
                    label_id, n = f"{base}-{n}", n + 1
                ids.add(label_id)
                dim.labels.append(
                    SkeletonLabel(label_id, name.strip() or label_id, code.description, path)
                )
        out.append(dim)
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    out.sort(key=lambda d: order.get(d.key, len(order)))
    return out


def _comment(text: str) -> str:
    """A YAML comment line from any text: line breaks and control characters of a code
    name (``&#10;`` in the XML) cannot end the comment and start YAML of their own."""
    return "# " + "".join(ch for ch in " ".join(text.split()) if ch.isprintable())


def _yaml_block(data: object, indent: int) -> list[str]:
    """``data`` written by the YAML library, indented by ``indent`` spaces."""
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return [" " * indent + line for line in text.splitlines()]


def skeleton_yaml(codes: list[QdaCode], source: str) -> str:
    """A taxonomy file from a codebook, every vocabulary empty and marked to fill in.

    Every key and value is written by the YAML library; the comments between them
    (where a label came from, what to fill in) are single lines made safe by ``_comment``.
    """
    dims = skeleton(codes)
    lines = [
        _comment(f"Taxonomy skeleton made by synth from {source}."),
        "# Every label needs terms before synth can tag with it: fill in each 'terms: []'",
        "# marked TODO, then run 'synth taxonomy check' on this file.",
        *_yaml_block(
            {"version": 1, "language": "sv", "name": " ".join(Path(source).stem.split())}, 0
        ),
        "",
        "dimensions:",
    ]
    for dim in dims:
        if dim.from_code is not None:
            lines.append("  " + _comment(f"from the code {dim.from_code}"))
        if dim.key not in DIMENSIONS:
            lines.append("  # TODO: synth has the dimensions shifts, concepts and factors;")
            lines.append("  # move these labels into one of them")
        header: dict[str, object] = {"name": " ".join(dim.name.split())}
        if dim.description:
            header["description"] = " ".join(dim.description.split())
        lines += _yaml_block({dim.key: header}, 2)
        if not dim.labels:
            lines.append("    labels: []  # TODO: the code had no codable children")
            lines.append("")
            continue
        lines.append("    labels:")
        for label in dim.labels:
            if label.path:
                lines.append("      " + _comment(f"under: {' / '.join(label.path)}"))
            entry: dict[str, object] = {"id": label.id, "name": " ".join(label.name.split())}
            if label.description:
                entry["description"] = " ".join(label.description.split())
            entry["terms"] = []
            block = _yaml_block([entry], 6)
            lines += [*block[:-1], block[-1] + "  # TODO: add words, phrases or stems"]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"

"""What QDA programs do when they import synth's files, reproduced on the exported files.

QualCoder keeps one code per name (a second code of the same name is merged into the
first without its GUID) and resolves every coding by the GUID of its code, so a coding
of a code whose name came twice is stored with no code. Taguette reads codebooks only as
CSV, with exactly one of the columns tag, name or path and an optional description.
See ../shared/refi-qda/README.md.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from conftest import EXAMPLES
from synth.ingest import ingest
from synth.output import refi
from synth.pipeline.tagging import Tagger
from synth.store import Corpus
from synth.taxonomy import Taxonomy

P = "{urn:QDA-XML:project:1.0}"
C = "{urn:QDA-XML:codebook:1.0}"


def codes_in_order(codes: ET.Element | None, ns: str) -> Iterator[ET.Element]:
    """Every Code element, depth first, as an importer meets them."""
    for code in [] if codes is None else codes.findall(f"{ns}Code"):
        yield code
        yield from codes_in_order(code, ns)


def qualcoder_code_table(codes: ET.Element | None, ns: str) -> dict[str, int]:
    """GUID -> code id as QualCoder's import builds it: codable codes go into a table with
    ``unique(name)``; a code whose name is taken is merged into the first, and its GUID
    is not recorded. Codes that are not codable become categories (another table)."""
    ids_by_name: dict[str, int] = {}
    by_guid: dict[str, int] = {}
    for code in codes_in_order(codes, ns):
        if code.get("isCodable") != "true":
            continue
        name = code.get("name", "")
        if name in ids_by_name:
            continue  # the second code of a name: merged, GUID dropped
        ids_by_name[name] = len(ids_by_name) + 1
        by_guid[code.get("guid", "").lower()] = ids_by_name[name]
    return by_guid


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, tagger: Tagger) -> ET.Element:
    path = tmp_path_factory.mktemp("qualcoder") / "corpus.db"
    with Corpus(path) as db:
        assert not ingest([EXAMPLES], db, tagger).failures
        items = [
            refi.SessionExport(s, db.sources(s.id), db.statements(s.id)) for s in db.sessions()
        ]
    data = refi.project_bytes(items, tagger.taxonomy)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return ET.fromstring(archive.read("project.qde"))


def test_qualcoder_attaches_every_coding_of_the_exported_project(project: ET.Element) -> None:
    table = qualcoder_code_table(project.find(f"{P}CodeBook/{P}Codes"), P)
    codings = project.findall(f".//{P}Coding/{P}CodeRef")
    attached = [ref for ref in codings if ref.get("targetGUID", "").lower() in table]
    # The examples are tagged with both the shift and the concept "Samordning".
    targets = {ref.get("targetGUID", "").lower() for ref in codings}
    assert refi.code_guid("shifts", "samordning").lower() in targets
    assert refi.code_guid("concepts", "samordning").lower() in targets
    assert len(codings) > 50
    assert len(attached) == len(codings)


def test_the_shift_and_the_concept_of_one_name_get_two_names(taxonomy: Taxonomy) -> None:
    shift = taxonomy.label("shifts", "samordning")
    concept = taxonomy.label("concepts", "samordning")
    assert shift is not None and concept is not None
    assert shift.display() == concept.display()  # the clash this guards against
    names = refi.code_names(taxonomy)
    assert names[("shifts", "samordning")] == shift.display()
    assert names[("concepts", "samordning")] == f"{concept.display()} (begrepp)"


def test_codebook_code_names_are_unique(taxonomy: Taxonomy) -> None:
    root = ET.fromstring(refi.codebook_xml(taxonomy))
    names = [c.get("name") for c in codes_in_order(root.find(f"{C}Codes"), C)]
    assert len(names) == len(set(names)) == 22  # 3 dimensions, 19 labels
    table = qualcoder_code_table(root.find(f"{C}Codes"), C)
    assert len(table) == 19


def test_a_label_the_taxonomy_lost_gets_a_name_no_other_code_has(taxonomy: Taxonomy) -> None:
    shift = taxonomy.label("shifts", "samordning")
    assert shift is not None
    names = refi.code_names(taxonomy, {"factors": [shift.display()]})
    assert len(set(names.values())) == len(names)


def taguette_tags(text: str) -> list[dict[str, str]]:
    """Taguette's codebook import: a header naming exactly one of tag, name or path, an
    optional description; every row has a tag."""
    reader = csv.reader(io.StringIO(text))
    header = [cell.lower() for cell in next(reader)]
    columns = [c for c in ("tag", "name", "path") if c in header]
    assert len(columns) == 1, header
    path, description = header.index(columns[0]), header.index("description")
    tags = []
    for row in reader:
        if not any(row):
            continue
        assert len(row) > max(path, description)
        assert row[path].strip(), row
        tags.append({"path": row[path].strip(), "description": row[description].strip()})
    return tags


def test_taxonomy_export_csv_is_a_codebook_taguette_imports(run: Any, tmp_path: Path) -> None:
    target = tmp_path / "codebook.csv"
    result = run("taxonomy", "export", "--format", "csv", "-o", target)
    assert result.exit_code == 0, result.output
    tags = taguette_tags(target.read_text(encoding="utf-8"))
    assert len(tags) == 19
    assert len({t["path"] for t in tags}) == 19
    by_name = {t["path"]: t["description"] for t in tags}
    assert by_name["Samordning"].startswith("Fokusförflyttningar")
    assert "Samordning (begrepp)" in by_name

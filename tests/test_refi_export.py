"""Exporting REFI-QDA: schema-valid, deterministic, offsets in code points on the text written."""

from __future__ import annotations

import io
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from tests.conftest import SHARED, Cli, snapshot
from tests.golden import assert_golden

XSD = SHARED / "reference" / "xsd"
needs_xsd = pytest.mark.skipif(not XSD.is_dir(), reason=f"the REFI-QDA schemas are not at {XSD}")
NS = "{urn:QDA-XML:project:1.0}"


def export(cli: Cli, root: Path, kind: str, name: str) -> Path:
    out = root.parent / name
    result = cli(["--project", str(root), "export", kind, str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.exception is None
    assert result.stdout == ""
    return out


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@needs_xsd
@pytest.mark.parametrize("fixture", ["small", "example"])
def test_exports_validate_against_both_schemas(
    cli: Cli, fixture: str, request: pytest.FixtureRequest
) -> None:
    import xmlschema

    root: Path = request.getfixturevalue(fixture)
    project_xsd = xmlschema.XMLSchema(str(XSD / "Project.xsd"))
    codebook_xsd = xmlschema.XMLSchema(str(XSD / "Codebook.xsd"))
    project_xsd.validate(io.BytesIO(entries(export(cli, root, "qdpx", "p.qdpx"))["project.qde"]))
    codebook_xsd.validate(str(export(cli, root, "qdc", "c.qdc")))


def test_small_project_counts_on_stderr(cli: Cli, small: Path) -> None:
    result = cli(["--project", str(small), "export", "qdpx", str(small.parent / "p.qdpx")])
    assert result.exit_code == 0
    # By hand: 4 families, 10 codes, camille and yanis, 4 structures, 2 interviews; selections
    # are spans of one coder: camille 3 + 2, yanis 4 (one span) + 2; 23 codings; one memo text
    # shared by the four codings of one selection.
    assert result.stderr == (
        f"wrote {small.parent / 'p.qdpx'}: 4 families, 10 codes, 2 users, 5 variables, "
        "4 cases, 2 sources, 11 selections, 23 codings, 1 notes\n"
    )


def test_two_exports_are_byte_identical(cli: Cli, example: Path) -> None:
    first = export(cli, example, "qdpx", "one.qdpx").read_bytes()
    second = export(cli, example, "qdpx", "two.qdpx").read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert (
        export(cli, example, "qdc", "a.qdc").read_bytes()
        == export(cli, example, "qdc", "b.qdc").read_bytes()
    )


def test_texts_are_lf_nfc_utf8_and_selections_quote_them(cli: Cli, small: Path) -> None:
    files = entries(export(cli, small, "qdpx", "p.qdpx"))
    root = ET.fromstring(files["project.qde"])
    sources = root.findall(f"{NS}Sources/{NS}TextSource")
    assert [s.get("name") for s in sources] == ["epicerie", "velo"]
    checked = 0
    for source in sources:
        path = (source.get("plainTextPath") or "").removeprefix("internal://")
        data = files[f"sources/{path}"]
        assert not data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8")
        assert "\r" not in text and unicodedata.normalize("NFC", text) == text
        for sel in source.findall(f"{NS}PlainTextSelection"):
            start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
            assert sel.get("name") == text[start:end]
            checked += 1
    assert checked == 11
    epicerie = files[f"sources/{sources[0].get('guid')}.txt"].decode()
    assert epicerie.startswith(
        "Camille: Vous travaillez avec qui ?\n\nLéa: Ben euh… avec les "
        "autres épiceries [rires], on se passe les infos.\n\n"
    )
    span = [
        s
        for s in sources[0].findall(f"{NS}PlainTextSelection")
        if s.get("name") == "on a fait la fête de quartier ensemble"
    ]
    assert len(span) == 1 and len(span[0].findall(f"{NS}Coding")) == 1


def test_offsets_count_code_points_not_utf16_units(cli: Cli, small: Path) -> None:
    (small / "interviews" / "emoji.md").write_text(
        "---\nstructure: velo\ndate: 2026-03-10\n---\n\n**Marc:** 😀 On partage 🚚 un camion.\n",
        encoding="utf-8",
    )
    (small / "codings" / "camille" / "emoji.yaml").write_text(
        "pcrcode: 1\ninterview: emoji\ncoder: camille\ncodings:\n"
        '- {"segment": 1, "code": "forme/mutualisation", "start": 15, "end": 24, '
        '"quote": "un camion", "fp": "x", "at": "2026-04-01T10:00:00Z", "memo": "Le camion."}\n',
        encoding="utf-8",
    )
    files = entries(export(cli, small, "qdpx", "p.qdpx"))
    root = ET.fromstring(files["project.qde"])
    source = next(s for s in root.iter(f"{NS}TextSource") if s.get("name") == "emoji")
    assert source.get("creationDateTime") == "2026-03-10T00:00:00Z"
    text = files[f"sources/{source.get('guid')}.txt"].decode()
    assert text == "Marc: 😀 On partage 🚚 un camion.\n"
    (sel,) = source.findall(f"{NS}PlainTextSelection")
    # "Marc: " is 6 code points, then 15 in the turn: 21; UTF-16 would say 23.
    assert (sel.get("startPosition"), sel.get("endPosition"), sel.get("name")) == (
        "21",
        "30",
        "un camion",
    )
    assert sel.get("creationDateTime") == "2026-04-01T10:00:00Z"
    (note_ref,) = sel.findall(f"{NS}Coding/{NS}NoteRef")
    notes = {n.get("guid"): n for n in root.iter(f"{NS}Note")}
    assert notes[note_ref.get("targetGUID")].findtext(f"{NS}PlainTextContent") == "Le camion."


def test_small_project_document_golden(cli: Cli, small: Path) -> None:
    files = entries(export(cli, small, "qdpx", "p.qdpx"))
    assert_golden("refi/small-project.qde", files["project.qde"].decode("utf-8"))
    assert_golden(
        "refi/small-codebook.qdc", export(cli, small, "qdc", "c.qdc").read_text(encoding="utf-8")
    )


def test_export_into_a_folder_is_a_usage_error(cli: Cli, small: Path) -> None:
    before = snapshot(small)
    result = cli(["--project", str(small), "export", "qdpx", str(small)])
    assert result.exit_code == 2
    assert result.stderr == f"pcrcode: error: '{small}' is a folder: give a file name\n"
    assert snapshot(small) == before


def test_export_outside_a_project(cli: Cli, tmp_path: Path) -> None:
    result = cli(["export", "qdc", "x.qdc"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("pcrcode: error: no codebook.yaml here")
    assert list(tmp_path.iterdir()) == []

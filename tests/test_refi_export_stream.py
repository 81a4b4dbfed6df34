"""The streaming ``.qdpx`` writer: the bytes ElementTree and ``ZipFile.writestr`` produced before.

The goldens of tests/test_refi_export.py pin the small project's document. Here the oracles are
the standard library itself, on a project full of what escaping gets wrong (control characters,
markup, quotes, line breaks and tabs in attributes, astral characters, odd dates and metadata):
the document re-serialised by ElementTree as the old writer did, and the archive rebuilt entry
by entry with ``writestr`` as the old writer did.
"""

from __future__ import annotations

import io
import json
import uuid
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcrcode.exchange.refi import PROJECT_NS, archive, describe, export
from pcrcode.exchange.refi.guids import NAMESPACE, guid
from pcrcode.exchange.refi.xml import escape_attr, escape_text, invalid_chars, parse
from pcrcode.files import cache
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.model import Project
from pcrcode.project import load_project

HOSTILE_TEXT = (
    "Bonjour \x1b[2J & <b>gras</b> \"cité\" 'apostrophe'\ttab \x00 NUL \x7f DEL "
    "\x9b31m, 😀 🚲 e\u0301 \ufffe \U0001d538."
)


def write_hostile(root: Path) -> None:
    """Lay a hostile interview and its codings over a copy of the small project."""
    (root / "interviews" / "hostile.md").write_text(
        '---\nstructure: velo\ndate: "2026-02-30"\ninterviewer: "Anne: la <cheffe> & co"\n'
        "title: 'yes'\nlanguage: fr\nnote: null\nscore: 2.5\nrang: -3\nok: true\n"
        'participants:\n  - {name: "Zoé\\tB", role: "x # y"}\n  - Paul\n'
        "long: " + "mot " * 40 + "fin\n---\n\n"
        f"**Anne:** {HOSTILE_TEXT}\n\n**Zoé \x1b[31m:** Deux & trois > un.\n\n"
        "**Anne:** Fin.\n\nSuite & fin.\n",
        encoding="utf-8",
    )
    codebook = root / "codebook.yaml"
    codebook.write_text(
        codebook.read_text(encoding="utf-8").replace(
            "title: Petit projet de test", 'title: "Petit \\"projet\\"\\t<test> & co\\r\\n"'
        ),
        encoding="utf-8",
    )
    structures = root / "structures.yaml"
    structures.write_text(
        structures.read_text(encoding="utf-8").replace(
            "name: Le Potager", 'name: "Le\\tPotager \\"bio\\" <&>"'
        ),
        encoding="utf-8",
    )
    records: list[dict[str, Any]] = [
        {
            "segment": 1,
            "code": "forme/mutualisation",
            "fp": "x",
            "at": "2026-04-01T10:00:00Z",
            "memo": 'Note \x07 & <i>"q"</i>\nligne\ttab\r\nfin',
        },
        {
            "segment": 1,
            "code": "objet/immobilier",
            "fp": "x",
            "at": "2026-13-01T10:00:00Z",
            "memo": 'Note \x07 & <i>"q"</i>\nligne\ttab\r\nfin',
        },
        {
            "segment": 1,
            "code": "forme/mutualisation",
            "fp": "x",
            "at": "hier",
            "start": 9,
            "end": 30,
        },
        {"segment": 2, "code": "forme/partenariat", "fp": "x", "at": ""},
        {"segment": 2, "code": "inconnu/code", "fp": "x", "at": "2026-04-01T10:00:00Z"},
        {"segment": 9, "code": "forme/partenariat", "fp": "x", "at": "2026-04-01T10:00:00Z"},
        {
            "segment": 3,
            "code": "forme/partenariat",
            "fp": "x",
            "at": "2026-04-02T10:00:00+02:00",
            "start": 0,
            "end": 99,
        },
        {
            "segment": 3,
            "code": "forme/partenariat",
            "fp": "x",
            "at": "2025-01-01T00:00:00Z",
            "start": 0,
            "end": 4,
            "memo": "😀",
        },
    ]
    lines = "".join(f"- {json.dumps(r, ensure_ascii=False)}\n" for r in records)
    (root / "codings" / "camille" / "hostile.yaml").write_text(
        "pcrcode: 1\ninterview: hostile\ncoder: camille\ncodings:\n" + lines, encoding="utf-8"
    )
    (root / "codings" / "yanis" / "fantome.yaml").write_text(
        "pcrcode: 1\ninterview: fantome\ncoder: yanis\ncodings:\n"
        '- {"segment": 1, "code": "forme/partenariat", "fp": "x", "at": "2026-04-01T10:00:00Z"}\n',
        encoding="utf-8",
    )


@pytest.fixture
def hostile(small: Path) -> Path:
    write_hostile(small)
    return small


def load(root: Path) -> Project:
    return load_project(root, Diagnostics(root))


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def archived_as_before(data: bytes) -> bytes:
    """The archive the old writer made of the same entries: each one whole, by ``writestr``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in sorted(entries(data).items()):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, body, compresslevel=6)
    return buffer.getvalue()


def serialised_as_before(document: bytes) -> bytes:
    """The document as the old writer serialised the same tree (ElementTree, ``indent``)."""
    root = parse(document, "project.qde")
    root.attrib = {"xmlns": PROJECT_NS, **root.attrib}
    ET.indent(root, space="  ")
    serialised: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return serialised + b"\n"


def test_the_hostile_project_loads_with_what_the_export_must_escape(hostile: Path) -> None:
    project = load(hostile)
    turns = project.interviews["hostile"].turns
    assert "\x1b" in turns[0].text and "\x00" in turns[0].text  # (tabs become spaces)
    memos = [c.memo for c in project.codings if c.memo]
    assert any("\r" in m and "\n" in m and "\t" in m and "\x07" in m for m in memos)


def test_the_archive_is_what_writestr_made_of_whole_entries(hostile: Path) -> None:
    result = export.export_qdpx(load(hostile))
    assert "fantome" in "".join(result.skipped)
    assert archived_as_before(result.data) == result.data


def test_the_document_is_what_elementtree_wrote(hostile: Path) -> None:
    document = entries(export.export_qdpx(load(hostile)).data)["project.qde"]
    assert b"&#10;" in document and b"&#09;" in document and b"&lt;i&gt;" in document
    assert "\ufffd".encode() in document and b"\x1b" not in document
    # A memo's CR stays raw in element text, as ElementTree wrote it; a parser reads it as LF.
    assert b"tab\r\nfin" in document
    assert serialised_as_before(document) == document.replace(b"\r\n", b"\n")


def test_spools_spilled_to_disk_change_no_byte(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = export.export_qdpx(load(hostile)).data
    on_disk: list[bool] = []
    add = archive.Spool.add

    def watched(spool: archive.Spool, key: str, data: bytes) -> None:
        add(spool, key, data)
        # The documented sign of a rollover: _file is no longer the in-memory BytesIO.
        on_disk.append(not isinstance(spool.file._file, io.BytesIO))

    monkeypatch.setattr(archive.Spool, "add", watched)
    monkeypatch.setattr(export, "SPOOL_BYTES", 10)
    assert export.export_qdpx(load(hostile)).data == expected
    assert True in on_disk  # the texts and notes really went through a temporary file


def test_a_document_past_the_zip64_threshold_gets_the_header_writestr_gave_it(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The 2 GiB limit lowered: writestr knew the size first and wrote a zip64 local header;
    # the stream finds out at the end and starts again with one.
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 40_000)
    data = export.export_qdpx(load(hostile)).data
    assert archived_as_before(data) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None


def test_saved_atomically_with_progress(hostile: Path, tmp_path: Path) -> None:
    project = load(hostile)
    calls: list[tuple[int, int]] = []
    target = tmp_path / "out" / "p.qdpx"
    result = export.save_qdpx(project, target, progress=lambda d, t: calls.append((d, t)))
    assert result.data == b"" and result.counts["sources"] == 3
    assert target.read_bytes() == export.export_qdpx(project).data
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert [p.name for p in target.parent.iterdir()] == ["p.qdpx"]


def test_an_interrupted_export_leaves_the_old_file(
    hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "p.qdpx"
    target.parent.mkdir()
    target.write_bytes(b"old")

    def interrupted(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export.save_qdpx(load(hostile), target, progress=interrupted)
    assert [p.name for p in target.parent.iterdir()] == ["p.qdpx"]
    assert target.read_bytes() == b"old"


def test_released_turns_are_read_again_when_used(
    hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the files were just written: cache them anyway
    load(hostile)  # fills the cache: the next loads read turns lazily
    kept = load(hostile)
    expected = {iid: i.turns for iid, i in kept.interviews.items()}
    project = load(hostile)
    lazy = [i for i in project.interviews.values() if "turns" not in i.__dict__]
    assert lazy, "the project was not loaded from the cache"
    already = project.interviews["velo"].turns  # read before: the export keeps these
    data = export.save_qdpx(project, tmp_path / "p.qdpx", release_turns=True)
    assert data.counts == export.export_qdpx(kept).counts
    assert (tmp_path / "p.qdpx").read_bytes() == export.export_qdpx(kept).data
    assert project.interviews["velo"].__dict__["turns"] is already
    assert all("turns" not in i.__dict__ for i in lazy if i.id != "velo")
    assert {iid: i.turns for iid, i in project.interviews.items()} == expected


# --- the pieces -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40))
def test_escaping_is_elementtrees(text: str) -> None:
    node = ET.Element("x", {"a": invalid_chars(text)})
    node.text = invalid_chars(text)
    body = f">{escape_text(text)}</x>" if text else " />"
    assert ET.tostring(node, encoding="unicode") == f'<x a="{escape_attr(text)}"{body}'


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30), st.lists(st.text(max_size=12) | st.integers(), max_size=5))
def test_guids_are_uuid5(kind: str, key: list[object]) -> None:
    name = "\x1f".join((kind, *(str(k) for k in key)))
    try:
        expected = str(uuid.uuid5(NAMESPACE, name))
    except UnicodeEncodeError:  # lone surrogates: both refuse them
        with pytest.raises(UnicodeEncodeError):
            guid(kind, *key)
        return
    assert guid(kind, *key) == expected


words = st.sampled_from(
    [
        "Camille",
        "Arnaud",
        "salariée",
        "yes",
        "No",
        "null",
        "on",
        "Léa",
        "d'ici",
        "a:b",
        "x #y",
        "- z",
        "12",
        "3.5",
        "2026-01-05",
        "~",
        "É",
        "",
        " ",
        "mot",
        "’",
        "(co)",
        "a/b",
        "ok.",
        "e\u0301",
        "😀",
        "\x85",
        "\u2028",
        "\ufeff",
        "&",
        "*x",
        "!x",
        "%",
        "@",
        "`",
        "'",
        '"',
    ]
)
plain_words = st.sampled_from(["Camille", "mot", "salariée", "d'ici", "Léa", "12", "(co)"])
scalars = st.one_of(
    st.lists(words, min_size=1, max_size=14).map(" ".join),
    words,
    st.lists(plain_words, min_size=1, max_size=30).map(" ".join),
    st.lists(words, min_size=1, max_size=3).map("".join),
    st.text(max_size=12),
    st.integers(),
    st.booleans(),
    st.dates(),
    st.none(),
    st.floats(allow_nan=False),
)
keys = st.sampled_from(
    [
        "date",
        "interviewer",
        "participants",
        "language",
        "speakers",
        "name",
        "role",
        "on",
        "Yes",
        "x_1",
        "_a",
        "1a",
        "a-b",
        "é",
        "k" * 45,
        "",
    ]
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.lists(st.dictionaries(keys, scalars, max_size=3), max_size=3),
    st.dictionaries(keys, scalars, max_size=3),
    st.lists(st.lists(scalars, max_size=2), max_size=2),
)


@settings(max_examples=1500, deadline=None)
@given(st.dictionaries(keys, values, max_size=6))
def test_simple_yaml_is_what_pyyaml_writes(data: dict[str, Any]) -> None:
    fast = describe._simple_yaml(describe.plain(data))
    if fast is not None:
        assert fast == describe.pyyaml_text(describe.plain(data))


def test_simple_yaml_covers_interview_metadata() -> None:
    meta = {
        "date": date(2026, 1, 5),
        "interviewer": "Camille Arnaud",
        "participants": [{"name": "Sophie", "role": "salariée"}],
        "language": "fr",
        "illustrative": True,
        "speakers": ["Camille", "Sophie"],
    }
    assert describe._simple_yaml(meta) == (
        "date: 2026-01-05\ninterviewer: Camille Arnaud\nparticipants:\n- name: Sophie\n"
        "  role: salariée\nlanguage: fr\nillustrative: true\nspeakers:\n- Camille\n- Sophie\n"
    )

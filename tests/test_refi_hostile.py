"""Hostile and broken REFI-QDA files: a clear error or a listed warning, nothing written outside
the target folder, and nothing half-written."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from pcrcode.exchange.refi import archive
from tests.conftest import Cli, snapshot
from tests.test_refi_import import gid, make_qdpx

TEXT = "Anne: Nous partageons un local.\n\nBruno: Et un camion.\n"


def qde(sources: str = "", codes: str = "") -> str:
    codes = codes or f'<Code guid="{gid("c")}" name="Local" isCodable="true"/>'
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="P">\n'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook>\n"
        f"<Sources>{sources}</Sources>\n</Project>\n"
    )


def source(name: str, selections: str = "") -> str:
    return (
        f'<TextSource guid="{gid(name)}" name="{name}" '
        f'plainTextPath="internal://{gid(name)}.txt">{selections}</TextSource>'
    )


def selection(name: str, start: int, end: int, code: str = "c") -> str:
    return (
        f'<PlainTextSelection guid="{gid(name)}" name="" startPosition="{start}" '
        f'endPosition="{end}"><Coding guid="{gid(name + "x")}">'
        f'<CodeRef targetGUID="{gid(code)}"/></Coding></PlainTextSelection>'
    )


def refused(cli: Cli, tmp_path: Path, path: Path, *fragments: str) -> None:
    """The import fails with one error line naming the problem, and writes nothing."""
    before = snapshot(tmp_path)
    result = cli(["import", "qdpx", str(path), "--into", str(tmp_path / "out")])
    assert result.exit_code == 1, result.stderr
    assert result.exception is None
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pcrcode: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "sources/../../evil.txt", "/tmp/evil.txt", "..\\evil.txt", "C:/evil.txt"],
)
def test_entries_climbing_out_are_refused(cli: Cli, tmp_path: Path, name: str) -> None:
    path = make_qdpx(tmp_path / "slip.qdpx", qde(), {name: b"owned"})
    refused(cli, tmp_path, path, f"archive entry '{name}' has", "refused")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_zip_bomb_is_refused_from_its_declared_sizes(cli: Cli, tmp_path: Path) -> None:
    path = make_qdpx(
        tmp_path / "bomb.qdpx",
        qde(source("a")),
        {f"sources/{gid('a')}.txt": b"\0" * (archive.RATIO_FLOOR + 1024)},
    )
    refused(cli, tmp_path, path, "refused as a zip bomb")


def _patch_size(path: Path, entry: str, size: int) -> None:
    """Make the central directory of ``path`` lie about the uncompressed size of ``entry``."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02" + b"", 0)
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len].decode() == entry:
            struct.pack_into("<I", data, at + 24, size)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_declared_size_beyond_the_caps_is_refused(cli: Cli, tmp_path: Path) -> None:
    name = f"sources/{gid('a')}.txt"
    path = make_qdpx(tmp_path / "huge.qdpx", qde(source("a")), {name: TEXT})
    _patch_size(path, name, archive.MAX_ENTRY_BYTES + 1)
    refused(cli, tmp_path, path, "refused as a zip bomb")


def test_an_entry_larger_than_declared_is_not_read_beyond(cli: Cli, tmp_path: Path) -> None:
    name = f"sources/{gid('a')}.txt"
    path = make_qdpx(
        tmp_path / "liar.qdpx", qde(source("a", selection("s", 6, 10))), {name: TEXT * 50}
    )
    _patch_size(path, name, 10)
    refused(cli, tmp_path, path, f"cannot read entry '{name}'")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>
"""


@pytest.mark.parametrize(
    "document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["entity-expansion", "external-entity"]
)
def test_dtds_and_entities_are_refused(cli: Cli, tmp_path: Path, document: str) -> None:
    path = make_qdpx(tmp_path / "dtd.qdpx", document)
    refused(cli, tmp_path, path, "dtd.qdpx:project.qde:2: the XML holds a DOCTYPE declaration")


def test_a_dtd_in_a_codebook_is_refused(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "dtd.qdc"
    path.write_text(BILLION_LAUGHS.replace("Project", "CodeBook"), encoding="utf-8")
    result = cli(["import", "qdc", str(path), "--into", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "the XML holds a DOCTYPE declaration" in result.stderr
    assert not (tmp_path / "out").exists()


def test_malformed_xml_names_the_line(cli: Cli, tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "bad.qdpx", "<Project name='x'>\n<Users>\n</Project>\n")
    refused(cli, tmp_path, path, "bad.qdpx:project.qde:3: not well-formed XML")


def test_not_a_zip_no_qde_and_two_qde(cli: Cli, tmp_path: Path) -> None:
    text = tmp_path / "plain.qdpx"
    text.write_text("hello", encoding="utf-8")
    refused(cli, tmp_path, text, "not a REFI-QDA project (a .qdpx is a zip archive)")
    text.unlink()
    empty = make_qdpx(tmp_path / "noqde.qdpx", "x", qde_name="readme.txt")
    refused(cli, tmp_path, empty, "no .qde file in the archive")
    empty.unlink()
    two = make_qdpx(tmp_path / "two.qdpx", qde(), {"other.qde": qde()}, qde_name="one.qde")
    refused(cli, tmp_path, two, "several .qde files in the archive (one.qde, other.qde)")


def test_duplicate_code_guids_are_refused(cli: Cli, tmp_path: Path) -> None:
    codes = (
        f'<Code guid="{gid("c")}" name="A" isCodable="true"/>'
        f'<Code guid="{gid("c").upper()}" name="B" isCodable="true"/>'
    )
    path = make_qdpx(tmp_path / "dup.qdpx", qde(codes=codes))
    refused(cli, tmp_path, path, f"GUID {gid('c').upper()} is used by a Code and a Code")


def test_warnings_missing_source_outside_selection_duplicate_selection(
    cli: Cli, tmp_path: Path
) -> None:
    sels = (
        selection("ok", 6, 31)
        + selection("far", 6, 999)
        + selection("ok", 40, 50).replace(gid("okx"), gid("other"))
    )
    document = qde(source("a", sels) + source("gone", selection("g", 0, 4)))
    path = make_qdpx(tmp_path / "warn.qdpx", document, {f"sources/{gid('a')}.txt": TEXT})
    target = tmp_path / "out"
    result = cli(["import", "qdpx", str(path), "--into", str(target)])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert (
        "warning: 1 GUID(s) used by several selections or codings (first: "
        f"{gid('ok')}); each is imported on its own" in lines
    )
    assert (
        f"warning: selection {gid('far')} of source 'a': positions 6-999 are outside its "
        f"text ({len(TEXT)} characters) or empty: skipped"
    ) in lines
    assert (
        "warning: source 'gone': its text (internal://" + gid("gone") + ".txt) is not in "
        "the file: skipped with its 1 selection(s)"
    ) in lines
    codings = (target / "codings" / "import" / "a.yaml").read_text(encoding="utf-8")
    assert '{"segment": 1, "code": "codes/local", "fp":' in codings
    # 40-50 is "Et un cami": part of the turn "Et un camion.", so a span.
    assert (
        '"segment": 2, "code": "codes/local", "start": 0, "end": 10, "quote": "Et un cami"'
        in codings
    )


def test_a_non_empty_target_is_refused(cli: Cli, tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "p.qdpx", qde())
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    result = cli(["import", "qdpx", str(path), "--into", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"pcrcode: error: '{tmp_path / 'out'}' is not empty: import into a "
        "new or empty folder; nothing was written\n"
    )
    assert snapshot(tmp_path) == before


def test_an_empty_target_folder_is_used(cli: Cli, tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "p.qdpx", qde(source("a")), {f"sources/{gid('a')}.txt": TEXT})
    (tmp_path / "out").mkdir()
    result = cli(["import", "qdpx", str(path), "--into", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "interviews" / "a.md").is_file()


def test_a_failure_while_writing_leaves_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcrcode.errors import PcrcodeError
    from pcrcode.exchange.refi import writer

    def boom(*_: object) -> None:
        raise PcrcodeError("disk full (simulated)")

    monkeypatch.setattr(writer, "codebook_text", boom)  # written last, after the rest
    path = make_qdpx(tmp_path / "p.qdpx", qde(source("a")), {f"sources/{gid('a')}.txt": TEXT})
    refused(cli, tmp_path, path, "disk full (simulated)")


def test_unsafe_names_in_isolation() -> None:
    assert archive.unsafe_name("sources/a.txt") is None
    assert archive.unsafe_name("sources/..a.txt") is None
    assert archive.unsafe_name("a/../../b") == "'..' (it would climb out of the folder)"
    assert archive.unsafe_name("\\\\server\\share") == "an absolute path"
    assert archive.unsafe_name("a\x00b") == "a NUL character"


def test_zip_entries_are_never_extracted(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "p.qdpx", qde(), {"sources/x.txt": TEXT})
    with archive.open_archive(path) as opened:
        assert opened.read("sources/x.txt") == TEXT.encode()
        assert opened.find_source("internal://X.TXT") == "sources/x.txt"
        assert opened.find_source("internal://../x.txt") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.qdpx"]
    assert zipfile.is_zipfile(path)


def test_wrong_kinds_of_files(cli: Cli, tmp_path: Path) -> None:
    project = make_qdpx(tmp_path / "p.qdpx", qde())
    result = cli(["import", "qdc", str(project), "--into", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"pcrcode: error: {project}: this is a zip archive (a .qdpx "
        "project?): use `pcrcode import qdpx`\n"
    )
    project.unlink()
    codebook = make_qdpx(tmp_path / "c.qdpx", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    refused(cli, tmp_path, codebook, "the root element is <CodeBook>, not <Project>")
    result = cli(["import", "qdc", str(tmp_path / "missing.qdc"), "--into", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"pcrcode: error: {tmp_path / 'missing.qdc'}: no such file\n"

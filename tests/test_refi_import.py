"""Importing REFI-QDA files: hand-made fixtures for each vendor quirk, and the real samples."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from pcrcode.project import load_project
from pcrcode.project_checks import check_project
from tests.conftest import SHARED, Cli, snapshot

SAMPLES = SHARED / "samples" / "refi"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the real REFI-QDA samples are not at {SAMPLES}"
)


def make_qdpx(
    path: Path,
    qde: str | bytes,
    files: Mapping[str, bytes | str] | None = None,
    qde_name: str = "project.qde",
) -> Path:
    """A .qdpx archive from a project document and extra entries."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (files or {}).items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def gid(name: str, braces: bool = False, upper: bool = False) -> str:
    value = str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.test"))
    value = value.upper() if upper else value
    return f"{{{value}}}" if braces else value


def u16(raw: str, index: int) -> int:
    """Offset of raw[index] in UTF-16 units over the raw text (CRLF counted as two)."""
    return len(raw[:index].encode("utf-16-le")) // 2


def cp_lf(raw: str, index: int) -> int:
    """Offset of raw[index] in code points with CRLF counted once."""
    return len(raw[:index].replace("\r\n", "\n"))


def codings_of(root: Path) -> list[tuple[str, str, int, str, int | None, int | None, str, str]]:
    project = load_project(root)
    return sorted(
        (c.coder, c.interview, c.segment, c.code, c.start, c.end, c.quote, c.memo)
        for c in project.codings
    )


# --- NVivo for Windows: UTF-16 units, CRLF as two, emoji, empty names, case membership ---------

NVIVO_RAW = (
    "Interviewer: Bonjour 😀 et bienvenue.\r\n\r\n"
    "Marie: Nous travaillons avec 🚲 les ateliers vélo du quartier.\r\n\r\n"
    "Interviewer: Et la mutualisation 🤝 ?\r\n\r\n"
    "Marie: On partage un camion 🚚 avec la recyclerie depuis 2019.\r\n"
)


def _span(raw: str, text: str, until: str | None = None) -> tuple[int, int]:
    start = raw.index(text)
    end = raw.index(until) + len(until) if until else start + len(text)
    return start, end


def nvivo_qdpx(path: Path) -> Path:
    raw = NVIVO_RAW
    s1 = _span(raw, "les ateliers vélo")
    s2 = _span(raw, "On partage un camion 🚚 avec la recyclerie depuis 2019.")
    s3 = _span(raw, "mutualisation", until="un camion")
    s4 = _span(raw, "Nous travaillons")

    def sel(name: str, span: tuple[int, int], target: str, user: str) -> str:
        return (
            f'<PlainTextSelection guid="{gid(name)}" name="" '
            f'startPosition="{u16(raw, span[0])}" endPosition="{u16(raw, span[1])}" '
            f'creatingUser="{gid(user)}">'
            f'<Description /><Coding guid="{gid(name + "c")}" creatingUser="{gid(user)}">'
            f'<CodeRef targetGUID="{gid(target)}"/></Coding></PlainTextSelection>'
        )

    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Étude NVivo" origin="NVivo 14 (Windows)"
 creationDateTime="2026-01-05T10:00:00Z">
<Users><User guid="{gid("anne")}" name="Anne Dupont"/>
 <User guid="{gid("nameless")}" name=""/></Users>
<CodeBook><Codes>
 <Code guid="{gid("coop")}" name="Coopération" isCodable="true"><Description />
  <Code guid="{gid("echange")}" name="Échange" isCodable="true"/>
  <Code guid="{gid("mutu")}" name="Mutualisation" isCodable="true"/>
 </Code>
 <Code guid="{gid("divers")}" name="Divers" isCodable="true"><Description /></Code>
 <Code guid="{gid("empty")}" name="" isCodable="true"/>
</Codes></CodeBook>
<Variables>
 <Variable guid="{gid("age")}" name="Cases:Âge" typeOfVariable="Integer"><Description /></Variable>
 <Variable guid="{gid("region")}" name="Cases:Région" typeOfVariable="Text"/>
</Variables>
<Cases><Case guid="{gid("marie")}" name="Marie Curie"><Description />
 <VariableValue><VariableRef targetGUID="{gid("age")}"/>
  <IntegerValue>42</IntegerValue></VariableValue>
 <VariableValue><VariableRef targetGUID="{gid("region")}"/>
  <TextValue>Isère</TextValue></VariableValue>
</Case></Cases>
<Sources><TextSource guid="{gid("src")}" name="Entretien Marie"
 plainTextPath="internal://{gid("src")}.txt"
 richTextPath="internal://{gid("src")}.docx" creationDateTime="2026-01-06T09:00:00Z">
{sel("s1", s1, "echange", "anne")}
{sel("s2", s2, "mutu", "anne")}
{sel("s3", s3, "divers", "nameless")}
{sel("s4", s4, "marie", "anne")}
{sel("s5", s1, "empty", "anne")}
</TextSource></Sources>
</Project>"""
    return make_qdpx(
        path,
        qde,
        {
            f"sources/{gid('src')}.txt": b"\xef\xbb\xbf" + raw.encode(),
            f"sources/{gid('src')}.docx": b"PK not really a docx",
        },
    )


def test_nvivo_windows_offsets_emoji_crlf_and_case_membership(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "projet"
    result = cli(
        ["import", "qdpx", str(nvivo_qdpx(tmp_path / "nvivo.qdpx")), "--into", str(target)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert (
        "entretien-marie: offsets in UTF-16 units, CRLF counted as two (utf16-crlf): "
        "10/10 span ends on word boundaries (no quotes to compare)"
    ) in result.stderr
    assert "discarded: 1 rich-text copies of sources (richTextPath)" in result.stderr
    assert codings_of(target) == [
        ("anne-dupont", "entretien-marie", 2, "codes/code", 24, 41, "les ateliers vélo", ""),
        (
            "anne-dupont",
            "entretien-marie",
            2,
            "cooperation/echange",
            24,
            41,
            "les ateliers vélo",
            "",
        ),
        ("anne-dupont", "entretien-marie", 4, "cooperation/mutualisation", None, None, "", ""),
        (
            "user-" + gid("nameless")[:8],
            "entretien-marie",
            3,
            "codes/divers",
            6,
            23,
            "mutualisation 🤝 ?",
            "",
        ),
        (
            "user-" + gid("nameless")[:8],
            "entretien-marie",
            4,
            "codes/divers",
            0,
            20,
            "On partage un camion",
            "",
        ),
    ]
    project = load_project(target)
    interview = project.interviews["entretien-marie"]
    assert [(t.speaker, t.text) for t in interview.turns] == [
        ("Interviewer", "Bonjour 😀 et bienvenue."),
        ("Marie", "Nous travaillons avec 🚲 les ateliers vélo du quartier."),
        ("Interviewer", "Et la mutualisation 🤝 ?"),
        ("Marie", "On partage un camion 🚚 avec la recyclerie depuis 2019."),
    ]
    assert interview.meta["title"] == "Entretien Marie"
    # NVivo's case membership: a coding whose code is the case links the source to it.
    assert interview.structure == "marie-curie"
    marie = project.registry.structures["marie-curie"]
    assert (marie.name, marie.interviewed, dict(marie.extra)) == (
        "Marie Curie",
        True,
        {"age": 42, "region": "Isère"},
    )
    assert sorted(project.codebook.families) == ["codes", "cooperation"]
    assert [c.label for c in project.codebook.codes.values()] == [
        "Échange",
        "Mutualisation",
        "Divers",
        "code",
    ]
    assert (target / "interviews" / "entretien-marie.md").is_file()


def test_offsets_option_forces_the_unit(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "projet"
    result = cli(
        [
            "import",
            "qdpx",
            str(nvivo_qdpx(tmp_path / "nvivo.qdpx")),
            "--into",
            str(target),
            "--offsets",
            "codepoints",
        ]
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "entretien-marie: offsets in code points, a line break counted once (codepoints), as asked"
    ) in result.stderr
    # Wrong unit, as asked: "les ateliers vélo" is read four characters late (two emoji counted
    # as two units each, two CRLF as two characters each, before it); ends trimmed.
    quotes = {c[6] for c in codings_of(target)}
    assert "ateliers vélo du" in quotes


def test_offsets_option_rejects_an_unknown_unit(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        [
            "import",
            "qdpx",
            str(nvivo_qdpx(tmp_path / "nvivo.qdpx")),
            "--into",
            str(tmp_path / "p"),
            "--offsets",
            "bytes",
        ]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "p").exists()


# --- MAXQDA / ATLAS.ti: Sources/, another .qde name, namespace 1:0, braces, CRLF counted once ----

MAXQDA_RAW = (
    "Le projet a commencé en 2015 avec trois associations.\r\n"
    "Elles partagent un local rue Jean-Jaurès.\r\n\r\n"
    "Ensuite la coopérative a rejoint le groupe.\r\n\r\n"
    "Aujourd'hui nous mutualisons la comptabilité.\r\n"
)


def maxqda_qdpx(path: Path) -> Path:
    raw = MAXQDA_RAW

    def sel(name: str, text: str, target: str | None, extra: str = "") -> str:
        start, end = _span(raw, text)
        coding = (
            f'<Coding guid="{gid(name + "c", True, True)}" '
            f'creatingUser="{gid("max", True, True)}"><CodeRef targetGUID="'
            f'{gid(target).lower()}"/></Coding>'
            if target
            else ""
        )
        memo = f'<NoteRef targetGUID="{gid("memo", True)}"/>' if name == "m3" else ""
        return (
            f'<PlainTextSelection guid="{gid(name, True, True)}" name="{text}" '
            f'startPosition="{cp_lf(raw, start)}" endPosition="{cp_lf(raw, end)}" '
            f'creatingUser="{gid("max", True, True)}">{extra}{coding}{memo}'
            f"</PlainTextSelection>"
        )

    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1:0" name="Étude MAXQDA" origin="MAXQDA 2022">
<Users><User guid="{gid("max", True, True)}" name="Maxime"/></Users>
<CodeBook><Codes>
 <Code guid="{gid("forme", True, True)}" name="Forme" isCodable="true">
  <Description/>
  <Code guid="{gid("local", True, True)}" name="Local partagé" isCodable="false"/>
  <Code guid="{gid("adhesion", True, True)}" name="Adhésion" isCodable="true"/>
  <Code guid="{gid("mutu", True, True)}" name="Mutualisation" isCodable="true"/>
 </Code>
</Codes></CodeBook>
<Variables><Variable guid="{gid("annee", True, True)}" name="Année" typeOfVariable="Integer"/>
<Variable guid="{gid("ville", True, True)}" name="Ville" typeOfVariable="Text"/></Variables>
<Sources><TextSource guid="{gid("doc", True, True)}" name="Projet collectif"
 plainTextPath="DOC1.TXT">
{sel("m1", "un local rue Jean-Jaurès", "local")}
{sel("m2", "Ensuite la coopérative a rejoint le groupe.", "adhesion")}
{sel("m3", "mutualisons la comptabilité", "mutu")}
{sel("m4", "trois associations", None, "<Description>À vérifier</Description>")}
<VariableValue><VariableRef targetGUID="{gid("annee", True, True)}"/>
 <IntegerValue>2015</IntegerValue></VariableValue>
<VariableValue><VariableRef targetGUID="{gid("ville", True, True)}"/>
 <TextValue>Grenoble</TextValue></VariableValue>
</TextSource></Sources>
<Notes><Note guid="{gid("memo", True, True)}" name="Mémo">
 <PlainTextContent>Mutualisation administrative.</PlainTextContent></Note>
<Note guid="{gid("loose")}" name="Orphan"><PlainTextContent>Not attached</PlainTextContent></Note>
</Notes>
<Sets><Set guid="{gid("set", True)}" name="Ensemble"/></Sets>
</Project>"""
    return make_qdpx(
        path,
        qde,
        {"Sources/doc1.txt": raw, "Sources/Thumbs.db": b"\x00"},
        qde_name="Étude MAXQDA.qde",
    )


def test_maxqda_atlas_quirks(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "projet"
    result = cli(["import", "qdpx", str(maxqda_qdpx(tmp_path / "m.qdpx")), "--into", str(target)])
    assert result.exit_code == 0, result.stderr
    assert (
        "projet-collectif: offsets in code points, a line break counted once (codepoints): "
        "4/4 selection names match the text"
    ) in result.stderr
    for line in (
        "discarded: 1 Sets",
        "discarded: 1 comments without a code (PlainTextSelection)",
        "discarded: 1 notes not attached to an imported coding (Notes/Note)",
        "discarded: 1 stray file(s) in the archive: Sources/Thumbs.db",
    ):
        assert line in result.stderr.splitlines()
    assert codings_of(target) == [
        (
            "maxime",
            "projet-collectif",
            1,
            "forme/local-partage",
            70,
            94,
            "un local rue Jean-Jaurès",
            "",
        ),
        ("maxime", "projet-collectif", 2, "forme/adhesion", None, None, "", ""),
        (
            "maxime",
            "projet-collectif",
            3,
            "forme/mutualisation",
            17,
            44,
            "mutualisons la comptabilité",
            "Mutualisation administrative.",
        ),
    ]
    project = load_project(target)
    interview = project.interviews["projet-collectif"]
    assert [(t.speaker, t.text) for t in interview.turns] == [
        (
            "",
            "Le projet a commencé en 2015 avec trois associations. Elles partagent un local "
            "rue Jean-Jaurès.",
        ),
        ("", "Ensuite la coopérative a rejoint le groupe."),
        ("", "Aujourd'hui nous mutualisons la comptabilité."),
    ]
    # No speakers: a YAML transcript; no case: a structure of its own with MAXQDA's variables.
    assert (target / "interviews" / "projet-collectif.yaml").is_file()
    # "Local partagé" is marked not codable, but coded: made codable so the coding stays valid.
    assert project.codebook.codes["forme/local-partage"].codable
    structure = project.registry.structures[interview.structure or ""]
    assert dict(structure.extra) == {"annee": 2015, "ville": "Grenoble"}
    assert not [
        f
        for f in check_project(target)
        if f.severity == "error" and f.rule not in ("missing-definition",)
    ]


# --- Codebooks: namespace codebook:1:0, empty names, isCodable on parents, duplicate names ------

QDC_ODD = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1:0" origin="Fait main">
 <Codes>
  <Code guid="{gid("f", True, True)}" name="Forme" isCodable="true">
   <Description>Comment les structures coopèrent.</Description>
   <Code guid="{gid("p1")}" name="Partenariat" isCodable="true"/>
   <Code guid="{gid("p2")}" name="Partenariat" isCodable="true">
    <Code guid="{gid("p3")}" name="Partenariat" isCodable="true"/></Code>
   <Code guid="{gid("e")}" name="" isCodable="true"/>
  </Code>
  <Code guid="{gid("n")}" name="" isCodable="false">
   <Code guid="{gid("r")}" name="Réseau !" isCodable="false"/></Code>
 </Codes>
 <Sets><Set guid="{gid("s")}" name="S"><MemberCode guid="{gid("p1")}"/></Set></Sets>
</CodeBook>"""


def test_qdc_with_odd_namespace_and_names(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "odd.qdc"
    source.write_text(QDC_ODD, encoding="utf-8")
    result = cli(["import", "qdc", str(source), "--into", str(tmp_path / "p")])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "discarded: 1 sets of codes (Sets)",
        f"wrote {tmp_path / 'p' / 'codebook.yaml'} from Fait main: 2 families, 5 codes",
    ]
    text = (tmp_path / "p" / "codebook.yaml").read_text(encoding="utf-8")
    assert text.endswith("""families:
  forme:
    label: Forme
    definition: Comment les structures coopèrent.
  famille:
    label: famille
codes:
- id: forme/partenariat
  label: Partenariat
- id: forme/partenariat-2
  label: Partenariat
- id: forme/partenariat-2/partenariat
  label: Partenariat
- id: forme/code
  label: code
- id: famille/reseau
  label: Réseau !
  codable: false
""")


def test_qdc_refuses_to_replace_a_codebook(cli: Cli, small: Path) -> None:
    source = small / "odd.qdc"
    source.write_text(QDC_ODD, encoding="utf-8")
    before = snapshot(small)
    result = cli(["import", "qdc", str(source), "--into", str(small)])
    assert result.exit_code == 1
    assert result.stderr.startswith("pcrcode: error: ")
    assert "codebook.yaml' already exists" in result.stderr
    assert snapshot(small) == before


# --- The real exports -------------------------------------------------------------------------


@needs_samples
def test_taguette_codebook(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        ["import", "qdc", str(SAMPLES / "taguette-1.4.1-codebook.qdc"), "--into", str(tmp_path)]
    )
    assert result.exit_code == 0, result.stderr
    codebook = load_project(tmp_path).codebook
    assert [(c.id, c.label) for c in codebook.codes.values()] == [
        ("codes/xsd-element-name", "xsd:element name"),
        ("codes/codebook", "CodeBook"),
        ("codes/variables", "Variables"),
    ]


@needs_samples
def test_atlas_nested_codes(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "p"
    result = cli(
        ["import", "qdpx", str(SAMPLES / "atlasti-23.2-nested-codes.qdpx"), "--into", str(target)]
    )
    assert result.exit_code == 0, result.stderr
    codebook = load_project(target).codebook
    assert list(codebook.families) == ["commits"]
    assert [(c.id, c.codable) for c in codebook.codes.values()] == [
        ("commits/2022-05-10t02-05-59z-19e4dce", True),
        ("commits/2022-02-11t10-39-25z-cdbfd92", True),
    ]


@needs_samples
def test_nvivo_mac_codebook_only(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "p"
    result = cli(
        ["import", "qdpx", str(SAMPLES / "nvivo-mac-15-codebook-only.qdpx"), "--into", str(target)]
    )
    assert result.exit_code == 0, result.stderr
    assert "discarded: 1 stray file(s) in the archive: sources/.root" in result.stderr
    assert "discarded: 2 empty text sources" in result.stderr
    project = load_project(target)
    assert len(project.codebook.families) + len(project.codebook.codes) == 262
    # Same name under different parents: distinct ids.
    assert {
        "rq1_definition/competencies/programming",
        "rq1_definition/framings/cs_as_programming/programming",
    } <= set(project.codebook.codes)
    assert max(c.depth for c in project.codebook.codes.values()) == 6
    assert (
        "rq2_curriculum_and_instruction/curriculum/interdisciplinary_cs/other_subject_areas/"
        "stem/math/algebra"
    ) in project.codebook.codes
    assert project.interviews == {}


@needs_samples
def test_qc_line_selections(cli: Cli, tmp_path: Path) -> None:
    sample = SAMPLES / "qc-1.3.2-line-selections.qdpx"
    target = tmp_path / "p"
    result = cli(["import", "qdpx", str(sample), "--into", str(target)])
    assert result.exit_code == 0, result.stderr
    assert (
        "board_2017: offsets in code points, a line break counted once (codepoints): "
        "316/316 span ends on word boundaries (no quotes to compare)"
    ) in result.stderr
    with zipfile.ZipFile(sample) as archive:
        root = ET.fromstring(archive.read("project.qde"))
    ns = "{urn:QDA-XML:project:1.0}"
    assert len(root.findall(f".//{ns}PlainTextSelection")) == 158
    assert len(root.findall(f".//{ns}Coding")) == 205
    project = load_project(target)
    assert sorted(project.interviews) == ["admin-1", "board_2017"]
    assert len(project.codings) == 205  # every selection is one line of one turn
    assert project.coders() == ["cp"]
    first = [c for c in project.codings if c.interview == "board_2017" and c.segment == 2]
    assert sorted(c.quote for c in first) == [
        "This district goal is engage every student in joyful, purposeful learning that",
        "maximizes each student's opportunity to excel academically. Action step five",
    ]
    bad = [
        f
        for f in check_project(target)
        if f.rule
        in (
            "stale-quote",
            "stale-fingerprint",
            "unknown-segment",
            "unknown-code",
            "unknown-interview",
            "duplicate-coding",
            "not-codable",
            "syntax",
        )
    ]
    assert bad == []

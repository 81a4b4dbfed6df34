"""The findings as a report section: records are the JSON results, rows in the caller's words."""

from __future__ import annotations

from pathlib import Path

from pcrcode.files.diagnostics import Diagnostics
from pcrcode.findings.declaration import declared_findings
from pcrcode.findings.evaluate import evaluate_all
from pcrcode.findings.section import findings_section
from pcrcode.project import load_project
from tests.conftest import ROOT


def test_section_carries_every_result_in_the_given_words(example: Path) -> None:
    (example / "findings.yaml").write_bytes((ROOT / "findings.yaml").read_bytes())
    project = load_project(example, Diagnostics(example))
    declaration = declared_findings(project)
    assert declaration is not None
    report = evaluate_all(project, declaration, "findings.yaml")
    section = findings_section(report, {"heading": "Constats", "holds": "vérifié"})
    assert (section.id, section.kind, section.heading) == ("findings", "findings", "Constats")
    assert [r["id"] for r in section.records] == [f.id for f in declaration.findings]
    assert {r["status_label"] for r in section.records} == {"vérifié"}
    assert section.data["rows"][7] == [
        "La mutualisation de personnels est totalement absente.",
        "vérifié",
        "0/18",
        "",
    ]
    assert section.data["rows"][4][2] == "6/6 = 1 · 6/8 = 0.75"
    assert section.data["summary"] == {"holds": 10, "fails": 0, "undefined": 0}

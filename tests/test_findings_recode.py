"""findings.yaml follows codebook rename, merge and move, in the same step as the codings."""

from __future__ import annotations

from pathlib import Path

from pcrcode.findings.recode import recode_text
from tests.conftest import Cli as CLI


def test_ids_are_replaced_whole_and_descendants_first() -> None:
    text = (
        "value: {has: logique/reseau/* AND logique/reseau/politique}\n"
        "is: [logique/reseau, logique/reseau-bis]\n"
        "# logique/reseau.yaml stays\n"
    )
    recode = {
        "logique/reseau": "logique/lien",
        "logique/reseau/politique": "logique/lien/politique",
    }
    new, done = recode_text(text, recode)
    assert new == (
        "value: {has: logique/lien/* AND logique/lien/politique}\n"
        "is: [logique/lien, logique/reseau-bis]\n"
        "# logique/reseau.yaml stays\n"
    )
    assert done == {
        ("logique/reseau", "logique/lien"): 2,
        ("logique/reseau/politique", "logique/lien/politique"): 1,
    }


def test_rename_rewrites_findings_and_they_still_hold(cli: CLI, example: Path) -> None:
    run = cli(
        ["codebook", "rename", "objet/personnels", "objet/staff", "--format", "csv"], cwd=example
    )
    assert run.exit_code == 0, run.stderr
    assert (
        run.stdout.splitlines()[-1] == "findings.yaml,recode-finding,objet/personnels,objet/staff,1"
    )
    # The second coder's two codings follow too (left out of the findings: not the main coder).
    assert run.stderr == "rewrote codebook.yaml, findings.yaml and 2 coding file(s) (2 coding(s))\n"
    assert "value: {has: objet/staff}" in (example / "findings.yaml").read_text(encoding="utf-8")
    findings = cli(["findings"], cwd=example)
    assert findings.exit_code == 0, findings.stderr
    check = cli(["check"], cwd=example)
    assert (check.exit_code, check.stdout) == (0, "")


def test_a_dry_run_leaves_findings_alone(cli: CLI, example: Path) -> None:
    before = (example / "findings.yaml").read_bytes()
    run = cli(
        ["codebook", "rename", "objet/financier", "objet/tresorerie", "--dry-run"], cwd=example
    )
    assert run.exit_code == 0, run.stderr
    assert "recode-finding" in run.stdout
    assert (example / "findings.yaml").read_bytes() == before

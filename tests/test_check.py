"""`pcrcode check`: a clean project is silent; each broken fixture is reported with rule and line.

Each case under tests/data/check/<case>/ is an overlay on tests/data/small (the files it breaks)
and `expected.txt`, the exact findings `check` must print.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT, Run, copy_project, run_cli

CASES = sorted(p.name for p in (DATA / "check").iterdir() if p.is_dir())


def broken_project(case: str, tmp_path: Path) -> Path:
    project = copy_project(DATA / "small", tmp_path / case)
    shutil.copytree(DATA / "check" / case / "overlay", project, dirs_exist_ok=True)
    return project


def check(project: Path, *args: str) -> Run:
    return run_cli(["--project", str(project), "check", *args])


def test_example_project_is_clean(tmp_path: Path) -> None:
    # A copy: the checkout itself is a git clone, where check also asks for the merge driver
    # (tests/test_git_merge.py), which only `pcrcode git setup` in that clone provides.
    result = check(copy_project(ROOT, tmp_path / "example"))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_small_fixture_is_clean(small: Path) -> None:
    result = check(small)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize("case", CASES)
def test_broken_fixture_reported_with_rule_and_line(case: str, tmp_path: Path) -> None:
    result = check(broken_project(case, tmp_path))
    expected = (DATA / "check" / case / "expected.txt").read_text(encoding="utf-8")
    assert result.exception is None
    assert result.exit_code == 1
    assert result.stdout == expected
    # The case is named after the rule it exercises: that rule must be among the findings.
    assert f"[{case}]" in result.stdout
    assert result.stderr.endswith("warning(s)\n")


def test_every_case_is_a_known_rule() -> None:
    from pcrcode.project_checks import RULES

    assert set(CASES) <= set(RULES)


def test_json_format_has_one_record_per_finding(tmp_path: Path) -> None:
    project = broken_project("unknown-key", tmp_path)
    result = check(project, "--format", "json")
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert records == [
        {
            "path": "codebook.yaml",
            "line": 31,
            "col": 5,
            "severity": "error",
            "rule": "missing-definition",
            "message": "code 'forme/partenariat' has no definition",
        },
        {
            "path": "codebook.yaml",
            "line": 35,
            "col": 5,
            "severity": "error",
            "rule": "unknown-key",
            "message": "unknown key 'defintion' in a code (did you mean 'definition'?)",
        },
    ]


def test_warnings_pass_with_fail_on_error(tmp_path: Path) -> None:
    project = broken_project("text-outside-turns", tmp_path)
    assert check(project).exit_code == 1
    result = check(project, "--fail-on", "error")
    assert result.exit_code == 0
    assert "[text-outside-turns]" in result.stdout


def test_check_outside_a_project_is_one_line(tmp_path: Path) -> None:
    result = run_cli(["check"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("pcrcode: error: no codebook.yaml here or in any parent")
    assert result.stderr.count("\n") == 1


def test_project_found_from_a_subfolder(small: Path) -> None:
    result = run_cli(["check"], cwd=small / "interviews")
    assert (result.exit_code, result.stdout) == (0, "")


def test_rules_are_listed() -> None:
    result = run_cli(["check", "--rules"])
    assert result.exit_code == 0
    assert "stale-fingerprint\t" in result.stdout

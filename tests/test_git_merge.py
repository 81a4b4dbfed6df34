"""The merge driver with real git: branches that code the same interview as the same coder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project, run_cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git binary")

CODINGS = "codings/camille/jardins-du-drac.yaml"


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HOME": str(repo.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Camille",
        "GIT_AUTHOR_EMAIL": "camille@example.org",
        "GIT_COMMITTER_NAME": "Camille",
        "GIT_COMMITTER_EMAIL": "camille@example.org",
    }
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {result.stdout}{result.stderr}")
    return result


def tag(repo: Path, segment: str, code: str, memo: str = "") -> None:
    args = ["--project", str(repo), "tag", "jardins-du-drac", segment, code, "--coder", "camille"]
    if memo:
        args += ["--memo", memo]
    result = run_cli(args)
    assert result.exit_code == 0, result.stderr


def untag(repo: Path, segment: str, code: str) -> None:
    args = ["--project", str(repo), "untag", "jardins-du-drac", segment, code]
    result = run_cli([*args, "--coder", "camille"])
    assert result.exit_code == 0, result.stderr


def records(repo: Path) -> list[dict[str, object]]:
    lines = (repo / CODINGS).read_text(encoding="utf-8").splitlines()
    return [json.loads(line[2:]) for line in lines if line.startswith("- {")]


def keys(repo: Path) -> set[tuple[object, object]]:
    return {(r["segment"], r["code"]) for r in records(repo)}


def check(repo: Path) -> tuple[int, str]:
    result = run_cli(["--project", str(repo), "check"])
    return result.exit_code, result.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    project = copy_project(ROOT, tmp_path / "projet")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "example")
    return project


def with_driver(repo: Path) -> Path:
    result = run_cli(["--project", str(repo), "git", "setup"])
    assert result.exit_code == 0, result.stderr
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-q", "-m", "pcrcode merge driver")
    return repo


def branches(
    repo: Path, mine: list[tuple[str, str, str]], theirs: list[tuple[str, str, str]]
) -> None:
    """Branch `field` codes `theirs` and main codes `mine`, each committed."""
    git(repo, "checkout", "-q", "-b", "field")
    for segment, code, memo in theirs:
        tag(repo, segment, code, memo)
    git(repo, "commit", "-q", "-am", "field work")
    git(repo, "checkout", "-q", "main")
    for segment, code, memo in mine:
        tag(repo, segment, code, memo)
    git(repo, "commit", "-q", "-am", "lab work")


def test_setup_writes_attributes_and_config_idempotently(repo: Path) -> None:
    first = run_cli(["--project", str(repo), "git", "setup"])
    assert first.exit_code == 0
    assert ".gitattributes: added codings/** merge=pcrcode, memos/** merge=pcrcode" in first.stderr
    assert "git config merge.pcrcode.driver:" in first.stderr
    attributes = (repo / ".gitattributes").read_text(encoding="utf-8")
    assert attributes.splitlines()[-2:] == ["codings/** merge=pcrcode", "memos/** merge=pcrcode"]
    driver = git(repo, "config", "--get", "merge.pcrcode.driver").stdout
    assert driver.rstrip("\n").endswith("-m pcrcode merge-file %O %A %B --path %P")
    again = run_cli(["--project", str(repo), "git", "setup"])
    assert (again.exit_code, again.stderr) == (
        0,
        "already set up: coding and memo files merge by content\n",
    )
    assert (repo / ".gitattributes").read_text(encoding="utf-8") == attributes


def test_setup_outside_git_is_one_line(tmp_path: Path) -> None:
    project = copy_project(ROOT, tmp_path / "projet")
    result = run_cli(["--project", str(project), "git", "setup"])
    assert result.exit_code == 1
    assert result.stderr.startswith("pcrcode: error: ")
    assert "is not in a git repository: run `git init` there first" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (project / ".gitattributes").exists()


def test_check_warns_until_the_driver_is_set_up(repo: Path) -> None:
    code, out = check(repo)
    assert code == 1
    assert out == (
        ".gitattributes:1:1: warning: .gitattributes lacks codings/** merge=pcrcode, memos/** "
        "merge=pcrcode: git would merge coding files line by line and stop on conflicts; run "
        "`pcrcode git setup` [git-merge-driver]\n"
        ".gitattributes:1:1: warning: this clone has no merge.pcrcode.driver in its git config: "
        "git would merge coding files line by line and stop on conflicts; run `pcrcode git "
        "setup` [git-merge-driver]\n"
    )
    with_driver(repo)
    assert check(repo) == (0, "")


def test_neighbouring_codings_with_memos_merge_without_conflict(repo: Path) -> None:
    """The issue's case: both branches add codings next to each other, with memos."""
    with_driver(repo)
    before = keys(repo)
    branches(
        repo,
        mine=[("5", "forme/partenariat", "Côté labo.")],
        theirs=[
            ("5", "objet/communication-representation", "Côté terrain."),
            ("7", "forme/echange-informations", ""),
        ],
    )
    merged = git(repo, "merge", "--no-edit", "field", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "<<<<<<<" not in (repo / CODINGS).read_text(encoding="utf-8")
    assert keys(repo) == before | {
        (5, "forme/partenariat"),
        (5, "objet/communication-representation"),
        (7, "forme/echange-informations"),
    }
    memos = {(r["segment"], r["code"]): r.get("memo") for r in records(repo)}
    assert memos[(5, "forme/partenariat")] == "Côté labo."
    assert memos[(5, "objet/communication-representation")] == "Côté terrain."
    assert check(repo) == (0, "")


def test_without_the_driver_the_same_merge_conflicts(repo: Path) -> None:
    branches(
        repo,
        mine=[("5", "forme/partenariat", "Côté labo.")],
        theirs=[("5", "objet/communication-representation", "Côté terrain.")],
    )
    merged = git(repo, "merge", "--no-edit", "field", check=False)
    assert merged.returncode == 1
    assert "CONFLICT (content)" in merged.stdout
    assert "<<<<<<<" in (repo / CODINGS).read_text(encoding="utf-8")


def test_same_coding_with_different_memos_keeps_both(repo: Path) -> None:
    with_driver(repo)
    branches(
        repo,
        mine=[("5", "forme/partenariat", "Lu comme un partenariat.")],
        theirs=[("5", "forme/partenariat", "Plutôt un échange ?")],
    )
    merged = git(repo, "merge", "--no-edit", "field", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "segment 5, forme/partenariat: memo edited on both sides" in merged.stderr
    same = [r for r in records(repo) if (r["segment"], r["code"]) == (5, "forme/partenariat")]
    assert len(same) == 1
    assert same[0]["memo"] == "Lu comme un partenariat.\n\n* * *\n\nPlutôt un échange ?"
    assert check(repo) == (0, "")


def test_removal_against_change_is_a_conflict_check_explains(repo: Path) -> None:
    with_driver(repo)
    git(repo, "checkout", "-q", "-b", "field")
    untag(repo, "8", "forme/partenariat")
    git(repo, "commit", "-q", "-am", "field: not a partnership")
    git(repo, "checkout", "-q", "main")
    result = run_cli(
        [
            "--project",
            str(repo),
            "memo",
            "add",
            "coding",
            "jardins-du-drac:8:forme/partenariat",
            "--text",
            "Confirmé en réunion.",
            "--coder",
            "camille",
        ]
    )
    assert result.exit_code == 0, result.stderr
    git(repo, "commit", "-q", "-am", "lab: memo")
    merged = git(repo, "merge", "--no-edit", "field", check=False)
    assert merged.returncode == 1
    assert "removed on theirs side, changed on ours side" in merged.stderr
    text = (repo / CODINGS).read_text(encoding="utf-8")
    assert "<<<<<<<" not in text
    code, out = check(repo)
    assert code == 1
    [line] = [x for x in out.splitlines() if "merge-conflict" in x]
    assert line.startswith(f"{CODINGS}:")
    assert line.endswith(
        ": error: unresolved merge: removed on theirs side, changed on ours side; to keep this "
        'coding delete its "conflict" key, to drop it delete the line [merge-conflict]'
    )


def test_rebase_and_cherry_pick_go_through_the_driver(repo: Path) -> None:
    with_driver(repo)
    branches(
        repo,
        mine=[("5", "forme/partenariat", "")],
        theirs=[("5", "objet/communication-representation", "")],
    )
    git(repo, "checkout", "-q", "-b", "picked", "main")
    picked = git(repo, "cherry-pick", "field", check=False)
    assert picked.returncode == 0, picked.stdout + picked.stderr
    assert {(5, "forme/partenariat"), (5, "objet/communication-representation")} <= keys(repo)
    git(repo, "checkout", "-q", "field")
    rebased = git(repo, "rebase", "-q", "main", check=False)
    assert rebased.returncode == 0, rebased.stdout + rebased.stderr
    assert {(5, "forme/partenariat"), (5, "objet/communication-representation")} <= keys(repo)
    assert check(repo) == (0, "")

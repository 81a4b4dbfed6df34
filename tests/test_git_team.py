"""A team on git: merge-file's rules, CI templates, check's forge formats, status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pcrcode.git.merge import SEPARATOR, merge_codings, merge_memo
from tests.conftest import ROOT, copy_project, run_cli
from tests.test_git_merge import git, tag

HEADER = "pcrcode: 1\ninterview: x\ncoder: ana\ncodings:\n"
NAME = "codings/ana/x.yaml"


def coding_file(*records: str) -> str:
    return HEADER + "".join(f"- {r}\n" for r in records)


A = '{"segment": 2, "code": "f/a", "fp": "p2", "at": "2026-01-01T00:00:00Z"}'
B = '{"segment": 3, "code": "f/b", "fp": "p3", "at": "2026-01-02T00:00:00Z"}'
C = '{"segment": 3, "code": "f/c", "fp": "p3", "at": "2026-01-03T00:00:00Z"}'
SPAN = (
    '{"segment": 3, "code": "f/b", "start": 0, "end": 4, "quote": "Oui,", "fp": "p3", '
    '"at": "2026-01-04T00:00:00Z"}'
)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


def test_additions_on_both_sides_are_a_union_in_canonical_order() -> None:
    result = merge_codings(coding_file(A), coding_file(A, C), coding_file(A, B, SPAN), NAME)
    assert (result.conflicts, result.warnings) == ((), ())
    assert lines(result.text) == [f"- {A}", f"- {B}", f"- {SPAN}", f"- {C}"]
    # The same merge with the sides swapped gives the same bytes.
    swapped = merge_codings(coding_file(A), coding_file(A, B, SPAN), coding_file(A, C), NAME)
    assert swapped.text == result.text


def test_the_same_coding_added_on_both_sides_is_one_coding() -> None:
    later = B.replace("2026-01-02", "2026-02-01")
    result = merge_codings(coding_file(A), coding_file(A, later), coding_file(A, B), NAME)
    assert lines(result.text) == [f"- {A}", f"- {B}"]  # the first time it was coded


def test_removed_on_one_side_and_untouched_on_the_other_is_removed() -> None:
    result = merge_codings(coding_file(A, B), coding_file(A, B, C), coding_file(A), NAME)
    assert lines(result.text) == [f"- {A}", f"- {C}"]
    assert result.conflicts == ()


def test_a_memo_edited_on_one_side_wins() -> None:
    edited = B.replace("}", ', "memo": "vu"}')
    result = merge_codings(coding_file(B), coding_file(B), coding_file(edited), NAME)
    assert lines(result.text) == [f"- {edited}"]


def test_memos_edited_differently_on_both_sides_are_kept_both() -> None:
    ours, theirs = B.replace("}", ', "memo": "un"}'), B.replace("}", ', "memo": "deux"}')
    result = merge_codings(coding_file(B), coding_file(ours), coding_file(theirs), NAME)
    [line] = lines(result.text)
    assert json.loads(line[2:])["memo"] == f"un{SEPARATOR}deux"
    assert result.warnings == (
        "segment 3, f/b: memo edited on both sides; both kept, separated by '* * *'",
    )


def test_removal_against_change_is_kept_with_a_conflict_key() -> None:
    changed = B.replace("}", ', "memo": "gardé"}')
    result = merge_codings(coding_file(A, B), coding_file(A, changed), coding_file(A), NAME)
    assert result.conflicts == ("segment 3, f/b: removed on theirs side, changed on ours side",)
    record = json.loads(lines(result.text)[1][2:])
    assert record["conflict"] == "removed on theirs side, changed on ours side"
    assert record["memo"] == "gardé"


def test_a_duplicate_left_by_a_half_resolved_conflict_keeps_both_memos() -> None:
    one, two = B.replace("}", ', "memo": "A"}'), B.replace("}", ', "memo": "B"}')
    result = merge_codings(coding_file(), coding_file(one, two), coding_file(), NAME)
    [line] = lines(result.text)
    assert json.loads(line[2:])["memo"] == f"A{SEPARATOR}B"


def test_an_unreadable_side_leaves_ours_untouched(tmp_path: Path) -> None:
    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text(coding_file(A), encoding="utf-8")
    ours.write_text(coding_file(A, B), encoding="utf-8")
    theirs.write_text(coding_file(A) + "<<<<<<< HEAD\n", encoding="utf-8")
    result = run_cli(["merge-file", str(base), str(ours), str(theirs), "--path", NAME])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"pcrcode: error: {NAME}: cannot merge by content: ")
    assert result.stderr.endswith(
        "; the file keeps our side (theirs: `git show :3:codings/ana/x.yaml`)\n"
    )
    assert ours.read_text(encoding="utf-8") == coding_file(A, B)


def test_without_path_the_header_names_coder_and_interview(tmp_path: Path) -> None:
    files = [tmp_path / n for n in ("base", "ours", "theirs")]
    for path, text in zip(
        files, (coding_file(A), coding_file(A, B), coding_file(A, C)), strict=True
    ):
        path.write_text(text, encoding="utf-8")
    result = run_cli(["merge-file", *map(str, files)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert lines(files[1].read_text(encoding="utf-8")) == [f"- {A}", f"- {B}", f"- {C}"]


def test_without_path_nor_header_says_what_to_pass(tmp_path: Path) -> None:
    files = [tmp_path / n for n in ("base", "ours", "theirs")]
    for path in files:
        path.write_text("codings:\n", encoding="utf-8")
    result = run_cli(["merge-file", *map(str, files)])
    assert result.exit_code == 1
    assert (
        "cannot tell the coder and interview of this coding file: give its path in the project "
        "(git's %P) (--path)"
    ) in result.stderr


def test_memo_files_merge_by_the_same_rules() -> None:
    base = "---\nkind: code\ntarget: f/a\nauthor: ana\ndate: 2026-01-01\n---\nPremière idée.\n"
    ours = base.replace("Première idée.", "Première idée, revue.")
    theirs = base.replace("Première idée.", "Autre lecture.")
    assert merge_memo(base, ours, base).text == ours
    assert merge_memo(base, base, theirs).text == theirs
    both = merge_memo(base, ours, theirs, "memos/code/f/a/x.md")
    assert both.text == ours.rstrip("\n") + SEPARATOR + "Autre lecture.\n"
    assert both.warnings == (
        "memos/code/f/a/x.md: edited on both sides; both kept, separated by '* * *'",
    )


# --- CI templates and forge formats ---------------------------------------------------------


@pytest.mark.parametrize(
    ("forge", "target"), [("github", ".github/workflows/pcrcode.yml"), ("gitlab", ".gitlab-ci.yml")]
)
def test_init_ci_writes_a_valid_workflow_with_the_gates(
    forge: str, target: str, tmp_path: Path
) -> None:
    project = copy_project(ROOT, tmp_path / "projet")
    (project / "findings.yaml").write_text("findings: []\n", encoding="utf-8")
    result = run_cli(["init", str(project), "--ci", forge, "--min-alpha", "0.667"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"created {project / target}\n"
    text = (project / target).read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    if forge == "github":
        steps = workflow["jobs"]["pcrcode"]["steps"]
        commands = [s["run"] for s in steps if "run" in s]
        assert workflow["jobs"]["pcrcode"]["defaults"]["run"]["working-directory"] == "."
    else:
        commands = workflow["pcrcode"]["script"]
        assert workflow["pcrcode"]["artifacts"]["reports"]["codequality"] == (
            "gl-code-quality-report.json"
        )
    check = (
        "pcrcode check --format github"
        if forge == "github"
        else ('pcrcode check --format gitlab > "$CI_PROJECT_DIR/gl-code-quality-report.json"')
    )
    assert commands[-3:] == [check, "pcrcode agreement --min-alpha 0.667", "pcrcode findings"]
    again = run_cli(["init", str(project), "--ci", forge])
    assert again.exit_code == 1
    assert "already exists; nothing was changed" in again.stderr


def test_ci_template_without_gates_only_checks(tmp_path: Path) -> None:
    project = copy_project(ROOT, tmp_path / "projet")
    (project / "findings.yaml").unlink(missing_ok=True)  # the example declares findings: a gate
    assert run_cli(["init", str(project), "--ci", "github"]).exit_code == 0
    workflow = yaml.safe_load((project / ".github/workflows/pcrcode.yml").read_text("utf-8"))
    commands = [s["run"] for s in workflow["jobs"]["pcrcode"]["steps"] if "run" in s]
    assert commands[-1] == "pcrcode check --format github"
    assert not any("agreement" in c or "findings" in c for c in commands)


def test_ci_workflow_goes_to_the_repository_top_for_a_project_in_a_subfolder(
    tmp_path: Path,
) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    project = copy_project(ROOT, tmp_path / "etude" / "projet")
    assert run_cli(["init", str(project), "--ci", "github"]).exit_code == 0
    workflow = yaml.safe_load((tmp_path / ".github/workflows/pcrcode.yml").read_text("utf-8"))
    assert workflow["jobs"]["pcrcode"]["defaults"]["run"]["working-directory"] == "etude/projet"


def test_bad_min_alpha_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path / "p"), "--ci", "github", "--min-alpha", "1.5"])
    assert result.exit_code == 2
    assert not (tmp_path / "p").exists()


def broken(tmp_path: Path) -> Path:
    project = copy_project(ROOT, tmp_path / "projet")
    path = project / "codings/camille/jardins-du-drac.yaml"
    text = path.read_text(encoding="utf-8").replace('"segment": 4,', '"segment": 4, "cod": 1,', 1)
    path.write_text(text, encoding="utf-8")
    return project


def test_check_github_annotations(tmp_path: Path) -> None:
    project = broken(tmp_path)
    result = run_cli(["--project", str(project), "check", "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=codings/camille/jardins-du-drac.yaml,line=7,col=3,"
        "title=pcrcode unknown-key::unknown key 'cod' in a coding (did you mean 'code'?)\n"
    )


def test_check_github_escapes_what_would_break_the_command(tmp_path: Path) -> None:
    from pcrcode.cli.check import github_annotation
    from pcrcode.files.diagnostics import Finding

    finding = Finding("a,b:c.yaml", 2, 1, "warning", "50% done\nnext", "rule")
    assert github_annotation(finding) == (
        "::warning file=a%2Cb%3Ac.yaml,line=2,col=1,title=pcrcode rule::50%25 done%0Anext"
    )


def test_check_gitlab_code_quality(tmp_path: Path) -> None:
    project = broken(tmp_path)
    result = run_cli(["--project", str(project), "check", "--format", "gitlab"])
    assert result.exit_code == 1
    [issue] = json.loads(result.stdout)
    fingerprint = issue.pop("fingerprint")
    assert len(fingerprint) == 40
    assert issue == {
        "description": "unknown key 'cod' in a coding (did you mean 'code'?)",
        "check_name": "unknown-key",
        "severity": "major",
        "location": {"path": "codings/camille/jardins-du-drac.yaml", "lines": {"begin": 7}},
    }


# --- status ---------------------------------------------------------------------------------


def test_status_outside_git_still_says_what_is_left(tmp_path: Path) -> None:
    project = copy_project(ROOT, tmp_path / "projet")
    result = run_cli(["--project", str(project), "status", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["git"], data["since"], data["codings"], data["stale"]) == (False, None, [], [])
    coded = {row["coder"]: row["coded"] for row in data["coders"]}
    on_disk = {
        coder.name: len(list(coder.glob("*.yaml"))) for coder in (project / "codings").iterdir()
    }
    assert coded == on_disk
    assert {row["interview"] for row in data["uncoded"] if row["coder"] == "yanis"} == {
        p.stem for p in (project / "interviews").iterdir()
    } - {p.stem for p in (project / "codings/yanis").iterdir()}


def test_status_counts_codings_added_and_removed_since_a_commit(tmp_path: Path) -> None:
    project = copy_project(ROOT, tmp_path / "projet")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "example")
    tag(project, "5", "forme/partenariat")
    tag(project, "7", "forme/partenariat")
    result = run_cli(
        [
            "--project",
            str(project),
            "untag",
            "jardins-du-drac",
            "8",
            "forme/partenariat",
            "--coder",
            "camille",
        ]
    )
    assert result.exit_code == 0
    memo = project / "memos/code/forme/partenariat/20260101T000000Z-camille.md"
    memo.parent.mkdir(parents=True)
    memo.write_text(
        "---\nkind: code\ntarget: forme/partenariat\nauthor: camille\ndate: 2026-01-01\n---\nx\n",
        encoding="utf-8",
    )
    data = json.loads(run_cli(["--project", str(project), "status", "-f", "json"]).stdout)
    assert data["codings"] == [
        {
            "coder": "camille",
            "interview": "jardins-du-drac",
            "added": 2,
            "removed": 1,
            "memos_changed": 0,
        }
    ]
    assert data["memos"] == [
        {"path": "memos/code/forme/partenariat/20260101T000000Z-camille.md", "change": "added"}
    ]
    assert "git add codings memos && git commit: the work is not committed" in data["next"]
    text = run_cli(["--project", str(project), "status"])
    assert text.stdout.splitlines()[:3] == [
        "Changed since HEAD:",
        "  camille jardins-du-drac: +2 -1 coding(s)",
        "  memo added: memos/code/forme/partenariat/20260101T000000Z-camille.md",
    ]


def test_status_names_stale_codings_and_says_reanchor(tmp_path: Path) -> None:
    project = copy_project(ROOT, tmp_path / "projet")
    transcript = project / "interviews/jardins-du-drac.md"
    text = transcript.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n---\n")
    transcript.write_text(head + sep + "\n**Enquêtrice :** Une question ajoutée.\n" + rest, "utf-8")
    data = json.loads(run_cli(["--project", str(project), "status", "-f", "json"]).stdout)
    assert data["stale"] and {s["interview"] for s in data["stale"]} == {"jardins-du-drac"}
    assert data["next"][0].startswith("pcrcode reanchor: ")


def test_status_unknown_revision_is_a_usage_error(tmp_path: Path) -> None:
    project = copy_project(ROOT, tmp_path / "projet")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "example")
    result = run_cli(["--project", str(project), "status", "--since", "nope"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "pcrcode: error: unknown revision 'nope' to compare with: name a commit, a branch or a tag"
    )
    assert result.stdout == ""

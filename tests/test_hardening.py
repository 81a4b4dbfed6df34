"""Issue 13's hostile cases: no silent loss, no wrong numbers, nothing outside, no traceback.

Each test reproduces one case found by a hostile test pass on a copy of a fixture project and
asserts what a user relies on: the exit code, the one line on stderr, and what was (not) written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run, run_cli, snapshot

INSERTED = "**Camille:** Bonjour.\n\n"


def _insert_turn(project: Path) -> None:
    path = project / "interviews" / "epicerie.md"
    text = path.read_text(encoding="utf-8")
    marker = "**Camille:** Vous travaillez"
    path.write_text(text.replace(marker, INSERTED + marker, 1), encoding="utf-8")


def cli(project: Path, *args: str) -> Run:
    return run_cli(list(args), cwd=project)


# --- Data loss ----------------------------------------------------------------------------


def test_tag_on_a_segment_with_stale_codings_refuses(small: Path) -> None:
    """Segment 2 now holds another text than the one camille coded: 'already coded' would be a
    lie, and after reanchor nothing would be on the new text."""
    _insert_turn(small)
    before = snapshot(small)
    run = cli(small, "tag", "epicerie", "2", "forme/echange-informations", "--coder", "camille")
    assert run.exit_code == 1, run.stderr
    assert run.stdout == ""
    assert run.stderr.startswith("pcrcode: error: codings/camille/epicerie.yaml:")
    assert "pcrcode reanchor" in run.stderr
    assert run.stderr.count("\n") == 1
    assert snapshot(small) == before


def test_untag_on_a_segment_with_stale_codings_refuses(small: Path) -> None:
    _insert_turn(small)
    before = snapshot(small)
    run = cli(small, "untag", "epicerie", "2", "forme/echange-informations", "--coder", "camille")
    assert run.exit_code == 1, run.stderr
    assert "pcrcode reanchor" in run.stderr
    assert snapshot(small) == before


def test_tag_elsewhere_in_a_file_with_stale_codings_still_works(small: Path) -> None:
    """Only the segments whose codings belong to another text are refused."""
    _insert_turn(small)
    run = cli(small, "tag", "epicerie", "1", "forme/partenariat", "--coder", "camille")
    assert run.exit_code == 0, run.stderr


def test_interviews_show_does_not_list_stale_codes_under_the_new_text(small: Path) -> None:
    _insert_turn(small)
    run = cli(small, "interviews", "show", "epicerie", "--coder", "camille", "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert "run `pcrcode reanchor`" in run.stderr and "not shown" in run.stderr
    shown = json.loads(run.stdout)["segments"]
    # camille's codings were made on turns now numbered 3, 5 and 7: none is shown on 2, 4, 6.
    assert [s["codes"] for s in shown] == [[]] * len(shown)


def test_a_duplicate_coding_is_not_rewritten_away(small: Path) -> None:
    """Both sides of a merge conflict kept: the same (segment, code) twice with memos A and B.
    A tag on another segment must not drop memo A."""
    path = small / "codings" / "camille" / "velo.yaml"
    text = path.read_text(encoding="utf-8")
    first = '- {"segment": 2, "code": "forme/mutualisation", "fp": "96acfe65", '
    text = text.replace(
        first + '"at": "2026-11-26T23:35:33Z"}',
        first
        + '"at": "2026-11-26T23:35:33Z", "memo": "A"}\n'
        + first
        + '"at": "2026-11-26T23:35:33Z", "memo": "B"}',
    )
    path.write_text(text, encoding="utf-8")
    before = snapshot(small)
    run = cli(small, "tag", "velo", "1", "forme/partenariat", "--coder", "camille")
    assert run.exit_code == 1, run.stderr
    assert run.stderr == (
        "pcrcode: error: codings/camille/velo.yaml:8: 'forme/mutualisation' is applied twice to "
        "segment 2 (also at line 7): keep one of the two lines, merging their memos, before "
        "tagging, or one memo would be lost\n"
    )
    assert snapshot(small) == before


def _duplicate(project: Path) -> None:
    path = project / "codings" / "camille" / "velo.yaml"
    first = '- {"segment": 2, "code": "forme/mutualisation", "fp": "96acfe65", '
    at = '"at": "2026-11-26T23:35:33Z"'
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(f"{first}{at}}}", f'{first}{at}, "memo": "A"}}\n{first}{at}, "memo": "B"}}'),
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("args", "before"),
    [
        (["untag", "velo", "4", "forme/echange-informations"], "tagging"),
        (
            ["memo", "add", "coding", "velo:4:forme/echange-informations", "--text", "x"],
            "adding a memo",
        ),
        (["autocode", "vélo", "forme/partenariat"], "autocoding"),
    ],
    ids=lambda a: a[0] if isinstance(a, list) else "",
)
def test_no_command_rewrites_a_file_holding_a_coding_twice(
    small: Path, args: list[str], before: str
) -> None:
    _duplicate(small)
    snap = snapshot(small)
    run = cli(small, *args, "--coder", "camille")
    assert run.exit_code == 1, run.stderr
    assert run.stderr == (
        "pcrcode: error: codings/camille/velo.yaml:8: 'forme/mutualisation' is applied twice to "
        f"segment 2 (also at line 7): keep one of the two lines, merging their memos, before "
        f"{before}, or one memo would be lost\n"
    )
    assert snapshot(small) == snap


def test_the_coding_session_refuses_a_file_holding_a_coding_twice(small: Path) -> None:
    _duplicate(small)
    snap = snapshot(small)
    run = run_cli(["code", "velo", "--coder", "camille"], cwd=small, input="partenariat\nq\n")
    assert run.exception is None and run.exit_code == 1, run.stderr
    assert "is applied twice to segment 2" in run.stderr
    assert snapshot(small) == snap


def test_a_codebook_merge_keeps_both_memos_of_a_coding_held_twice(small: Path) -> None:
    _duplicate(small)
    run = cli(small, "codebook", "merge", "forme/mutualisation", "forme/partenariat")
    assert run.exit_code == 0, run.stderr
    text = (small / "codings" / "camille" / "velo.yaml").read_text(encoding="utf-8")
    memos = [
        json.loads(line[2:]).get("memo") for line in text.splitlines() if "partenariat" in line
    ]
    assert len(memos) == 1 and "A" in memos[0] and "B" in memos[0], memos


# --- Wrong numbers with exit 0 ---------------------------------------------------------------

CONFLICT = "<<<<<<< HEAD\n"


def _conflict(project: Path) -> Path:
    path = project / "codings" / "camille" / "epicerie.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(6, CONFLICT)  # line 7, the first coding
    path.write_text("".join(lines), encoding="utf-8")
    return path


READING_COMMANDS = [
    ["codings"],
    ["report"],
    ["frequencies"],
    ["profile", "epicerie"],
    ["crosstab", "forme", "portee"],
    ["retrieve", "forme/partenariat"],
    ["agreement"],
    ["interviews", "list"],
]


def test_a_broken_coding_file_stops_every_report(small: Path, tmp_path: Path) -> None:
    _conflict(small)
    commands = [
        *READING_COMMANDS,
        ["export", "csv", str(tmp_path / "out")],
        ["export", "qdpx", str(tmp_path / "out.qdpx")],  # 421 codings of 445, in the issue
    ]
    for command in commands:
        run = cli(small, *command)
        assert run.exit_code == 1, (command, run.stderr)
        assert run.stdout == "", command
        assert run.stderr.startswith(
            "pcrcode: error: codings/camille/epicerie.yaml:7: unresolved merge conflict"
        ), (command, run.stderr)
        assert run.stderr.count("\n") == 1, (command, run.stderr)
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.qdpx").exists()


def test_skip_broken_goes_on_and_says_so(small: Path) -> None:
    _conflict(small)
    run = cli(small, "--skip-broken", "frequencies", "--format", "csv")
    assert run.exit_code == 0, run.stderr
    assert "computed despite 1 problem(s) in codings/camille/epicerie.yaml" in run.stderr
    whole = cli(small, "frequencies", "--format", "csv")
    assert whole.exit_code == 1


def test_a_tab_in_the_registry_stops_the_report(small: Path) -> None:
    path = small / "structures.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "extra:\n\tkey: 1\n", encoding="utf-8")
    run = cli(small, "report")
    assert run.exit_code == 1
    assert run.stderr.startswith("pcrcode: error: structures.yaml:")
    assert "tab" in run.stderr


def test_a_python_tag_in_a_coding_file_stops_the_report(small: Path) -> None:
    path = small / "codings" / "yanis" / "velo.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "interview: velo", "interview: !!python/name:os.system velo"
        ),
        encoding="utf-8",
    )
    run = cli(small, "frequencies")
    assert run.exit_code == 1
    assert run.stderr.startswith("pcrcode: error: codings/yanis/velo.yaml:")


def test_an_unknown_code_in_a_coding_file_stops_the_numbers(small: Path) -> None:
    path = small / "codings" / "yanis" / "velo.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '"code": "forme/mutualisation"', '"code": "forme/mutualisaton"'
        ),
        encoding="utf-8",
    )
    for command in (["frequencies"], ["agreement"], ["codings"]):
        run = cli(small, *command)
        assert run.exit_code == 1, (command, run.stderr)
        assert "forme/mutualisaton" in run.stderr, run.stderr
        assert run.stderr.startswith("pcrcode: error: codings/yanis/velo.yaml:7:")


def _rename_in_codebook_only(project: Path) -> None:
    """A branch merged after `codebook rename`: codings still under the old id."""
    run = cli(project, "codebook", "rename", "forme/partenariat", "forme/projet-commun")
    assert run.exit_code == 0, run.stderr
    path = project / "codings" / "yanis" / "epicerie.yaml"
    text = path.read_text(encoding="utf-8").replace("forme/projet-commun", "forme/partenariat")
    path.write_text(text, encoding="utf-8")


def test_codings_under_an_alias_count_under_the_new_id(small: Path) -> None:
    _rename_in_codebook_only(small)
    run = cli(small, "codings", "--code", "forme/projet-commun", "--format", "json")
    assert run.exit_code == 0, run.stderr
    rows = json.loads(run.stdout)
    assert sorted((r["coder"], r["segment"], r["code"]) for r in rows) == [
        ("camille", 4, "forme/projet-commun"),
        ("yanis", 4, "forme/projet-commun"),
    ]
    run = cli(small, "retrieve", "forme/projet-commun", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert len(json.loads(run.stdout)) >= 1


ALIAS_COMMANDS = [
    ["frequencies", "--all-coders"],
    ["crosstab", "forme", "statut", "--all-coders"],
    ["cooccurrence", "--all-coders"],
    ["profile", "epicerie"],
    ["agreement"],
    ["report"],
    ["codings", "--code", "forme"],
    ["retrieve", "forme/projet-commun"],
]


@pytest.mark.parametrize("args", ALIAS_COMMANDS, ids=" ".join)
def test_codings_under_an_old_id_give_the_same_numbers_as_under_the_new_one(
    small: Path, args: list[str]
) -> None:
    """A branch merged after `codebook rename` leaves codings under the old id: every number
    is the one the renamed codings give."""
    run = cli(small, "codebook", "rename", "forme/partenariat", "forme/projet-commun")
    assert run.exit_code == 0, run.stderr
    renamed = cli(small, *args, "--format", "json")
    assert renamed.exit_code == 0, renamed.stderr
    _rename_in_codebook_only_again(small)
    old_ids = cli(small, *args, "--format", "json")
    assert old_ids.exit_code == 0, old_ids.stderr
    assert json.loads(old_ids.stdout) == json.loads(renamed.stdout)


def _rename_in_codebook_only_again(project: Path) -> None:
    for path in (project / "codings").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("forme/projet-commun", "forme/partenariat"), "utf-8")


# --- Nothing outside the project, nothing narrowed ---------------------------------------------


def test_a_rewritten_file_keeps_its_mode_and_a_new_one_honours_the_umask(small: Path) -> None:
    import os
    import stat

    codebook = small / "codebook.yaml"
    coding = small / "codings" / "camille" / "velo.yaml"
    os.chmod(codebook, 0o664)
    os.chmod(coding, 0o660)
    old = os.umask(0o002)
    try:
        assert (
            cli(small, "tag", "velo", "1", "forme/partenariat", "--coder", "camille").exit_code == 0
        )
        assert cli(small, "tag", "velo", "1", "forme/partenariat", "--coder", "lea").exit_code == 0
        run = cli(small, "codebook", "rename", "forme/partenariat", "forme/projet-commun")
        assert run.exit_code == 0, run.stderr
    finally:
        os.umask(old)
    assert stat.S_IMODE(coding.stat().st_mode) == 0o660
    assert stat.S_IMODE(codebook.stat().st_mode) == 0o664
    assert stat.S_IMODE((small / "codings" / "lea" / "velo.yaml").stat().st_mode) == 0o664


def _journal(project: Path, target: str, temp: str | None) -> None:
    import hashlib

    (project / ".pcrcode").mkdir(exist_ok=True)
    entry = {"target": target, "temp": temp, "base": None, "new": hashlib.sha256(b"x").hexdigest()}
    (project / ".pcrcode" / "journal.json").write_text(
        json.dumps({"pcrcode": 1, "entries": [entry]}), encoding="utf-8"
    )


def test_a_journal_naming_a_file_outside_the_project_is_refused(
    small: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (small / "interviews" / ".evil.pcrcode-new").write_text("x", encoding="utf-8")
    (victim / "keep.txt").write_text("mine", encoding="utf-8")
    for target, temp in (
        ("../victim/created.txt", "interviews/.evil.pcrcode-new"),
        (str(victim / "created.txt"), "interviews/.evil.pcrcode-new"),
        ("../victim/keep.txt", None),
        ("codings/camille/velo.yaml", "../victim/keep.txt"),
    ):
        _journal(small, target, temp)
        run = cli(small, "tag", "velo", "1", "forme/partenariat", "--coder", "camille")
        assert run.exit_code == 1, (target, run.stderr)
        assert run.stderr.startswith("pcrcode: error: .pcrcode/journal.json:"), run.stderr
        assert "the journal of an interrupted change names" in run.stderr
        assert sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
        assert (victim / "keep.txt").read_text(encoding="utf-8") == "mine"
        assert (small / ".pcrcode" / "journal.json").exists()  # left for a human


def test_a_memo_linked_out_of_the_project_is_never_read(small: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\nkind: structure\n---\n\nSECRET\n", encoding="utf-8")
    folder = small / "memos" / "structure" / "epicerie"
    folder.mkdir(parents=True)
    (folder / "20260101T000000Z-eve.md").symlink_to(secret)
    for command in (["profile", "epicerie", "--format", "json"], ["memo", "list"]):
        run = cli(small, *command)
        assert "SECRET" not in run.stdout + run.stderr, command
    run = cli(small, "check")
    assert run.exit_code == 1
    assert (
        "memos/structure/epicerie/20260101T000000Z-eve.md:1:1: error: leads outside the project"
        in run.stdout
    )


def test_a_memo_is_never_written_through_a_linked_memos_folder(small: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (small / "memos").symlink_to(elsewhere, target_is_directory=True)
    run = cli(small, "memo", "add", "structure", "epicerie", "--text", "x", "--coder", "eve")
    assert run.exit_code == 1, run.stderr
    assert "leads outside the project" in run.stderr
    assert list(elsewhere.rglob("*")) == []


def test_a_linked_state_folder_is_refused(small: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (small / ".pcrcode").symlink_to(elsewhere, target_is_directory=True)
    run = cli(small, "tag", "velo", "1", "forme/partenariat", "--coder", "camille")
    assert run.exit_code == 1
    assert run.stderr.startswith("pcrcode: error: .pcrcode: leads outside the project")
    assert list(elsewhere.rglob("*")) == []


# --- Tracebacks turned into one line ---------------------------------------------------------


def _one_line_error(run: Run, code: int = 1) -> str:
    assert run.exception is None, run.exception
    assert run.exit_code == code, run.stderr
    assert run.stdout == ""
    assert run.stderr.startswith("pcrcode: error: ") and run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.stderr
    return run.stderr


def test_text_that_is_not_utf8_on_the_command_line(small: Path) -> None:
    before = snapshot(small)
    latin1 = b"caf\xe9".decode("utf-8", "surrogateescape")  # what Python makes of those bytes
    for command in (
        ["tag", "velo", "1", "forme/partenariat", "--coder", "camille", "--memo", latin1],
        ["memo", "add", "code", "forme/partenariat", "--text", latin1, "--coder", "camille"],
    ):
        assert "not UTF-8" in _one_line_error(cli(small, *command), 2)
    assert snapshot(small) == before


def test_a_huge_segment_range_is_answered_at_once(small: Path) -> None:
    run = cli(small, "tag", "velo", "1-999999999", "forme/partenariat", "--coder", "camille")
    assert _one_line_error(run, 2) == (
        "pcrcode: error: segment 5 is out of range: the interview has segments 1-4\n"
    )
    run = cli(small, "tag", "velo", "9" * 5000, "forme/partenariat", "--coder", "camille")
    assert "bad segments" in _one_line_error(run, 2)


def test_a_reversed_range_says_so(small: Path) -> None:
    run = cli(small, "tag", "velo", "4-2", "forme/partenariat", "--coder", "camille")
    assert _one_line_error(run, 2) == (
        "pcrcode: error: bad segment range '4-2': write the smaller number first (2-4)\n"
    )


def test_codings_as_a_file(small: Path) -> None:
    import shutil

    shutil.rmtree(small / "codings")
    (small / "codings").write_text("", encoding="utf-8")
    before = snapshot(small)
    run = cli(small, "tag", "velo", "1", "forme/partenariat", "--coder", "camille")
    assert "a part of this path is a file" in _one_line_error(run)
    assert "codings/ must be a folder" in _one_line_error(cli(small, "frequencies"))
    assert snapshot(small) == before


def test_a_coder_folder_that_is_a_file(small: Path) -> None:
    (small / "codings" / "lea").write_text("", encoding="utf-8")
    run = cli(small, "tag", "velo", "1", "forme/partenariat", "--coder", "lea")
    assert "a file is in the way where a folder was expected" in _one_line_error(run)
    assert "a file where a coder's folder is expected" in _one_line_error(cli(small, "report"))


def test_a_symlink_loop_under_interviews(small: Path) -> None:
    (small / "interviews" / "a.md").symlink_to("b.md")
    (small / "interviews" / "b.md").symlink_to("a.md")
    run = cli(small, "check")
    assert run.exit_code == 1 and run.exception is None
    assert "interviews/a.md:1:1: error:" in run.stdout
    _one_line_error(cli(small, "report"))


def test_a_full_disk_is_one_line_and_nothing_half_written(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    real = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    before = snapshot(small)
    monkeypatch.setattr(os, "fsync", full)
    try:
        run = cli(small, "tag", "velo", "1", "forme/partenariat", "--coder", "camille")
    finally:
        monkeypatch.setattr(os, "fsync", real)
    assert "the disk is full" in _one_line_error(run)
    assert snapshot(small) == before


def test_an_export_into_an_impossible_folder(small: Path) -> None:
    (small / "afile").write_text("", encoding="utf-8")
    run = cli(small, "export", "csv", "afile/out")
    _one_line_error(run)


def test_interviews_x_md_upper_case_is_not_ignored_silently(small: Path) -> None:
    (small / "interviews" / "notes.MD").write_text("x", encoding="utf-8")
    run = cli(small, "check")
    assert "interviews/notes.MD:1:1: warning: not read:" in run.stdout
    assert "rename it to notes.md" in run.stdout


def test_git_user_name_that_slugs_to_nothing(small: Path, tmp_path: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(small)], check=True)
    subprocess.run(["git", "-C", str(small), "config", "user.name", "张伟"], check=True)
    run = run_cli(["tag", "velo", "1", "forme/partenariat"], cwd=small, env={"HOME": str(tmp_path)})
    assert "git's user.name '张伟'" in _one_line_error(run, 2)


def test_an_interview_file_name_that_is_not_an_id(small: Path) -> None:
    (small / "interviews" / "ABC.md").write_text(
        "---\nstructure: epicerie\n---\n\n**A:** x\n", encoding="utf-8"
    )
    run = cli(small, "tag", "ABC", "1", "forme/partenariat", "--coder", "camille")
    err = _one_line_error(run, 2)
    assert "did you mean 'ABC'" not in err
    assert "file name that is not an id" in err


def test_ctrl_c_at_any_moment_exits_130_without_a_traceback(example: Path) -> None:
    """SIGINT at random moments of `check` (imports, reading, the cache, the exit), counted from
    the moment pcrcode's code starts: before that, Python itself is starting (its `site`)."""
    import random
    import signal
    import subprocess
    import sys
    import time

    path = [p for p in sys.path if p]
    start = (
        f"import sys; sys.path[:0] = {path!r}; sys.argv[1:] = ['check']; "
        "sys.stderr.write('ready\\n'); sys.stderr.flush(); "
        "from pcrcode.__main__ import run; run()"
    )
    rng = random.Random(13)
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "80", "HOME": str(example)}
    for _ in range(12):
        process = subprocess.Popen(
            [sys.executable, "-S", "-c", start],
            cwd=example,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert process.stderr is not None
        assert process.stderr.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.5))
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        assert "Traceback" not in stderr, stderr
        assert process.returncode in (0, 1, 130), (process.returncode, stderr)


def test_ctrl_c_during_a_codebook_rename_leaves_it_all_done_or_not_started(
    small: Path, tmp_path: Path
) -> None:
    """SIGINT at random moments of a multi-file change: 130 (or 0 when it came too late),
    one line, and the codebook and every coding file agree, on the old id or the new one."""
    import random
    import shutil
    import signal
    import subprocess
    import sys
    import time

    path = [p for p in sys.path if p]
    start = (
        f"import sys; sys.path[:0] = {path!r}; "
        "sys.argv[1:] = ['codebook', 'rename', 'forme/partenariat', 'forme/projet-commun']; "
        "sys.stderr.write('ready\\n'); sys.stderr.flush(); "
        "from pcrcode.__main__ import run; run()"
    )
    rng = random.Random(1313)
    for attempt in range(6):
        project = tmp_path / f"p{attempt}"
        shutil.copytree(small, project)
        process = subprocess.Popen(
            [sys.executable, "-S", "-c", start],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={"PATH": "/usr/bin:/bin", "HOME": str(project)},
        )
        assert process.stderr is not None
        assert process.stderr.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.6))
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        assert "Traceback" not in stderr, stderr
        assert process.returncode in (0, 130), (process.returncode, stderr)
        # (the change may be complete, and said, before the interrupt lands)
        assert process.returncode == 0 or "pcrcode: interrupted" in stderr.splitlines()[-1]
        ids = {
            "forme/projet-commun" in p.read_text(encoding="utf-8")
            for p in [project / "codebook.yaml", *(project / "codings").rglob("*.yaml")]
            if "forme/p" in p.read_text(encoding="utf-8")
        }
        check = cli(project, "check")  # completes a journal left by the interrupt, if any
        assert check.exit_code == 0, (ids, check.stdout)
        after = {
            "id: forme/projet-commun" in (project / "codebook.yaml").read_text(encoding="utf-8")
        }
        for coding in (project / "codings").rglob("*.yaml"):
            text = coding.read_text(encoding="utf-8")
            if "partenariat" in text or "projet-commun" in text:
                after.add('"forme/projet-commun"' in text)
        assert len(after) == 1, "the codebook and the codings disagree"


# --- The command-line surface ------------------------------------------------------------------


def test_usage_errors_are_one_pcrcode_line(small: Path) -> None:
    cases = {
        ("tag",): "pcrcode: error: Missing argument 'INTERVIEW'. (see `pcrcode tag --help`)\n",
        ("tag", "velo", "1", "x", "--bogus"): (
            "pcrcode: error: No such option: --bogus (see `pcrcode tag --help`)\n"
        ),
        ("frequencies", "--format", "xml"): (
            "pcrcode: error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', "
            "'csv', 'json', 'markdown'. (see `pcrcode frequencies --help`)\n"
        ),
    }
    for args, expected in cases.items():
        run = cli(small, *args)
        assert run.exit_code == 2, args
        assert run.stdout == ""
        assert run.stderr == expected


def _on_a_terminal(project: Path, *args: str) -> str:
    """stdout of `pcrcode ARGS` written to a pseudo-terminal, as a person would see it."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "pcrcode", *args],
        cwd=project,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_csv_on_a_terminal_shows_escapes_from_labels(small: Path) -> None:
    path = small / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("label: Partenariat", 'label: "Parte\\e[2J\\e]0;x\\anariat"', 1),
        encoding="utf-8",
    )
    path = small / "structures.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Vélo Scop", 'name: "Vélo\\e[2J Scop"'), "utf-8")
    for command, seen in (
        (["frequencies", "-f", "csv"], "Parte\\x1b[2J\\x1b]0;x\\x07nariat"),
        (["crosstab", "forme", "portee", "-f", "csv"], "Parte\\x1b[2J\\x1b]0;x\\x07nariat"),
        (["profile", "velo", "-f", "csv"], "Vélo\\x1b[2J Scop"),
    ):
        shown = _on_a_terminal(small, *command)
        assert seen in shown, (command, shown)
        assert "\x1b" not in shown and "\x07" not in shown, command
    piped = cli(small, "frequencies", "-f", "csv").stdout  # into a file or a pipe: the data
    assert "Parte\x1b[2J\x1b]0;x\x07nariat" in piped


def test_output_into_a_pipe_is_laid_out_for_80_columns(small: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    out = subprocess.run(
        [sys.executable, "-m", "pcrcode", "interviews", "show", "epicerie"],
        cwd=small,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    assert max(len(line) for line in out.splitlines()) > 60


def test_a_linked_codebook_is_written_through_its_link(small: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "codebook.yaml"
    shared.parent.mkdir()
    (small / "codebook.yaml").rename(shared)
    (small / "codebook.yaml").symlink_to(shared)
    run = cli(small, "codebook", "rename", "forme/partenariat", "forme/projet-commun")
    assert run.exit_code == 0, run.stderr
    assert (small / "codebook.yaml").is_symlink()
    assert "id: forme/projet-commun" in shared.read_text(encoding="utf-8")
    assert list(shared.parent.iterdir()) == [shared]  # no temporary file left beside it


def test_an_interview_id_too_long_for_file_names(small: Path) -> None:
    name = "a" * 245  # a file name of 248 bytes: fine; a lock named after it is not
    (small / "interviews" / f"{name}.md").write_text(
        "---\nstructure: epicerie\n---\n\n**A:** x\n", encoding="utf-8"
    )
    run = cli(small, "check")
    assert f"interviews/{name}.md:1:1: error: interview id of 245 characters: at most 200" in (
        run.stdout
    )
    run = cli(small, "tag", name, "1", "forme/partenariat", "--coder", "camille")
    assert "too long" in _one_line_error(run)


def test_an_undeclared_attribute_value_stops_the_crosstab_or_is_counted_as_said(
    small: Path,
) -> None:
    path = small / "structures.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("statut: scop", "statut: coopx"), encoding="utf-8"
    )
    run = cli(small, "crosstab", "statut", "forme")
    assert "statut 'coopx' of structure 'velo' is not declared" in _one_line_error(run)
    run = cli(small, "--skip-broken", "crosstab", "statut", "forme", "--format", "csv")
    assert run.exit_code == 0
    assert "an undeclared value is counted as it stands" in run.stderr
    assert "coopx" in run.stdout


# --- Clearer messages -----------------------------------------------------------------------------


def test_one_inserted_turn_gives_one_line_per_file_with_the_fix(example: Path) -> None:
    path = example / "interviews" / "jardins-du-drac.md"
    text = path.read_text(encoding="utf-8")
    first = text.index("**Camille:**")
    path.write_text(text[:first] + "**Camille:** Bonjour.\n\n" + text[first:], encoding="utf-8")
    run = cli(example, "check")
    stale = [line for line in run.stdout.splitlines() if "[stale-fingerprint]" in line]
    assert len(stale) == 2  # camille's file and yanis's
    assert all("run `pcrcode reanchor`" in line for line in stale)


def test_a_missing_fingerprint_names_the_fix_and_the_fix_works(small: Path) -> None:
    path = small / "codings" / "camille" / "velo.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(', "fp": "96acfe65"', ""), encoding="utf-8"
    )
    run = cli(small, "check")
    fix = "`pcrcode tag velo 2 forme/mutualisation --coder camille` records one"
    assert fix in run.stdout
    run = cli(small, "tag", "velo", "2", "forme/mutualisation", "--coder", "camille")
    assert run.exit_code == 0, run.stderr
    assert '"fp": "96acfe65"' in path.read_text(encoding="utf-8")
    assert cli(small, "check").stdout == ""


def test_a_session_line_that_is_not_utf8_is_refused_and_the_session_goes_on(small: Path) -> None:
    before = snapshot(small)
    latin1 = b"m caf\xe9\nq\n"  # what a Latin-1 terminal sends
    run = run_cli(["code", "velo", "--coder", "camille"], cwd=small, input=latin1)
    assert run.exception is None, run.exception
    assert "that line is not UTF-8" in run.stdout
    assert run.exit_code == 0, run.stderr
    assert snapshot(small) == before

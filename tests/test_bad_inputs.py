"""The catalogue of bad inputs, ``tests/data/bad/<case>/``: what a user sees for each.

A case is the small fixture (``tests/data/small``) with the files of ``<case>/project/`` laid over
it, plus, for what cannot sit in git (a 20 MB file, symbolic links), a setup function below.
``command.txt`` holds the pcrcode command line, ``expected.txt`` the exact output: the findings of
``check`` (stdout), the one-line error (stderr) of a command that fails, or the stdout of one that
succeeds. ``exit.txt`` holds the exit code where it is neither 0 (clean) nor 1 (findings). The
project folder shows as ``<project>``.

Every case also proves: no traceback, no raw control character on the terminal, nothing written.
Regenerate the expected files after a deliberate change of wording with PCRCODE_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA, Run, copy_project, run_cli, snapshot

BAD = DATA / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "command.txt").is_file())
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HUGE_BYTES = 20 * 1024 * 1024

Check = Callable[[], None]


def _huge(root: Path, outside: Path) -> Check | None:
    line = "**Camille:** " + "On en parle longuement, [rires] et puis voilà. " * 20 + "\n\n"
    count = HUGE_BYTES // len(line.encode()) + 1
    (root / "interviews" / "enorme.md").write_text(
        "---\nstructure: epicerie\n---\n\n" + line * count, encoding="utf-8"
    )
    return None


def _deep(root: Path, outside: Path) -> Check | None:
    # 100,000 nested lists: libyaml alone would crash the process (C stack overflow).
    (root / "structures.yaml").write_text(
        "pcrcode: 1\nstructures: " + "[" * 100_000, encoding="utf-8"
    )
    return None


def _deep_codings(root: Path, outside: Path) -> Check | None:
    # A record line nested 100,000 deep: Python's JSON decoder would raise RecursionError.
    path = root / "codings" / "yanis" / "velo.yaml"
    nested = "[" * 100_000 + "]" * 100_000
    record = '- {"segment": 2, "code": "forme/mutualisation", "memo": ' + nested + "}\n"
    path.write_text(path.read_text(encoding="utf-8") + record, encoding="utf-8")
    return None


def _etc_passwd(root: Path, outside: Path) -> Check | None:
    target = Path("/etc/passwd")
    if not target.exists():  # pragma: no cover - not a Unix system
        pytest.skip("no /etc/passwd here")
    (root / "interviews" / "passwd.md").symlink_to(target)
    return None


def _outside_file(root: Path, outside: Path) -> Check | None:
    notes = outside / "notes.md"
    notes.write_text(
        "---\nstructure: epicerie\n---\n\n**Camille:** Hors du projet.\n", encoding="utf-8"
    )
    (root / "interviews" / "notes.md").symlink_to(notes)
    return None


def _coder_folder(root: Path, outside: Path) -> Check | None:
    elsewhere = outside / "elsewhere"
    elsewhere.mkdir()
    (root / "codings" / "ailleurs").symlink_to(elsewhere, target_is_directory=True)

    def nothing_written_there() -> None:
        assert list(elsewhere.iterdir()) == []

    return nothing_written_there


def _nowhere(root: Path, outside: Path) -> Check | None:
    # A link left behind when the transcript it led to was renamed: it leads nowhere.
    (root / "interviews" / "atelier.md").symlink_to("atelier-2026-03-12.md")
    return None


def _interviews_file(root: Path, outside: Path) -> Check | None:
    shutil.rmtree(root / "interviews")
    (root / "interviews").write_text("epicerie.md\nvelo.yaml\n", encoding="utf-8")
    return None


SETUPS: dict[str, Callable[[Path, Path], Check | None]] = {
    "huge-transcript": _huge,
    "deep-nesting": _deep,
    "deep-nesting-codings": _deep_codings,
    "symlink-etc-passwd": _etc_passwd,
    "symlink-outside-file": _outside_file,
    "symlink-coder-folder": _coder_folder,
    "interviews-not-a-folder": _interviews_file,
    "symlink-nowhere": _nowhere,
}


def prepare(case: str, tmp_path: Path) -> tuple[Path, Check | None]:
    root = copy_project(DATA / "small", tmp_path / "project")
    overlay = BAD / case / "project"
    if overlay.is_dir():
        shutil.copytree(overlay, root, dirs_exist_ok=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    setup = SETUPS.get(case)
    return root, setup(root, outside) if setup else None


def expected_exit(case: str, command: list[str], expected: str) -> int:
    path = BAD / case / "exit.txt"
    if path.exists():
        return int(path.read_text().strip())
    return 1 if command[0] == "check" and expected else 0


def shown(run: Run, command: list[str], root: Path) -> str:
    """What the case is about: findings, the error line, or the output of a command that works."""
    text = run.stdout if command[0] == "check" or run.exit_code == 0 else run.stderr
    for prefix in (str(root.resolve()), str(root)):
        text = text.replace(prefix, "<project>")
    return text


@pytest.mark.parametrize("case", CASES)
def test_bad_input(case: str, tmp_path: Path) -> None:
    root, after = prepare(case, tmp_path)
    command = shlex.split((BAD / case / "command.txt").read_text(encoding="utf-8"))
    expected_path = BAD / case / "expected.txt"
    before = snapshot(root)
    run = run_cli(command, cwd=root)
    assert run.exception is None, run.exception
    output = shown(run, command, root)
    if os.environ.get("PCRCODE_UPDATE_GOLDEN") == "1":
        expected_path.write_text(output, encoding="utf-8")
    expected = expected_path.read_text(encoding="utf-8")
    assert output == expected
    assert run.exit_code == expected_exit(case, command, expected), run.stderr
    if command[0] != "check" and run.exit_code != 0:
        assert run.stdout == ""
        assert run.stderr.count("\n") == 1 and run.stderr.startswith("pcrcode: error: ")
    assert not RAW_CONTROL.search(run.stdout + run.stderr), "a raw control character"
    assert "Traceback" not in run.stdout + run.stderr
    assert snapshot(root) == before
    if after is not None:
        after()


def test_every_case_has_an_expected_output() -> None:
    missing = [c for c in CASES if not (BAD / c / "expected.txt").is_file()]
    assert missing == []
    assert set(SETUPS) <= set(CASES)


def test_the_python_object_was_never_built(tmp_path: Path) -> None:
    """`!!python/object/apply:os.system ["touch pwned"]` in a transcript runs nothing."""
    root, _ = prepare("python-object", tmp_path)
    for command in (
        ["check"],
        ["interviews", "list"],
        ["tag", "piege", "1", "forme/partenariat", "--coder", "camille"],
    ):
        run_cli(command, cwd=root)
    assert not (root / "pwned").exists()
    assert not (Path.cwd() / "pwned").exists()


def test_nfd_and_nfc_transcripts_fingerprint_the_same(tmp_path: Path) -> None:
    """Code ids are ASCII; what NFD can change is the text: its fingerprints must not move."""
    from pcrcode.files.diagnostics import Diagnostics
    from pcrcode.files.transcripts import parse_interview

    root, _ = prepare("nfd", tmp_path)
    nfd = parse_interview(root / "interviews" / "epicerie.md", Diagnostics(root))
    nfc = parse_interview(DATA / "small" / "interviews" / "epicerie.md", Diagnostics(DATA))
    assert [t.fingerprint for t in nfd.turns] == [t.fingerprint for t in nfc.turns]
    assert [t.speaker for t in nfd.turns] == [t.speaker for t in nfc.turns]
    # The fingerprints the fixture's codings were made with, by hand from the format's formula.
    assert [nfd.turns[i].fingerprint for i in (1, 3, 5)] == ["41a1f665", "66a2669b", "4925c1d7"]


def test_a_huge_transcript_is_refused_by_tag_too(tmp_path: Path) -> None:
    root, _ = prepare("huge-transcript", tmp_path)
    run = run_cli(["tag", "enorme", "1", "forme/partenariat", "--coder", "camille"], cwd=root)
    assert run.exit_code == 1
    assert run.stderr == (
        "pcrcode: error: interviews/enorme.md:1: too large for a pcrcode file "
        "(20.0 MB, the limit is 10 MB): split it, or move it out of the project\n"
    )
    assert not (root / "codings" / "camille" / "enorme.yaml").exists()

"""No file mode is narrowed: in a project shared by a group (umask 002, files 0664), every file
and folder pcrcode makes is as open as one made by an editor, and a rewritten one keeps its mode.

mkstemp and mkdtemp make 0600 and 0700: without care a colleague would get "Permission denied"
on the next command. ``tests/test_hardening.py`` covers tag and codebook rename; these cover
every other way pcrcode makes a file or a folder.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.conftest import Run, run_cli


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(root: Path) -> dict[str, int]:
    """The mode of everything under ``root``, by path."""
    return {p.relative_to(root).as_posix(): mode(p) for p in root.rglob("*")}


def test_lock_files_are_open_to_the_group(small: Path) -> None:
    with umask(0o002):
        run = run_cli(["tag", "velo", "1", "forme/partenariat", "--coder", "camille"], cwd=small)
        assert run.exit_code == 0, run.stderr
        run = run_cli(["codebook", "rename", "forme/partenariat", "forme/projet"], cwd=small)
        assert run.exit_code == 0, run.stderr
    locks = small / ".pcrcode" / "locks"
    assert {name: m for name, m in modes(locks).items()} == {
        name: 0o664 for name in os.listdir(locks)
    }
    assert len(os.listdir(locks)) >= 2 and mode(locks) == 0o775


def test_a_lock_another_account_made_read_only_still_serves(
    small: Path, as_user: Callable[..., Run]
) -> None:
    """Older pcrcode made locks 0644: a colleague cannot open them for writing, and need not."""
    run_cli(["tag", "velo", "1", "forme/partenariat", "--coder", "camille"], cwd=small)
    locks = small / ".pcrcode" / "locks"
    for lock in locks.iterdir():
        lock.chmod(0o444)
    run = as_user(["tag", "velo", "1", "objet/immobilier", "--coder", "camille"], small)
    assert run.exit_code == 0, run.stderr
    assert "objet/immobilier" in (small / "codings/camille/velo.yaml").read_text("utf-8")


def test_new_memos_transcripts_and_exports_honour_the_umask(small: Path, tmp_path: Path) -> None:
    source = tmp_path / "entretien.txt"
    source.write_text("Camille: Bonjour.\n\nLéa: Bonjour.\n", encoding="utf-8")
    with umask(0o002):
        for args in (
            ["memo", "add", "structure", "epicerie", "--text", "x", "--coder", "eve"],
            ["import", "transcript", str(source), "--structure", "epicerie"],
            ["export", "csv", str(tmp_path / "tables")],
            ["export", "qdpx", str(tmp_path / "p.qdpx")],
        ):
            run = run_cli(args, cwd=small)
            assert run.exit_code == 0, (args, run.stderr)
    made = {
        **{f"memos/{k}": m for k, m in modes(small / "memos").items()},
        "interviews/entretien.md": mode(small / "interviews" / "entretien.md"),
        **{f"tables/{k}": m for k, m in modes(tmp_path / "tables").items()},
        "tables": mode(tmp_path / "tables"),
        "p.qdpx": mode(tmp_path / "p.qdpx"),
    }
    for name, found in made.items():
        expected = 0o775 if (small / name).is_dir() or (tmp_path / name).is_dir() else 0o664
        assert found == expected, (name, oct(found))


def test_a_new_or_imported_project_is_open_to_the_group(small: Path, tmp_path: Path) -> None:
    run_cli(["export", "qdpx", str(tmp_path / "p.qdpx")], cwd=small)
    with umask(0o002):
        for args in (
            ["init", str(tmp_path / "new")],
            ["import", "qdpx", str(tmp_path / "p.qdpx"), "--into", str(tmp_path / "imported")],
        ):
            run = run_cli(args, cwd=tmp_path)
            assert run.exit_code == 0, (args, run.stderr)
    for project in (tmp_path / "new", tmp_path / "imported"):
        found = {project.name: mode(project), **modes(project)}
        expected = {
            name: 0o775 if (project / name).is_dir() or name == project.name else 0o664
            for name in found
        }
        assert found == expected, project.name


def test_an_import_into_an_empty_folder_keeps_its_mode(small: Path, tmp_path: Path) -> None:
    run_cli(["export", "qdpx", str(tmp_path / "p.qdpx")], cwd=small)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared").chmod(0o2770)  # group-owned and setgid, as a shared folder is
    run = run_cli(["import", "qdpx", str(tmp_path / "p.qdpx"), "--into", "shared"], tmp_path)
    assert run.exit_code == 0, run.stderr
    assert stat.S_IMODE((tmp_path / "shared").stat().st_mode) == 0o2770
    assert (tmp_path / "shared" / "codebook.yaml").is_file()

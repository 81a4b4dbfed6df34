"""What the operating system refuses: a read-only project, an unreadable file, a full disk, an
output folder that cannot be written, a path that cannot be a folder.

Each command must answer with one line (``pcrcode: error: ...``), exit 1, write nothing and
leave no temporary file. File modes only bind a process without the capabilities root has
(CAP_DAC_OVERRIDE writes anywhere): the commands run in a child process that drops them before
it starts, as a colleague's account would be refused. Where that cannot be done (root without
the right to drop capabilities), the tests that need it are skipped, saying why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import Run, run_cli, snapshot


@contextlib.contextmanager
def read_only(root: Path, keep: tuple[str, ...] = ()) -> Iterator[None]:
    """Every folder of ``root`` 0555 and every file 0444 (but the top-level names in
    ``keep``), as on a colleague's checkout one may only read; restored afterwards."""
    changed: list[tuple[Path, int]] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if here != root and here.relative_to(root).parts[0] in keep:
            continue
        dirs[:] = [d for d in dirs if not (here == root and d in keep)]
        for name in files:
            path = here / name
            if not path.is_symlink() and not (here == root and name in keep):
                changed.append((path, stat.S_IMODE(path.stat().st_mode)))
                path.chmod(0o444)
        changed.append((here, stat.S_IMODE(here.stat().st_mode)))
    for path, _ in changed:
        if path.is_dir():
            path.chmod(0o555)
    try:
        yield
    finally:
        for path, mode in reversed(changed):
            path.chmod(mode if path.is_file() else mode | 0o700)


def _everything(root: Path) -> dict[str, bytes | str]:
    """Every file and link under ``root`` (temporary files included), with its bytes."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file() and not rel.startswith(".pcrcode/"):
            found[rel] = path.read_bytes()
        elif path.is_dir() and not rel.startswith(".pcrcode"):
            found[rel] = "folder"
    return found


def one_line(run: Run, code: int = 1) -> str:
    """The single error line of a refused command, checked: no traceback, nothing on stdout."""
    assert run.exception is None, run.exception
    assert "Traceback" not in run.stderr, run.stderr
    assert run.exit_code == code, (run.exit_code, run.stdout, run.stderr)
    assert run.stdout == "", run.stdout
    assert run.stderr.startswith("pcrcode: error: "), run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    return run.stderr


def _insert_turn(project: Path) -> None:
    path = project / "interviews" / "epicerie.md"
    text = path.read_text(encoding="utf-8")
    marker = "**Camille:** Vous travaillez"
    path.write_text(text.replace(marker, "**Camille:** Bonjour.\n\n" + marker, 1), "utf-8")


TRANSCRIPT = "Camille: Bonjour.\n\nLéa: Bonjour, on commence ?\n"

# Every command that writes into the project, with what it needs beforehand.
WRITING = {
    "tag": ["tag", "velo", "1", "forme/partenariat", "--coder", "camille"],
    "tag-new-coder": ["tag", "velo", "1", "forme/partenariat", "--coder", "lea"],
    "untag": ["untag", "velo", "2", "forme/mutualisation", "--coder", "camille"],
    "memo-structure": ["memo", "add", "structure", "epicerie", "--text", "x", "--coder", "eve"],
    "memo-coding": [
        "memo",
        "add",
        "coding",
        "velo:2:forme/mutualisation",
        "--text",
        "x",
        "--coder",
        "camille",
    ],
    "codebook-rename": ["codebook", "rename", "forme/partenariat", "forme/projet-commun"],
    "codebook-merge": ["codebook", "merge", "forme/partenariat", "forme/mutualisation"],
    "codebook-move": ["codebook", "move", "forme/partenariat", "objet"],
    "reanchor": ["reanchor"],
    "autocode": ["autocode", "vélo", "forme/partenariat", "--coder", "camille"],
    "import-transcript": ["import", "transcript", "../entretien.txt", "--structure", "epicerie"],
    "import-qdpx": ["import", "qdpx", "../project.qdpx", "--into", "imported"],
    "import-qdc": ["import", "qdc", "../codebook.qdc", "--into", "interviews"],
    "init": ["init", "nouveau"],
    "git-setup": ["git", "setup"],
}


def _prepare(name: str, project: Path) -> None:
    """What a command needs to have something to write (outside the project: readable)."""
    outside = project.parent
    if name == "reanchor":
        _insert_turn(project)
    elif name == "import-transcript":
        (outside / "entretien.txt").write_text(TRANSCRIPT, encoding="utf-8")
    elif name == "import-qdpx":
        assert (
            run_cli(["export", "qdpx", str(outside / "project.qdpx")], cwd=project).exit_code == 0
        )
    elif name == "import-qdc":
        assert run_cli(["export", "qdc", str(outside / "codebook.qdc")], cwd=project).exit_code == 0
    elif name == "git-setup":
        subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert run_cli(["check"], cwd=project).exit_code in (0, 1)  # .pcrcode/ exists, as in use


@pytest.mark.parametrize("name", sorted(WRITING))
def test_every_writing_command_on_a_read_only_project(
    small: Path, as_user: Callable[..., Run], name: str
) -> None:
    """.pcrcode/ stays writable (locks, cache): the refusal comes from the real write."""
    _prepare(name, small)
    before = _everything(small)
    with read_only(small, keep=(".pcrcode",)):
        run = as_user(WRITING[name], small)
    assert "permission denied: ask the folder's owner for write access" in one_line(run)
    assert "nothing was half-written" in run.stderr
    assert _everything(small) == before, name


def test_a_refused_write_names_the_file_not_its_temporary_copy(
    small: Path, as_user: Callable[..., Run]
) -> None:
    run_cli(["check"], cwd=small)
    with read_only(small, keep=(".pcrcode",)):
        tag = as_user(WRITING["tag"], small)
        rename = as_user(WRITING["codebook-rename"], small)
    assert one_line(tag).startswith("pcrcode: error: codings/camille/velo.yaml: permission denied")
    assert one_line(rename).startswith("pcrcode: error: codebook.yaml: permission denied")


@pytest.mark.parametrize("name", ["tag", "memo-structure", "codebook-rename", "init"])
def test_a_project_read_only_through_and_through(
    small: Path, as_user: Callable[..., Run], name: str
) -> None:
    """No .pcrcode/ yet, and it cannot be made: refused at the first write (the lock)."""
    before = _everything(small)
    with read_only(small):
        run = as_user(WRITING[name], small)
    assert "permission denied" in one_line(run)
    assert _everything(small) == before


def test_a_read_only_project_can_still_be_read(small: Path, as_user: Callable[..., Run]) -> None:
    """Reading needs no write: the cache that cannot be written is simply not kept."""
    expected = run_cli(["frequencies", "--format", "csv"], cwd=small).stdout
    before = _everything(small)
    with read_only(small):
        check = as_user(["check"], small)
        frequencies = as_user(["frequencies", "--format", "csv"], small)
        report = as_user(["report", "--format", "json"], small)
    assert (check.exit_code, check.stdout) == (0, ""), check.stderr
    assert (frequencies.exit_code, frequencies.stdout) == (0, expected), frequencies.stderr
    assert report.exit_code == 0 and report.stdout.startswith("{"), report.stderr
    assert _everything(small) == before


def test_a_session_on_a_read_only_project_says_so_and_goes_on(
    small: Path, as_user: Callable[..., Run]
) -> None:
    run_cli(["check"], cwd=small)
    before = _everything(small)
    with read_only(small, keep=(".pcrcode",)):
        run = as_user(["code", "velo", "--coder", "camille"], small, "forme/partenariat\nq\n")
    assert "Traceback" not in run.stdout + run.stderr
    assert "permission denied" in run.stdout + run.stderr
    assert _everything(small) == before


# --- unreadable files ------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["file", "coder folder"])
def test_an_unreadable_coding_file_stops_a_codebook_rename_before_any_write(
    small: Path, as_user: Callable[..., Run], what: str
) -> None:
    """All or nothing: neither the codebook nor camille's readable files are renamed while
    yanis's file cannot be read (it would keep the old id)."""
    locked = small / "codings" / "yanis" / ("epicerie.yaml" if what == "file" else "")
    before = _everything(small)
    mode = stat.S_IMODE(locked.stat().st_mode)
    locked.chmod(0)
    try:
        run = as_user(WRITING["codebook-rename"], small)
    finally:
        locked.chmod(mode)
    expected = "codings/yanis/epicerie.yaml" if what == "file" else "codings/yanis"
    assert one_line(run).startswith(f"pcrcode: error: {expected}: permission denied"), run.stderr
    assert _everything(small) == before


def test_an_unreadable_coding_file_stops_every_report(
    small: Path, as_user: Callable[..., Run]
) -> None:
    locked = small / "codings" / "yanis" / "velo.yaml"
    locked.chmod(0)
    try:
        runs = {c: as_user([c, "--format", "csv"], small) for c in ("frequencies", "agreement")}
    finally:
        locked.chmod(0o644)
    for command, run in runs.items():
        assert one_line(run).startswith("pcrcode: error: codings/yanis/velo.yaml"), command
        assert "nothing was computed" in run.stderr, command


@pytest.mark.parametrize("layout", ["codings is a file", "a coder folder is a file"])
def test_a_codebook_rename_refuses_codings_it_cannot_reach(small: Path, layout: str) -> None:
    """The codings such a file stands for would keep the old id: nothing is renamed."""
    if layout == "codings is a file":
        shutil.rmtree(small / "codings")
        (small / "codings").write_text("camille/velo.yaml\n", encoding="utf-8")
        expected = "pcrcode: error: codings:1: is a file: codings/ must be a folder"
    else:
        (small / "codings" / "lea").write_text("", encoding="utf-8")
        expected = "pcrcode: error: codings/lea:1: a file where a coder's folder is expected"
    before = snapshot(small)
    run = run_cli(WRITING["codebook-rename"], cwd=small)
    assert one_line(run).startswith(expected), run.stderr
    assert "nothing was changed" in run.stderr
    assert snapshot(small) == before


# --- a full disk -----------------------------------------------------------------------------


def _full_disk(monkeypatch: pytest.MonkeyPatch, after: int = 0) -> None:
    """ENOSPC from the ``after``-th fsync on: the data is written, then cannot be made durable,
    as on a disk that fills up (a tmpfs of a few kB cannot be mounted without privileges)."""
    real = os.fsync
    calls = [0]

    def fsync(fd: int) -> None:
        calls[0] += 1
        if calls[0] > after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize(
    ("name", "after"),
    [
        ("tag", 0),
        ("memo-structure", 0),
        ("codebook-rename", 0),
        ("codebook-rename", 1),  # the codebook's new copy made, not the first coding file's
        ("import-transcript", 0),
    ],
)
def test_a_full_disk_is_one_line_and_nothing_half_written(
    small: Path, monkeypatch: pytest.MonkeyPatch, name: str, after: int
) -> None:
    _prepare(name, small)
    before = _everything(small)
    _full_disk(monkeypatch, after)
    run = run_cli(WRITING[name], cwd=small)
    monkeypatch.undo()
    assert "the disk is full: free some space" in one_line(run), run.stderr
    assert _everything(small) == before
    assert not (small / ".pcrcode" / "journal.json").exists()


def test_a_full_disk_while_exporting_leaves_no_partial_file(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for command in (
        ["export", "qdpx", str(out / "p.qdpx")],
        ["report", "--format", "markdown", "-o", str(out / "r.md")],
    ):
        _full_disk(monkeypatch)
        run = run_cli(command, cwd=small)
        monkeypatch.undo()
        assert "the disk is full" in one_line(run), command
        assert list(out.iterdir()) == [], command


# --- output folders and paths that cannot be ------------------------------------------------


def test_an_output_folder_that_cannot_be_written(
    small: Path, tmp_path: Path, as_user: Callable[..., Run]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    commands = [
        ["export", "csv", str(out / "tables")],
        ["export", "csv", str(out)],
        ["export", "qdpx", str(out / "p.qdpx")],
        ["export", "qdc", str(out / "c.qdc")],
        ["report", "--format", "markdown", "-o", str(out / "r.md")],
        ["report", "--format", "html", "-o", str(out / "r.html")],
    ]
    with read_only(out):
        runs = [as_user(command, small) for command in commands]
    for command, run in zip(commands, runs, strict=True):
        assert "permission denied" in one_line(run), command
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "where",
    ["under a file", "a dangling link", "a link that loops", "a file", "a link to a file"],
)
def test_import_qdpx_into_a_path_that_cannot_be_a_project(
    small: Path, tmp_path: Path, where: str
) -> None:
    _prepare("import-qdpx", small)
    place = tmp_path / "place"
    place.mkdir()
    (place / "afile").write_text("mine", encoding="utf-8")
    into, expected = {
        "under a file": ("afile/new", "afile: a file is in the way where a folder was expected"),
        "a dangling link": ("dangling", "'dangling' is a symbolic link that leads nowhere"),
        "a link that loops": ("loop", "'loop' is a symbolic link that leads nowhere"),
        "a file": ("afile", "'afile' exists and is not a folder"),
        "a link to a file": ("filelink", "'filelink' exists and is not a folder"),
    }[where]
    (place / "dangling").symlink_to(place / "nowhere")
    (place / "loop").symlink_to("loop")
    (place / "filelink").symlink_to(place / "afile")
    before = _everything(tmp_path)
    run = run_cli(["import", "qdpx", str(tmp_path / "project.qdpx"), "--into", into], cwd=place)
    assert expected in one_line(run), run.stderr
    assert _everything(tmp_path) == before


def test_import_qdpx_into_a_link_to_an_empty_folder_fills_that_folder(
    small: Path, tmp_path: Path
) -> None:
    _prepare("import-qdpx", small)
    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "empty", target_is_directory=True)
    run = run_cli(["import", "qdpx", str(tmp_path / "project.qdpx"), "--into", "link"], tmp_path)
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "empty" / "codebook.yaml").is_file()


def test_import_qdc_never_writes_through_a_codebook_link(small: Path, tmp_path: Path) -> None:
    _prepare("import-qdc", small)
    place = tmp_path / "place"
    place.mkdir()
    (place / "codebook.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    run = run_cli(["import", "qdc", str(tmp_path / "codebook.qdc"), "--into", str(place)], small)
    assert "already exists" in one_line(run)
    assert not (tmp_path / "elsewhere.yaml").exists()

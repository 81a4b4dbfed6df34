"""Concurrency: several processes tagging at once lose no coding and corrupt no file.

Four worker processes each call the core ``pcrcode.coding.tagging.tag`` 200 times, all released at
the same instant, on the same interview with the same coder (one contended file), on the same
interview with different coders, and on different interviews; then with ``untag`` mixed in. A
fifth process keeps reading the contended file meanwhile: it must never see it half-written. A
smaller variant goes through the real command line (4 processes x 6 ``pcrcode tag``). The last
tests mix processes on one file and on others, parallel command lines, and tagging during a
codebook rename.

To cover a new writer, add a :class:`Layout` (who writes which keys where) or an ``op`` beside
``tag`` and ``untag`` in ``OPS``.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pcrcode.coding.tagging import tag, untag
from pcrcode.files import codings as codings_io
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.project import load_project
from tests.test_crash_safety import (
    add_long_interview,
    assert_readable,
    codable_codes,
    copy_small,
    env,
    present,
)

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="no advisory locks on Windows: atomic writes only"
)

WORKERS = 4
PER_WORKER = 200
CLI_WAVES = 6  # each process start costs ~0.5 s (imports): keep the CLI variant small
TURNS = 100  # 100 turns x 9 codable codes: room for 800 distinct codings in one file

Job = tuple[str, str, str, int, str]  # op, interview, coder, segment, code
OPS: dict[str, Callable[..., Any]] = {"tag": tag, "untag": untag}

_CONTEXT: Any = multiprocessing.get_context(
    "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
)


def _work(root: str, jobs: list[Job], barrier: Any) -> None:
    barrier.wait()
    for op, interview, coder, segment, code in jobs:
        OPS[op](Path(root), interview, [segment], [code], coder)


def _read_until(root: str, path: str, stop: Any, reads: Any) -> None:
    """Read ``path`` again and again until ``stop``: every read must be a whole, valid file."""
    target = Path(path)
    while not stop.is_set():
        if target.exists():
            diag = Diagnostics(Path(root))
            codings_io.read(target, diag)
            if diag.findings:
                raise AssertionError([str(f) for f in diag.findings])
            reads.value += 1
        time.sleep(0.005)  # leave the CPU to the writers (two cores in CI)


def run_workers(root: Path, jobs: list[list[Job]], watch: Path | None = None) -> int:
    """Run one process per list of jobs, all started together; returns the reader's reads."""
    barrier = _CONTEXT.Barrier(len(jobs))
    stop, reads = _CONTEXT.Event(), _CONTEXT.Value("i", 0)
    reader = None
    if watch is not None:
        reader = _CONTEXT.Process(target=_read_until, args=(str(root), str(watch), stop, reads))
        reader.start()
    workers = [_CONTEXT.Process(target=_work, args=(str(root), mine, barrier)) for mine in jobs]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    stop.set()
    if reader is not None:
        reader.join(30)
        assert reader.exitcode == 0, "the reader saw a broken coding file"
    assert [w.exitcode for w in workers] == [0] * len(workers)
    return int(reads.value)


@dataclass(frozen=True)
class Layout:
    """Who writes where: ``interview(w)`` and ``coder(w)`` for worker ``w``."""

    name: str
    interview: Callable[[int], str]
    coder: Callable[[int], str]


LAYOUTS = [
    Layout("same-interview-same-coder", lambda w: "long", lambda w: "team"),
    Layout("same-interview-different-coders", lambda w: "long", lambda w: f"coder-{w}"),
    Layout("different-interviews-same-coder", lambda w: f"long-{w}", lambda w: "team"),
]


@pytest.fixture
def fast_tmp(tmp_path: Path) -> Iterator[Path]:
    """A scratch folder in memory (tmpfs) where there is one: every write is fsync-ed, and 800
    fsyncs of a real disk would make this test slow without making it any stronger (the lock and
    the atomic rename are what make concurrent writers safe; fsync only matters on power loss)."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(prefix="pcrcode-test-", dir=shm) as folder:
        yield Path(folder)


def project(tmp_path: Path) -> tuple[Path, list[str]]:
    root = copy_small(tmp_path / "project")
    add_long_interview(root, "long", TURNS)
    for w in range(WORKERS):
        add_long_interview(root, f"long-{w}", TURNS)
    return root, codable_codes(root)


def keys_of(worker: int, codes: list[str], shared: bool) -> list[tuple[int, str]]:
    """200 (segment, code) pairs for a worker; disjoint between workers when they share a file."""
    every = [(seg, code) for seg in range(1, TURNS + 1) for code in codes]
    start = worker * PER_WORKER if shared else 0
    return every[start : start + PER_WORKER]


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_four_processes_tag_200_times_each(fast_tmp: Path, layout: Layout) -> None:
    root, codes = project(fast_tmp)
    shared = len({(layout.interview(w), layout.coder(w)) for w in range(WORKERS)}) == 1
    jobs = [
        [
            ("tag", layout.interview(w), layout.coder(w), seg, code)
            for seg, code in keys_of(w, codes, shared)
        ]
        for w in range(WORKERS)
    ]
    watch = codings_io.coding_path(root, layout.coder(0), layout.interview(0))
    reads = run_workers(root, jobs, watch)
    assert reads > 0
    for coder in {layout.coder(w) for w in range(WORKERS)}:
        expected = {(iv, seg, code) for mine in jobs for _, iv, c, seg, code in mine if c == coder}
        assert present(root, coder) == expected
    total = sum(len(present(root, c)) for c in {layout.coder(w) for w in range(WORKERS)})
    assert total == WORKERS * PER_WORKER
    assert_readable(root)


def test_tags_and_untags_interleaved_on_one_file(fast_tmp: Path) -> None:
    root, codes = project(fast_tmp)
    jobs = []
    for w in range(WORKERS):
        mine = keys_of(w, codes, shared=True)[:100]
        # Tag 100, untagging every other one right after it was tagged: 150 writes each.
        ops: list[Job] = []
        for i, (seg, code) in enumerate(mine):
            ops.append(("tag", "long", "team", seg, code))
            if i % 2:
                ops.append(("untag", "long", "team", seg, code))
        jobs.append(ops)
    run_workers(root, jobs, codings_io.coding_path(root, "team", "long"))
    expected = {
        ("long", seg, code)
        for w in range(WORKERS)
        for i, (seg, code) in enumerate(keys_of(w, codes, shared=True)[:100])
        if i % 2 == 0
    }
    assert len(expected) == WORKERS * 50
    assert present(root, "team") == expected
    assert_readable(root)


def test_four_command_lines_at_once(fast_tmp: Path) -> None:
    """The real CLI, 4 processes x 6 tags on the same file, started in waves of 4."""
    root, codes = project(fast_tmp)
    expected = set()
    for wave in range(CLI_WAVES):
        procs = []
        for w in range(WORKERS):
            seg, code = keys_of(w, codes, shared=True)[wave]
            expected.add(("long", seg, code))
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "pcrcode",
                        "--project",
                        str(root),
                        "tag",
                        "long",
                        str(seg),
                        code,
                        "--coder",
                        "team",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    env=env(),
                )
            )
        for p in procs:
            _, err = p.communicate(timeout=60)
            assert p.returncode == 0, err.decode(errors="replace")
    assert present(root, "team") == expected
    assert len(expected) == WORKERS * CLI_WAVES
    assert_readable(root)


# -- several writers at once, and tagging during a codebook rename --------------------------

CODES = [
    "forme/echange-informations",
    "forme/partenariat",
    "forme/mutualisation",
    "logique/territoriale",
    "portee/intra-sectorielle",
]

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork (POSIX)"
)


def add_interview_of_30_turns(root: Path, turns: int = 30) -> None:
    body = "\n\n".join(
        f"**{'Camille' if n % 2 else 'Léa'}:** Tour de parole numéro {n}."
        for n in range(1, turns + 1)
    )
    (root / "interviews" / "long.md").write_text(
        f"---\nstructure: velo\nlanguage: fr\n---\n\n{body}\n", encoding="utf-8"
    )


def _tag_many(root: str, interview: str, coder: str, jobs: list[tuple[int, str]]) -> None:
    from pcrcode.coding.tagging import tag

    for segment, code in jobs:
        tag(Path(root), interview, [segment], [code], coder)


def run_parallel(root: Path, work: list[tuple[str, str, list[tuple[int, str]]]]) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [
        ctx.Process(target=_tag_many, args=(str(root), iid, coder, jobs))
        for iid, coder, jobs in work
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * len(procs)


def assert_every_file_parses(root: Path) -> None:
    diag = Diagnostics(root)
    for path in codings_io.coding_files(root):
        codings_io.read(path, diag)
    assert diag.findings == []
    assert not list(root.rglob("*.tmp")), "a temporary file was left behind"


def keys(root: Path, interview: str, coder: str) -> set[tuple[int, str]]:
    path = codings_io.coding_path(root, coder, interview)
    return {(c.segment, c.code) for c in codings_io.read(path, Diagnostics(root))}


@needs_fork
def test_four_processes_on_one_file_and_others_elsewhere(small: Path) -> None:
    add_interview_of_30_turns(small)
    same = [("long", "camille", [(s, code) for s in range(1, 26)]) for code in CODES[:4]]
    other = [
        ("epicerie", "zoe", [(s, c) for s in range(1, 6) for c in CODES]),
        ("velo", "zoe", [(s, c) for s in range(1, 5) for c in CODES]),
    ]
    run_parallel(small, same + other)
    assert keys(small, "long", "camille") == {(s, c) for s in range(1, 26) for c in CODES[:4]}
    assert len(keys(small, "long", "camille")) == 100
    assert keys(small, "epicerie", "zoe") == {(s, c) for s in range(1, 6) for c in CODES}
    assert keys(small, "velo", "zoe") == {(s, c) for s in range(1, 5) for c in CODES}
    # The fixture's codings by camille of the other interviews are untouched.
    assert len(keys(small, "epicerie", "camille")) == 8
    assert_every_file_parses(small)


@needs_fork
def test_parallel_cli_processes(small: Path) -> None:
    add_interview_of_30_turns(small)
    env = {**os.environ, "PCRCODE_CODER": "camille", "PCRCODE_PROJECT": str(small)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys\nfrom pcrcode.cli import app\n"
                f"for s in range(1, 9):\n"
                f"    try:\n        app(['tag', 'long', str(s), '{code}'])\n"
                f"    except SystemExit as e:\n        assert not e.code, e.code\n",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for code in CODES[:4]
    ]
    procs.append(
        subprocess.Popen(
            [sys.executable, "-m", "pcrcode", "tag", "long", "9-12", *CODES],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    )
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), outputs
    expected = {(s, c) for s in range(1, 9) for c in CODES[:4]}
    expected |= {(s, c) for s in range(9, 13) for c in CODES}
    assert keys(small, "long", "camille") == expected
    assert_every_file_parses(small)


def _rename(root: str) -> None:
    from pcrcode.codebook_ops.operations import rename

    rename(Path(root), "forme/partenariat", "forme/projet")


@needs_fork
def test_tagging_during_a_codebook_rename_loses_nothing(small: Path) -> None:
    add_interview_of_30_turns(small)
    ctx = multiprocessing.get_context("fork")
    taggers = [
        ctx.Process(
            target=_tag_many,
            args=(str(small), "long", coder, [(s, "forme/partenariat") for s in range(1, 31)]),
        )
        for coder in ("camille", "yanis", "zoe")
    ]
    renamer = ctx.Process(target=_rename, args=(str(small),))
    for p in taggers[:2]:
        p.start()
    renamer.start()
    taggers[2].start()
    for p in [*taggers, renamer]:
        p.join(timeout=120)
    assert [p.exitcode for p in [*taggers, renamer]] == [0] * 4
    project = load_project(small)
    cb = project.codebook
    assert "forme/projet" in cb.codes and cb.aliases["forme/partenariat"] == "forme/projet"
    for coder in ("camille", "yanis", "zoe"):
        mine = [c for c in project.codings if c.coder == coder and c.interview == "long"]
        # Whether a tag ran before or after the rename, its coding is there, on the new id or
        # on the old one (an alias of it).
        assert sorted(c.segment for c in mine) == list(range(1, 31))
        assert {cb.resolve(c.code).id for c in mine} == {"forme/projet"}
    assert_every_file_parses(small)

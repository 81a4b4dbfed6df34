"""Researchers tagging at the same moment never lose a coding: parallel processes on the same
interview and coder, on other interviews, through the CLI, and during a codebook rename."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pcrcode import codings as codings_io
from pcrcode.diagnostics import Diagnostics
from pcrcode.project import load_project

CODES = [
    "forme/echange-informations",
    "forme/partenariat",
    "forme/mutualisation",
    "logique/territoriale",
    "portee/intra-sectorielle",
]

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork (POSIX)"
)


def add_long_interview(root: Path, turns: int = 30) -> None:
    body = "\n\n".join(
        f"**{'Camille' if n % 2 else 'Léa'}:** Tour de parole numéro {n}."
        for n in range(1, turns + 1)
    )
    (root / "interviews" / "long.md").write_text(
        f"---\nstructure: velo\nlanguage: fr\n---\n\n{body}\n", encoding="utf-8"
    )


def _tag_many(root: str, interview: str, coder: str, jobs: list[tuple[int, str]]) -> None:
    from pcrcode.tagging import tag

    for segment, code in jobs:
        tag(Path(root), interview, str(segment), [code], coder)


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


def test_four_processes_on_one_file_and_others_elsewhere(small: Path) -> None:
    add_long_interview(small)
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


def test_parallel_cli_processes(small: Path) -> None:
    add_long_interview(small)
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
    from pcrcode.evolution import rename

    rename(Path(root), "forme/partenariat", "forme/projet")


def test_tagging_during_a_codebook_rename_loses_nothing(small: Path) -> None:
    add_long_interview(small)
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

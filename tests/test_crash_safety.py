"""Crash safety: pcrcode killed with SIGKILL at random moments loses nothing and corrupts nothing.

Each scenario runs a command (``python -m pcrcode ...``) many times on a copy of the small fixture
and kills most runs after a random delay, calibrated on the command's own duration so that kills
land anywhere from the end of start-up (imports take half of a run) to the final rename. After
every kill:

- every file still parses (``check`` has no ``syntax``/``encoding`` finding, every coding file
  reads without error), and
- the command's promise holds: every coding whose ``tag`` returned is there, every coding whose
  ``untag`` returned is gone, a ``codebook rename`` is complete or not started (codebook and
  codings agree), an imported transcript is whole or absent, a new project (``init``) is complete
  or not a project, a ``check`` killed while writing its cache changes no later result, and
  nothing else changed.

A second test runs a loop of core ``tag``/``untag`` calls in one process and kills it mid-loop, so
that kills fall inside file writes hundreds of times more often; the coding file must then hold
exactly the operations that returned (plus, perhaps, the one in flight).

To cover a new command, add a :class:`Scenario` to ``SCENARIOS``: how to prepare the project, the
command line for one item, what returned (and killed) commands promise, and which files no run may
touch. Items should be independent of each other (a killed run may or may not have done its item).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pcrcode.coding.tagging import tag
from pcrcode.files import codings as codings_io
from pcrcode.files import transaction
from pcrcode.files.codebook import load_codebook
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.transcripts import parse_interview
from pcrcode.project_checks import check_project

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

DATA = Path(__file__).resolve().parent / "data"
SEED = int(os.environ.get("PCRCODE_CRASH_SEED", "20260402"))
CODER = "crash"
RUNS = 16  # per scenario; one run in four is left to finish
Key = tuple[str, int, str]  # interview, segment, code


# -- projects and invariants (also used by test_concurrency) ----------------------


def copy_small(dest: Path) -> Path:
    shutil.copytree(DATA / "small", dest, ignore=shutil.ignore_patterns(".pcrcode"))
    return dest


def add_long_interview(root: Path, name: str = "long", turns: int = 100) -> Path:
    """A transcript with many turns, so that hundreds of distinct codings fit in one file."""
    lines = ["---", "structure: epicerie", "---", ""]
    for n in range(1, turns + 1):
        lines += [f"**{'AB'[n % 2]}:** Tour {n}, on parle de coopération [rires].", ""]
    path = root / "interviews" / f"{name}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def codable_codes(root: Path) -> list[str]:
    codebook = load_codebook(root, Diagnostics(root))
    return [c.id for c in codebook.codes.values() if c.codable]


def env() -> dict[str, str]:
    """The environment of a pcrcode child process: no coder or project from the caller."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("PCRCODE_")}
    return {**keep, "NO_COLOR": "1", "COLUMNS": "80"}


def present(root: Path, coder: str) -> set[Key]:
    """The codings of ``coder``, read strictly (any error in a coding file fails the test)."""
    result: set[Key] = set()
    folder = root / codings_io.CODINGS_DIR / coder
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        diag = Diagnostics(root)
        found = codings_io.read(path, diag)
        assert diag.findings == [], [str(f) for f in diag.findings]
        result |= {(c.interview, c.segment, c.code) for c in found}
    return result


def assert_readable(root: Path) -> None:
    """Every file parses: no syntax or encoding finding, every coding file reads cleanly."""
    broken = [str(f) for f in check_project(root) if f.rule in ("syntax", "encoding")]
    assert broken == []
    for path in codings_io.coding_files(root):
        diag = Diagnostics(root)
        codings_io.read(path, diag)
        assert diag.errors == [], [str(f) for f in diag.errors]


def files_of(root: Path, *names: str) -> dict[str, bytes]:
    """The bytes of the named files and of every file under the named folders."""
    paths = [
        p
        for name in names
        for p in ([root / name] if (root / name).is_file() else (root / name).rglob("*"))
    ]
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(paths) if p.is_file()}


# -- the scenarios ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A command under crash test.

    ``prepare(root)`` readies the project and returns the items the runs work through, one item a
    run; ``argv(item)`` is the command line of one run (after ``pcrcode --project ROOT``);
    ``promise(root, items, returned, killed)`` asserts what the runs that returned guarantee,
    knowing that a killed run may or may not have done its work.
    """

    name: str
    prepare: Callable[[Path], list[Any]]
    argv: Callable[[Any], list[str]]
    promise: Callable[[Path, list[Any], list[Any], list[Any]], None]
    untouched: tuple[str, ...] = (
        "codebook.yaml",
        "structures.yaml",
        "interviews",
        "codings/camille",
        "codings/yanis",
    )
    exit_codes: tuple[int, ...] = (0,)  # how a run that did its work exits


def all_keys(root: Path) -> list[Key]:
    codes = codable_codes(root)
    keys = [
        (iv, seg, code)
        for iv, turns in (("epicerie", 6), ("velo", 4))
        for seg in range(1, turns + 1)
        for code in codes
    ]
    random.Random(SEED).shuffle(keys)
    return keys


def tag_argv(key: Key) -> list[str]:
    return ["tag", key[0], str(key[1]), key[2], "--coder", CODER]


def untag_argv(key: Key) -> list[str]:
    return ["untag", key[0], str(key[1]), key[2], "--coder", CODER]


def tag_promise(root: Path, items: list[Key], returned: list[Key], killed: list[Key]) -> None:
    have = present(root, CODER)
    assert set(returned) <= have, f"lost: {sorted(set(returned) - have)}"
    assert have <= set(returned) | set(killed), f"never asked: {sorted(have - set(items))}"


def prepare_untag(root: Path) -> list[Key]:
    keys = all_keys(root)
    for iv, seg, code in keys:
        tag(root, iv, [seg], [code], CODER)
    return keys


def untag_promise(root: Path, items: list[Key], returned: list[Key], killed: list[Key]) -> None:
    have = present(root, CODER)
    assert not have & set(returned), f"came back: {sorted(have & set(returned))}"
    untouched = set(items) - set(returned) - set(killed)
    assert untouched <= have, f"lost: {sorted(untouched - have)}"


def prepare_rename(root: Path) -> list[tuple[str, str, int]]:
    """(old id, new id, codings of old) for every coded code: renames independent of each other."""
    counts = Counter(
        c.code
        for path in codings_io.coding_files(root)
        for c in codings_io.read(path, Diagnostics(root))
    )
    return [(code, f"{code}-bis", n) for code, n in sorted(counts.items())]


def rename_promise(
    root: Path,
    items: list[tuple[str, str, int]],
    returned: list[tuple[str, str, int]],
    killed: list[tuple[str, str, int]],
) -> None:
    """All or nothing: the codebook and every coding agree on each code's id."""
    transaction.recover(root)  # what the next command does first after a crash
    codes = set(load_codebook(root, Diagnostics(root)).codes)
    used = Counter(
        c.code
        for path in codings_io.coding_files(root)
        for c in codings_io.read(path, Diagnostics(root))
    )
    for item in items:
        old, new, count = item
        done = new in codes and old not in codes and used[new] == count and used[old] == 0
        before = old in codes and new not in codes and used[old] == count and used[new] == 0
        if item in returned:
            assert done, f"rename {old} -> {new} returned but is not complete"
        elif item in killed:
            assert done or before, f"rename {old} -> {new} is half done"
        else:
            assert before, f"rename {old} -> {new} never ran but changed something"


IMPORT_TURNS = 40


def prepare_import(root: Path) -> list[tuple[str, str]]:
    """(source file outside the project, interview id) pairs, each imported once."""
    sources = root.parent / "sources"
    sources.mkdir()
    items = []
    for n in range(1, RUNS + 1):
        lines = [
            f"{'Camille' if t % 2 else 'Léa'}: Réponse {t} de l'entretien {n} [rires]."
            for t in range(1, IMPORT_TURNS + 1)
        ]
        source = sources / f"entretien-{n}.txt"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        items.append((str(source), f"import-{n}"))
    return items


def import_promise(
    root: Path,
    items: list[tuple[str, str]],
    returned: list[tuple[str, str]],
    killed: list[tuple[str, str]],
) -> None:
    """A transcript is there whole (every turn) or not at all."""
    for item in items:
        path = root / "interviews" / f"{item[1]}.md"
        if path.exists():
            assert item in returned or item in killed, f"{path.name} appeared from nowhere"
            turns = parse_interview(path, Diagnostics(root)).turns
            assert [t.text for t in turns] == [
                f"Réponse {t} de l'entretien {item[1].split('-')[1]} [rires]."
                for t in range(1, IMPORT_TURNS + 1)
            ], f"{path.name} is incomplete"
        else:
            assert item not in returned, f"{path.name} was imported, then lost"


def prepare_checks(root: Path) -> list[int]:
    path = root / "codings" / "camille" / "velo.yaml"  # a finding to cache
    path.write_text(
        path.read_text(encoding="utf-8").replace("forme/mutualisation", "forme/x"), encoding="utf-8"
    )
    return list(range(RUNS))


def check_promise(root: Path, items: list[int], returned: list[int], killed: list[int]) -> None:
    """A `check` killed while writing its cache never makes the next one see a different project."""
    cached = [str(f) for f in check_project(root)]
    saved = os.environ.get("PCRCODE_NO_CACHE")
    os.environ["PCRCODE_NO_CACHE"] = "1"
    try:
        fresh = [str(f) for f in check_project(root)]
    finally:
        if saved is None:
            del os.environ["PCRCODE_NO_CACHE"]
        else:
            os.environ["PCRCODE_NO_CACHE"] = saved
    assert cached == fresh
    assert fresh == ["codings/camille/velo.yaml:7:3: error: unknown code 'forme/x' [unknown-code]"]


def prepare_init(root: Path) -> list[str]:
    return [str(root.parent / f"new-{n}") for n in range(RUNS)]


def init_promise(root: Path, items: list[str], returned: list[str], killed: list[str]) -> None:
    """A new project is complete (and clean) or is not a project at all."""
    for item in items:
        target = Path(item)
        if (target / "codebook.yaml").exists():
            assert item in returned or item in killed
            assert all(
                (target / part).exists() for part in ("structures.yaml", "interviews", "codings")
            ), f"{target.name} is partial"
            assert [f for f in check_project(target) if f.severity == "error"] == []
        else:
            assert item not in returned, f"{target.name}: init returned, no project"


def prepare_import_qdpx(root: Path) -> list[tuple[str, str]]:
    """(archive, new project folder) pairs: the small project exported once, imported RUNS times."""
    archive = root.parent / "export.qdpx"
    subprocess.run(
        [sys.executable, "-m", "pcrcode", "--project", str(root), "export", "qdpx", str(archive)],
        check=True,
        capture_output=True,
        env=env(),
    )
    return [(str(archive), str(root.parent / f"imported-{n}")) for n in range(RUNS)]


def import_qdpx_promise(
    root: Path,
    items: list[tuple[str, str]],
    returned: list[tuple[str, str]],
    killed: list[tuple[str, str]],
) -> None:
    """An imported project is there whole (every coding of the source) or not at all."""
    source = sorted(
        (c.coder, c.key)
        for path in codings_io.coding_files(root)
        for c in codings_io.read(path, Diagnostics(root))
    )
    for item in items:
        target = Path(item[1])
        if (target / "codebook.yaml").exists():
            assert item in returned or item in killed, f"{target.name} appeared from nowhere"
            got = sorted(
                (c.coder, c.key)
                for path in codings_io.coding_files(target)
                for c in codings_io.read(path, Diagnostics(target))
            )
            assert got == source, f"{target.name} is partial"
        else:
            assert item not in returned, f"{target.name}: import returned, no project"
            assert not target.exists() or not any(target.iterdir()), f"{target.name} is partial"


SCENARIOS = [
    Scenario("tag", all_keys, tag_argv, tag_promise),
    Scenario("untag", prepare_untag, untag_argv, untag_promise),
    Scenario(
        "codebook-rename",
        prepare_rename,
        lambda item: ["codebook", "rename", item[0], item[1]],
        rename_promise,
        untouched=("structures.yaml", "interviews"),
    ),
    Scenario(
        "check",
        prepare_checks,
        lambda item: ["check"],
        check_promise,
        untouched=("codebook.yaml", "structures.yaml", "interviews", "codings"),
        exit_codes=(1,),
    ),
    Scenario("init", prepare_init, lambda item: ["init", item], init_promise),
    Scenario(
        "import-transcript",
        prepare_import,
        lambda item: ["import", "transcript", item[0], "--id", item[1], "-s", "epicerie"],
        import_promise,
        untouched=(
            "codebook.yaml",
            "structures.yaml",
            "codings",
            "interviews/epicerie.md",
            "interviews/velo.yaml",
        ),
    ),
    Scenario(
        "import-qdpx",
        prepare_import_qdpx,
        lambda item: ["import", "qdpx", item[0], "--into", item[1]],
        import_qdpx_promise,
        untouched=("codebook.yaml", "structures.yaml", "codings", "interviews"),
    ),
]


def run_and_maybe_kill(
    root: Path, argv: Sequence[str], delay: float | None, exit_codes: tuple[int, ...] = (0,)
) -> tuple[bool, float]:
    """Run pcrcode; kill it after ``delay`` seconds (None: let it finish).

    Returns (returned, seconds): returned is True when the command exited before the kill."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pcrcode", "--project", str(root), *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env(),
    )
    try:
        _, err = proc.communicate(timeout=delay if delay is not None else 60)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
    elapsed = time.monotonic() - started
    if proc.returncode == -signal.SIGKILL:
        return False, elapsed
    assert proc.returncode in exit_codes, f"{' '.join(argv)}: {err.decode(errors='replace')}"
    return True, elapsed


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_sigkill_loses_nothing(tmp_path: Path, scenario: Scenario) -> None:
    root = copy_small(tmp_path / "project")
    items = scenario.prepare(root)[:RUNS]
    others = files_of(root, *scenario.untouched)
    rnd = random.Random(f"{SEED}-{scenario.name}")
    returned: list[Any] = []
    killed: list[Any] = []
    run_and_maybe_kill(root, ["check"], None, (0, 1))  # warm up: calibrate on a typical run
    duration = None
    for run, item in enumerate(items):
        # One run in four finishes: it calibrates the delays and proves the promise outright.
        delay = None if run % 4 == 0 or duration is None else duration * rnd.uniform(0.5, 1.15)
        done, elapsed = run_and_maybe_kill(root, scenario.argv(item), delay, scenario.exit_codes)
        if delay is None:
            duration = elapsed
        (returned if done else killed).append(item)
        assert_readable(root)
        scenario.promise(root, items, returned, killed)
    assert killed, "no run was killed: the delays are too long for this machine"
    assert files_of(root, *scenario.untouched) == others


# -- kills inside a loop of writes ------------------------------------------------------------

LOOP = """
import json, sys
from pathlib import Path
from pcrcode.coding.tagging import tag, untag
root, coder, ops = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
print("ready", flush=True)
for i, (op, interview, segment, code) in enumerate(ops):
    (tag if op == "tag" else untag)(root, interview, [segment], [code], coder)
    print(i, flush=True)
"""


def random_ops(rnd: random.Random, keys: list[Key], count: int) -> list[tuple[str, str, int, str]]:
    """Tags of new keys, with untags of earlier ones mixed in."""
    ops: list[tuple[str, str, int, str]] = []
    tagged: list[Key] = []
    fresh = iter(rnd.sample(keys, len(keys)))
    for _ in range(count):
        if tagged and rnd.random() < 0.3:
            key = tagged.pop(rnd.randrange(len(tagged)))
            ops.append(("untag", *key))
        else:
            key = next(fresh)
            tagged.append(key)
            ops.append(("tag", *key))
    return ops


def apply_ops(ops: Sequence[tuple[str, str, int, str]]) -> set[Key]:
    state: set[Key] = set()
    for op, interview, segment, code in ops:
        if op == "tag":
            state.add((interview, segment, code))
        else:
            state.discard((interview, segment, code))
    return state


def test_sigkill_inside_a_loop_of_writes(tmp_path: Path) -> None:
    root = copy_small(tmp_path / "project")
    add_long_interview(root, turns=60)
    keys = [("long", seg, code) for seg in range(1, 61) for code in codable_codes(root)]
    rnd = random.Random(f"{SEED}-loop")
    kills = 0
    for run in range(8):
        coder = f"loop-{run}"
        ops = random_ops(rnd, keys, 400)
        proc = subprocess.Popen(
            [sys.executable, "-c", LOOP, str(root), coder, json.dumps(ops)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env(),
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n", proc.stderr.read() if proc.stderr else ""
        time.sleep(rnd.uniform(0.0, 0.5))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert proc.returncode in (0, -signal.SIGKILL), err
        kills += proc.returncode == -signal.SIGKILL
        done = len(out.split())  # the operations that returned
        have = present(root, coder)
        # The operation in flight when the kill landed may or may not have been written.
        assert have in (apply_ops(ops[:done]), apply_ops(ops[: done + 1])), (
            f"run {run}: {done} operations returned, the file holds something else"
        )
        assert_readable(root)
    assert kills >= 4, "the loops finished before the kills: raise the number of operations"

"""The project index (.pcrcode/index.sqlite): every report gives what it gives without index or
cache, whatever happened to the project or to the index file.

Files are indexed only once they are two seconds old (the cache's RACY_NS); these tests lower that
to zero so that the rows of freshly written files are stored and read back, and wait a few
milliseconds before changing a file in place so that the change gets a new ctime.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcrcode.files import cache
from pcrcode.files.cached_parsing import Parsed
from pcrcode.index import DISABLE_ENV, loading
from pcrcode.index.database import INDEX_FILE, Database, Row
from pcrcode.model import Codebook
from pcrcode.reports.axes import ancestor, highest
from tests.conftest import ROOT, Run, copy_project, run_cli

# Report command lines over the example project: every report, its options and filters.
REPORTS: tuple[tuple[str, ...], ...] = (
    ("frequencies", "--format", "csv"),
    ("frequencies", "--all-coders", "--family", "logique", "--format", "json"),
    ("frequencies", "--coder", "yanis", "--where", "statut=association", "--format", "csv"),
    ("crosstab", "statut", "logique", "--format", "csv"),
    ("crosstab", "forme:max", "domaine", "--count", "interviews", "--percent", "row", "-f", "csv"),
    ("crosstab", "logique", "portee", "--count", "segments", "--format", "json"),
    ("crosstab", "logique:dominant", "statut", "--depth", "2", "--all-coders", "-f", "csv"),
    ("cooccurrence", "--format", "csv"),
    ("cooccurrence", "--unit", "structure", "--family", "objet", "--depth", "1", "-f", "json"),
    ("profile", "--format", "csv"),
    ("profile", "--all", "--format", "json"),
    ("profile", "jardins-du-drac", "--all-coders", "--quotes", "5"),
    ("report", "--format", "json"),
    ("report", "--format", "csv", "--where", "domaine=alimentation"),
    ("report", "--format", "markdown", "--all-coders"),
    ("retrieve", "logique/territoriale", "--format", "json"),
    ("retrieve", "forme AND NOT portee/intra-sectorielle", "--context", "1", "--all-coders"),
    ("census", "--format", "csv"),
    # The tables that count without segment objects, and profiles without quotes.
    ("profile", "--where", "statut=association"),
    ("profile", "--format", "markdown", "--coder", "yanis"),
    ("cooccurrence", "--unit", "interview", "--all-coders", "--format", "csv"),
    ("report", "--where", "statut=association"),
    ("--skip-broken", "frequencies", "--format", "csv"),
)
CODES = (
    "forme/partenariat",
    "forme/mutualisation",
    "objet/achat-vente",
    "logique/reseau/affinitaire",
    "logique/territoriale",
    "portee/inter-sectorielle",
)
INTERVIEWS = ("jardins-du-drac", "terre-et-paille", "amap-belledonne", "panier-solidaire")


@pytest.fixture(autouse=True)
def index_fresh_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)
    for name in (cache.DISABLE_ENV, DISABLE_ENV):
        monkeypatch.delenv(name, raising=False)


def without_index(args: tuple[str, ...], root: Path) -> Run:
    """The report as computed from the files alone: no index, no cache."""
    env = {DISABLE_ENV: "1", cache.DISABLE_ENV: "1"}
    return run_cli(["--project", str(root), *args], env=env)


def with_index(args: tuple[str, ...], root: Path) -> Run:
    return run_cli(["--project", str(root), *args])


def outcome(run: Run) -> tuple[int, str, str, str]:
    assert run.exception is None, run.exception
    return run.exit_code, run.stdout, run.stderr, type(run.exception).__name__


def assert_same(root: Path, reports: tuple[tuple[str, ...], ...] = REPORTS) -> None:
    for args in reports:
        assert outcome(with_index(args, root)) == outcome(without_index(args, root)), args


def settle() -> None:
    # A file stamped in the same clock tick as its previous stat keeps its key (RACY_NS covers
    # that in real use, and these tests set it to zero).
    time.sleep(0.03)


def rows(root: Path) -> dict[str, tuple[int, ...]]:
    """rel -> signature, as stored."""
    with sqlite3.connect(root / INDEX_FILE) as db:
        found = db.execute("SELECT rel, size, mtime, ctime, inode FROM files").fetchall()
    return {rel: tuple(key) for rel, *key in found}


def served_from_index(root: Path) -> bool:
    found = loading.load_indexed(root)
    return found is not None


# -- the index answers, and answers as the files do ---------------------------------------


def test_reports_from_the_index_equal_reports_from_the_files(example: Path) -> None:
    assert_same(example)  # the first run builds the index
    assert (example / INDEX_FILE).is_file()
    assert len(rows(example)) == len(list((example / "interviews").iterdir())) + len(
        list((example / "codings").glob("*/*.yaml"))
    )
    assert served_from_index(example)
    assert_same(example)  # then every report reads it


def test_a_report_reads_only_the_files_that_changed(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert served_from_index(example)
    before = rows(example)
    settle()
    assert (
        run_cli(
            ["--project", str(example), "tag", "jardins-du-drac", "3", "objet/immobilier"],
            env={"PCRCODE_CODER": "camille"},
        ).exit_code
        == 0
    )
    parsed: list[str] = []
    original = loading._row

    def spy(is_transcript: bool, path: Path, rel: str, key: tuple[int, ...], read: Parsed) -> Row:
        parsed.append(rel)
        return original(is_transcript, path, rel, key, read)

    monkeypatch.setattr(loading, "_row", spy)
    assert served_from_index(example)
    assert parsed == ["codings/camille/jardins-du-drac.yaml"]
    after = rows(example)
    assert {rel for rel in after if after[rel] != before.get(rel)} == set(parsed)
    monkeypatch.undo()
    monkeypatch.setattr(cache, "RACY_NS", 0)
    assert_same(example, REPORTS[:4])


def test_removed_and_added_files(example: Path) -> None:
    assert served_from_index(example)
    (example / "codings" / "yanis" / "jardins-du-drac.yaml").unlink()
    (example / "interviews" / "roule-ensemble.md").unlink()
    round2 = example / "codings" / "camille@2"
    round2.mkdir()
    (round2 / "terre-et-paille.yaml").write_bytes(
        (example / "codings" / "yanis" / "terre-et-paille.yaml")
        .read_bytes()
        .replace(b"coder: yanis", b"coder: camille@2")
    )
    assert_same(example)
    assert "codings/yanis/jardins-du-drac.yaml" not in rows(example)
    assert "codings/camille@2/terre-et-paille.yaml" in rows(example)


def test_codings_under_an_old_code_id_count_under_the_new_one(example: Path) -> None:
    assert served_from_index(example)
    settle()
    renamed = run_cli(
        ["--project", str(example), "codebook", "rename", "logique/territoriale", "logique/lieu"]
    )
    assert renamed.exit_code == 0, renamed.stderr
    # A coding file still under the old id (as a branch merged after the rename brings it).
    path = example / "codings" / "yanis" / "terre-et-paille.yaml"
    settle()
    text = path.read_text(encoding="utf-8").replace("logique/lieu", "logique/territoriale")
    path.write_text(text.replace("logique/reseau/affinitaire", "logique/territoriale"), "utf-8")
    assert served_from_index(example)
    assert_same(example)


@pytest.mark.parametrize(
    "damage",
    [
        ("codings/camille/velo.yaml", "unknown code"),
        ("codings/yanis/terre-et-paille.yaml", "tab"),
        ("structures.yaml", "tab"),
        ("interviews/jardins-du-drac.md", "conflict"),
    ],
    ids=["unknown-code", "broken-coding-file", "broken-registry", "broken-transcript"],
)
def test_broken_projects_stop_or_skip_as_without_index(
    example: Path, damage: tuple[str, str]
) -> None:
    assert_same(example, REPORTS[:1])
    rel, how = damage
    path = example / rel
    if rel.endswith("velo.yaml"):
        path = example / "codings" / "camille" / "atelier-velo-nomade.yaml"
    text = path.read_text(encoding="utf-8")
    settle()
    if how == "unknown code":
        text = text.replace("forme/", "forme/x-", 1)
    elif how == "tab":
        text = text.replace("\n", "\n\t", 3)
    else:
        text += "\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> other\n"
    path.write_text(text, encoding="utf-8")
    for args in (REPORTS[0], REPORTS[9], REPORTS[12], REPORTS[-1]):
        first = with_index(args, example)
        assert outcome(first) == outcome(without_index(args, example)), args
    assert with_index(REPORTS[0], example).exit_code == 1
    assert with_index(REPORTS[-1], example).exit_code == 0


# -- random histories -----------------------------------------------------------------------

Step = tuple[str, int, int, int]


def apply(root: Path, step: Step) -> None:
    what, a, b, c = step
    interview = INTERVIEWS[a % len(INTERVIEWS)]
    code = CODES[c % len(CODES)]
    coder = ("camille", "yanis", "camille@2")[b % 3]
    base = ["--project", str(root)]
    settle()
    if what == "tag":
        run_cli([*base, "tag", interview, str(1 + b % 9), code], env={"PCRCODE_CODER": coder})
    elif what == "untag":
        run_cli([*base, "untag", interview, str(1 + b % 9), code], env={"PCRCODE_CODER": coder})
    elif what == "rename":
        family, _, rest = code.partition("/")
        run_cli([*base, "codebook", "rename", code, f"{family}/r{b}-{rest.replace('/', '-')}"])
    elif what == "old-id":  # a coding file that still uses a code's old id
        for path in sorted((root / "codings").glob("*/*.yaml"))[a % 5 :: 5]:
            aliases = _aliases(root)
            if aliases:
                old, new = aliases[b % len(aliases)]
                text = path.read_text(encoding="utf-8")
                path.write_text(text.replace(f'"{new}"', f'"{old}"'), encoding="utf-8")
    elif what == "delete":
        found = sorted((root / "codings").glob("*/*.yaml"))
        if found:
            found[a % len(found)].unlink()
    elif what == "transcript":
        found = sorted((root / "interviews").iterdir())
        if len(found) > 3:
            found[a % len(found)].unlink()


def _aliases(root: Path) -> list[tuple[str, str]]:
    from pcrcode.files.codebook import load_codebook
    from pcrcode.files.diagnostics import Diagnostics

    codebook = load_codebook(root, Diagnostics(root))
    return sorted(codebook.aliases.items())


steps = st.lists(
    st.tuples(
        st.sampled_from(["tag", "tag", "untag", "rename", "old-id", "delete", "transcript"]),
        st.integers(0, 40),
        st.integers(0, 40),
        st.integers(0, 40),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=steps, data=st.data())
def test_random_histories_give_the_same_reports(
    history: list[Step], data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cache.RACY_NS = 0  # hypothesis runs outside the autouse fixture's monkeypatch
    root = copy_project(ROOT, tmp_path_factory.mktemp("history") / "example")
    assert served_from_index(root)
    for step in history:
        apply(root, step)
        chosen = data.draw(st.lists(st.sampled_from(REPORTS), min_size=2, max_size=3))
        assert_same(root, tuple(chosen))


# -- a damaged, foreign, locked or unwritable index -----------------------------------------


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "other-version", "no-tables"])
def test_a_damaged_or_foreign_index_is_rebuilt(example: Path, damage: str) -> None:
    assert served_from_index(example)
    index = example / INDEX_FILE
    if damage == "truncated":
        data = index.read_bytes()
        index.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        index.write_bytes(os.urandom(8192))
    elif damage == "empty":
        index.write_bytes(b"")
    elif damage == "other-version":
        with sqlite3.connect(index) as db:
            db.execute("UPDATE meta SET value = 'pcrcode 0.1' WHERE name = 'tag'")
    else:
        with sqlite3.connect(index) as db:
            db.execute("DROP TABLE files")
    assert_same(example, REPORTS[:3])
    assert served_from_index(example)
    with sqlite3.connect(index) as db:
        assert db.execute("SELECT value FROM meta").fetchone()[0] == Database(example).tag


def test_a_locked_index_is_passed_by(example: Path) -> None:
    assert served_from_index(example)
    holder = sqlite3.connect(example / INDEX_FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process in the middle of a long write
    try:
        assert not served_from_index(example)
        assert "locked" in loading.last_reason
        assert_same(example, REPORTS[:2])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert served_from_index(example)


def test_an_index_that_cannot_be_written_still_answers(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert served_from_index(example)
    settle()
    tagged = run_cli(
        ["--project", str(example), "tag", "jardins-du-drac", "3", "objet/immobilier"],
        env={"PCRCODE_CODER": "camille"},
    )
    assert tagged.exit_code == 0
    before = rows(example)
    original = Database._write

    def refused(self: Database, changed: object, removed: object) -> None:
        original(self, changed, removed)  # type: ignore[arg-type]
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(Database, "_write", refused)
    assert served_from_index(example)  # from the rows read, and the changed file read again
    assert_same(example, REPORTS[:3])
    assert rows(example) == before  # rolled back: nothing half-written


def test_an_index_sqlite_cannot_read_is_passed_by(example: Path) -> None:
    assert served_from_index(example)
    # A folder where SQLite looks for a hot journal: it cannot tell, so it reads nothing.
    (example / f"{INDEX_FILE}-journal").mkdir()
    assert not served_from_index(example)
    assert "disk I/O error" in loading.last_reason
    assert_same(example, REPORTS[:3])


def test_a_state_folder_where_no_index_can_be(example: Path) -> None:
    (example / ".pcrcode").write_text("a file where the folder should be")
    assert not served_from_index(example)
    assert_same(example, REPORTS[:2])


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any mode")
def test_a_read_only_state_folder(example: Path) -> None:
    assert served_from_index(example)
    state = example / ".pcrcode"
    os.chmod(state, 0o555)
    try:
        assert_same(example, REPORTS[:2])
    finally:
        os.chmod(state, 0o755)


def test_the_environment_turns_the_index_off(example: Path) -> None:
    assert (
        run_cli(["--project", str(example), "frequencies"], env={DISABLE_ENV: "1"}).exit_code == 0
    )
    assert not (example / INDEX_FILE).exists()


# -- processes: killed while writing, tagging at the same time -------------------------------

CHILD = """
import os, signal, sys
from pcrcode.files import cache
cache.RACY_NS = 0
from pcrcode.index import database
if sys.argv[1] == "die-in-transaction":
    original = database.Database._write
    def write_then_die(self, changed, removed):
        original(self, changed, removed)
        os.kill(os.getpid(), signal.SIGKILL)  # before COMMIT
    database.Database._write = write_then_die
from pcrcode.cli import main
sys.argv = ["pcrcode", *sys.argv[2:]]
main()
"""


def child(root: Path, how: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PCRCODE_PROJECT": str(root), "PCRCODE_CODER": "camille"}
    env.pop(DISABLE_ENV, None)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, how, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_an_update_killed_before_its_commit_leaves_the_old_rows(example: Path) -> None:
    assert served_from_index(example)
    before = rows(example)
    settle()
    (example / "codings" / "yanis" / "jardins-du-drac.yaml").unlink()
    run_cli(
        ["--project", str(example), "tag", "terre-et-paille", "2", "forme/partenariat"],
        env={"PCRCODE_CODER": "camille"},
    )
    assert child(example, "die-in-transaction", "frequencies").wait() == -signal.SIGKILL
    assert rows(example) == before  # the hot journal rolled back: the old rows, whole
    assert_same(example, REPORTS[:4])


def test_updates_killed_at_random_moments(example: Path) -> None:
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3):
        settle()
        (example / INDEX_FILE).unlink(missing_ok=True)  # a whole build to interrupt
        process = child(example, "plain", "report", "--format", "json")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert_same(example, REPORTS[12:13])


def test_concurrent_tags_and_reports(example: Path) -> None:
    assert served_from_index(example)
    processes = []
    for i, interview in enumerate(INTERVIEWS):
        for n in range(3):
            code = CODES[(i + n) % len(CODES)]
            processes.append(child(example, "plain", "tag", interview, str(2 + n), code))
        processes.append(child(example, "plain", "frequencies", "--format", "csv"))
    assert all(p.wait() == 0 for p in processes)
    assert_same(example, REPORTS[:4])


# -- size ------------------------------------------------------------------------------------


def test_the_index_is_small_beside_the_project(tmp_path: Path) -> None:
    root = tmp_path / "generated"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "-n", "200", str(root)],
        check=True,
        capture_output=True,
    )
    assert served_from_index(root)
    files = sum(p.stat().st_size for p in root.rglob("*") if ".pcrcode" not in p.parts)
    assert (root / INDEX_FILE).stat().st_size <= 0.2 * files


# -- the counting shortcuts give what the segment by segment count gives --------------------


def _highest_by_segments(codebook: Codebook, family: str, code_sets: list[frozenset[str]]) -> Any:
    """``highest`` as it was written before the shortcut: set by set, the first of a degree."""
    best = None
    for codes in dict.fromkeys(code_sets):
        for cid in codes:
            code = codebook.codes.get(cid)
            if code is None or code.family != family:
                continue
            top = ancestor(codebook, code, 1)
            if top.degree is not None and (best is None or (best.degree or 0) < top.degree):
                best = top
    return best


@settings(max_examples=60, deadline=None)
@given(
    picks=st.lists(st.lists(st.integers(0, 99), min_size=1, max_size=4), max_size=8),
    ties=st.booleans(),
)
def test_highest_equals_the_segment_by_segment_answer(picks: list[list[int]], ties: bool) -> None:
    from pcrcode.files.codebook import load_codebook
    from pcrcode.files.diagnostics import Diagnostics

    codebook = load_codebook(ROOT, Diagnostics(ROOT))
    if ties:  # two codes of one degree: the first found wins, as segment by segment
        codes = dict(codebook.codes)
        for cid in ("forme/partenariat", "forme/mutualisation"):
            codes[cid] = replace(codes[cid], degree=4)
        codebook = replace(codebook, codes=codes)
    ids = sorted(codebook.codes)
    code_sets = [frozenset(ids[i % len(ids)] for i in pick) for pick in picks]
    expected = _highest_by_segments(codebook, "forme", code_sets)
    assert highest(codebook, "forme", code_sets) == expected

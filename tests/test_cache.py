"""The parse cache under .pcrcode/cache/: same results as without it, never stale, never fatal.

Timing is measured by bench/run.py, never here. Files are normally cached only once they are two
seconds old (pcrcode.files.cache.RACY_NS); these tests lower that to zero so that freshly written
fixture files are cached, and wait a few milliseconds before editing a file so that the edit
gets a new ctime on file systems with a coarse clock.
"""

from __future__ import annotations

import datetime
import io
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pcrcode import project
from pcrcode.cli.output.progress import ProgressBar, bar_text
from pcrcode.files import cache, cache_codec, cached_parsing, codings
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.model import Codings, Interview, Project
from pcrcode.project_checks import check_project
from tests.conftest import Run


@pytest.fixture(autouse=True)
def cache_fresh_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)
    monkeypatch.delenv(cache.DISABLE_ENV, raising=False)


def load(root: Path, use_cache: bool = True) -> tuple[Project, list[Any]]:
    diag = Diagnostics(root)
    loaded = project.load_project(root, diag, cache=use_cache)
    return loaded, list(diag.findings)


def plain(p: Project) -> dict[str, Any]:
    """Everything a command can see of a project, as plain comparable data."""
    return {
        "codebook": p.codebook,
        "registry": p.registry,
        "interviews": {
            iid: (
                i.id,
                i.path,
                i.structure,
                i.date,
                i.interviewer,
                i.participants,
                i.language,
                i.illustrative,
                dict(i.meta),
                i.structure_line,
                [(t.number, t.speaker, t.text, t.line, t.fingerprint) for t in i.turns],
            )
            for iid, i in p.interviews.items()
        },
        "codings": [
            (
                c.interview,
                c.segment,
                c.code,
                c.coder,
                c.at,
                c.fingerprint,
                c.memo,
                c.start,
                c.end,
                c.quote,
                c.path,
                c.line,
            )
            for c in p.codings
        ],
    }


def forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every parser fail: a load that succeeds took everything from the cache."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("parsed a file that should come from the cache")

    monkeypatch.setattr(project, "load_registry", refuse)  # the codebook is always parsed
    monkeypatch.setattr(cached_parsing, "parse_interview", refuse)
    monkeypatch.setattr(codings, "read", refuse)


def settle() -> None:
    # Linux stamps files with a clock of a few milliseconds: an edit made in the same tick as
    # the previous stat would keep its ctime (in real use, RACY_NS covers exactly that).
    time.sleep(0.03)


def edit(path: Path, old: str, new: str, keep_mtime: bool = False) -> None:
    """Replace ``old`` by ``new`` (same length: the size does not change) in place."""
    assert len(old.encode()) == len(new.encode())
    text = path.read_text(encoding="utf-8")
    assert old in text
    st = path.stat()
    settle()
    with path.open("r+", encoding="utf-8") as handle:  # in place: same inode
        handle.write(text.replace(old, new, 1))
    assert path.stat().st_size == st.st_size
    if keep_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert path.stat().st_mtime_ns == st.st_mtime_ns


# -- the cache gives what parsing gives ------------------------------------------------------


def test_cached_load_equals_a_fresh_load(example: Path) -> None:
    fresh, fresh_findings = load(example, use_cache=False)
    assert not (example / cache.CACHE_DIR).exists()
    first, first_findings = load(example)
    assert (example / cache.CACHE_DIR).is_dir()
    second, second_findings = load(example)
    assert plain(first) == plain(second) == plain(fresh)
    assert first_findings == second_findings == fresh_findings
    assert len(second.codings) > 400 and len(second.interviews) == 18


def test_a_second_load_parses_nothing(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = plain(load(example)[0])
    forbid_parsing(monkeypatch)
    assert plain(load(example)[0]) == expected


def test_findings_of_broken_files_are_cached(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A problem reported while parsing each kind of file, kept with its cached parse.
    text = (small / "interviews" / "epicerie.md").read_text(encoding="utf-8")
    (small / "interviews" / "epicerie.md").write_text(
        text.replace("language: fr", "langage: fr"), encoding="utf-8"
    )
    (small / "interviews" / "broken.md").write_text("no front matter\n", encoding="utf-8")
    with (small / "codings" / "yanis" / "velo.yaml").open("a", encoding="utf-8") as handle:
        handle.write('- {"segment": 0, "code": "forme/partenariat", "fp": "", "at": ""}\n')
    registry = (small / "structures.yaml").read_text(encoding="utf-8")
    (small / "structures.yaml").write_text(
        registry.replace("statut: scop", "statut: scopp"), encoding="utf-8"
    )
    fresh = check_project_without_cache(small)
    rules = {f.rule for f in fresh}
    assert {"unknown-key", "syntax", "bad-value", "unknown-value"} <= rules, rules
    assert check_project(small) == fresh  # builds the cache
    forbid_parsing(monkeypatch)
    assert check_project(small) == fresh  # from the cache, findings included


def check_project_without_cache(root: Path) -> list[Any]:
    os.environ[cache.DISABLE_ENV] = "1"
    try:
        return check_project(root)
    finally:
        del os.environ[cache.DISABLE_ENV]


# -- never stale ----------------------------------------------------------------------------

EDITS: list[tuple[str, str, str, Callable[[Project], Any]]] = [
    (
        "interviews/epicerie.md",
        "avec les autres",
        "avec les autrez",
        lambda p: p.interviews["epicerie"].turns[1].text,
    ),
    (
        "interviews/velo.yaml",
        "toute l'année",
        "toute l'annee!",
        lambda p: p.interviews["velo"].turns[1].text,
    ),
    (
        "codings/camille/epicerie.yaml",
        '"segment": 6, "code": "logique/reseau/affinitaire"',
        '"segment": 6, "code": "logique/reseau/politique  "',
        lambda p: [c.code for c in p.codings],
    ),
    (
        "codebook.yaml",
        "label: Partenariat",
        "label: Partenariaz",
        lambda p: p.codebook.codes["forme/partenariat"].label,
    ),
    (
        "structures.yaml",
        "name: Vélo Scop",
        "name: Vélo Scot",
        lambda p: p.registry.structures["velo"].name,
    ),
]


@pytest.mark.parametrize("keep_mtime", [False, True], ids=["new-mtime", "same-mtime"])
@pytest.mark.parametrize(("rel", "old", "new", "seen"), EDITS, ids=[e[0] for e in EDITS])
def test_a_same_size_edit_is_seen(
    small: Path, rel: str, old: str, new: str, seen: Callable[[Project], Any], keep_mtime: bool
) -> None:
    before = seen(load(small)[0])
    assert seen(load(small)[0]) == before  # from the cache
    edit(small / rel, old, new, keep_mtime=keep_mtime)
    after = seen(load(small)[0])
    assert after != before
    assert after == seen(load(small, use_cache=False)[0])


def test_a_codebook_edit_updates_the_registry_findings(small: Path) -> None:
    # The registry is checked against the codebook's attributes: its cached findings must
    # follow a codebook edit even though structures.yaml did not change.
    assert check_project(small) == check_project(small) == []
    edit(small / "codebook.yaml", "scop: SCOP", "scip: SCOP")
    found = [(f.path, f.rule) for f in check_project(small)]
    assert ("structures.yaml", "unknown-value") in found  # statut 'scop' is no longer declared
    assert check_project(small) == check_project_without_cache(small)


def test_added_and_removed_files_are_seen(small: Path) -> None:
    load(small)
    (small / "interviews" / "velo.yaml").unlink()
    source = (small / "interviews" / "epicerie.md").read_text(encoding="utf-8")
    (small / "interviews" / "epicerie-bis.md").write_text(source, encoding="utf-8")
    (small / "codings" / "yanis" / "epicerie.yaml").unlink()
    loaded, findings = load(small)
    assert sorted(loaded.interviews) == ["epicerie", "epicerie-bis"]
    assert {c.coder for c in loaded.codings if c.interview == "epicerie"} == {"camille"}
    fresh, fresh_findings = load(small, use_cache=False)
    assert plain(loaded) == plain(fresh) and findings == fresh_findings


def test_recent_files_are_not_cached(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 3600 * 10**9)  # everything counts as just written
    load(small)
    calls: list[Path] = []
    original = cached_parsing.parse_interview

    def counting(path: Path, *args: Any, **kwargs: Any) -> Interview:
        calls.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(cached_parsing, "parse_interview", counting)
    load(small)
    assert len(calls) == 2


def test_the_code_tag_stamps_every_module_it_names() -> None:
    """Editing a parser invalidates the cache only if its source file is stamped: a module moved
    or renamed without updating the list would be stamped -1 (missing) and never noticed."""
    stamps = cache.code_tag()[-1]
    assert len(stamps) >= 20 and -1 not in stamps


def test_a_moved_project_keeps_correct_paths(small: Path, tmp_path: Path) -> None:
    load(small)
    moved = small.rename(tmp_path / "elsewhere")
    loaded, _ = load(moved)
    assert all(i.path.parent == moved / "interviews" for i in loaded.interviews.values())
    assert all(
        c.path is not None and c.path.parent.parent == moved / "codings" for c in loaded.codings
    )
    assert loaded.codebook.path == moved / "codebook.yaml"
    assert loaded.registry.path == moved / "structures.yaml"
    assert plain(loaded) == plain(load(moved, use_cache=False)[0])


def test_a_new_pcrcode_ignores_an_old_cache(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(small)
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    forbid_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="should come from the cache"):
        load(small)


# -- never fatal ----------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign", "folder"])
def test_a_corrupt_cache_is_ignored_and_rebuilt(example: Path, damage: str) -> None:
    expected, expected_findings = load(example, use_cache=False)
    load(example)
    packs = sorted((example / cache.CACHE_DIR).glob("*.pack"))
    assert len(packs) > 10
    for pack in packs:
        data = pack.read_bytes()
        if damage == "folder":
            pack.unlink()
            pack.mkdir()
            continue
        pack.write_bytes(
            {
                "garbage": os.urandom(len(data)),
                "truncated": data[: len(data) // 2],
                "empty": b"",
                "foreign": b"\x00" * 16,
            }[damage]
        )
    loaded, findings = load(example)
    assert plain(loaded) == plain(expected) and findings == expected_findings
    if damage != "folder":  # rewritten, and good again
        reloaded, _ = load(example)
        assert plain(reloaded) == plain(expected)


class Trap:
    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, ("pwned",))


def test_a_cache_file_cannot_run_code(small: Path) -> None:
    # Packs are marshal data, never unpickled: a planted pickle is just a corrupt pack.
    import pickle

    load(small)
    for pack in (small / cache.CACHE_DIR).glob("*.pack"):
        pack.write_bytes(pickle.dumps(Trap()))
    os.chdir(small)
    try:
        assert plain(load(small)[0]) == plain(load(small, use_cache=False)[0])
    finally:
        os.chdir(small.parent)
    assert not (small / "pwned").exists()


@pytest.mark.parametrize(
    "value",
    [
        None,
        "texte",
        3,
        2.5,
        True,
        b"\x00",
        datetime.date(2026, 3, 12),
        datetime.datetime(2026, 3, 12, 9, 30),
        [1, "a"],
        {"a": [1, {"b": None}]},
        {1, 2},
    ],
)
def test_yaml_values_survive_the_cache(value: Any) -> None:
    back = cache_codec.unplain(cache_codec.plain(value))
    assert back == value and type(back) is type(value)


def test_yaml_positions_survive_the_cache() -> None:
    from pcrcode.files.yaml_reading import loads

    meta = loads("participants:\n  - name: Léa\n    role: salariée\ndate: 2026-03-02\n", "x")
    back = cache_codec.unplain(cache_codec.plain(meta))
    assert back == meta and type(back) is type(meta)
    assert (
        back.key_pos == meta.key_pos
        and back["participants"].item_pos == meta["participants"].item_pos
    )
    assert back["participants"][0].pos("role") == meta["participants"][0].pos("role") == (3, 5)


def test_an_unwritable_cache_is_not_an_error(small: Path) -> None:
    (small / ".pcrcode").mkdir()
    (small / cache.CACHE_DIR).write_text("a file where the cache folder should be")
    expected = plain(load(small, use_cache=False)[0])
    assert plain(load(small)[0]) == expected
    assert plain(load(small)[0]) == expected


def test_turns_are_read_again_when_their_pack_is_gone(example: Path) -> None:
    load(example)
    loaded, _ = load(example)
    for pack in (example / cache.CACHE_DIR).glob("t-*.pack"):
        pack.unlink()
    expected = plain(load(example, use_cache=False)[0])
    assert plain(loaded) == expected  # the turns are parsed from the transcripts


def test_a_cached_interview_equals_a_parsed_one(small: Path) -> None:
    load(small)
    cached = load(small)[0].interviews["epicerie"]
    parsed = load(small, use_cache=False)[0].interviews["epicerie"]
    assert type(cached) is not type(parsed)  # really from the cache
    assert cached == parsed and parsed == cached
    assert isinstance(cached, Interview)


def test_the_environment_can_turn_the_cache_off(small: Path, cli: Callable[..., Run]) -> None:
    result = cli(["check"], cwd=small, env={cache.DISABLE_ENV: "1"})
    assert result.exit_code == 0, result.stderr
    assert not (small / cache.CACHE_DIR).exists()
    assert cli(["check"], cwd=small).exit_code == 0
    assert (small / cache.CACHE_DIR).is_dir()


def test_check_prints_the_same_from_the_cache(example: Path, cli: Callable[..., Run]) -> None:
    (example / "interviews" / "terre-et-paille.md").write_text(
        (example / "interviews" / "terre-et-paille.md")
        .read_text(encoding="utf-8")
        .replace("structure:", "structur:", 1),
        encoding="utf-8",
    )
    cold = cli(["check"], cwd=example)
    warm = cli(["check"], cwd=example)
    assert cold.exit_code == warm.exit_code == 1
    assert cold.stdout == warm.stdout and "unknown-key" in warm.stdout
    assert cold.stderr == warm.stderr


# -- progress ---------------------------------------------------------------------------------


def test_progress_counts_every_file(small: Path) -> None:
    seen: list[tuple[int, int]] = []
    project.load_project(small, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)  # 2 transcripts, 4 coding files
    assert [d for d, _ in seen] == list(range(7))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_draws_only_on_a_terminal_and_after_a_delay() -> None:
    piped = io.StringIO()
    bar = ProgressBar("reading", stream=piped, delay=0)
    bar(5, 10)
    bar.close()
    assert piped.getvalue() == ""
    terminal = Terminal()
    late = ProgressBar("reading", stream=terminal, delay=3600)
    late(5, 10)
    assert terminal.getvalue() == ""
    bar = ProgressBar("reading", stream=terminal, delay=0)
    bar(5, 10)
    bar(10, 10)
    bar.close()
    assert terminal.getvalue() == (
        "\rreading " + "━" * 15 + "─" * 15 + " 5/10 files\x1b[K"
        "\rreading " + "━" * 30 + " 10/10 files\x1b[K"
        "\r\x1b[K"
    )
    assert bar_text("reading", 0, 0) == "reading " + "━" * 30 + " 0/0 files"


def test_codings_are_read_again_when_their_pack_is_gone(example: Path) -> None:
    load(example)
    loaded, _ = load(example)
    for pack in (example / cache.CACHE_DIR).glob("c*-*.pack"):
        pack.unlink()
    expected = plain(load(example, use_cache=False)[0])
    assert plain(loaded) == expected  # the codings are read from their files


def test_a_report_builds_only_the_codings_it_counts(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports count each interview's main coder: the second coder's copies stay in the cache."""
    from pcrcode.reports.corpus import build_corpus
    from pcrcode.reports.selection import select_coders

    load(example)
    loaded, _ = load(example)
    built: list[str] = []
    decode = cache_codec.decode_codings

    def spy(data: Any, path: Path) -> Any:
        built.append(path.parent.name)
        return decode(data, path)

    monkeypatch.setattr(cache_codec, "decode_codings", spy)
    selection = select_coders(loaded)
    assert built == []  # who coded what is known without building a coding
    corpus = build_corpus(loaded, selection)
    assert set(built) == {"camille"} and len(built) == 18
    # ... and the result is the one a fully built project gives.
    full = load(example, use_cache=False)[0]
    assert corpus.segments == build_corpus(full, select_coders(full)).segments
    assert loaded.codings == full.codings and len(loaded.codings) == len(full.codings)
    assert "yanis" in built  # comparing them built the rest


def test_the_packs_of_a_coder_who_left_are_removed(small: Path) -> None:
    load(small)
    group = cache.text_family("codings/yanis/x.yaml")
    assert group != cache.text_family("codings/camille/x.yaml")  # so this test means something
    assert list((small / cache.CACHE_DIR).glob(f"{group}-*.pack"))
    for path in (small / "codings" / "yanis").iterdir():
        path.unlink()
    (small / "codings" / "yanis").rmdir()
    assert plain(load(small)[0]) == plain(load(small, use_cache=False)[0])
    assert not list((small / cache.CACHE_DIR).glob(f"{group}-*.pack"))


def test_loaded_codings_behave_as_the_tuple_of_them(small: Path) -> None:
    load(small)
    loaded, _ = load(small)
    parsed = tuple(load(small, use_cache=False)[0].codings)
    codings_ = loaded.codings
    assert codings_ == parsed and len(codings_) == len(parsed) and bool(codings_)
    assert codings_[0] == parsed[0] and codings_[-3:] == parsed[-3:]
    assert list(codings_) == list(parsed)
    for interview, coder in (("velo", "yanis"), ("epicerie", None), (None, "camille")):
        assert list(loaded.iter_codings(interview=interview, coder=coder)) == [
            c for c in parsed if interview in (None, c.interview) and coder in (None, c.coder)
        ]
    assert loaded.coders() == sorted({c.coder for c in parsed})


def test_check_builds_no_turn_to_check_codings(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fingerprints come with the cached heads, and a span's quote is compared with the cached
    text of its turn: no Turn object is built, and a stale quote is still found."""
    built: list[int] = []
    build = cache_codec.build_turns

    def spy(raw: Any) -> Any:
        built.append(len(raw))
        return build(raw)

    monkeypatch.setattr(cache_codec, "build_turns", spy)
    expected = check_project(small)
    assert check_project(small) == expected and built == []
    codings_file = small / "codings" / "yanis" / "epicerie.yaml"
    text = codings_file.read_text(encoding="utf-8")
    assert '"quote": "on a fait la fête de quartier ensemble"' in text
    settle()
    codings_file.write_text(
        text.replace("la fête de quartier", "la fête du quartier"), encoding="utf-8"
    )
    found = check_project(small)  # the transcript comes from the cache, the coding file not
    assert [(f.rule, f.path) for f in found if f not in expected] == [
        ("stale-quote", "codings/yanis/epicerie.yaml")
    ]
    assert check_project(small) == found and built == []


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A first load forks a helper as soon as one file is missing; the forks are counted."""
    monkeypatch.setattr(cached_parsing, "PARALLEL_MIN", 1)
    monkeypatch.delenv(cached_parsing.JOBS_ENV, raising=False)
    made: list[int] = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    return made


def test_a_first_load_in_two_processes_equals_one(
    example: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected, expected_findings = load(example, use_cache=False)
    first, findings = load(example)
    assert len(forks) == 1  # the helper parsed half the files into the cache
    assert plain(first) == plain(expected) and findings == expected_findings
    forbid_parsing(monkeypatch)  # both halves are cached now
    second, findings = load(example)
    assert plain(second) == plain(expected) and findings == expected_findings
    assert len(forks) == 1  # nothing left to parse: no helper


def test_a_helper_that_fails_changes_nothing(
    example: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any) -> int:
        raise RuntimeError("the helper dies before parsing anything")

    monkeypatch.setattr(cached_parsing, "_child_pass", crash)
    expected, expected_findings = load(example, use_cache=False)
    loaded, findings = load(example)
    assert len(forks) == 1
    assert plain(loaded) == plain(expected) and findings == expected_findings


def test_a_helper_with_racy_files_changes_nothing(
    example: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 10**18)  # every file too recent to be cached
    expected, expected_findings = load(example, use_cache=False)
    for _ in range(2):
        loaded, findings = load(example)
        assert plain(loaded) == plain(expected) and findings == expected_findings
    assert len(forks) == 2


def test_no_helper_when_told_so(
    example: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cached_parsing.JOBS_ENV, "1")
    load(example)
    assert forks == []


def test_a_cached_interview_counts_and_reads_turns_without_building_them(small: Path) -> None:
    load(small)
    cached = load(small)[0].interviews["epicerie"]
    parsed = load(small, use_cache=False)[0].interviews["epicerie"]
    assert isinstance(cached, cache_codec.CachedInterview) and not cached.turns_built()
    assert cached.turn_count() == parsed.turn_count() == len(parsed.turns)
    assert cached.fingerprints() == parsed.fingerprints()
    assert [cached.text_of(n) for n in range(1, cached.turn_count() + 1)] == [
        t.text for t in parsed.turns
    ]
    assert not cached.turns_built()
    assert cached.turns == parsed.turns and cached.turns_built()
    cached.release_turns()
    assert not cached.turns_built() and cached.turns == parsed.turns  # read again


def test_a_project_served_from_the_cache_needs_no_yaml(small: Path) -> None:
    """The codebook is cached too: a warm report does not even import PyYAML (7 ms)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pcrcode.files import cache\n"
        "cache.RACY_NS = 0\n"
        "from pcrcode.files.diagnostics import Diagnostics\n"
        "from pcrcode.project import load_project\n"
        "root = Path(sys.argv[1])\n"
        "p = load_project(root, Diagnostics(root))\n"
        "print(len(p.codebook.codes), len(p.codings), 'yaml' in sys.modules)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(small)], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0][2] == "True" and runs[1][2] == "False"  # parsed once, then cached
    assert runs[0][:2] == runs[1][:2] and int(runs[0][0]) >= 10


def test_take_builds_a_file_without_keeping_it(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(small)
    loaded, _ = load(small)
    built: list[str] = []
    decode = cache_codec.decode_codings

    def spy(data: Any, path: Path) -> Any:
        built.append(path.stem)
        return decode(data, path)

    monkeypatch.setattr(cache_codec, "decode_codings", spy)
    read = codings.read

    def read_spy(path: Path, diag: Diagnostics) -> Any:  # the pack entry was handed out
        built.append(path.stem)
        return read(path, diag)

    monkeypatch.setattr(codings, "read", read_spy)
    files = loaded.codings
    assert isinstance(files, Codings)
    taken = files.take("velo", "yanis")
    assert taken and built == ["velo"]
    assert files.of("velo", "yanis") == taken  # built again: nothing was kept
    assert built == ["velo", "velo"]
    assert files.of("velo", "yanis") == taken and built == ["velo", "velo"]  # now kept


def test_two_files_of_one_coder_on_one_interview_are_listed_once_each(small: Path) -> None:
    """codings/yanis/velo.yaml and velo.yml: both read, neither twice (check flags the pair)."""
    source = small / "codings" / "yanis" / "velo.yaml"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("- "))
    half = first + (len(lines) - first) // 2
    source.write_text("".join(lines[:half]), encoding="utf-8")
    source.with_suffix(".yml").write_text("".join(lines[:first] + lines[half:]), encoding="utf-8")
    load(small)
    for use_cache in (True, False):
        loaded, _ = load(small, use_cache)
        every = tuple(loaded.codings)
        assert (
            len([c for c in every if (c.interview, c.coder) == ("velo", "yanis")])
            == len(lines) - first
        )
        for interview, coder in (("velo", "yanis"), ("velo", None), (None, "yanis")):
            assert list(loaded.iter_codings(interview=interview, coder=coder)) == [
                c for c in every if interview in (None, c.interview) and coder in (None, c.coder)
            ]


def test_the_codebook_stays_cached_after_a_load_with_a_helper(
    example: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = cache.bucket("codebook.yaml")
    assert target % 2 == 1  # in the helper's half: the case at stake
    # An interview in the codebook's pack: the helper rewrites that pack.
    name = next(
        f"copie-{i}" for i in range(1000) if cache.bucket(f"interviews/copie-{i}.md") == target
    )
    transcripts = sorted((example / "interviews").glob("*.md"))
    (example / "interviews" / f"{name}.md").write_bytes(transcripts[0].read_bytes())
    load(example)
    settle()
    for path in (example / "interviews").iterdir():
        path.write_bytes(path.read_bytes())  # every transcript to parse again, with a helper
    forks.clear()
    load(example)
    assert len(forks) == 1
    expected = plain(load(example, use_cache=False)[0])
    forbid_parsing(monkeypatch)
    monkeypatch.setattr(project, "load_codebook", lambda *a: pytest.fail("codebook parsed"))
    assert plain(load(example)[0]) == expected


def test_a_second_pass_over_codings_reads_the_cache_not_the_files(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(example)
    loaded, _ = load(example)
    expected = list(load(example, use_cache=False)[0].codings)
    files = loaded.codings
    assert isinstance(files, Codings)
    pairs = [(iv, coder) for iv, coder, _ in files.files()]
    first = [files.take(iv, coder) for iv, coder in pairs[::2]]  # packs left half-read
    forbid_parsing(monkeypatch)
    assert [files.take(iv, coder) for iv, coder in pairs[::2]] == first
    assert list(files) == expected
